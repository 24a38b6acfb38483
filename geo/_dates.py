"""Partial ISO dates: a date string stands for a period, and its precision is never invented."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PRECISIONS", "Period", "parse_period"]

PRECISIONS = ("day", "week", "month", "year")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASHED = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_HAS_YEAR = re.compile(r"\b\d{4}\b")


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
        With a message a person can act on (no year, ambiguous, impossible, finer precision).

    Examples
    --------
    >>> parse_period("2019-09")
    Period(start=datetime.date(2019, 9, 1), end=datetime.date(2019, 9, 30), precision='month')
    >>> parse_period("2019-09-03", precision="week").end
    datetime.date(2019, 9, 9)
    """
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    if m := _DAY.match(text):
        y, mo, d = (int(g) for g in m.groups())
        try:
            day = date(y, mo, d)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
        period = Period(day, day, "day")
    elif m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"{text!r} is not a real month")
        period = Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month")
    elif m := _YEAR.match(text):
        y = int(m.group(1))
        if y < 1:
            raise ValueError(f"{text!r} is not a real year")
        period = Period(date(y, 1, 1), date(y, 12, 31), "year")
    elif _SLASHED.match(text):
        raise ValueError(
            f"{text!r} is ambiguous (day/month or month/day?); write it as YYYY-MM-DD"
        )
    elif not _HAS_YEAR.search(text):
        raise ValueError(
            f"{text!r} has no year; write YYYY-MM-DD, YYYY-MM or YYYY (state an assumed year in notes)"
        )
    else:
        raise ValueError(f"{text!r} is not an ISO date; write YYYY-MM-DD, YYYY-MM or YYYY")
    if precision:
        precision = precision.strip().lower()
        if precision not in _RANK:
            raise ValueError(f"date_precision {precision!r} is not one of {', '.join(PRECISIONS)}")
        if _RANK[precision] < _RANK[period.precision]:
            raise ValueError(
                f"date_precision {precision!r} is finer than the date {text!r} "
                f"({period.precision}); precision is never invented"
            )
        if precision == "week":
            period = Period(period.start, period.start + timedelta(days=6), "week")
        elif precision == "month" and period.precision == "day":
            s = period.start
            period = Period(
                s.replace(day=1), s.replace(day=calendar.monthrange(s.year, s.month)[1]), "month"
            )
        elif precision == "year":
            period = Period(date(period.start.year, 1, 1), date(period.start.year, 12, 31), "year")
    return period
