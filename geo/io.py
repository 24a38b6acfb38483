"""Read and validate the three input layers: boundaries, corridors and incidents.

Every loader returns a new GeoDataFrame in EPSG:4326 or raises one :class:`ValidationError`
holding every problem of the file, each as ``FILE:ROW_OR_FEATURE: field: what is wrong``.
Suspicious but acceptable input (coordinates that look swapped, a repaired polygon, a link that
is not http(s)) is reported with an :class:`InputWarning`.

GeoJSON is parsed here rather than through GDAL so that every problem names its feature:
truncated files, a bare Feature, duplicated keys, NaN/Infinity literals (which Python's ``json``
accepts but RFC 8259 does not), malformed coordinates, unclosed rings. Other vector formats
(GeoPackage, shapefile …) go through pyogrio.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import logging
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from geo import columns as C
from geo import settings
from geo._dates import parse_period
from geo._errors import InputWarning, PlaceError, Problem, ValidationError
from geo._gazetteer import Candidate, find_candidates

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
MODES = ("rail", "road", "river", "foot", "mixed", "sea")
_GEOD = pyproj.Geod(ellps="WGS84")
_VECTOR_SUFFIXES = {".geojson", ".json"}
_POLYGONAL = {"Polygon", "MultiPolygon"}
_LINEAR = {"LineString", "MultiLineString"}
# How many list levels wrap a position [x, y] in each GeoJSON geometry type.
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
          "MultiPolygon": 3}
_FORMULA_START = ("=", "+", "-", "@")
_RESERVED = ("geometry", C.ROW)
_ALIASES = {"latitude": C.LAT, "longitude": C.LON, "long": C.LON, "lng": C.LON, "id": C.INCIDENT_ID,
            "url": C.SOURCE_URL, "source": C.SOURCE_NAME, "location": C.PLACE, "province": C.ADMIN1,
            "state": C.ADMIN1, "region": C.ADMIN1, "people": C.COUNT, "category": C.TYPE}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------- helpers


class _Collector:
    """Gathers problems for one file and raises them together."""

    def __init__(self, path: Path | str):
        self.file = str(path)
        self.problems: list[Problem] = []

    def add(self, location: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, location, field, message))

    def has(self, location: str, field: str) -> bool:
        return any(p.location == location and p.field == field for p in self.problems)

    def warn(self, location: str, field: str, message: str) -> None:
        warnings.warn(InputWarning(Problem(self.file, location, field, message)), stacklevel=3)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(sorted(self.problems, key=_location_key))

    def fail(self, location: str, field: str, message: str) -> NoReturn:
        self.add(location, field, message)
        raise ValidationError(sorted(self.problems, key=_location_key))


def _location_key(problem: Problem) -> tuple[int, int]:
    """Whole-file problems first, then by row/feature/line number (a stable sort)."""
    number = problem.location.rpartition(" ")[2]
    return (0, 0) if not number.isdigit() else (1, int(number))


def _text(value: Any) -> str:
    """A cell as stripped text; None/NaN/NA become the empty string."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _snippet(value: Any) -> str:
    """Short JSON text of a value for a message (control characters escaped)."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def study_crs(*layers: gpd.GeoDataFrame) -> pyproj.CRS:
    """An azimuthal equidistant CRS centred on the layers, for measuring in metres.

    The centre is rounded to whole degrees, so the same data in another input CRS (and so with
    slightly different floating point bounds) gets the same projection.

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(102.7, 25.0)], crs=4326)
    >>> to_study = pyproj.Transformer.from_crs(4326, study_crs(g), always_xy=True)
    >>> [abs(round(v)) for v in to_study.transform(103, 25)]  # centred on (103°E, 25°N)
    [0, 0]
    """
    bounds = [ly.to_crs(WGS84).total_bounds for ly in layers
              if len(ly) and not shapely.is_missing(ly.geometry.values).all()]
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


def _check_id(value: str, location: str, field: str, col: _Collector) -> None:
    """Ids are keys in every output: no control characters, nothing a spreadsheet would run."""
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        col.add(location, field, f"{value!r} contains a control character (tab, newline …)")
    elif value.startswith(_FORMULA_START):
        col.add(location, field, f"{value!r} starts with {value[0]!r}, which spreadsheets run as "
                                 "a formula; start ids with a letter or digit")


# --------------------------------------------------------------------------- GeoJSON


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers keys it held more than once."""

    duplicates: list[str]


