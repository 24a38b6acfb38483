"""ACLED exports: the current lower-case columns and the older upper-case ones.

Layouts recognised from the header:

* lower-case export / API (``event_id_cnty``, ``event_date``, ``time_precision``,
  ``disorder_type`` …) — with ``disorder_type`` the 2023+ layout, without it 2019–2022;
* upper-case export (``EVENT_ID_CNTY``, ``EVENT_DATE``, ``GWNO`` …), the layout before 2019,
  whose dates are ``21/07/2016`` or ``21 July 2016``.

Mapping (see ``docs/import.md``): ``time_precision`` 1/2/3 → day / the week centred on the
coded date / the calendar month; ``geo_precision`` 1/2/3 → 1/2/3 (3: admin1 from the name, or
from the point when the name is not in the boundaries); ``fatalities`` → count (0 is a count);
``source`` → source_name; ``sub_event_type`` (else ``event_type``) → type.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import columns as C
from geo.importers._common import Header, apply_dates, require
from geo.importers._countries import to_iso2
from geo.importers._dates import parse_dates
from geo.importers._detect import acled_layout as detect
from geo.importers._detect import detect_any
from geo.importers._places import DETAIL
from geo.importers._report import (
    CATEGORY,
    ImportResult,
    arrow_of,
    finish,
    number_of,
    series_of,
    stage,
    text_of,
)
from geo.importers._source import SourceTable, read_source
from geo.importers._types import ACLED_TYPES, merged
from geo.importers.mapping import ImportMapping

__all__ = ["detect", "read_acled"]

NEEDED = {"id": ("event_id_cnty",), "date": ("event_date",), "lat": ("latitude",),
          "lon": ("longitude",), "type": ("event_type",)}
WANTED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
          "iso", "iso3", "country", "admin1", "location", "latitude", "longitude",
          "geo_precision", "source", "notes", "fatalities", "actor1", "actor2")


def _dates(src: SourceTable, head: Header, rows: np.ndarray, path: Path,
           staged: dict[str, np.ndarray]) -> str:
    field = head.get("event_date") or "event_date"
    col = parse_dates(src.series(field), rows, file=str(path), field=field, default_order="dmy")
    start, prec = col.start.copy(), col.precision.astype(object).copy()
    tp = number_of(src.arrow, head.get("time_precision"), src.n)
    week = (tp == 2) & (prec == "day")
    start[week] = start[week] - np.timedelta64(3, "D")  # ACLED codes the middle of the week
    prec[week] = "week"
    prec[(tp == 3) & np.isin(prec, ["day"])] = "month"
    apply_dates(staged, start, prec, col.error, field)
    return col.message


def _country(src: SourceTable, head: Header, n: int, extra: dict[str, str]) -> np.ndarray:
    by_code = np.full(n, "", dtype=object)
    for name in ("iso", "iso3"):
        col = head.get(name)
        if col is not None:
            codes = src.series(col).str.strip()
            codes = codes.where(~codes.isin(["0", "0.0", ""]), "")
            by_code = np.where(by_code == "", to_iso2(codes, extra=extra), by_code)
    country = head.get("country")
    by_name = to_iso2(src.series(country), extra=extra) if country else by_code
    return np.where(by_code != "", by_code, by_name)


def _notes(category: np.ndarray, table: pa.Table, head: Header, n: int) -> pd.Series:
    """``sub_event_type; actor1 vs actor2: notes``, joined in Arrow (no Python loop)."""
    notes = arrow_of(table, head.get("notes"), n)
    a1 = arrow_of(table, head.get("actor1"), n)
    a2 = arrow_of(table, head.get("actor2"), n)
    actors = pc.if_else(pc.equal(a2, ""), a1, pc.binary_join_element_wise(a1, a2, " vs "))
    prefix = pc.binary_join_element_wise(
        pa.array(category, type=pa.string()),
        pc.if_else(pc.equal(actors, ""), "", pc.binary_join_element_wise("", actors, "; ")), "")
    prefix = pc.if_else(pc.equal(notes, ""), prefix,
                        pc.binary_join_element_wise(prefix, "", ": "))
    return pd.Series(pd.arrays.ArrowStringArray(
        pc.binary_join_element_wise(prefix, notes, "")))


def read_acled(path: Path | str, *, boundaries: gpd.GeoDataFrame | None = None,
               mapping: ImportMapping | None = None,
               countries: Collection[str] | None = None) -> ImportResult:
    """Import an ACLED export of any documented layout (see the module docstring).

    Parameters
    ----------
    path
        The CSV as downloaded (UTF-8, UTF-8 with BOM or cp1252/latin-1).
    boundaries
        Boundaries layer (as from :func:`geo.io.read_boundaries`): admin1 names are matched to
        it, geo_precision 3 points take their unit from it, rows outside it are flagged.
    mapping
        Overrides: ``[types]``, ``[admin1]``, ``[countries]``, ``[dates] order``.
    countries
        Keep only rows of these countries (ISO2 codes, from :func:`geo.importers.country_codes`);
        the others are listed in the report as ``country not selected``.

    Returns
    -------
    ImportResult
        ``.incidents`` (canonical table), ``.report`` and ``.summary``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "acled.csv"
    >>> _ = p.write_text("event_id_cnty,event_date,time_precision,event_type,sub_event_type,"
    ...     "iso,country,admin1,location,latitude,longitude,geo_precision,source,notes,"
    ...     "fatalities\\nCOD1,2016-07-21,1,Battles,Armed clash,180,Democratic Republic of "
    ...     "Congo,Nord-Kivu,Beni,0.49,29.47,1,Radio Okapi,Clash.,0\\n")
    >>> r = read_acled(p)
    >>> r.incidents[["incident_id", "date", "type", "country", "count"]].values.tolist()
    [['COD1', '2016-07-21', 'armed_clash', 'CD', 0.0]]
    """
    path = Path(path)
    mapping = mapping or ImportMapping()
    src = read_source(path, list(WANTED))
    layout = detect(src.header)
    head = Header(src.header)
    require(path, head, NEEDED, "ACLED", detect_any(src.header, exclude="acled"))
    table, frame, n = src.arrow, src, src.n
    staged = stage(n)
    date_msg = _dates(frame, head, src.rows, path, staged)
    ids = text_of(table, head.get("event_id_cnty"), n)
    staged[C.INCIDENT_ID] = ids
    staged[DETAIL] = np.where(ids == "", "event_id_cnty is empty", staged[DETAIL])
    sub = text_of(table, head.get("sub_event_type"), n)
    staged[CATEGORY] = np.where(sub != "", sub, text_of(table, head.get("event_type"), n))
    staged[C.LAT] = number_of(table, head.get("latitude"), n)
    staged[C.LON] = number_of(table, head.get("longitude"), n)
    gp = number_of(table, head.get("geo_precision"), n)
    staged[C.GEO_PRECISION] = np.where(np.isin(gp, [1, 2, 3]), gp, np.nan)
    staged[C.ADMIN1] = text_of(table, head.get("admin1"), n)
    staged[C.COUNTRY] = _country(frame, head, n, mapping.countries)
    staged[C.PLACE] = series_of(table, head.get("location"), n)
    staged[C.COUNT] = number_of(table, head.get("fatalities"), n)
    staged[C.SOURCE_NAME] = series_of(table, head.get("source"), n)
    staged[C.NOTES] = _notes(staged[CATEGORY], table, head, n)
    return finish(staged, rows=src.rows, source_ids=ids,
                  type_map=merged(ACLED_TYPES, mapping.types),
                  category_label="sub_event_type/event_type", boundaries=boundaries,
                  admin1_aliases=mapping.admin1, countries=countries,
                  messages=(f"read as {layout or 'ACLED export'}, {src.encoding}", date_msg))


