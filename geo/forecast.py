"""The calibrated forecast, kept at its first address: it lives in :mod:`geo.model.forecast` now.
New code imports from there."""

from __future__ import annotations

from geo.model.forecast import (
    COARSE_KM_WARN,
    COARSE_MAJORITY,
    EVIDENCE_KM_SHARES,
    TOP_BANDS_KM_WARN,
    Forecast,
    band_history,
    calibration_origins,
    coarse_share,
    evidence_thresholds,
    forecast,
    forecast_problems,
    place_incidents,
    window_hits,
)

__all__ = [
    "COARSE_KM_WARN",
    "COARSE_MAJORITY",
    "EVIDENCE_KM_SHARES",
    "TOP_BANDS_KM_WARN",
    "Forecast",
    "band_history",
    "calibration_origins",
    "coarse_share",
    "evidence_thresholds",
    "forecast",
    "forecast_problems",
    "place_incidents",
    "window_hits",
]
