"""Benchmark: time and size of every export of a build, on the bundled layers.

Run from the repository root::

    python benchmarks/bench_exports.py              # bundled layers, 3 repeats
    python benchmarks/bench_exports.py --layers DIR --repeat 5
    python benchmarks/bench_exports.py --layers DIR --repeat 1 --tables   # large layers

Each export is written into a temporary folder ``--repeat`` times; the table gives the
median wall and CPU (user + sys of this process) time and the size of the file. ``static
figure`` is the drawing shared by the three static formats (made once per build); each
format's row is its save alone. ``--tables`` times only the files that are not maps (tables,
GeoJSON, GeoPackage, GeoParquet), the route summaries and the public generalisation: at
road-network scale those are what ``--formats ''`` leaves besides the interactive map.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from geo import columns as C
from geo import pipeline
from geo.compare import compare_dates
from geo.export import (
    write_csv,
    write_embed_snippet,
    write_geojson,
    write_geopackage,
    write_geoparquet,
)
from geo.maps.changes import build_changes_map, save_changes_map
from geo.maps.interactive import build_map, save_map
from geo.maps.static import plot_risk_map, save_figure
from geo.publish import make_public
from geo.routes import summarise_families, summarise_routes


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU time of ``repeat`` calls, and the last result."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=None, help="layers folder (default: "
                        "the bundled layers)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tables", action="store_true", help="only the files that are not "
                        "maps, the route summaries and the public generalisation")
    args = parser.parse_args()

    t_prepare, _, p = timed(lambda: pipeline.prepare(layers=args.layers), 1)
    sources = pipeline.sources_of(p.incidents)
    incidents = p.incidents.merge(p.fate[[C.INCIDENT_ID, C.STATUS, C.REASON]],
                                  on=C.INCIDENT_ID, how="left")
    rows: list[tuple[str, float, float, int | None]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        def run(name: str, file: str | None, func: Callable[[], Any]) -> Any:
            wall, cpu, result = timed(func, args.repeat)
            rows.append((name, wall, cpu, (tmp / file).stat().st_size if file else None))
            return result

        if args.tables:
            tables(p, incidents, run, tmp)
            report(p, t_prepare, args.repeat, rows)
            return

        run("segments.geojson", "segments.geojson", lambda: write_geojson(
            p.scored, tmp / "segments.geojson", columns=pipeline.SEGMENT_COLUMNS))
        run("routes.csv", "routes.csv", lambda: write_csv(
            p.routes, tmp / "routes.csv", columns=pipeline.ROUTE_COLUMNS))
        run("incidents_fate.csv", "incidents_fate.csv", lambda: write_csv(
            p.fate, tmp / "incidents_fate.csv"))
        run("route_risk_map.html", "route_risk_map.html", lambda: save_map(build_map(
            p.scored, p.incidents, p.boundaries, as_of=p.as_of, model=p.model,
            timeline=p.timeline, sources=sources), tmp / "route_risk_map.html"))
        run("route_risk_map.embed.html", "route_risk_map.embed.html", lambda: write_embed_snippet(
            tmp / "route_risk_map.embed.html", map_file="route_risk_map.html", title="map"))
        run("route_risk.gpkg", "route_risk.gpkg", lambda: write_geopackage(
            {"segments": p.scored, "incidents": incidents, "boundaries": p.boundaries},
            tmp / "route_risk.gpkg", columns={"segments": pipeline.SEGMENT_COLUMNS}))
        fig = run("static figure (drawing)", None, lambda: plot_risk_map(
            p.scored, p.incidents, p.boundaries, as_of=p.as_of, model=p.model,
            sources=sources))
        for fmt in ("png", "svg", "pdf"):
            run(f"route_risk_map.{fmt}", f"route_risk_map.{fmt}",
                lambda fmt=fmt: save_figure(fig, tmp / f"route_risk_map.{fmt}"))
        date_from = p.as_of - timedelta(days=90)
        changes = run("compare (table)", None, lambda: compare_dates(
            p.segments, p.incidents, date_from=date_from, date_to=p.as_of, model=p.model,
            field=p.field))
        run("changes.csv", "changes.csv", lambda: write_csv(changes, tmp / "changes.csv"))
        run("changes_map.html", "changes_map.html", lambda: save_changes_map(
            build_changes_map(changes, p.segments, p.boundaries, date_from=date_from,
                              date_to=p.as_of), tmp / "changes_map.html"))

    report(p, t_prepare, args.repeat, rows)


def tables(p: pipeline.Prepared, incidents: Any, run: Callable[..., Any], tmp: Path) -> None:
    """The outputs that are not maps, the route summaries and ``make_public``."""
    top_n = p.model.top_n
    run("route summaries", None, lambda: (summarise_routes(p.scored, top_n=top_n),
                                          summarise_families(p.scored, top_n=top_n)))
    run("segments.geojson", "segments.geojson", lambda: write_geojson(
        p.scored, tmp / "segments.geojson", columns=pipeline.SEGMENT_COLUMNS))
    run("routes.csv", "routes.csv", lambda: write_csv(
        p.routes, tmp / "routes.csv", columns=pipeline.ROUTE_COLUMNS))
    run("route_families.csv", "route_families.csv", lambda: write_csv(
        p.families, tmp / "route_families.csv"))
    run("incidents_fate.csv", "incidents_fate.csv", lambda: write_csv(
        p.fate, tmp / "incidents_fate.csv"))
    run("route_risk.gpkg", "route_risk.gpkg", lambda: write_geopackage(
        {"segments": p.scored, "incidents": incidents, "boundaries": p.boundaries},
        tmp / "route_risk.gpkg", columns={"segments": pipeline.SEGMENT_COLUMNS}))
    run("segments.parquet", "segments.parquet", lambda: write_geoparquet(
        p.scored, tmp / "segments.parquet", columns=pipeline.SEGMENT_COLUMNS))
    run("incidents.parquet", "incidents.parquet", lambda: write_geoparquet(
        incidents, tmp / "incidents.parquet"))
    run("make_public (--public)", None, lambda: make_public(
        p.incidents, boundaries=p.boundaries, key=bytes(32)))


def report(p: pipeline.Prepared, t_prepare: float, repeat: int,
           rows: list[tuple[str, float, float, int | None]]) -> None:
    print(f"{len(p.boundaries)} boundary units, {len(p.corridors)} corridors, "
          f"{len(p.scored)} segments, {len(p.incidents)} incidents, as of {p.as_of}; "
          f"prepare {t_prepare:.2f} s; median of {repeat}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"| {'export':<28} | {'wall (s)':>8} | {'CPU (s)':>8} | {'size':>10} |")
    print(f"|{'-' * 30}|{'-' * 10}:|{'-' * 10}:|{'-' * 11}:|")
    for name, wall, cpu, size in rows:
        shown = "" if size is None else (f"{size / 1e6:.2f} MB" if size >= 1e5
                                         else f"{size / 1e3:.1f} kB")
        print(f"| {name:<28} | {wall:>8.3f} | {cpu:>8.3f} | {shown:>10} |")


if __name__ == "__main__":
    main()
