"""Corridors that follow the real road or rail network, built from OpenStreetMap data with osmnx.

The only module of routerisk that imports osmnx. An OSM extract on disk (``.osm`` XML, optionally
``.gz``/``.bz2``) is read with osmnx's own reader; each waypoint (a place name through the offline
gazetteer, or ``lat,lon``) is snapped to the nearest network vertex; consecutive waypoints are
joined by the shortest path by length; the result is one corridor feature that records its
waypoints and its source. :func:`append_corridor` adds it to a corridors file without touching
the bytes of the corridors already there.

Nothing here touches the network unless asked: only :func:`corridor_from_download` calls the
Overpass API (through osmnx), and only when the user asks for it.

Example (the ``tests/data/tiny_network.osm`` fixture)::

    corridor = corridor_from_osm(Path("tests/data/tiny_network.osm"),
                                 ["40.000,120.000", "40.010,120.030"],
                                 corridor_id="T-01", route="Test")
    append_corridor(corridor, Path("layers/corridors.geojson"))

Why one module of this length: osmnx is imported here only (the package's rule), so reading
OSM files, following the network and appending to a corridors file, which all go through it,
stay together.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import tempfile
import xml.sax
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pyproj
import shapely
from osmnx._errors import InsufficientResponseError
from scipy.spatial import cKDTree

from geo import columns as C
from geo import settings
from geo._errors import RouteriskError, UsageError, ValidationError
from geo._osm_extract import check_size, extract_bbox, osm_format
from geo.io import WGS84, read_corridors
from geo.paths import parse_waypoint

__all__ = [
    "MODE_NETWORK",
    "NETWORK_TYPES",
    "WAYPOINTS",
    "append_corridor",
    "corridor_from_download",
    "corridor_from_graph",
    "corridor_from_osm",
    "load_network",
    "parse_waypoint",
]

log = logging.getLogger(__name__)

WAYPOINTS = "waypoints"  # corridor property: the waypoints as written, ";"-joined
Waypoint = str | tuple[float, float]

# Network type used for each corridor mode when none is given.
MODE_NETWORK: Mapping[str, str] = {"road": "drive", "rail": "rail", "foot": "walk",
                                   "mixed": "all"}
NETWORK_TYPES = ("drive", "walk", "rail", "all")
_MODES = {"rail", "road", "river", "foot", "mixed", "sea"}  # as geo.io.read_corridors accepts
_EARTH_RADIUS_M = 6_371_008.8
_GEOD = pyproj.Geod(ellps="WGS84")
# OSM way tags the filters need, on top of osmnx's default useful_tags_way.
_EXTRA_WAY_TAGS = ("railway", "foot", "motor_vehicle", "motorcar")
# Filters in the spirit of osmnx's network_type filters (osmnx applies those to Overpass
# queries; an extract on disk holds every way, so they are applied here to the loaded edges).
_NOT_HIGHWAY = {"abandoned", "construction", "no", "planned", "platform", "proposed", "raceway",
                "razed", "disused"}
_NOT_DRIVE = _NOT_HIGHWAY | {"bridleway", "bus_guideway", "corridor", "cycleway", "elevator",
                             "escalator", "footway", "path", "pedestrian", "service", "steps",
                             "track"}
_NOT_WALK = _NOT_HIGHWAY | {"bus_guideway", "cycleway", "motor", "motorway", "motorway_link"}
_RAILWAY = {"rail", "light_rail", "narrow_gauge"}


# --------------------------------------------------------------------------- loading


@contextlib.contextmanager
def _osmnx_settings(**values: Any) -> Iterator[None]:
    """Set osmnx settings for the duration of a block, then restore them."""
    old = {name: getattr(ox.settings, name) for name in values}
    try:
        for name, value in values.items():
            setattr(ox.settings, name, value)
        yield
    finally:
        for name, value in old.items():
            setattr(ox.settings, name, value)


def _edge_filter(network_type: str) -> Callable[[Mapping[str, Any]], bool]:
    """A predicate on edge attributes that keeps the ways of ``network_type``."""

    def tag(d: Mapping[str, Any], key: str) -> str:
        value = d.get(key, "")
        return str(value) if isinstance(value, str) else ""

    def drive(d: Mapping[str, Any]) -> bool:
        hw = tag(d, "highway")
        return bool(hw) and hw not in _NOT_DRIVE and tag(d, "area") != "yes" and (
            tag(d, "access") != "private" and tag(d, "motor_vehicle") != "no"
            and tag(d, "motorcar") != "no")

    def walk(d: Mapping[str, Any]) -> bool:
        hw = tag(d, "highway")
        return bool(hw) and hw not in _NOT_WALK and tag(d, "area") != "yes" and (
            tag(d, "foot") != "no" and tag(d, "access") != "private")

    def rail(d: Mapping[str, Any]) -> bool:
        return tag(d, "railway") in _RAILWAY

    def any_way(d: Mapping[str, Any]) -> bool:
        hw = tag(d, "highway")
        return (bool(hw) and hw not in _NOT_HIGHWAY and tag(d, "area") != "yes") or rail(d)

    return {"drive": drive, "walk": walk, "rail": rail, "all": any_way}[network_type]


def _network_type(mode: str, network_type: str | None) -> str:
    """The network type given, checked, or else the one for ``mode``."""
    if network_type is None:
        if mode not in MODE_NETWORK:
            raise UsageError(f"mode {mode!r} has no OSM network; choose a network type "
                             f"({', '.join(NETWORK_TYPES)})", field="network_type")
        return MODE_NETWORK[mode]
    if network_type not in NETWORK_TYPES:
        raise UsageError(f"network type {network_type!r} is not one of "
                         f"{', '.join(NETWORK_TYPES)}", field="network_type")
    return network_type


def load_network(
    osm_path: Path | str,
    *,
    network_type: str = "drive",
    respect_oneway: bool = False,
    bbox: tuple[float, float, float, float] | None = None,
    max_mb: float | None = None,
) -> nx.MultiDiGraph:
    """Read an OSM extract and keep the ways of one network type.

    PBF extracts, and any extract when ``bbox`` is given, are read with pyosmium
    (:mod:`geo._osm_extract`), keeping only the road and rail ways with a vertex in the box;
    osmnx then builds the graph from those. OSM XML without a box is read by osmnx directly.

    Parameters
    ----------
    osm_path
        OSM PBF (``.osm.pbf``, e.g. a Geofabrik extract as downloaded) or XML (``.osm``,
        ``.osm.gz``, ``.osm.bz2``).
    network_type
        ``"drive"`` (roads for motor vehicles), ``"walk"``, ``"rail"`` (``railway`` = rail,
        light_rail, narrow_gauge) or ``"all"``.
    respect_oneway
        Keep one-way streets one-way. Off by default: a corridor is a line on a map, not a
        turn-by-turn route, and carriageways of divided roads would otherwise split it.
    bbox
        ``(west, south, east, north)`` in degrees: keep only the ways with a vertex inside
        (complete), so memory follows the box, not the extract.
    max_mb
        Refuse an extract that decompresses to more than this many MB (default
        :data:`geo.settings.OSM_MAX_MB`), checked before it is parsed.

    Returns
    -------
    networkx.MultiDiGraph
        Unsimplified osmnx graph (every OSM vertex is a node, so waypoints snap to the road
        itself, not only to junctions), every component kept, edges with ``length`` in metres.

    Raises
    ------
    RouteriskError
        The file is missing, not OSM XML, refers to nodes it does not hold, or holds no way of
        the network type.

    Examples
    --------
    >>> import tempfile
    >>> osm = Path(tempfile.mkdtemp()) / "road.osm"
    >>> _ = osm.write_text(
    ...     '<osm version="0.6"><node id="1" lat="40.0" lon="120.0"/>'
    ...     '<node id="2" lat="40.0" lon="120.01"/><node id="3" lat="40.0" lon="120.02"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
    ...     '<tag k="highway" v="primary"/></way></osm>')
    >>> graph = load_network(osm)
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (3, 4)
    """
    path = Path(osm_path)
    keep = _edge_filter(_network_type("", network_type))
    if not path.is_file():
        raise RouteriskError("file not found", file=str(path))
    check_size(path, max_mb=settings.osm_max_mb() if max_mb is None else max_mb)
    if bbox is not None or osm_format(path)[0] == "pbf":
        with tempfile.TemporaryDirectory(prefix="routerisk-osm-") as tmp:
            small = Path(tmp) / "extract.osm"
            kept = extract_bbox(path, bbox or (-180.0, -90.0, 180.0, 90.0), small)
            if not kept.ways:
                where = f"in the box {_box_text(bbox)}" if bbox else "in the file"
                raise RouteriskError(f"no road or rail ways {where} (the waypoints plus the "
                                     "margin); is the extract of another area?", file=str(path))
            graph = _read_xml(small, respect_oneway=respect_oneway, file=path)
    else:
        graph = _read_xml(path, respect_oneway=respect_oneway, file=path)
    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not keep(d)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n, deg in graph.degree() if deg == 0])
    if not graph.number_of_edges():
        raise RouteriskError(f"no ways of network type {network_type!r} in the "
                             f"{'box around the waypoints' if bbox else 'file'}",
                             file=str(path))
    graph.graph["network_type"] = network_type
    log.info("%s: %d nodes, %d edges of network type %s", path.name, graph.number_of_nodes(),
             graph.number_of_edges(), network_type)
    return graph


def _box_text(bbox: tuple[float, float, float, float]) -> str:
    return "({:.3f}, {:.3f}, {:.3f}, {:.3f})".format(*bbox)


def _waypoint_box(points: Sequence[tuple[float, float]], margin_km: float
                  ) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` around ``(lat, lon)`` points plus ``margin_km``."""
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    dlat = margin_km / 111.0
    dlon = margin_km / (111.0 * max(np.cos(np.radians(np.abs(lat).max())), 0.05))
    return (float(lon.min() - dlon), float(lat.min() - dlat), float(lon.max() + dlon),
            float(lat.max() + dlat))


