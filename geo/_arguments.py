"""Keyword values of the Python API made into what the pipeline takes: paths, dates, formats.

Each raises :class:`geo.UsageError` naming the keyword when a value cannot be used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from geo._errors import UsageError
from geo.export import STATIC_FORMATS

__all__ = ["check_formats", "date_of", "path_of"]

PathLike = str | os.PathLike[str]


def path_of(value: PathLike | None) -> Path | None:
    """``value`` as a :class:`~pathlib.Path` (``None`` stays ``None``).

    >>> path_of("layers/x.csv")
    PosixPath('layers/x.csv')
    """
    return None if value is None else Path(value)


def date_of(value: date | str | None, name: str) -> date | None:
    """``value`` as a date (ISO text accepted); ``name`` is the keyword an error names.

    >>> date_of("2024-06-30", "as_of")
    datetime.date(2024, 6, 30)
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"{value!r} is not a date YYYY-MM-DD", field=name) from None


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """Static map formats, checked (a comma-separated string is accepted).

    >>> check_formats("png,pdf")
    ('png', 'pdf')
    """
    if isinstance(formats, str):
        formats = [f for f in formats.split(",") if f]
    bad = [f for f in formats if f not in STATIC_FORMATS]
    if bad:
        raise UsageError(f"unknown static format(s) {', '.join(map(str, bad))}; choose from "
                         f"{', '.join(STATIC_FORMATS)} or none", field="formats")
    return tuple(formats)
