"""UCDP Georeferenced Event Dataset (GED) CSV, as published and as redistributed by HDX.

The HDX copies add a column and a row of HXL hashtags (``#date+start`` …) under the header; the
tag row is skipped and said so. Mapping (see ``docs/import.md``):

* dates: ``date_start``–``date_end`` give the period; ``date_prec`` (1 day, 2 two to six days,
  3 week, 4 month, 5 more than a month) never makes it finer. A range of days is written as it
  is (``date`` its first day, ``end_date`` its last: two days stay two days); a single day that
  ``date_prec`` 2–3 says is uncertain becomes the 7 days from it, 4 the calendar month, 5 the
  calendar year; a range across two years cannot be written honestly and the row is reported.
* places: ``where_prec`` 1 → 1; 2 → 2; 3 (second-order unit, centroid) → 2 (near a place: the
  point is a district centroid, the bandwidth widens); 4 (first-order unit) → 3; 5 (parts of a
  country larger than a province, linear features) and 6 (country) → 4; 7 (international waters
  or airspace) → 2 with no country, noted in the report.
* ``best`` → count; ``source_office`` (else ``source_article``) → source_name; the first ISO
  date of ``source_date`` → source_date; ``type_of_violence`` → type.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo.importers._common import Header, apply_dates, numeric_ids, require
from geo.importers._countries import to_iso2
from geo.importers._dates import parse_dates, periods_to_text
from geo.importers._detect import detect_any
from geo.importers._detect import ucdp_layout as detect
from geo.importers._places import DETAIL, NOTE
from geo.importers._report import CATEGORY, ImportResult, finish, number_of, stage, text_of
from geo.importers._source import SourceTable, read_source
from geo.importers._types import UCDP_TYPES, merged
from geo.importers.mapping import ImportMapping

__all__ = ["WHERE_PREC", "detect", "read_ucdp"]

NEEDED = {"id": ("id",), "start": ("date_start",), "end": ("date_end",),
          "lat": ("latitude",), "lon": ("longitude",), "type": ("type_of_violence",)}
WANTED = ("id", "date_prec", "date_start", "date_end", "type_of_violence", "conflict_name",
          "side_a", "side_b", "where_prec", "where_coordinates", "where_description", "adm_1",
          "latitude", "longitude", "country", "best", "source_article", "source_office",
          "source_date", "source_headline")
WHERE_PREC = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 4, 7: 2}
_ADMIN_WORDS = (r"\s+(province|region|state|district|governorate|department|county|oblast|"
                r"prefecture|division|municipality|territory)$")


def _period(start: np.ndarray, end: np.ndarray, prec_code: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start, precision, error and end day (NaT: none) of the routerisk date of [start, end].

    A range of days within a year whose ``date_prec`` does not say "month" or coarser is
    written as it is: the first day and ``end_date`` the last (two days stay two days). A single
    day whose ``date_prec`` says 2–6 days or a week is the 7 days from it; ``date_prec`` 4 the
    calendar month, 5 the calendar year.
    """
    end = np.where(np.isnat(end), start, end)
    span = (end - start).astype("timedelta64[D]").astype(np.int64)
    same_m = start.astype("datetime64[M]") == end.astype("datetime64[M]")
    same_y = start.astype("datetime64[Y]") == end.astype("datetime64[Y]")
    code = np.nan_to_num(prec_code, nan=1.0)
    need = np.select([code >= 5, code == 4, code >= 2], [3, 2, 1], 0)
    interval = (span > 0) & same_y & (need <= 1)
    rank = np.select([span == 0, same_m, same_y], [0, 2, 3], 4)
    rank = np.where(interval, 0, np.maximum(rank, need))
    prec = np.array(["day", "week", "month", "year", ""], dtype=object)[rank]
    error = np.where(rank == 4, "date_start and date_end lie in different years: no routerisk "
                     "period holds the range", "").astype(object)
    return start, prec, error, np.where(interval, end, np.datetime64("NaT"))


def _dates(src: SourceTable, head: Header, rows: np.ndarray, path: Path,
           staged: dict[str, np.ndarray]) -> str:
    s_field, e_field = head.get("date_start") or "", head.get("date_end") or ""
    starts, ends = src.series(s_field), src.series(e_field)
    s = parse_dates(starts, rows, file=str(path), field=s_field, default_order="dmy")
    e = parse_dates(ends.where(ends.str.strip() != "", starts), rows, file=str(path),
                    field=e_field, default_order="dmy")
    start, prec, error, last = _period(s.start, e.start,
                                       number_of(src.arrow, head.get("date_prec"), src.n))
    error = np.where(s.error != "", s.error, error)
    prec = np.where(s.error != "", "", prec)
    apply_dates(staged, np.where(error == "", start, np.datetime64("NaT")), prec, error, s_field)
    staged[C.END_DATE] = np.where(staged[C.DATE] == "", "", periods_to_text(
        last, np.full(len(last), "day", dtype=object))).astype(object)
    return s.message


