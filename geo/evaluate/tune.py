"""``routerisk tune``: global multipliers of half-lives and bandwidths chosen by backtest.

For every point of the grid (``half_life_multipliers`` × ``bandwidth_multipliers``) the model is
backtested at the same rolling origins. At each origin *T* the choice uses only windows closed
before *T* (origins *T'* with *T'* + *H* ≤ *T*): the best grid point by mean objective, then
shrunk toward the defaults (multiplier 1) in log space by ``n / (n + shrinkage)`` with *n* the
number of closed windows, and snapped to the grid. That choice is scored at *T*: the method
``tuned`` in ``tune_by_origin.csv`` is therefore an honest out-of-sample result. The final
``tuned.toml`` uses every window closed by the end of the record.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo import columns as C
from geo._errors import ConfigError
from geo.evaluate.backtest import (
    CURVE_X,
    ModelScorer,
    Scorer,
    backtest,
    parse_origins,
    summarise,
)
from geo.model.config import RiskModel

__all__ = [
    "OBJECTIVES",
    "TuneReport",
    "choose",
    "propose_bands",
    "read_grid",
    "run_tune",
    "scaled_model",
]

OBJECTIVES = {"auc": "auc", "pai10": "pai_10", "hit20": "hit_rate_20"}
GRID_KEYS = {"half_life_multipliers": [0.5, 1.0, 2.0], "bandwidth_multipliers": [0.5, 1.0, 2.0],
             "shrinkage": 4.0}
BAND_SHARES = (0.60, 0.35, 0.15, 0.05)  # share of length at or above bands 2, 3, 4, 5


def read_grid(path: Path | None) -> dict[str, Any]:
    """The grid TOML (every key optional; unknown keys are errors with a suggestion)."""
    grid = dict(GRID_KEYS)
    if path is None:
        return grid
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None
    for key, value in data.items():
        if key not in GRID_KEYS:
            close = difflib.get_close_matches(key, list(GRID_KEYS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(GRID_KEYS)})"
            raise ConfigError(f"unknown key {key!r}{hint}", file=str(path), field=key)
        ok = (isinstance(value, list) and value and all(
            isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value))
        if key == "shrinkage":
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        if not ok:
            want = "a number >= 0" if key == "shrinkage" else "a list of positive numbers"
            raise ConfigError(f"{value!r} is not {want}", file=str(path), field=key)
        grid[key] = [float(v) for v in value] if isinstance(value, list) else float(value)
    return grid


def scaled_model(model: RiskModel, half_life: float, bandwidth: float) -> RiskModel:
    """``model`` with every type's half-life and bandwidth multiplied."""
    types = {n: replace(t, half_life_days=t.half_life_days * half_life,
                        bandwidth_km=t.bandwidth_km * bandwidth) for n, t in model.types.items()}
    # tune chooses the type parameters, which apply when the history is too short to fit
    # (geo.model.fit): the candidates are scored without the fit
    return replace(model, types=types, fit_bandwidths_km=(), fit_half_lives_days=())


def _name(a: float, b: float) -> str:
    return f"hl{a:g}_bw{b:g}"


def choose(table: pd.DataFrame, grid: dict[str, Any], *, closed: list[str]
           ) -> tuple[float, float, int]:
    """(half-life, bandwidth) multipliers chosen from the windows ``closed``, shrunk to 1.

    ``table``: index origin, columns (half_life, bandwidth), the objective.
    """
    n = len(closed)
    if not n:
        return 1.0, 1.0, 0
    means = table.loc[closed].mean(axis=0)
    if means.isna().all():
        return 1.0, 1.0, n
    a, b = (float(v) for v in means.index[int(np.nanargmax(means.to_numpy(dtype=float)))])
    w = n / (n + grid["shrinkage"])

    def snap(value: float, options: list[float]) -> float:
        target = w * math.log(value)
        return min(options, key=lambda o: (abs(math.log(o) - target), abs(math.log(o))))

    return snap(a, grid["half_life_multipliers"]), snap(b, grid["bandwidth_multipliers"]), n


def _objective_table(by_origin: pd.DataFrame, metric: str, h: int, names: dict[str, tuple]
                     ) -> pd.DataFrame:
    sub = by_origin[(by_origin["horizon_days"] == h) & by_origin["method"].isin(names)]
    table = sub.pivot(index="origin", columns="method", values=metric)
    table.columns = pd.MultiIndex.from_tuples([names[c] for c in table.columns])
    return table


def propose_bands(scorer: Scorer, segments: pd.DataFrame, origins: list[date],
                  curve: np.ndarray | None) -> pd.DataFrame:
    """Thresholds at the length-weighted density quantiles of :data:`BAND_SHARES` (median over
    origins), with the share of later incidents that much length caught in the backtest
    (``curve``: the mean capture curve on :data:`geo.evaluate.backtest.CURVE_X`)."""
    length = segments[C.LENGTH_KM].to_numpy(dtype=float)
    per_origin: list[list[float]] = []
    for t in origins:
        d = scorer.density(t)
        order = np.argsort(-d, kind="stable")
        cum = np.cumsum(length[order]) / length.sum()
        at = [min(int(np.searchsorted(cum, s)), len(d) - 1) for s in BAND_SHARES]
        per_origin.append([float(d[order][i]) for i in at])
    thresholds = np.median(np.array(per_origin), axis=0) if per_origin else np.zeros(4)
    # strictly increasing and positive, as the model requires
    fixed: list[float] = []
    for v in thresholds.tolist():
        v = max(float(v), 1e-3, (fixed[-1] * 1.05) if fixed else 0.0)
        fixed.append(float(f"{v:.3g}"))
    rows = []
    for band, share, thr in zip((2, 3, 4, 5), BAND_SHARES, fixed, strict=True):
        caught = float(np.interp(share, CURVE_X, curve)) if curve is not None else math.nan
        rows.append({"band": band, "threshold": thr, "share_of_length": share,
                     "share_of_later_incidents": caught})
    return pd.DataFrame(rows)


