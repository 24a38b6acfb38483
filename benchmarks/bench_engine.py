"""The dask engine against the local one: pair search time with 1 and 2 workers.

Run: ``python benchmarks/bench_engine.py [--segments 5000] [--incidents 100000] [--repeat 3]``

Writes the road-like layers of ``bench_build.py``, reads and segments them once, then times
:func:`geo.engine.risk_field` with the local engine and with the dask engine on a
``distributed.LocalCluster`` of 1 and 2 worker processes (1 thread each; the cluster is started
before timing). Results are checked equal to the local engine (rtol 1e-9) before times are
reported. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_build import machine, write_layers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    from geo.engine import risk_field
    from geo.io import read_boundaries, read_corridors, read_incidents
    from geo.model.known import known_by
    from geo.risk import load_model
    from geo.segment import segment_corridors

    model = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        write_layers(Path(tmp), args.segments, args.incidents)
        b = read_boundaries(Path(tmp) / "boundaries.geojson")
        c = read_corridors(Path(tmp) / "corridors.geojson")
        i = read_incidents(Path(tmp) / "incidents.csv", boundaries=b, types=tuple(model.types))
    seg = segment_corridors(c, b, max_km=model.segment_km)
    as_of = known_by(i).max().item()
    rows = []

    def timed(label: str, **kw: object) -> None:
        times, dens = [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            field = risk_field(seg, i, model=model, **kw)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t)
            dens = field.density(as_of)
        rows.append((label, statistics.median(times), dens, field.n_pairs))

    timed("local")
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            timed(f"dask, {workers} worker{'s' if workers > 1 else ''}", engine="dask",
                  scheduler=client)
    ref = rows[0][2]
    print(f"Machine: {machine()}.\n")
    print(f"{len(seg):,} segments × {len(i):,} incidents, {rows[0][3]:,} pairs; "
          f"median of {args.repeat}\n")
    print("| engine | pair search s | equal to local (rtol 1e-9) |\n|---|---:|---|")
    for label, t, dens, _ in rows:
        same = bool(np.allclose(dens, ref, rtol=1e-9, atol=0))
        if not same:
            raise SystemExit(f"{label}: densities differ from the local engine")
        print(f"| {label} | {t:.2f} | {same} |")


if __name__ == "__main__":
    main()
