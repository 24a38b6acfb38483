"""Per-field checks of one incident row.

Each check reads its field(s) from the row's text record, reports what is wrong to the row's
collector and returns the parsed value (``None`` when the field is unusable or empty). The row
is kept only when no check reported a problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import geopandas as gpd

from geo import columns as C
from geo._dates import Period, parse_period
from geo._errors import PlaceError
from geo._names import match_name, name_key, successors
from geo.io._common import _CONTROL, _check_id, _Collector, _text
from geo.io._text import clean_text
from geo.io.places import resolve_place

_GEO_PRECISIONS = {"1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"}
# Free text: invisible characters are removed. In every other field they are an error.
FREE_TEXT = (C.NOTES, C.SOURCE_NAME, C.PLACE, C.ADMIN1)
# Numbers as people type them in a spreadsheet: ASCII digits, one optional sign and point.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
WHOLE = re.compile(r"[0-9]+(?:\.0+)?")


@dataclass
class _Context:
    """What the checks of one file share: the collector, the vocabulary and the units."""

    col: _Collector
    today: date
    types: tuple[str, ...]
    boundaries: gpd.GeoDataFrame | None = None
    resolve_places: bool = True
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)
    seen_ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.boundaries is not None:
            pairs = zip(self.boundaries[C.COUNTRY], self.boundaries[C.ADMIN1], strict=True)
            for cc, a1 in pairs:
                self.units[(cc, name_key(a1))] = a1
                self.countries.add(cc)

    def names_of(self, country: str) -> list[str]:
        """The first-level names of ``country`` in the boundaries, sorted."""
        return sorted(v for (cc, _), v in self.units.items() if cc == country and v)

    def admin1_of(self, country: str, admin1: str) -> str | None:
        """The boundaries' spelling of a unit (accents, case, punctuation folded); a renamed
        unit's new name; an old name split into several units kept as given (it spreads over
        them all: :func:`geo._names.successors`); None when unknown."""
        if (spelled := self.units.get((country, name_key(admin1)))) is not None:
            return spelled
        known = self.names_of(country)
        if (loose := match_name(admin1, known)) is not None:  # "Donetsk" is "Donetsk Oblast"
            return loose
        after = successors(country, admin1, known)
        if len(after) == 1:
            return after[0]
        return admin1 if after else None


def _float(value: Any, loc: str, field: str, col: _Collector) -> float | None:
    """A number cell: None when empty; problems for text, NaN/infinity and other scripts."""
    if isinstance(value, bool):
        col.add(loc, field, f"{value!r} is not a number")
        return None
    text = _text(value)
    if not text:
        return None
    try:
        num = float(text)
    except (ValueError, OverflowError):
        col.add(loc, field, f"{text!r} is not a number")
        return None
    if math.isfinite(num) and not NUMBER.fullmatch(text):
        col.add(loc, field, f"{text!r} is not a plain number: write it with the digits 0-9 and "
                            "a '.' for decimals (no separators such as '_', no other scripts)")
        return None
    if not math.isfinite(num):
        col.add(loc, field, f"{text!r} is not a finite number")
        return None
    return num


def clean_record(rec: Mapping[str, Any], loc: str, ctx: _Context) -> dict[str, Any]:
    """Every text cell in NFC; invisible characters removed from free text, an error elsewhere."""
    out: dict[str, Any] = {}
    for key, value in rec.items():
        if isinstance(value, str):
            value, problem = clean_text(value, free_text=key in FREE_TEXT)
            if problem:
                ctx.col.add(loc, key, problem)
        out[key] = value
    return out


def check_controls(rec: Mapping[str, Any], loc: str, ctx: _Context) -> None:
    """No control characters in any text cell."""
    for key, value in rec.items():
        if isinstance(value, str) and (bad := _CONTROL.search(value)):
            ctx.col.add(loc, key, f"contains a control character (U+{ord(bad.group()):04X})")


def check_incident_id(rec: Mapping[str, Any], loc: str, ctx: _Context) -> str:
    """The id: present, unique in the file, safe as a key."""
    iid = _text(rec.get(C.INCIDENT_ID))
    if not iid:
        ctx.col.add(loc, C.INCIDENT_ID, "missing")
    elif iid in ctx.seen_ids:
        ctx.col.add(loc, C.INCIDENT_ID, f"duplicate {iid!r} (first at {ctx.seen_ids[iid]})")
    else:
        ctx.seen_ids[iid] = loc
        if not ctx.col.has(loc, C.INCIDENT_ID):
            _check_id(iid, loc, C.INCIDENT_ID, ctx.col)
    return iid


def check_dates(rec: Mapping[str, Any], loc: str, ctx: _Context
                ) -> tuple[Period | None, Period | None]:
    """``date`` (with ``date_precision``) and the optional ``end_date``, as periods."""
    col = ctx.col
    period = None
    try:
        period = parse_period(_text(rec.get(C.DATE)),
                              precision=_text(rec.get(C.DATE_PRECISION)).lower())
    except ValueError as exc:
        col.add(loc, C.DATE, str(exc))
    if period is not None and period.start > ctx.today:
        col.add(loc, C.DATE, f"{period.start.isoformat()} is in the future (today is "
                             f"{ctx.today.isoformat()})")
    end_text = _text(rec.get(C.END_DATE))
    if not end_text:
        return period, None
    end_period = None
    try:
        end_period = parse_period(end_text)
    except ValueError as exc:
        col.add(loc, C.END_DATE, str(exc))
    if period is not None and end_period is not None and end_period.end < period.start:
        col.add(loc, C.END_DATE, f"{end_text} is before the date {_text(rec.get(C.DATE))}")
    return period, end_period


def check_type(rec: Mapping[str, Any], loc: str, ctx: _Context) -> str:
    """The type, lower case, one of the model's vocabulary."""
    itype = _text(rec.get(C.TYPE)).lower()
    if itype not in ctx.types:
        ctx.col.add(loc, C.TYPE, f"{_text(rec.get(C.TYPE))!r} is not a known type "
                                 f"({', '.join(ctx.types)})")
    return itype