def read_ucdp(path: Path | str, *, boundaries: gpd.GeoDataFrame | None = None,
              mapping: ImportMapping | None = None,
              countries: Collection[str] | None = None) -> ImportResult:
    """Import a UCDP GED CSV (see the module docstring for the mapping).

    Parameters
    ----------
    path
        The GED CSV, as published by UCDP or as an HDX copy (HXL tag row).
    boundaries
        Boundaries layer: admin1 of where_prec 4 rows from the point, coverage flags.
    mapping
        Overrides: ``[types]`` (keys ``"1"``, ``"2"``, ``"3"``), ``[admin1]``, ``[countries]``.
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
    >>> header = ("id,date_prec,date_start,date_end,type_of_violence,where_prec,adm_1,"
    ...           "latitude,longitude,country,best")
    >>> p = Path(tempfile.mkdtemp()) / "ged.csv"
    >>> _ = p.write_text(header + "\\n300001,4,2019-04-01,2019-04-30,3,1,,0.49,29.47,"
    ...                  "DR Congo (Zaire),7\\n")
    >>> read_ucdp(p).incidents[["incident_id", "date", "type", "country"]].values.tolist()
    [['ucdp-300001', '2019-04', 'attack_on_civilians', 'CD']]
    """
    path = Path(path)
    mapping = mapping or ImportMapping()
    src = read_source(path, list(WANTED))
    head = Header(src.header)
    require(path, head, NEEDED, "UCDP GED", detect_any(src.header, exclude="ucdp"))
    table, frame, n = src.arrow, src, src.n
    staged = stage(n)
    date_msg = _dates(frame, head, src.rows, path, staged)
    raw_ids = text_of(table, head.get("id"), n)
    staged[C.INCIDENT_ID] = numeric_ids(raw_ids, "ucdp-")
    staged[DETAIL] = np.where(raw_ids == "", "id is empty", staged[DETAIL])
    staged[CATEGORY] = pd.Series(text_of(table, head.get("type_of_violence"), n)).str.replace(
        r"\.0$", "", regex=True).to_numpy(object)
    staged[C.LAT] = number_of(table, head.get("latitude"), n)
    staged[C.LON] = number_of(table, head.get("longitude"), n)
    wp = number_of(table, head.get("where_prec"), n)
    staged[C.GEO_PRECISION] = pd.Series(wp).map(WHERE_PREC).to_numpy(float)
    adm1 = pd.Series(text_of(table, head.get("adm_1"), n)).str.replace(
        _ADMIN_WORDS, "", regex=True, case=False)
    staged[C.ADMIN1] = np.where(wp == 4, adm1.to_numpy(object), "").astype(object)
    country = to_iso2(frame.series(head.get("country") or ""), extra=mapping.countries) \
        if head.get("country") else np.full(n, "", dtype=object)
    staged[C.COUNTRY] = np.where(wp == 7, "", country).astype(object)
    staged[NOTE] = np.where(wp == 7, "international waters or airspace: where_prec 7 read as "
                            "an approximate point (geo_precision 2)", "").astype(object)
    staged[C.PLACE] = text_of(table, head.get("where_coordinates"), n)
    staged[C.COUNT] = number_of(table, head.get("best"), n)
    office = text_of(table, head.get("source_office"), n)
    article = text_of(table, head.get("source_article"), n)
    staged[C.SOURCE_NAME] = np.where(office != "", office, article)
    sdate = pd.Series(text_of(table, head.get("source_date"), n)).str.extract(
        r"(\d{4}-\d{2}-\d{2})", expand=False).fillna("")
    staged[C.SOURCE_DATE] = np.where(sdate.to_numpy(object) >= staged[C.DATE], sdate, "").astype(
        object)
    notes = pd.Series(text_of(table, head.get("conflict_name"), n), dtype=object)
    sides = pd.Series(text_of(table, head.get("side_a"), n), dtype=object) + " vs " + \
        pd.Series(text_of(table, head.get("side_b"), n), dtype=object)
    where = pd.Series(text_of(table, head.get("where_description"), n), dtype=object)
    staged[C.NOTES] = (notes + ": " + sides + where.where(where == "", "; " + where)).to_numpy(
        object)
    messages = [f"read as {detect(src.header)}, {src.encoding}"]
    if src.hxl:
        messages.append("skipped the HXL #tag row under the header (an HDX copy)")
    messages.append(date_msg)
    return finish(staged, rows=src.rows, source_ids=raw_ids,
                  type_map=merged(UCDP_TYPES, mapping.types), category_label="type_of_violence",
                  boundaries=boundaries, admin1_aliases=mapping.admin1, countries=countries,
                  messages=messages)
