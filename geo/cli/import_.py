"""``routerisk import``: event datasets to the incidents table, boundary files to the layer.

``routerisk import acled|ucdp|mmp|csv SOURCE --out incidents.csv [--boundaries P] [--map P]``
writes the canonical incidents CSV and ``import_report.csv`` beside it (every source row not
written, with its reason), then prints a summary. ``routerisk import boundaries SRC [SRC …]
--out P`` writes a canonical boundaries layer. Exit codes: 0 done, 1 invalid input (one line
per problem, nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from geo._errors import InputWarning, UsageError
from geo.cli._common import add_boundary_column_arguments

__all__ = ["add_parser"]

FORMATS = ("acled", "ucdp", "mmp", "csv", "boundaries")


def add_parser(subparsers: Any) -> None:
    """Register ``import`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "import", help="turn an ACLED, UCDP GED, Missing Migrants or mapped CSV file into "
                       "routerisk incidents (or boundary files into a boundaries layer)",
        description="Read a dataset as downloaded and write the incidents CSV that "
                    "`routerisk build --incidents` reads, with import_report.csv beside it.")
    parser.add_argument("format", choices=FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(FORMATS)}")
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                        help="the file to import (boundaries: one or more files)")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--boundaries", type=Path, default=None,
                        help="boundaries layer: match admin1 names, place geo_precision 3 "
                             "points in their unit, flag rows outside coverage")
    parser.add_argument("--map", dest="mapping", type=Path, default=None, metavar="TOML",
                        help="mapping file: [columns] (csv), [types], [dates], [admin1], "
                             "[countries], [ids]")
    parser.add_argument("--countries", default=None, metavar="LIST",
                        help="keep only rows of these countries, comma-separated ISO2/ISO3 "
                             "codes or names (e.g. CD,RW); the others are listed in "
                             "import_report.csv")
    parser.add_argument("--problems", type=Path, metavar="FILE",
                        help="write every problem to this CSV when the source cannot be read "
                             "(the terminal shows at most ~20 lines)")
    add_boundary_column_arguments(parser)
    parser.set_defaults(func=run_import)


def _boundaries(path: Path | None, columns: dict[str, Any]) -> Any:
    if path is None:
        return None
    from geo.io import read_boundaries

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        layer = read_boundaries(path, **columns)
    for w in caught:
        print(f"warning: {w.message}")
    return layer


def _columns(args: argparse.Namespace) -> dict[str, Any]:
    return {"country_column": args.country_column, "admin1_column": args.admin1_column}


def _cmd_boundaries(args: argparse.Namespace) -> int:
    if args.mapping is not None or args.boundaries is not None or args.countries is not None:
        raise UsageError("import boundaries takes only SOURCE … and --out", field="--map")
    from geo.io.boundaries import import_boundaries

    print(import_boundaries(list(args.sources), args.out, **_columns(args)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import one dataset (or boundary files), print the summary; the exit code."""
    if args.format == "boundaries":
        return _cmd_boundaries(args)
    from geo.importers import (
        REPORT_FILE,
        country_codes,
        import_file,
        load_mapping,
        write_import,
    )

    if len(args.sources) != 1:
        raise UsageError(f"import {args.format} takes one SOURCE file", field="SOURCE")
    if args.format == "csv" and args.mapping is None:
        raise UsageError("import csv needs --map mapping.toml ([columns] names the source "
                         "columns)", field="--map")
    if args.out.name == REPORT_FILE:
        raise UsageError(f"{REPORT_FILE} is written beside --out; choose another name",
                         field="--out")
    mapping = load_mapping(args.mapping) if args.mapping is not None else None
    countries = None
    if args.countries is not None:
        try:
            countries = country_codes(args.countries,
                                      extra=mapping.countries if mapping is not None else None)
        except ValueError as exc:
            raise UsageError(str(exc), field="--countries") from None
    boundaries = _boundaries(args.boundaries, _columns(args))
    result = import_file(args.format, args.sources[0], boundaries=boundaries, mapping=mapping,
                         countries=countries)
    incidents, report = write_import(result, args.out)
    print(result.summary)
    print(f"wrote {incidents}")
    print(f"wrote {report}")
    return 0
