"""Corridors that follow the real road or rail network.

Each waypoint (a place name through the offline gazetteer, or ``lat,lon``) is snapped to the
nearest network vertex; consecutive waypoints are joined by the shortest path by length; the
result is one corridor feature that records its waypoints and its source. The network comes
from :mod:`geo.osm.graph` (an extract on disk, or a download only in
:func:`corridor_from_download`).

Example (the ``tests/data/tiny_network.osm`` fixture)::

    corridor = corridor_from_osm(Path("tests/data/tiny_network.osm"),
                                 ["40.000,120.000", "40.010,120.030"],
                                 corridor_id="T-01", route="Test")
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from geo import columns as C
from geo._errors import RouteriskError, UsageError
from geo.io import WGS84
from geo.osm.graph import (
    _edge_coords,
    _network_type,
    _snap_nodes,
    _waypoint_box,
    download_network,
    load_network,
)
from geo.paths import parse_waypoint

__all__ = ["WAYPOINTS", "corridor_from_download", "corridor_from_graph", "corridor_from_osm"]

log = logging.getLogger(__name__)

WAYPOINTS = "waypoints"  # corridor property: the waypoints as written, ";"-joined
Waypoint = str | tuple[float, float]
_MODES = {"rail", "road", "river", "foot", "mixed", "sea"}  # as geo.io.read_corridors accepts



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
    graph = download_network(bbox, ntype)
    return _build(graph, texts, points, corridor_id=corridor_id, route=route, name=name,
                  mode=mode, source=f"OpenStreetMap via Overpass API, downloaded "
                  f"{date.today().isoformat()} (© OpenStreetMap contributors, ODbL)",
                  max_snap_km=max_snap_km, file="Overpass download")


# --------------------------------------------------------------------------- appending
