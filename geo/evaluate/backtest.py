"""Rolling-origin backtest: score with what was known at T, compare with what happened next.

At each origin *T* every method ranks the segments using only incidents known by *T* (the
known-by rule of :mod:`geo.model.known`), and the ranking is compared with the point incidents whose
whole date period falls in (*T*, *T* + *H*] for each horizon *H* (each assigned to its nearest
segment within ``capture_km``; incidents known only to a unit cannot be placed on a segment and
are counted apart). The segments are cut once; every method and origin reuses them.

Methods: ``routerisk`` (the model as configured; ``routerisk:<stem>`` for each of several
configs), ``uniform`` (every km alike), ``count_<R>km`` (point incidents within R km, no decay,
per km of the segment and its reach) and ``kde_<h>km`` (one-bandwidth quartic kernel, every
incident alike, no decay).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo._errors import UsageError
from geo.evaluate import metrics as M
from geo.io import study_crs
from geo.model.config import IncidentType, RiskModel
from geo.model.field import RiskField
from geo.model.fit import FitResult, fit_field, placed_segment
from geo.model.known import known_by, period_end_of_start

__all__ = ["DEFAULT_BASELINES", "METRICS", "BacktestResult", "Scorer", "backtest", "best_baselines",
           "make_scorers", "parse_origins", "summarise"]

METRICS = ("auc", *(f"{m}_{p}" for m in ("hit_rate", "pai", "pei") for p in M.LEVELS),
           "log_score", "spearman")
CURVE_X = np.linspace(0.0, 1.0, 101)
#: the baselines a backtest compares with unless told otherwise: chance, and counts and
#: one-bandwidth kernels at four scales (a user's simplest alternatives)
DEFAULT_BASELINES = ("uniform", *(f"count_{r}km" for r in (10, 25, 50, 100)),
                     *(f"kde_{h}km" for h in (10, 25, 50, 100)))
_STEP = re.compile(r"^\s*([0-9]+)\s*([dwmy])\s*$")


def parse_origins(text: str) -> list[date]:
    """``START:END:STEP`` (STEP a count and a unit: ``90d``, ``2w``, ``3m``, ``1y``).

    >>> [d.isoformat() for d in parse_origins("2021-01-31:2021-07-31:3m")]
    ['2021-01-31', '2021-04-30', '2021-07-31']
    """
    parts = text.split(":")
    if len(parts) != 3:
        raise UsageError(f"{text!r} is not START:END:STEP (e.g. 2021-01-01:2023-12-31:90d)",
                         field="origins")
    try:
        start, end = date.fromisoformat(parts[0]), date.fromisoformat(parts[1])
    except ValueError:
        raise UsageError(f"{text!r}: START and END must be dates YYYY-MM-DD",
                         field="origins") from None
    m = _STEP.match(parts[2])
    if not m or int(m.group(1)) == 0:
        raise UsageError(f"step {parts[2]!r} is not a count and a unit (90d, 2w, 3m, 1y)",
                         field="origins")
    if end < start:
        raise UsageError(f"END {end} is before START {start}", field="origins")
    n, unit = int(m.group(1)), m.group(2)
    offset = {"d": pd.DateOffset(days=n), "w": pd.DateOffset(weeks=n),
              "m": pd.DateOffset(months=n), "y": pd.DateOffset(years=n)}[unit]
    out: list[date] = []
    k = 0
    while True:
        day = (pd.Timestamp(start) + offset * k).date()
        if day > end:
            return out
        out.append(day)
        k += 1


class Scorer:
    """A method's density on every segment at an origin (only incidents known by then)."""

    name: str = ""

    def density(self, as_of: date) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class ModelScorer(Scorer):
    """The risk model: one :class:`RiskField` for all origins; at each origin the fitted model
    (:mod:`geo.model.fit`) is fitted again on the history before it (its fits kept in ``fits``)."""

    def __init__(self, name: str, segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                 model: RiskModel):
        self.name = name
        self.field = RiskField(segments, incidents, model=model)
        self.fits: dict[date, FitResult] = {}
        self._features: dict[date, np.ndarray] = {}

    def density(self, as_of: date) -> np.ndarray:
        if not self.field.model.fit_bandwidths_km:
            return self.field.density(as_of)
        fit = fit_field(self.field, as_of, cache=self._features)
        self.fits[as_of] = fit
        return self.field.with_fit(fit).density(as_of)


