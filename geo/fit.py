"""The fitted default model, kept at its first address: it lives in :mod:`geo.model.fit` now.
New code imports from there."""

from __future__ import annotations

from geo.model.fit import (
    MAX_PAIRS,
    FitResult,
    Terms,
    fit_field,
    placed_segment,
    term_pairs,
    training_dates,
)

__all__ = ["MAX_PAIRS", "FitResult", "Terms", "fit_field", "placed_segment", "term_pairs",
           "training_dates"]
