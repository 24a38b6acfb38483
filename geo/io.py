"""Read and validate the three input layers: boundaries, corridors and incidents.

Every loader returns a new GeoDataFrame in EPSG:4326 or raises one :class:`ValidationError`
holding every problem of the file, each as ``FILE:ROW_OR_FEATURE: field: what is wrong``.
Suspicious but acceptable input (for example coordinates that look swapped) is reported with an
:class:`InputWarning`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape

from geo import columns as C
from geo._dates import parse_period
from geo._errors import InputWarning, PlaceError, Problem, ValidationError
from geo._gazetteer import find_candidates

__all__ = [
    "DEFAULT_TYPES",
    "WGS84",
    "read_boundaries",
    "read_corridors",
    "read_incidents",
    "resolve_place",
    "study_crs",
]

log = logging.getLogger(__name__)

WGS84 = pyproj.CRS.from_epsg(4326)
DEFAULT_TYPES = (
    "arrest",
    "broker_detention",
    "repatriation",
    "crackdown",
    "checkpoint",
    "border_closure",
    "transit",
)
_VECTOR_SUFFIXES = {".geojson", ".json"}
_POLYGONAL = {"Polygon", "MultiPolygon"}
_LINEAR = {"LineString", "MultiLineString"}


# --------------------------------------------------------------------------- helpers


class _Collector:
    """Gathers problems for one file and raises them together."""

    def __init__(self, path: Path | str):
        self.file = str(path)
        self.problems: list[Problem] = []

    def add(self, location: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, location, field, message))

    def warn(self, location: str, field: str, message: str) -> None:
        warnings.warn(InputWarning(Problem(self.file, location, field, message)), stacklevel=3)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def _text(value: Any) -> str:
    """A cell as stripped text; None/NaN become the empty string."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def study_crs(*layers: gpd.GeoDataFrame) -> pyproj.CRS:
    """An azimuthal equidistant CRS centred on the layers, for measuring in metres.

    The centre is rounded to whole degrees, so the same data in another input CRS (and so with
    slightly different floating point bounds) gets the same projection.

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(102.7, 25.0)], crs=4326)
    >>> study_crs(g).to_dict()["lon_0"], study_crs(g).to_dict()["lat_0"]
    (103, 25)
    """
    bounds = [ly.to_crs(WGS84).total_bounds for ly in layers if len(ly) and ly.geometry.notna().any()]
    if not bounds:
        lon0, lat0 = 0, 0
    else:
        arr = np.array(bounds)
        minx, miny = np.nanmin(arr[:, 0]), np.nanmin(arr[:, 1])
        maxx, maxy = np.nanmax(arr[:, 2]), np.nanmax(arr[:, 3])
        # snap to 1e-6° first so float noise from a CRS round trip cannot flip the rounding
        lon0 = round(round((minx + maxx) / 2, 6))
        lat0 = round(round((miny + maxy) / 2, 6))
    return pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicated key {key!r}")
        out[key] = value
    return out


def _geojson_crs(doc: Mapping[str, Any], col: _Collector) -> pyproj.CRS:
    crs = doc.get("crs")
    if crs is None:
        return WGS84  # RFC 7946: GeoJSON without a crs member is WGS84
    try:
        name = crs["properties"]["name"]
        return pyproj.CRS.from_user_input(name)
    except (KeyError, TypeError, pyproj.exceptions.CRSError):
        col.add("-", "crs", f"unreadable CRS member {json.dumps(crs)[:80]}")
        return WGS84


