"""The offline basemap of the interactive map: context layers as JSON-ready arrays.

The layers come from :func:`geo.maps.basemap.load_context` (land, countries, coastline,
rivers, lakes, roads, railways, places; EPSG:4326, already clipped and simplified). Here they
become the page's ``basemap`` key: geometry as integer deltas like every other layer
(:mod:`geo.maps._payload`), and one label table in priority order (countries by area, then
capitals, then places by population, then water; coordinates as integers of 1e-4 degree) that
the page places without overlap at each zoom (``templates/js/labels.js``). The names travel
as text and are put on the page with ``textContent``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.maps._payload import _lines, _polygon, _Strings, _text, _texts

__all__ = ["CONTEXT_KEYS", "DEFAULT_CREDIT", "context_bounds", "context_payload"]

#: The layers :func:`context_payload` reads (each optional; a missing one draws nothing).
CONTEXT_KEYS = ("land", "countries", "coastline", "rivers", "lakes", "roads", "railways",
                "places")
#: Credit line of the basemap when the layers carry no ``attrs["source"]``.
DEFAULT_CREDIT = "Basemap: Natural Earth (public domain); places: GeoNames (CC BY 4.0)"
#: Label kinds, as ``templates/js/basemap.js`` reads them.
COUNTRY, CAPITAL, PLACE, WATER = 0, 1, 2, 3
#: Zoom from which country, lake and river names may show (places carry their own).
COUNTRY_ZOOM, LAKE_ZOOM, RIVER_ZOOM = 2, 6, 7
#: Zoom from which features without their own ``min_zoom`` are drawn.
LINE_ZOOM, ROAD_ZOOM = 0, 6
#: Road kinds drawn from a lower zoom (case-insensitive substrings of ``kind``).
MAJOR_ROADS = ("major", "motorway", "trunk", "primary", "highway")
#: Margin around the map's data asked of the basemap, as a share of its size (and at least
#: :data:`MIN_MARGIN_DEG`), so neighbours show when zoomed out a little.
MARGIN, MIN_MARGIN_DEG = 0.5, 3.0


def context_bounds(bounds: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    """The basemap's extent for map bounds ``[[south, west], [north, east]]``, as
    ``(minx, miny, maxx, maxy)`` in degrees, with a margin.

    >>> context_bounds([[0.0, 10.0], [2.0, 12.0]])
    (7.0, -3.0, 15.0, 5.0)
    """
    (s, w), (n, e) = bounds
    dx = max((e - w) * MARGIN, MIN_MARGIN_DEG)
    dy = max((n - s) * MARGIN, MIN_MARGIN_DEG)
    return (max(w - dx, -180.0), max(s - dy, -85.0), min(e + dx, 180.0), min(n + dy, 85.0))


def _frame(context: Mapping[str, gpd.GeoDataFrame], key: str) -> gpd.GeoDataFrame | None:
    frame = context.get(key)
    if frame is None or not len(frame):
        return None
    frame = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
    keep = frame.geometry.notna().to_numpy() & ~frame.geometry.is_empty.to_numpy()
    return frame[keep]


def _only(frame: gpd.GeoDataFrame | None, dim: int) -> gpd.GeoDataFrame | None:
    """The rows of ``frame`` with parts of dimension ``dim`` (2 areas, 1 lines), collections
    (as clipping makes them) reduced to those parts; ``None`` when none is left."""
    if frame is None:
        return None
    geoms = frame.geometry.to_numpy()
    collection = shapely.get_type_id(geoms) == 7
    if collection.any():
        geoms = geoms.copy()
        for i in np.flatnonzero(collection):
            parts = shapely.get_parts(geoms[i])
            parts = parts[shapely.get_dimensions(parts) == dim]
            geoms[i] = (shapely.union_all(parts) if len(parts)
                        else shapely.from_wkt("POLYGON EMPTY"))
    keep = (shapely.get_dimensions(geoms) == dim) & ~shapely.is_empty(geoms)
    if not keep.any():
        return None
    return frame.set_geometry(geoms, crs=frame.crs)[keep]


def _polygons(frame: gpd.GeoDataFrame | None) -> list[Any]:
    return [] if frame is None else [_polygon(g) for g in frame.geometry]


def _zooms(frame: gpd.GeoDataFrame | None, default: int) -> list[int]:
    """Each feature's ``min_zoom`` (the zoom from which it is worth drawing), else ``default``."""
    if frame is None:
        return []
    if "min_zoom" not in frame:
        return [default] * len(frame)
    z = pd.to_numeric(frame["min_zoom"], errors="coerce").fillna(default).to_numpy()
    return np.clip(np.floor(z), 0, 99).astype(int).tolist()


