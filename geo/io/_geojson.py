"""Strict GeoJSON reading: every problem names its feature.

GeoJSON is parsed here rather than through GDAL so that every problem names its feature:
truncated files, a bare Feature, duplicated keys, NaN/Infinity literals (which Python's ``json``
accepts but RFC 8259 does not), malformed coordinates, unclosed rings.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from geo import columns as C
from geo.io._common import _RESERVED, _Collector, _snippet
from geo.io.crs import WGS84

# How many list levels wrap a position [x, y] in each GeoJSON geometry type.
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
          "MultiPolygon": 3}


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


_NUMBER = (int, float)  # exact types: a bool is not a coordinate


def _plain_line(value: Any) -> np.ndarray | None:
    """A list of plain [x, y] (or [x, y, z]) number positions as an (n, 2) array, or ``None``
    when anything in it needs the checks (and messages) of :func:`_position`."""
    if not isinstance(value, list):
        return None
    for p in value:
        if (type(p) is not list or len(p) < 2 or type(p[0]) not in _NUMBER
                or type(p[1]) not in _NUMBER):
            return None
    try:
        xy = np.array([p[:2] for p in value], dtype=float).reshape(-1, 2)
    except OverflowError:
        return None
    return xy if np.isfinite(xy).all() else None


def _positions(value: Any, depth: int) -> Any:
    if depth == 0:
        return _position(value)
    if depth == 1:  # a line or ring: most files have only plain numbers (one C-level pass)
        plain = _plain_line(value)
        if plain is not None:
            return plain
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
        if tuple(ring[0]) != tuple(ring[-1]):
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
                return shapely.MultiPoint(coords) if len(coords) else shapely.MultiPoint()
            if kind == "LineString":
                return _line(coords)
            if kind == "MultiLineString":
                if any(len(part) == 0 for part in coords):
                    raise _GeometryError("a MultiLineString has an empty part")
                return shapely.MultiLineString([_line(c) for c in coords])
            if kind == "Polygon":
                return _polygon(coords)
            if any(len(part) == 0 for part in coords):
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


def _features(doc: Any, col: _Collector) -> list[Any]:
    """The features list of a FeatureCollection; anything else is one clear problem."""
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
    return features


def _properties(feat: Mapping[str, Any], loc: str, col: _Collector) -> Mapping[str, Any]:
    props = feat.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        col.add(loc, "properties", f"must be an object, found {_snippet(props)}")
        return {}
    for key in getattr(props, "duplicates", ()):
        col.add(loc, key, "property appears more than once in this feature")
    return props


def _record(props: Mapping[str, Any], loc: str, col: _Collector, reserved: set[str]
            ) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in props.items():
        if isinstance(value, float) and not math.isfinite(value):
            literal = "NaN" if math.isnan(value) else "Infinity"
            col.add(loc, key, f"{literal} is not valid JSON; use null for an unknown value")
        elif key in _RESERVED:
            reserved.add(key)
        else:
            record[key] = value
    return record


def _read_geojson(path: Path, col: _Collector) -> gpd.GeoDataFrame:
    doc = _load_json(path, col)
    features = _features(doc, col)
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
        record = _record(_properties(feat, loc, col), loc, col, reserved)
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