def _object_hook(pairs: list[tuple[str, Any]]) -> _JsonObject:
    out = _JsonObject()
    out.duplicates = []
    for key, value in pairs:
        if key in out:
            out.duplicates.append(key)
        out[key] = value
    return out


class _GeometryError(ValueError):
    """A GeoJSON geometry that cannot be read; the message says why."""


def _position(value: Any) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) < 2:
        raise _GeometryError(f"expected a position [x, y], found {_snippet(value)}")
    xy = []
    for v in value[:2]:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _GeometryError(f"coordinate {_snippet(v)} is not a number")
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            raise _GeometryError("coordinates are NaN or infinite")
        xy.append(f)
    return xy[0], xy[1]


def _positions(value: Any, depth: int) -> Any:
    if depth == 0:
        return _position(value)
    if not isinstance(value, list):
        raise _GeometryError(f"expected a list of {'positions' if depth == 1 else 'lists'}, "
                             f"found {_snippet(value)}")
    return [_positions(v, depth - 1) for v in value]


def _line(coords: list[tuple[float, float]]) -> shapely.LineString:
    if len(coords) == 1:
        raise _GeometryError("a line needs at least 2 positions, found 1")
    return shapely.LineString(coords)


def _polygon(rings: list[list[tuple[float, float]]]) -> shapely.Polygon:
    for ring in rings:
        if len(ring) < 4:
            raise _GeometryError(f"a polygon ring needs at least 4 positions, found {len(ring)}")
        if ring[0] != ring[-1]:
            raise _GeometryError("a polygon ring is not closed (first and last positions differ)")
    return shapely.Polygon(rings[0], rings[1:]) if rings else shapely.Polygon()


def _parse_geometry(gj: Any) -> BaseGeometry | None:
    """A shapely geometry (2D) from a GeoJSON geometry object, or None for null."""
    if gj is None:
        return None
    if not isinstance(gj, dict):
        raise _GeometryError(f"must be a GeoJSON geometry object or null, found {_snippet(gj)}")
    kind = gj.get("type")
    if kind == "GeometryCollection":
        raise _GeometryError("GeometryCollection is not supported; use a Multi* geometry")
    if kind not in _DEPTH:
        raise _GeometryError(f"unknown geometry type {_snippet(kind)}")
    if "coordinates" not in gj:
        raise _GeometryError(f"{kind} has no 'coordinates'")
    coords = _positions(gj["coordinates"], _DEPTH[kind])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            if kind == "Point":
                return shapely.Point(coords)
            if kind == "MultiPoint":
                return shapely.MultiPoint(coords) if coords else shapely.MultiPoint()
            if kind == "LineString":
                return _line(coords)
            if kind == "MultiLineString":
                if any(not part for part in coords):
                    raise _GeometryError("a MultiLineString has an empty part")
                return shapely.MultiLineString([_line(c) for c in coords])
            if kind == "Polygon":
                return _polygon(coords)
            if any(not part for part in coords):
                raise _GeometryError("a MultiPolygon has an empty part")
            return shapely.MultiPolygon([_polygon(c) for c in coords])
        except shapely.errors.ShapelyError as exc:
            raise _GeometryError(str(exc).strip()) from None


def _geojson_crs(doc: Mapping[str, Any], col: _Collector) -> pyproj.CRS:
    crs = doc.get("crs")
    if crs is None:
        return WGS84  # RFC 7946: GeoJSON without a crs member is WGS84
    try:
        return pyproj.CRS.from_user_input(crs["properties"]["name"])
    except (KeyError, TypeError, pyproj.exceptions.CRSError):
        col.add("-", "crs", f"unreadable CRS member {_snippet(crs)}; omit it for WGS84")
        return WGS84


