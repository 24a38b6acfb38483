"""The calibration of ``p_<H>d``, kept at its first address: it lives in
:mod:`geo.model.calibration` now. New code imports from there."""

from __future__ import annotations

from geo.model.calibration import (
    Calibration,
    ForecastSettings,
    expected_calibration_error,
    fit_calibration,
    reliability,
)

__all__ = [
    "Calibration",
    "ForecastSettings",
    "expected_calibration_error",
    "fit_calibration",
    "reliability",
]