def check_units(rec: Mapping[str, Any], loc: str, ctx: _Context) -> tuple[str, str, bool]:
    """``country`` (ISO2), ``admin1`` (a unit of that country) and whether the row is outside
    the boundaries (its country is not in them: kept, never scored, never an error)."""
    col = ctx.col
    country = _text(rec.get(C.COUNTRY)).upper()
    admin1 = _text(rec.get(C.ADMIN1))
    if country and (len(country) != 2 or not (country.isascii() and country.isalpha())):
        col.add(loc, C.COUNTRY, f"{country!r} is not an ISO 3166-1 alpha-2 code")
        return country, admin1, False
    outside = bool(country and ctx.countries and country not in ctx.countries)
    if outside or not (admin1 and ctx.units):
        return country, admin1, outside
    if not country:
        col.add(loc, C.COUNTRY, "admin1 is given without its country")
    elif (spelled := ctx.admin1_of(country, admin1)) is None:
        known = ctx.names_of(country)
        col.add(loc, C.ADMIN1, f"{admin1!r} is not a first-level unit of {country} in "
                               f"the boundaries layer (known: {', '.join(known[:12])}"
                               f"{', …' if len(known) > 12 else ''})" if known else
                f"{admin1!r}: the boundaries layer has no first-level units for {country}; "
                "leave admin1 empty (geo_precision 4) or add the units")
    else:
        admin1 = spelled
    return country, admin1, outside


def check_lat_lon(rec: Mapping[str, Any], loc: str, ctx: _Context
                  ) -> tuple[float | None, float | None]:
    """``lat`` and ``lon``: numbers in range, given together (swaps are pointed out)."""
    col = ctx.col
    lat = _float(rec.get(C.LAT), loc, C.LAT, col)
    lon = _float(rec.get(C.LON), loc, C.LON, col)
    if lat is not None and not -90 <= lat <= 90:
        if lon is not None and -90 <= lon <= 90 and -180 <= lat <= 180:
            col.add(loc, C.LAT, f"{lat:g} is outside [-90, 90]: lat and lon look swapped "
                                f"(lat {lon:g}, lon {lat:g}?)")
        else:
            col.add(loc, C.LAT, f"{lat:g} is outside [-90, 90]")
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        col.add(loc, C.LON, f"{lon:g} is outside [-180, 180]")
        lon = None
    if (_text(rec.get(C.LAT)) == "") != (_text(rec.get(C.LON)) == ""):
        col.add(loc, C.LAT if _text(rec.get(C.LON)) else C.LON,
                "lat and lon must be given together")
    return lat, lon


def check_geo_precision(rec: Mapping[str, Any], loc: str, ctx: _Context) -> int | None:
    """``geo_precision`` as given (1–4), or None when empty or wrong."""
    text = _text(rec.get(C.GEO_PRECISION))
    if not text:
        return None
    if text not in _GEO_PRECISIONS:
        ctx.col.add(loc, C.GEO_PRECISION, f"{text!r} is not 1, 2, 3 or 4")
        return None
    return int(float(text))


