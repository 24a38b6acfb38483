"""Dates in English news text, with the precision the words support and never a false day.

A small grammar of our own rather than ``dateparser.search_dates``: measured on the phrases
news uses, ``search_dates`` gives "last month" the day of the month of the reference date
(a false day), reads the verb "may" as 10 May and returns only the end of "between 1 and 5
March" (``docs/extract.md``). Each rule here returns a :class:`Period` and names itself in
``why``.

Relative dates resolve against the publication date. When that is known only to the month
(``2024-09``), a relative day ("on Sunday", "last week") becomes the smallest period that
holds every day it could be (a month, else a year), never a day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo._dates import Period

__all__ = ["DateMention", "find_dates", "publication_date"]

_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAYS = {d.casefold(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_D = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:19[5-9][0-9]|20[0-9][0-9])"
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1}

_PATTERNS: list[tuple[str, str]] = [
    ("range_d_d_m", rf"\b(?:between|from)\s+(?P<d1>{_D})\s+(?:and|to|-|–)\s+(?P<d2>{_D})\s+"
                    rf"(?P<m>{_MONTH})(?:,?\s+(?P<y>{_Y}))?"),
    ("range_d_d_m", rf"\b(?P<d1>{_D})\s*[-–]\s*(?P<d2>{_D})\s+(?P<m>{_MONTH})"
                    rf"(?:,?\s+(?P<y>{_Y}))?"),
    ("range_m_d_d", rf"\b(?:between\s+)?(?P<m>{_MONTH})\s+(?P<d1>{_D})\s*(?:[-–]|and|to)\s*"
                    rf"(?P<d2>{_D})\b(?:,?\s+(?P<y>{_Y}))?"),
    ("iso_day", r"\b(?P<y>(?:19|20)[0-9]{2})-(?P<mn>0[1-9]|1[0-2])-"
                r"(?P<d>0[1-9]|[12][0-9]|3[01])\b"),
    ("numeric_day", r"\b(?P<a>[0-3]?[0-9])[/.](?P<b>[01]?[0-9])[/.](?P<y>(?:19|20)[0-9]{2})\b"),
    ("day_month", rf"\b(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_MONTH})(?:,?\s+(?P<y>{_Y}))?\b"),
    ("month_day", rf"\b(?P<m>{_MONTH})\s+(?P<d>{_D})\b(?!\s*(?:%|per|people|persons))"
                  rf"(?:,?\s+(?P<y>{_Y}))?"),
    ("part_month", rf"\b(?P<part>early|mid|late|end of|beginning of|the end of)[\s-]+"
                   rf"(?P<m>{_MONTH})(?:\s+(?P<y>{_Y}))?"),
    ("month_year", rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>{_Y})\b"),
    ("in_month", rf"\b(?:in|since|during|by|until|through|throughout)\s+(?P<m>{_MONTH})\b"),
    ("weekday_last_week", rf"\b(?:on\s+)?(?P<wd>{_WEEKDAY})\s+(?:of\s+)?last\s+week\b"),
    ("last_weekday", rf"\blast\s+(?P<wd>{_WEEKDAY})\b"),
    ("on_weekday", rf"\b(?:on|since|late\s+on|early\s+on)\s+(?P<wd>{_WEEKDAY})\b"),
    ("yesterday", r"\b(?:yesterday|last\s+night)\b"),
    ("today", r"\b(?:today|tonight|this\s+morning|this\s+afternoon|this\s+evening)\b"),
    ("ago", r"\b(?P<n>[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+"
            r"(?P<unit>day|days|week|weeks|month|months|year|years)\s+ago\b"),
    ("last_week", r"\b(?:last|past|previous)\s+week\b"),
    ("this_week", r"\b(?:this|earlier\s+this)\s+week\b"),
    ("last_month", r"\b(?:last|past|previous)\s+month\b"),
    ("this_month", r"\b(?:this|earlier\s+this|early\s+this|late\s+this)\s+month\b"),
    ("last_year", r"\b(?:last|past|previous)\s+year\b"),
    ("this_year", r"\b(?:this|earlier\s+this|early\s+this|late\s+this)\s+year\b"),
    ("in_year", rf"\b(?:in|since|during|of|by)\s+(?:early\s+|late\s+|mid-)?(?P<y>{_Y})\b"),
]
_GRAMMAR = re.compile("|".join(f"(?P<r{i}>{p})".replace("(?P<", f"(?P<g{i}_")
                               .replace(f"(?P<g{i}_r{i}>", f"(?P<r{i}>", 1)
                               for i, (_, p) in enumerate(_PATTERNS)), re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date found in a sentence: where, the period it stands for and the rule that read it."""

    start: int
    end: int
    text: str
    period: Period
    end_period: Period | None
    rule: str


