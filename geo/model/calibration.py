"""Calibrated probabilities from a risk score: the fit, the prediction, the reliability check.

A score (``risk_density``, weighted incidents per 100 km) ranks segments but is not a
probability. :func:`fit_calibration` turns it into one by logistic (Platt) regression, pooled
over past windows, of "at least one incident on the segment in the next H days" on

``logit p = a + b · log(density + floor) + c · log(length_km)``

with ``b ≥ 0`` and ``c ≥ 0``: the probability never falls when the score or the length rises
(a longer segment catches more). ``floor`` is the 10th percentile of the positive densities of
the fit, so segments without any incident nearby keep a finite, fitted probability.

Where history cannot support a fit (fewer than ``min_windows`` windows, fewer than
``min_hits`` segment-windows with a hit, or no segment-window without one), the result has no
coefficients and says why; :meth:`Calibration.predict` then returns NaN, never a made-up number.

:func:`reliability` and :func:`expected_calibration_error` compare predicted probabilities with
what happened (10 equal-width bins).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

__all__ = ["Calibration", "ForecastSettings", "expected_calibration_error", "fit_calibration",
           "reliability"]

N_BINS = 10


@dataclass(frozen=True)
class ForecastSettings:
    """The ``[forecast]`` section of the risk model file.

    Parameters
    ----------
    horizon_days
        H: the probability is of at least one incident in the next H days (column ``p_<H>d``).
    capture_km
        A later incident counts on its nearest segment within this distance (as in
        ``routerisk backtest``).
    step_days
        Spacing of the past origins the calibration is fitted on.
    min_windows, min_hits
        Fewest closed windows, and fewest segment-windows with a hit, for a fit.
    max_windows
        Most recent closed windows used (older ones are left out).

    Examples
    --------
    >>> ForecastSettings().column
    'p_90d'
    """

    horizon_days: int = 90
    capture_km: float = 10.0
    step_days: int = 30
    min_windows: int = 6
    min_hits: int = 10
    max_windows: int = 60

    @property
    def column(self) -> str:
        """Name of the probability column, ``p_<H>d``.

        Examples
        --------
        >>> ForecastSettings(horizon_days=30).column
        'p_30d'
        """
        return f"p_{self.horizon_days}d"


@dataclass(frozen=True)
class Calibration:
    """A fitted calibration (or the reason there is none).

    Parameters
    ----------
    coef
        ``(a, b, c)`` of the logistic model, or ``None`` when not fitted.
    floor
        Density added before the logarithm.
    n_windows, n_rows, n_hits
        Windows, segment-windows and segment-windows with a hit the fit saw.
    reason
        Why there is no fit (empty when there is one).

    Examples
    --------
    >>> Calibration(coef=None, floor=0.0, n_windows=2, n_rows=10, n_hits=1,
    ...             reason="too few").predict(np.array([1.0]), np.array([10.0])).tolist()
    [nan]
    """

    coef: tuple[float, float, float] | None
    floor: float
    n_windows: int
    n_rows: int
    n_hits: int
    reason: str = ""

    @property
    def fitted(self) -> bool:
        """Whether probabilities can be given.

        Examples
        --------
        >>> Calibration(coef=(0.0, 1.0, 0.0), floor=1.0, n_windows=6, n_rows=9, n_hits=3).fitted
        True
        """
        return self.coef is not None

    def predict(self, density: np.ndarray, length_km: np.ndarray) -> np.ndarray:
        """Probability of at least one incident on each segment (NaN without a fit).

        Parameters
        ----------
        density
            Risk densities.
        length_km
            Segment lengths.

        Returns
        -------
        numpy.ndarray
            Probabilities in (0, 1), or NaN.

        Examples
        --------
        >>> cal = Calibration(coef=(0.0, 1.0, 0.0), floor=1.0, n_windows=6, n_rows=9, n_hits=3)
        >>> cal.predict(np.array([0.0]), np.array([10.0])).round(4).tolist()  # expit(log 1)
        [0.5]
        """
        density = np.asarray(density, dtype=float)
        if self.coef is None:
            return np.full(density.shape, np.nan)
        a, b, c = self.coef
        x = _features(density, np.asarray(length_km, dtype=float), self.floor)
        return special.expit(a + b * x[0] + c * x[1])

    def describe(self) -> dict[str, object]:
        """JSON-ready summary (for the build manifest).

        Returns
        -------
        dict
            Whether fitted, the model, coefficients, floor, counts and the reason.

        Examples
        --------
        >>> Calibration(None, 0.0, 2, 0, 0, "too few").describe()["reason"]
        'too few'
        """
        return {"fitted": self.fitted, "model": "logistic: logit p = a + b log(density + floor)"
                " + c log(length_km)",
                "coef": None if self.coef is None else [round(v, 6) for v in self.coef],
                "floor": round(self.floor, 6), "windows": self.n_windows,
                "segment_windows": self.n_rows, "hits": self.n_hits, "reason": self.reason}


def _features(density: np.ndarray, length_km: np.ndarray, floor: float) -> np.ndarray:
    return np.stack([np.log(np.maximum(density, 0.0) + floor),
                     np.log(np.maximum(length_km, 1e-3))])


def fit_calibration(density: np.ndarray, length_km: np.ndarray, hit: np.ndarray, *,
                    n_windows: int, min_windows: int = 6, min_hits: int = 10) -> Calibration:
    """Fit the logistic calibration on pooled segment-windows.

    Parameters
    ----------
    density, length_km, hit
        One entry per segment-window: the score at the window's origin, the segment's length,
        and whether an incident fell on it in the window.
    n_windows
        How many windows were pooled.
    min_windows, min_hits
        The rule for "history cannot support calibration".

    Returns
    -------
    Calibration
        Coefficients, or the reason there are none.

    Examples
    --------
    >>> d = np.repeat([0.0, 1.0, 10.0], 40)
    >>> hit = np.tile(np.arange(40) < 4, 3) | ((d == 10.0) & (np.tile(np.arange(40), 3) < 20))
    >>> cal = fit_calibration(d, np.full(120, 25.0), hit, n_windows=8)
    >>> p = cal.predict(np.array([0.0, 10.0]), np.array([25.0, 25.0]))
    >>> bool(p[0] < p[1])
    True
    """
    density = np.asarray(density, dtype=float)
    length_km = np.asarray(length_km, dtype=float)
    hit = np.asarray(hit, dtype=bool)
    keep = np.isfinite(density) & (length_km > 0)
    density, length_km, hit = density[keep], length_km[keep], hit[keep]
    n, k = len(hit), int(hit.sum())
    reason = ""
    if n_windows < min_windows:
        reason = (f"{n_windows} closed window(s) of history before the as-of date; "
                  f"calibration needs at least {min_windows}")
    elif k < min_hits:
        reason = (f"{k} segment-window(s) with an incident in {n_windows} closed windows; "
                  f"calibration needs at least {min_hits}")
    elif k == n:
        reason = "every segment had an incident in every window: nothing to tell apart"
    if reason:
        return Calibration(None, 0.0, n_windows, n, k, reason)
    positive = density[density > 0]
    floor = float(np.quantile(positive, 0.1)) if len(positive) else 1.0
    x = _features(density, length_km, floor)
    # centred features: the same optimum, better conditioned
    mean = x.mean(axis=1)
    xc = x - mean[:, None]
    y = hit.astype(float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = theta[0] + theta[1] * xc[0] + theta[2] * xc[1]
        value = float(np.sum(np.logaddexp(0.0, eta) - y * eta))
        r = special.expit(eta) - y
        return value, np.array([r.sum(), (r * xc[0]).sum(), (r * xc[1]).sum()])

    base = math.log(k / (n - k))
    res = optimize.minimize(loss, np.array([base, 0.0, 0.0]), jac=True, method="L-BFGS-B",
                            bounds=[(None, None), (0.0, None), (0.0, None)])
    a0, b, c = (float(v) for v in res.x)
    a = a0 - b * float(mean[0]) - c * float(mean[1])
    return Calibration((a, b, c), floor, n_windows, n, k)


def reliability(p: np.ndarray, hit: np.ndarray, *, bins: int = N_BINS) -> pd.DataFrame:
    """Reliability table: per probability bin, mean prediction, observed frequency, count.

    Parameters
    ----------
    p
        Predicted probabilities (NaN entries are left out).
    hit
        What happened (True: at least one incident).
    bins
        Equal-width bins on [0, 1].

    Returns
    -------
    pandas.DataFrame
        ``bin, p_low, p_high, mean_predicted, observed_frequency, n`` (empty bins kept, n 0).

    Examples
    --------
    >>> t = reliability(np.array([0.05, 0.05, 0.95]), np.array([False, True, True]))
    >>> t.loc[0, ["mean_predicted", "observed_frequency"]].tolist(), int(t.loc[0, "n"])
    ([0.05, 0.5], 2)
    """
    p = np.asarray(p, dtype=float)
    hit = np.asarray(hit, dtype=bool)
    ok = np.isfinite(p)
    p, hit = p[ok], hit[ok]
    which = np.minimum((p * bins).astype(int), bins - 1)
    n = np.bincount(which, minlength=bins)
    sum_p = np.bincount(which, weights=p, minlength=bins)
    sum_y = np.bincount(which, weights=hit.astype(float), minlength=bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_p = np.where(n > 0, sum_p / np.maximum(n, 1), np.nan)
        obs = np.where(n > 0, sum_y / np.maximum(n, 1), np.nan)
    edges = np.linspace(0.0, 1.0, bins + 1)
    return pd.DataFrame({"bin": np.arange(1, bins + 1), "p_low": np.round(edges[:-1], 4),
                         "p_high": np.round(edges[1:], 4), "mean_predicted": mean_p,
                         "observed_frequency": obs, "n": n.astype(int)})


def expected_calibration_error(table: pd.DataFrame) -> float:
    """ECE: the count-weighted mean of ``|mean_predicted − observed_frequency|`` over bins.

    Parameters
    ----------
    table
        A :func:`reliability` table.

    Returns
    -------
    float
        Between 0 and 1; NaN when the table holds no prediction.

    Examples
    --------
    >>> t = reliability(np.array([0.05, 0.05, 0.95]), np.array([False, True, True]))
    >>> round(expected_calibration_error(t), 4)  # (2 · |0.05 − 0.5| + |0.95 − 1|) / 3
    0.3167
    """
    n = table["n"].to_numpy(dtype=float)
    if n.sum() == 0:
        return math.nan
    gap = np.abs(table["mean_predicted"].to_numpy(dtype=float)
                 - table["observed_frequency"].to_numpy(dtype=float))
    return float(np.nansum(gap * n) / n.sum())
