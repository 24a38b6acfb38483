"""Vector layers (GeoJSON by hand, the rest through pyogrio) and their common checks."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from geo import columns as C
from geo._errors import ValidationError
from geo.io._common import _RESERVED, _VECTOR_SUFFIXES, _check_id, _Collector
from geo.io._geojson import _read_geojson
from geo.io.crs import WGS84

_GEOD = pyproj.Geod(ellps="WGS84")
_POLYGONAL = {"Polygon", "MultiPolygon"}
_LINEAR = {"LineString", "MultiLineString"}


def _read_vector(path: Path, col: _Collector, *, layer: str | None = None,
                 choose_layer: Callable[[list[str]], str | None] | None = None
                 ) -> gpd.GeoDataFrame:
    """Read any vector file: GeoJSON by hand (for precise errors), the rest through pyogrio.

    A zipped shapefile (``.zip``, ``.shp.zip``) is read through GDAL's ``/vsizip/``. A file of
    several layers needs ``layer``, or ``choose_layer`` to pick one from their names.
    """
    if not path.exists():
        col.fail("-", "-", "file not found")
    if _is_topojson(path):
        gdf = _read_ogr(path, col, layer=layer, choose_layer=choose_layer, topojson=True)
    elif path.suffix.lower() in _VECTOR_SUFFIXES:
        gdf = _read_geojson(path, col)
    else:
        gdf = _read_ogr(path, col, layer=layer, choose_layer=choose_layer)
    if not len(gdf):
        col.fail("-", "-", "the layer has no features")
    return gdf


def _is_topojson(path: Path) -> bool:
    """A TopoJSON file (``"type": "Topology"``), whatever its name ends with."""
    if path.suffix.lower() == ".topojson":
        return True
    if path.suffix.lower() not in _VECTOR_SUFFIXES or not path.is_file():
        return False
    with path.open("rb") as fh:
        head = fh.read(4096)
    return re.search(rb'"type"\s*:\s*"Topology"', head) is not None


def _pick_layer(source: str, col: _Collector, layer: str | None,
                choose_layer: Callable[[list[str]], str | None] | None) -> str | None:
    import pyogrio

    names = [str(n) for n in pyogrio.list_layers(source)[:, 0]]
    if layer is not None:
        if layer not in names:
            col.fail("-", "-", f"has no layer {layer!r} (layers: {', '.join(names[:10])})")
        return layer
    if len(names) <= 1:
        return None
    chosen = choose_layer(names) if choose_layer else None
    if chosen is None:
        shown = ", ".join(repr(n) for n in names[:5])
        col.fail("-", "-", f"holds {len(names)} layers ({shown}); give a file with one layer, "
                           "or name one as FILE:LAYER")
    return chosen


def _read_ogr(path: Path, col: _Collector, *, layer: str | None,
              choose_layer: Callable[[list[str]], str | None] | None,
              topojson: bool = False) -> gpd.GeoDataFrame:
    """Read through pyogrio. TopoJSON has no CRS member: its coordinates are longitude and
    latitude (the plausibility checks still catch projected ones)."""
    zipped = path.suffix.lower() == ".zip"
    source = f"/vsizip/{path.resolve()}" if zipped else str(path)
    try:
        chosen = _pick_layer(source, col, layer, choose_layer)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = gpd.read_file(source, engine="pyogrio", layer=chosen)
    except ValidationError:
        raise
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        what = "a zipped vector layer" if zipped else "a vector layer"
        col.fail("-", "-", f"cannot read as {what}: {str(exc).strip()}")
    if chosen is not None:
        gdf.attrs["layer"] = chosen
    for w in caught:
        col.warn("-", "-", f"while reading: {w.message}")
    if gdf.crs is None and topojson:
        gdf = gdf.set_crs(WGS84)
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
    return gdf.assign(**{C.ROW: np.arange(1, len(gdf) + 1)})


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