def _load_json(path: Path, col: _Collector) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        col.fail("-", "-", f"not UTF-8 (byte 0x{raw[exc.start]:02X} at offset {exc.start}); "
                           "GeoJSON must be UTF-8")
    if not text.strip():
        col.fail("-", "-", "file is empty")
    try:
        return json.loads(text, object_pairs_hook=_object_hook)
    except json.JSONDecodeError as exc:
        body = text.strip()
        if not body.startswith(("{", "[")):
            hint = f"; the file does not start with '{{' (it starts {body[:20]!r})"
        elif not body.endswith(("}", "]")):
            hint = "; the file ends abruptly: is it truncated?"
        else:
            hint = ""
        col.fail(f"line {exc.lineno}", "-", f"not valid JSON: {exc.msg} (column {exc.colno}){hint}")
    except (ValueError, RecursionError) as exc:
        col.fail("-", "-", f"not valid JSON ({type(exc).__name__}: nested too deeply or "
                           "malformed)")


def _read_geojson(path: Path, col: _Collector) -> gpd.GeoDataFrame:
    doc = _load_json(path, col)
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "Feature":
        col.fail("-", "type", "a bare Feature, not a FeatureCollection: wrap it as "
                              '{"type": "FeatureCollection", "features": [ ... ]}')
    if kind in _DEPTH or kind == "GeometryCollection":
        col.fail("-", "type", f"a bare {kind} geometry: a layer is a FeatureCollection of "
                              "Features with properties")
    if kind != "FeatureCollection":
        found = _snippet(kind) if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
        col.fail("-", "type", f"expected a GeoJSON FeatureCollection, found {found}")
    for key in getattr(doc, "duplicates", ()):
        col.add("-", key, "key appears more than once in the FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        col.fail("-", "features", "a FeatureCollection needs a 'features' list")
    crs = _geojson_crs(doc, col)
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    reserved: set[str] = set()
    for i, feat in enumerate(features, start=1):
        loc = f"feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            col.add(loc, "type", f"not a GeoJSON Feature (found {_snippet(feat)})")
            continue
        for key in getattr(feat, "duplicates", ()):
            col.add(loc, key, "key appears more than once in the Feature")
        props = feat.get("properties")
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            col.add(loc, "properties", f"must be an object, found {_snippet(props)}")
            props = {}
        else:
            for key in getattr(props, "duplicates", ()):
                col.add(loc, key, "property appears more than once in this feature")
        record: dict[str, Any] = {}
        for key, value in props.items():
            if isinstance(value, float) and not math.isfinite(value):
                literal = "NaN" if math.isnan(value) else "Infinity"
                col.add(loc, key, f"{literal} is not valid JSON; use null for an unknown value")
            elif key in _RESERVED:
                reserved.add(key)
            else:
                record[key] = value
        record[C.ROW] = i
        geom = None
        try:
            geom = _parse_geometry(feat.get("geometry"))
        except _GeometryError as exc:
            col.add(loc, "geometry", str(exc))
        records.append(record)
        geoms.append(geom)
    for key in sorted(reserved):
        col.warn("-", key, f"property name {key!r} is reserved by routerisk; ignored")
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame({C.ROW: []})
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)


# --------------------------------------------------------------------------- vector layers


def _read_vector(path: Path, col: _Collector) -> gpd.GeoDataFrame:
    """Read any vector file: GeoJSON by hand (for precise errors), the rest through pyogrio."""
    if not path.exists():
        col.fail("-", "-", "file not found")
    if path.suffix.lower() in _VECTOR_SUFFIXES:
        gdf = _read_geojson(path, col)
    else:
        import pyogrio

        try:
            layers = pyogrio.list_layers(path)
            if len(layers) > 1:
                names = ", ".join(repr(str(n)) for n in layers[:5, 0])
                col.fail("-", "-", f"holds {len(layers)} layers ({names}); give a file with "
                                   "one layer")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                gdf = gpd.read_file(path, engine="pyogrio")
        except ValidationError:
            raise
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            col.fail("-", "-", f"cannot read as a vector layer: {str(exc).strip()}")
        for w in caught:
            col.warn("-", "-", f"while reading: {w.message}")
        if gdf.crs is None:
            col.add("-", "crs", "layer has no CRS (no .prj / undefined SRS); declare one, "
                                "e.g. EPSG:4326")
        columns = [str(c) for c in gdf.columns]
        for name in sorted({n for n in columns if columns.count(n) > 1}):
            col.add("-", name, "column appears more than once")
        for name in _RESERVED:
            if name != "geometry" and name in gdf.columns:
                col.warn("-", name, f"column name {name!r} is reserved by routerisk; ignored")
        gdf = gdf.drop(columns=[c for c in (C.ROW,) if c in gdf.columns])
        gdf = gdf.assign(**{C.ROW: np.arange(1, len(gdf) + 1)})
    if not len(gdf):
        col.fail("-", "-", "the layer has no features")
    return gdf