def _month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), "month")


def _year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "year")


def _day(value: date) -> Period:
    return Period(value, value, "day")


def _cover(first: date, last: date) -> Period:
    """The smallest day, month or year period holding every day from ``first`` to ``last``."""
    if first == last:
        return _day(first)
    if (first.year, first.month) == (last.year, last.month):
        return _month_period(first.year, first.month)
    if first.year == last.year:
        return _year_period(first.year)
    return Period(first, last, "span")


def _shift(pub: Period, back: int, *, span: int = 0) -> Period:
    """Days ``back`` before the publication day (a span of ``span`` more days, for a week);
    covered coarsely when the publication date is not a day."""
    first = pub.start - timedelta(days=back)
    last = pub.end - timedelta(days=back) + timedelta(days=span)
    if pub.precision == "day":
        return Period(first, first + timedelta(days=span), "week") if span == 6 else _day(first)
    return _cover(first, last)


def _year_for(month: int, day: int, pub: Period | None) -> int | None:
    """The year of a day given without one: the publication year, or the one before when the
    day would fall after publication."""
    if pub is None:
        return None
    year = pub.end.year
    try:
        if date(year, month, day) > pub.end:
            year -= 1
    except ValueError:
        return year
    return year


def _int_day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _absolute(rule: str, g: dict[str, str | None], pub: Period | None
              ) -> tuple[Period, Period | None] | None:
    if rule == "iso_day":
        return _day(date(int(g["y"] or 0), int(g["mn"] or 0), int(g["d"] or 0))), None
    if rule == "numeric_day":
        a, b, y = int(g["a"] or 0), int(g["b"] or 0), int(g["y"] or 0)
        day, month = (a, b) if b <= 12 else (b, a)
        return _day(date(y, month, day)), None
    month = _MONTHS[(g.get("m") or "").rstrip(".").casefold()]
    year_text = g.get("y")
    if rule in ("day_month", "month_day"):
        day = _int_day(g["d"] or "")
        year = int(year_text) if year_text else _year_for(month, day, pub)
        return (_day(date(year, month, day)), None) if year else None
    if rule.startswith("range"):
        d1, d2 = _int_day(g["d1"] or ""), _int_day(g["d2"] or "")
        year = int(year_text) if year_text else _year_for(month, d1, pub)
        if not year or d2 < d1:
            return None
        return _day(date(year, month, d1)), _day(date(year, month, d2))
    year = int(year_text) if year_text else _year_for(month, 1, pub)
    return (_month_period(year, month), None) if year else None


def _weekday_before(pub: Period, weekday: int, *, strictly: bool, week_back: int = 0
                    ) -> Period:
    if week_back:
        monday = pub.start - timedelta(days=pub.start.weekday() + 7 * week_back)
        back = (pub.start - (monday + timedelta(days=weekday))).days
    else:
        back = (pub.start.weekday() - weekday) % 7
        if strictly and back == 0:
            back = 7
    if pub.precision != "day":  # every day of the period could be the reference day
        first = pub.start - timedelta(days=13 if week_back else 7)
        return _cover(first, pub.end)
    return _day(pub.start - timedelta(days=back))


def _ago(g: dict[str, str | None], pub: Period) -> Period:
    raw = (g["n"] or "").casefold()
    n = int(raw) if raw.isdigit() else _NUM_WORDS[raw]
    unit = (g["unit"] or "").rstrip("s").casefold()
    if unit == "day":
        return _shift(pub, n)
    if unit == "week":
        return _shift(pub, 7 * n + pub.start.weekday(), span=6) if pub.precision == "day" \
            else _cover(pub.start - timedelta(days=7 * n + 6), pub.end - timedelta(days=7 * n))
    if unit == "month":
        y, m = divmod(pub.start.year * 12 + pub.start.month - 1 - n, 12)
        return _month_period(y, m + 1)
    return _year_period(pub.start.year - n)


