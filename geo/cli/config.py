"""``routerisk config``: print the effective risk model and where each value came from.

Each value is commented with its origin (packaged default or the file that set it). Unknown
sections, keys and misspelt types are errors. With several ``--config``, each is merged on the
previous in order.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``config`` on the CLI's subparsers."""
    config = subparsers.add_parser(
        "config", help="print the effective risk model and where each value came from",
        description="Print the effective risk model as TOML, each value commented with its "
                    "origin (packaged default or the file that set it). Unknown sections, keys "
                    "and misspelt types are errors. With several --config, each is merged on "
                    "the previous in order.")
    config.add_argument("--config", action="append", type=Path, default=[], metavar="P",
                        help="risk model TOML (repeatable; merged in order)")
    config.set_defaults(func=run_config)


def run_config(args: argparse.Namespace) -> int:
    """Check the model file(s) as a build would, print the effective TOML; the exit code."""
    from geo._config import effective_toml
    from geo.risk import load_model

    load_model(args.config)  # every check of a build, not only the syntax
    print(effective_toml(args.config), end="")
    return 0
