"""Read corridor polylines."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo import columns as C
from geo.io._common import _clean_column, _Collector
from geo.io._vector import (
    _LINEAR,
    _check_geometries,
    _check_required,
    _check_unique,
    _read_vector,
    _to_wgs84,
)
from geo.io.crs import WGS84

__all__ = ["MODES", "read_corridors"]

MODES = ("rail", "road", "river", "foot", "mixed", "sea")


def read_corridors(path: Path | str) -> gpd.GeoDataFrame:
    """Read corridor polylines.

    Parameters
    ----------
    path
        Any vector file of LineStrings with unique ``corridor_id`` and a ``route``.

    Returns
    -------
    GeoDataFrame
        Columns ``corridor_id``, ``route``, ``name``, ``mode``, ``source``, geometry
        (LineString/MultiLineString); EPSG:4326.

    Examples
    --------
    >>> from geo import datasets
    >>> corridors = read_corridors(datasets.get_path("corridors"))
    >>> bool(corridors["corridor_id"].is_unique)
    True
    """
    path = Path(path)
    col = _Collector(path)
    gdf = _read_vector(path, col)
    has_columns = _check_required(gdf, [C.CORRIDOR_ID, C.ROUTE], col)
    _check_geometries(gdf, _LINEAR, col)
    wgs = _to_wgs84(gdf, col)
    if not has_columns:
        col.raise_if_any()
    rows = gdf[C.ROW]
    ids = _clean_column(gdf[C.CORRIDOR_ID], rows, C.CORRIDOR_ID, col, free_text=False)
    _check_unique(ids, rows, C.CORRIDOR_ID, "feature", col)
    routes = _clean_column(gdf[C.ROUTE], rows, C.ROUTE, col, free_text=False)
    modes = ([v.lower() for v in _clean_column(gdf[C.MODE], rows, C.MODE, col, free_text=False)]
             if C.MODE in gdf else [""] * len(gdf))
    names = (_clean_column(gdf[C.NAME], rows, C.NAME, col, free_text=True) if C.NAME in gdf
             else ids)
    sources = (_clean_column(gdf[C.SOURCE], rows, C.SOURCE, col, free_text=True)
               if C.SOURCE in gdf else [""] * len(gdf))
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
            C.NAME: names,
            C.MODE: modes,
            C.SOURCE: sources,
        },
        geometry=list(wgs.geometry),
        crs=WGS84,
    )