def _check_required(gdf: pd.DataFrame, required: Sequence[str], col: _Collector) -> bool:
    """Report missing columns (with a hint for case mismatches); True when all are there."""
    ok = True
    names = [str(c) for c in gdf.columns]
    for name in required:
        if name not in names:
            ok = False
            similar = [n for n in names if n.strip().casefold() == name]
            hint = f" (found {similar[0]!r}: column names are lower case)" if similar else ""
            col.add("-", name, "required column is missing" + hint)
    return ok


def _check_geometries(gdf: gpd.GeoDataFrame, allowed: set[str], col: _Collector, *,
                      unit: str = "feature") -> None:
    """Null, empty, wrong-type, non-finite and out-of-range geometries; CRS plausibility."""
    geographic = gdf.crs is not None and gdf.crs.is_geographic
    crs_name = gdf.crs.to_string() if gdf.crs is not None else "no CRS"
    small = 0
    for row, geom in zip(gdf[C.ROW], gdf.geometry, strict=True):
        loc = f"{unit} {row}"
        if col.has(loc, "geometry"):
            continue
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
        ax, ay = np.abs(coords[:, 0]).max(), np.abs(coords[:, 1]).max()
        if geographic and (ax > 180 or ay > 90):
            if max(ax, ay) > 1000:
                col.add(loc, "geometry", f"coordinates out of range for {crs_name} (x up to "
                                         f"{ax:.6g}, y up to {ay:.6g}): projected coordinates "
                                         "declared as WGS84? declare the layer's real CRS")
            elif ay > 90:
                col.add(loc, "geometry", f"latitude {ay:g} is outside [-90, 90] (x and y swapped? "
                                         "GeoJSON positions are [lon, lat])")
            else:
                col.add(loc, "geometry", f"longitude {ax:g} is outside [-180, 180]")
        small += ax <= 180 and ay <= 90
    if gdf.crs is not None and gdf.crs.is_projected and len(gdf) and small == len(gdf):
        col.add("-", "crs", f"the layer declares {crs_name} (metres) but every coordinate "
                            "looks like degrees; declare EPSG:4326")


def _to_wgs84(gdf: gpd.GeoDataFrame, col: _Collector, *, unit: str = "feature"
              ) -> gpd.GeoDataFrame:
    """The layer in EPSG:4326; features that do not transform are reported and set to None."""
    if gdf.crs is None or gdf.crs.equals(WGS84):
        return gdf.set_crs(WGS84, allow_override=True)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        wgs = gdf.to_crs(WGS84)
    geoms = list(wgs.geometry)
    for i, (row, geom) in enumerate(zip(wgs[C.ROW], geoms, strict=True)):
        if geom is None or geom.is_empty:
            continue
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            loc = f"{unit} {row}"
            if not col.has(loc, "geometry"):
                col.add(loc, "geometry", f"cannot be transformed from {gdf.crs.to_string()} to "
                                         "WGS84 (outside the CRS's area of use?)")
            geoms[i] = None
    return wgs.set_geometry(geoms, crs=WGS84)


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
            _check_id(value, f"{unit} {row}", field, col)


def _area_km2(geom: BaseGeometry) -> float:
    return abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def _validity_reason(geom: BaseGeometry) -> str:
    reason = str(shapely.is_valid_reason(geom))
    return re.sub(r"\[(\S+) (\S+)\]$", r" at (\1, \2)", reason)


