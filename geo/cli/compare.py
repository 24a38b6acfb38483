"""``routerisk compare``: the segments whose risk band rose or fell between two dates.

Writes ``changes.csv`` (one row per changed segment, with the incidents that caused the change)
and ``changes_map.html`` (a self-contained map: rose in red, fell in blue) into ``--out``,
all or nothing. ``--as-of`` does not apply (the two dates are ``--from`` and ``--to``) and is
rejected as a usage error rather than silently ignored.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geo._errors import UsageError
from geo.cli._common import (
    add_force_argument,
    add_input_arguments,
    add_publish_arguments,
    build_from_args,
    iso_date_arg,
    print_problems,
)

__all__ = ["add_parser"]

CHANGES_CSV = "changes.csv"
CHANGES_MAP = "changes_map.html"


def add_parser(subparsers: Any) -> None:
    """Register ``compare`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "compare", help="segments whose risk band rose or fell between two dates",
        description="List and map the corridor segments whose risk band differs between "
                    "--from and --to, with the incidents that caused each change.")
    add_input_arguments(parser)
    parser.add_argument("--from", dest="date_from", type=iso_date_arg, required=True,
                        metavar="YYYY-MM-DD", help="earlier date")
    parser.add_argument("--to", dest="date_to", type=iso_date_arg, metavar="YYYY-MM-DD",
                        help="later date (default: the day by which every incident is known)")
    parser.add_argument("--out", type=Path, default=Path("output"),
                        help=f"output folder for {CHANGES_CSV} and {CHANGES_MAP}")
    add_publish_arguments(parser, what="comparison (as build --public)")
    add_force_argument(parser)
    parser.add_argument("--top", type=int, default=3, metavar="N",
                        help="incidents listed per changed segment (default 3)")
    parser.set_defaults(func=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    """Compare the bands at ``--from`` and ``--to``, write the change files; the exit code."""
    if args.as_of is not None:
        raise UsageError("compare takes --from and --to; --as-of does not apply", field="--as-of")
    if args.top < 1:
        raise UsageError("must be at least 1", field="--top")
    if args.date_to is not None and args.date_from >= args.date_to:
        raise UsageError(f"--from {args.date_from} must be earlier than --to {args.date_to}",
                         field="--from")
    args.as_of = args.date_to  # score the build at the later date (None: latest incident)
    result = build_from_args(args, public=args.public)
    if args.date_from >= result.as_of:
        raise UsageError(f"--from {args.date_from} must be earlier than --to {result.as_of} "
                         "(the day by which every incident is known)", field="--from")
    print_problems(result.warnings, level="warning")
    comparison = result.compare(args.date_from, top_n=args.top)
    written = comparison.to_files(args.out, force=args.force)
    changes = comparison.changes
    rose = int((changes["change"] == "rose").sum())
    print(f"{len(changes)} of {len(result.segments)} segments changed band between "
          f"{args.date_from.isoformat()} and {result.as_of.isoformat()}: {rose} rose, "
          f"{len(changes) - rose} fell; {'PUBLIC' if args.public else 'restricted'} data")
    for path in written:
        print(f"wrote {path}")
    return 0
