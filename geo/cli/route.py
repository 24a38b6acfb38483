"""``routerisk route``: the least-risk and the shortest path from a place to the nearest of
others, on the scored segments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geo.cli._common import (
    add_force_argument,
    add_input_arguments,
    add_publish_arguments,
    build_from_args,
    non_negative,
    print_problems,
    split_places,
)

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``route`` on the CLI's subparsers."""
    route = subparsers.add_parser(
        "route", help="least-risk and shortest path from a place to the nearest of others",
        description="Score the segments, then find the least-risk path (by exposure, plus "
                    "--per-km times length) and the shortest path from --from to whichever "
                    "of the --to places is cheapest to reach.")
    add_input_arguments(route)
    route.add_argument("--from", dest="origin", required=True, metavar="X",
                       help="origin: a place name or 'lat,lon'")
    route.add_argument("--to", dest="destinations", required=True, metavar="Y;Z",
                       help="destinations, ';'-separated; the path ends at the cheapest")
    route.add_argument("--per-km", dest="per_km", type=non_negative, default=0.0,
                       help="cost per km added to exposure (default 0: exposure alone)")
    route.add_argument("--tolerance-m", dest="tolerance_m", type=non_negative, default=500.0,
                       help="segment ends closer than this meet (default 500 m)")
    route.add_argument("--snap-km", dest="snap_km", type=non_negative, default=50.0,
                       help="largest distance from a place to a segment end (default 50 km)")
    route.add_argument("--out", type=Path,
                       help="write paths.geojson and route_map.html (the risk map with both "
                            "paths highlighted) into this folder")
    add_publish_arguments(route, what="route (as build --public)")
    add_force_argument(route)
    route.set_defaults(func=run_route)


def run_route(args: argparse.Namespace) -> int:
    """Score, find both paths, print them (and write them with ``--out``); the exit code."""
    origin_text = args.origin.strip()
    dest_texts = split_places(args.destinations, "--to")
    result = build_from_args(args, public=args.public)
    print_problems(result.warnings, level="warning")
    found = result.route(origin_text, dest_texts, per_km=args.per_km,
                         tolerance_m=args.tolerance_m, snap_km=args.snap_km)
    print(f"as of {result.as_of.isoformat()}, from {origin_text} to "
          f"{' or '.join(dest_texts)}" + (f", {args.per_km:g} per km" if args.per_km else "")
          + f"; {'PUBLIC' if args.public else 'RESTRICTED'} data")
    print(f"{'kind':<11} {'to':<16} {'length_km':>9} {'exposure':>8}  corridors")
    for row in found.paths.itertuples(index=False):
        print(f"{row.kind:<11} {row.destination:<16} {row.length_km:>9.1f} "
              f"{row.exposure:>8.3f}  {row.corridor_ids}")
    if args.out:
        for path in found.to_files(args.out, force=args.force):
            print(f"wrote {path}")
    return 0
