"""Benchmark: time and size of every export of a build, on the bundled layers.

Run from the repository root::

    python benchmarks/bench_exports.py              # bundled layers, 3 repeats
    python benchmarks/bench_exports.py --layers DIR --repeat 5

Each export is written into a temporary folder ``--repeat`` times; the table gives the
median wall time and the size of the file. ``static figure`` is the drawing shared by the
three static formats (made once per build); each format's row is its save alone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from geo import columns as C
from geo import pipeline
from geo.compare import build_changes_map, compare_dates, save_changes_map
from geo.export import write_csv, write_embed_snippet, write_geojson, write_geopackage
from geo.maps.interactive import build_map, save_map
from geo.maps.static import plot_risk_map, save_figure


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=None, help="layers folder (default: "
                        "the bundled layers)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t_prepare, p = timed(lambda: pipeline.prepare(layers=args.layers), 1)
    sources = pipeline.sources_of(p.incidents)
    incidents = p.incidents.merge(p.fate[[C.INCIDENT_ID, C.STATUS, C.REASON]],
                                  on=C.INCIDENT_ID, how="left")
    rows: list[tuple[str, float, int | None]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        def run(name: str, file: str | None, func: Callable[[], Any]) -> Any:
            seconds, result = timed(func, args.repeat)
            rows.append((name, seconds, (tmp / file).stat().st_size if file else None))
            return result

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

    print(f"{len(p.boundaries)} boundary units, {len(p.corridors)} corridors, "
          f"{len(p.scored)} segments, {len(p.incidents)} incidents, as of {p.as_of}; "
          f"prepare {t_prepare:.2f} s; median of {args.repeat}")
    print(f"| {'export':<28} | {'time (s)':>8} | {'size':>10} |")
    print(f"|{'-' * 30}|{'-' * 10}:|{'-' * 11}:|")
    for name, seconds, size in rows:
        shown = "" if size is None else (f"{size / 1e6:.2f} MB" if size >= 1e5
                                         else f"{size / 1e3:.1f} kB")
        print(f"| {name:<28} | {seconds:>8.3f} | {shown:>10} |")


if __name__ == "__main__":
    main()
