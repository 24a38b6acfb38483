"""Small helpers the format readers share: header lookup, errors, dates to staged columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from geo import columns as C
from geo._errors import Problem, ValidationError
from geo.importers._dates import periods_to_text
from geo.importers._places import DETAIL

__all__ = ["Header", "apply_dates", "numeric_ids", "require"]


class Header:
    """Find source columns by name, ignoring case, spaces and underscores."""

    def __init__(self, names: Iterable[str]):
        self.names = tuple(names)
        self._by_key = {self.key(n): n for n in self.names}

    @staticmethod
    def key(name: str) -> str:
        return " ".join(name.replace("_", " ").casefold().split())

    def get(self, *candidates: str) -> str | None:
        """The first candidate present in the header (its spelling in the file), or None."""
        for cand in candidates:
            if (found := self._by_key.get(self.key(cand))) is not None:
                return found
        return None

    def has(self, *names: str) -> bool:
        return all(self.get(n) is not None for n in names)


def require(path: Path, header: Header, needed: Mapping[str, tuple[str, ...]], what: str,
            other_formats: Mapping[str, bool]) -> None:
    """Raise one problem per missing column, naming the format the file looks like instead."""
    problems = [Problem(str(path), "-", names[0], f"required {what} column is missing "
                        f"(looked for {' / '.join(repr(n) for n in names)})")
                for names in needed.values() if header.get(*names) is None]
    if problems:
        looks = [name for name, ok in other_formats.items() if ok]
        if looks:
            problems.insert(0, Problem(str(path), "-", "-", f"this looks like a {looks[0]} file; "
                                       f"use `routerisk import {looks[0].split()[0].lower()}`"))
        raise ValidationError(problems)


def apply_dates(staged: dict[str, np.ndarray], start: np.ndarray, precision: np.ndarray,
                error: np.ndarray, field: str) -> None:
    """Write parsed periods into the staged date columns (errors into ``detail``)."""
    staged[C.DATE] = periods_to_text(start, precision)
    staged[C.DATE_PRECISION] = np.where(precision == "week", "week", "").astype(object)
    bad = staged[C.DATE] == ""
    staged[DETAIL] = np.where(bad, np.char.add(f"{field}: ", error.astype(str)).astype(object),
                              staged[DETAIL])


def numeric_ids(ids: np.ndarray, prefix: str) -> np.ndarray:
    """Prefix purely numeric ids (``123456`` → ``ucdp-123456``); ``123.0`` loses its ``.0``.

    >>> numeric_ids(np.array(["123456", "77.0", "COD1"], dtype=object), "ucdp-").tolist()
    ['ucdp-123456', 'ucdp-77', 'COD1']
    """
    s = pd.Series(ids, dtype=object).astype(str).str.strip()
    s = s.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    numeric = s.str.fullmatch(r"\d+")
    return s.where(~numeric, prefix + s).where(s != "", "").to_numpy(object)
