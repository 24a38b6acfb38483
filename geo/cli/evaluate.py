"""``routerisk backtest`` and ``routerisk tune``: the model under test.

``backtest`` scores rolling origins with what was known at each and compares with
what happened next (:mod:`geo.evaluate.backtest`); ``tune`` chooses multipliers of half-lives
and bandwidths the same way (:mod:`geo.evaluate.tune`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geo._errors import UsageError
from geo.cli._common import PROBLEMS_HELP, add_force_argument

__all__ = ["add_parser"]

# geo.evaluate.backtest.DEFAULT_BASELINES, written out: the CLI imports no geo stack to parse
DEFAULT_BASELINES = ("uniform,count_10km,count_25km,count_50km,count_100km,kde_10km,kde_25km,"
                     "kde_50km,kde_100km")


def _add_inputs(parser: argparse.ArgumentParser, *, horizons: str = "90,180") -> None:
    parser.add_argument("--layers", type=Path, help="folder holding boundaries.geojson, "
                        "corridors.geojson and incidents.csv (default: the bundled layers)")
    parser.add_argument("--boundaries", type=Path, help="boundaries file (overrides --layers)")
    parser.add_argument("--corridors", type=Path, help="corridors file (overrides --layers)")
    parser.add_argument("--incidents", type=Path, help="incidents CSV, GeoJSON or (Geo)Parquet")
    parser.add_argument("--encoding", help="text encoding of a non-UTF-8 incidents CSV")
    parser.add_argument("--repair", action="store_true",
                        help="repair invalid boundary polygons instead of failing")
    parser.add_argument("--origins", required=True, metavar="START:END:STEP",
                        help="rolling origins, e.g. 2021-01-01:2023-12-31:90d (STEP: 90d, 2w, "
                             "3m, 1y)")
    if "," in horizons:
        parser.add_argument("--horizons", default=horizons, metavar="DAYS,…",
                            help=f"forecast horizons in days (default {horizons})")
    else:
        parser.add_argument("--horizons", default=horizons, metavar="DAYS",
                            help=f"the one forecast horizon in days the multipliers are "
                                 f"chosen for (default {horizons}); run tune once per "
                                 "horizon to compare")
    parser.add_argument("--baselines", default=DEFAULT_BASELINES, metavar="NAME,…",
                        help=f"baselines beside the model (default {DEFAULT_BASELINES})")
    parser.add_argument("--capture-km", dest="capture_km", type=float, default=10.0,
                        help="a later incident counts on its nearest segment within this many "
                             "km (default 10)")
    parser.add_argument("--min-events", dest="min_events", type=int, default=30,
                        help="fewer later incidents than this in total is said loudly "
                             "(default 30)")
    parser.add_argument("--problems", type=Path, metavar="FILE", help=PROBLEMS_HELP)


def add_parser(subparsers: Any) -> None:
    """Register ``backtest`` and ``tune`` on the CLI's subparsers."""
    bt = subparsers.add_parser(
        "backtest", help="score rolling origins with what was known and compare with what "
                         "happened next",
        description="At each origin T, score with the incidents known by T and compare with "
                    "the incidents whose date period falls in (T, T+H]; the model beside "
                    "uniform, count and one-bandwidth KDE baselines. Writes "
                    "metrics_by_origin.csv, summary.csv and PNG charts.")
    _add_inputs(bt)
    bt.add_argument("--config", action="append", type=Path, default=[], metavar="P",
                    help="risk model TOML; repeat to compare models (routerisk:<file stem>)")
    bt.add_argument("--out", type=Path, default=Path("output/backtest"), help="output folder")
    add_force_argument(bt)
    bt.set_defaults(func=run_backtest)

    tune = subparsers.add_parser(
        "tune", help="choose half-life and bandwidth multipliers by rolling-origin backtest",
        description="Grid of global multipliers of half-lives and bandwidths, chosen at each "
                    "origin from windows closed before it, shrunk toward the defaults; writes "
                    "tuned.toml (build --config accepts it), tune_by_origin.csv, a heatmap "
                    "and proposed band thresholds.")
    _add_inputs(tune, horizons="90")
    tune.add_argument("--config", type=Path, help="risk model TOML to tune (default: packaged)")
    tune.add_argument("--grid", type=Path, help="grid TOML (default: multipliers 0.5,1,2)")
    tune.add_argument("--objective", default="auc", choices=("auc", "pai10", "hit20"))
    tune.add_argument("--out", type=Path, default=Path("output/tune"), help="output folder")
    tune.set_defaults(func=run_tune)


def _horizons(text: str) -> list[int]:
    try:
        out = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise UsageError(f"{text!r} is not a list of whole days like 90,180",
                         field="--horizons") from None
    if not out or any(h <= 0 for h in out):
        raise UsageError(f"{text!r}: give one or more positive numbers of days",
                         field="--horizons")
    return out


def _models(configs: list[Path]) -> dict[str, Any]:
    from geo.model.config import load_model

    if not configs:
        return {"routerisk": load_model()}
    if len(configs) == 1:
        return {"routerisk": load_model(configs[0])}
    names = [f"routerisk:{Path(c).stem}" for c in configs]
    if len(set(names)) != len(names):
        raise UsageError("several --config files share a file name; rename them",
                         field="--config")
    return {n: load_model(c) for n, c in zip(names, configs, strict=True)}