def _read_geojson(path: Path, col: _Collector) -> gpd.GeoDataFrame:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.add("-", "-", f"cannot read file: {exc.strerror or exc}")
        col.raise_if_any()
        raise AssertionError from exc  # unreachable: raise_if_any raised
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        col.add("-", "-", f"not UTF-8 (byte {exc.start}); GeoJSON must be UTF-8")
        col.raise_if_any()
    try:
        doc = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as exc:
        col.add("-", "-", f"not valid JSON ({exc}); is the file truncated?")
        col.raise_if_any()
        raise AssertionError from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        col.add("-", "type", f"expected a GeoJSON FeatureCollection, found {kind!r}")
        col.raise_if_any()
    features = doc.get("features")
    if not isinstance(features, list):
        col.add("-", "features", "a FeatureCollection needs a 'features' list")
        col.raise_if_any()
        raise AssertionError
    crs = _geojson_crs(doc, col)
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    for i, feat in enumerate(features, start=1):
        loc = f"feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            col.add(loc, "type", "not a GeoJSON Feature")
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            col.add(loc, "properties", "properties must be an object")
            props = {}
        geom = None
        gj = feat.get("geometry")
        if gj is not None:
            try:
                geom = shape(gj)
            except Exception as exc:  # shapely raises many types for malformed geometry
                col.add(loc, "geometry", f"malformed geometry: {exc}")
        records.append({**props, C.ROW: i})
        geoms.append(geom)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame({C.ROW: []})
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)


def _read_vector(path: Path, col: _Collector) -> gpd.GeoDataFrame:
    """Read any vector file: GeoJSON by hand (for precise errors), the rest through pyogrio."""
    if not path.exists():
        col.add("-", "-", "file not found")
        col.raise_if_any()
    if path.suffix.lower() in _VECTOR_SUFFIXES:
        gdf = _read_geojson(path, col)
    else:
        try:
            gdf = gpd.read_file(path, engine="pyogrio")
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            col.add("-", "-", f"cannot read as a vector layer: {exc}")
            col.raise_if_any()
            raise AssertionError from exc
        if gdf.crs is None:
            col.add("-", "crs", "layer has no CRS; declare one (e.g. EPSG:4326)")
        gdf = gdf.assign(**{C.ROW: np.arange(1, len(gdf) + 1)})
    dup = [c for c in gdf.columns if list(gdf.columns).count(c) > 1]
    if dup:
        col.add("-", dup[0], "column appears more than once")
    return gdf


def _check_geometries(gdf: gpd.GeoDataFrame, allowed: set[str], col: _Collector) -> None:
    """Null, empty, wrong-type, non-finite and out-of-range geometries."""
    geographic = gdf.crs is not None and gdf.crs.is_geographic
    for row, geom in zip(gdf[C.ROW], gdf.geometry, strict=True):
        loc = f"feature {row}"
        if geom is None:
            col.add(loc, "geometry", "missing (null) geometry")
            continue
        if geom.is_empty:
            col.add(loc, "geometry", "empty geometry")
            continue
        if geom.geom_type not in allowed:
            col.add(loc, "geometry", f"{geom.geom_type}, expected {' or '.join(sorted(allowed))}")
            continue
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            col.add(loc, "geometry", "coordinates are NaN or infinite")
            continue
        if geographic:
            x, y = coords[:, 0], coords[:, 1]
            if (np.abs(x) > 180).any() or (np.abs(y) > 90).any():
                col.add(
                    loc,
                    "geometry",
                    f"coordinates out of range for {gdf.crs.to_string()} "
                    f"(x up to {np.abs(x).max():.6g}, y up to {np.abs(y).max():.6g}); "
                    "projected coordinates declared as WGS84?",
                )


def _check_required(gdf: pd.DataFrame, required: Sequence[str], col: _Collector) -> None:
    for name in required:
        if name not in gdf.columns:
            col.add("-", name, "required column is missing")
    col.raise_if_any()


def _check_unique(values: Iterable[str], rows: Iterable[Any], field: str, unit: str,
                  col: _Collector) -> None:
    seen: dict[str, Any] = {}
    for value, row in zip(values, rows, strict=True):
        if not value:
            col.add(f"{unit} {row}", field, "missing")
        elif value in seen:
            col.add(f"{unit} {row}", field, f"duplicate {value!r} (first at {unit} {seen[value]})")
        else:
            seen[value] = row