class UniformScorer(Scorer):
    """Every km of corridor alike: the chance line."""

    def __init__(self, n_segments: int):
        self.name = "uniform"
        self.n = n_segments

    def density(self, as_of: date) -> np.ndarray:
        return np.zeros(self.n)


class CountScorer(Scorer):
    """Point incidents known by T within R km of the segment, no decay, per km of reach."""

    def __init__(self, segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, radius_km: float):
        self.name = f"count_{radius_km:g}km"
        crs = study_crs(segments)
        seg = segments.geometry.to_crs(crs).values
        self.known = known_by(incidents)
        pts = incidents.geometry
        ok = (incidents[C.GEO_PRECISION].to_numpy(dtype=int) <= 2) & pts.notna().to_numpy()
        idx = np.flatnonzero(ok)
        geoms = pts.iloc[idx].to_crs(crs).values if len(idx) else np.array([])
        if len(idx) and len(seg):
            q_pt, q_seg = shapely.STRtree(seg).query(geoms, predicate="dwithin",
                                                     distance=radius_km * 1000.0)
        else:
            q_pt = q_seg = np.zeros(0, dtype=int)
        self.pair_inc, self.pair_seg = idx[q_pt], q_seg
        self.reach_km = segments[C.LENGTH_KM].to_numpy(dtype=float) + 2 * radius_km
        self.n = len(segments)

    def density(self, as_of: date) -> np.ndarray:
        live = self.known[self.pair_inc] <= np.datetime64(as_of, "D")
        return np.bincount(self.pair_seg[live], minlength=self.n) / self.reach_km


def kde_model(model: RiskModel, bandwidth_km: float) -> RiskModel:
    """The baseline ``kde_<h>km``: every type weight 1, bandwidth h, no decay, no count or
    quality factors, no border baseline; coarse incidents spread as in ``model``."""
    flat = {name: IncidentType(name=name, label=t.label, weight=1.0, half_life_days=1e12,
                               bandwidth_km=bandwidth_km) for name, t in model.types.items()}
    return replace(model, types=flat, count_scale=0.0, quality_factors=(1.0,) * 5,
                   near_town_extra_km=0.0, border_crossing_exposure=0.0, fit_bandwidths_km=(),
                   fit_half_lives_days=())


def make_scorers(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                 models: Mapping[str, RiskModel], baselines: Sequence[str]) -> list[Scorer]:
    """Scorers for the models (by name) and the named baselines."""
    scorers: list[Scorer] = [ModelScorer(n, segments, incidents, m) for n, m in models.items()]
    first = next(iter(models.values()))
    for name in baselines:
        if name == "uniform":
            scorers.append(UniformScorer(len(segments)))
        elif m := re.fullmatch(r"count_([0-9.]+)km", name):
            scorers.append(CountScorer(segments, incidents, float(m.group(1))))
        elif m := re.fullmatch(r"kde_([0-9.]+)km", name):
            scorer = ModelScorer(name, segments, incidents, kde_model(first, float(m.group(1))))
            scorers.append(scorer)
        else:
            raise UsageError(f"unknown baseline {name!r} (uniform, count_<R>km, kde_<h>km)",
                             field="baselines")
    return scorers


@dataclass
class BacktestResult:
    """Per-origin metrics (wide), mean capture curves, and what could not be evaluated."""

    by_origin: pd.DataFrame
    curves: dict[tuple[str, int], np.ndarray]
    skipped: list[str]
    unplaced: int
    data_end: date
    n_incidents: int = 0


