"""Partial ISO dates stand for periods; precision comes from the string and is never invented."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import settings as geo_settings
from geo._dates import Period, parse_period


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [
        ("2019-09-03", "", Period(date(2019, 9, 3), date(2019, 9, 3), "day")),
        ("2019-09", "", Period(date(2019, 9, 1), date(2019, 9, 30), "month")),
        ("2020-02", "", Period(date(2020, 2, 1), date(2020, 2, 29), "month")),
        ("2019", "", Period(date(2019, 1, 1), date(2019, 12, 31), "year")),
        ("  2019-09 ", "", Period(date(2019, 9, 1), date(2019, 9, 30), "month")),
        ("2019-09-03", "week", Period(date(2019, 9, 3), date(2019, 9, 9), "week")),
        ("2019-09-03", "month", Period(date(2019, 9, 1), date(2019, 9, 30), "month")),
        ("2019-09-03", "YEAR", Period(date(2019, 1, 1), date(2019, 12, 31), "year")),
        ("2019-09", "year", Period(date(2019, 1, 1), date(2019, 12, 31), "year")),
        ("2019-09", "month", Period(date(2019, 9, 1), date(2019, 9, 30), "month")),
    ],
)
def test_periods(text: str, precision: str, expected: Period) -> None:
    assert parse_period(text, precision=precision) == expected


@pytest.mark.parametrize(
    ("text", "precision", "message"),
    [
        ("", "", "is empty; write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("2023-02-30", "", "'2023-02-30' is not a real date"),
        ("2023-13", "", "'2023-13' is not a real month"),
        ("2023-00", "", "'2023-00' is not a real month"),
        ("0000", "", "'0000' is not a real year"),
        ("1066", "", "'1066' is before 1900; is the year a typo?"),
        ("September 3", "", "'September 3' has no year; write YYYY-MM-DD, YYYY-MM or YYYY "
                            "(state an assumed year in notes)"),
        ("09-03", "", "'09-03' has no year"),
        ("03/04/2023", "", "'03/04/2023' is ambiguous (day/month or month/day?); write it as "
                           "YYYY-MM-DD"),
        ("3.4.23", "", "'3.4.23' is ambiguous"),
        ("13/04/2023", "", "'13/04/2023' is not an ISO date; write it as YYYY-MM-DD"),
        ("2023-9", "", "'2023-9' is not an ISO date"),
        ("2023-09-03T10:00", "", "'2023-09-03T10:00' is not an ISO date"),
        ("Sept 2023", "", "'Sept 2023' is not an ISO date"),
        ("٢٠٢٣", "", "'٢٠٢٣' has no year"),  # other scripts' digits are not read as a year
        ("2023-09", "day", "date_precision 'day' is finer than the date '2023-09' (month); "
                           "precision is never invented"),
        ("2023", "week", "date_precision 'week' is finer than the date '2023' (year)"),
        ("2023", "decade", "date_precision 'decade' is not one of day, week, month, year"),
    ],
)
def test_bad_dates(text: str, precision: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_period(text, precision=precision)


def test_earliest_year_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo_settings, "EARLIEST_YEAR", 1000)
    assert parse_period("1066").precision == "year"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["day", "month", "year"]))
def test_period_contains_its_date(day: date, precision: str) -> None:
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
    period = parse_period(text)
    assert period.precision == precision
    assert period.start <= day <= period.end
    assert period.start <= period.midpoint <= period.end
    assert parse_period(text, precision="year").start == date(day.year, 1, 1)