# --------------------------------------------------------------------------- boundaries


def read_boundaries(path: Path | str, *, repair: bool = False) -> gpd.GeoDataFrame:
    """Read first-level administrative units.

    Parameters
    ----------
    path
        Any vector file with polygons and a ``country`` column (``admin1`` optional).
    repair
        Repair invalid polygons with :func:`shapely.make_valid` (each repair is logged with the
        old and new area) instead of reporting them as errors.

    Returns
    -------
    GeoDataFrame
        Columns ``country``, ``admin1``, ``admin1_code``, geometry; EPSG:4326.
    """
    path = Path(path)
    col = _Collector(path)
    gdf = _read_vector(path, col)
    _check_required(gdf, [C.COUNTRY], col)
    _check_geometries(gdf, _POLYGONAL, col)
    countries = [_text(v).upper() for v in gdf[C.COUNTRY]]
    admin1 = [_text(v) for v in gdf[C.ADMIN1]] if C.ADMIN1 in gdf else [""] * len(gdf)
    codes = [_text(v) for v in gdf[C.ADMIN1_CODE]] if C.ADMIN1_CODE in gdf else [""] * len(gdf)
    geoms = list(gdf.geometry)
    seen: dict[tuple[str, str], Any] = {}
    for i, (row, cc, a1) in enumerate(zip(gdf[C.ROW], countries, admin1, strict=True)):
        loc = f"feature {row}"
        if len(cc) != 2 or not cc.isalpha():
            col.add(loc, C.COUNTRY, f"{cc!r} is not an ISO 3166-1 alpha-2 code")
        if (cc, a1) in seen:
            col.add(loc, C.ADMIN1, f"duplicate unit {cc}/{a1 or '(country)'} "
                                   f"(first at feature {seen[(cc, a1)]})")
        seen[(cc, a1)] = row
        geom = geoms[i]
        if geom is not None and geom.geom_type in _POLYGONAL and not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            if repair:
                fixed = shapely.make_valid(geom)
                polys = shapely.get_parts(fixed)
                polys = [p for p in polys if p.geom_type in _POLYGONAL]
                new = shapely.multipolygons(polys) if len(polys) > 1 else polys[0]
                log.warning(
                    "%s:%s: geometry: repaired invalid polygon (%s): area %.6g -> %.6g",
                    path, loc, reason, geom.area, new.area,
                )
                geoms[i] = new
            else:
                col.add(loc, "geometry", f"invalid polygon: {reason} (use --repair to fix)")
    col.raise_if_any()
    out = gpd.GeoDataFrame(
        {C.COUNTRY: countries, C.ADMIN1: admin1, C.ADMIN1_CODE: codes},
        geometry=geoms,
        crs=gdf.crs,
    ).to_crs(WGS84)
    return out


# --------------------------------------------------------------------------- corridors