def _col(frame: gpd.GeoDataFrame, name: str) -> np.ndarray:
    return _texts(frame[name]) if name in frame else np.full(len(frame), "", dtype=object)


class _Labels:
    """The label table, filled in priority order."""

    def __init__(self, strings: _Strings) -> None:
        self.strings = strings
        self.rows: dict[str, list[Any]] = {"text": [], "lat": [], "lon": [], "kind": [],
                                           "minZoom": []}

    def add(self, text: str, point: Any, kind: int, min_zoom: int) -> None:
        if not text or point is None or point.is_empty:
            return
        self.rows["text"].append(self.strings(text))
        # integers of 1e-4 degree, as every coordinate of the page's data
        self.rows["lat"].append(round(float(point.y) * 10_000))
        self.rows["lon"].append(round(float(point.x) * 10_000))
        self.rows["kind"].append(kind)
        self.rows["minZoom"].append(int(min_zoom))


def _country_labels(labels: _Labels, countries: gpd.GeoDataFrame | None) -> None:
    if countries is None:
        return
    geoms = countries.geometry.to_numpy()
    area = shapely.area(geoms)
    names = _col(countries, "name")
    zooms = _zooms(countries, COUNTRY_ZOOM)
    own = None
    if "label_x" in countries and "label_y" in countries:
        own = shapely.points(pd.to_numeric(countries["label_x"], errors="coerce").to_numpy(),
                             pd.to_numeric(countries["label_y"], errors="coerce").to_numpy())
    for i in np.argsort(-area, kind="stable"):
        # the country's own label point when it lies in the map's part of the country
        point = own[i] if own is not None and shapely.contains(geoms[i], own[i]) else (
            shapely.point_on_surface(geoms[i]))
        labels.add(_text(names[i]), point, COUNTRY, max(zooms[i], COUNTRY_ZOOM))


#: Country names repeat inside the country on grids of this spacing (degrees) from this zoom,
#: so a zoomed-in view still names the country it shows (collisions thin them out).
REPEATS = ((2.5, 6), (0.8, 8))


def _country_repeats(labels: _Labels, countries: gpd.GeoDataFrame | None) -> None:
    if countries is None:
        return
    names = _col(countries, "name")
    for step, zoom in REPEATS:
        for geom, name in zip(countries.geometry.to_numpy(), names, strict=True):
            x0, y0, x1, y1 = geom.bounds
            xs = np.arange(np.ceil(x0 / step) * step, x1, step)
            ys = np.arange(np.ceil(y0 / step) * step, y1, step)
            if not len(xs) or not len(ys):
                continue
            gx, gy = np.meshgrid(xs + step / 2 * (zoom > 6), ys)
            points = shapely.points(gx.ravel(), gy.ravel())
            for point in points[shapely.contains_xy(geom, gx.ravel(), gy.ravel())]:
                labels.add(_text(name), point, COUNTRY, zoom)


def _place_labels(labels: _Labels, places: gpd.GeoDataFrame | None) -> None:
    if places is None:
        return
    pop = pd.to_numeric(places["population"], errors="coerce").fillna(0).to_numpy() if (
        "population" in places) else np.zeros(len(places))
    capital = places["capital"].fillna(False).to_numpy(dtype=bool) if "capital" in places else (
        np.zeros(len(places), dtype=bool))
    zoom = pd.to_numeric(places["min_zoom"], errors="coerce").fillna(99).to_numpy() if (
        "min_zoom" in places) else np.full(len(places), 8.0)
    names = _col(places, "name")
    order = np.lexsort((names.astype(str), -pop, ~capital))
    points = places.geometry.to_numpy()
    for i in order:
        labels.add(_text(names[i]), shapely.point_on_surface(points[i]),
                   CAPITAL if capital[i] else PLACE, int(min(zoom[i], 99)))


