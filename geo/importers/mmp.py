"""IOM Missing Migrants Project CSV, in the layouts it has been published in.

* 2014–2020 layout: ``Web ID``, ``Reported Date`` (``Thu, 01/01/2026 - 12:00`` or
  ``January 05, 2020``), ``Number Dead``, ``Total Dead and Missing``, ``Location Coordinates``;
* 2021+ layout: ``Main ID``, ``Incident ID``, ``Incident Date`` (ISO or ``9-Jul-19``),
  ``Number of Dead``, ``Total Number of Dead and Missing``, ``Coordinates``,
  ``Country of Incident``.

Coordinates are ``lat, lon`` or WKT ``POINT (lon lat)``. Mapping (see ``docs/import.md``): id
(``Incident ID``, else ``Main ID``, else ``Web ID``; numeric ids get ``mmp-``), dead and
missing → count, ``Source Quality`` (1–5) → source_quality, ``Information Source`` →
source_name, the first http(s) link of ``URL`` → source_url, type ``death_in_transit`` (anyone
dead) or ``disappearance`` (only missing); cause of death, route and region go into notes.
MMP does not grade its coordinates; they are read as geo_precision 2 (near a place). A
cumulative count (``Incident Type`` "Cumulative Incident", or a location described as a
cumulative total) is a total over a period up to the reported date, not a one-day event: it is
written as that year, with the reported date as ``source_date`` (when it was known). An id cell
listing the parts of a split incident loses its commas (``A, B`` → ``A+B``).
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
from geo.importers._detect import COORDS, DATES, IDS, detect_any
from geo.importers._detect import mmp_layout as detect
from geo.importers._places import DETAIL, NOTE
from geo.importers._report import CATEGORY, ImportResult, finish, number_of, stage, text_of
from geo.importers._source import read_source
from geo.importers._types import MMP_TYPES, merged
from geo.importers.mapping import ImportMapping

__all__ = ["detect", "parse_coordinates", "read_mmp"]

DEAD = ("Number of Dead", "Number Dead")
MISSING = ("Minimum Estimated Number of Missing", "Number Missing")
TOTAL = ("Total Number of Dead and Missing", "Total Dead and Missing")
NEEDED = {"id": IDS, "date": DATES, "coords": COORDS}
_NOTES = (("Cause of Death", "cause"), ("Migration Route", "route"),
          ("Region of Incident", "region"), ("Incident Type", "incident type"),
          ("UNSD Geographical Grouping", "UNSD grouping"),
          ("Location Description", "location"), ("Location of Incident", "location"))
WANTED = (*IDS, *DATES, *COORDS, *DEAD, *MISSING, *TOTAL, "Country of Incident",
          "Information Source", "URL", "Source Quality", *(n for n, _ in _NOTES))
_LATLON = r"^\s*\(?\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*\)?\s*$"
_POINT = r"(?i)^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$"


def parse_coordinates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude from ``lat, lon`` or ``POINT (lon lat)`` (NaN when neither).

    Parameters
    ----------
    values
        The coordinate texts.

    Returns
    -------
    tuple of numpy.ndarray
        Latitudes and longitudes.

    Examples
    --------
    >>> lat, lon = parse_coordinates(pd.Series(["35.5, 12.6", "POINT (12.6 35.5)", "x"]))
    >>> lat.tolist(), lon.tolist()
    ([35.5, 35.5, nan], [12.6, 12.6, nan])
    """
    text = values.fillna("").astype(str)
    pair = text.str.extract(_LATLON).astype(float)
    point = text.str.extract(_POINT).astype(float)
    lat = pair[0].where(pair[0].notna(), point[1]).to_numpy(float)
    lon = pair[1].where(pair[1].notna(), point[0]).to_numpy(float)
    return lat, lon


def _counts(table: pd.DataFrame, head: Header, n: int) -> tuple[np.ndarray, np.ndarray]:
    dead = number_of(table, head.get(*DEAD), n)
    missing = number_of(table, head.get(*MISSING), n)
    total = number_of(table, head.get(*TOTAL), n)
    total = np.where(np.isnan(total), np.nansum(np.c_[dead, missing], axis=1), total)
    total = np.where(np.isnan(dead) & np.isnan(missing) & np.isnan(
        number_of(table, head.get(*TOTAL), n)), np.nan, total)
    only_missing = (np.nan_to_num(dead) == 0) & (np.nan_to_num(missing) > 0)
    return total, np.where(only_missing, "missing", "dead").astype(object)


def _cumulative(table: pd.DataFrame, head: Header, n: int) -> np.ndarray:
    """Rows that total several deaths over a period (``Incident Type`` "Cumulative Incident",
    or a location described as a cumulative total), not one event on one day."""
    kind = pd.Series(text_of(table, head.get("Incident Type"), n), dtype=object)
    where = pd.Series(text_of(table, head.get("Location Description", "Location of Incident"),
                              n), dtype=object)
    return (kind.str.casefold().str.startswith("cumulative").to_numpy(bool)
            | where.str.contains(r"(?i)\bcumulative\b", regex=True).to_numpy(bool))


