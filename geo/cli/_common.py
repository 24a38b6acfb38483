"""What the command modules share: the input flags, turning them into a :func:`geo.build`,
printing problems, and the logging of one command.

Library errors name the keyword of the Python call (``as_of``); :func:`flag` turns it back into
the flag (``--as-of``) when the command line prints the error.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo._errors import Problem, UsageError

if TYPE_CHECKING:
    from geo.api import Build

__all__ = ["FLAGS", "PROBLEMS_HELP", "add_boundary_column_arguments", "add_force_argument",
           "add_input_arguments", "add_publish_arguments", "build_from_args", "flag",
           "iso_date_arg", "non_negative", "option_flag", "print_outside", "print_problems",
           "print_read_as", "routerisk_logging", "split_places"]

#: Keyword of the Python API → flag of the command line, where they differ in more than
#: ``_`` → ``-``.
FLAGS = {"from_": "--from", "date_from": "--from", "date_to": "--to", "top_n": "--top",
         "to": "--to", "destinations": "--to", "waypoints": "--via", "corridor_id": "--id"}

#: Help of ``--problems FILE`` (every command that reads inputs).
PROBLEMS_HELP = ("write every problem (file, location, field, message) to this CSV; the "
                 "terminal shows at most ~20 lines, grouped by kind")

#: Problem fields that name a keyword of a Python call rather than a column of a file.
_KEYWORD_FIELDS = frozenset({"waypoints", "destinations", "from_", "to", "network_type"})


def flag(name: str) -> str:
    """The command-line flag for a keyword of the Python API (unchanged if it is not one).

    >>> flag("as_of"), flag("from_"), flag("--via"), flag("-")
    ('--as-of', '--from', '--via', '-')
    """
    if name in FLAGS:
        return FLAGS[name]
    if name.isidentifier():
        return "--" + name.replace("_", "-")
    return name


def option_flag(option: str) -> str:
    """The command-line form of a keyword setting named in a library message.

    >>> option_flag("repair=True"), option_flag("encoding='utf-16'"), option_flag("encoding")
    ('--repair', '--encoding utf-16', '--encoding')
    """
    name, _, value = option.partition("=")
    value = value.strip("'\"")
    if value in ("", "True"):
        return flag(name)
    return f"{flag(name)} {value}"


def split_places(text: str, flag: str) -> list[str]:
    """The ``;``-separated places of a flag such as ``--via``; an empty one is a usage error.

    >>> split_places("Kunming, CN; 21.0,105.8", "--via")
    ['Kunming, CN', '21.0,105.8']
    """
    items = [t.strip() for t in text.split(";")]
    if not all(items):
        raise UsageError(f"empty item in {text!r}; separate places with ';'", field=flag)
    return items


def non_negative(text: str) -> float:
    """An argparse type: a finite number >= 0.

    >>> non_negative("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _as_typed(p: Problem) -> Problem:
    """The problem as the command line says it: keywords of the Python call as their flags."""
    if p.field in _KEYWORD_FIELDS:
        p = dataclasses.replace(p, field=flag(p.field))
    if p.option:
        p = dataclasses.replace(p, option=option_flag(p.option))
    return p


def print_problems(problems: Sequence[Problem], *, level: str = "error",
                   full_list: Path | None = None, written: Path | None = None) -> None:
    """Every problem on stderr when there are few; else at most ~20 lines grouped by kind
    (count, an example and the fix of each) and where the full list is: written to
    ``full_list`` when given (``--problems``), or ``written`` (a file already holding them)."""
    from geo._problems import summary_lines, write_problems

    prefix = "warning: " if level == "warning" else ""
    typed = [_as_typed(p) for p in problems]
    where = ""
    if full_list is not None and typed:
        where = str(write_problems(typed, full_list))
    elif written is not None and typed:
        where = str(written)
    elif len(typed) > 20:
        where = "not written; add --problems FILE to write every one"
    for line in summary_lines(typed, full_list=where):
        print(f"{prefix}{line}", file=sys.stderr)


def print_outside(result: Build) -> None:
    """One line on the incidents outside the boundaries: kept, counted, and what to do."""
    fate, incidents = result.fate, result.incidents
    outside = fate[fate["status"] == "outside_coverage"]
    if not len(outside):
        return
    named = incidents.loc[incidents["status"] == "outside_coverage", "country"]
    counted = outside["incident_id"] == ""  # a public build gives them as one count
    n = int((~counted).sum()) + sum(int(r.split()[0]) for r in outside.loc[counted, "reason"])
    countries = named[named != ""].nunique()
    where = f" from {countries} countr{'ies' if countries != 1 else 'y'}" if countries else ""
    print(f"{n:,} incident{'s' if n != 1 else ''}{where} {'are' if n != 1 else 'is'} outside "
          "your boundaries: kept as outside_coverage in incidents_fate.csv, not scored; add "
          "those countries' boundaries or use `routerisk import --countries`")


def print_read_as(boundaries: object) -> None:
    """Say what a boundary file in a published layout (GADM …) or several files were read as."""
    attrs = getattr(boundaries, "attrs", {})
    if attrs.get("format", "routerisk") != "routerisk":
        print(f"boundaries read as {attrs['read_as']}")


def iso_date_arg(text: str) -> date:
    """An argparse type: a ``YYYY-MM-DD`` date, or a usage error naming the text.

    >>> iso_date_arg("2024-06-01")
    datetime.date(2024, 6, 1)
    """
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--layers --boundaries --corridors --incidents --config --as-of --encoding
    --repair --strict`` to a (sub)command's parser.

    >>> parser = argparse.ArgumentParser()
    >>> add_input_arguments(parser)
    >>> parser.parse_args(["--as-of", "2024-06-01"]).as_of
    datetime.date(2024, 6, 1)
    """
    parser.add_argument("--layers", type=Path, help="folder holding boundaries.geojson, "
                        "corridors.geojson and incidents.csv (default: the bundled layers)")
    parser.add_argument("--boundaries", type=Path, action="append",
                        help="boundaries file (overrides --layers): routerisk, GADM, "
                             "geoBoundaries or Natural Earth; repeat it to merge a country "
                             "layer and a province layer")
    parser.add_argument("--corridors", type=Path, help="corridors file (overrides --layers)")
    parser.add_argument("--incidents", type=Path, help="incidents CSV, GeoJSON or (Geo)Parquet")
    parser.add_argument("--config", type=Path, help="risk model TOML (default: packaged)")
    parser.add_argument("--as-of", dest="as_of", type=iso_date_arg, metavar="YYYY-MM-DD",
                        help="score as of this date (default: the day by which every "
                        "incident is known)")
    parser.add_argument("--encoding", help="text encoding of a non-UTF-8 incidents CSV")
    parser.add_argument("--repair", action="store_true",
                        help="repair invalid boundary polygons (logged) instead of failing")
    add_boundary_column_arguments(parser)
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (such as a corridor running outside every "
                             "boundary polygon) as errors")
    parser.add_argument("--problems", type=Path, metavar="FILE", help=PROBLEMS_HELP)


def add_publish_arguments(parser: argparse.ArgumentParser, *, what: str = "build") -> None:
    """``--public``, ``--min-count`` and ``--id-key``: the same publication rules for every
    command that can publish (``build``, ``compare``, ``route``)."""
    parser.add_argument("--public", action="store_true",
                        help=f"publishable {what}: locations generalised to the first-level "
                             "unit, dates to the month, no notes/URLs/restricted rows, small "
                             "counts suppressed; writes public_manifest.json")
    parser.add_argument("--min-count", dest="min_count", type=int, default=None,
                        help="with --public: withhold counts below this (default 5; the "
                             "threshold is recorded in public_manifest.json: publish every "
                             "output of one release with the same threshold)")
    parser.add_argument("--id-key", dest="id_key", type=Path, metavar="FILE",
                        help="secret key of public incident ids (made on first use; default "
                             "~/.config/routerisk/public-id.key); keep it outside every output "
                             "folder")


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """``--force``: replace files in ``--out`` that routerisk did not write."""
    parser.add_argument("--force", action="store_true",
                        help="replace files in --out that routerisk did not write (or that "
                             "changed since it wrote them); without it such a folder is refused "
                             "and nothing in it changes")


def add_boundary_column_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--country-column`` and ``--admin1-column``: which columns of a boundary file hold
    the countries and the unit names, when its columns cannot be told apart.

    >>> parser = argparse.ArgumentParser()
    >>> add_boundary_column_arguments(parser)
    >>> parser.parse_args(["--admin1-column", "name_fr"]).admin1_column
    'name_fr'
    """
    parser.add_argument("--country-column", dest="country_column", metavar="COLUMN",
                        help="boundaries: the column of ISO 3166 codes or country names, "
                             "when the file's columns cannot be told apart")
    parser.add_argument("--admin1-column", dest="admin1_column", metavar="COLUMN",
                        help="boundaries: the column of first-level unit names")


def build_from_args(args: argparse.Namespace, *, public: bool = False) -> Build:
    """:func:`geo.build` with the parsed input arguments (and the build options a command
    adds: ``--min-count``, ``--id-key``, ``--write-id-map``, ``--engine``, ``--scheduler``,
    ``--context-osm``)."""
    from geo.api import build

    return build(args.layers, boundaries=args.boundaries, corridors=args.corridors,
                 incidents=args.incidents, config=args.config, as_of=args.as_of,
                 public=public, encoding=args.encoding, repair=args.repair,
                 country_column=getattr(args, "country_column", None),
                 admin1_column=getattr(args, "admin1_column", None), strict=args.strict,
                 min_count=getattr(args, "min_count", None),
                 id_key=getattr(args, "id_key", None),
                 write_id_map=getattr(args, "write_id_map", False),
                 engine=getattr(args, "engine", "local"),
                 scheduler=getattr(args, "scheduler", None),
                 context_osm=getattr(args, "context_osm", None))


class _CurrentStderr(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is when a record is emitted.

    ``main`` may run many times in one process (tests, notebooks) with ``sys.stderr`` replaced
    in between; a handler bound to the first stream would write to a closed file later.
    """

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


@contextlib.contextmanager
def routerisk_logging(*, verbose: bool = False, quiet: bool = False) -> Iterator[None]:
    """Log routerisk's messages to stderr for one command, then put everything back.

    ``geo`` (routerisk's logger) prints warnings, and with ``-v`` its info lines, as
    ``LEVEL: message``; ``geo.progress`` prints one ``routerisk: stage: time`` line per stage on
    a terminal or with ``-v`` (``--quiet`` silences it), and progress bars on a terminal. The
    root logger and other libraries' loggers are never touched.
    """
    from geo import settings
    from geo._progress import log as progress_log

    geo_log = logging.getLogger("geo")
    main_handler = _CurrentStderr()
    main_handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    progress_handler = _CurrentStderr()
    progress_handler.setFormatter(logging.Formatter("routerisk: %(message)s"))
    show = (sys.stderr.isatty() or verbose) and not quiet
    saved = [(log, log.level, log.propagate) for log in (geo_log, progress_log)]
    saved_bars = settings.PROGRESS_BARS
    geo_log.addHandler(main_handler)
    geo_log.setLevel(logging.INFO if verbose else logging.WARNING)
    geo_log.propagate = False
    progress_log.addHandler(progress_handler)
    progress_log.setLevel(logging.INFO if show else logging.WARNING)
    progress_log.propagate = False
    settings.PROGRESS_BARS = sys.stderr.isatty() and not quiet
    try:
        yield
    finally:
        geo_log.removeHandler(main_handler)
        progress_log.removeHandler(progress_handler)
        for log, level, propagate in saved:
            log.setLevel(level)
            log.propagate = propagate
        settings.PROGRESS_BARS = saved_bars