def _water_labels(labels: _Labels, lakes: gpd.GeoDataFrame | None,
                  rivers: gpd.GeoDataFrame | None) -> None:
    if lakes is not None:
        area = shapely.area(lakes.geometry.to_numpy())
        names, zooms = _col(lakes, "name"), _zooms(lakes, LAKE_ZOOM)
        for i in np.argsort(-area, kind="stable"):
            labels.add(_text(names[i]), lakes.geometry.iloc[i].representative_point(), WATER,
                       max(zooms[i] + 1, LAKE_ZOOM))
    if rivers is not None:
        length = shapely.length(rivers.geometry.to_numpy())
        names, zooms = _col(rivers, "name"), _zooms(rivers, RIVER_ZOOM)
        seen: set[str] = set()
        for i in np.argsort(-length, kind="stable"):
            name = _text(names[i])
            if name in seen:  # a river cut in pieces: named once, on its longest piece
                continue
            seen.add(name)
            geom = rivers.geometry.iloc[i]
            labels.add(name, geom.interpolate(0.5, normalized=True), WATER,
                       max(zooms[i] + 2, RIVER_ZOOM))


def _roads(roads: gpd.GeoDataFrame | None) -> dict[str, list[Any]]:
    if roads is None:
        return {"coords": [], "major": [], "minZoom": []}
    kind = pd.Series(_col(roads, "kind"), dtype=object).str.lower()
    major = np.zeros(len(roads), dtype=bool)
    for word in MAJOR_ROADS:
        major |= kind.str.contains(word, regex=False).to_numpy(dtype=bool)
    return {"coords": _lines(roads.geometry.to_numpy()), "major": major.astype(int).tolist(),
            "minZoom": _zooms(roads, ROAD_ZOOM)}


def _credit(context: Mapping[str, gpd.GeoDataFrame]) -> str:
    from geo.maps.basemap import attribution

    found = attribution({k: v for k, v in context.items() if v is not None})
    return "Basemap: " + "; ".join(found) if found else DEFAULT_CREDIT


def context_payload(context: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """The page's ``basemap`` key: geometry per layer and the label table.

    Parameters
    ----------
    context
        Layers by name (:data:`CONTEXT_KEYS`), as :func:`geo.maps.basemap.load_context`
        returns them: ``countries`` with ``name``, ``rivers`` and ``lakes`` with ``name``,
        ``roads`` with ``kind``, ``places`` with ``name``, ``population``, ``min_zoom``,
        ``capital``.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> places = gpd.GeoDataFrame({"name": ["Goma", "Sake"], "population": [670000, 70000],
    ...     "min_zoom": [5, 9], "capital": [False, False]},
    ...     geometry=[shapely.Point(29.22, -1.68), shapely.Point(29.04, -1.57)], crs=4326)
    >>> p = context_payload({"places": places})
    >>> [p["strings"][i] for i in p["labels"]["text"]], p["labels"]["minZoom"]
    (['Goma', 'Sake'], [5, 9])
    """
    strings = _Strings()
    frames = {key: _frame(context, key) for key in CONTEXT_KEYS}
    land, countries, lakes = (_only(frames[k], 2) for k in ("land", "countries", "lakes"))
    coast, rivers, roads, rail = (_only(frames[k], 1)
                                  for k in ("coastline", "rivers", "roads", "railways"))
    labels = _Labels(strings)
    _country_labels(labels, countries)
    _place_labels(labels, frames["places"])
    _water_labels(labels, lakes, rivers)
    _country_repeats(labels, countries)
    return {
        "land": _polygons(land),
        "countries": {"coords": _polygons(countries)},
        "coastline": _lines(coast.geometry.to_numpy()) if coast is not None else [],
        "rivers": {"coords": _lines(rivers.geometry.to_numpy()) if rivers is not None else [],
                   "minZoom": _zooms(rivers, LINE_ZOOM)},
        "lakes": {"coords": _polygons(lakes), "minZoom": _zooms(lakes, LINE_ZOOM)},
        "roads": _roads(roads),
        "railways": {"coords": _lines(rail.geometry.to_numpy()) if rail is not None else [],
                     "minZoom": _zooms(rail, ROAD_ZOOM)},
        "labels": labels.rows,
        "strings": strings.table(),
        "credit": _credit(context),
    }

