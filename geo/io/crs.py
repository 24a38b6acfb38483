"""Coordinate reference systems: WGS84 and the metric study CRS centred on the data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

__all__ = ["WGS84", "study_crs"]

WGS84 = pyproj.CRS.from_epsg(4326)


def study_crs(*layers: gpd.GeoDataFrame) -> pyproj.CRS:
    """An azimuthal equidistant CRS centred on the layers, for measuring in metres.

    The centre is rounded to whole degrees, so the same data in another input CRS (and so with
    slightly different floating point bounds) gets the same projection.

    Parameters
    ----------
    *layers
        GeoDataFrames in any CRS; the centre of their joint bounds is used.

    Returns
    -------
    pyproj.CRS
        Azimuthal equidistant, metres.

    Examples
    --------
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

