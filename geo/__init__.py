"""routerisk: explainable, dated, precision-aware risk on overland corridor segments.

>>> import geo
>>> result = geo.build()          # the bundled example (geo.datasets), as of its latest incident
>>> result.segments.shape[0] > 0
True

:func:`build` reads, validates and scores the layers and returns a :class:`Build`
(``.segments``, ``.routes``, ``.incidents`` …, ``.explore()``, ``.plot()``, ``.to_files()``,
``.compare()``, ``.route()``). Bad input raises :class:`ValidationError` listing every problem;
a call of the wrong form raises :class:`UsageError`; suspicious but valid input warns with
:class:`InputWarning`.

The modules, importable one by one: :mod:`geo.io` (read and validate layers),
:mod:`geo.segment` (cut corridors), :mod:`geo.risk` (score segments), :mod:`geo.routes`
(route summaries), :mod:`geo.compare` (changes between dates), :mod:`geo.paths` (least-risk
paths), :mod:`geo.export` (files), :mod:`geo.maps` (HTML and static maps), :mod:`geo.publish`
(public builds), :func:`extract` (incidents proposed from news texts, for review),
:mod:`geo.pipeline` (the whole build), :mod:`geo.datasets` (the bundled
example), :mod:`geo.settings` (defaults).

Importing ``geo`` is cheap: the error classes are loaded at once, everything else (geopandas,
folium, matplotlib) on first use of :func:`build`, :class:`Build` or a submodule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo._errors import InputWarning, UsageError, ValidationError
from geo._version import __version__

if TYPE_CHECKING:  # what the lazy names below resolve to
    from geo import (
        api,
        compare,
        datasets,
        export,
        io,
        maps,
        paths,
        pipeline,
        publish,
        risk,
        routes,
        segment,
        settings,
    )
    from geo.api import Build, build
    from geo.extract import Extraction, extract

__all__ = [
    "Build",
    "Extraction",
    "InputWarning",
    "UsageError",
    "ValidationError",
    "__version__",
    "api",
    "build",
    "compare",
    "datasets",
    "export",
    "extract",
    "io",
    "maps",
    "paths",
    "pipeline",
    "publish",
    "risk",
    "routes",
    "segment",
    "settings",
]


_MODULES = frozenset({"api", "compare", "datasets", "export", "io", "maps", "paths", "pipeline",
                      "publish", "risk", "routes", "segment", "settings"})
_FROM_API = frozenset({"Build", "build"})
_FROM_EXTRACT = frozenset({"Extraction", "extract"})


def __getattr__(name: str) -> Any:
    """Load the public modules and the API on first use (PEP 562), not on ``import geo``."""
    if name in _MODULES:
        return importlib.import_module(f"geo.{name}")
    if name in _FROM_API:
        return getattr(importlib.import_module("geo.api"), name)
    if name in _FROM_EXTRACT:
        return getattr(importlib.import_module("geo.extract"), name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
