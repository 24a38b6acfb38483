"""``routerisk extract``: propose incidents from news texts, with a review page beside them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geo._errors import UsageError

__all__ = ["add_parser", "run_extract"]


def add_parser(subparsers: Any) -> None:
    """Register ``extract`` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "extract", help="propose dated, located incidents from news texts, for review",
        description="Read texts (.txt .md .html .pdf, or a .csv/.xlsx table with one text per "
                    "row) and write proposed incidents (status 'proposed', with the evidence "
                    "sentence, offsets, confidence and why) as an incidents CSV that build "
                    "reads as it is, and review.html beside it.")
    p.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="text files or tables")
    p.add_argument("--out", type=Path, required=True, help="proposed incidents CSV to write")
    p.add_argument("--published", metavar="DATE",
                   help="publication date of the documents (YYYY-MM-DD, YYYY-MM or YYYY)")
    p.add_argument("--country", action="append", default=[], metavar="CC",
                   help="look for places in this country only (ISO alpha-2; repeatable)")
    p.add_argument("--boundaries", type=Path, help="boundaries whose first-level units are "
                   "recognised (default: the bundled layer)")
    p.add_argument("--config", action="append", type=Path, default=[], metavar="P",
                   help="risk model TOML with more [types.NAME] cues (repeatable)")
    p.add_argument("--text-column", dest="text_column", metavar="C", help="table: text column")
    p.add_argument("--id-column", dest="id_column", metavar="C", help="table: id column")
    p.add_argument("--date-column", dest="date_column", metavar="C",
                   help="table: publication date column")
    p.add_argument("--no-review", dest="review", action="store_false",
                   help="do not write review.html")
    p.set_defaults(func=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    """Propose incidents, write the CSV (whole, then moved in place) and the review page."""
    from geo.extract import extract

    if args.out.suffix.lower() != ".csv":
        raise UsageError(f"{args.out}: the proposals are written as CSV (.csv)", field="out")
    countries = [c for item in args.country for c in item.upper().split(",") if c]
    result = extract(args.sources, published=args.published, countries=countries,
                     boundaries=args.boundaries, text_column=args.text_column,
                     id_column=args.id_column, date_column=args.date_column,
                     config=args.config or None)
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".part")
    result.to_csv(tmp)
    tmp.replace(args.out)
    print(f"{len(result.proposals)} proposed incident(s) from {result.documents} document(s); "
          f"wrote {args.out}")
    if args.review:
        page = result.review(args.out.with_name("review.html"))
        print(f"wrote {page}")
    return 0
