"""Source dates to routerisk periods, decided per file and vectorised over unique values.

Each distinct date text is parsed once (a file of a million rows holds a few thousand distinct
dates), then the result is spread back to the rows with :func:`pandas.factorize`. Slashed dates
(``03/08/2016``) are read day-first or month-first for the whole file, from the rows that prove
it (a first number above 12 proves day-first, a second number above 12 month-first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo._errors import Problem, ValidationError

__all__ = ["DateColumn", "parse_dates", "periods_to_text"]

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+Z-]*)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
_DMY_NAME = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -],?\s*(\d{2}|\d{4})$")
_MDY_NAME = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")
_MONTH_NAME = re.compile(r"^([A-Za-z]+)\.?[ -](\d{4})$")
# 03/08/2016, 03.08.2016 and, as Excel re-saves ACLED exports, 31-12-19
_SLASHED = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$")
_YMD_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_WEEKDAY = re.compile(r"^[A-Za-z]{3,9},\s*")
_TIME = re.compile(r"\s*(?:-\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?$")

ORDERS = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY"}


@dataclass(frozen=True)
class DateColumn:
    """Parsed dates of one source column, aligned with its rows.

    ``start`` is ``datetime64[D]`` (NaT where unreadable), ``precision`` one of ``day``,
    ``month``, ``year`` (empty where unreadable), ``error`` the reason (empty where read).
    """

    start: np.ndarray
    precision: np.ndarray
    error: np.ndarray
    message: str


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # 9-Jul-19: two-digit years are this century up to the current year
        y += 2000 if y <= date.today().year % 100 else 1900
    return y


def _named(text: str) -> tuple[int, int, int] | None:
    if m := _DMY_NAME.match(text):
        mon = _MONTHS.get(m.group(2).lower())
        return (_year(m.group(3)), mon, int(m.group(1))) if mon else None
    if m := _MDY_NAME.match(text):
        mon = _MONTHS.get(m.group(1).lower())
        return (int(m.group(3)), mon, int(m.group(2))) if mon else None
    return None


def _clean(text: str) -> str:
    text = _WEEKDAY.sub("", text.strip())
    return _TIME.sub("", text).strip() if not _ISO.match(text) else text


def _one(text: str) -> tuple[str, tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """Kind (``day``/``month``/``year``/``slashed``/``error``) and (y, m, d) of one text.

    For ``slashed`` the two tuples are the day-first and month-first readings.
    """
    text = _clean(text)
    if not text:
        return "error", None, None
    if m := _ISO.match(text) or _YMD_SLASHED.match(text):
        return "day", (int(m.group(1)), int(m.group(2)), int(m.group(3))), None
    if m := _ISO_MONTH.match(text):
        return "month", (int(m.group(1)), int(m.group(2)), 1), None
    if m := _YEAR.match(text):
        return "year", (int(m.group(1)), 1, 1), None
    if named := _named(text):
        return "day", named, None
    if (m := _MONTH_NAME.match(text)) and (mon := _MONTHS.get(m.group(1).lower())):
        return "month", (int(m.group(2)), mon, 1), None
    if m := _SLASHED.match(text):
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        return "slashed", (y, b, a), (y, a, b)
    return "error", None, None


def _real(ymd: tuple[int, int, int] | None) -> np.datetime64:
    if ymd is None:
        return np.datetime64("NaT")
    try:
        return np.datetime64(date(*ymd), "D")
    except ValueError:
        return np.datetime64("NaT")


def _decide_order(kinds: list[str], firsts: list[tuple[int, int]], counts: np.ndarray,
                  rows: list[int], *, default: str | None, file: str, field: str
                  ) -> tuple[str | None, str]:
    """Day-first or month-first for the whole file, and the sentence that says why."""
    dmy = [i for i, k in enumerate(kinds) if k == "slashed" and firsts[i][0] > 12 >= firsts[i][1]]
    mdy = [i for i, k in enumerate(kinds) if k == "slashed" and firsts[i][1] > 12 >= firsts[i][0]]
    n_dmy, n_mdy = int(counts[dmy].sum()), int(counts[mdy].sum())
    if not any(k == "slashed" for k in kinds):
        return None, ""
    if n_dmy and n_mdy:
        raise ValidationError([Problem(
            file, "-", field, f"the file mixes day-first and month-first dates: row {rows[dmy[0]]} "
            "proves day-first, row {} proves month-first; write the dates as YYYY-MM-DD".format(
                rows[mdy[0]]))])
    if n_dmy or n_mdy:
        order = "dmy" if n_dmy else "mdy"
        proof, word = max(n_dmy, n_mdy), "day-first" if n_dmy else "month-first"
        return order, f"dates read as {ORDERS[order]}: {proof} rows prove {word}, none contradict"
    if default is None:
        raise ValidationError([Problem(
            file, "-", field, "no row tells whether slashed dates are day-first or month-first "
            "(every day is 12 or less); set [dates] order = \"dmy\" or \"mdy\" in a mapping file")])
    return default, (f"dates read as {ORDERS[default]}: no row proves either order; "
                     "this format's documented order was used")


def parse_dates(values: pd.Series, rows: np.ndarray, *, file: str, field: str,
                default_order: str | None = None, order: str | None = None) -> DateColumn:
    """Parse a column of date texts; slashed dates are read in one order for the whole file.

    Parameters
    ----------
    values
        The date texts (strings; empty where missing).
    rows
        Source row number of each value (to name proving rows in messages).
    file, field
        For messages.
    default_order
        ``"dmy"`` or ``"mdy"``: used when no row proves either order.
    order
        Force an order (a mapping file's ``[dates] order``).

    Raises
    ------
    ValidationError
        When rows prove both orders, or none proves one and there is no default.

    Examples
    --------
    >>> s = pd.Series(["21/07/2016", "03/08/2016", "9-Jul-19", "2020-01"])
    >>> col = parse_dates(s, np.arange(1, 5), file="f.csv", field="date")
    >>> [str(d) for d in col.start], list(col.precision)
    (['2016-07-21', '2016-08-03', '2019-07-09', '2020-01-01'], ['day', 'day', 'day', 'month'])
    >>> col.message
    'dates read as DD/MM/YYYY: 1 rows prove day-first, none contradict'
    """
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    parsed = [_one(u) for u in uniques]
    kinds = [p[0] for p in parsed]
    counts = np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(0, int)
    firsts = [(p[2][1], p[2][2]) if k == "slashed" and p[2] else (0, 0)
              for k, p in zip(kinds, parsed, strict=True)]
    first_row = np.full(len(uniques), -1, dtype=np.int64)
    first_row[codes[::-1]] = rows[::-1]
    message = ""
    if order is None:
        order, message = _decide_order(kinds, firsts, counts, first_row.tolist(),
                                       default=default_order, file=file, field=field)
    elif any(k == "slashed" for k in kinds):
        message = f"dates read as {ORDERS[order]} (set in the mapping file)"
    starts = np.empty(len(uniques), dtype="datetime64[D]")
    precs = np.empty(len(uniques), dtype=object)
    errors = np.empty(len(uniques), dtype=object)
    for i, (kind, a, b) in enumerate(parsed):
        ymd = (b if order == "mdy" else a) if kind == "slashed" else a
        starts[i] = _real(ymd)
        ok = kind != "error" and not np.isnat(starts[i])
        precs[i] = ("day" if kind == "slashed" else kind) if ok else ""
        errors[i] = "" if ok else (f"{uniques[i]!r} is not a date" if uniques[i].strip()
                                   else "is empty")
    return DateColumn(starts[codes], precs[codes], errors[codes], message)


def periods_to_text(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Date texts routerisk reads: ``YYYY-MM-DD`` (day, week), ``YYYY-MM`` or ``YYYY``.

    >>> periods_to_text(np.array(["2016-07-21", "2016-07-21"], dtype="datetime64[D]"),
    ...                 np.array(["day", "month"], dtype=object)).tolist()
    ['2016-07-21', '2016-07']
    """
    days = start.astype("datetime64[D]")
    uniq, inv = np.unique(days, return_inverse=True)
    day = np.datetime_as_string(uniq, unit="D").astype(object)
    month = np.datetime_as_string(uniq.astype("datetime64[M]")).astype(object)
    year = np.datetime_as_string(uniq.astype("datetime64[Y]")).astype(object)
    out = np.where(precision == "month", month[inv], np.where(precision == "year", year[inv],
                                                               day[inv]))
    out[np.isnat(days)] = ""
    return out.astype(object)
