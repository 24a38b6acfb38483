"""Reading speed: ``read_incidents`` on large incident tables.

Run: ``python benchmarks/bench_io.py [--sizes 100000,1000000] [--repeats 3] [--notes-bytes N]
[--formats csv,parquet] [--no-errors]``

* A CSV of N incidents is generated once per size (seeded): ids ``BENCH-<n>``, dates of mixed
  precision (70 % ``YYYY-MM-DD``, 20 % ``YYYY-MM``, 10 % ``YYYY``), the model's types, lat/lon
  inside the bundled boundaries (China and its neighbours), a count, a source name and URL, a
  quality, a visibility and short notes; 1 row in 1,000 carries an error (an impossible date,
  an unknown type, a latitude out of range) so that the precise per-row path is exercised and
  every error is still reported. Each size is run once without and once with those errors
  (``--no-errors``: without only). ``--notes-bytes N`` makes every row's notes N characters long
  (1,900 gives a CSV of about 2 GB at 1,000,000 rows). ``--formats csv,parquet`` also writes the
  same table as Parquet (typed columns: floats for lat/lon, integers for count and quality) and
  reads that.
* Each repeat reads the file in a fresh child process (``read_incidents`` with the bundled
  boundaries, as ``build`` does) and reports the wall time of the call and the child's peak
  resident set size, and its CPU time (user + system: less sensitive than the wall time to
  other jobs on a shared machine); the table gives medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["arrest", "broker_detention", "repatriation", "crackdown", "checkpoint", "transit"]

CHILD = r"""
import json, resource, sys, time, warnings
from datetime import date
from geo._errors import ValidationError
from geo.io import read_boundaries, read_incidents
b = read_boundaries(sys.argv[2])
warnings.simplefilter("ignore")
t = time.perf_counter()
u = resource.getrusage(resource.RUSAGE_SELF)
try:
    out = read_incidents(sys.argv[1], boundaries=b, today=date(2025, 1, 1))
    rows, problems = len(out), 0
except ValidationError as exc:
    rows, problems = -1, len(exc.problems)
seconds = time.perf_counter() - t
v = resource.getrusage(resource.RUSAGE_SELF)
cpu = v.ru_utime - u.ru_utime + v.ru_stime - u.ru_stime
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "problems": problems,
                  "rss_mb": rss}))
"""


def make_csv(path: Path, n: int, *, seed: int = 0, errors: bool = True,
             notes_bytes: int = 0) -> int:
    """Write ``n`` incident rows to ``path`` (CSV, or Parquet for a ``.parquet`` path); returns
    how many rows carry an error."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(3, size=n, p=[0.7, 0.2, 0.1])
    year = rng.integers(2005, 2024, size=n)
    month = rng.integers(1, 13, size=n)
    day = rng.integers(1, 29, size=n)
    dates = np.where(
        kind == 0,
        pd.Series(year).astype(str) + "-" + pd.Series(month).map("{:02d}".format) + "-"
        + pd.Series(day).map("{:02d}".format),
        np.where(kind == 1, pd.Series(year).astype(str) + "-"
                 + pd.Series(month).map("{:02d}".format), pd.Series(year).astype(str)),
    )
    # points in southern China (Yunnan/Guangxi/Guangdong), inside the bundled boundaries
    lat = np.round(rng.uniform(22.5, 26.0, size=n), 5)
    lon = np.round(rng.uniform(100.0, 112.0, size=n), 5)
    frame = pd.DataFrame({
        "incident_id": [f"BENCH-{i}" for i in range(n)],
        "date": dates,
        "type": rng.choice(TYPES, size=n),
        "lat": lat.astype(str),
        "lon": lon.astype(str),
        "count": rng.integers(1, 50, size=n).astype(str),
        "source_name": "Synthetic wire report",
        "source_url": "https://example.org/report",
        "source_quality": rng.integers(1, 6, size=n).astype(str),
        "notes": ("generated for the reading benchmark; " * (notes_bytes // 38 + 1))[:notes_bytes]
        if notes_bytes else "generated for the reading benchmark",
        "visibility": rng.choice(["public", "restricted"], size=n),
    })
    bad = 0
    if errors:
        idx = np.arange(500, n, 1000)
        frame.loc[idx[0::3], "date"] = "2019-02-30"
        frame.loc[idx[1::3], "type"] = "teleport"
        frame.loc[idx[2::3], "lat"] = "123.5"
        bad = len(idx)
    if path.suffix == ".parquet":
        typed = frame.assign(lat=pd.to_numeric(frame["lat"], errors="coerce"),
                             lon=pd.to_numeric(frame["lon"], errors="coerce"),
                             count=frame["count"].astype("int64"),
                             source_quality=frame["source_quality"].astype("int64"))
        typed.to_parquet(path, index=False, row_group_size=100_000)
    else:
        frame.to_csv(path, index=False)
    return bad


def run_once(csv: Path) -> dict[str, float]:
    boundaries = ROOT / "geo" / "datasets" / "boundaries.geojson"
    out = subprocess.run([sys.executable, "-c", CHILD, str(csv), str(boundaries)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notes-bytes", type=int, default=0)
    parser.add_argument("--formats", default="csv")
    parser.add_argument("--no-errors", action="store_true")
    args = parser.parse_args()
    print("| rows | format | file MB | rows with an error | rows read | problems reported "
          "| median s | runs (s) | median CPU s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---|---:|---:|")
    cases = [(int(s), fmt, errors) for s in args.sizes.split(",")
             for fmt in args.formats.split(",")
             for errors in ((False,) if args.no_errors else (False, True))]
    for n, fmt, errors in cases:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"incidents.{fmt}"
            bad = make_csv(path, n, errors=errors, notes_bytes=args.notes_bytes)
            runs = [run_once(path) for _ in range(args.repeats)]
            secs = [r["seconds"] for r in runs]
            rows = max(runs[0]["rows"], 0)
            print(f"| {n:,} | {fmt} | {path.stat().st_size / 1e6:.0f} | {bad:,} | {rows:,} "
                  f"| {runs[0]['problems']:,} | {statistics.median(secs):.1f} "
                  f"| {', '.join(f'{s:.1f}' for s in secs)} "
                  f"| {statistics.median(r['cpu'] for r in runs):.1f} "
                  f"| {statistics.median(r['rss_mb'] for r in runs):.0f} |", flush=True)


if __name__ == "__main__":
    main()
