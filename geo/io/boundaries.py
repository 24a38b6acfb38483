"""Read first-level administrative units (boundaries)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from geo import columns as C
from geo.io._common import _CONTROL, _clean_column, _Collector
from geo.io._vector import (
    _POLYGONAL,
    _area_km2,
    _check_geometries,
    _check_required,
    _read_vector,
    _to_wgs84,
    _validity_reason,
)
from geo.io.crs import WGS84

__all__ = ["read_boundaries"]

log = logging.getLogger(__name__)


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

    Examples
    --------
    >>> from geo import datasets
    >>> units = read_boundaries(datasets.get_path("boundaries"))
    >>> units.columns[:3].tolist(), units.crs.to_epsg()
    (['country', 'admin1', 'admin1_code'], 4326)
    """
    path = Path(path)
    col = _Collector(path)
    gdf = _read_vector(path, col)
    has_columns = _check_required(gdf, [C.COUNTRY], col)
    _check_geometries(gdf, _POLYGONAL, col)
    wgs = _to_wgs84(gdf, col)
    if not has_columns:
        col.raise_if_any()
    rows = gdf[C.ROW]
    countries = [v.upper() for v in _clean_column(gdf[C.COUNTRY], rows, C.COUNTRY, col,
                                                  free_text=False)]
    admin1 = (_clean_column(gdf[C.ADMIN1], rows, C.ADMIN1, col, free_text=True)
              if C.ADMIN1 in gdf else [""] * len(gdf))
    codes = (_clean_column(gdf[C.ADMIN1_CODE], rows, C.ADMIN1_CODE, col, free_text=False)
             if C.ADMIN1_CODE in gdf else [""] * len(gdf))
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
            col.add(loc, "geometry", f"invalid polygon: {reason}; the repair option fixes it "
                                     "and logs the change", option="repair=True")
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