# --------------------------------------------------------------------------- boundaries


def read_boundaries(path: Path | str, *, repair: bool = False) -> gpd.GeoDataFrame:
    """Read first-level administrative units.

    Parameters
    ----------
    path
        Any vector file with polygons and a ``country`` column (``admin1`` optional).
    repair
        Repair invalid polygons with :func:`shapely.make_valid` instead of reporting them as
        errors; each repair is reported with an :class:`InputWarning` giving the reason and the
        old and new geodesic area.

    Returns
    -------
    GeoDataFrame
        Columns ``country``, ``admin1``, ``admin1_code``, geometry; EPSG:4326.
    """
    path = Path(path)
    col = _Collector(path)
    gdf = _read_vector(path, col)
    has_columns = _check_required(gdf, [C.COUNTRY], col)
    _check_geometries(gdf, _POLYGONAL, col)
    wgs = _to_wgs84(gdf, col)
    if not has_columns:
        col.raise_if_any()
    countries = [_text(v).upper() for v in gdf[C.COUNTRY]]
    admin1 = [_text(v) for v in gdf[C.ADMIN1]] if C.ADMIN1 in gdf else [""] * len(gdf)
    codes = [_text(v) for v in gdf[C.ADMIN1_CODE]] if C.ADMIN1_CODE in gdf else [""] * len(gdf)
    geoms = list(wgs.geometry)
    seen: dict[tuple[str, str], Any] = {}
    for i, (row, cc, a1) in enumerate(zip(gdf[C.ROW], countries, admin1, strict=True)):
        loc = f"feature {row}"
        if len(cc) != 2 or not (cc.isascii() and cc.isalpha()):
            col.add(loc, C.COUNTRY, f"{cc!r} is not an ISO 3166-1 alpha-2 code")
        if _CONTROL.search(a1):
            col.add(loc, C.ADMIN1, f"{a1!r} contains a control character")
        if (cc, a1.casefold()) in seen:
            col.add(loc, C.ADMIN1, f"duplicate unit {cc}/{a1 or '(country)'} "
                                   f"(first at feature {seen[(cc, a1.casefold())]})")
        seen[(cc, a1.casefold())] = row
        geom = geoms[i]
        if geom is None or col.has(loc, "geometry") or geom.is_valid:
            continue
        reason = _validity_reason(geom)
        if not repair:
            col.add(loc, "geometry", f"invalid polygon: {reason} (--repair fixes it and logs "
                                     "the change)")
            continue
        parts = shapely.get_parts(shapely.make_valid(geom))
        polys = [q for p in parts if p.geom_type in _POLYGONAL for q in shapely.get_parts(p)]
        if not polys:
            col.add(loc, "geometry", f"invalid polygon: {reason}; repairing it leaves no area")
            continue
        new = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
        message = (f"repaired invalid polygon ({reason}): area {_area_km2(geom):.6g} km² -> "
                   f"{_area_km2(new):.6g} km²")
        log.info("%s:%s: geometry: %s", path, loc, message)
        col.warn(loc, "geometry", message)
        geoms[i] = new
    col.raise_if_any()
    return gpd.GeoDataFrame(
        {C.COUNTRY: countries, C.ADMIN1: admin1, C.ADMIN1_CODE: codes},
        geometry=geoms,
        crs=WGS84,
    )


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
    has_columns = _check_required(gdf, [C.CORRIDOR_ID, C.ROUTE], col)
    _check_geometries(gdf, _LINEAR, col)
    wgs = _to_wgs84(gdf, col)
    if not has_columns:
        col.raise_if_any()
    ids = [_text(v) for v in gdf[C.CORRIDOR_ID]]
    _check_unique(ids, gdf[C.ROW], C.CORRIDOR_ID, "feature", col)
    routes = [_text(v) for v in gdf[C.ROUTE]]
    modes = [_text(v).lower() for v in gdf[C.MODE]] if C.MODE in gdf else [""] * len(gdf)
    for row, route, mode, geom in zip(gdf[C.ROW], routes, modes, wgs.geometry, strict=True):
        loc = f"feature {row}"
        if not route:
            col.add(loc, C.ROUTE, "missing")
        if mode and mode not in MODES:
            col.add(loc, C.MODE, f"{mode!r} is not one of {', '.join(MODES)}")
        if geom is None or col.has(loc, "geometry") or geom.geom_type not in _LINEAR:
            continue
        if geom.length == 0:
            col.add(loc, "geometry", "has zero length (all its points are the same)")
        for part in shapely.get_parts(geom):
            x = shapely.get_coordinates(part)[:, 0]
            if len(x) > 1 and (np.abs(np.diff(x)) > 180).any():
                col.add(loc, "geometry", "crosses the antimeridian (a step of more than 180° in "
                                         "longitude); split it at 180°")
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


