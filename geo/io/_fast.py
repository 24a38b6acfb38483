"""Vectorised checks of a table of incident rows.

The same rules as :mod:`geo.io._fields`, applied to whole columns at once, but only in their
plain, certainly-valid form: a row passes when every field is of the simple kind (an ISO date,
a decimal number, a known type …). Every other row, wrong or merely unusual, goes to the precise
per-row checks, which report its problems with row and field, or accept it. Both paths give the
same output for the rows they accept (``tests/test_io_fast.py`` checks that).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import columns as C
from geo import settings
from geo._dates import PRECISIONS
from geo._names import name_key
from geo.io._common import _CONTROL, _FORMULA_START
from geo.io._fields import WHOLE, _Context
from geo.io._text import INVISIBLE

_ISO = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# date_precision codes: the rank in PRECISIONS, -1 for "as the string", 99 for unknown text.
_RANKS = {"": -1, **{p: i for i, p in enumerate(PRECISIONS)}}
_GEO_PRECISIONS = {"": 0, "1": 1, "2": 2, "3": 3, "4": 4, "1.0": 1, "2.0": 2, "3.0": 3, "4.0": 4}


@dataclass
class _Dates:
    start: pd.Series
    end: pd.Series
    precision: pd.Series
    ok: np.ndarray


def _cells(table: pd.DataFrame, name: str) -> pd.Series:
    """A column's cells as stripped text ('' when the column is absent)."""
    if name not in table.columns:
        empty = pa.nulls(len(table), pa.string()).fill_null("")
        return pd.Series(empty.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", np.nan)),
                         index=table.index)
    column = table[name]
    if column.dtype == object:
        column = column.astype("str")
    return column.str.strip()


def _mask(series: pd.Series | np.ndarray) -> np.ndarray:
    return np.array(pd.Series(series).fillna(False), dtype=bool)


def _codes(text: pd.Series, table: Mapping[str, int], other: int) -> np.ndarray:
    """Each cell's code in ``table`` (a handful of values), ``other`` for any other text."""
    values = text.to_numpy()
    return np.select([values == key for key in table], list(table.values()), other)


def _periods(text: pd.Series, precision: pd.Series | None) -> _Dates:
    """Vectorised :func:`geo._dates.parse_period` for ISO strings; ok False for the rest."""
    length = np.asarray(text.str.len(), dtype=np.int64)
    ok = _mask(text.str.fullmatch(_ISO))
    padded = text.where(length != 7, text + "-01").where(length != 4, text + "-01-01")
    parsed = pd.to_datetime(padded.where(ok, None), format="%Y-%m-%d", errors="coerce")
    day = parsed.to_numpy(dtype="datetime64[D]")
    ok &= ~np.isnat(day)
    ok &= day.astype("datetime64[Y]").astype(np.int64) + 1970 >= settings.EARLIEST_YEAR
    own = np.select([length == 10, length == 7], [0, 2], 3)
    wanted = own if precision is None else _codes(precision, _RANKS, 99)
    wanted = np.where(wanted == -1, own, wanted)
    ok &= (wanted != 99) & (wanted >= own)
    month = day.astype("datetime64[M]")
    year = day.astype("datetime64[Y]")
    start = np.select([wanted == 2, wanted == 3],
                      [month.astype("datetime64[D]"), year.astype("datetime64[D]")], day)
    end = np.select(
        [wanted == 1, wanted == 2, wanted == 3],
        [day + 6, (month + 1).astype("datetime64[D]") - 1, (year + 1).astype("datetime64[D]") - 1],
        day,
    )
    names = np.array((*PRECISIONS, ""), dtype=object)[np.clip(wanted, 0, 4)]
    return _Dates(pd.Series(start.astype("datetime64[s]"), index=text.index),
                  pd.Series(end.astype("datetime64[s]"), index=text.index),
                  pd.Series(names, index=text.index), ok)


