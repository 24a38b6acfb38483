"""Command-line wiring of ``routerisk corridor`` and ``routerisk route``.

``geo.cli`` calls :func:`add_parsers` with its subparsers; each handler returns the exit code and
raises routerisk's domain errors, which ``geo.cli.main`` prints as one line each (exit 1; a
:class:`~geo._errors.UsageError` exits 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import pyproj
import shapely

from geo import columns as C
from geo._errors import RouteriskError, UsageError

__all__ = ["add_parsers"]



def _split(text: str, flag: str) -> list[str]:
    items = [t.strip() for t in text.split(";")]
    if not all(items):
        raise UsageError(f"empty item in {text!r}; separate places with ';'", field=flag)
    return items


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def add_parsers(subparsers: Any) -> None:
    """Register the ``corridor`` and ``route`` subcommands on ``geo.cli``'s subparsers."""
    from geo import pipeline

    corridor = subparsers.add_parser(
        "corridor", help="build a corridor along the OSM road/rail network through waypoints "
                         "and append it to a corridors file",
        description="Follow the network of an OSM extract (or, with --download, of the "
                    "Overpass API) through the waypoints in order, and append the result to "
                    "the corridors file atomically, leaving the corridors already there "
                    "byte-for-byte untouched.")
    source = corridor.add_mutually_exclusive_group(required=True)
    source.add_argument("--osm", type=Path, metavar="FILE",
                        help="OSM extract: PBF (.osm.pbf) or XML (.osm, .osm.gz, .osm.bz2)")
    source.add_argument("--download", action="store_true",
                        help="download the network around the waypoints from the Overpass API "
                             "(needs the internet)")
    corridor.add_argument("--via", required=True, metavar="A;B;C",
                          help="waypoints in order, ';'-separated: place names ('Kunming, CN') "
                               "or 'lat,lon'")
    corridor.add_argument("--id", dest="corridor_id", required=True, help="new corridor_id")
    corridor.add_argument("--route", required=True, help="route family, e.g. 'Yunnan–Laos'")
    corridor.add_argument("--name", help="display name (default: the waypoints)")
    corridor.add_argument("--mode", default="road",
                          choices=("road", "rail", "foot", "mixed", "river", "sea"),
                          help="corridor mode (default road)")
    corridor.add_argument("--network-type", dest="network_type",
                          choices=("drive", "walk", "rail", "all"),
                          help="OSM ways to follow (default from --mode: road→drive, "
                               "rail→rail, foot→walk, mixed→all)")
    corridor.add_argument("--max-snap-km", "--tolerance-km", dest="max_snap_km", type=_positive,
                          default=1.0, help="largest distance a waypoint may be moved onto the "
                                            "network; farther is an error naming the distance "
                                            "(default 1)")
    corridor.add_argument("--into", type=Path, required=True, metavar="FILE",
                          help="corridors GeoJSON to append to (created if missing)")
    corridor.add_argument("--boundaries", type=Path,
                          help="boundaries file, to narrow place names by first-level unit")
    corridor.add_argument("--margin-km", dest="margin_km", type=_positive, default=20.0,
                          help="with --osm: keep the ways this far around the waypoints' box "
                               "(default 20); the rest of the extract is never held in memory")
    corridor.add_argument("--max-osm-mb", dest="max_osm_mb", type=_positive, default=None,
                          help="with --osm: largest size the extract may decompress to, in MB "
                               "(default 2048)")
    corridor.set_defaults(func=_cmd_corridor)

    route = subparsers.add_parser(
        "route", help="least-risk and shortest path from a place to the nearest of others",
        description="Score the segments, then find the least-risk path (by exposure, plus "
                    "--per-km times length) and the shortest path from --from to whichever "
                    "of the --to places is cheapest to reach.")
    pipeline.add_input_arguments(route)
    route.add_argument("--from", dest="origin", required=True, metavar="X",
                       help="origin: a place name or 'lat,lon'")
    route.add_argument("--to", dest="destinations", required=True, metavar="Y;Z",
                       help="destinations, ';'-separated; the path ends at the cheapest")
    route.add_argument("--per-km", dest="per_km", type=_positive, default=0.0,
                       help="cost per km added to exposure (default 0: exposure alone)")
    route.add_argument("--tolerance-m", dest="tolerance_m", type=_positive, default=500.0,
                       help="segment ends closer than this meet (default 500 m)")
    route.add_argument("--snap-km", dest="snap_km", type=_positive, default=50.0,
                       help="largest distance from a place to a segment end (default 50 km)")
    route.add_argument("--out", type=Path,
                       help="write paths.geojson and route_map.html (the risk map with both "
                            "paths highlighted) into this folder")
    route.set_defaults(func=_cmd_route)


