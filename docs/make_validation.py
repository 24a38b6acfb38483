"""Regenerate the tables of docs/validation.md on simulated worlds (a few minutes).

    python docs/make_validation.py [--seeds 0,1,2] [--out DIR]

For each seed it simulates a dense and a sparse world (geo.evaluate.simulate), then runs
``routerisk backtest`` (defaults with the euclidean and the network kernel, beside the
baselines) and ``routerisk tune`` (out-of-sample "tuned"), and prints Markdown tables of the
means over origins with 95 % bootstrap intervals.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from geo.cli import main as routerisk
from geo.evaluate.simulate import simulate_world

WORLDS = {"dense": 300.0, "sparse": 40.0}
METRICS = ("auc", "pai_10", "hit_rate_20", "log_score")


def _run(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = routerisk(argv)
    if code:
        raise SystemExit(f"routerisk {' '.join(argv)} failed ({code})")


def _cell(rows: pd.DataFrame, method: str, metric: str) -> str:
    r = rows[(rows["method"] == method) & (rows["metric"] == metric)]
    if not len(r):
        return "—"
    m, lo, hi = r[["mean", "ci_low", "ci_high"]].iloc[0]
    return f"{m:.3f} ({lo:.3f}–{hi:.3f})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--out", type=Path, default=Path("output/validation"))
    args = parser.parse_args()
    origins, horizon = "2020-01-31:2022-09-30:1m", "90"
    net = args.out / "network.toml"
    args.out.mkdir(parents=True, exist_ok=True)
    net.write_text('[kernel]\ndistance = "network"\n', encoding="utf-8")
    euclid = args.out / "euclidean.toml"
    euclid.write_text("", encoding="utf-8")
    for world, rate in WORLDS.items():
        for seed in (int(s) for s in args.seeds.split(",")):
            layers = simulate_world(seed=seed, start=date(2019, 1, 1), end=date(2022, 12, 31),
                                    events_per_year=rate, n_hotspots=20).write(
                args.out / f"{world}{seed}" / "layers")
            bt = args.out / f"{world}{seed}" / "backtest"
            _run(["backtest", "--layers", str(layers), "--origins", origins, "--horizons",
                  horizon, "--config", str(euclid), "--config", str(net), "--out", str(bt)])
            tn = args.out / f"{world}{seed}" / "tune"
            _run(["tune", "--layers", str(layers), "--origins", origins, "--horizons", horizon,
                  "--objective", "auc", "--out", str(tn)])
            summary = pd.read_csv(bt / "summary.csv")
            tuned = pd.read_csv(tn / "tune_summary.csv")
            n_inc = len(pd.read_csv(layers / "incidents.csv"))
            n_future = summary[(summary["method"] == "uniform")
                               & (summary["metric"] == "n_future")]["mean"].iat[0]
            header = (tn / "tuned.toml").read_text(encoding="utf-8").splitlines()
            chosen = next(line for line in header if line.startswith("# chosen"))
            print(f"\n#### {world} world, seed {seed}: {n_inc} incidents, "
                  f"{n_future:.0f} later incidents per 90-day window\n")
            print("| method | " + " | ".join(METRICS) + " |")
            print("|---|" + "---|" * len(METRICS))
            rows = [("defaults, euclidean", summary, "routerisk:euclidean"),
                    ("defaults, network", summary, "routerisk:network"),
                    ("tuned (out of sample)", tuned, "tuned"),
                    ("uniform", summary, "uniform"),
                    ("count_25km", summary, "count_25km"),
                    ("kde_50km", summary, "kde_50km")]
            for label, table, method in rows:
                print(f"| {label} | " + " | ".join(_cell(table, method, m) for m in METRICS)
                      + " |")
            print(f"\n{chosen.lstrip('# ')}; AUC difference network − euclidean: "
                  + _cell(summary, "routerisk:network", "auc_diff"))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