def read_corridors(path: Path | str) -> gpd.GeoDataFrame:
    """Read corridor polylines.

    Returns
    -------
    GeoDataFrame
        Columns ``corridor_id``, ``route``, ``name``, ``mode``, ``source``, geometry
        (LineString/MultiLineString); EPSG:4326.
    """
    path = Path(path)
    col = _Collector(path)
    gdf = _read_vector(path, col)
    _check_required(gdf, [C.CORRIDOR_ID, C.ROUTE], col)
    _check_geometries(gdf, _LINEAR, col)
    ids = [_text(v) for v in gdf[C.CORRIDOR_ID]]
    _check_unique(ids, gdf[C.ROW], C.CORRIDOR_ID, "feature", col)
    routes = [_text(v) for v in gdf[C.ROUTE]]
    for row, route in zip(gdf[C.ROW], routes, strict=True):
        if not route:
            col.add(f"feature {row}", C.ROUTE, "missing")
    modes = [_text(v).lower() for v in gdf[C.MODE]] if C.MODE in gdf else [""] * len(gdf)
    for row, mode in zip(gdf[C.ROW], modes, strict=True):
        if mode and mode not in {"rail", "road", "river", "foot", "mixed", "sea"}:
            col.add(f"feature {row}", C.MODE, f"{mode!r} is not one of rail, road, river, foot, "
                                              "mixed, sea")
    col.raise_if_any()
    wgs = gdf.to_crs(WGS84)
    for row, geom in zip(wgs[C.ROW], wgs.geometry, strict=True):
        for part in shapely.get_parts(geom):
            x = shapely.get_coordinates(part)[:, 0]
            if len(x) > 1 and (np.abs(np.diff(x)) > 180).any():
                col.add(f"feature {row}", "geometry",
                        "crosses the antimeridian (a step of more than 180° in longitude); "
                        "split it at 180°")
                break
    col.raise_if_any()
    return gpd.GeoDataFrame(
        {
            C.CORRIDOR_ID: ids,
            C.ROUTE: routes,
            C.NAME: [_text(v) for v in gdf[C.NAME]] if C.NAME in gdf else ids,
            C.MODE: modes,
            C.SOURCE: [_text(v) for v in gdf[C.SOURCE]] if C.SOURCE in gdf else [""] * len(gdf),
        },
        geometry=list(wgs.geometry),
        crs=WGS84,
    )


# --------------------------------------------------------------------------- incidents


def resolve_place(
    name: str,
    *,
    country: str = "",
    admin1: str = "",
    boundaries: gpd.GeoDataFrame | None = None,
) -> tuple[float, float]:
    """Resolve a place name to ``(lat, lon)`` through the offline GeoNames gazetteer.

    Raises
    ------
    PlaceError
        When nothing matches, or several places match and population does not settle it.

    Examples
    --------
    >>> resolve_place("Kunming", country="CN")
    (25.03889, 102.71833)
    """
    found = find_candidates(name, country=country, admin1=admin1, boundaries=boundaries)
    where = ", ".join(x for x in (admin1, country) if x)
    if not found:
        hint = f" in {where}" if where else ""
        raise PlaceError(f"place {name!r} not found{hint} in the offline gazetteer "
                         "(GeoNames cities >= 15,000 people); give lat and lon", field=C.PLACE)
    if len(found) > 1 and found[0].population < 10 * found[1].population:
        listed = "; ".join(
            f"{c.name} {c.country} ({c.lat:.2f}, {c.lon:.2f}) pop {c.population:,}"
            for c in found[:4]
        )
        raise PlaceError(f"place {name!r} is ambiguous: {listed}; add admin1 or country, "
                         "or give lat and lon", field=C.PLACE)
    best = found[0]
    return best.lat, best.lon


