"""Benchmark: ``routerisk import acled`` on a large ACLED-shaped CSV (lower-case 2023+ layout).

Run from the repository root::

    python benchmarks/bench_import.py                    # 1,000,000 rows, 3 repeats
    python benchmarks/bench_import.py --rows 100000 --repeat 5 --boundaries

The file is generated with invented values in the exact ACLED column layout (31 columns, notes
of about 150 characters, 30 countries, day/week/month precision, geo_precision 1–3) into a
temporary folder. Each repeat times reading + mapping (``read_acled``) and writing the incidents
CSV and report (``write_import``) separately; the table gives medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geo.importers import read_acled, write_import
from geo.importers._types import ACLED_TYPES
from geo.io import read_boundaries

HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
    "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
COUNTRIES = [("180", "Democratic Republic of Congo"), ("566", "Nigeria"), ("706", "Somalia"),
             ("729", "Sudan"), ("728", "South Sudan"), ("466", "Mali"), ("854", "Burkina Faso"),
             ("562", "Niger"), ("231", "Ethiopia"), ("404", "Kenya"), ("800", "Uganda"),
             ("140", "Central African Republic"), ("148", "Chad"), ("120", "Cameroon"),
             ("508", "Mozambique"), ("434", "Libya"), ("887", "Yemen"), ("760", "Syria"),
             ("368", "Iraq"), ("4", "Afghanistan"), ("586", "Pakistan"), ("104", "Myanmar"),
             ("608", "Philippines"), ("484", "Mexico"), ("170", "Colombia"), ("332", "Haiti"),
             ("804", "Ukraine"), ("643", "Russia"), ("0", "Kosovo"), ("384", "Ivory Coast")]


def make_file(path: Path, rows: int, seed: int = 1) -> None:
    """Write ``rows`` invented ACLED-shaped rows to ``path``."""
    rng = np.random.default_rng(seed)
    subs = np.array(list(ACLED_TYPES)[:25], dtype=object)
    cc = rng.integers(0, len(COUNTRIES), rows)
    days = rng.integers(0, 365 * 8, rows)
    dates = (np.datetime64("2016-01-01") + days.astype("timedelta64[D]")).astype(str)
    frame = pd.DataFrame(dict.fromkeys(HEADER, ""), index=range(rows))
    frame["event_id_cnty"] = np.char.add("EVT", np.arange(rows).astype(str))
    frame["event_date"] = dates
    frame["year"] = np.char.ljust(dates.astype(str), 4)
    frame["time_precision"] = rng.choice(["1", "1", "1", "2", "3"], rows)
    frame["disorder_type"] = "Political violence"
    frame["event_type"] = "Battles"
    frame["sub_event_type"] = subs[rng.integers(0, len(subs), rows)]
    frame["actor1"] = "Military Forces"
    frame["actor2"] = "Unidentified Armed Group"
    frame["iso"] = np.array([c[0] for c in COUNTRIES], dtype=object)[cc]
    frame["country"] = np.array([c[1] for c in COUNTRIES], dtype=object)[cc]
    frame["admin1"] = np.char.add("Province ", rng.integers(0, 20, rows).astype(str))
    frame["location"] = np.char.add("Town ", rng.integers(0, 5000, rows).astype(str))
    frame["latitude"] = np.round(rng.uniform(-30, 40, rows), 4)
    frame["longitude"] = np.round(rng.uniform(-20, 60, rows), 4)
    frame["geo_precision"] = rng.choice(["1", "1", "2", "3"], rows)
    frame["source"] = "Local media; National media"
    frame["source_scale"] = "National"
    frame["notes"] = ("On this date, armed men attacked a position near the town; the "
                      "number of casualties is unknown. Sources differ on the details, \"quoted\".")
    frame["fatalities"] = rng.integers(0, 10, rows).astype(str)
    frame["timestamp"] = "1700000000"
    frame.to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, default=None,
                        help="generated file to reuse (written here when it does not exist)")
    parser.add_argument("--boundaries", type=Path, default=None,
                        help="also match admin1 and place points in this boundaries layer")
    args = parser.parse_args()
    bounds = read_boundaries(args.boundaries) if args.boundaries else None
    with tempfile.TemporaryDirectory() as tmp:
        src = args.source or Path(tmp) / "acled.csv"
        started = time.perf_counter()
        if not src.exists():
            make_file(src, args.rows)
        size = src.stat().st_size / 1e6
        print(f"source {args.rows:,} rows, {size:.0f} MB in {time.perf_counter() - started:.1f} s")
        reads, writes, totals = [], [], []
        result = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = read_acled(src, boundaries=bounds)
            t1 = time.perf_counter()
            write_import(result, Path(tmp) / "out" / "incidents.csv")
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            writes.append(t2 - t1)
            totals.append(t2 - t0)
        assert result is not None
        print(f"| rows | file | read + map | write | total (median of {args.repeat}) |")
        print("|---|---|---|---|---|")
        print(f"| {args.rows:,} | {size:.0f} MB | {statistics.median(reads):.1f} s | "
              f"{statistics.median(writes):.1f} s | {statistics.median(totals):.1f} s |")
        print(f"written {len(result.incidents):,}, report rows {len(result.report):,}")


if __name__ == "__main__":
    main()
