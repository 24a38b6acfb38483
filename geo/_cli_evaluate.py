"""``routerisk config``, ``routerisk backtest`` and ``routerisk tune``: the model under test.

``config`` prints the effective risk model with where each value came from (packaged default
or a file). ``backtest`` and ``tune`` are in :mod:`geo.evaluate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parsers"]


def add_parsers(subparsers: Any) -> None:
    """Register ``config`` (and the evaluation commands) on the CLI's subparsers."""
    config = subparsers.add_parser(
        "config", help="print the effective risk model and where each value came from",
        description="Print the effective risk model as TOML, each value commented with its "
                    "origin (packaged default or the file that set it). Unknown sections, keys "
                    "and misspelt types are errors. With several --config, each is merged on "
                    "the previous in order.")
    config.add_argument("--config", action="append", type=Path, default=[], metavar="P",
                        help="risk model TOML (repeatable; merged in order)")
    config.set_defaults(func=_cmd_config)


def _cmd_config(args: argparse.Namespace) -> int:
    from geo._config import effective_toml
    from geo.risk import load_model

    load_model(args.config)  # every check of a build, not only the syntax
    print(effective_toml(args.config), end="")
    return 0
