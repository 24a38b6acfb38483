"""Command line: ``routerisk build | validate | compare | route | corridor | import | config |
backtest | tune | extract | docs``.

The command-line layer of routerisk: argument parsing, printing and logging set-up live only in
this package, one module per command, each with ``add_parser(subparsers)`` and the handler it
registers. The library under it (:mod:`geo.api`, :mod:`geo.pipeline` …) never parses
arguments, prints or configures logging.

Exit codes: 0 done, 1 invalid input (one line per problem, nothing in ``--out`` changed), 2 usage
error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import __version__
from geo._errors import RouteriskError, UsageError
from geo.cli import (
    build,
    compare,
    config,
    corridor,
    docs,
    evaluate,
    extract,
    import_,
    route,
    validate,
)
from geo.cli._common import flag, print_problems, routerisk_logging

__all__ = ["main", "run"]

#: The command modules, in the order ``routerisk --help`` lists them.
COMMANDS = (build, validate, compare, route, corridor, import_, config, evaluate, extract,
            docs)

def parser() -> argparse.ArgumentParser:
    """The ``routerisk`` argument parser with every subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand sets ``func``, its handler.
    """
    top = argparse.ArgumentParser(
        prog="routerisk",
        description="Risk scores on corridor segments from boundaries, corridors and dated "
                    "incidents, as offline maps and tables.",
    )
    top.add_argument("--version", action="version", version=f"routerisk {__version__}")
    top.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return top

def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Logging is set up for the call only: a handler on routerisk's own ``geo`` logger, removed
    on return; the root logger (a notebook's) is left as it was.

    Parameters
    ----------
    argv
        The arguments after ``routerisk``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 done, 1 invalid input, 2 usage error, 130 interrupted.

    Examples
    --------
    >>> main(["validate", "--as-of", "2024-06-01"])  # doctest: +ELLIPSIS
    ok: ... as of 2024-06-01
    0
    """
    args = parser().parse_args(argv)
    with routerisk_logging(verbose=args.verbose, quiet=getattr(args, "quiet", False)):
        try:
            return int(args.func(args))
        except UsageError as exc:
            where = "" if exc.problem.field == "-" else f"{flag(exc.problem.field)}: "
            print(f"routerisk: usage error: {where}{exc.problem.message}", file=sys.stderr)
            return 2
        except RouteriskError as exc:
            print_problems(exc.problems, full_list=getattr(args, "problems", None))
            print(f"routerisk: {len(exc.problems)} problem(s); nothing written", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"routerisk: error: {exc.filename or ''}: {exc.strerror or exc}",
                  file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("routerisk: interrupted; nothing written", file=sys.stderr)
            return 130

def run() -> None:
    """The ``routerisk`` console script: :func:`main`, then exit with its code."""
    sys.exit(main())