def _future_targets(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                    capture_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, period end, nearest segment or -1) of every incident."""
    start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
    end = period_end_of_start(incidents)
    # the nearest segment within the capture distance: one rule, in geo.model.fit
    return start, end, placed_segment(segments, incidents, capture_km)


def _row_metrics(d: np.ndarray, length_km: np.ndarray, y: np.ndarray, n_hat: float
                 ) -> dict[str, float]:
    row: dict[str, float] = {"auc": M.auc(d, length_km, y)}
    for p in M.LEVELS:
        row[f"hit_rate_{p}"] = M.hit_rate(d, length_km, y, p)
        row[f"pai_{p}"] = M.pai(d, length_km, y, p)
        row[f"pei_{p}"] = M.pei(d, length_km, y, p)
    row["log_score"] = (M.log_score(M.expected_counts(d, length_km, n_hat), y) if y.sum() > 0
                        else math.nan)
    row["spearman"] = M.spearman(d, y)
    return row


def backtest(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
             scorers: Sequence[Scorer], origins: Sequence[date], horizons: Sequence[int],
             capture_km: float = 10.0, data_end: date | None = None) -> BacktestResult:
    """Metrics of every scorer at every origin and horizon (windows closed by ``data_end``).

    ``data_end`` (default: the last day of the latest incident's date period) is the day up
    to which the record is taken as complete; a window (T, T+H] ending after it is skipped.
    """
    length_km = segments[C.LENGTH_KM].to_numpy(dtype=float)
    start, end, target = _future_targets(segments, incidents, capture_km)
    known = known_by(incidents)
    if data_end is None:
        data_end = end.max().astype(object) if len(end) else max(origins)
    rows: list[dict[str, object]] = []
    curves: dict[tuple[str, int], list[np.ndarray]] = {}
    skipped: list[str] = []
    unplaced = np.zeros(len(incidents), dtype=bool)
    for t in origins:
        t64 = np.datetime64(t, "D")
        dens = {s.name: s.density(t) for s in scorers}
        for h in horizons:
            if t + timedelta(days=h) > data_end:
                skipped.append(f"{t.isoformat()}+{h}d")
                continue
            window = (start > t64) & (end <= t64 + np.timedelta64(h, "D"))
            y = np.bincount(target[window & (target >= 0)], minlength=len(segments))
            unplaced |= window & (target < 0)
            recent = (known <= t64) & (start > t64 - np.timedelta64(365, "D")) & (target >= 0)
            n_hat = max(recent.sum() * h / 365.0, 0.5)
            for name, d in dens.items():
                row = {"origin": t.isoformat(), "horizon_days": h, "method": name,
                       "n_future": int(y.sum()), **_row_metrics(d, length_km, y, n_hat)}
                rows.append(row)
                x, yy = M.capture_curve(d, length_km, y)
                if not np.isnan(yy[-1]):
                    curves.setdefault((name, h), []).append(np.interp(CURVE_X, x, yy))
    by_origin = pd.DataFrame(rows, columns=["origin", "horizon_days", "method", "n_future",
                                            *METRICS])
    mean_curves = {k: np.mean(v, axis=0) for k, v in curves.items()}
    return BacktestResult(by_origin, mean_curves, skipped, int(unplaced.sum()), data_end,
                          len(incidents))


def _boot(values: np.ndarray, rng: np.random.Generator, n_boot: int = 2000
          ) -> tuple[float, float, float]:
    values = values[~np.isnan(values)]
    if not len(values):
        return math.nan, math.nan, math.nan
    means = rng.choice(values, size=(n_boot, len(values))).mean(axis=1)
    return float(values.mean()), float(np.quantile(means, 0.025)), float(
        np.quantile(means, 0.975))


def summarise(by_origin: pd.DataFrame, *, reference: str, seed: int = 0) -> pd.DataFrame:
    """Long-form summary: ``method, horizon_days, metric, mean, ci_low, ci_high, n_origins``.

    Beside each metric: ``<metric>_diff`` (paired difference from ``reference`` over the same
    origins, with its bootstrap CI) and ``<metric>_wins`` (origins where the method beat
    ``reference``; ``mean`` holds the count).
    """
    rng = np.random.default_rng(seed)
    out: list[dict[str, object]] = []
    for (h, method), grp in by_origin.groupby(["horizon_days", "method"], sort=True):
        grp = grp.set_index("origin")
        ref = by_origin[(by_origin["horizon_days"] == h) & (by_origin["method"] == reference)]
        ref = ref.set_index("origin").reindex(grp.index)
        for metric in ("n_future", *METRICS):
            vals = grp[metric].to_numpy(dtype=float)
            mean, lo, hi = _boot(vals, rng)
            out.append({"method": method, "horizon_days": h, "metric": metric, "mean": mean,
                        "ci_low": lo, "ci_high": hi, "n_origins": int((~np.isnan(vals)).sum())})
            if metric == "n_future" or method == reference:
                continue
            diff = vals - ref[metric].to_numpy(dtype=float)
            mean, lo, hi = _boot(diff, rng)
            n = int((~np.isnan(diff)).sum())
            out.append({"method": method, "horizon_days": h, "metric": f"{metric}_diff",
                        "mean": mean, "ci_low": lo, "ci_high": hi, "n_origins": n})
            out.append({"method": method, "horizon_days": h, "metric": f"{metric}_wins",
                        "mean": float(np.sum(diff[~np.isnan(diff)] > 0)), "ci_low": math.nan,
                        "ci_high": math.nan, "n_origins": n})
    return pd.DataFrame(out, columns=["method", "horizon_days", "metric", "mean", "ci_low",
                                      "ci_high", "n_origins"])


def best_baselines(summary: pd.DataFrame, *, reference: str) -> pd.DataFrame:
    """Per horizon, the baseline with the highest mean AUC (``uniform`` is chance, not a
    contender) and ``reference`` minus it: the paired AUC difference over the same origins with
    its bootstrap interval (from :func:`summarise`, whose differences are baseline minus
    reference, negated here).

    Parameters
    ----------
    summary
        Output of :func:`summarise`.
    reference
        The method the differences are taken from (the model).

    Returns
    -------
    pandas.DataFrame
        ``horizon_days, baseline, baseline_auc, reference_auc, auc_diff, ci_low, ci_high,
        n_origins``; empty when no baseline was run.

    Examples
    --------
    >>> rows = [("m", "auc", 0.8), ("kde_10km", "auc", 0.7), ("kde_10km", "auc_diff", -0.1)]
    >>> s = pd.DataFrame([{"method": m, "horizon_days": 90, "metric": k, "mean": v,
    ...                    "ci_low": v - 0.01, "ci_high": v + 0.01, "n_origins": 5}
    ...                   for m, k, v in rows])
    >>> best_baselines(s, reference="m")[["baseline", "auc_diff"]].values.tolist()
    [['kde_10km', 0.1]]
    """
    cols = ["horizon_days", "baseline", "baseline_auc", "reference_auc", "auc_diff", "ci_low",
            "ci_high", "n_origins"]
    rows: list[dict[str, object]] = []
    auc = summary[summary["metric"] == "auc"]
    for h, grp in auc.groupby("horizon_days", sort=True):
        bl = grp[grp["method"].str.fullmatch(r"(count|kde)_[0-9.]+km")].dropna(subset=["mean"])
        ref = grp[grp["method"] == reference]
        if not len(bl) or not len(ref):
            continue
        best = bl.sort_values(["mean", "method"], ascending=[False, True]).iloc[0]
        diff = summary[(summary["horizon_days"] == h) & (summary["method"] == best["method"])
                       & (summary["metric"] == "auc_diff")].iloc[0]
        rows.append({"horizon_days": h, "baseline": best["method"],
                     "baseline_auc": best["mean"], "reference_auc": ref["mean"].iat[0],
                     "auc_diff": -diff["mean"], "ci_low": -diff["ci_high"],
                     "ci_high": -diff["ci_low"], "n_origins": int(diff["n_origins"])})
    return pd.DataFrame(rows, columns=cols)
