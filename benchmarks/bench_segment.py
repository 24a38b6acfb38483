"""Segmenting speed: road-like corridors cut at the bundled boundaries and into 25 km pieces.

Run: ``python benchmarks/bench_segment.py [--corridors 1000,10000] [--repeat 5]``

* N corridors shaped like roads: random walks starting inside China, one vertex every 2.5 km
  (so about 10 vertices per 25 km segment), about 250 km long, heading drifting by up to ±20°
  per step. 10,000 corridors give about 100,000 pieces.
* Cut against the bundled boundaries (42 first-level units of China and its neighbours) with
  :func:`geo.segment.segment_corridors` at the model's 25 km.
* Reports the median (and min/max) wall time of ``--repeat`` runs in this process, the median
  CPU time of the process (user + system: steadier than wall time on a shared machine), and the
  number of pieces.
"""

from __future__ import annotations

import argparse
import statistics
import time

import geopandas as gpd
import numpy as np
import shapely

from geo import datasets
from geo.io import read_boundaries
from geo.segment import segment_corridors

STEP_KM = 2.5
LENGTH_KM = 250.0


def road_like_corridors(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` random-walk corridors of about 250 km with a vertex every 2.5 km, in WGS84."""
    rng = np.random.default_rng(seed)
    steps = int(LENGTH_KM / STEP_KM)
    lon0 = rng.uniform(100.0, 118.0, n)
    lat0 = rng.uniform(24.0, 40.0, n)
    heading = rng.uniform(0, 2 * np.pi, n)[:, None] + np.cumsum(
        rng.uniform(-np.radians(20), np.radians(20), (n, steps)), axis=1)
    dlat = STEP_KM / 111.0 * np.cos(heading)
    dlon = STEP_KM / (111.0 * np.cos(np.radians(lat0)))[:, None] * np.sin(heading)
    lon = np.hstack([lon0[:, None], lon0[:, None] + np.cumsum(dlon, axis=1)])
    lat = np.hstack([lat0[:, None], lat0[:, None] + np.cumsum(dlat, axis=1)])
    coords = np.stack([lon, lat], axis=2).reshape(-1, 2)
    lines = shapely.linestrings(coords, indices=np.repeat(np.arange(n), steps + 1))
    return gpd.GeoDataFrame({"corridor_id": [f"R{i:05d}" for i in range(n)],
                             "route": ["synthetic"] * n}, geometry=lines, crs=4326)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corridors", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    boundaries = read_boundaries(datasets.get_path("boundaries"))
    print("| corridors | vertices | pieces | median wall s | min s | max s | median CPU s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.corridors.split(",")):
        corridors = road_like_corridors(n)
        times, cpu = [], []
        pieces = 0
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            seg = segment_corridors(corridors, boundaries, max_km=25.0)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            pieces = len(seg)
        vertices = len(shapely.get_coordinates(corridors.geometry.values))
        print(f"| {n:,} | {vertices:,} | {pieces:,} | {statistics.median(times):.2f} | "
              f"{min(times):.2f} | {max(times):.2f} | {statistics.median(cpu):.2f} |", flush=True)


if __name__ == "__main__":
    main()
