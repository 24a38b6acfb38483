"""Benchmark: corridor from a synthetic OSM extract, and least-risk paths on many segments.

Run from the repository root::

    python benchmarks/bench_network.py                 # 50k, 100k and 200k-node extracts
    python benchmarks/bench_network.py --nodes 50000   # one size

1. A square grid of roads written as OSM XML (every row and column one way; every 10th a
   primary road, the rest residential; 10 % of the nodes carry a shop tag; one building per
   100 nodes, which the drive filter must drop), read with :func:`geo.network.load_network`,
   then a corridor through three waypoints across it (:func:`geo.network.corridor_from_graph`).
2. A grid of ~10,000 scored segments with random exposure, then
   :func:`geo.paths.least_risk_paths` from one corner to three exits on the far side.
3. ``--pbf-mb 100``: a PBF extract of about that size written with pyosmium (a jittered grid
   of roads, a node every ~200 m, ways of 20 nodes, rows and every 10th column), then
   :func:`geo.network.corridor_from_osm` through three waypoints 30 km apart, in a fresh
   process: wall and CPU time and peak RSS. Only the ways in the box around the waypoints
   (+20 km) are kept; the node coordinates of the whole file live in libosmium's location cache.
"""

from __future__ import annotations

import argparse
import math
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geo import columns as C
from geo.network import corridor_from_graph, load_network
from geo.paths import least_risk_paths, segment_graph

SPACING_DEG = 0.004  # ~440 m between nodes at 25° N
LAT0, LON0 = 25.0, 100.0
GEOD = pyproj.Geod(ellps="WGS84")