def _relative(rule: str, g: dict[str, str | None], pub: Period) -> Period:
    y, m = pub.start.year, pub.start.month
    if rule == "yesterday":
        return _shift(pub, 1)
    if rule == "today":
        return _shift(pub, 0)
    if rule == "last_week":
        return _shift(pub, pub.start.weekday() + 7, span=6)
    if rule == "this_week":
        return _shift(pub, pub.start.weekday(), span=6)
    if rule == "last_month":
        return _month_period(y - (m == 1), 12 if m == 1 else m - 1)
    if rule == "this_month":
        return _month_period(y, m)
    if rule == "last_year":
        return _year_period(y - 1)
    if rule == "this_year":
        return _year_period(y)
    if rule == "ago":
        return _ago(g, pub)
    weekday = _DAYS[(g["wd"] or "").casefold()]
    if rule == "weekday_last_week":
        return _weekday_before(pub, weekday, strictly=True, week_back=1)
    return _weekday_before(pub, weekday, strictly=rule == "last_weekday")


_ABSOLUTE = frozenset({"range_d_d_m", "range_m_d_d", "iso_day", "numeric_day", "day_month",
                       "month_day", "part_month", "month_year", "in_month"})


def find_dates(text: str, published: Period | None) -> list[DateMention]:
    """Every date in ``text`` that can be resolved, in order.

    Parameters
    ----------
    text
        A sentence (or any text).
    published
        The publication date; relative dates and dates without a year need it and are left
        out without it.

    Examples
    --------
    >>> pub = Period(date(2024, 9, 10), date(2024, 9, 10), "day")
    >>> [(m.text, m.period.start.isoformat(), m.period.precision)
    ...  for m in find_dates("15 people were held last month, and 3 on Sunday", pub)]
    [('last month', '2024-08-01', 'month'), ('on Sunday', '2024-09-08', 'day')]
    """
    out: list[DateMention] = []
    for match in _GRAMMAR.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v and k.startswith("r"))[1:])
        rule = _PATTERNS[index][0]
        prefix = f"g{index}_"
        groups = {k[len(prefix):]: v for k, v in match.groupdict().items()
                  if k.startswith(prefix)}
        if rule == "in_year":
            found: tuple[Period, Period | None] | None = (_year_period(int(groups["y"] or 0)),
                                                          None)
        elif rule in _ABSOLUTE:
            try:
                found = _absolute(rule, groups, published)
            except ValueError:  # 31 February, 13/13/2020: not a date
                found = None
        elif published is None:
            found = None
        else:
            found = _relative(rule, groups, published), None
        if found is None or found[0].precision == "span":
            continue
        out.append(DateMention(match.start(), match.end(), match.group(), found[0], found[1],
                               rule))
    return out


_DATELINE_END = re.compile(r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:[-–—|:]|\n|$)")
_LABELLED = re.compile(r"^\s*(?:published|posted|updated|date|dated)\b[^\n]{0,40}",
                       re.IGNORECASE | re.MULTILINE)


def publication_date(text: str) -> tuple[Period, str] | None:
    """The publication date written in a document, with the rule that found it.

    A line labelled ``Published``/``Posted``/``Updated``/``Date``, else a dateline: a date with
    a year in the first 300 characters that ends its line or is followed by an agency in
    brackets or a dash (``BANGKOK, 5 March 2021 (AFP) -``), not a date inside a sentence.
    ``None`` when there is neither: the caller reports the document rather than inventing a
    date.

    >>> publication_date("BANGKOK, 5 March 2021 (AFP) - Police said ...")[0].start
    datetime.date(2021, 3, 5)
    >>> publication_date("Police arrested 12 people last week.") is None
    True
    """
    for match in _LABELLED.finditer(text):
        line = text[match.start(): text.find("\n", match.start()) % (len(text) + 1)]
        dated = [d for d in find_dates(line, None) if d.period.precision in ("day", "month")]
        if dated:
            return dated[0].period, f"dated line {line.strip()[:40]!r}"
    head = [d for d in find_dates(text[:300], None)
            if (d.rule in ("iso_day", "numeric_day") or (d.rule in ("day_month", "month_day",
                "month_year") and re.search(r"\d{4}", d.text))) and _DATELINE_END.match(
                text[d.end:d.end + 40])]
    if head:
        return head[0].period, f"first dated words {head[0].text!r}"
    return None
