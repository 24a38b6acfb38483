"""Progress of long stages: one log line per stage with its time, and a bar on a terminal.

Stages log to the ``geo.progress`` logger at INFO (``"segmenting corridors: 1.9 s"``): silent in
Python unless logging is configured, one line per stage from the CLI (``--quiet`` silences
them). Bars (tqdm, on stderr) appear only when :data:`geo.settings.PROGRESS_BARS` is true, which
the CLI sets when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from geo import settings

__all__ = ["log", "stage"]

log = logging.getLogger("geo.progress")


@contextlib.contextmanager
def stage(what: str, *, total: int | None = None, unit: str = "it"
          ) -> Iterator[Callable[[int], None]]:
    """Time a stage; yields ``advance(n)`` that moves its bar (when there is one) by ``n``.

    >>> with stage("counting", total=3) as advance:
    ...     for _ in range(3):
    ...         advance(1)
    """
    bar: Any = None
    if total and settings.PROGRESS_BARS:
        from tqdm import tqdm

        bar = tqdm(total=total, desc=what, unit=unit, unit_scale=True, leave=False,
                   dynamic_ncols=True)
    started = time.perf_counter()

    def advance(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.close()
        log.info("%s: %.1f s", what, time.perf_counter() - started)
