"""The risk model's public names, kept at their first address.

Where things live now (the ``geo.model`` package, in the order data flows through it):

* :mod:`geo.model.config` — :class:`IncidentType`, :class:`RiskModel`, :func:`load_model`
  (the TOML reading and checks in :mod:`geo.model.config_file`);
* :mod:`geo.model.looks` — marker shapes and colours per type (:data:`SYMBOLS`);
* :mod:`geo.model.known` — the known-by rule;
* :mod:`geo.model.field` — :class:`RiskField`, the incident × segment pairs
  (:func:`local_point_pairs`), with the kernels in :mod:`geo.model.kernels`,
  :mod:`geo.model.kernels_jit` and :mod:`geo.model.network_kernel`;
* :mod:`geo.model.scores` — :func:`band_of`, :func:`month_ends`, :func:`score_segments`,
  :func:`band_timeline`;
* :mod:`geo.model.fate` — :func:`incident_fate`, :func:`outside_fate`.

New code imports from those modules; this one only re-exports them.
"""

from __future__ import annotations

from geo.model.config import IncidentType, RiskModel, load_model
from geo.model.fate import OUTSIDE_COVERAGE, incident_fate, outside_fate
from geo.model.field import PointPairs, RiskField, _quartic_line_integral, local_point_pairs
from geo.model.looks import SYMBOLS, TYPE_COLOURS
from geo.model.scores import (
    BASELINE_ID,
    PRECISION_WORDS,
    band_of,
    band_timeline,
    month_ends,
    score_segments,
)

__all__ = [
    "BASELINE_ID",
    "OUTSIDE_COVERAGE",
    "PRECISION_WORDS",
    "SYMBOLS",
    "TYPE_COLOURS",
    "IncidentType",
    "PointPairs",
    "RiskField",
    "RiskModel",
    "_quartic_line_integral",
    "band_of",
    "band_timeline",
    "incident_fate",
    "load_model",
    "local_point_pairs",
    "month_ends",
    "outside_fate",
    "score_segments",
]