def _data_hash(paths: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for key in sorted(paths):
        digest.update(Path(paths[key]).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class TuneReport:
    """What :func:`run_tune` chose and wrote.

    Attributes
    ----------
    header
        The provenance lines at the top of ``tuned.toml`` (grid, objective, origins, data hash,
        base model, the choice and its stability).
    summary
        The tuned model beside the defaults, per metric (mean and interval over origins).
    bands
        Proposed band thresholds (:func:`propose_bands`).
    metric
        The objective's column in the metric tables.
    warning
        Said loudly when the later incidents are few; ``""`` otherwise.
    written
        The files written into the output folder.
    """

    header: list[str]
    summary: pd.DataFrame
    bands: pd.DataFrame
    metric: str
    warning: str
    written: list[Path]


def run_tune(prepared: Any, out: Path, *, origins: str, horizons: list[int],
             objective: str = "auc", grid: Path | None = None, capture_km: float = 10.0,
             min_events: int = 30, config: Path | None = None) -> TuneReport:
    """Tune the model of ``prepared`` and write the tune outputs into ``out`` (all or nothing).

    Parameters
    ----------
    prepared
        A :func:`geo.pipeline.prepare` result (segments, incidents, model, input paths).
    out
        Output folder for ``tuned.toml``, the tables and the heatmap.
    origins
        Rolling origins ``START:END:STEP`` (see :func:`geo.evaluate.backtest.parse_origins`).
    horizons
        Forecast horizons in days; the first is tuned for.
    objective
        One of :data:`OBJECTIVES`.
    grid
        Grid TOML (see :func:`read_grid`); default multipliers 0.5, 1, 2.
    capture_km
        A later incident counts on its nearest segment within this many km.
    min_events
        Fewer later incidents than this in total gives a warning.
    config
        The model file being tuned (``None``: the packaged model), for provenance.

    Returns
    -------
    TuneReport
        What was chosen and written.
    """
    from geo.evaluate.report import few_events_warning
    from geo.evaluate.tune_files import write_tune_outputs

    grid_values = read_grid(grid)
    metric = OBJECTIVES[objective]
    h = horizons[0]
    origin_dates = parse_origins(origins)
    base = prepared.model
    names = {_name(a, b): (a, b) for a in grid_values["half_life_multipliers"]
             for b in grid_values["bandwidth_multipliers"]}
    scorers: list[Scorer] = [ModelScorer(n, prepared.segments, prepared.incidents,
                                         scaled_model(base, *ab)) for n, ab in names.items()]
    result = backtest(prepared.segments, prepared.incidents, scorers=scorers, origins=origin_dates,
                      horizons=[h], capture_km=capture_km)
    by = result.by_origin
    table = _objective_table(by, metric, h, names)
    evaluated = list(table.index)
    chosen_rows = []
    for t in evaluated:
        closed = [o for o in evaluated
                  if date.fromisoformat(o) + timedelta(days=h) <= date.fromisoformat(t)]
        a, b, n = choose(table, grid_values, closed=closed)
        row = by[(by["origin"] == t) & (by["method"] == _name(a, b))].iloc[0].to_dict()
        chosen_rows.append({**row, "method": "tuned", "half_life_x": a, "bandwidth_x": b,
                            "closed_windows": n})
    tuned_by = pd.DataFrame(chosen_rows)
    final_a, final_b, n_all = choose(table, grid_values, closed=evaluated)
    defaults = by[by["method"] == _name(1.0, 1.0)].assign(method="routerisk") if (
        _name(1.0, 1.0) in names) else by.iloc[:0]
    comparison = pd.concat([defaults, tuned_by[defaults.columns.tolist()]]
                           if len(tuned_by) else [defaults], ignore_index=True)
    summary = summarise(comparison, reference="routerisk") if len(comparison) else comparison
    final = scaled_model(base, final_a, final_b)
    final_scorer = ModelScorer("final", prepared.segments, prepared.incidents, final)
    bands = propose_bands(final_scorer, prepared.segments,
                          [date.fromisoformat(o) for o in evaluated],
                          result.curves.get((_name(final_a, final_b), h)))
    warning = few_events_warning(result, min_events)
    header, written = write_tune_outputs(
        out, grid=grid_values, grid_path=grid, objective=objective, metric=metric,
        origins=origins, horizon=h, data_hash=_data_hash(prepared.paths), base=base,
        final=(final_a, final_b, n_all), table=table, tuned_by=tuned_by, summary=summary,
        bands=bands, warning=warning, config=config)
    return TuneReport(header=header, summary=summary, bands=bands, metric=metric,
                      warning=warning, written=written)