# --------------------------------------------------------------------------- places


def _describe(found: Sequence[Candidate]) -> str:
    return "; ".join(f"{c.name} {c.country} ({c.lat:.2f}, {c.lon:.2f}) pop {c.population:,}"
                     for c in found[:4])


def resolve_place(
    name: str,
    *,
    country: str = "",
    admin1: str = "",
    boundaries: gpd.GeoDataFrame | None = None,
) -> tuple[float, float]:
    """Resolve a place name to ``(lat, lon)`` through the offline GeoNames gazetteer.

    Candidates are narrowed by country, then by first-level unit (tested against
    ``boundaries``), then by population: the most populous one wins only when it has
    :data:`geo.settings.PLACE_POPULATION_RATIO` times the population of the next.

    Raises
    ------
    PlaceError
        When nothing matches, or several places match and population does not settle it.

    Examples
    --------
    >>> resolve_place("Kunming", country="CN")
    (25.03889, 102.71833)
    >>> resolve_place("Jining", country="CN")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo._errors.PlaceError: -:-: place: place 'Jining' is ambiguous: ...
    """
    found = find_candidates(name, country=country, admin1=admin1, boundaries=boundaries)
    where = ", ".join(x for x in (admin1, country) if x)
    if not found:
        elsewhere = find_candidates(name) if where else []
        if elsewhere:
            raise PlaceError(f"place {name!r} is not in {where} in the offline gazetteer; "
                             f"places of that name: {_describe(elsewhere)}; fix admin1/country "
                             "or give lat and lon", field=C.PLACE)
        raise PlaceError(f"place {name!r} not found in the offline gazetteer (GeoNames cities "
                         "of 15,000 people or more); give lat and lon", field=C.PLACE)
    ratio = settings.PLACE_POPULATION_RATIO
    if len(found) > 1 and found[0].population < ratio * found[1].population:
        hint = "add admin1" if not admin1 else "give lat and lon"
        raise PlaceError(f"place {name!r} is ambiguous: {_describe(found)}; {hint}"
                         f"{' or country' if not country else ''}", field=C.PLACE)
    best = found[0]
    return best.lat, best.lon


# --------------------------------------------------------------------------- incidents


def _decode(raw: bytes, path: Path, col: _Collector, encoding: str | None) -> str:
    if encoding is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            col.fail("-", "-", "is UTF-16 (Excel 'Unicode text'); save as 'CSV UTF-8' or pass "
                               "--encoding utf-16")
        if raw.startswith(b"PK\x03\x04"):
            col.fail("-", "-", "is a zip file (an .xlsx/.ods spreadsheet?), not CSV; export it "
                               "as 'CSV UTF-8'")
    enc = encoding or "utf-8"
    try:
        return raw.decode(enc).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.fail(f"line {line}", "-", f"not valid {enc}: byte 0x{raw[exc.start]:02X} at offset "
                                      f"{exc.start}; save as 'CSV UTF-8' or pass --encoding "
                                      "(e.g. cp1252, gb18030)")
    except LookupError:
        col.fail("-", "-", f"unknown encoding {encoding!r} (--encoding)")


