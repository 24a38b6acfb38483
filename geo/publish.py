"""Generalise incidents for publication outside the organisation (``routerisk build --public``).

The pipeline applies :func:`make_public` to the validated incidents *before* scoring, so every
output (map, tables, images, scores and their explanations) is computed from the public frame
and nothing finer can be read off any of them.

Rules, applied to each incident in input order:

1. **Restricted rows** (``visibility`` restricted, the default) are dropped: action
   ``suppressed``. They still appear in ``incidents_fate.csv`` as ``rejected``, so nothing is
   lost silently.
2. **Points** (``geo_precision`` 1–2) become their first-level unit: geometry None,
   ``geo_precision`` 3, ``lat``/``lon`` NaN (action ``generalised``, field ``geometry``). Where
   the unit is a country without first-level data, or the point's first-level unit is unknown,
   the country (``geo_precision`` 4). A point in no unit of any country is suppressed.
3. **Place names** are removed for every row (a town is finer than its unit): ``removed``.
4. **Dates** finer than a month (day, week) become the month: ``date_text`` ``YYYY-MM``,
   ``date_precision`` month, ``date`` the first and ``period_end`` the last day of the month (of
   the month of the old ``period_end`` when a week runs into the next month, so the public period
   always contains the true one). A day-level ``end_date`` moves to the end of its month;
   ``source_date`` is cut to ``YYYY-MM`` (removed when it is not an ISO date).
5. **Notes and source URLs** are removed (source names stay).
6. **Small counts**: a ``count`` below ``min_count`` becomes NaN (unknown), action
   ``count suppressed``. The row stays: that the event happened is public reporting; only the
   small number, which could point to individuals, is withheld. Scores then treat the count as
   unknown, identically in the HTML, the CSV files and the images.

7. **Identifiers**: every published incident gets an opaque, stable public id in place of its
   original ``incident_id`` (which can name a place, a type and a day):
   ``inc-`` + the first 16 hex digits of HMAC-SHA256(key, original id). The same key gives the
   same public id in every release, so readers can follow an incident from one release to the
   next, but nobody without the key can tell the original id or test a guess. The key is a
   file outside every output folder (:func:`load_id_key`: ``--id-key FILE``, by default
   ``~/.config/routerisk/public-id.key``, made on first use); share that one file within the
   organisation to keep public ids the same across its machines. Source row numbers are
   blanked too (their gaps would show where suppressed rows were). A restricted build can
   write ``public_id_map.csv`` (original id → public id, ``--write-id-map``) for the
   organisation's own use; a public build never does.

Each change to a published row is one manifest entry ``{"incident_id", "action", "field",
"reason"}`` with its public id; suppressed rows are entries without an id (``incident_id``
empty), and the public fate table and manifest give them only as counts per reason. Reasons
never quote the original value (no coordinates, day, note, URL or count), only the rule and the
public result.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo import settings
from geo._errors import UsageError
from geo._public_ids import default_key_file, id_map, load_id_key, public_id, public_ids

__all__ = [
    "ACTIONS",
    "count_threshold",
    "default_key_file",
    "id_map",
    "load_id_key",
    "make_public",
    "public_id",
    "public_ids",
    "suppressed_fate",
    "write_manifest",
]

log = logging.getLogger(__name__)

ACTIONS = ("suppressed", "generalised", "removed", "count suppressed")
_FINER_THAN_MONTH = {"day", "week"}
_ISO_DAY = re.compile(r"^([0-9]{4}-[0-9]{2})-[0-9]{2}$")
_ISO_COARSE = re.compile(r"^[0-9]{4}(-[0-9]{2})?$")


def suppressed_fate(manifest: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Fate rows for the incidents a public build did not publish.

    One row per reason, with the number of incidents and no id.

    Parameters
    ----------
    manifest
        Entries from :func:`make_public`.

    Returns
    -------
    pandas.DataFrame
        ``incident_id`` (empty), ``status`` (``rejected``), ``reason``.

    Examples
    --------
    >>> m = [{"incident_id": "", "action": "suppressed", "field": "visibility",
    ...       "reason": "restricted row"}] * 2
    >>> print(suppressed_fate(m).to_csv(index=False).strip())
    incident_id,status,reason
    ,rejected,not published: restricted row (2 incidents)
    """
    counts = Counter(str(m["reason"]) for m in manifest if m.get("action") == "suppressed")
    reasons = [f"not published: {r} ({n} incident{'s' if n != 1 else ''})"
               for r, n in sorted(counts.items())]
    return pd.DataFrame({C.INCIDENT_ID: [""] * len(reasons),
                         C.STATUS: ["rejected"] * len(reasons), C.REASON: reasons})


