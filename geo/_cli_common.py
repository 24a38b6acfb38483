"""What the command-line modules share: turning parsed arguments into a :func:`geo.build`.

Every ``--flag`` added by :func:`geo.pipeline.add_input_arguments` (or a subcommand) whose
destination is a keyword of :func:`geo.pipeline.prepare` is passed on, so a new build option
needs no change here. Library errors name the keyword (``as_of``); :func:`flag` turns it back
into the flag (``--as-of``) when the CLI prints the error.
"""

from __future__ import annotations

import argparse
import inspect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.api import Build

__all__ = ["FLAGS", "build_from_args", "flag", "option_flag"]

#: Keyword of the Python API → flag of the command line, where they differ in more than
#: ``_`` → ``-``.
FLAGS = {"from_": "--from", "date_from": "--from", "date_to": "--to", "top_n": "--top",
         "to": "--to", "destinations": "--to", "waypoints": "--via", "corridor_id": "--id"}


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


def build_from_args(args: argparse.Namespace, *, public: bool = False) -> Build:
    """:func:`geo.build` with the parsed input arguments."""
    from geo import pipeline
    from geo.api import build

    accepted = set(inspect.signature(pipeline.prepare).parameters) - {
        "layers", "boundaries", "corridors", "incidents", "config", "as_of", "public"}
    options = {k: v for k, v in vars(args).items() if k in accepted and v is not None}
    return build(args.layers, boundaries=args.boundaries, corridors=args.corridors,
                 incidents=args.incidents, config=args.config, as_of=args.as_of,
                 public=public, **options)
