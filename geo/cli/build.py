"""``routerisk build``: score the segments and write the maps and tables into ``--out``."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from geo.cli._common import (
    add_force_argument,
    add_input_arguments,
    add_publish_arguments,
    build_from_args,
    print_outside,
    print_problems,
    print_read_as,
)
from geo.pipeline import PROBLEMS_FILE

__all__ = ["add_parser"]

log = logging.getLogger("geo.cli")


def add_parser(subparsers: Any) -> None:
    """Register ``build`` on the CLI's subparsers."""
    from geo.export import STATIC_FORMATS

    build = subparsers.add_parser("build", help="score segments and write maps and tables")
    add_input_arguments(build)
    build.add_argument("--out", type=Path, default=Path("output"), help="output folder")
    add_publish_arguments(build)
    add_force_argument(build)
    build.add_argument("--write-id-map", dest="write_id_map", action="store_true",
                       help="restricted builds: also write public_id_map.csv (original id -> "
                            "public id) for your organisation's own use")
    build.add_argument("--tiles", action="append", metavar="NAME",
                       help="add an online basemap by its xyzservices name (e.g. "
                            "OpenStreetMap); repeatable; the map then needs the network for "
                            "those tiles")
    build.add_argument("--context-osm", dest="context_osm", type=Path, metavar="FILE",
                       help="an OpenStreetMap extract (.osm.pbf, .osm) whose main roads, "
                            "railways and place names are added to the maps' offline basemap")
    build.add_argument("--formats", default=",".join(STATIC_FORMATS),
                       help="static map formats, comma-separated (png,svg,pdf) or '' for none")
    build.add_argument("--geoparquet", action="store_true",
                       help="also write segments.parquet and incidents.parquet (GeoParquet), "
                            "for large networks")
    build.add_argument("--map-folder", dest="map_folder", action="store_true",
                       help="write the interactive map's data as .js files in "
                            "route_risk_map_files/ beside the page (always done above 50 MB); "
                            "copy the page and the folder together")
    build.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="where incidents are matched to segments: this process (local) or "
                            "a dask.distributed cluster (dask)")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --engine dask: scheduler address, e.g. tcp://host:8786 "
                            "(default: a local cluster of 2 workers)")
    build.add_argument("-q", "--quiet", action="store_true",
                       help="no progress lines or bars on stderr")
    build.set_defaults(func=run_build)


def run_build(args: argparse.Namespace) -> int:
    """Score, write every output into ``args.out``, print a summary; the exit code."""
    from geo._arguments import check_formats as _check_formats

    started = time.perf_counter()
    formats = _check_formats(args.formats.split(",") if args.formats else ())
    result = build_from_args(args, public=args.public)
    written = result.to_files(args.out, formats=formats, tiles=args.tiles or (),
                              geoparquet=args.geoparquet,
                              map_folder=True if args.map_folder else None, force=args.force)
    # the full list is the build's problems.csv (and --problems FILE when given)
    print_problems(result.warnings, level="warning", full_list=args.problems,
                   written=args.out / PROBLEMS_FILE)
    print_outside(result)
    bands = result.segments["risk_band"].value_counts().sort_index().to_dict()
    print_read_as(result.boundaries)
    print(f"as of {result.as_of.isoformat()}: {len(result.segments)} segments on "
          f"{len(result.corridors)} corridors, bands "
          f"{', '.join(f'{k}:{v}' for k, v in bands.items())}; "
          f"{'PUBLIC' if args.public else 'restricted'} build")
    if result.forecast is not None:
        print(result.forecast.summary())
    if result.fit is not None:
        print(result.fit.describe())
    for path in written:
        print(f"wrote {path}")
    log.info("build took %.2f s", time.perf_counter() - started)
    return 0
