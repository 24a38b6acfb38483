"""Shared helpers of the loaders: the problem collector and cell-text helpers."""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from geo import columns as C
from geo._errors import InputWarning, Problem, ValidationError
from geo.io._text import clean_text

_FORMULA_START = ("=", "+", "-", "@")
_RESERVED = ("geometry", C.ROW)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_VECTOR_SUFFIXES = {".geojson", ".json"}

class _Collector:
    """Gathers problems for one file and raises them together."""

    def __init__(self, path: Path | str):
        self.file = str(path)
        self.problems: list[Problem] = []
        self.held: list[Problem] | None = None  # warnings kept back (see hold)

    def add(self, location: str, field: str, message: str, *, option: str = "") -> None:
        self.problems.append(Problem(self.file, location, field, message, option))

    def has(self, location: str, field: str) -> bool:
        return any(p.location == location and p.field == field for p in self.problems)

    def warn(self, location: str, field: str, message: str) -> None:
        problem = Problem(self.file, location, field, message)
        if self.held is not None:
            self.held.append(problem)
        else:
            warnings.warn(InputWarning(problem), stacklevel=3)

    def hold(self) -> None:
        """Keep warnings back until :meth:`release` (a read that may start over)."""
        self.held = []

    def release(self) -> None:
        """Issue the warnings kept back, in the order they came."""
        held, self.held = self.held or [], None
        for problem in held:
            warnings.warn(InputWarning(problem), stacklevel=3)

    def mark(self) -> tuple[int, int]:
        """How many problems and held warnings there are (to go back to with :meth:`reset`)."""
        return len(self.problems), len(self.held or [])

    def reset(self, mark: tuple[int, int]) -> None:
        del self.problems[mark[0]:]
        if self.held is not None:
            del self.held[mark[1]:]

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(sorted(self.problems, key=_location_key))

    def fail(self, location: str, field: str, message: str, *, option: str = "") -> NoReturn:
        self.add(location, field, message, option=option)
        raise ValidationError(sorted(self.problems, key=_location_key))


def _location_key(problem: Problem) -> tuple[int, int]:
    """Whole-file problems first, then by row/feature/line number (a stable sort)."""
    number = problem.location.rpartition(" ")[2]
    return (0, 0) if not number.isdigit() else (1, int(number))


def _text(value: Any) -> str:
    """A cell as stripped text; None/NaN/NA become the empty string."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _snippet(value: Any) -> str:
    """Short JSON text of a value for a message (control characters escaped)."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."



def _check_id(value: str, location: str, field: str, col: _Collector) -> None:
    """Ids are keys in every output: no control characters, nothing a spreadsheet would run."""
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        col.add(location, field, f"{value!r} contains a control character (tab, newline …)")
    elif value.startswith(_FORMULA_START):
        col.add(location, field, f"{value!r} starts with {value[0]!r}, which spreadsheets run as "
                                 "a formula; start ids with a letter or digit")



def _clean_column(values: Iterable[Any], rows: Iterable[Any], field: str, col: _Collector, *,
                  free_text: bool, unit: str = "feature") -> list[str]:
    """A column as stripped NFC text; invisible characters removed (free text) or reported."""
    out = []
    for value, row in zip(values, rows, strict=True):
        text, problem = clean_text(_text(value), free_text=free_text)
        if problem:
            col.add(f"{unit} {row}", field, problem)
        out.append(text)
    return out
