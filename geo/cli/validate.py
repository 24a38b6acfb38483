"""``routerisk validate``: check the inputs and print every problem (nothing is written)."""

from __future__ import annotations

import argparse
from typing import Any

from geo.cli._common import (
    add_input_arguments,
    build_from_args,
    print_outside,
    print_problems,
    print_read_as,
)

__all__ = ["add_parser"]


def add_parser(subparsers: Any) -> None:
    """Register ``validate`` on the CLI's subparsers."""
    validate = subparsers.add_parser("validate", help="check the inputs and print every problem")
    add_input_arguments(validate)
    validate.set_defaults(func=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    """Load, check and score the inputs; print what was read; the exit code."""
    result = build_from_args(args)
    print_problems(result.warnings, level="warning", full_list=args.problems)
    print_read_as(result.boundaries)
    print_outside(result)
    counts = result.fate["status"].value_counts().to_dict()
    print(
        f"ok: {len(result.boundaries)} boundary units, {len(result.corridors)} corridors "
        f"({len(result.segments)} segments), {len(result.fate)} incidents "
        f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}) as of "
        f"{result.as_of.isoformat()}"
    )
    return 0
