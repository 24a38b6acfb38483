"""Command line: ``routerisk build | validate | compare | route | corridor``.

This module only wires the stages together. Exit codes: 0 done, 1 invalid input (one line per
problem, nothing in ``--out`` changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from geo import __version__
from geo._cli_common import build_from_args, flag, option_flag
from geo._errors import Problem, RouteriskError, UsageError

__all__ = ["main"]

log = logging.getLogger("geo")


#: Problem fields that name a keyword of a Python call rather than a column of a file.
_KEYWORD_FIELDS = frozenset({"waypoints", "destinations", "from_", "to", "network_type"})


def _print_problems(problems: Sequence[Problem], *, level: str = "error") -> None:
    """One line per problem; a keyword the library names (``repair=True``) becomes its flag."""
    prefix = "warning: " if level == "warning" else ""
    for p in problems:
        if p.field in _KEYWORD_FIELDS:  # a keyword of the Python call: show its flag
            p = dataclasses.replace(p, field=flag(p.field))
        line = str(dataclasses.replace(p, option="")) if p.option else str(p)
        if p.option:
            line += f" ({option_flag(p.option)})"
        print(f"{prefix}{line}", file=sys.stderr)


class _CurrentStderr(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is when a record is emitted.

    ``main`` may run many times in one process (tests, notebooks) with ``sys.stderr`` replaced
    in between; a handler bound to the first stream would write to a closed file later.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def _setup_progress(args: argparse.Namespace) -> None:
    """One line per stage on stderr on a terminal or with ``-v`` (a bar too on a terminal).

    ``--quiet`` silences both. Without a terminal and without ``-v``, stderr holds only
    warnings and errors, one line each, so scripts can read them.
    """
    from geo import settings
    from geo._progress import log as progress_log

    quiet = getattr(args, "quiet", False)
    show = (sys.stderr.isatty() or getattr(args, "verbose", False)) and not quiet
    settings.PROGRESS_BARS = sys.stderr.isatty() and not quiet
    if not any(isinstance(h, _CurrentStderr) for h in progress_log.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("routerisk: %(message)s"))
        progress_log.addHandler(handler)
        progress_log.propagate = False
    progress_log.setLevel(logging.INFO if show else logging.WARNING)


def _print_read_as(boundaries: object) -> None:
    """Say what a boundary file in a published layout (GADM …) or several files were read as."""
    attrs = getattr(boundaries, "attrs", {})
    if attrs.get("format", "routerisk") != "routerisk":
        print(f"boundaries read as {attrs['read_as']}")


def _cmd_validate(args: argparse.Namespace) -> int:
    result = build_from_args(args)
    _print_problems(result.warnings, level="warning")
    _print_read_as(result.boundaries)
    counts = result.fate["status"].value_counts().to_dict()
    print(
        f"ok: {len(result.boundaries)} boundary units, {len(result.corridors)} corridors "
        f"({len(result.segments)} segments), {len(result.fate)} incidents "
        f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}) as of "
        f"{result.as_of.isoformat()}"
    )
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from geo.api import _check_formats

    started = time.perf_counter()
    formats = _check_formats(args.formats.split(",") if args.formats else ())
    _setup_progress(args)
    result = build_from_args(args, public=args.public)
    _print_problems(result.warnings, level="warning")
    written = result.to_files(args.out, formats=formats, tiles=args.tiles or (),
                              geoparquet=args.geoparquet,
                              map_folder=True if args.map_folder else None)
    bands = result.segments["risk_band"].value_counts().sort_index().to_dict()
    _print_read_as(result.boundaries)
    print(f"as of {result.as_of.isoformat()}: {len(result.segments)} segments on "
          f"{len(result.corridors)} corridors, bands "
          f"{', '.join(f'{k}:{v}' for k, v in bands.items())}; "
          f"{'PUBLIC' if args.public else 'restricted'} build")
    for path in written:
        print(f"wrote {path}")
    log.info("build took %.2f s", time.perf_counter() - started)
    return 0


def _parser() -> argparse.ArgumentParser:
    from geo import pipeline
    from geo.export import STATIC_FORMATS

    parser = argparse.ArgumentParser(
        prog="routerisk",
        description="Risk scores on corridor segments from boundaries, corridors and dated "
                    "incidents, as offline maps and tables.",
    )
    parser.add_argument("--version", action="version", version=f"routerisk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="score segments and write maps and tables")
    pipeline.add_input_arguments(build)
    build.add_argument("--out", type=Path, default=Path("output"), help="output folder")
    build.add_argument("--public", action="store_true",
                       help="publishable build: locations generalised to the first-level unit, "
                            "dates to the month, no notes/URLs/restricted rows, small counts "
                            "suppressed; writes public_manifest.json")
    build.add_argument("--min-count", dest="min_count", type=int, default=None,
                       help="with --public: suppress incidents whose count is below this")
    build.add_argument("--id-key", dest="id_key", type=Path, metavar="FILE",
                       help="secret key of public incident ids (made on first use; default "
                            "~/.config/routerisk/public-id.key); keep it outside every output "
                            "folder")
    build.add_argument("--write-id-map", dest="write_id_map", action="store_true",
                       help="restricted builds: also write public_id_map.csv (original id -> "
                            "public id) for your organisation's own use")
    build.add_argument("--tiles", action="append", metavar="NAME",
                       help="add an online basemap by its xyzservices name (e.g. "
                            "OpenStreetMap); repeatable; the map then needs the network for "
                            "those tiles")
    build.add_argument("--context-osm", dest="context_osm", type=Path, metavar="FILE",
                       help="an OpenStreetMap extract (.osm.pbf, .osm) whose main roads and "
                            "place names are added to the maps' offline basemap")
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
    build.set_defaults(func=_cmd_build)

    validate = sub.add_parser("validate", help="check the inputs and print every problem")
    pipeline.add_input_arguments(validate)
    validate.set_defaults(func=_cmd_validate)

    for module in ("geo._cli_compare", "geo._cli_network", "geo._cli_evaluate",
                   "geo._cli_import"):
        try:
            mod = __import__(module, fromlist=["add_parsers"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv
        The arguments after ``routerisk``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 done, 1 invalid input, 2 usage error.

    Examples
    --------
    >>> main(["validate", "--as-of", "2024-06-01"])  # doctest: +ELLIPSIS
    ok: ... as of 2024-06-01
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    # -v: routerisk's own messages; the libraries' (fontTools, numba, dask) stay at warnings
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    log.setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        return int(args.func(args))
    except UsageError as exc:
        where = "" if exc.problem.field == "-" else f"{flag(exc.problem.field)}: "
        print(f"routerisk: usage error: {where}{exc.problem.message}", file=sys.stderr)
        return 2
    except RouteriskError as exc:
        _print_problems(exc.problems)
        print(f"routerisk: {len(exc.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"routerisk: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("routerisk: interrupted; nothing written", file=sys.stderr)
        return 130


def run() -> None:
    """The ``routerisk`` command: :func:`main`, then exit with its code.

    The process ends here: its objects are left to the operating system rather than to a last
    garbage collection over all of them at interpreter exit (about 0.3 s after a build); exit
    handlers still run. (:func:`main` itself never does this: it may be called many times in
    one process.)
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
