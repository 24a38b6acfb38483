"""The whole build at road-network scale, stage by stage, with peak memory.

Run: ``python benchmarks/bench_build.py [--cases NAME,...] [--repeat N] [--cli]``

Each case writes synthetic layers into a temporary folder and runs, in a fresh child process,
the stages of ``routerisk build`` one after the other (reading, segmenting, scoring, fate,
timeline, summaries, writing), recording each stage's wall time and the child's peak resident
set size. ``--cli`` runs ``python -m geo.cli build`` instead, as a user would (total wall time
and CPU time: user + system of the build and of any process it forked).

Synthetic layers, road-like:

* **Boundaries**: two countries side by side, each cut into 4 × 4 first-level units.
* **Corridors**: random-walk polylines of 250 km with a vertex every 2.5 km (so a 25 km segment
  has about 10 vertices), spread over a square whose side grows with the network so that the road
  density stays about 0.1 km per km² (a national trunk-road network; denser networks give more
  incident × segment pairs).
* **Incidents**: uniform over the square, dated over two years, of the model's types; 2 % known
  only to their first-level unit and 1 % only to their country. ``--notes-bytes`` pads every row
  with a notes text (to make a CSV of a given size).

Results go to stdout as Markdown tables (and with ``--json F`` as JSON lines); the tables in
``docs/performance.md`` (and in the development log ``docs/dev/performance-log.md``) are copied
from there.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

LAT0, LON0 = 30.0, 105.0
KM_PER_DEG = 111.32
STEP_KM = 2.5
CORRIDOR_KM = 250.0
ROAD_DENSITY = 0.1  # km of corridor per km² of the study area

# name: (segments wanted, incidents, static formats, notes bytes per row)
CASES: dict[str, tuple[int, int, str, int]] = {
    "bundled": (0, 0, "png,svg,pdf", 0),
    "bundled no images": (0, 0, "", 0),
    "5k x 10k": (5_000, 10_000, "", 0),
    "5k x 30k": (5_000, 30_000, "", 0),
    "5k x 100k": (5_000, 100_000, "", 0),
    "5k x 300k": (5_000, 300_000, "", 0),
    "2k x 100k": (2_000, 100_000, "", 0),
    "20k x 100k": (20_000, 100_000, "", 0),
    "100k x 100k": (100_000, 100_000, "", 0),
    "5k x 1M": (5_000, 1_000_000, "", 0),
    "100k x 1M": (100_000, 1_000_000, "", 0),
    "20k png": (20_000, 10_000, "png", 0),
    "200 MB CSV": (5_000, 1_100_000, "", 120),
}


# ------------------------------------------------------------------ synthetic layers
def _side_km(n_segments: int) -> float:
    return math.sqrt(n_segments * 25.0 / ROAD_DENSITY)


def _to_lonlat(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = LAT0 + y_km / KM_PER_DEG
    lon = LON0 + x_km / (KM_PER_DEG * np.cos(np.radians(LAT0)))
    return lon, lat


def write_layers(folder: Path, n_segments: int, n_incidents: int, *, notes_bytes: int = 0,
                 seed: int = 0) -> None:
    """Boundaries, corridors and incidents of one case into ``folder``."""
    rng = np.random.default_rng(seed)
    side = _side_km(n_segments)
    half = side / 2
    # boundaries: AA (west) and BB (east), 4 x 4 first-level units each, a margin around
    feats = []
    edges_x = np.linspace(-half - 50, half + 50, 9)
    edges_y = np.linspace(-half - 50, half + 50, 5)
    for i in range(8):
        for j in range(4):
            lon, lat = _to_lonlat(np.array([edges_x[i], edges_x[i + 1]]),
                                  np.array([edges_y[j], edges_y[j + 1]]))
            ring = [[lon[0], lat[0]], [lon[1], lat[0]], [lon[1], lat[1]], [lon[0], lat[1]],
                    [lon[0], lat[0]]]
            feats.append({"type": "Feature", "properties": {
                "country": "AA" if i < 4 else "BB", "admin1": f"U{i % 4}{j}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]}})
    (folder / "boundaries.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": feats}))
    # corridors: random walks with a slowly turning heading
    n_corr = max(1, round(n_segments * 25.0 / CORRIDOR_KM))
    n_vert = int(CORRIDOR_KM / STEP_KM) + 1
    start = rng.uniform(-half, half, (n_corr, 2))
    heading = rng.uniform(0, 2 * np.pi, n_corr)[:, None] + np.cumsum(
        rng.normal(0, 0.15, (n_corr, n_vert - 1)), axis=1)
    x = start[:, :1] + np.concatenate([np.zeros((n_corr, 1)),
                                       np.cumsum(STEP_KM * np.cos(heading), axis=1)], axis=1)
    y = start[:, 1:] + np.concatenate([np.zeros((n_corr, 1)),
                                       np.cumsum(STEP_KM * np.sin(heading), axis=1)], axis=1)
    # fold walks that leave the square back into it
    x = half - np.abs((x + half) % (4 * half) - 2 * half)
    y = half - np.abs((y + half) % (4 * half) - 2 * half)
    lon, lat = _to_lonlat(x, y)
    feats = [{"type": "Feature", "properties": {"corridor_id": f"c{k}", "route": f"R{k % 50}",
                                                "name": f"road {k}", "mode": "road"},
              "geometry": {"type": "LineString", "coordinates": np.stack(
                  [lon[k].round(6), lat[k].round(6)], 1).tolist()}} for k in range(n_corr)]
    (folder / "corridors.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": feats}))
    _write_incidents(folder / "incidents.csv", n_incidents, half, rng, notes_bytes)


def _write_incidents(path: Path, n: int, half: float, rng: np.random.Generator,
                     notes_bytes: int) -> None:
    import pandas as pd

    from geo.risk import load_model

    types = [t for t, v in load_model().types.items() if v.weight > 0]
    lon, lat = _to_lonlat(rng.uniform(-half, half, n), rng.uniform(-half, half, n))
    day = np.datetime64("2022-01-01") + rng.integers(0, 730, n)
    kind = rng.random(n)
    coarse3, coarse4 = kind < 0.02, (kind >= 0.02) & (kind < 0.03)
    col = np.where(lon < LON0, "AA", "BB")
    ux = np.clip(((lon - lon.min()) / (np.ptp(lon) + 1e-9) * 8).astype(int), 0, 7) % 4
    uy = np.clip(((lat - lat.min()) / (np.ptp(lat) + 1e-9) * 4).astype(int), 0, 3)
    admin1 = np.char.add(np.char.add("U", ux.astype(str)), uy.astype(str))
    frame = pd.DataFrame({
        "incident_id": np.char.add("i", np.arange(n).astype(str)),
        "date": day.astype(str),
        "type": rng.choice(types, n),
        "lat": np.where(coarse3 | coarse4, "", lat.round(5).astype(str)),
        "lon": np.where(coarse3 | coarse4, "", lon.round(5).astype(str)),
        "admin1": np.where(coarse3, admin1, ""),
        "country": np.where(coarse3 | coarse4, col, ""),
        "count": rng.choice(["", "1", "5", "40"], n),
        "source_quality": rng.choice(["", "2", "4", "5"], n),
        "source_name": "synthetic",
        "visibility": "public",
    })
    if notes_bytes:
        frame["notes"] = ("synthetic row; " * (notes_bytes // 15 + 1))[:notes_bytes]
    frame.to_csv(path, index=False)


# ------------------------------------------------------------------ one case, in a child
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_stages(layers: Path | None, formats: tuple[str, ...], out: Path) -> dict[str, Any]:
    """The stages of ``geo.pipeline.prepare`` and ``write_outputs``, timed one by one."""
    from dataclasses import replace

    from geo import columns as C
    from geo import pipeline
    from geo.io import read_boundaries, read_corridors, read_incidents
    from geo.model.fit import fit_field
    from geo.model.forecast import apply_forecast, prepare_forecast
    from geo.model.known import known_by
    from geo.risk import (
        RiskField,
        band_timeline,
        incident_fate,
        load_model,
        month_ends,
        score_segments,
    )
    from geo.routes import summarise_families, summarise_routes
    from geo.segment import segment_corridors

    times: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        times[name] = now - t0
        t0 = now

    paths = pipeline.resolve_paths(layers=layers)
    model = load_model()
    b = read_boundaries(paths["boundaries"])
    c = read_corridors(paths["corridors"])
    lap("read boundaries+corridors")
    i = read_incidents(paths["incidents"], boundaries=b, types=tuple(model.types))
    lap("read incidents")
    as_of = known_by(i).max().item()
    segments = segment_corridors(c, b, max_km=model.segment_km)
    lap("segment")
    fld = RiskField(segments, i, model=model)
    lap("pairs (RiskField)")
    fit = fit_field(fld, as_of)
    fld = fld.with_fit(fit)
    lap("fit (candidates compared)")
    model, fc = prepare_forecast(segments, i, field=fld, as_of=as_of, model=model)
    lap("forecast calibration")
    scored = score_segments(segments, i, as_of=as_of, model=model, field=fld)
    scored, model, _ = apply_forecast(scored, fc, field=fld, as_of=as_of, model=model,
                                      file=str(paths["incidents"]))
    lap("score + top-5")
    fate = incident_fate(segments, i, as_of=as_of, model=model, field=fld)
    lap("fate")
    dates = month_ends(i[C.DATE].min().date(), as_of)
    timeline = band_timeline(segments, i, dates=dates, model=model, field=fld)
    lap("timeline")
    prepared = pipeline.Prepared(
        boundaries=b, corridors=c, incidents=i, segments=segments, scored=scored,
        routes=summarise_routes(scored, top_n=model.top_n),
        families=summarise_families(scored, top_n=model.top_n), fate=fate, timeline=timeline,
        model=model, as_of=as_of, field=fld, paths=paths, forecast=fc, fit=fit)
    lap("route summaries")
    pipeline.write_outputs(replace(prepared), out, formats=formats)
    lap("write outputs")
    return {"stages": times, "total_s": sum(times.values()), "peak_rss_mb": _peak_mb(),
            "segments": len(segments), "incidents": len(i), "pairs": fld.n_pairs,
            "point_pairs": len(fld._pt_inc),
            "dates": len(dates), "fitted": fit.ok}


def run_cli(layers: Path | None, formats: str, out: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "geo.cli", "build", "--out", str(out), "--formats", formats]
    if layers is not None:
        cmd[4:4] = ["--layers", str(layers)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build and any process it forked
    return {"total_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def child(name: str, layers: str, mode: str) -> None:
    formats = CASES[name][2]
    folder = None if layers == "-" else Path(layers)
    with tempfile.TemporaryDirectory() as out:
        if mode == "cli":
            result = run_cli(folder, formats, Path(out) / "o")
        else:
            fmts = tuple(f for f in formats.split(",") if f)
            result = run_stages(folder, fmts, Path(out) / "o")
    print(json.dumps({"case": name, **result}))


# ------------------------------------------------------------------ driver
def measure(name: str, repeat: int, mode: str) -> dict[str, Any]:
    n_seg, n_inc, _, notes = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        layers = "-"
        csv_mb = 0.0
        if n_seg:
            write_layers(Path(tmp), n_seg, n_inc, notes_bytes=notes)
            layers = tmp
            csv_mb = (Path(tmp) / "incidents.csv").stat().st_size / 1e6
        runs = []
        for _ in range(repeat):
            proc = subprocess.run([sys.executable, __file__, "--child", name, layers, mode],
                                  capture_output=True, text=True, check=False)
            if proc.returncode:
                raise SystemExit(f"{name}: failed\n{proc.stderr[-3000:]}")
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    med: dict[str, Any] = {"case": name, "runs": len(runs), "csv_mb": csv_mb}
    med["total_s"] = statistics.median(r["total_s"] for r in runs)
    if "cpu_s" in runs[0]:
        med["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
    med["peak_rss_mb"] = statistics.median(r["peak_rss_mb"] for r in runs)
    for key in ("segments", "incidents", "pairs", "point_pairs", "dates"):
        if key in runs[0]:
            med[key] = runs[0][key]
    if "stages" in runs[0]:
        med["stages"] = {k: statistics.median(r["stages"][k] for r in runs)
                         for k in runs[0]["stages"]}
    return med


def table(rows: list[dict[str, Any]]) -> str:
    stage_names = list(next((r["stages"] for r in rows if "stages" in r), {}))
    cpu = any("cpu_s" in r for r in rows)
    head = ["case", "segments", "incidents", "pairs (point pairs kept)", "total s",
            *(["CPU s"] if cpu else []),
            "peak RSS MB", *stage_names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["case"], f"{r.get('segments', 0):,}", f"{r.get('incidents', 0):,}",
                 f"{r.get('pairs', 0):,} ({r.get('point_pairs', 0):,})", f"{r['total_s']:.1f}",
                 *([f"{r['cpu_s']:.2f}" if "cpu_s" in r else "–"] if cpu else []),
                 f"{r['peak_rss_mb']:,.0f}"]
        cells += [f"{r['stages'][s]:.1f}" if "stages" in r else "–" for s in stage_names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def exponents(rows: list[dict[str, Any]]) -> str:
    """Least-squares slope of log(time) on log(size), per family of cases."""
    out = []
    fams = {"incidents (5k segments)": [r for r in rows if r["case"].startswith("5k x")],
            "segments (100k incidents)": [r for r in rows if r["case"].endswith("x 100k")]}
    for fam, rs in fams.items():
        key = "incidents" if fam.startswith("incidents") else "segments"
        if len(rs) < 2:
            continue
        size = np.log([r[key] for r in rs])
        parts = {"total": [r["total_s"] for r in rs]}
        for stage in ("pairs (RiskField)", "read incidents", "segment"):
            parts[stage] = [r["stages"][stage] for r in rs]
        slopes = {k: np.polyfit(size, np.log(np.maximum(v, 1e-3)), 1)[0] for k, v in parts.items()}
        out.append(f"| {fam} | {len(rs)} | " + " | ".join(f"{slopes[k]:.2f}" for k in parts)
                   + " |")
    head = ("| time ∝ sizeᵏ, k for | cases | total | pairs (RiskField) | read incidents | "
            "segment |\n|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(out)


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"
            f", shared with other jobs while measured")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="bundled,5k x 10k,5k x 30k,5k x 100k,2k x 100k,"
                        "20k x 100k", help="comma-separated case names: " + ", ".join(CASES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--cli", action="store_true", help="time `geo.cli build` (total only)")
    parser.add_argument("--json", type=Path, help="append results (JSON lines) to this file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    for name in args.cases.split(","):
        row = measure(name.strip(), args.repeat, "cli" if args.cli else "stages")
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if args.json:
            with args.json.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
    print(f"Machine: {machine()}.\n")
    print(table(rows))
    print()
    print(exponents(rows))


if __name__ == "__main__":
    main()
