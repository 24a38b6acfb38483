"""Benchmark the interactive map at scale: build time, file size, Chromium load and draw time.

A synthetic map of 10,000 segments and 50,000 incidents (``tests/_mapdata.synthetic``) is built
and saved, then opened offline in Debian's headless Chromium (every request blocked) several
times. Reported per run, as milliseconds since navigation start (``performance.now()``):

* ``segments``  — every segment path exists in the SVG (the target: under 3 s);
* ``incidents`` — Leaflet.markercluster has clustered every incident known at the as-of date.

Usage::

    python benchmarks/bench_map.py [--segments 10000] [--incidents 50000] [--months 48]
                                   [--runs 3] [--keep output/bench_map.html]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.maps.interactive import build_map, save_map  # noqa: E402
from tests._mapdata import synthetic  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET_MS = 3000


def load_times(path: Path, n_segments: int, runs: int) -> list[dict[str, float]]:
    """Open the map ``runs`` times in a fresh page; time segments drawn and incidents ready."""
    from playwright.sync_api import sync_playwright

    url = path.resolve().as_uri()
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            blocked: list[str] = []
            errors: list[str] = []

            def route(r, blocked=blocked):  # type: ignore[no-untyped-def]
                if r.request.url == url:
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(url, wait_until="commit", timeout=120_000)
            segments_ms = page.wait_for_function(
                f"document.querySelectorAll('path.rr-seg').length >= {n_segments} "
                "&& performance.now()", polling="raf", timeout=120_000).json_value()
            incidents_ms = page.wait_for_function(
                "document.querySelector('[data-rr-incidents=ready]') && performance.now()",
                polling="raf", timeout=120_000).json_value()
            if errors or blocked:
                raise RuntimeError(f"page errors {errors} or requests {blocked[:3]}")
            out.append({"segments": float(segments_ms), "incidents": float(incidents_ms)})
            page.close()
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="also keep the HTML file here")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    inputs = synthetic(args.segments, args.incidents, months=args.months)
    t1 = time.perf_counter()
    m = build_map(**inputs)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench_map.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        save_map(m, path)
        t3 = time.perf_counter()
        size = path.stat().st_size
        runs = load_times(path, len(inputs["segments"]), args.runs)

    seg = [r["segments"] for r in runs]
    inc = [r["incidents"] for r in runs]
    rows = [
        ("segments / incidents / months",
         f"{len(inputs['segments']):,} / {len(inputs['incidents']):,} / "
         f"{len(inputs['timeline'].columns)}"),
        ("synthetic inputs", f"{t1 - t0:.2f} s"),
        ("build_map", f"{t2 - t1:.2f} s"),
        ("save_map (render + write)", f"{t3 - t2:.2f} s"),
        ("HTML size", f"{size / 1e6:.2f} MB"),
        ("Chromium: all segment paths drawn",
         f"median {statistics.median(seg):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in seg)})"
         f"  target < {TARGET_MS} ms: {'OK' if statistics.median(seg) < TARGET_MS else 'MISSED'}"),
        ("Chromium: incidents clustered",
         f"median {statistics.median(inc):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in inc)})"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