def _read_csv_records(path: Path, col: _Collector, encoding: str | None
                      ) -> tuple[list[str], list[dict[str, str]], list[int]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.add("-", "-", f"cannot read file: {exc.strerror or exc}")
        col.raise_if_any()
        raise AssertionError from exc
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.add(f"line {line}", "-", f"not valid {encoding or 'UTF-8'} (byte {exc.start}); "
                                     "save as UTF-8 or pass --encoding")
        col.raise_if_any()
        raise AssertionError from exc
    except LookupError:
        col.add("-", "-", f"unknown encoding {encoding!r}")
        col.raise_if_any()
        raise AssertionError from None
    if not text.strip():
        col.add("-", "-", "file is empty (no header, no incidents)")
        col.raise_if_any()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        col.add(f"row {reader.line_num}", "-", f"malformed CSV: {exc}")
        col.raise_if_any()
        raise AssertionError from exc
    header = [h.strip() for h in rows[0]]
    seen: set[str] = set()
    for name in header:
        if not name:
            col.add("row 1", "-", "empty column name in header")
        elif name in seen:
            col.add("row 1", name, "column appears more than once")
        seen.add(name)
    col.raise_if_any()
    records: list[dict[str, str]] = []
    numbers: list[int] = []
    for i, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            col.add(f"row {i}", "-", f"has {len(values)} fields, the header has {len(header)} "
                                     "(a stray or missing comma? quote fields that hold commas)")
            continue
        records.append(dict(zip(header, values, strict=True)))
        numbers.append(i)
    return header, records, numbers


def _read_incident_records(path: Path, col: _Collector, encoding: str | None
                           ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Incident rows as dicts, from CSV or point GeoJSON, with a locator per row."""
    if path.suffix.lower() in _VECTOR_SUFFIXES:
        if not path.exists():
            col.add("-", "-", "file not found")
            col.raise_if_any()
        gdf = _read_geojson(path, col)
        _check_geometries(gdf.loc[gdf.geometry.notna()], {"Point"}, col)
        wgs = gdf.to_crs(WGS84) if gdf.crs is not None else gdf
        records = []
        for row, geom, rec in zip(wgs[C.ROW], wgs.geometry, gdf.to_dict("records"), strict=True):
            rec = {k: v for k, v in rec.items() if k != "geometry"}
            if geom is not None and geom.geom_type == "Point" and not geom.is_empty:
                rec[C.LON], rec[C.LAT] = geom.x, geom.y
            rec[C.ROW] = row
            records.append(rec)
        header = [c for c in gdf.columns if c not in ("geometry", C.ROW)]
        return header, records, [f"feature {r}" for r in wgs[C.ROW]]
    if not path.exists():
        col.add("-", "-", "file not found")
        col.raise_if_any()
    header, recs, numbers = _read_csv_records(path, col, encoding)
    for rec, n in zip(recs, numbers, strict=True):
        rec[C.ROW] = n
    return header, list(recs), [f"row {n}" for n in numbers]


def _number(value: Any, loc: str, field: str, col: _Collector, *, lo: float, hi: float
            ) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        num = float(text)
    except ValueError:
        col.add(loc, field, f"{text!r} is not a number")
        return None
    if not math.isfinite(num):
        col.add(loc, field, f"{text!r} is not a finite number")
        return None
    if not lo <= num <= hi:
        col.add(loc, field, f"{num:g} is out of range [{lo:g}, {hi:g}]")
        return None
    return num


def read_incidents(
    path: Path | str,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    types: Iterable[str] = DEFAULT_TYPES,
    encoding: str | None = None,
    today: date | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate incidents from CSV or point GeoJSON.

    Parameters
    ----------
    path
        CSV (UTF-8) or GeoJSON file following the incidents schema of DESIGN.md.
    boundaries
        Boundaries layer; used to check admin1/country names, to resolve places within a unit
        and to fill ``admin1``/``country`` of point incidents.
    types
        Allowed incident types (the risk model's vocabulary).
    encoding
        Text encoding of a CSV that is not UTF-8.
    today
        Dates after this day are rejected as in the future (default: the real date today).

    Returns
    -------
    GeoDataFrame
        One row per incident in input order, EPSG:4326; the columns of the data contract.
    """
    path = Path(path)
    col = _Collector(path)
    today = today or date.today()
    allowed_types = tuple(types)
    header, records, locs = _read_incident_records(path, col, encoding)
    for name in (C.INCIDENT_ID, C.DATE, C.TYPE):
        if name not in header:
            col.add("-", name, "required column is missing")
    col.raise_if_any()
    if not records:
        col.add("-", "-", "no incidents (the file has a header but no rows)")
        col.raise_if_any()

    units: dict[tuple[str, str], Any] = {}
    countries: set[str] = set()
    if boundaries is not None:
        for cc, a1 in zip(boundaries[C.COUNTRY], boundaries[C.ADMIN1], strict=True):
            units[(cc, a1.casefold())] = a1
            countries.add(cc)

    out: list[dict[str, Any]] = []
    seen_ids: dict[str, str] = {}
    for rec, loc in zip(records, locs, strict=True):
        n_before = len(col.problems)
        iid = _text(rec.get(C.INCIDENT_ID))
        if not iid:
            col.add(loc, C.INCIDENT_ID, "missing")
        elif iid in seen_ids:
            col.add(loc, C.INCIDENT_ID, f"duplicate {iid!r} (first at {seen_ids[iid]})")
        else:
            seen_ids[iid] = loc
        dprec = _text(rec.get(C.DATE_PRECISION)).lower()
        period = None
        try:
            period = parse_period(_text(rec.get(C.DATE)), precision=dprec)
        except ValueError as exc:
            col.add(loc, C.DATE, str(exc))
        if period is not None and period.start > today:
            col.add(loc, C.DATE, f"{period.start.isoformat()} is in the future (today is "
                                 f"{today.isoformat()})")
        end_period = None
        end_text = _text(rec.get(C.END_DATE))
        if end_text:
            try:
                end_period = parse_period(end_text)
            except ValueError as exc:
                col.add(loc, C.END_DATE, str(exc))
            if period is not None and end_period is not None and end_period.end < period.start:
                col.add(loc, C.END_DATE, f"{end_text} is before the date {_text(rec.get(C.DATE))}")
        itype = _text(rec.get(C.TYPE)).lower()
        if itype not in allowed_types:
            col.add(loc, C.TYPE, f"{itype!r} is not a known type ({', '.join(allowed_types)})")

        country = _text(rec.get(C.COUNTRY)).upper()
        admin1 = _text(rec.get(C.ADMIN1))
        place = _text(rec.get(C.PLACE))
        if country and (len(country) != 2 or not country.isalpha()):
            col.add(loc, C.COUNTRY, f"{country!r} is not an ISO 3166-1 alpha-2 code")
        elif country and countries and country not in countries:
            col.add(loc, C.COUNTRY, f"{country!r} is not in the boundaries layer")
        if admin1 and units:
            if not country:
                col.add(loc, C.COUNTRY, "admin1 is given without its country")
            elif (country, admin1.casefold()) not in units:
                known = sorted(v for (cc, _), v in units.items() if cc == country and v)
                col.add(loc, C.ADMIN1, f"{admin1!r} is not a first-level unit of {country} in "
                                       f"the boundaries layer (known: {', '.join(known[:12])}"
                                       f"{', …' if len(known) > 12 else ''})")
            else:
                admin1 = units[(country, admin1.casefold())]

        lat = _number(rec.get(C.LAT), loc, C.LAT, col, lo=-90, hi=90)
        lon = _number(rec.get(C.LON), loc, C.LON, col, lo=-180, hi=180)
        lat_text, lon_text = _text(rec.get(C.LAT)), _text(rec.get(C.LON))
        if bool(lat_text) != bool(lon_text):
            col.add(loc, C.LAT if not lat_text else C.LON, "lat and lon must be given together")
        gprec_text = _text(rec.get(C.GEO_PRECISION))
        gprec: int | None = None
        if gprec_text:
            if gprec_text not in {"1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"}:
                col.add(loc, C.GEO_PRECISION, f"{gprec_text!r} is not 1, 2, 3 or 4")
            else:
                gprec = int(float(gprec_text))
        if lat is None and lon is None and not lat_text and place and len(col.problems) == n_before:
            try:
                lat, lon = resolve_place(place, country=country, admin1=admin1,
                                         boundaries=boundaries)
            except PlaceError as exc:
                col.add(loc, C.PLACE, exc.problem.message)
        has_point = lat is not None and lon is not None
        if gprec is None:
            gprec = 1 if has_point else 3 if admin1 else 4 if country else None
        if gprec is None:
            if len(col.problems) == n_before:
                col.add(loc, C.LAT, "no location: give lat+lon, a place, admin1+country or country")
        elif gprec in (1, 2) and not has_point and len(col.problems) == n_before:
            col.add(loc, C.GEO_PRECISION, f"geo_precision {gprec} needs lat+lon or a place")
        elif gprec == 3 and not (admin1 and country):
            col.add(loc, C.ADMIN1, "geo_precision 3 (first-level unit) needs admin1 and country")
        elif gprec == 4 and not country:
            col.add(loc, C.COUNTRY, "geo_precision 4 (country) needs country")

        count = _number(rec.get(C.COUNT), loc, C.COUNT, col, lo=0, hi=1e9)
        quality = _number(rec.get(C.SOURCE_QUALITY), loc, C.SOURCE_QUALITY, col, lo=1, hi=5)
        visibility = _text(rec.get(C.VISIBILITY)).lower() or "restricted"
        if visibility not in {"public", "restricted"}:
            col.add(loc, C.VISIBILITY, f"{visibility!r} is not public or restricted")
        if len(col.problems) > n_before or period is None or gprec is None:
            continue
        point = shapely.Point(lon, lat) if gprec in (1, 2) and has_point else None
        out.append(
            {
                C.INCIDENT_ID: iid,
                C.DATE: pd.Timestamp(period.start),
                C.DATE_END: pd.Timestamp(end_period.end if end_period else period.end),
                C.DATE_TEXT: _text(rec.get(C.DATE)),
                C.END_DATE: pd.Timestamp(end_period.end) if end_period else pd.NaT,
                C.DATE_PRECISION: period.precision,
                C.TYPE: itype,
                C.GEO_PRECISION: gprec,
                C.PLACE: place,
                C.ADMIN1: admin1,
                C.COUNTRY: country,
                C.LAT: lat if point is not None else np.nan,
                C.LON: lon if point is not None else np.nan,
                C.COUNT: count if count is not None else np.nan,
                C.SOURCE_NAME: _text(rec.get(C.SOURCE_NAME)),
                C.SOURCE_URL: _text(rec.get(C.SOURCE_URL)),
                C.SOURCE_DATE: _text(rec.get(C.SOURCE_DATE)),
                C.SOURCE_QUALITY: quality if quality is not None else np.nan,
                C.NOTES: _text(rec.get(C.NOTES)),
                C.VISIBILITY: visibility,
                C.ROW: loc,
                "geometry": point,
            }
        )
    col.raise_if_any()
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
    gdf[C.GEO_PRECISION] = gdf[C.GEO_PRECISION].astype("int64")
    if boundaries is not None and len(gdf):
        gdf = _place_in_units(gdf, boundaries, col)
    return gdf


def _place_in_units(incidents: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                    col: _Collector) -> gpd.GeoDataFrame:
    """Fill admin1/country of point incidents from the boundaries; warn on likely swaps."""
    out = incidents.copy()
    points = out.geometry.values
    has_point = ~shapely.is_missing(points)
    tree = shapely.STRtree(boundaries.geometry.values)
    hits = np.full(len(out), -1)
    if has_point.any():
        idx = np.flatnonzero(has_point)
        pairs = tree.query(points[idx], predicate="intersects")
        hits[idx[pairs[0]]] = pairs[1]
    units_country = boundaries[C.COUNTRY].to_numpy()
    units_admin1 = boundaries[C.ADMIN1].to_numpy()
    for i in np.flatnonzero(has_point):
        loc = out[C.ROW].iat[i]
        if hits[i] < 0:
            p = points[i]
            swapped = shapely.Point(p.y, p.x)
            if len(tree.query(swapped, predicate="intersects")):
                col.warn(loc, C.LAT, f"({p.y:g}, {p.x:g}) lies outside every boundary but "
                                     f"({p.x:g}, {p.y:g}) lies inside: are lat and lon swapped?")
            continue
        cc, a1 = units_country[hits[i]], units_admin1[hits[i]]
        given_cc = out[C.COUNTRY].iat[i]
        if given_cc and given_cc != cc:
            col.warn(loc, C.COUNTRY, f"the point lies in {cc}, not {given_cc}")
            continue
        if not given_cc:
            out.iloc[i, out.columns.get_loc(C.COUNTRY)] = cc
        if not out[C.ADMIN1].iat[i]:
            out.iloc[i, out.columns.get_loc(C.ADMIN1)] = a1
    return out