def _entry(incident_id: str, action: str, field: str, reason: str) -> dict[str, str]:
    return {C.INCIDENT_ID: incident_id, "action": action, "field": field, "reason": reason}


def _unit_of(point: Any, country: str, boundaries: gpd.GeoDataFrame, tree: shapely.STRtree
             ) -> tuple[str, str]:
    """``(country, admin1)`` of the unit holding a point ("" when unknown)."""
    hits = tree.query(point, predicate="intersects")
    if not len(hits):
        hits = tree.query_nearest(point, max_distance=settings.PLACE_TOLERANCE_DEG,
                                  all_matches=False)
    for h in hits:
        cc = str(boundaries[C.COUNTRY].iat[h])
        if not country or cc == country:
            return cc, str(boundaries[C.ADMIN1].iat[h])
    return country, ""


def count_threshold(min_count: int | None) -> int:
    """The publication threshold of ``count``.

    Parameters
    ----------
    min_count
        The threshold asked for; ``None``: :data:`geo.settings.PUBLIC_MIN_COUNT`.

    Returns
    -------
    int
        The threshold (a :class:`geo.UsageError` when it is below 0).

    Examples
    --------
    >>> count_threshold(None) == settings.PUBLIC_MIN_COUNT, count_threshold(0)
    (True, 0)
    """
    threshold = settings.PUBLIC_MIN_COUNT if min_count is None else min_count
    if threshold < 0:
        raise UsageError(f"must be 0 or more, not {threshold}", field="min_count")
    return threshold