def _prepare(args: argparse.Namespace, config: Path | None) -> Any:
    from geo import pipeline

    return pipeline.prepare(layers=args.layers, boundaries=args.boundaries,
                            corridors=args.corridors, incidents=args.incidents, config=config,
                            encoding=args.encoding, repair=args.repair)


def run_backtest(args: argparse.Namespace) -> int:
    """Backtest the model(s) and baselines, write the tables and charts; the exit code."""
    import pandas as pd

    from geo.evaluate.backtest import (
        ModelScorer,
        backtest,
        make_scorers,
        parse_origins,
        summarise,
    )
    from geo.evaluate.reliability import calibration_report, plot_reliability
    from geo.evaluate.report import few_events_warning, summary_lines, write_charts
    from geo.export import atomic_output, write_csv

    origins = parse_origins(args.origins)
    horizons = _horizons(args.horizons)
    baselines = [b.strip() for b in args.baselines.split(",") if b.strip()]
    models = _models(args.config)
    prepared = _prepare(args, args.config[0] if args.config else None)
    scorers = make_scorers(prepared.segments, prepared.incidents, models, baselines)
    result = backtest(prepared.segments, prepared.incidents, scorers=scorers, origins=origins,
                      horizons=horizons, capture_km=args.capture_km)
    reference = next(iter(models))
    summary = summarise(result.by_origin, reference=reference)
    rel, ece, _ = calibration_report(prepared.segments, prepared.incidents, scorers=scorers,
                                     models=models, origins=origins, horizons=horizons,
                                     capture_km=args.capture_km, data_end=result.data_end)
    summary = pd.concat([summary, ece], ignore_index=True)
    warning = few_events_warning(result, args.min_events)
    # which model applied at each origin (the fit and the candidate it chose, or the defaults)
    fits = pd.DataFrame(
        [{"origin": t.isoformat(), "method": s.name,
          **{k: v for k, v in f.record().items()
             if k in ("fitted", "candidate", "windows", "later_incidents", "reason", "summary")}}
         for s in scorers if isinstance(s, ModelScorer) and s.name in models
         for t, f in sorted(s.fits.items())],
        columns=["origin", "method", "fitted", "candidate", "windows", "later_incidents",
                 "reason", "summary"])
    with atomic_output(args.out, command="backtest", force=args.force) as tmp:
        write_csv(result.by_origin, tmp / "metrics_by_origin.csv")
        write_csv(fits, tmp / "models_by_origin.csv")
        write_csv(summary, tmp / "summary.csv")
        write_csv(rel, tmp / "reliability.csv")
        charts = write_charts(result, tmp, horizons)
        if rel["n"].sum() > 0:
            charts.append(plot_reliability(rel, ece, tmp / "reliability.png"))
        if warning:
            (tmp / "WARNING.txt").write_text(warning + "\n", encoding="utf-8")
    for line in summary_lines(summary, result, reference=reference, warning=warning):
        print(line)
    if warning:
        print(warning, file=sys.stderr)
    for r in ece.itertuples():
        print(f"calibration of p_{r.horizon_days}d ({r.method}, out of sample, {r.n_origins} "
              f"origins): ECE {r.mean:.3f} ({r.ci_low:.3f}-{r.ci_high:.3f}); see "
              "reliability.csv")
    for name, grp in fits.groupby("method", sort=False):
        used = grp["candidate"].value_counts()
        print(f"{name}: " + ", ".join(f"{c} at {n}" for c, n in used.items())
              + f" of {len(grp)} origins (models_by_origin.csv)")
    names = ["metrics_by_origin.csv", "models_by_origin.csv", "summary.csv", "reliability.csv",
             *(p.name for p in charts)]
    print(f"wrote {', '.join(names)} to {args.out}")
    return 0


def run_tune(args: argparse.Namespace) -> int:
    """Tune the half-life and bandwidth multipliers, write tuned.toml and the tables; print the
    choice; the exit code."""
    from geo.evaluate import tune

    horizons = _horizons(args.horizons)
    if len(horizons) != 1:
        raise UsageError(f"tune chooses the multipliers for one horizon, not {len(horizons)} "
                         f"({args.horizons}); give one value (e.g. --horizons "
                         f"{horizons[0]}) and run tune once per horizon", field="--horizons")
    report = tune.run_tune(_prepare(args, args.config), args.out, origins=args.origins,
                           horizons=horizons, objective=args.objective,
                           grid=args.grid, capture_km=args.capture_km,
                           min_events=args.min_events, config=args.config)
    if report.warning:
        print(report.warning)
    for line in report.header[2:8]:
        print(line)
    metric = report.metric
    main = report.summary[report.summary["metric"].isin([metric, f"{metric}_diff",
                                                         f"{metric}_wins"])]
    for r in main.itertuples():
        print(f"  {r.method:<10} {r.metric:<16} {r.mean:8.3f}  [{r.ci_low:.3f}, {r.ci_high:.3f}]"
              f"  n={r.n_origins}")
    print("proposed band thresholds: " + ", ".join(f"{v:g}" for v in report.bands["threshold"]))
    print(f"wrote {', '.join(p.name for p in report.written)} to {args.out}")
    return 0