@dataclass
class _Location:
    """Where an incident is: a point (precision 1–2), a unit (3) or a country (4)."""

    lat: float | None
    lon: float | None
    gprec: int | None
    unresolved: bool

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def check_location(rec: Mapping[str, Any], loc: str, ctx: _Context, *, country: str,
                   admin1: str, row_start: int) -> _Location:
    """Coordinates, or a place resolved through the gazetteer, or a unit; and the precision.

    ``row_start`` is the number of problems collected before this row: a place is looked up,
    and a missing location reported, only when the row has no other problem.
    """
    lat, lon = check_lat_lon(rec, loc, ctx)
    gprec = check_geo_precision(rec, loc, ctx)
    place = _text(rec.get(C.PLACE))
    no_coords = not _text(rec.get(C.LAT)) and not _text(rec.get(C.LON))
    by_place = bool(no_coords and place and gprec in (None, 1, 2))
    unresolved = by_place and not ctx.resolve_places
    if by_place and ctx.resolve_places and len(ctx.col.problems) == row_start:
        try:
            lat, lon = resolve_place(place, country=country, admin1=admin1,
                                     boundaries=ctx.boundaries)
        except PlaceError as exc:
            ctx.col.add(loc, C.PLACE, exc.problem.message)
    where = _Location(lat, lon, gprec, unresolved)
    if where.gprec is None:
        where.gprec = 1 if where.has_point else 3 if admin1 else 4 if country else None
    if len(ctx.col.problems) == row_start and not unresolved:
        _check_precision_needs(where, loc, ctx, country=country, admin1=admin1)
    return where


def _check_precision_needs(where: _Location, loc: str, ctx: _Context, *, country: str,
                           admin1: str) -> None:
    col = ctx.col
    if where.gprec is None:
        col.add(loc, C.LAT, "no location: give lat+lon, a place, admin1+country or country")
    elif where.gprec in (1, 2) and not where.has_point:
        col.add(loc, C.GEO_PRECISION, f"geo_precision {where.gprec} needs lat+lon or a place")
    elif where.gprec == 3 and not (admin1 and country):
        col.add(loc, C.ADMIN1, "geo_precision 3 (first-level unit) needs admin1 and country")
    elif where.gprec == 4 and not country:
        col.add(loc, C.COUNTRY, "geo_precision 4 (country) needs country")


def check_count(rec: Mapping[str, Any], loc: str, ctx: _Context) -> float | None:
    """``count``: people affected, a whole number written with ASCII digits, or empty."""
    text = _text(rec.get(C.COUNT))
    count = _float(rec.get(C.COUNT), loc, C.COUNT, ctx.col)
    if count is None:
        return None
    if count < 0:
        ctx.col.add(loc, C.COUNT, f"{count:g} is negative; give the number of people affected "
                                  "(empty when unknown)")
    elif count > 1e9:
        ctx.col.add(loc, C.COUNT, f"{count:g} is implausibly large")
    elif not WHOLE.fullmatch(text):
        ctx.col.add(loc, C.COUNT, f"{text!r} is not a count: write a whole number with the "
                                  "digits 0-9 only (no sign, separator, decimals or exponent)")
        return None
    return count


def check_quality(rec: Mapping[str, Any], loc: str, ctx: _Context) -> float | None:
    """``source_quality`` on the scale 1–5, or empty."""
    quality = _float(rec.get(C.SOURCE_QUALITY), loc, C.SOURCE_QUALITY, ctx.col)
    if quality is not None and not 1 <= quality <= 5:
        ctx.col.add(loc, C.SOURCE_QUALITY, f"{quality:g} is outside the scale 1–5")
    return quality


def check_visibility(rec: Mapping[str, Any], loc: str, ctx: _Context) -> str:
    """``visibility``: public or restricted (the default)."""
    visibility = _text(rec.get(C.VISIBILITY)).lower() or "restricted"
    if visibility not in {"public", "restricted"}:
        ctx.col.add(loc, C.VISIBILITY, f"{_text(rec.get(C.VISIBILITY))!r} is not public or "
                                       "restricted")
    return visibility


def check_url(rec: Mapping[str, Any], loc: str, ctx: _Context) -> str:
    """``source_url``: kept as given; a warning when it is not an http(s) link."""
    url = _text(rec.get(C.SOURCE_URL))
    if url and not re.match(r"(?i)https?://", url):
        ctx.col.warn(loc, C.SOURCE_URL, f"{url[:60]!r} is not an http(s) link; it is shown as "
                                        "text, never as a link")
    return url
