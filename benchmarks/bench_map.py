"""Benchmark the interactive map at scale in headless Chromium (offline, requests blocked).

Synthetic road-like maps (``benchmarks/_synthetic_map.py``: 10 vertices per segment, a
monthly band timeline, two contributors per segment) are built and saved, then opened in
Debian's headless Chromium several times. Measured with the Performance API
(``performance.now()``), medians over the runs:

* ``draw``  — from navigation start until the segment canvas is drawn;
* ``idle``  — from navigation start until the end of the last long task (> 50 ms, the
  browser's Long Tasks API) before the page stays quiet for a second (target ≤ 3 s);
* ``max task`` — the longest task while the map is panned, zoomed, stepped, hovered and
  clicked (target ≤ 100 ms; 0 when no task reached 50 ms);
* ``pan frame`` — the longest frame (``requestAnimationFrame`` interval) while the map is
  dragged with the mouse, and ``pan settle`` — the redraw after the drag ends;
* ``zoom``  — a zoom in by one level until the next frame (the redraw included);
* ``slider step`` — a slider move until the next frame (target ≤ 300 ms).

``build_map`` is timed in wall and CPU seconds; the map is also saved in folder mode (its data
as ``.js`` files beside the page) to report those sizes.

Usage::

    python benchmarks/bench_map.py [--segments 20000 100000] [--incidents 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _synthetic_map import synthetic  # noqa: E402

from geo.maps.interactive import build_map, save_map  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

INTERACT = """async () => {
  const m = map_routerisk, st = m._rr, out = {};
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  let t = performance.now();
  m.setZoom(m.getZoom() + 1, {animate: false});
  await frame();
  out.zoom = performance.now() - t;
  t = performance.now();
  st.setStep(Math.max(0, st.data.steps.length - 6));
  await frame();
  out.step = performance.now() - t;
  t = performance.now();
  st.setStep(st.data.steps.length - 1);
  await frame();
  out.step = Math.max(out.step, performance.now() - t);
  return out;
}"""

# Installed before the page's own scripts: every long task (> 50 ms) the page runs.
LONG_TASKS = """
window.__long = [];
new PerformanceObserver((list) => list.getEntries().forEach(
  (e) => window.__long.push([e.startTime, e.duration]))).observe({type: "longtask",
                                                                   buffered: true});
