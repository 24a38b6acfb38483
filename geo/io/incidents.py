"""Read and validate incidents (CSV or point GeoJSON)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo import settings
from geo.io import _fields as F
from geo.io._common import _Collector, _text
from geo.io._records import _read_incident_records
from geo.io.crs import WGS84

__all__ = ["DEFAULT_TYPES", "read_incidents"]

DEFAULT_TYPES = (
    "arrest",
    "broker_detention",
    "repatriation",
    "crackdown",
    "checkpoint",
    "border_closure",
    "transit",
)
_ALIASES = {"latitude": C.LAT, "longitude": C.LON, "long": C.LON, "lng": C.LON, "id": C.INCIDENT_ID,
            "url": C.SOURCE_URL, "source": C.SOURCE_NAME, "location": C.PLACE, "province": C.ADMIN1,
            "state": C.ADMIN1, "region": C.ADMIN1, "people": C.COUNT, "category": C.TYPE}


def _check_header(header: Sequence[str], col: _Collector) -> None:
    for name in (C.INCIDENT_ID, C.DATE, C.TYPE):
        if name not in header:
            similar = [h for h in header if h.strip().casefold() == name]
            hint = f" (found {similar[0]!r}: column names are lower case)" if similar else ""
            col.add("-", name, "required column is missing" + hint)
    known = set(C.INCIDENT_COLUMNS)
    for name in header:
        if name in known or name.strip().casefold() in (C.INCIDENT_ID, C.DATE, C.TYPE):
            continue
        folded = name.strip().casefold()
        close = ([_ALIASES[folded]] if folded in _ALIASES else
                 difflib.get_close_matches(folded, sorted(known), n=1, cutoff=0.8))
        if close:
            col.warn("-", name, f"unknown column, ignored; did you mean {close[0]!r}?")



def read_incidents(
    path: Path | str,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    types: Iterable[str] = DEFAULT_TYPES,
    encoding: str | None = None,
    today: date | None = None,
    resolve_places: bool = True,
) -> gpd.GeoDataFrame:
    """Read and validate incidents from CSV or point GeoJSON.

    Parameters
    ----------
    path
        CSV (UTF-8) or GeoJSON file following the incidents schema (``docs/inputs.md``).
    boundaries
        Boundaries layer; used to check admin1/country names, to resolve places within a unit
        and to fill ``admin1``/``country`` of point incidents.
    types
        Allowed incident types (the risk model's vocabulary).
    encoding
        Text encoding of a CSV that is not UTF-8 (a byte order mark is always dropped).
    today
        Dates after this day are rejected as in the future (default: the real date today).
    resolve_places
        Look ``place`` names up in the gazetteer. ``False`` is for a validation pass whose
        boundaries failed to load (without them ``admin1`` cannot narrow a name, so every
        ``Jining`` would be reported as ambiguous): every other field is still checked, and
        rows located only by a place name are left out of the result, which must then not be
        scored.

    Returns
    -------
    GeoDataFrame
        One row per incident in input order, EPSG:4326; the columns of the data contract.
    """
    path = Path(path)
    col = _Collector(path)
    header, records, locs = _read_incident_records(path, col, encoding)
    _check_header(header, col)
    col.raise_if_any()
    if not records:
        col.fail("-", "-", "no incidents (the file has a header but no rows)")
    ctx = F._Context(col, today or date.today(), tuple(types), boundaries, resolve_places)
    out = [row for rec, loc in zip(records, locs, strict=True)
           if (row := _incident(rec, loc, ctx)) is not None]
    col.raise_if_any()
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
    gdf[C.GEO_PRECISION] = gdf[C.GEO_PRECISION].astype("int64")
    if boundaries is not None and len(gdf):
        gdf = _place_in_units(gdf, boundaries, col)
    return gdf


def _incident(rec: Mapping[str, Any], loc: str, ctx: F._Context) -> dict[str, Any] | None:
    """One validated output row, or None when the row has a problem (reported to ``ctx``)."""
    row_start = len(ctx.col.problems)
    F.check_controls(rec, loc, ctx)
    iid = F.check_incident_id(rec, loc, ctx)
    period, end_period = F.check_dates(rec, loc, ctx)
    itype = F.check_type(rec, loc, ctx)
    country, admin1 = F.check_units(rec, loc, ctx)
    where = F.check_location(rec, loc, ctx, country=country, admin1=admin1, row_start=row_start)
    count = F.check_count(rec, loc, ctx)
    quality = F.check_quality(rec, loc, ctx)
    visibility = F.check_visibility(rec, loc, ctx)
    url = F.check_url(rec, loc, ctx)
    if len(ctx.col.problems) > row_start or period is None or where.gprec is None \
            or where.unresolved:
        return None
    point = (shapely.Point(where.lon, where.lat)
             if where.gprec in (1, 2) and where.has_point else None)
    return {
        C.INCIDENT_ID: iid,
        C.DATE: pd.Timestamp(period.start),
        C.DATE_END: pd.Timestamp(end_period.end if end_period else period.end),
        C.DATE_TEXT: _text(rec.get(C.DATE)),
        C.END_DATE: pd.Timestamp(end_period.end) if end_period else pd.NaT,
        C.DATE_PRECISION: period.precision,
        C.TYPE: itype,
        C.GEO_PRECISION: where.gprec,
        C.PLACE: _text(rec.get(C.PLACE)),
        C.ADMIN1: admin1,
        C.COUNTRY: country,
        C.LAT: where.lat if point is not None else np.nan,
        C.LON: where.lon if point is not None else np.nan,
        C.COUNT: count if count is not None else np.nan,
        C.SOURCE_NAME: _text(rec.get(C.SOURCE_NAME)),
        C.SOURCE_URL: url,
        C.SOURCE_DATE: _text(rec.get(C.SOURCE_DATE)),
        C.SOURCE_QUALITY: quality if quality is not None else np.nan,
        C.NOTES: _text(rec.get(C.NOTES)),
        C.VISIBILITY: visibility,
        C.ROW: loc,
        "geometry": point,
    }


def _place_in_units(incidents: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                    col: _Collector) -> gpd.GeoDataFrame:
    """Fill admin1/country of point incidents from the boundaries; warn on suspicious points.

    The analyst's ``country``/``admin1`` win over the polygons (simplified borders misplace
    border towns); a point far outside the unit it is said to be in gets a warning. A point
    within :data:`geo.settings.PLACE_TOLERANCE_DEG` of a unit but outside every polygon takes
    the nearest unit.
    """
    out = incidents.copy()
    tol = settings.PLACE_TOLERANCE_DEG
    geoms = boundaries.geometry.values
    tree = shapely.STRtree(geoms)
    cc_of = boundaries[C.COUNTRY].to_numpy()
    a1_of = boundaries[C.ADMIN1].to_numpy()
    countries = list(out[C.COUNTRY])
    admins = list(out[C.ADMIN1])
    for i, p in enumerate(out.geometry.values):
        if p is None:
            continue
        loc = out[C.ROW].iat[i]
        hits = tree.query(p, predicate="intersects")
        if not len(hits):
            hits = tree.query_nearest(p, max_distance=tol, all_matches=False)
        if not len(hits):
            swapped = shapely.Point(p.y, p.x)
            if -90 <= p.x <= 90 and len(tree.query(swapped, predicate="intersects")):
                col.warn(loc, C.LAT, f"({p.y:g}, {p.x:g}) lies outside every boundary but "
                                     f"(lat {p.x:g}, lon {p.y:g}) lies inside: are lat and lon "
                                     "swapped?")
            else:
                col.warn(loc, C.LAT, f"({p.y:g}, {p.x:g}) lies outside every unit of the "
                                     "boundaries layer; check lat and lon")
            continue
        cc, a1 = str(cc_of[hits[0]]), str(a1_of[hits[0]])
        given_cc, given_a1 = countries[i], admins[i]
        if not given_cc:
            countries[i], admins[i] = cc, a1
            continue
        if given_cc != cc or (given_a1 and given_a1 != a1):
            mask = (boundaries[C.COUNTRY] == given_cc).to_numpy()
            if given_a1:
                mask = mask & (boundaries[C.ADMIN1] == given_a1).to_numpy()
            unit = shapely.union_all(geoms[mask]) if mask.any() else None
            if unit is not None and not shapely.dwithin(unit, p, tol):
                said = f"{given_a1}, {given_cc}" if given_a1 else given_cc
                col.warn(loc, C.ADMIN1 if given_a1 else C.COUNTRY,
                         f"the point ({p.y:g}, {p.x:g}) lies in {a1 + ', ' if a1 else ''}{cc}, "
                         f"not in {said}; check lat/lon or {C.COUNTRY}/{C.ADMIN1}")
        elif not given_a1:
            admins[i] = a1
    return out.assign(**{C.COUNTRY: countries, C.ADMIN1: admins})
