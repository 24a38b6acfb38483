"""routerisk: explainable, dated, precision-aware risk on overland corridor segments.

>>> import geo
>>> result = geo.build()          # the bundled example (geo.datasets), as of its latest incident
>>> result.segments.shape[0] > 0
True

:func:`build` reads, validates and scores the layers and returns a :class:`Build`
(``.segments``, ``.routes``, ``.incidents`` …, ``.explore()``, ``.plot()``, ``.to_files()``,
``.compare()`` → :class:`Comparison`, ``.route()`` → :class:`PathsResult`; ``.model`` is a
:class:`RiskModel`).

Every error routerisk raises is a :class:`RouteriskError` (a :class:`ValueError`): bad input
raises :class:`ValidationError` listing every problem (each a :class:`Problem`); an argument
of the wrong value raises :class:`UsageError`; a place name the offline gazetteer cannot
resolve raises :class:`PlaceError`; a wrong risk model file raises :class:`ConfigError`.
Suspicious but valid input warns with :class:`InputWarning`. A keyword that does not exist is
Python's own :class:`TypeError`, at the call.

The modules, importable one by one: :mod:`geo.io` (read and validate layers),
:mod:`geo.segment` (cut corridors), :mod:`geo.model` (score segments; :mod:`geo.model.forecast`:
calibrated ``p_<H>d`` and evidence bands, fitted by :mod:`geo.model.calibration`),
:mod:`geo.summaries` (route summaries), :mod:`geo.compare` (changes between dates),
:mod:`geo.paths` (least-risk paths), :mod:`geo.export` (files), :mod:`geo.maps` (HTML and
static maps), :mod:`geo.publish` (public builds), :func:`extract` (incidents proposed from news
texts, for review), :mod:`geo.pipeline` (the whole build), :mod:`geo.datasets` (the bundled
example), :mod:`geo.settings` (defaults).

Importing ``geo`` is cheap: the error classes are loaded at once, everything else (geopandas,
folium, matplotlib) on first use of :func:`build`, :class:`Build` or a submodule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo._errors import (
    ConfigError,
    InputWarning,
    PlaceError,
    Problem,
    RouteriskError,
    UsageError,
    ValidationError,
)
from geo._version import __version__

if TYPE_CHECKING:  # what the lazy names below resolve to
    from geo import (
        api,
        calibration,
        compare,
        datasets,
        export,
        forecast,
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
    from geo._results import Comparison, PathsResult
    from geo.api import Build, build
    from geo.extract import Extraction, extract
    from geo.model.config import RiskModel

__all__ = [
    "Build",
    "Comparison",
    "ConfigError",
    "Extraction",
    "InputWarning",
    "PathsResult",
    "PlaceError",
    "Problem",
    "RiskModel",
    "RouteriskError",
    "UsageError",
    "ValidationError",
    "__version__",
    "api",
    "build",
    "calibration",
    "compare",
    "datasets",
    "export",
    "extract",
    "forecast",
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


_MODULES = frozenset({"api", "calibration", "compare", "datasets", "export", "forecast", "io",
                      "maps", "paths", "pipeline", "publish", "risk", "routes", "segment",
                      "settings"})
_LAZY = {"Build": "geo.api", "build": "geo.api", "Comparison": "geo._results",
         "PathsResult": "geo._results", "RiskModel": "geo.model.config",
         "Extraction": "geo.extract", "extract": "geo.extract"}


def __getattr__(name: str) -> Any:
    """Load the public modules and the API on first use (PEP 562), not on ``import geo``."""
    if name in _MODULES:
        return importlib.import_module(f"geo.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