def make_public(
    incidents: gpd.GeoDataFrame,
    *,
    boundaries: gpd.GeoDataFrame,
    key: bytes,
    min_count: int | None = None,
) -> tuple[gpd.GeoDataFrame, list[dict[str, str]]]:
    """Incidents fit for publication, and the manifest of every change made.

    Parameters
    ----------
    incidents
        Incidents as returned by :func:`geo.io.read_incidents`.
    boundaries
        The boundaries layer, to find the first-level unit of a point whose ``admin1`` is not
        known.
    key
        Secret key of the public ids (:func:`load_id_key`).
    min_count
        Counts below this are withheld (default :data:`geo.settings.PUBLIC_MIN_COUNT`, read at
        call time); 0 withholds none.

    Returns
    -------
    incidents : GeoDataFrame
        A new frame with the same columns and the index labels of the rows kept, each with its
        public id in ``incident_id`` and an empty source ``row``.
    manifest : list of dict
        ``{"incident_id", "action", "field", "reason"}`` per change, in input order; the
        public id for a published row, empty for a suppressed one.

    Raises
    ------
    UsageError
        When ``min_count`` is negative.

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"country": ["AA"], "admin1": ["West"]},
    ...                          geometry=[shapely.box(-1, -1, 1, 1)], crs=4326)
    >>> day, two = pd.Timestamp("2020-06-03"), ["", ""]
    >>> inc = gpd.GeoDataFrame(
    ...     {"incident_id": ["a", "b"], "date": [day, day], "period_end": [day, day],
    ...      "date_text": ["2020-06-03"] * 2, "end_date": [pd.NaT] * 2,
    ...      "date_precision": ["day"] * 2, "geo_precision": [1, 1], "place": ["Xa", ""],
    ...      "admin1": ["West"] * 2, "country": ["AA"] * 2, "lat": [0.5] * 2, "lon": [0.5] * 2,
    ...      "count": [2.0, 40.0], "source_date": two, "notes": ["met at the station", ""],
    ...      "source_url": two, "visibility": ["public", "restricted"]},
    ...     geometry=[shapely.Point(0.5, 0.5)] * 2, crs=4326)
    >>> public, manifest = make_public(inc, boundaries=units, key=bytes(32), min_count=5)
    >>> print(public.to_csv(columns=["incident_id", "geo_precision", "date_text", "count",
    ...                              "notes", "lat"], index=False).strip())
    incident_id,geo_precision,date_text,count,notes,lat
    inc-9615a95d4a336118,3,2020-06,,,
    >>> public.geometry.isna().all()
    np.True_
    >>> sorted({m["incident_id"] for m in manifest})  # the suppressed row has no id
    ['', 'inc-9615a95d4a336118']
    >>> for m in manifest:
    ...     print(m["action"], m["field"], "|", m["reason"])
    generalised geometry | point (geo_precision 1–2) published as its first-level unit West, AA
    removed place | place names are finer than the first-level unit
    generalised date | day date published to the month
    removed notes | notes are never published
    count suppressed count | count below the publication threshold of 5
    suppressed visibility | restricted row
    """
    threshold = count_threshold(min_count)
    rows = _Rows(incidents)
    visible = np.array([str(v) == "public" for v in rows.get(C.VISIBILITY, "restricted")],
                       dtype=bool)
    rows.add(~visible, lambda k: _entry("", "suppressed", C.VISIBILITY, "restricted row"))
    ids = [i if ok else "" for i, ok in zip(public_ids(incidents[C.INCIDENT_ID].tolist(), key=key),
                                            visible.tolist(), strict=True)]
    kept = _generalise_points(rows, incidents, visible, ids, boundaries)
    for fld, action, why in _BLANKED:
        if fld == C.DATE:
            _generalise_dates_of(rows, kept, ids)
            continue
        present = np.array([bool(str(v or "")) for v in rows.get(fld, None)], dtype=bool)
        rows.set(fld, kept & present, "")
        rows.add(kept & present, lambda k, fld=fld, action=action, why=why: _entry(
            ids[k], action, fld, why))
    counts = np.asarray(pd.to_numeric(incidents[C.COUNT]), dtype=float)
    small = kept & (np.nan_to_num(counts, nan=np.inf, posinf=np.inf) < threshold)
    rows.set(C.COUNT, small, np.nan)
    rows.add(small, lambda k: _entry(ids[k], "count suppressed", C.COUNT,
                                     f"count below the publication threshold of {threshold}"))
    if C.ROW in incidents.columns:  # source row numbers: their gaps would show suppressed rows
        rows.set(C.ROW, kept, "")
    published = np.asarray(ids, dtype=object)[kept]
    rows.set(C.INCIDENT_ID, kept, published)
    if len(set(published.tolist())) != len(published):  # 64-bit ids: practically never
        raise UsageError("two incidents got the same public id; use another key",
                         field="id_key")
    return rows.frame(kept), rows.manifest()


#: Text fields published blank, in the order their rules apply (dates come between).
_BLANKED = ((C.PLACE, "removed", "place names are finer than the first-level unit"),
            (C.DATE, "", ""),
            (C.NOTES, "removed", "notes are never published"),
            (C.SOURCE_URL, "removed", "source URLs are never published"))


class _Rows:
    """The columns of an incidents frame being published, changed rule by rule, and the
    manifest entries of each rule (put in input order, then rule order, at the end)."""

    def __init__(self, incidents: gpd.GeoDataFrame) -> None:
        self.source = incidents
        self.columns: dict[str, Any] = {}
        self.changed: set[str] = set()
        self.positions: list[np.ndarray] = []
        self.entries: list[dict[str, str]] = []

    def get(self, name: str, default: Any) -> list[Any]:
        """The values of a column (``default`` for each row when there is no such column)."""
        names = self.source.columns
        return list(self.values(name)) if name in names else [default] * len(self.source)

    def values(self, name: str) -> Any:
        if name not in self.columns:
            col = self.source[name]
            numeric = col.dtype.kind in "biufM" or name == self.source.geometry.name
            self.columns[name] = (col.to_numpy(copy=True) if numeric
                                  else np.asarray(col.tolist(), dtype=object))
        return self.columns[name]

    def set(self, name: str, mask: np.ndarray, value: Any) -> None:
        if mask.any():
            self.values(name)[mask] = value
            self.changed.add(name)

    def add(self, mask: np.ndarray, entry: Any) -> None:
        where = np.flatnonzero(mask)
        self.positions.append(where)
        self.entries.extend(entry(k) for k in where.tolist())

    def manifest(self) -> list[dict[str, str]]:
        if not self.entries:
            return []
        position = np.concatenate(self.positions)
        rule = np.repeat(np.arange(len(self.positions)), [len(p) for p in self.positions])
        return [self.entries[k] for k in np.lexsort((rule, position)).tolist()]

    def frame(self, kept: np.ndarray) -> gpd.GeoDataFrame:
        src = self.source
        out = src.iloc[np.flatnonzero(kept)].copy()
        for name in sorted(self.changed):
            values = self.columns[name]
            if name == src.geometry.name:
                out[name] = gpd.GeoSeries(values[kept], index=out.index, crs=src.crs)
            else:
                out[name] = pd.Series(values[kept], index=out.index).astype(src[name].dtype)
        return out