def write_grid_osm(path: Path, side: int, *, seed: int = 0) -> int:
    """Write a ``side`` × ``side`` grid of roads as OSM XML; returns the number of nodes."""
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-0.2, 0.2, size=(side, side, 2)) * SPACING_DEG
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" '
                 'generator="routerisk benchmark">\n')
        for r in range(side):
            for c in range(side):
                nid = r * side + c + 1
                lat = LAT0 + r * SPACING_DEG + jitter[r, c, 0]
                lon = LON0 + c * SPACING_DEG + jitter[r, c, 1]
                if nid % 10 == 0:
                    fh.write(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}">'
                             '<tag k="shop" v="yes"/></node>\n')
                else:
                    fh.write(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        way = 1
        for axis in (0, 1):
            for i in range(side):
                ids = ([i * side + c + 1 for c in range(side)] if axis == 0
                       else [r * side + i + 1 for r in range(side)])
                kind = "primary" if i % 10 == 0 else "residential"
                nds = "".join(f'<nd ref="{n}"/>' for n in ids)
                fh.write(f'  <way id="{way}">{nds}<tag k="highway" v="{kind}"/></way>\n')
                way += 1
        for b in range(0, side * side, 100):  # buildings reuse grid nodes: not roads
            nds = "".join(f'<nd ref="{n}"/>' for n in (b + 1, b + 2, b + 1))
            fh.write(f'  <way id="{way}">{nds}<tag k="building" v="yes"/></way>\n')
            way += 1
        fh.write("</osm>\n")
    return side * side


def bench_corridor(n_nodes: int) -> dict[str, float]:
    side = round(math.sqrt(n_nodes))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"grid_{side}.osm"
        t0 = time.perf_counter()
        nodes = write_grid_osm(path, side)
        t_write = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        graph = load_network(path)
        t_load = time.perf_counter() - t0
        far = (side - 1) * SPACING_DEG
        waypoints = [(LAT0, LON0), (LAT0 + far, LON0 + far / 2), (LAT0, LON0 + far)]
        t0 = time.perf_counter()
        corridor = corridor_from_graph(graph, waypoints, corridor_id="B", route="bench",
                                       source=path.name)
        t_route = time.perf_counter() - t0
    km = GEOD.geometry_length(corridor.geometry.iloc[0]) / 1000
    return {"nodes": nodes, "edges": graph.number_of_edges(), "file_mb": size_mb,
            "write_s": t_write, "load_s": t_load, "route_s": t_route, "corridor_km": km,
            "vertices": len(corridor.geometry.iloc[0].coords)}


def scored_grid(side: int, *, seed: int = 1) -> gpd.GeoDataFrame:
    """A ``side`` × ``side`` lattice of segments (~0.1° apart) with random exposures."""
    rng = np.random.default_rng(seed)
    xs = LON0 + 0.1 * np.arange(side)
    ys = LAT0 + 0.1 * np.arange(side)
    lines, ids, cors = [], [], []
    for r, y in enumerate(ys):
        for c in range(side - 1):
            lines.append(shapely.LineString([(xs[c], y), (xs[c + 1], y)]))
            ids.append(f"H{r:03d}-{c:03d}")
            cors.append(f"H{r:03d}")
    for c, x in enumerate(xs):
        for r in range(side - 1):
            lines.append(shapely.LineString([(x, ys[r]), (x, ys[r + 1])]))
            ids.append(f"V{c:03d}-{r:03d}")
            cors.append(f"V{c:03d}")
    gdf = gpd.GeoDataFrame({C.SEGMENT_ID: ids, C.CORRIDOR_ID: cors}, geometry=lines, crs=4326)
    gdf[C.LENGTH_KM] = [GEOD.geometry_length(g) / 1000 for g in lines]
    gdf[C.EXPOSURE] = rng.exponential(0.05, size=len(gdf)) * (rng.random(len(gdf)) < 0.3)
    return gdf


def bench_paths(side: int = 71) -> dict[str, float]:
    scored = scored_grid(side)
    t0 = time.perf_counter()
    graph = segment_graph(scored)
    t_graph = time.perf_counter() - t0
    top = LAT0 + 0.1 * (side - 1)
    right = LON0 + 0.1 * (side - 1)
    exits = [(top, LON0), (top, right), (LAT0, right)]
    t0 = time.perf_counter()
    paths = least_risk_paths(scored, (LAT0, LON0), exits)
    t_paths = time.perf_counter() - t0
    least, shortest = paths.iloc[0], paths.iloc[1]
    return {"segments": len(scored), "nodes": graph.number_of_nodes(), "graph_s": t_graph,
            "paths_s": t_paths, "least_km": least[C.LENGTH_KM],
            "least_exposure": least[C.EXPOSURE], "shortest_km": shortest[C.LENGTH_KM],
            "shortest_exposure": shortest[C.EXPOSURE]}


def write_grid_pbf(path: Path, *, rows: int, cols: int, seed: int = 0) -> int:
    """A jittered grid of roads as PBF (pyosmium's writer); returns the number of nodes."""
    import osmium
    from osmium.osm import mutable

    rng = np.random.default_rng(seed)
    step = 0.002
    with osmium.SimpleWriter(str(path), overwrite=True) as w:
        for r in range(rows):
            lon = LON0 + np.arange(cols) * step + rng.uniform(-4e-4, 4e-4, cols)
            lat = LAT0 + r * step + rng.uniform(-4e-4, 4e-4, cols)
            base = r * cols + 1
            for j, (x, y) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
                w.add_node(mutable.Node(id=base + j, location=(x, y)))
        way_id = 1
        for r in range(rows):  # rows: ways of 20 nodes sharing their end nodes
            ids = list(range(r * cols + 1, (r + 1) * cols + 1))
            for k in range(0, cols - 1, 19):
                w.add_way(mutable.Way(id=way_id, nodes=ids[k:k + 20], tags={
                    "highway": "primary" if r % 10 == 0 else "residential",
                    "name": f"Row {r}"}))
                way_id += 1
        for c in range(0, cols, 10):  # every 10th column
            ids = [r * cols + c + 1 for r in range(rows)]
            for k in range(0, rows - 1, 19):
                w.add_way(mutable.Way(id=way_id, nodes=ids[k:k + 20],
                                      tags={"highway": "secondary", "name": f"Column {c}"}))
                way_id += 1
    return rows * cols


_PBF_CHILD = """
import resource, sys, time
from pathlib import Path
from geo.network import corridor_from_osm
t, c = time.perf_counter(), time.process_time()
row = corridor_from_osm(Path(sys.argv[1]), sys.argv[2].split(";"), corridor_id="B", route="b")
print(time.perf_counter() - t, time.process_time() - c,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(row.geometry.iloc[0].coords))
"""


def bench_pbf(path: Path, *, rows: int, cols: int) -> dict[str, float]:
    """Corridor through three waypoints in the middle of the PBF grid, in a fresh process."""
    import subprocess
    import sys

    mid_lat = LAT0 + rows * 0.002 / 2
    mid_lon = LON0 + cols * 0.002 / 2
    via = ";".join(f"{mid_lat + d:.4f},{mid_lon + 1.5 * d:.4f}" for d in (-0.15, 0.0, 0.15))
    out = subprocess.run([sys.executable, "-c", _PBF_CHILD, str(path), via], check=True,
                         capture_output=True, text=True).stdout.split()
    wall, cpu, rss, vertices = (float(x) for x in out)
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss, "vertices": vertices}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf-mb", type=float, default=0,
                        help="also benchmark a PBF extract of about this size (e.g. 100)")
    parser.add_argument("--pbf-file", type=Path,
                        help="where to keep the generated PBF (reused when it exists)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the PBF case")
    parser.add_argument("--nodes", type=int, nargs="*", default=[50_000, 100_000, 200_000])
    parser.add_argument("--segments-side", type=int, default=71,
                        help="lattice side for the path benchmark (71 → 9,940 segments)")
    args = parser.parse_args()
    if args.pbf_mb:
        main_pbf(args)
        return
    print("corridor from a synthetic OSM extract (drive network, 3 waypoints)")
    print(f"{'nodes':>8} {'edges':>8} {'file MB':>8} {'write s':>8} {'load s':>8} "
          f"{'route s':>8} {'km':>7} {'vertices':>8}")
    for n in args.nodes:
        r = bench_corridor(n)
        print(f"{r['nodes']:>8,} {r['edges']:>8,} {r['file_mb']:>8.1f} {r['write_s']:>8.2f} "
              f"{r['load_s']:>8.2f} {r['route_s']:>8.2f} {r['corridor_km']:>7.1f} "
              f"{r['vertices']:>8,}")
    p = bench_paths(args.segments_side)
    print(f"\nleast-risk + shortest path on {p['segments']:,} segments ({p['nodes']:,} nodes): "
          f"graph {p['graph_s']:.2f} s, both paths (graph included) {p['paths_s']:.2f} s")
    print(f"  least-risk {p['least_km']:.0f} km, exposure {p['least_exposure']:.3f}; "
          f"shortest {p['shortest_km']:.0f} km, exposure {p['shortest_exposure']:.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:.0f} MB")


def main_pbf(args: argparse.Namespace) -> None:
    """The PBF case: generate (or reuse) the file, then the median of ``--repeat`` runs."""
    import statistics

    rows = 2000
    cols = int(args.pbf_mb * 1e6 / 4.5 / rows)  # about 4.5 bytes a node with its ways
    path = args.pbf_file or Path(tempfile.gettempdir()) / f"routerisk_bench_{rows}x{cols}.osm.pbf"
    if not path.exists():
        started = time.perf_counter()
        n = write_grid_pbf(path, rows=rows, cols=cols)
        print(f"wrote {path}: {n:,} nodes in {time.perf_counter() - started:.0f} s")
    size = path.stat().st_size / 1e6
    runs = [bench_pbf(path, rows=rows, cols=cols) for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"PBF {size:.1f} MB ({rows:,} x {cols:,} nodes): corridor in {med['wall_s']:.1f} s "
          f"wall, {med['cpu_s']:.1f} s CPU, peak RSS {med['peak_rss_mb']:.0f} MB (median of "
          f"{len(runs)}; runs {[round(r['wall_s'], 1) for r in runs]}), "
          f"{med['vertices']:.0f} vertices")


if __name__ == "__main__":
    main()
