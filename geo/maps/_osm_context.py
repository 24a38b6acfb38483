"""Main roads, railways and place names from a user's OpenStreetMap extract, for the map
context.

One pass through the file with pyosmium: libosmium keeps node locations in its own cache and
filters in C++ to the objects tagged ``highway``, ``railway`` or ``place``; Python sees only
those, keeps the main roads (:data:`ROAD_ZOOM`) and main-line railways (``railway=rail``
without a ``service`` tag) that touch the box and the named places (:data:`PLACE_ZOOM`) inside
it. Memory grows with what is kept in the box, not with the size of the file: libosmium's node
location cache is kept in memory for an extract under :data:`DISK_CACHE_MB` (decompressed) and in
a temporary file on disk above it; the decompressed size is capped first
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

from geo._errors import RouteriskError

__all__ = ["PLACE_ZOOM", "RAIL_ZOOM", "ROAD_ZOOM", "check_osm", "osm_context"]

log = logging.getLogger(__name__)

#: OSM ``highway`` values drawn as context roads, and the zoom from which each is drawn.
ROAD_ZOOM: dict[str, int] = {"motorway": 6, "trunk": 6, "primary": 7, "secondary": 8,
                             "tertiary": 10}
#: Above this decompressed size (MB) the node location cache goes to a temporary file.
DISK_CACHE_MB = 256.0
#: Zoom from which main-line railways are drawn.
RAIL_ZOOM = 7
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
        self.lines: dict[str, list[list[tuple[float, float]]]] = {"roads": [], "railways": []}
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
        layer = "roads"
        if kind not in ROAD_ZOOM:
            if way.tags.get("railway") != "rail" or "service" in way.tags:
                return
            layer = "railways"
        try:
            coords = [(n.lon, n.lat) for n in way.nodes]
        except osmium.InvalidLocationError:
            self.missing += 1
            return
        w, s, e, n = self.box
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        if len(coords) >= 2 and max(xs) >= w and min(xs) <= e and max(ys) >= s and min(ys) <= n:
            self.lines[layer].append(coords)
            if layer == "roads":
                self.road_kind.append(kind)


def check_osm(path: str | Path) -> Path:
    """Refuse an OSM extract for the context that is missing, not OSM data (PBF block headers
    unreadable) or larger once decompressed than :data:`geo.settings.OSM_MAX_MB`.

    Parameters
    ----------
    path
        The extract (``.osm.pbf``, ``.osm``, ``.osm.gz``, ``.osm.bz2``).

    Returns
    -------
    Path
        ``path``, checked.

    Raises
    ------
    geo.RouteriskError
        Naming the file.

    Examples
    --------
    >>> check_osm("no/such.osm.pbf")
    Traceback (most recent call last):
    ...
    geo.RouteriskError: no/such.osm.pbf:-: context_osm: no such OSM extract
    """
    from geo import settings
    from geo._osm_extract import check_size

    path = Path(path)
    if not path.is_file():
        raise RouteriskError("no such OSM extract", file=str(path), field="context_osm")
    check_size(path, max_mb=settings.osm_max_mb(), flag="geo.settings.OSM_MAX_MB")
    return path


def _read(path: Path, collector: _Collector, storage: str) -> None:
    import osmium

    proc = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations(storage)
            .with_filter(osmium.filter.KeyFilter("highway", "railway", "place")))
    for obj in proc:
        if isinstance(obj, osmium.osm.Node):
            collector.node(obj)
        elif isinstance(obj, osmium.osm.Way):
            collector.way(obj)


def _read_bounded(path: Path, collector: _Collector) -> None:
    """:func:`_read` with the location cache in memory, or on disk for a large extract."""
    import tempfile

    from geo._osm_extract import decompressed_mb

    if decompressed_mb(path, cap_mb=DISK_CACHE_MB) <= DISK_CACHE_MB:
        _read(path, collector, "flex_mem")
        return
    with tempfile.TemporaryDirectory(prefix="routerisk-osm-") as tmp:
        _read(path, collector, f"sparse_file_array,{Path(tmp) / 'locations.bin'}")


def _clipped(coords: list[list[tuple[float, float]]], box: tuple[float, float, float, float]
             ) -> tuple[np.ndarray, np.ndarray]:
    """The lines clipped to ``box``, and which of them are left."""
    if not coords:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=bool)
    lines = shapely.clip_by_rect(np.array([shapely.LineString(c) for c in coords],
                                          dtype=object), *box)
    keep = ~shapely.is_empty(lines) & (shapely.length(lines) > 0)
    return lines[keep], keep


def osm_context(path: Path, box: tuple[float, float, float, float]
                ) -> dict[str, gpd.GeoDataFrame]:
    """``roads``, ``railways`` and ``places`` of an OSM extract inside ``box``, in the columns
    of :func:`geo.maps.basemap.load_context` (a place's ``min_zoom`` from its ``place`` kind
    alone: the caller lowers it by population).

    Raises
    ------
    RouteriskError
        The file is missing, too large once decompressed, or not OSM data.
    """
    from geo._osm_extract import osm_format

    check_osm(path)
    collector = _Collector(box)
    try:
        _read_bounded(path, collector)
    except RuntimeError as exc:
        kind = "PBF" if osm_format(path)[0] == "pbf" else "OSM XML"
        raise RouteriskError(f"not readable as {kind}: {exc}", file=str(path)) from None
    if collector.missing:
        log.info("%s: %d ways refer to nodes the extract does not hold; not drawn",
                 path.name, collector.missing)
    lines, keep = _clipped(collector.lines["roads"], box)
    kinds = np.asarray(collector.road_kind, dtype=object)[keep]
    roads = gpd.GeoDataFrame({
        "kind": kinds,
        "min_zoom": np.array([ROAD_ZOOM[k] for k in kinds], dtype=np.int8),
        "source": SOURCE,
    }, geometry=gpd.GeoSeries(lines, crs=4326), crs=4326)
    rails, _ = _clipped(collector.lines["railways"], box)
    railways = gpd.GeoDataFrame({"min_zoom": np.full(len(rails), RAIL_ZOOM, dtype=np.int8),
                                 "source": SOURCE},
                                geometry=gpd.GeoSeries(rails, crs=4326), crs=4326)
    rows = collector.place_rows
    pop = np.array([r[3] for r in rows], dtype=np.int64)
    places = gpd.GeoDataFrame({
        "name": pd.Series([r[0] for r in rows], dtype=object),
        "population": pop,
        "min_zoom": np.array([PLACE_ZOOM[r[4]] for r in rows], dtype=np.int8),
        "capital": np.zeros(len(rows), dtype=bool),
        "country": "",
        "geonameid": np.full(len(rows), -1, dtype=np.int64),
        "source": SOURCE,
    }, geometry=gpd.points_from_xy([r[1] for r in rows], [r[2] for r in rows]), crs=4326)
    return {"roads": roads, "railways": railways, "places": places}