def _generalise_points(rows: _Rows, incidents: gpd.GeoDataFrame, visible: np.ndarray,
                       ids: list[str], boundaries: gpd.GeoDataFrame) -> np.ndarray:
    """Rule 2: points become their unit (or are suppressed outside every unit); the rows kept."""
    geometry_name = incidents.geometry.name
    precise = visible & (np.asarray(incidents[C.GEO_PRECISION], dtype=np.int64) <= 2)
    countries = [str(v) for v in incidents[C.COUNTRY].tolist()]
    units = [str(v) for v in incidents[C.ADMIN1].tolist()]
    geoms = incidents.geometry.to_numpy()
    tree = shapely.STRtree(boundaries.geometry.values)
    for k in np.flatnonzero(precise).tolist():
        if not units[k] and geoms[k] is not None:
            countries[k], units[k] = _unit_of(geoms[k], countries[k], boundaries, tree)
    outside = precise & np.array([not c for c in countries], dtype=bool)
    rows.add(outside, lambda k: _entry("", "suppressed", "geometry",
                                       "point outside every unit of the boundaries layer; it "
                                       "cannot be generalised"))
    moved = precise & ~outside
    kept = visible & ~outside
    rows.set(geometry_name, moved, None)
    rows.set(C.LAT, moved, np.nan)
    rows.set(C.LON, moved, np.nan)
    unit_of_moved = np.asarray(units, dtype=object)[moved]
    rows.set(C.COUNTRY, moved, np.asarray(countries, dtype=object)[moved])
    rows.set(C.ADMIN1, moved, unit_of_moved)
    rows.set(C.GEO_PRECISION, moved, np.where(unit_of_moved != "", 3, 4))

    def entry(k: int) -> dict[str, str]:
        unit = (f"first-level unit {units[k]}, {countries[k]}" if units[k]
                else f"country {countries[k]}")
        return _entry(ids[k], "generalised", "geometry",
                      f"point (geo_precision 1–2) published as its {unit}")

    rows.add(moved, entry)
    return kept