def _cmd_corridor(args: argparse.Namespace) -> int:
    from geo import network
    from geo.io import read_boundaries, read_corridors

    via = _split(args.via, "--via")
    if len(via) < 2:
        raise UsageError("--via needs at least two waypoints separated by ';'", field="--via")
    boundaries = read_boundaries(args.boundaries) if args.boundaries else None
    _check_target(args.into)  # fail before the (slow) network work, not after it
    if args.into.exists():
        taken = read_corridors(args.into)[C.CORRIDOR_ID].tolist()
        if args.corridor_id in taken:
            raise RouteriskError(f"corridor id {args.corridor_id!r} is already in the file "
                                 f"(feature {taken.index(args.corridor_id) + 1})",
                                 file=str(args.into), field=C.CORRIDOR_ID)
    common = {"corridor_id": args.corridor_id, "route": args.route, "name": args.name,
              "mode": args.mode, "network_type": args.network_type,
              "max_snap_km": args.max_snap_km, "boundaries": boundaries}
    if args.download:
        corridor = network.corridor_from_download(via, **common)
    else:
        corridor = network.corridor_from_osm(args.osm, via, margin_km=args.margin_km,
                                             max_mb=args.max_osm_mb, **common)
    network.append_corridor(corridor, args.into)
    km = pyproj.Geod(ellps="WGS84").geometry_length(corridor.geometry.iloc[0]) / 1000.0
    snaps = corridor.attrs.get("snap_km", [])
    moved = (f"; waypoints moved onto the network by up to {max(snaps):.2f} km"
             if snaps and max(snaps) >= 0.01 else "")
    print(f"appended corridor {args.corridor_id} ({km:.1f} km through {len(via)} waypoints, "
          f"{len(shapely.get_coordinates(corridor.geometry.iloc[0]))} vertices{moved}) to "
          f"{args.into}")
    return 0


def _check_target(into: Path) -> None:
    """The corridors file can be appended to: GeoJSON, a file, writable, in a writable folder
    (the new file replaces it atomically)."""
    if into.suffix.lower() not in {".geojson", ".json"}:
        raise RouteriskError("corridors can only be appended to a GeoJSON file (.geojson)",
                             file=str(into))
    folder = into.parent if str(into.parent) else Path(".")
    if into.exists() and not into.is_file():
        raise RouteriskError("not a file", file=str(into))
    if not folder.is_dir():
        raise RouteriskError(f"the folder {str(folder)!r} does not exist", file=str(into))
    if into.exists() and not os.access(into, os.R_OK | os.W_OK):
        raise RouteriskError("the file is not writable", file=str(into))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RouteriskError(f"the folder {str(folder)!r} is not writable", file=str(into))


def _cmd_route(args: argparse.Namespace) -> int:
    from geo._cli_common import build_from_args

    origin_text = args.origin.strip()
    dest_texts = _split(args.destinations, "--to")
    result = build_from_args(args)
    for problem in result.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    found = result.route(origin_text, dest_texts, per_km=args.per_km,
                         tolerance_m=args.tolerance_m, snap_km=args.snap_km)
    print(f"as of {result.as_of.isoformat()}, from {origin_text} to "
          f"{' or '.join(dest_texts)}" + (f", {args.per_km:g} per km" if args.per_km else ""))
    print(f"{'kind':<11} {'to':<16} {'length_km':>9} {'exposure':>8}  corridors")
    for row in found.paths.itertuples(index=False):
        print(f"{row.kind:<11} {row.destination:<16} {row.length_km:>9.1f} "
              f"{row.exposure:>8.3f}  {row.corridor_ids}")
    if args.out:
        for path in found.to_files(args.out):
            print(f"wrote {path}")
    return 0
