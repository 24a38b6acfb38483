"""Scores of a ranking of corridor segments against the incidents that followed.

Every metric takes the predicted ``density`` (any score per km: only its order matters, except
for the log-score), the segments' ``length_km`` and the observed future ``counts``. Segments are
taken in decreasing density; ties are taken together, at their expected value (the curve is
linear across a tied group, as if their order were random).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

__all__ = ["LEVELS", "auc", "capture_curve", "expected_counts", "hit_rate", "log_score", "pai",
           "pei", "spearman"]

LEVELS = (5, 10, 20)  # per cent of network length at which hit rate, PAI and PEI* are given


def capture_curve(density: np.ndarray, length_km: np.ndarray, counts: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Share of length (x) and share of future incidents caught (y), from (0, 0) to (1, 1).

    >>> x, y = capture_curve(np.array([2.0, 1.0]), np.array([1.0, 3.0]), np.array([3, 1]))
    >>> x.tolist(), y.tolist()
    ([0.0, 0.25, 1.0], [0.0, 0.75, 1.0])
    """
    density = np.asarray(density, dtype=float)
    length_km = np.asarray(length_km, dtype=float)
    counts = np.asarray(counts, dtype=float)
    total_len, total = length_km.sum(), counts.sum()
    if total_len <= 0 or total <= 0:
        return np.array([0.0, 1.0]), np.array([0.0, np.nan])
    # groups of equal density, highest first
    levels, group = np.unique(-density, return_inverse=True)
    glen = np.bincount(group, weights=length_km, minlength=len(levels))
    ghit = np.bincount(group, weights=counts, minlength=len(levels))
    x = np.concatenate([[0.0], np.cumsum(glen) / total_len])
    y = np.concatenate([[0.0], np.cumsum(ghit) / total])
    return x, y


def hit_rate(density: np.ndarray, length_km: np.ndarray, counts: np.ndarray, percent: float
             ) -> float:
    """Share of future incidents on the ``percent`` % of length ranked highest.

    >>> hit_rate(np.array([2.0, 1.0]), np.array([1.0, 3.0]), np.array([3, 1]), 25)
    0.75
    """
    x, y = capture_curve(density, length_km, counts)
    return float(np.interp(percent / 100.0, x, y))


def pai(density: np.ndarray, length_km: np.ndarray, counts: np.ndarray, percent: float
        ) -> float:
    """Predictive accuracy index: hit rate divided by the share of length (1 = no better than
    chance)."""
    return hit_rate(density, length_km, counts, percent) / (percent / 100.0)


def pei(density: np.ndarray, length_km: np.ndarray, counts: np.ndarray, percent: float
        ) -> float:
    """PEI*: hit rate over the best hit rate any ranking could reach on the same length."""
    best = hit_rate(np.asarray(counts, float) / np.maximum(length_km, 1e-12), length_km, counts,
                    percent)
    return hit_rate(density, length_km, counts, percent) / best if best > 0 else math.nan


def auc(density: np.ndarray, length_km: np.ndarray, counts: np.ndarray) -> float:
    """Area under the capture curve (0.5 = chance; ties at their expected value).

    >>> auc(np.zeros(3), np.ones(3), np.array([5, 0, 0]))
    0.5
    """
    x, y = capture_curve(density, length_km, counts)
    return float(np.trapezoid(y, x)) if not np.isnan(y[-1]) else math.nan


def expected_counts(density: np.ndarray, length_km: np.ndarray, n_hat: float) -> np.ndarray:
    """Expected future counts per segment for the log score: ``n_hat`` incidents shared by
    exposure (density × length), 1 % of them spread by length (so no segment expects 0).

    >>> expected_counts(np.array([1.0, 0.0]), np.array([1.0, 1.0]), 2.0).round(3).tolist()
    [1.99, 0.01]
    """
    exposure = np.maximum(density, 0) * length_km
    share = exposure / exposure.sum() if exposure.sum() > 0 else length_km / length_km.sum()
    return n_hat * (0.99 * share + 0.01 * length_km / length_km.sum())


def log_score(expected: np.ndarray, counts: np.ndarray) -> float:
    """Mean Poisson log-likelihood per segment of the observed counts under ``expected``."""
    mu = np.maximum(np.asarray(expected, dtype=float), 1e-12)
    k = np.asarray(counts, dtype=float)
    return float(np.mean(k * np.log(mu) - mu - special.gammaln(k + 1)))


def spearman(density: np.ndarray, counts: np.ndarray) -> float:
    """Spearman rank correlation of density and future counts (NaN when either is constant)."""
    if np.ptp(density) == 0 or np.ptp(counts) == 0:
        return math.nan
    return float(stats.spearmanr(density, counts).statistic)