def _month_ends(values: np.ndarray) -> np.ndarray:
    """The last day of each value's month (midnight), in the values' unit."""
    return ((values.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1).astype(
        values.dtype)


def _generalise_dates_of(rows: _Rows, kept: np.ndarray, ids: list[str]) -> None:
    """Rule 4 on every row kept: dates finer than a month cut to the month, end dates to
    the end of their month, ISO source dates to ``YYYY-MM`` (others removed)."""
    precision = rows.values(C.DATE_PRECISION)
    fine = kept & np.isin(precision.astype(str), sorted(_FINER_THAN_MONTH))
    start = rows.values(C.DATE)
    period_end = rows.values(C.PERIOD_END)
    if fine.any():
        months = start[fine].astype("datetime64[M]")
        month = months.astype(np.int64)
        rows.set(C.DATE_TEXT, fine, np.asarray(
            [f"{y:04d}-{m:02d}" for y, m in zip((month // 12 + 1970).tolist(),
                                                (month % 12 + 1).tolist(), strict=True)],
            dtype=object))
        rows.set(C.PERIOD_END, fine, _month_ends(np.maximum(period_end[fine], start[fine])))
        rows.set(C.DATE, fine, months.astype(start.dtype))
    names = precision.copy()
    rows.add(fine, lambda k: _entry(ids[k], "generalised", C.DATE,
                                    f"{names[k]} date published to the month"))
    rows.set(C.DATE_PRECISION, fine, "month")
    _cut_date_texts(rows, kept, ids)
    end = rows.values(C.END_DATE)
    ending = kept & ~np.isnat(end)
    ending[ending] = end[ending] != _month_ends(end[ending])
    if ending.any():
        rows.set(C.END_DATE, ending, _month_ends(end[ending]))
        rows.set(C.PERIOD_END, ending, np.maximum(period_end[ending], end[ending]))
    rows.add(ending, lambda k: _entry(ids[k], "generalised", C.END_DATE,
                                      "end date published to the end of its month"))
    cut: dict[int, str] = {}
    for k, v in enumerate(rows.get(C.SOURCE_DATE, None)):
        text = str(v or "").strip()
        if kept[k] and text and not _ISO_COARSE.match(text):
            day = _ISO_DAY.match(text)
            cut[k] = day.group(1) if day else ""
    where = np.isin(np.arange(len(kept)), list(cut))
    rows.set(C.SOURCE_DATE, where, np.asarray(list(cut.values()), dtype=object))
    rows.add(where, lambda k: _entry(
        ids[k], "generalised" if cut[k] else "removed", C.SOURCE_DATE,
        "source date published to the month" if cut[k] else
        "source date is not an ISO date and cannot be cut to a month"))


def _cut_date_texts(rows: _Rows, kept: np.ndarray, ids: list[str]) -> None:
    """``date_text`` no finer than the row's stated precision: ``2024-08-21`` given with
    ``date_precision`` month is published as ``2024-08`` (the day was never public)."""
    precision = rows.values(C.DATE_PRECISION).astype(str)
    texts = rows.values(C.DATE_TEXT)
    start = rows.values(C.DATE)
    width = {"month": 7, "year": 4}
    cut = np.zeros(len(kept), dtype=bool)
    new = np.empty(len(kept), dtype=object)
    for k in np.flatnonzero(kept & np.isin(precision, list(width))).tolist():
        stamp = str(np.datetime_as_string(start[k], unit="D"))[:width[precision[k]]]
        if str(texts[k] or "") != stamp:
            cut[k], new[k] = True, stamp
    rows.set(C.DATE_TEXT, cut, new[cut])
    rows.add(cut, lambda k: _entry(ids[k], "generalised", C.DATE_TEXT,
                                   f"date text published at its stated precision "
                                   f"({precision[k]})"))


def write_manifest(manifest: Sequence[dict[str, Any]], path: Path, *,
                   min_count: int | None = None) -> None:
    """Write the manifest as deterministic JSON: a summary and the entries in order.

    The file holds only public incident ids, the action, the field and the rule that applied,
    never the original values; suppressed rows appear only as counts per reason.

    Parameters
    ----------
    manifest
        Entries from :func:`make_public`.
    path
        The ``.json`` file.
    min_count
        The count threshold the build used (recorded, so that two public outputs made with
        different thresholds can be told apart before anyone differences them).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_manifest([], Path(tmp) / "m.json")
    ...     json.loads((Path(tmp) / "m.json").read_text())["about"][:19]
    'What routerisk buil'
    """
    doc = {
        "about": "What routerisk build --public generalised, removed or suppressed before "
                 "scoring; every output beside this file was computed from the public data. "
                 "Incident ids are opaque public ids; suppressed rows are only counted.",
        "rules": [
            "incident ids are replaced by opaque public ids (keyed hash); source row numbers "
            "are removed",
            "restricted rows are not published (suppressed)",
            "point locations are published as their first-level unit (or country)",
            "place names, notes and source URLs are removed",
            "dates finer than a month are published to the month",
            "counts below the threshold are withheld (count suppressed); the row stays",
        ],
        "min_count": settings.PUBLIC_MIN_COUNT if min_count is None else int(min_count),
        "summary": dict(sorted(Counter(str(m["action"]) for m in manifest).items())),
        "suppressed": dict(sorted(Counter(str(m["reason"]) for m in manifest
                                          if m["action"] == "suppressed").items())),
        "entries": [{k: str(m[k]) for k in (C.INCIDENT_ID, "action", "field", "reason")}
                    for m in manifest if m["action"] != "suppressed"],
    }
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
