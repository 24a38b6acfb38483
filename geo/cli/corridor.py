"""``routerisk corridor``: a corridor along the OSM network through waypoints, appended to a
corridors file.

The handler returns the exit code and raises routerisk's errors, which :func:`geo.cli.main`
prints as one line each (exit 1; a :class:`~geo._errors.UsageError` exits 2).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from geo import columns as C
from geo._errors import RouteriskError, UsageError
from geo.cli._common import non_negative, split_places

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``corridor`` on the CLI's subparsers."""
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
    corridor.add_argument("--max-snap-km", "--tolerance-km", dest="max_snap_km",
                          type=non_negative, default=1.0,
                          help="largest distance a waypoint may be moved onto the network; "
                               "farther is an error naming the distance (default 1)")
    corridor.add_argument("--into", type=Path, required=True, metavar="FILE",
                          help="corridors GeoJSON to append to (created if missing)")
    corridor.add_argument("--boundaries", type=Path,
                          help="boundaries file, to narrow place names by first-level unit")
    corridor.add_argument("--margin-km", dest="margin_km", type=non_negative, default=20.0,
                          help="with --osm: keep the ways this far around the waypoints' box "
                               "(default 20); the rest of the extract is never held in memory")
    corridor.add_argument("--max-osm-mb", dest="max_osm_mb", type=non_negative, default=None,
                          help="with --osm: largest size the extract may decompress to, in MB "
                               "(default 2048)")
    corridor.set_defaults(func=run_corridor)


def run_corridor(args: argparse.Namespace) -> int:
    """Build the corridor and append it to ``--into``; the exit code."""
    import pyproj
    import shapely

    from geo import network
    from geo.io import read_boundaries, read_corridors

    via = split_places(args.via, "--via")
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