def _read_xml(path: Path, *, respect_oneway: bool, file: Path) -> nx.MultiDiGraph:
    """osmnx's graph of an OSM XML file; errors name ``file`` (the user's extract)."""
    tags = list(dict.fromkeys([*ox.settings.useful_tags_way, *_EXTRA_WAY_TAGS]))
    try:
        with _osmnx_settings(useful_tags_way=tags):
            return ox.graph_from_xml(path, bidirectional=not respect_oneway, simplify=False,
                                     retain_all=True)
    except (xml.sax.SAXException, ParseError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise RouteriskError(f"not readable as OSM XML: {exc}", file=str(file)) from None
    except InsufficientResponseError:  # a ValueError: before the clause below
        raise RouteriskError("the file holds no OSM ways of a road or rail network"
                             if path != file else "the file holds no OSM nodes or ways",
                             file=str(file)) from None
    except ValueError as exc:
        if "missing nodes" not in str(exc):  # osmnx's message for ways with absent nodes
            raise
        raise RouteriskError(
            "ways refer to nodes the file does not hold (a clipped extract?); cut extracts "
            "with complete ways (osmium extract --strategy complete_ways)",
            file=str(file)) from None


# --------------------------------------------------------------------------- corridor


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's mean radius: chord order = great-circle order."""
    la, lo = np.radians(lat), np.radians(lon)
    return _EARTH_RADIUS_M * np.column_stack(
        [np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _snap_nodes(graph: nx.MultiDiGraph, points: Sequence[tuple[float, float]]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node of each ``(lat, lon)`` and its geodesic distance in metres.

    A k-d tree on 3-D sphere coordinates: exact nearest neighbours anywhere on Earth without a
    projection (osmnx's ``nearest_nodes`` needs scikit-learn for unprojected graphs).
    """
    ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    lon = np.array([graph.nodes[n]["x"] for n in ids], dtype=float)
    lat = np.array([graph.nodes[n]["y"] for n in ids], dtype=float)
    plat = np.array([p[0] for p in points], dtype=float)
    plon = np.array([p[1] for p in points], dtype=float)
    _, pos = cKDTree(_unit_xyz(lat, lon)).query(_unit_xyz(plat, plon), k=1)
    _, _, dist = _GEOD.inv(plon, plat, lon[pos], lat[pos])
    return ids[pos], np.asarray(dist, dtype=float)


def _edge_coords(graph: nx.MultiDiGraph, a: int, b: int) -> np.ndarray:
    """Coordinates of the shortest edge from ``a`` to ``b``, in the direction of travel."""
    edges = graph[a][b]
    key = min(edges, key=lambda k: (edges[k].get("length", 0.0), k))
    start = (graph.nodes[a]["x"], graph.nodes[a]["y"])
    geom = edges[key].get("geometry")
    if geom is None:
        return np.array([start, (graph.nodes[b]["x"], graph.nodes[b]["y"])])
    xy = shapely.get_coordinates(geom)
    # osmnx stores the geometry from u to v; reverse it if it was drawn the other way
    if np.hypot(*(xy[-1] - start)) < np.hypot(*(xy[0] - start)):
        xy = xy[::-1]
    return xy


def corridor_from_graph(
    graph: nx.MultiDiGraph,
    waypoints: Sequence[Waypoint],
    *,
    corridor_id: str,
    route: str,
    name: str | None = None,
    mode: str = "road",
    source: str,
    max_snap_km: float = 1.0,
    boundaries: gpd.GeoDataFrame | None = None,
    file: str = "-",
) -> gpd.GeoDataFrame:
    """A corridor along ``graph`` through ``waypoints`` in order.

    Parameters
    ----------
    graph
        An osmnx graph in EPSG:4326 (:func:`load_network`, or any osmnx graph; edge
        ``geometry`` of simplified graphs is followed, in the direction of travel, but
        waypoints snap to the nodes a simplified graph kept, so unsimplified is better).
    waypoints
        At least two: ``"lat,lon"`` strings, place names (``"Kunming, CN"``) or ``(lat, lon)``.
    corridor_id, route, name, mode, source
        Properties of the corridor (``name`` defaults to the waypoints joined by " – ").
    max_snap_km
        A waypoint farther than this from every vertex of the network is an error naming the
        distance (a corridor must not start or bend somewhere the analyst did not put it).
    boundaries
        Boundaries layer to narrow place names by first-level unit.
    file
        Name of the network's source file, for error messages.

    Returns
    -------
    GeoDataFrame
        One row, EPSG:4326: ``corridor_id``, ``route``, ``name``, ``mode``, ``source``,
        ``waypoints`` (as written, ``;``-joined) and the LineString, every vertex of which is a
        vertex of the network.

    Raises
    ------
    RouteriskError
        A waypoint off the network, or no path between two consecutive waypoints.

    Examples
    --------
    >>> import tempfile
    >>> osm = Path(tempfile.mkdtemp()) / "road.osm"
    >>> _ = osm.write_text(
    ...     '<osm version="0.6"><node id="1" lat="40.0" lon="120.0"/>'
    ...     '<node id="2" lat="40.0" lon="120.01"/><node id="3" lat="40.0" lon="120.02"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
    ...     '<tag k="highway" v="primary"/></way></osm>')
    >>> row = corridor_from_graph(load_network(osm), ["40.0,120.0", "40.0,120.02"],
    ...                           corridor_id="T-1", route="Test", source="test extract")
    >>> len(row.geometry.iloc[0].coords)
    3
    """
    _check_properties(corridor_id, route, mode)
    texts, points = _parse_all(waypoints, boundaries)
    return _build(graph, texts, points, corridor_id=corridor_id, route=route, name=name,
                  mode=mode, source=source, max_snap_km=max_snap_km, file=file)


def _parse_all(waypoints: Sequence[Waypoint], boundaries: gpd.GeoDataFrame | None
               ) -> tuple[list[str], list[tuple[float, float]]]:
    """Waypoints as written and as ``(lat, lon)``."""
    if len(waypoints) < 2:
        raise UsageError("a corridor needs at least two waypoints", field="waypoints")
    texts = [w.strip() if isinstance(w, str) else f"{w[0]},{w[1]}" for w in waypoints]
    points = [parse_waypoint(w, boundaries=boundaries, location=f"waypoint {i}",
                             field="waypoints")
              for i, w in enumerate(waypoints, start=1)]
    return texts, points


def _build(graph: nx.MultiDiGraph, texts: Sequence[str], points: Sequence[tuple[float, float]],
           *, corridor_id: str, route: str, name: str | None, mode: str, source: str,
           max_snap_km: float, file: str) -> gpd.GeoDataFrame:
    """Snap, route leg by leg, and assemble the corridor row (see :func:`corridor_from_graph`)."""
    nodes, dist = _snap_nodes(graph, points)
    for i, (text, d) in enumerate(zip(texts, dist, strict=True), start=1):
        if d > max_snap_km * 1000.0:
            raise RouteriskError(
                f"waypoint {text!r} is {d / 1000:.1f} km from the nearest way of the "
                f"network, more than the {max_snap_km:g} km a waypoint may be moved onto it: "
                "move the waypoint onto the road, check that the extract covers it and the "
                "network type, or allow a snap of "
                f"{math.ceil(d / 100) / 10:g} km", file=file, location=f"waypoint {i}",
                field="waypoints")
        log.info("waypoint %d %r snapped to node %d, %.0f m away", i, text, nodes[i - 1], d)
    path: list[int] = [int(nodes[0])]
    for i, (a, b) in enumerate(itertools.pairwise(nodes.tolist()), start=1):
        if a == b:
            continue
        try:
            leg = nx.shortest_path(graph, a, b, weight="length")
        except nx.NetworkXNoPath:
            raise RouteriskError(
                f"no path along the network from waypoint {i} {texts[i - 1]!r} to waypoint "
                f"{i + 1} {texts[i]!r}: they lie on parts of the network that do not connect "
                "(is the extract cut between them, or does the road leave the box around the "
                "waypoints plus the margin?)", file=file, location=f"waypoint {i + 1}",
                field="waypoints") from None
        path.extend(leg[1:])
    if len(path) < 2:
        raise RouteriskError("all waypoints snap to the same point of the network", file=file,
                             field="waypoints")
    coords = np.vstack([_edge_coords(graph, a, b) for a, b in itertools.pairwise(path)])
    keep = np.r_[True, (np.diff(coords, axis=0) != 0).any(axis=1)]
    line = shapely.LineString(coords[keep])
    return gpd.GeoDataFrame(
        {
            C.CORRIDOR_ID: [corridor_id],
            C.ROUTE: [route],
            C.NAME: [name if name else " – ".join(texts)],
            C.MODE: [mode],
            C.SOURCE: [source],
            WAYPOINTS: [";".join(texts)],
        },
        geometry=[line],
        crs=WGS84,
    ).pipe(_with_snaps, dist)


def _with_snaps(row: gpd.GeoDataFrame, dist: np.ndarray) -> gpd.GeoDataFrame:
    """The row with ``attrs["snap_km"]``: how far each waypoint was moved onto the network."""
    row.attrs["snap_km"] = [round(float(d) / 1000.0, 3) for d in dist]
    return row


def _check_properties(corridor_id: str, route: str, mode: str) -> None:
    if not corridor_id.strip():
        raise UsageError("the corridor id is empty", field="corridor_id")
    if not route.strip():
        raise UsageError("the route name is empty", field="route")
    if mode not in _MODES:
        raise UsageError(f"mode {mode!r} is not one of {', '.join(sorted(_MODES))}",
                         field="mode")


def corridor_from_osm(
    osm_path: Path | str,
    waypoints: Sequence[Waypoint],
    *,
    corridor_id: str,
    route: str,
    name: str | None = None,
    mode: str = "road",
    network_type: str | None = None,
    max_snap_km: float = 1.0,
    respect_oneway: bool = False,
    boundaries: gpd.GeoDataFrame | None = None,
    margin_km: float = 20.0,
    max_mb: float | None = None,
) -> gpd.GeoDataFrame:
    """A corridor along the network of an OSM extract on disk, through ``waypoints`` in order.

    The waypoints are resolved first; then only the ways with a vertex in the box around them
    (plus ``margin_km``) are read from the extract (see :func:`load_network`), so a country
    extract costs the memory of the box, not of the country.

    Parameters
    ----------
    osm_path
        OSM XML extract (see :func:`load_network`).
    waypoints
        At least two: ``"lat,lon"``, place names or ``(lat, lon)`` tuples.
    corridor_id, route, name, mode
        Properties of the new corridor.
    network_type
        Which ways to follow; default from ``mode`` (road: drive, rail: rail, foot: walk,
        mixed: all).
    max_snap_km
        Largest distance a waypoint may be moved onto the network (else an error naming it).
    respect_oneway
        See :func:`load_network`.
    boundaries
        Boundaries layer to narrow place names by first-level unit.
    margin_km
        Ways this far beyond the box around the waypoints are kept (a road may swing out).
    max_mb
        Cap on the decompressed extract (see :func:`load_network`).

    Returns
    -------
    GeoDataFrame
        One corridor row (:func:`corridor_from_graph`) whose ``source`` names the extract.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> osm = pathlib.Path(tempfile.mkdtemp()) / "one_road.osm"
    >>> _ = osm.write_text('<osm version="0.6"><node id="1" lat="40" lon="120"/>'
    ...     '<node id="2" lat="40" lon="120.01"/><node id="3" lat="40.01" lon="120.01"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
    ...     '<tag k="highway" v="primary"/></way></osm>')
    >>> c = corridor_from_osm(osm, ["40.0,120.0", "40.01,120.01"], corridor_id="T", route="R")
    >>> list(c.geometry[0].coords)
    [(120.0, 40.0), (120.01, 40.0), (120.01, 40.01)]
    >>> c.loc[0, "source"]
    'OSM extract one_road.osm (© OpenStreetMap contributors, ODbL)'
    """
    path = Path(osm_path)
    _check_properties(corridor_id, route, mode)
    ntype = _network_type(mode, network_type)
    texts, points = _parse_all(waypoints, boundaries)  # before the (slow) load
    graph = load_network(path, network_type=ntype, respect_oneway=respect_oneway,
                         bbox=_waypoint_box(points, margin_km), max_mb=max_mb)
    return _build(graph, texts, points, corridor_id=corridor_id, route=route, name=name,
                  mode=mode, source=f"OSM extract {path.name} (© OpenStreetMap contributors, "
                  "ODbL)", max_snap_km=max_snap_km, file=str(path))


def corridor_from_download(  # numpydoc ignore=EX01
    waypoints: Sequence[Waypoint],
    *,
    corridor_id: str,
    route: str,
    name: str | None = None,
    mode: str = "road",
    network_type: str | None = None,
    max_snap_km: float = 1.0,
    margin_km: float = 20.0,
    boundaries: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Like :func:`corridor_from_osm`, downloading the network from the Overpass API.

    Needs the internet; only called when the user asks for a download. The box around the
    waypoints (plus ``margin_km``) is fetched with ``osmnx.graph_from_bbox``, without osmnx's
    response cache. Long corridors mean large downloads: prefer an extract on disk.

    Parameters
    ----------
    waypoints, corridor_id, route, name, mode, network_type, max_snap_km
        As for :func:`corridor_from_osm`.
    margin_km
        Margin around the waypoints' box, downloaded too.
    boundaries
        As for :func:`corridor_from_osm`.

    Returns
    -------
    GeoDataFrame
        As :func:`corridor_from_osm`.

    Notes
    -----
    No example: it needs the internet (:func:`corridor_from_graph` has one, offline).
    """
    _check_properties(corridor_id, route, mode)
    ntype = _network_type(mode, network_type)
    texts, points = _parse_all(waypoints, boundaries)
    bbox = _waypoint_box(points, margin_km)
    kwargs: dict[str, Any] = {"network_type": ntype} if ntype in {"drive", "walk", "all"} else {
        "custom_filter": f'["railway"~"^({"|".join(sorted(_RAILWAY))})$"]'}
    log.info("downloading the %s network in %s from the Overpass API", ntype, bbox)
    tags = list(dict.fromkeys([*ox.settings.useful_tags_way, *_EXTRA_WAY_TAGS]))
    with _osmnx_settings(use_cache=False, useful_tags_way=tags):
        graph = ox.graph_from_bbox(bbox, simplify=False, retain_all=True, **kwargs)
    return _build(graph, texts, points, corridor_id=corridor_id, route=route, name=name,
                  mode=mode, source=f"OpenStreetMap via Overpass API, downloaded "
                  f"{date.today().isoformat()} (© OpenStreetMap contributors, ODbL)",
                  max_snap_km=max_snap_km, file="Overpass download")


# --------------------------------------------------------------------------- appending

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')


def _features_layout(text: str) -> tuple[int, int, list[tuple[int, int]]]:
    """Positions of ``[`` and ``]`` of the top-level ``features`` array and of each feature.

    A scan of JSON tokens (strings and punctuation), so that the new feature can be spliced in
    while every byte of the existing text stays where it is.
    """
    stack: list[str] = []
    key = ""
    last_string = ""
    open_at = close_at = -1
    spans: list[tuple[int, int]] = []
    start = -1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        depth = len(stack)
        if tok[0] == '"':
            if depth == 1:
                last_string = tok
            continue
        if tok == ":" and depth == 1:
            key = json.loads(last_string)
        elif tok in "[{":
            if depth == 1 and tok == "[" and key == "features" and open_at < 0:
                open_at = m.start()
            elif depth == 2 and open_at >= 0 and close_at < 0 and tok == "{":
                start = m.start()
            stack.append(tok)
        elif tok in "]}":
            stack.pop()
            if depth == 3 and open_at >= 0 and close_at < 0 and tok == "}":
                spans.append((start, m.end()))
            elif depth == 2 and open_at >= 0 and close_at < 0 and tok == "]":
                close_at = m.start()
    if open_at < 0 or close_at < 0:
        raise ValueError("no top-level features array")
    return open_at, close_at, spans


def _render_like(obj: Mapping[str, Any], sample: str, indent_base: str) -> str:
    """``obj`` as JSON in the style that reproduces ``sample`` (an existing feature's text)."""
    parsed = json.loads(sample)
    styles: list[dict[str, Any]] = []
    for ascii_ in (False, True):
        styles.append({"separators": (",", ":"), "ensure_ascii": ascii_})
        styles.append({"separators": (", ", ": "), "ensure_ascii": ascii_})
        for ind in (2, 4, 1, 3, "\t"):
            styles.append({"indent": ind, "ensure_ascii": ascii_})

    def render(value: Any, style: Mapping[str, Any]) -> str:
        out = json.dumps(value, **style)
        return out.replace("\n", "\n" + indent_base) if "indent" in style else out

    for style in styles:
        if render(parsed, style) == sample:
            return render(obj, style)
    log.info("could not recognise the file's JSON style; appending in compact form")
    fallback = {"indent": 2} if "\n" in sample else {"separators": (", ", ": ")}
    return render(obj, {**fallback, "ensure_ascii": False})


def _plain(value: Any) -> Any:
    """A property value JSON can hold: numpy scalars unwrapped, missing values as ""."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def _feature(row: Mapping[str, Any], geometry: shapely.Geometry,
             template: Mapping[str, Any] | None) -> dict[str, Any]:
    """A GeoJSON feature dict, keys ordered like ``template`` (an existing feature)."""
    props = {k: _plain(v) for k, v in row.items()}
    geom = json.loads(json.dumps(shapely.geometry.mapping(geometry)))
    if template:
        order = list(template.get("properties") or {})
        props = {**{k: props[k] for k in order if k in props},
                 **{k: v for k, v in props.items() if k not in order}}
    feature = {"type": "Feature", "properties": props, "geometry": geom}
    if template:
        feature = {**{k: feature[k] for k in template if k in feature}, **feature}
    return feature


def _check_new(corridor: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not len(corridor):
        raise RouteriskError("no corridor to append", field=C.CORRIDOR_ID)
    for column in (C.CORRIDOR_ID, C.ROUTE):
        if column not in corridor.columns:
            raise RouteriskError("required column is missing", field=column)
    wgs = corridor.to_crs(WGS84) if corridor.crs is not None else corridor.set_crs(WGS84)
    ids = [str(v) for v in wgs[C.CORRIDOR_ID]]
    if len(set(ids)) != len(ids):
        raise RouteriskError("the new corridors repeat an id", field=C.CORRIDOR_ID)
    for cid, route, geom in zip(ids, wgs[C.ROUTE], wgs.geometry, strict=True):
        if not cid.strip() or not str(route).strip():
            raise RouteriskError("corridor id and route must not be empty",
                                 location=f"corridor {cid!r}", field=C.CORRIDOR_ID)
        if geom is None or geom.is_empty or geom.geom_type not in {"LineString",
                                                                   "MultiLineString"}:
            raise RouteriskError("geometry must be a non-empty (Multi)LineString",
                                 location=f"corridor {cid!r}", field="geometry")
        if not shapely.is_valid(geom) or shapely.length(geom) <= 0:
            raise RouteriskError(f"invalid geometry: {shapely.is_valid_reason(geom)}",
                                 location=f"corridor {cid!r}", field="geometry")
    return wgs


def append_corridor(corridor: gpd.GeoDataFrame, into: Path | str) -> None:
    """Append corridor features to a corridors GeoJSON file, atomically.

    The existing file is validated (:func:`geo.io.read_corridors`) and the new corridor ids must
    not be in it. The new features are spliced into the text of the ``features`` array, in the
    JSON style of the features already there, so every existing byte stays as it was; the
    result is validated again, written to a temporary file beside the target and moved into
    place with :func:`os.replace` (a reader sees the old file or the new one, never half).
    A missing file is created.

    Parameters
    ----------
    corridor
        One or more corridor rows (:func:`corridor_from_osm`); every column but the geometry
        becomes a property.
    into
        The corridors GeoJSON file (EPSG:4326).

    Raises
    ------
    RouteriskError
        Invalid new corridor, an id already in the file, or an invalid existing file
        (:class:`ValidationError` listing its problems).

    Examples
    --------
    >>> import tempfile, shapely
    >>> into = Path(tempfile.mkdtemp()) / "corridors.geojson"
    >>> new = gpd.GeoDataFrame({"corridor_id": ["T-1"], "route": ["Test"]},
    ...     geometry=[shapely.LineString([(120.0, 40.0), (120.02, 40.0)])], crs=4326)
    >>> append_corridor(new, into)
    >>> json.loads(into.read_text())["features"][0]["properties"]["corridor_id"]
    'T-1'
    """
    target = Path(into)
    if target.suffix.lower() not in {".geojson", ".json"}:
        raise RouteriskError("corridors can only be appended to a GeoJSON file (.geojson)",
                             file=str(target))
    wgs = _check_new(corridor)
    rows = wgs.drop(columns=wgs.geometry.name).to_dict("records")
    if target.exists():
        raw = target.read_bytes()
        # read_corridors reports every problem of the file (an empty collection has none)
        existing = wgs.iloc[:0] if _is_empty_collection(raw) else read_corridors(target)
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        doc = json.loads(text)
        crs_name = ((doc.get("crs") or {}).get("properties") or {}).get("name")
        if crs_name and not pyproj.CRS.from_user_input(crs_name).equals(WGS84):
            raise RouteriskError(f"the file declares CRS {crs_name}; appending needs WGS84",
                                 file=str(target), field="crs")
        taken = dict(zip(existing[C.CORRIDOR_ID], range(1, len(existing) + 1), strict=True))
        for cid in wgs[C.CORRIDOR_ID]:
            if str(cid) in taken:
                raise RouteriskError(f"corridor id {cid!r} is already in the file "
                                     f"(feature {taken[str(cid)]})", file=str(target),
                                     location=f"feature {taken[str(cid)]}",
                                     field=C.CORRIDOR_ID)
        open_at, _, spans = _features_layout(text)
        template = doc["features"][-1] if doc["features"] else None
        if spans:
            s0, e0 = spans[-1]
            line_start = text.rfind("\n", 0, s0) + 1
            base = text[line_start:s0] if not text[line_start:s0].strip() else ""
            sample = text[s0:e0]
            sep = text[spans[-2][1]:spans[-1][0]] if len(spans) > 1 else (
                "," + text[open_at + 1:spans[0][0]])
            insert_at = e0
        else:
            base, sample, sep, insert_at = "", "", "", open_at + 1
        pieces = []
        for i, (row, geom) in enumerate(zip(rows, wgs.geometry, strict=True)):
            feature = _feature(row, geom, template)
            rendered = (_render_like(feature, sample, base) if sample
                        else json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            pieces.append((sep if (spans or i) else "") + rendered)
            if not spans and not i:
                sep = ","
        new_text = text[:insert_at] + "".join(pieces) + text[insert_at:]
        expected = len(existing) + len(wgs)
    else:
        features = [_feature(row, geom, None) for row, geom in zip(rows, wgs.geometry,
                                                                     strict=True)]
        body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                          for f in features)
        new_text = '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"
        bom = False
        expected = len(wgs)
    data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    _replace_validated(target, data, expected=expected)


def _is_empty_collection(raw: bytes) -> bool:
    """Whether ``raw`` is a GeoJSON FeatureCollection without features (nothing to validate)."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except ValueError:  # includes UnicodeDecodeError; read_corridors reports it
        return False
    return isinstance(doc, dict) and doc.get("type") == "FeatureCollection" and (
        doc.get("features") == [])


def _replace_validated(target: Path, data: bytes, *, expected: int) -> None:
    """Write ``data`` beside ``target``, check it reads as corridors, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".geojson",
                                    dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            check = read_corridors(tmp)
        except ValidationError as exc:
            raise RouteriskError(f"the appended file would not validate: {exc}",
                                 file=str(target)) from None
        if len(check) != expected:
            raise RouteriskError(f"the appended file would hold {len(check)} corridors, "
                                 f"expected {expected}", file=str(target))
        if target.exists():
            shutil.copymode(target, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("wrote %s (%d corridors)", target, expected)