def _read_csv_records(path: Path, col: _Collector, encoding: str | None
                      ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
    text = _decode(raw, path, col, encoding)
    if not text.strip():
        col.fail("-", "-", "file is empty (no header, no incidents)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        col.fail(f"row {reader.line_num}", "-", f"malformed CSV: {exc}")
    header = [h.strip() for h in rows[0]]
    if not header or not any(header):
        col.fail("row 1", "-", "the first line must be the header (column names)")
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "';'" if ";" in header[0] else "tabs"
        col.fail("row 1", "-", f"the header has one column; the file seems separated by {sep}: "
                               "save it with commas")
    seen: set[str] = set()
    for name in header:
        if not name:
            col.add("row 1", "-", "empty column name in header")
        elif name in seen:
            col.add("row 1", name, "column appears more than once")
        seen.add(name)
    col.raise_if_any()
    records: list[dict[str, Any]] = []
    locs: list[str] = []
    for i, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            col.add(f"row {i}", "-", f"has {len(values)} fields, the header has {len(header)} "
                                     "(a stray or missing comma? quote fields that hold commas)")
            continue
        records.append(dict(zip(header, values, strict=True)))
        locs.append(f"row {i}")
    return header, records, locs


def _read_incident_records(path: Path, col: _Collector, encoding: str | None
                           ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Incident rows as dicts, from CSV or point GeoJSON, with a locator per row."""
    if not path.exists():
        col.fail("-", "-", "file not found")
    if path.suffix.lower() not in _VECTOR_SUFFIXES:
        return _read_csv_records(path, col, encoding)
    gdf = _read_geojson(path, col)
    if not len(gdf):
        col.fail("-", "-", "no incidents (the FeatureCollection has no features)")
    located = gdf.loc[~shapely.is_missing(gdf.geometry.values)]
    _check_geometries(located, {"Point"}, col)
    wgs = _to_wgs84(gdf, col)
    records = []
    for row, geom, rec in zip(wgs[C.ROW], wgs.geometry, gdf.to_dict("records"), strict=True):
        rec = {k: v for k, v in rec.items() if k not in ("geometry", C.ROW)}
        loc = f"feature {row}"
        if geom is not None and geom.geom_type == "Point" and not col.has(loc, "geometry"):
            given = (_text(rec.get(C.LON)), _text(rec.get(C.LAT)))
            if any(given) and given != (_text(geom.x), _text(geom.y)):
                try:
                    same = abs(float(given[0]) - geom.x) + abs(float(given[1]) - geom.y) < 1e-6
                except ValueError:
                    same = False
                if not same:
                    col.add(loc, C.LAT, f"lat/lon properties ({given[1]}, {given[0]}) differ "
                                        f"from the point geometry ({geom.y:g}, {geom.x:g})")
            rec[C.LON], rec[C.LAT] = geom.x, geom.y
        records.append(rec)
    header = [str(c) for c in gdf.columns if c not in ("geometry", C.ROW)]
    return header, records, [f"feature {r}" for r in wgs[C.ROW]]


def _float(value: Any, loc: str, field: str, col: _Collector) -> float | None:
    """A number cell: None when empty; problems for text and NaN/infinity."""
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
    if not math.isfinite(num):
        col.add(loc, field, f"{text!r} is not a finite number")
        return None
    return num


def _lat_lon(rec: Mapping[str, Any], loc: str, col: _Collector
             ) -> tuple[float | None, float | None]:
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
        CSV (UTF-8) or GeoJSON file following the incidents schema of DESIGN.md.
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
    today = today or date.today()
    allowed_types = tuple(types)
    header, records, locs = _read_incident_records(path, col, encoding)
    _check_header(header, col)
    col.raise_if_any()
    if not records:
        col.fail("-", "-", "no incidents (the file has a header but no rows)")

    units: dict[tuple[str, str], str] = {}
    countries: set[str] = set()
    if boundaries is not None:
        for cc, a1 in zip(boundaries[C.COUNTRY], boundaries[C.ADMIN1], strict=True):
            units[(cc, a1.casefold())] = a1
            countries.add(cc)

    out: list[dict[str, Any]] = []
    seen_ids: dict[str, str] = {}
    for rec, loc in zip(records, locs, strict=True):
        n_before = len(col.problems)
        for key, value in rec.items():
            if isinstance(value, str) and (bad := _CONTROL.search(value)):
                col.add(loc, key, f"contains a control character (U+{ord(bad.group()):04X})")
        iid = _text(rec.get(C.INCIDENT_ID))
        if not iid:
            col.add(loc, C.INCIDENT_ID, "missing")
        elif iid in seen_ids:
            col.add(loc, C.INCIDENT_ID, f"duplicate {iid!r} (first at {seen_ids[iid]})")
        else:
            seen_ids[iid] = loc
            if not col.has(loc, C.INCIDENT_ID):
                _check_id(iid, loc, C.INCIDENT_ID, col)
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
            col.add(loc, C.TYPE, f"{_text(rec.get(C.TYPE))!r} is not a known type "
                                 f"({', '.join(allowed_types)})")

        country = _text(rec.get(C.COUNTRY)).upper()
        admin1 = _text(rec.get(C.ADMIN1))
        place = _text(rec.get(C.PLACE))
        if country and (len(country) != 2 or not (country.isascii() and country.isalpha())):
            col.add(loc, C.COUNTRY, f"{country!r} is not an ISO 3166-1 alpha-2 code")
        elif country and countries and country not in countries:
            col.add(loc, C.COUNTRY, f"{country!r} is not in the boundaries layer "
                                    f"({', '.join(sorted(countries))})")
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

        lat, lon = _lat_lon(rec, loc, col)
        gprec_text = _text(rec.get(C.GEO_PRECISION))
        gprec: int | None = None
        if gprec_text:
            if gprec_text not in {"1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"}:
                col.add(loc, C.GEO_PRECISION, f"{gprec_text!r} is not 1, 2, 3 or 4")
            else:
                gprec = int(float(gprec_text))
        no_coords = not _text(rec.get(C.LAT)) and not _text(rec.get(C.LON))
        by_place = bool(no_coords and place and gprec in (None, 1, 2))
        unresolved = by_place and not resolve_places
        if by_place and resolve_places and len(col.problems) == n_before:
            try:
                lat, lon = resolve_place(place, country=country, admin1=admin1,
                                         boundaries=boundaries)
            except PlaceError as exc:
                col.add(loc, C.PLACE, exc.problem.message)
        has_point = lat is not None and lon is not None
        if gprec is None:
            gprec = 1 if has_point else 3 if admin1 else 4 if country else None
        clean = len(col.problems) == n_before and not unresolved
        if gprec is None:
            if clean:
                col.add(loc, C.LAT, "no location: give lat+lon, a place, admin1+country or country")
        elif gprec in (1, 2) and not has_point and clean:
            col.add(loc, C.GEO_PRECISION, f"geo_precision {gprec} needs lat+lon or a place")
        elif gprec == 3 and not (admin1 and country) and clean:
            col.add(loc, C.ADMIN1, "geo_precision 3 (first-level unit) needs admin1 and country")
        elif gprec == 4 and not country and clean:
            col.add(loc, C.COUNTRY, "geo_precision 4 (country) needs country")

        count = _float(rec.get(C.COUNT), loc, C.COUNT, col)
        if count is not None and count < 0:
            col.add(loc, C.COUNT, f"{count:g} is negative; give the number of people affected "
                                  "(empty when unknown)")
        elif count is not None and count > 1e9:
            col.add(loc, C.COUNT, f"{count:g} is implausibly large")
        quality = _float(rec.get(C.SOURCE_QUALITY), loc, C.SOURCE_QUALITY, col)
        if quality is not None and not 1 <= quality <= 5:
            col.add(loc, C.SOURCE_QUALITY, f"{quality:g} is outside the scale 1–5")
        visibility = _text(rec.get(C.VISIBILITY)).lower() or "restricted"
        if visibility not in {"public", "restricted"}:
            col.add(loc, C.VISIBILITY, f"{_text(rec.get(C.VISIBILITY))!r} is not public or "
                                       "restricted")
        url = _text(rec.get(C.SOURCE_URL))
        if url and not re.match(r"(?i)https?://", url):
            col.warn(loc, C.SOURCE_URL, f"{url[:60]!r} is not an http(s) link; it is shown as "
                                        "text, never as a link")
        if len(col.problems) > n_before or period is None or gprec is None or unresolved:
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
                C.SOURCE_URL: url,
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
