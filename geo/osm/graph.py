"""Road and rail networks from OpenStreetMap, read with osmnx: :func:`load_network` reads an
extract on disk (``.osm`` XML, optionally ``.gz``/``.bz2``; a ``.pbf`` cut to a box first by
:mod:`geo.osm.extract`), :func:`download_network` fetches a box from the Overpass API (only when
the user asks). The only module of routerisk that imports osmnx.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import xml.sax
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx
import numpy as np
import osmnx as ox
import pyproj
import shapely
from osmnx._errors import InsufficientResponseError
from scipy.spatial import cKDTree

from geo import settings
from geo._errors import RouteriskError, UsageError
from geo.osm.extract import check_size, extract_bbox, osm_format

__all__ = ["MODE_NETWORK", "NETWORK_TYPES", "download_network", "load_network"]

log = logging.getLogger(__name__)

# Network type used for each corridor mode when none is given.
MODE_NETWORK: Mapping[str, str] = {"road": "drive", "rail": "rail", "foot": "walk",
                                   "mixed": "all"}
NETWORK_TYPES = ("drive", "walk", "rail", "all")
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
    (:mod:`geo.osm.extract`), keeping only the road and rail ways with a vertex in the box;
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


def download_network(bbox: tuple[float, float, float, float], network_type: str
                     ) -> nx.MultiDiGraph:  # numpydoc ignore=EX01
    """The ``network_type`` network in ``bbox`` from the Overpass API (needs the internet).

    Fetched with ``osmnx.graph_from_bbox``, without osmnx's response cache; only called when
    the user asks for a download.

    Parameters
    ----------
    bbox
        ``(west, south, east, north)`` in degrees.
    network_type
        One of :data:`NETWORK_TYPES`.

    Returns
    -------
    networkx.MultiDiGraph
        The unsimplified graph, as osmnx returns it.

    Notes
    -----
    No example: it needs the internet.
    """
    kwargs: dict[str, Any] = ({"network_type": network_type}
                              if network_type in {"drive", "walk", "all"} else
                              {"custom_filter": f'["railway"~"^({"|".join(sorted(_RAILWAY))})$"]'})
    log.info("downloading the %s network in %s from the Overpass API", network_type, bbox)
    tags = list(dict.fromkeys([*ox.settings.useful_tags_way, *_EXTRA_WAY_TAGS]))
    with _osmnx_settings(use_cache=False, useful_tags_way=tags):
        return ox.graph_from_bbox(bbox, simplify=False, retain_all=True, **kwargs)
