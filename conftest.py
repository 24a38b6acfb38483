"""Doctests of ``geo/``: the bundled build is computed once per set of arguments.

Docstring examples call ``geo.build()`` as a reader would. So that a dozen of them do not
score the bundled layers a dozen times, :func:`geo.pipeline.prepare` is memoised while doctests
run, in :mod:`geo.pipeline` and :mod:`geo.api` (a build is never changed by the methods that
read it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _shared_bundled_build(request: pytest.FixtureRequest,
                          monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import geo.api
    import geo.pipeline

    real = geo.pipeline.prepare

    def cached(**kwargs: Any) -> Any:
        key = repr(sorted(kwargs.items()))
        if key not in _CACHE:
            _CACHE[key] = real(**kwargs)
        return _CACHE[key]

    monkeypatch.setattr(geo.api, "prepare", cached)
    monkeypatch.setattr(geo.pipeline, "prepare", cached)
    yield


_CACHE: dict[str, Any] = {}
