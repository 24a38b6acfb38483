"""Benchmark the static report map (PNG 300 dpi, SVG, PDF) at scale, and on the bundled data.

Road-like synthetic segments (``benchmarks/_synthetic_map.py``) with 10,000 incidents are
drawn with :func:`geo.maps.static.plot_risk_map` and saved in each format; the bundled layers
go through :func:`geo.maps.static.save_static_maps` as a build does (the PDF in a forked child
process: its CPU time is counted). Medians over the runs; the gazetteer's places (corridor-end
labels) are loaded once per process, before the timing (``--cold`` times the first run with
them). The synthetic rows save the three formats one after the other in this process.

Usage::

    python benchmarks/bench_static.py [--segments 20000 100000] [--runs 3] [--cold]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _synthetic_map import synthetic  # noqa: E402

from geo import columns as C  # noqa: E402
from geo.maps import static  # noqa: E402


def time_formats(fig: object, folder: Path) -> dict[str, float]:
    out = {}
    for fmt in static.STATIC_FORMATS:
        t = time.perf_counter()
        path = static.save_figure(fig, folder / f"m.{fmt}", fmt=fmt)  # type: ignore[arg-type]
        out[fmt] = time.perf_counter() - t
        out[fmt + "_mb"] = path.stat().st_size / 1e6
    return out


def bench_synthetic(n: int, runs: int) -> dict[str, float]:
    inputs = synthetic(n, 10_000)
    inc = inputs["incidents"]
    if C.PERIOD_END not in inc:  # day-precise synthetic incidents: the period ends that day
        inc[C.PERIOD_END] = inc[C.DATE]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t, cpu = time.perf_counter(), time.process_time()
            fig = static.plot_risk_map(inputs["segments"], inputs["incidents"],
                                       inputs["boundaries"], as_of=inputs["as_of"],
                                       model=inputs["model"], sources=inputs["sources"])
            row = {"plot": time.perf_counter() - t, **time_formats(fig, Path(tmp))}
            row["total"] = row["plot"] + sum(row[f] for f in static.STATIC_FORMATS)
            row["cpu"] = time.process_time() - cpu
            rows.append(row)
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def _cpu() -> float:
    """CPU time of this process and of the child processes it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bench_bundled(runs: int) -> tuple[float, float]:
    from geo import pipeline

    prepared = pipeline.prepare(layers=pipeline.bundled_layers())
    times, cpus = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t, cpu = time.perf_counter(), _cpu()
            static.save_static_maps(prepared, Path(tmp) / "route_risk_map")
            times.append(time.perf_counter() - t)
            cpus.append(_cpu() - cpu)
    return statistics.median(times), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true",
                        help="do not load the gazetteer's places first")
    args = parser.parse_args(argv)
    if not args.cold:
        from geo.maps._places import _index

        _index()
    wall, cpu = bench_bundled(args.runs)
    print(f"bundled layers, PNG+SVG+PDF (save_static_maps): {wall:.2f} s wall, {cpu:.2f} s CPU",
          flush=True)
    print("| segments | plot s | PNG s | SVG s | PDF s | total s | CPU s | PNG MB | SVG MB "
          "| PDF MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.segments:
        r = bench_synthetic(n, args.runs)
        print(f"| {n:,} | {r['plot']:.1f} | {r['png']:.1f} | {r['svg']:.1f} | {r['pdf']:.1f} | "
              f"{r['total']:.1f} | {r['cpu']:.1f} | {r['png_mb']:.1f} | {r['svg_mb']:.1f} | "
              f"{r['pdf_mb']:.1f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
