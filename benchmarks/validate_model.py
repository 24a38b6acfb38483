"""The default model against the simple baselines on real UCDP GED data (docs/validation.md).

For each region of ``benchmarks/realdata`` (events, corridors, study-area units; see
``benchmarks/realdata/SOURCES.md``): import the events with routerisk's UCDP importer, run the
rolling-origin backtest (monthly origins, 90-day horizon, capture 10 km) of the default model
(fitted again at every origin on the history before it), the type defaults without the fit, and
the baselines uniform, count_<R>km and kde_<h>km for 10, 25, 50, 100; write the per-origin
metrics, the summary and a Markdown table per region into ``--out``.

    python benchmarks/validate_model.py --out output/validation_real \
        [--regions nga,mmr,bgd,ukr,caf] [--doc docs/validation.md]

With ``--doc`` the tables replace what stands between the markers ``<!-- real-data tables -->``
and ``<!-- end of real-data tables -->`` in that file.

The backtest fits the model at each of about a hundred origins: a few minutes per region.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from geo import pipeline
from geo.evaluate.backtest import (
    DEFAULT_BASELINES,
    ModelScorer,
    backtest,
    best_baselines,
    make_scorers,
    summarise,
)
from geo.importers._report import write_import
from geo.importers.ucdp import read_ucdp
from geo.io import read_boundaries
from geo.risk import load_model

HERE = Path(__file__).resolve().parent / "realdata"
# region: first origin, last origin (monthly; the record's first years are history only)
REGIONS = {"nga": ("2013-01-31", "2019-09-30"), "mmr": ("2011-01-31", "2018-09-30"),
           "bgd": ("2008-01-31", "2018-09-30"), "ukr": ("2015-01-31", "2021-09-30"),
           "caf": ("2013-01-31", "2022-09-30")}
SHOWN = ("auc", "hit_rate_10", "log_score")
HORIZON = 90
BEGIN, END = "<!-- real-data tables -->", "<!-- end of real-data tables -->"


def _origins(first: str, last: str) -> list[date]:
    return [d.date() for d in pd.date_range(first, last, freq="ME")]


def run_region(name: str, out: Path) -> dict[str, object]:
    folder = HERE / name
    with tempfile.TemporaryDirectory() as tmp:
        imported = read_ucdp(folder / "events.csv",
                             boundaries=read_boundaries(folder / "boundaries.geojson"))
        csv, _ = write_import(imported, Path(tmp) / "incidents.csv")
        p = pipeline.prepare(boundaries=folder / "boundaries.geojson",
                             corridors=folder / "corridors.geojson", incidents=csv)
    model = load_model()
    defaults = dataclasses.replace(model, fit_bandwidths_km=(), fit_half_lives_days=())
    scorers = make_scorers(p.segments, p.incidents, {"routerisk": model,
                                                     "type_defaults": defaults},
                           DEFAULT_BASELINES)
    result = backtest(p.segments, p.incidents, scorers=scorers,
                      origins=_origins(*REGIONS[name]), horizons=[HORIZON], capture_km=10.0)
    summary = summarise(result.by_origin, reference="routerisk")
    best = best_baselines(summary, reference="routerisk")
    region_out = out / name
    region_out.mkdir(parents=True, exist_ok=True)
    result.by_origin.to_csv(region_out / "metrics_by_origin.csv", index=False)
    summary.to_csv(region_out / "summary.csv", index=False)
    fits = next(s for s in scorers if isinstance(s, ModelScorer) and s.name == "routerisk").fits
    fit_rows = [{"origin": d.isoformat(), "ok": f.ok, "candidate": f.candidate if f.ok else "",
                 "n_windows": f.n_windows,
                 "n_events": f.n_events, "background": f.background,
                 **{f"space_{b:g}km": w for b, w in zip(f.bandwidths_km, f.space, strict=True)},
                 "own_segment": f.own_segment, "coarse": f.coarse,
                 **{f"time_{h:g}d": w for h, w in zip(f.half_lives_days, f.time, strict=True)}}
                for d, f in fits.items()]
    pd.DataFrame(fit_rows).to_csv(region_out / "fits.csv", index=False)
    years = pd.to_datetime(p.incidents["date"]).dt.year
    return {"name": name, "summary": summary, "best": best, "n_incidents": len(p.incidents),
            "years": (int(years.min()), int(years.max())), "segments": len(p.segments),
            "km": float(p.segments["length_km"].sum()), "by_origin": result.by_origin,
            "fits": pd.DataFrame(fit_rows), "unplaced": result.unplaced}


def table(res: dict[str, object]) -> str:
    """Markdown: method × metric (mean and 95 % bootstrap interval over origins), then the paired
    differences from the best baseline."""
    summary: pd.DataFrame = res["summary"]  # type: ignore[assignment]
    best: pd.DataFrame = res["best"]  # type: ignore[assignment]
    by: pd.DataFrame = res["by_origin"]  # type: ignore[assignment]
    s = summary[summary["horizon_days"] == HORIZON]
    auc = s[s["metric"] == "auc"].set_index("method")["mean"].sort_values(ascending=False)
    lines = ["| method | " + " | ".join(SHOWN) + " |", "|---|" + "---|" * len(SHOWN)]
    for method in auc.index:
        cells = []
        for m in SHOWN:
            r = s[(s["method"] == method) & (s["metric"] == m)].iloc[0]
            cells.append(f"{r['mean']:.3f} ({r['ci_low']:.3f} to {r['ci_high']:.3f})")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    b = best.iloc[0]
    lines += ["", f"Best baseline: **{b['baseline']}**. Paired differences routerisk − "
              f"{b['baseline']} over the same {int(b['n_origins'])} origins (mean, 95 % "
              "bootstrap interval over origins):", "",
              "| metric | routerisk − best baseline | origins where routerisk is better |",
              "|---|---|---|"]
    for m in SHOWN:
        wide = by[by["horizon_days"] == HORIZON].pivot(index="origin", columns="method",
                                                       values=m)
        diff = (wide["routerisk"] - wide[b["baseline"]]).dropna().to_numpy()
        rng = np.random.default_rng(0)
        boot = rng.choice(diff, size=(2000, len(diff))).mean(axis=1)
        lines.append(f"| {m} | {diff.mean():+.4f} ({np.quantile(boot, 0.025):+.4f} to "
                     f"{np.quantile(boot, 0.975):+.4f}) | {int((diff > 0).sum())} of "
                     f"{len(diff)} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("output/validation_real"))
    parser.add_argument("--regions", default=",".join(REGIONS))
    parser.add_argument("--doc", type=Path, help="Markdown file whose marked part to replace")
    args = parser.parse_args(argv)
    parts = []
    for name in args.regions.split(","):
        res = run_region(name, args.out)
        by: pd.DataFrame = res["by_origin"]  # type: ignore[assignment]
        first = by[by["method"] == "routerisk"]
        parts.append(f"### {name.upper()}: {res['n_incidents']} events "
                     f"{res['years'][0]}–{res['years'][1]}, {res['segments']} segments "  # type: ignore[index]
                     f"({res['km']:.0f} km), {len(first)} monthly origins "
                     f"({int(first['auc'].notna().sum())} with a later incident on the "
                     "corridors, the ones AUC and log score are judged on), "
                     f"{first['n_future'].mean():.1f} later incidents per window on the "
                     f"corridors\n\n{table(res)}\n")
        print(parts[-1], flush=True)
    text = "\n".join(parts)
    (args.out / "tables.md").write_text(text, encoding="utf-8")
    if args.doc:
        doc = args.doc.read_text(encoding="utf-8")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        args.doc.write_text(f"{head}{BEGIN}\n\n{text}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
