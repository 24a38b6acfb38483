"""Files and the printed summary of a backtest: CSV tables, PNG charts, one screen of text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geo.evaluate.backtest import CURVE_X, BacktestResult, best_baselines

__all__ = ["MIN_EVENTS", "few_events_warning", "summary_lines", "write_charts"]

MIN_EVENTS = 30  # fewer future events than this in total: the backtest cannot judge anything
SHOWN = ("auc", "hit_rate_10", "pai_10", "log_score", "spearman")


def few_events_warning(result: BacktestResult, min_events: int = MIN_EVENTS) -> str:
    """A loud warning when the future windows hold too few incidents to judge, else ''."""
    by = result.by_origin
    if not len(by):
        return ("WARNING: NO WINDOW COULD BE EVALUATED (every origin + horizon ends after "
                f"{result.data_end}); nothing here judges the model")
    first = by["method"].iloc[0]
    per_h = by[by["method"] == first].groupby("horizon_days")["n_future"].sum()
    low = per_h[per_h < min_events]
    if not len(low):
        return ""
    parts = ", ".join(f"{int(n)} for {h} days" for h, n in low.items())
    return (f"WARNING: TOO FEW FUTURE INCIDENTS TO JUDGE THE MODEL: {parts}, summed over all "
            f"origins (fewer than {min_events}; the data hold {result.n_incidents} incidents "
            "in all). Differences between methods here are noise.")


def _fmt(mean: float, lo: float, hi: float) -> str:
    if math.isnan(mean):
        return "—"
    return f"{mean:.2f} ({lo:.2f}–{hi:.2f})" if not math.isnan(lo) else f"{mean:.2f}"


def summary_lines(summary: pd.DataFrame, result: BacktestResult, *, reference: str,
                  warning: str) -> list[str]:
    """One screen of text: per horizon, each method's main metrics with 95 % bootstrap
    intervals."""
    lines: list[str] = []
    add = lines.append
    if warning:
        add(warning)
    for h, grp in summary.groupby("horizon_days"):
        n = grp[(grp["metric"] == "n_future") & (grp["method"] == reference)]
        n_text = f"{n['mean'].iat[0]:.1f} incidents per window" if len(n) else ""
        origins = int(grp["n_origins"].max()) if len(grp) else 0
        add(f"horizon {h} days: {origins} origins, {n_text}; mean (95% bootstrap CI); "
                 f"AUC wins = origins where the method beat {reference}")
        add(f"  {'method':<20}" + "".join(f"{m:>20}" for m in SHOWN) + "  AUC wins")
        for method, rows in grp.groupby("method", sort=False):
            cells = []
            for m in SHOWN:
                r = rows[rows["metric"] == m]
                cells.append(_fmt(*r[["mean", "ci_low", "ci_high"]].iloc[0]) if len(r) else "—")
            wins = rows[rows["metric"] == "auc_wins"]
            won = wins["mean"].to_numpy(dtype=float)
            of = wins["n_origins"].to_numpy(dtype=float)
            tail = f"  {won[0]:.0f}/{of[0]:.0f}" if len(wins) else "  (reference)"
            add(f"  {method:<20}" + "".join(f"{c:>20}" for c in cells) + tail)
    for _, b in best_baselines(summary, reference=reference).iterrows():
        add(f"best baseline at {b['horizon_days']} days: {b['baseline']} (AUC "
            f"{b['baseline_auc']:.3f}); {reference} minus it: {b['auc_diff']:+.3f} "
            f"(paired 95% CI {b['ci_low']:+.3f} to {b['ci_high']:+.3f}, "
            f"{b['n_origins']} origins)")
    if result.skipped:
        add(f"{len(result.skipped)} origin/horizon windows end after {result.data_end} "
                 "(the end of the record) and were not evaluated")
    if result.unplaced:
        add(f"{result.unplaced} later incidents known only to a unit, or more than the "
                 "capture distance from every corridor, could not be placed on a segment and "
                 "are not counted")
    return lines


def write_charts(result: BacktestResult, out: Path, horizons: Sequence[int]) -> list[Path]:
    """``capture_<H>d.png`` (hit rate and PAI by share of length) and ``auc_over_time.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths: list[Path] = []
    for h in horizons:
        curves = {m: c for (m, hh), c in result.curves.items() if hh == h}
        if not curves:
            continue
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
        for method in sorted(curves):
            y = curves[method]
            ax1.plot(CURVE_X * 100, y * 100, label=method)
            with np.errstate(divide="ignore", invalid="ignore"):
                ax2.plot(CURVE_X[1:] * 100, y[1:] / CURVE_X[1:], label=method)
        ax1.set(xlabel="% of network length (highest ranked first)",
                ylabel="% of later incidents caught", title=f"Hit rate, next {h} days")
        ax2.set(xlabel="% of network length", ylabel="PAI", xlim=(0, 50),
                title=f"Predictive accuracy index, next {h} days")
        ax1.legend(fontsize=8)
        fig.tight_layout()
        path = out / f"capture_{h}d.png"
        fig.savefig(path, dpi=110, metadata={"Software": None})
        plt.close(fig)
        paths.append(path)
    by = result.by_origin
    if len(by):
        fig, axes = plt.subplots(1, len(horizons), figsize=(5 * len(horizons), 3.8),
                                 squeeze=False)
        for ax, h in zip(axes[0], horizons, strict=True):
            for name, grp in by[by["horizon_days"] == h].groupby("method"):
                ax.plot(pd.to_datetime(grp["origin"]), grp["auc"], marker=".", label=str(name))
            ax.set(title=f"AUC by origin, next {h} days", ylabel="AUC")
            ax.tick_params(axis="x", labelrotation=30)
        axes[0][0].legend(fontsize=8)
        fig.tight_layout()
        path = out / "auc_over_time.png"
        fig.savefig(path, dpi=110, metadata={"Software": None})
        plt.close(fig)
        paths.append(path)
    return paths
