"""Out-of-sample calibration of ``p_<H>d`` in a backtest: reliability table and ECE.

At each backtest origin *T* the calibration is fitted exactly as a build as of *T* would fit it
(:func:`geo.model.calibration.fit_calibration` with the model's ``[forecast]`` rule), on the earlier
backtest origins *T'* whose windows (*T'*, *T'* + H] closed by *T*, counting only the incidents
known by *T*; it then predicts every segment at *T*, and the prediction is compared with what
happened in (*T*, *T* + H]. The backtest's origins serve as the calibration windows (a build
steps back ``step_days`` from its as-of date instead). Pooled over origins, the predictions give
a reliability table (10 equal-width bins) and the expected calibration error; its 95 % interval
resamples origins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo.model.calibration import (
    ForecastSettings,
    expected_calibration_error,
    fit_calibration,
    reliability,
)
from geo.model.known import known_by
from geo.model.windows import place_incidents

__all__ = ["Calibrated", "calibrated_predictions", "calibration_report", "ece_interval",
           "plot_reliability", "reliability_rows"]


@dataclass
class Calibrated:
    """Out-of-sample predictions of one method at one horizon, pooled over origins.

    ``p`` and ``hit`` are flat (segment-major within each origin); ``origin`` gives each
    entry's origin index; ``skipped`` lists origins without a fit and why.
    """

    p: np.ndarray
    hit: np.ndarray
    origin: np.ndarray
    skipped: list[str]


def calibrated_predictions(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
                           field: object, origins: Sequence[date], horizon_days: int,
                           settings: ForecastSettings, capture_km: float,
                           data_end: date) -> Calibrated:
    """Predictions at every origin from calibrations fitted on earlier closed windows only.

    Parameters
    ----------
    segments, incidents
        As the pipeline holds them.
    field
        The model's :class:`geo.model.field.RiskField`.
    origins
        Backtest origins, oldest first.
    horizon_days
        H.
    settings
        The model's ``[forecast]`` settings (``min_windows``, ``min_hits``, ``max_windows``).
    capture_km
        The backtest's capture distance.
    data_end
        Windows ending after this day are not evaluated.

    Returns
    -------
    Calibrated
        The pooled predictions and outcomes.
    """
    origins = sorted(origins)
    length = segments[C.LENGTH_KM].to_numpy(dtype=float)
    n = len(segments)
    start, end, target = place_incidents(segments, incidents, capture_km)
    known = known_by(incidents)
    dens = field.densities(origins) if origins else np.zeros((n, 0))  # type: ignore[attr-defined]
    # the incidents of each window once; at each origin only those known by then count
    h64 = np.timedelta64(horizon_days, "D")
    members = [np.flatnonzero((target >= 0) & (start > np.datetime64(o, "D"))
                              & (end <= np.datetime64(o, "D") + h64)) for o in origins]
    ps, hits, which, skipped = [], [], [], []
    h = timedelta(days=horizon_days)
    for j, t in enumerate(origins):
        if t + h > data_end:
            continue
        closed = [k for k, o in enumerate(origins) if o + h <= t][-settings.max_windows:]
        t64 = np.datetime64(t, "D")
        past = np.zeros((n, len(closed)), dtype=np.int64)
        for col, k in enumerate(closed):
            idx = members[k][known[members[k]] <= t64]
            past[:, col] = np.bincount(target[idx], minlength=n)
        cal = fit_calibration(dens[:, closed].ravel(), np.repeat(length, len(closed)),
                              past.ravel() > 0, n_windows=len(closed),
                              min_windows=settings.min_windows, min_hits=settings.min_hits)
        if not cal.fitted:
            skipped.append(f"{t.isoformat()}: {cal.reason}")
            continue
        ps.append(cal.predict(dens[:, j], length))
        # what happened: every incident of the window, however late it became known
        hits.append(np.bincount(target[members[j]], minlength=n) > 0)
        which.append(np.full(n, j))
    if not ps:
        return Calibrated(np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0, dtype=int), skipped)
    return Calibrated(np.concatenate(ps), np.concatenate(hits), np.concatenate(which), skipped)


def ece_interval(cal: Calibrated, *, n_boot: int = 500, seed: int = 0
                 ) -> tuple[float, float, float]:
    """ECE of the pooled predictions and a 95 % interval from resampling origins.

    Parameters
    ----------
    cal
        :func:`calibrated_predictions` output.
    n_boot
        Resamples.
    seed
        Random seed.

    Returns
    -------
    tuple of float
        ``(ece, low, high)`` (NaN without predictions).
    """
    if not len(cal.p):
        return math.nan, math.nan, math.nan
    ece = expected_calibration_error(reliability(cal.p, cal.hit))
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(cal.origin == o) for o in np.unique(cal.origin)]
    draws = []
    for _ in range(n_boot):
        pick = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        draws.append(expected_calibration_error(reliability(cal.p[pick], cal.hit[pick])))
    return ece, float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))


def reliability_rows(results: dict[tuple[str, int], Calibrated]) -> pd.DataFrame:
    """``reliability.csv``: method, horizon and the :func:`geo.model.calibration.reliability` table.

    Parameters
    ----------
    results
        ``(method, horizon_days)`` → predictions.

    Returns
    -------
    pandas.DataFrame
        ``method, horizon_days, bin, p_low, p_high, mean_predicted, observed_frequency, n``.
    """
    frames = [reliability(c.p, c.hit).assign(method=m, horizon_days=h)
              for (m, h), c in sorted(results.items())]
    cols = ["method", "horizon_days", "bin", "p_low", "p_high", "mean_predicted",
            "observed_frequency", "n"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def calibration_report(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
                       scorers: Sequence[object], models: dict[str, object],
                       origins: Sequence[date], horizons: Sequence[int], capture_km: float,
                       data_end: date) -> tuple[pd.DataFrame, pd.DataFrame,
                                                dict[tuple[str, int], Calibrated]]:
    """Reliability table and ECE summary rows of every model scorer at every horizon.

    Parameters
    ----------
    segments, incidents
        As the pipeline holds them.
    scorers
        The backtest's scorers; those named in ``models`` (with a ``field``) are calibrated.
    models
        Method name → :class:`geo.model.config.RiskModel` (its ``[forecast]`` rule).
    origins, horizons, capture_km, data_end
        As in the backtest.

    Returns
    -------
    tuple
        ``reliability.csv`` rows, summary rows (metric ``ece``, in the layout of
        ``summary.csv``), and the predictions by ``(method, horizon)``.
    """
    results: dict[tuple[str, int], Calibrated] = {}
    rows = []
    for scorer in scorers:
        name = str(getattr(scorer, "name", ""))
        if name not in models or not hasattr(scorer, "field"):
            continue
        settings = models[name].forecast  # type: ignore[attr-defined]
        for h in horizons:
            cal = calibrated_predictions(segments, incidents, field=scorer.field,
                                         origins=origins, horizon_days=h, settings=settings,
                                         capture_km=capture_km, data_end=data_end)
            results[(name, h)] = cal
            ece, lo, hi = ece_interval(cal)
            rows.append({"method": name, "horizon_days": h, "metric": "ece", "mean": ece,
                         "ci_low": lo, "ci_high": hi,
                         "n_origins": len(np.unique(cal.origin))})
    summary = pd.DataFrame(rows, columns=["method", "horizon_days", "metric", "mean", "ci_low",
                                          "ci_high", "n_origins"])
    return reliability_rows(results), summary, results


def plot_reliability(table: pd.DataFrame, summary: pd.DataFrame, path: Path,
                     *, title: str = "") -> Path:
    """Reliability diagram (observed frequency against mean prediction, bin sizes) as a PNG.

    Parameters
    ----------
    table
        :func:`reliability_rows` output.
    summary
        The ``ece`` rows of :func:`calibration_report`.
    path
        Where to save the PNG.
    title
        First line of the title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(2, 1, figsize=(5.2, 6.2), sharex=True,
                                 gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect")
    for (method, h), grp in table.groupby(["method", "horizon_days"], sort=True):
        grp = grp[grp["n"] > 0]
        ece = summary[(summary["method"] == method) & (summary["horizon_days"] == h)]["mean"]
        value = ece.to_numpy(dtype=float)
        label = f"{method}, {h} days" + (f" (ECE {value[0]:.3f})" if len(value) else "")
        ax.plot(grp["mean_predicted"], grp["observed_frequency"], marker="o", label=label)
        bx.bar(grp["p_low"] + 0.05, grp["n"], width=0.09, alpha=0.6)
    ax.set(ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1),
           title=(title + "\n" if title else "") + "Reliability of p (out of sample)")
    ax.legend(fontsize=8, loc="upper left")
    bx.set(xlabel="predicted probability", ylabel="segment-windows", yscale="log")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path