"""

# Until no long task for a second (at most 60 s): the end of the last one, else 0.
IDLE = """async () => {
  const quiet = () => { const l = window.__long; const last = l[l.length - 1];
                        return last ? last[0] + last[1] : 0; };
  const t0 = performance.now();
  while (performance.now() - Math.max(quiet(), t0 - 1000) < 1000 &&
         performance.now() - t0 < 60000) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return quiet();
}"""

# Hover and click a segment in view (the pointer's path to the popup).
POINTER = """async () => {
  const st = map_routerisk._rr, size = map_routerisk.getSize();
  for (let s = 0; s < st.geom.n; s += 97) {
    const p = st.segmentLayer.pointOf(s);
    if (p.x > 350 && p.y > 150 && p.x < size.x - 350 && p.y < size.y - 150 &&
        st.segmentLayer.segmentAt(p) >= 0) {
      const r = map_routerisk.getContainer().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    }
  }
  return null;
}"""

FRAMES = """() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (now) => { window.__frames.push([now, now - last]); last = now;
                          if (window.__frames.length < 100000) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def one_run(browser: Any, url: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    blocked: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.add_init_script(LONG_TASKS)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="commit", timeout=300_000)
    draw = page.wait_for_function(
        "map_routerisk && map_routerisk._rr && map_routerisk.getContainer()"
        ".getAttribute('data-rr-drawn') && performance.now()",
        polling="raf", timeout=300_000).json_value()
    idle = max(float(draw), float(page.evaluate(IDLE)))
    t_interact = page.evaluate("performance.now()")
    # drag the map with the mouse; record every frame interval meanwhile
    page.evaluate(FRAMES)
    page.mouse.move(640, 400)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(640 - 10 * k, 400 - 5 * k)
    page.evaluate("window.__dragEnd = performance.now()")
    page.mouse.up()
    page.wait_for_timeout(300)
    end = page.evaluate("window.__dragEnd")
    frames = [d for t, d in page.evaluate("window.__frames.slice(1)") if t <= end]
    settle = page.evaluate("map_routerisk._rr.segmentLayer._drawMs")
    t_zoom = page.evaluate("performance.now()")
    out = page.evaluate(INTERACT)
    t_pointer = page.evaluate("performance.now()")
    xy = page.evaluate(POINTER)
    if xy is not None:
        page.mouse.move(xy[0] - 30, xy[1] - 30)
        page.mouse.move(*xy, steps=5)
        page.mouse.click(*xy)
        page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_timeout(300)
    long = page.evaluate("window.__long")
    tasks = [d for t, d in long if t >= t_interact]
    phases = {"pan": (t_interact, t_zoom), "zoom+step": (t_zoom, t_pointer),
              "hover+click": (t_pointer, float("inf"))}
    by_phase = {k: max([d for t, d in long if a <= t < b] or [0.0]) for k, (a, b) in
                phases.items()}
    print("  long tasks by phase (ms):", {k: round(v) for k, v in by_phase.items()},
          file=sys.stderr)
    if errors or blocked:
        raise RuntimeError(f"page errors {errors} or requests {blocked[:3]}")
    page.close()
    return {"draw": float(draw), "idle": idle, "max_task": float(max(tasks or [0.0])),
            "pan_frame": float(max(frames or [0.0])),
            "pan_settle": float(settle), "zoom": float(out["zoom"]),
            "step": float(out["step"])}


def bench(n_segments: int, n_incidents: int, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    inputs = synthetic(n_segments, n_incidents)
    t1 = time.perf_counter()
    c1 = time.process_time()
    m = build_map(**inputs)
    t2 = time.perf_counter()
    build_cpu = time.process_time() - c1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_map.html"
        save_map(m, path, folder=False)
        t3 = time.perf_counter()
        size = path.stat().st_size
        (Path(tmp) / "folder").mkdir()
        folder = save_map(m, Path(tmp) / "folder" / "bench_map.html", folder=True)
        folder_mb = [f.stat().st_size / 1e6 for f in folder]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            results = [one_run(browser, path.resolve().as_uri()) for _ in range(runs)]
            browser.close()
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    return {"segments": n_segments, "incidents": n_incidents, "inputs_s": t1 - t0,
            "build_s": t2 - t1, "build_cpu_s": build_cpu, "save_s": t3 - t2, "mb": size / 1e6,
            "folder": f"{folder_mb[0]:.2f} MB page + {len(folder_mb) - 1} data files "
                      f"({sum(folder_mb[1:]):.1f} MB, largest {max(folder_mb[1:]):.1f} MB)",
            **med}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print("| segments | incidents | build_map s (CPU) | save s | HTML MB | draw ms | idle ms "
          "| max task ms | pan frame ms | pan settle ms | zoom ms | slider step ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    folders = []
    for n in args.segments:
        r = bench(n, args.incidents, args.runs)
        print(f"| {r['segments']:,} | {r['incidents']:,} | {r['build_s']:.1f} "
              f"({r['build_cpu_s']:.1f}) | {r['save_s']:.1f} | {r['mb']:.1f} | {r['draw']:.0f} "
              f"| {r['idle']:.0f} | {r['max_task']:.0f} | {r['pan_frame']:.0f} "
              f"| {r['pan_settle']:.0f} | {r['zoom']:.0f} "
              f"| {r['step']:.0f} |", flush=True)
        folders.append(f"{n:,} segments, folder mode: {r['folder']}")
    print("\n".join(folders))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
