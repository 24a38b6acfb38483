"""Main roads and place names from a user's OpenStreetMap extract, for the map context.

One pass through the file with pyosmium: libosmium keeps node locations in its own cache and
filters in C++ to the objects tagged ``highway`` or ``place``; Python sees only those, keeps the
main roads (:data:`ROAD_ZOOM`) that touch the box and the named places (:data:`PLACE_ZOOM`) inside
it. Memory grows with what is kept in the box, never with the size of the file, beyond
libosmium's location cache; the decompressed size is capped first
(:data:`geo.settings.OSM_MAX_MB`), like every OSM input.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo._errors import RouteriskError

__all__ = ["PLACE_ZOOM", "ROAD_ZOOM", "osm_context"]

log = logging.getLogger(__name__)

#: OSM ``highway`` values drawn as context roads, and the zoom from which each is drawn.
ROAD_ZOOM: dict[str, int] = {"motorway": 6, "trunk": 6, "primary": 7, "secondary": 8,
                             "tertiary": 10}
#: OSM ``place`` values labelled, and the zoom from which each may be (population may lower it).
PLACE_ZOOM: dict[str, int] = {"city": 6, "town": 9, "village": 11, "hamlet": 13}
SOURCE = "OpenStreetMap"


def _population(tags: Any) -> int:
    raw = (tags.get("population") or "").replace(",", "").replace(" ", "")
    return int(raw) if raw.isdigit() else 0


class _Collector:
    """Keeps the roads touching the box and the places in it, in plain lists."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        self.box = box
        self.road_coords: list[list[tuple[float, float]]] = []
        self.road_kind: list[str] = []
        self.place_rows: list[tuple[str, float, float, int, str]] = []
        self.missing = 0

    def _inside(self, lon: float, lat: float) -> bool:
        w, s, e, n = self.box
        return w <= lon <= e and s <= lat <= n

    def node(self, node: Any) -> None:
        kind = node.tags.get("place")
        name = node.tags.get("name")
        if kind in PLACE_ZOOM and name and node.location.valid():
            lon, lat = node.location.lon, node.location.lat
            if self._inside(lon, lat):
                self.place_rows.append((name, lon, lat, _population(node.tags), kind))

    def way(self, way: Any) -> None:
        import osmium

        kind = way.tags.get("highway")
        if kind not in ROAD_ZOOM:
            return
        try:
            coords = [(n.lon, n.lat) for n in way.nodes]
        except osmium.InvalidLocationError:
            self.missing += 1
            return
        w, s, e, n = self.box
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        if len(coords) >= 2 and max(xs) >= w and min(xs) <= e and max(ys) >= s and min(ys) <= n:
            self.road_coords.append(coords)
            self.road_kind.append(kind)


def _read(path: Path, collector: _Collector) -> None:
    import osmium

    proc = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations("flex_mem")
            .with_filter(osmium.filter.KeyFilter("highway", "place")))
    for obj in proc:
        if isinstance(obj, osmium.osm.Node):
            collector.node(obj)
        elif isinstance(obj, osmium.osm.Way):
            collector.way(obj)


def osm_context(path: Path, box: tuple[float, float, float, float]
                ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(roads, places) of an OSM extract inside ``box``, in the columns of
    :func:`geo.maps.basemap.load_context`.

    Raises
    ------
    RouteriskError
        The file is missing, too large once decompressed, or not OSM data.
    """
    from geo._osm_extract import check_size, osm_format

    if not path.is_file():
        raise RouteriskError("no such OSM extract", file=str(path))
    check_size(path, max_mb=settings.OSM_MAX_MB, flag="geo.settings.OSM_MAX_MB")
    collector = _Collector(box)
    try:
        _read(path, collector)
    except RuntimeError as exc:
        kind = "PBF" if osm_format(path)[0] == "pbf" else "OSM XML"
        raise RouteriskError(f"not readable as {kind}: {exc}", file=str(path)) from None
    if collector.missing:
        log.info("%s: %d roads refer to nodes the extract does not hold; not drawn",
                 path.name, collector.missing)
    lines = shapely.clip_by_rect(
        np.array([shapely.LineString(c) for c in collector.road_coords], dtype=object), *box)
    keep = ~shapely.is_empty(lines) if len(lines) else np.zeros(0, dtype=bool)
    kinds = np.asarray(collector.road_kind, dtype=object)[keep]
    roads = gpd.GeoDataFrame({
        "kind": kinds,
        "min_zoom": np.array([ROAD_ZOOM[k] for k in kinds], dtype=np.int8),
        "source": SOURCE,
    }, geometry=gpd.GeoSeries(lines[keep] if len(lines) else [], crs=4326), crs=4326)
    rows = collector.place_rows
    pop = np.array([r[3] for r in rows], dtype=np.int64)
    zoom = np.array([PLACE_ZOOM[r[4]] for r in rows], dtype=np.int8)
    if len(rows):
        from geo.maps.basemap import zoom_for_population

        zoom = np.where(pop > 0, np.minimum(zoom, zoom_for_population(pop)), zoom)
    places = gpd.GeoDataFrame({
        "name": pd.Series([r[0] for r in rows], dtype=object),
        "population": pop,
        "min_zoom": zoom.astype(np.int8),
        "capital": np.zeros(len(rows), dtype=bool),
        "country": "",
        "geonameid": np.full(len(rows), -1, dtype=np.int64),
        "source": SOURCE,
    }, geometry=gpd.points_from_xy([r[1] for r in rows], [r[2] for r in rows]), crs=4326)
    return roads, places
