"""Partial ISO dates: a date string stands for a period, and its precision is never invented."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo import settings

__all__ = ["PRECISIONS", "Period", "parse_period"]

PRECISIONS = ("day", "week", "month", "year")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}

# ASCII digits only: ``\d`` would also accept other scripts' digits.
_YEAR = re.compile(r"^([0-9]{4})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_SLASHED = re.compile(r"^([0-9]{1,2})[/.]([0-9]{1,2})[/.][0-9]{2,4}$")
_HAS_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


@dataclass(frozen=True)
class Period:
    """The period a date string stands for: first day, last day and precision."""

    start: date
    end: date
    precision: str

    @property
    def midpoint(self) -> date:
        return self.start + timedelta(days=(self.end - self.start).days // 2)


def parse_period(text: str, *, precision: str = "") -> Period:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the period it stands for.

    ``precision`` may make the period coarser than the string (a day string with ``week`` stands
    for the seven days starting on it) but never finer.

    Raises
    ------
    ValueError
        With a message a person can act on (empty, no year, ambiguous, impossible, before
        :data:`geo.settings.EARLIEST_YEAR`, precision finer than the string).

    Examples
    --------
    >>> parse_period("2019-09")
    Period(start=datetime.date(2019, 9, 1), end=datetime.date(2019, 9, 30), precision='month')
    >>> parse_period("2019-09-03", precision="week").end
    datetime.date(2019, 9, 9)
    """
    text = text.strip()
    period = _period_of(text)
    if period.start.year < settings.EARLIEST_YEAR:
        raise ValueError(f"{text!r} is before {settings.EARLIEST_YEAR}; is the year a typo?")
    return _coarsened(period, text, precision) if precision else period


def _period_of(text: str) -> Period:
    """The period the date string itself stands for (its own precision)."""
    if not text:
        raise ValueError("is empty; write YYYY-MM-DD, YYYY-MM or YYYY")
    if m := _DAY.match(text):
        y, mo, d = (int(g) for g in m.groups())
        try:
            day = date(y, mo, d)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
        return Period(day, day, "day")
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"{text!r} is not a real month")
        return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month")
    if m := _YEAR.match(text):
        y = int(m.group(1))
        if y < 1:
            raise ValueError(f"{text!r} is not a real year")
        return Period(date(y, 1, 1), date(y, 12, 31), "year")
    if m := _SLASHED.match(text):
        if int(m.group(1)) <= 12 and int(m.group(2)) <= 12:
            raise ValueError(
                f"{text!r} is ambiguous (day/month or month/day?); write it as YYYY-MM-DD"
            )
        raise ValueError(f"{text!r} is not an ISO date; write it as YYYY-MM-DD")
    if not _HAS_YEAR.search(text):
        raise ValueError(
            f"{text!r} has no year; write YYYY-MM-DD, YYYY-MM or YYYY "
            "(state an assumed year in notes)"
        )
    raise ValueError(f"{text!r} is not an ISO date; write YYYY-MM-DD, YYYY-MM or YYYY")


def _coarsened(period: Period, text: str, precision: str) -> Period:
    """``period`` widened to a stated ``date_precision`` (never narrowed)."""
    precision = precision.strip().lower()
    if precision not in _RANK:
        raise ValueError(f"date_precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    if _RANK[precision] < _RANK[period.precision]:
        raise ValueError(
            f"date_precision {precision!r} is finer than the date {text!r} "
            f"({period.precision}); precision is never invented"
        )
    if precision == "week":
        return Period(period.start, period.start + timedelta(days=6), "week")
    if precision == "month" and period.precision == "day":
        s = period.start
        return Period(
            s.replace(day=1), s.replace(day=calendar.monthrange(s.year, s.month)[1]), "month"
        )
    if precision == "year":
        return Period(date(period.start.year, 1, 1), date(period.start.year, 12, 31), "year")
    return period