def _numbers(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Plain decimal numbers (NaN when empty); ok False for anything else."""
    given = np.array(text != "", dtype=bool)
    plain = _mask(text.str.fullmatch(_NUMBER)) & given
    cells = pa.array(text.to_numpy(dtype=object), type=pa.string(), mask=~plain)
    values = np.asarray(pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    ok = ~given | (plain & np.isfinite(values))
    return pd.Series(np.where(ok, values, np.nan), index=text.index), ok


def _nfc(cells: pd.Series) -> pd.Series:
    arr = pa.array(cells.to_numpy(dtype=object), type=pa.string())
    return pd.Series(pc.utf8_normalize(arr, "NFC").to_numpy(zero_copy_only=False),
                     index=cells.index)


def _plain_text(column: pd.Series) -> np.ndarray:
    """Cells without control or invisible characters, already in NFC."""
    cells = column.astype("str")
    ok = ~_mask(cells.str.contains(_CONTROL.pattern, regex=True))
    ok &= ~_mask(cells.str.contains(INVISIBLE.pattern, regex=True))
    arr = pa.array(cells.to_numpy(dtype=object), type=pa.string())
    ok &= np.asarray(pc.equal(pc.utf8_normalize(arr, "NFC"), arr).to_numpy(zero_copy_only=False),
                     dtype=bool)
    return ok


def fast_incidents(table: pd.DataFrame, ctx: _Context, *, suspect_text: bool = True,
                   earlier: Callable[[pd.Series], np.ndarray] | None = None
                   ) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate plain rows at once.

    ``suspect_text`` False says the file is ASCII without control characters (the reader
    checked the whole text at once), so the cells need not be searched one by one for
    control or invisible characters or text that NFC normalisation would change.
    ``earlier`` tells which ids (in NFC) an earlier batch of the same file had: those rows go
    to the per-row checks, which report the duplicate.

    Returns
    -------
    tuple
        The output columns of the accepted rows (index: position in ``table``), and a boolean
        array marking the rows the per-row checks must look at.
    """
    ok = np.ones(len(table), dtype=bool)
    if suspect_text:
        for name in table.columns:
            ok &= _plain_text(table[name])
    iid = _cells(table, C.INCIDENT_ID)
    # ids equal once in NFC are duplicates: both go to the per-row checks, which say so
    keys = _nfc(iid) if suspect_text else iid
    ok &= (iid != "").to_numpy() & ~keys.duplicated(keep=False).to_numpy()
    if earlier is not None:
        ok &= ~earlier(keys)
    ok &= ~_mask(iid.str.startswith(_FORMULA_START)) & ~_mask(iid.str.contains(r"[\t\n\r]"))
    dprec = _cells(table, C.DATE_PRECISION).str.lower()
    dtext = _cells(table, C.DATE)
    dates = _periods(dtext, dprec)
    ok &= dates.ok & _mask(dates.start <= pd.Timestamp(ctx.today))
    etext = _cells(table, C.END_DATE)
    has_end = (etext != "").to_numpy()
    ends = _periods(etext, None)
    ok &= ~has_end | (ends.ok & _mask(ends.end >= dates.start))
    itype = _cells(table, C.TYPE).str.lower()
    ok &= itype.isin(ctx.types).to_numpy()
    country, admin1, unit_ok, outside = _units(table, ctx)
    ok &= unit_ok
    where, where_ok = _location(table, country, admin1)
    ok &= where_ok
    count_text = _cells(table, C.COUNT)
    count, count_ok = _numbers(count_text)
    ok &= count_ok & ~_mask(count > 1e9)
    ok &= (count_text == "").to_numpy() | _mask(count_text.str.fullmatch(WHOLE.pattern))
    quality, quality_ok = _numbers(_cells(table, C.SOURCE_QUALITY))
    ok &= quality_ok & ~_mask((quality < 1) | (quality > 5))
    visibility = _cells(table, C.VISIBILITY).str.lower().replace("", "restricted")
    ok &= visibility.isin(["public", "restricted"]).to_numpy()
    url = _cells(table, C.SOURCE_URL)
    ok &= (url == "").to_numpy() | _mask(url.str.match(r"(?i)https?://"))
    out = pd.DataFrame(
        {
            C.INCIDENT_ID: iid,
            C.DATE: dates.start,
            C.PERIOD_END: dates.end.where(~has_end, ends.end),
            C.DATE_TEXT: dtext,
            C.END_DATE: ends.end.where(has_end, pd.NaT),
            C.DATE_PRECISION: dates.precision,
            C.TYPE: itype,
            C.GEO_PRECISION: where[C.GEO_PRECISION],
            C.PLACE: _cells(table, C.PLACE),
            C.ADMIN1: admin1,
            C.COUNTRY: country,
            C.LAT: where[C.LAT],
            C.LON: where[C.LON],
            C.COUNT: count,
            C.SOURCE_NAME: _cells(table, C.SOURCE_NAME),
            C.SOURCE_URL: url,
            C.SOURCE_DATE: _cells(table, C.SOURCE_DATE),
            C.SOURCE_QUALITY: quality,
            C.NOTES: _cells(table, C.NOTES),
            C.VISIBILITY: visibility,
            C.COVERAGE: np.where(outside, C.COVERAGE_OUTSIDE, C.COVERAGE_INSIDE),
        }
    )
    return out.loc[ok], ~ok


def _units(table: pd.DataFrame, ctx: _Context
           ) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """ISO2 countries; admin1 names matched to their spelling in the boundaries (folded); rows
    whose country is not in the boundaries (outside coverage: kept, not checked further).

    Names only an alias resolves go to the per-row checks (rows not ``ok``).
    """
    country = _cells(table, C.COUNTRY).str.upper()
    admin1 = _cells(table, C.ADMIN1)
    given = np.array(country != "", dtype=bool)
    ok = ~given | _mask(country.str.fullmatch(r"[A-Z]{2}"))
    outside = np.zeros(len(country), dtype=bool)
    if ctx.countries:
        outside = given & ~country.isin(sorted(ctx.countries)).to_numpy()
    named = np.array(admin1 != "", dtype=bool) & ~outside
    if ctx.units and named.any():
        lookup = {f"{cc}\x1f{key}": name for (cc, key), name in ctx.units.items()}
        codes, uniques = pd.factorize(admin1[named], sort=False)
        keys = np.array([name_key(u) for u in uniques], dtype=object)[codes]
        matched = (country[named] + "\x1f" + pd.Series(keys, index=admin1[named].index)
                   ).map(lookup)
        found = np.zeros(len(admin1), dtype=bool)
        found[named] = matched.notna().to_numpy()
        ok &= ~named | (given & found)
        admin1 = admin1.copy()
        admin1[named] = matched.fillna(admin1[named]).to_numpy()
    return country, admin1, ok, outside


def _location(table: pd.DataFrame, country: pd.Series, admin1: pd.Series
              ) -> tuple[pd.DataFrame, np.ndarray]:
    """lat/lon in range and given together; geo_precision given or derived, and satisfied.

    Rows located by a place name go to the per-row path (the gazetteer look-up lives there).
    """
    lat_text, lon_text = _cells(table, C.LAT), _cells(table, C.LON)
    lat, lat_ok = _numbers(lat_text)
    lon, lon_ok = _numbers(lon_text)
    has_lat, has_lon = np.array(lat_text != "", dtype=bool), np.array(lon_text != "", dtype=bool)
    ok = lat_ok & lon_ok & (has_lat == has_lon)
    ok &= ~_mask((lat < -90) | (lat > 90)) & ~_mask((lon < -180) | (lon > 180))
    gprec = _codes(_cells(table, C.GEO_PRECISION), _GEO_PRECISIONS, -1)
    ok &= gprec >= 0
    point = has_lat & has_lon
    ok &= ~((_cells(table, C.PLACE) != "").to_numpy() & ~point & (gprec <= 2))
    has_admin1, has_country = (admin1 != "").to_numpy(), (country != "").to_numpy()
    derived = np.where(point, 1, np.where(has_admin1, 3, np.where(has_country, 4, 0)))
    gprec = np.where(gprec == 0, derived, gprec)
    ok &= gprec > 0
    ok &= ~(np.isin(gprec, (1, 2)) & ~point)
    ok &= ~((gprec == 3) & ~(has_admin1 & has_country))
    ok &= ~((gprec == 4) & ~has_country)
    keep = np.isin(gprec, (1, 2)) & point
    frame = pd.DataFrame({C.GEO_PRECISION: gprec, C.LAT: lat.where(keep, np.nan),
                          C.LON: lon.where(keep, np.nan)}, index=table.index)
    return frame, ok
