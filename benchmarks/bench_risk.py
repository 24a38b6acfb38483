"""Scoring speed and memory: routerisk vs the sjoin + groupby way, and the bundled build.

Run: ``python benchmarks/bench_risk.py [--sizes 1000,10000,100000,1000000] [--no-build]``

* A synthetic network of 10,000 segments (a 100 × 50 grid of 25 km lines, 2,500 × 1,250 km)
  is scored against N random point incidents of mixed types (bandwidths 25–100 km).
* The "sjoin" column computes the same scores as a user would without this tool: geopandas
  ``sjoin`` with the ``dwithin`` predicate for the candidate pairs, then the same exact kernel
  integral per pair with pandas arithmetic, then ``groupby(segment).sum()``. The results are
  checked equal (rtol 1e-9) before times are reported.
* Peak memory is the peak resident set size of a child process that runs one case.
* The bundled build is ``routerisk build`` end to end (a fresh process), wall time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.risk import _quartic_line_integral, load_model, score_segments

AS_OF = date(2020, 12, 31)
MODEL = load_model()
TYPES = [t for t, v in MODEL.types.items() if v.weight > 0]


def synthetic_segments(nx: int = 100, ny: int = 50, km: float = 25.0) -> gpd.GeoDataFrame:
    """A grid of 2 * nx * ny horizontal and vertical 25 km segments near 30°N 105°E."""
    step = km * 1000.0
    lines, ids = [], []
    for i in range(nx):
        for j in range(ny):
            x, y = i * step, j * step
            lines.append(shapely.LineString([(x, y), (x + step, y)]))
            lines.append(shapely.LineString([(x, y), (x, y + step)]))
            ids += [f"h{i}-{j}", f"v{i}-{j}"]
    crs = "+proj=aeqd +lat_0=30 +lon_0=105 +datum=WGS84 +units=m"
    seg = gpd.GeoDataFrame({C.SEGMENT_ID: ids}, geometry=lines, crs=crs).to_crs(4326)
    seg[C.CORRIDOR_ID] = seg[C.SEGMENT_ID]
    seg[C.ROUTE] = "grid"
    seg[C.SEQ] = 0
    seg[C.COUNTRY] = "AA"
    seg[C.ADMIN1] = ""
    seg[C.BORDER_CROSSING] = False
    seg[C.LENGTH_KM] = km
    return seg


def synthetic_incidents(n: int, segments: gpd.GeoDataFrame, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = segments.total_bounds
    days = rng.integers(0, 730, n)
    start = (np.datetime64("2019-01-01") + days).astype("datetime64[ns]")
    return gpd.GeoDataFrame(
        {
            C.INCIDENT_ID: [f"i{k}" for k in range(n)],
            C.DATE: start,
            C.PERIOD_END: start,
            C.END_DATE: pd.NaT,
            C.TYPE: rng.choice(TYPES, n),
            C.GEO_PRECISION: np.ones(n, dtype="int64"),
            C.COUNTRY: "AA",
            C.ADMIN1: "",
            C.COUNT: rng.choice([np.nan, 1.0, 5.0, 40.0], n),
            C.SOURCE_QUALITY: rng.choice([np.nan, 2.0, 4.0, 5.0], n),
        },
        geometry=shapely.points(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)),
        crs=4326,
    )


def sjoin_groupby(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, crs) -> np.ndarray:
    """The same densities the way a user would: sjoin(dwithin) + per-pair kernel + groupby."""
    seg = segments.to_crs(crs)
    inc = incidents.to_crs(crs)
    bw = np.array([MODEL.types[t].bandwidth_km for t in inc[C.TYPE]]) * 1000.0
    parts = []
    for h in np.unique(bw):
        sub = inc[bw == h]
        joined = gpd.sjoin(sub, seg[["geometry"]], predicate="dwithin", distance=h)
        parts.append(joined.assign(h=h))
    pairs = pd.concat(parts)
    seg_geom = seg.geometry.values[pairs["index_right"].to_numpy()]
    xy = shapely.get_coordinates(seg_geom).reshape(-1, 2, 2)
    x0, y0, x1, y1 = xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1]
    px, py = pairs.geometry.x.to_numpy(), pairs.geometry.y.to_numpy()
    length = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    t0 = (px - x0) * ux + (py - y0) * uy
    perp = np.abs((px - x0) * uy - (py - y0) * ux)
    frac = _quartic_line_integral(perp, -t0, length - t0, pairs["h"].to_numpy())
    # weight x severity x quality x time, as in the model
    t = np.datetime64(AS_OF, "D")
    types = pairs[C.TYPE].to_numpy()
    weight = np.array([MODEL.types[k].weight for k in types])
    half = np.array([MODEL.types[k].half_life_days for k in types])
    count = pairs[C.COUNT].to_numpy(dtype=float)
    sev = 1 + MODEL.count_scale * np.log10(np.where(count >= 1, count, 1))
    q = pairs[C.SOURCE_QUALITY].to_numpy(dtype=float)
    qf = np.asarray(MODEL.quality_factors)[np.where(np.isnan(q), MODEL.quality_missing, q)
                                           .astype(int) - 1]
    start = pairs[C.DATE].to_numpy().astype("datetime64[D]")
    age = (t - start).astype(float)
    value = weight * sev * qf * np.power(0.5, age / half) * np.where(start <= t, 1, 0) * frac
    summed = pd.Series(value).groupby(pairs["index_right"].to_numpy()).sum()
    contrib = np.zeros(len(segments))
    contrib[summed.index.to_numpy()] = summed.to_numpy()
    return 100.0 * contrib / segments[C.LENGTH_KM].to_numpy()


def run_case(n: int, with_sjoin: bool) -> dict[str, float]:
    from geo.io import study_crs

    seg = synthetic_segments()
    inc = synthetic_incidents(n, seg)
    t = time.perf_counter()
    scored = score_segments(seg, inc, as_of=AS_OF, model=MODEL)
    ours = time.perf_counter() - t
    out = {"incidents": n, "segments": len(seg), "routerisk_s": ours}
    if with_sjoin:
        t = time.perf_counter()
        ref = sjoin_groupby(seg, inc, study_crs(seg))
        out["sjoin_s"] = time.perf_counter() - t
        if not np.allclose(ref, scored[C.RISK_DENSITY].to_numpy(), rtol=1e-9, atol=1e-12):
            raise SystemExit(f"MISMATCH at n={n}: sjoin+groupby differs from routerisk")
        out["equal"] = 1.0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--sjoin-max", type=int, default=100000,
                        help="largest size also computed the sjoin+groupby way")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case is not None:
        print(json.dumps(run_case(args.case, args.case <= args.sjoin_max)))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--case", str(n), "--sjoin-max",
                               str(args.sjoin_max)], capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print("| incidents | segments | routerisk s | sjoin+groupby s | speed-up | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        sj = r.get("sjoin_s")
        print(f"| {r['incidents']:,} | {r['segments']:,} | {r['routerisk_s']:.2f} | "
              f"{sj:.2f} | {sj / r['routerisk_s']:.1f}x | {r['peak_rss_mb']:.0f} |" if sj else
              f"| {r['incidents']:,} | {r['segments']:,} | {r['routerisk_s']:.2f} | – | – | "
              f"{r['peak_rss_mb']:.0f} |")
    if not args.no_build:
        with tempfile.TemporaryDirectory() as tmp:
            times = []
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run(["routerisk", "build", "--out", tmp], check=True,
                               capture_output=True)
                times.append(time.perf_counter() - t)
        print(f"\nbundled `routerisk build` wall time: best {min(times):.2f} s, "
              f"median {sorted(times)[1]:.2f} s (3 runs)")


if __name__ == "__main__":
    main()