def _split_ids(ids: np.ndarray) -> np.ndarray:
    """An id cell listing the parts of a split incident (``2015.MMP1, 2015.MMP2``) as one id
    without commas or spaces (``2015.MMP1+2015.MMP2``): commas break CSV-minded tools.

    >>> _split_ids(np.array(["2015.MMP1, 2015.MMP2", "7"], dtype=object)).tolist()
    ['2015.MMP1+2015.MMP2', '7']
    """
    text = pd.Series(ids, dtype=object).astype(str)
    return text.str.replace(r"\s*[,;]\s*", "+", regex=True).str.strip("+ ").to_numpy(object)


def _notes(table: pd.DataFrame, head: Header, n: int) -> np.ndarray:
    notes = pd.Series(np.full(n, "", dtype=object))
    seen = set()
    for name, label in _NOTES:
        col = head.get(name)
        if col is None or label in seen:
            continue
        seen.add(label)
        part = pd.Series(text_of(table, col, n), dtype=object)
        piece = (label + ": " + part).where(part != "", "")
        notes = notes.where(piece == "", notes.where(notes == "", notes + "; ") + piece)
    return notes.to_numpy(object)


def read_mmp(path: Path | str, *, boundaries: gpd.GeoDataFrame | None = None,
             mapping: ImportMapping | None = None,
             countries: Collection[str] | None = None) -> ImportResult:
    """Import an IOM Missing Migrants Project CSV (see the module docstring for the mapping).

    Parameters
    ----------
    path
        The CSV as downloaded from missingmigrants.iom.int or HDX.
    boundaries
        Boundaries layer: coverage flags.
    mapping
        Overrides: ``[types]`` (keys ``dead`` and ``missing``), ``[countries]``,
        ``[dates] order`` (default month-first, as the site exports).
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
    >>> p = Path(tempfile.mkdtemp()) / "mmp.csv"
    >>> _ = p.write_text("Main ID,Incident ID,Incident Date,Number of Dead,"
    ...                  "Minimum Estimated Number of Missing,Coordinates,Source Quality\\n"
    ...                  "2021.MMP1,2021.MMP1,9-Jul-21,0,5,\\"26.0, 14.4\\",4\\n")
    >>> r = read_mmp(p)
    >>> r.incidents[["date", "type", "count", "geo_precision"]].values.tolist()
    [['2021-07-09', 'disappearance', 5.0, 2]]
    """
    path = Path(path)
    mapping = mapping or ImportMapping()
    src = read_source(path, list(WANTED))
    head = Header(src.header)
    require(path, head, NEEDED, "Missing Migrants", detect_any(src.header, exclude="mmp"))
    table, frame, n = src.arrow, src, src.n
    staged = stage(n)
    field = head.get(*DATES) or ""
    dates = parse_dates(frame.series(field), src.rows, file=str(path), field=field,
                        default_order="mdy", order=mapping.date_order)
    cumulative = _cumulative(table, head, n) & (dates.error == "")
    precision = np.where(cumulative, "year", dates.precision.astype(object))
    apply_dates(staged, dates.start, precision, dates.error, field)
    staged[C.SOURCE_DATE] = np.where(cumulative, periods_to_text(
        dates.start, np.full(n, "day", dtype=object)), "").astype(object)
    staged[NOTE] = np.where(cumulative, "cumulative count: a total over a period up to the "
                            "reported date, read as that year (known from the reported date)",
                            staged[NOTE]).astype(object)
    raw_ids = text_of(table, head.get(*IDS), n)
    staged[C.INCIDENT_ID] = numeric_ids(_split_ids(raw_ids), "mmp-")
    staged[DETAIL] = np.where(raw_ids == "", f"{head.get(*IDS)} is empty", staged[DETAIL])
    staged[C.LAT], staged[C.LON] = parse_coordinates(frame.series(head.get(*COORDS) or ""))
    staged[C.GEO_PRECISION] = np.where(np.isnan(staged[C.LAT]), np.nan, 2.0)
    country_col = head.get("Country of Incident")
    if country_col:
        staged[C.COUNTRY] = to_iso2(frame.series(country_col), extra=mapping.countries)
    staged[C.COUNT], staged[CATEGORY] = _counts(table, head, n)
    staged[C.SOURCE_NAME] = text_of(table, head.get("Information Source"), n)
    url = pd.Series(text_of(table, head.get("URL"), n)).str.extract(
        r"(https?://[^\s,;]+)", expand=False).fillna("")
    staged[C.SOURCE_URL] = url.to_numpy(object)
    staged[C.SOURCE_QUALITY] = number_of(table, head.get("Source Quality"), n)
    staged[C.SOURCE_QUALITY] = np.where(np.isin(staged[C.SOURCE_QUALITY], [1, 2, 3, 4, 5]),
                                        staged[C.SOURCE_QUALITY], np.nan)
    staged[C.NOTES] = _notes(table, head, n)
    return finish(staged, rows=src.rows, source_ids=raw_ids,
                  type_map=merged(MMP_TYPES, mapping.types), category_label="dead/missing",
                  boundaries=boundaries, admin1_aliases=mapping.admin1, countries=countries,
                  messages=(f"read as {detect(src.header)}, {src.encoding}",
                            "coordinates read as geo_precision 2 (MMP does not grade them)",
                            dates.message))
