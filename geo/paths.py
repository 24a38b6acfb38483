"""Least-risk and shortest paths over scored corridor segments.

The scored segments become an undirected graph: its nodes are segment end points merged within
a tolerance (measured in the study CRS), plus the points where a segment ends on the interior of
another one (a corridor that starts in a city another corridor passes through); its edges are the
segments, weighted by their exposure (optionally plus a per-km term). A path from an origin to the
cheapest of several destinations is found with one multi-source Dijkstra run from all
destinations at once, which is the same as adding a zero-cost super-sink behind them.

No osmnx here: this module works on the pipeline's segments only.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree
from shapely import ops

from geo import columns as C
from geo._errors import PlaceError, RouteriskError, UsageError
from geo.io import WGS84, resolve_place, study_crs

__all__ = [
    "CORRIDOR_IDS",
    "DESTINATION",
    "KIND",
    "ORIGIN",
    "SEGMENT_IDS",
    "destination_texts",
    "least_risk_paths",
    "parse_waypoint",
    "segment_graph",
    "waypoint_text",
]

log = logging.getLogger(__name__)

# Columns of the paths table (candidates for geo.columns).
KIND = "kind"
ORIGIN = "origin"
DESTINATION = "destination"
CORRIDOR_IDS = "corridor_ids"
SEGMENT_IDS = "segment_ids"

LEAST_RISK = "least-risk"
SHORTEST = "shortest"
# Among paths of equal exposure (for example several risk-free ones) prefer the shortest: a cost
# of 1e-9 per km cannot outweigh any real exposure difference (exposures are ~0.001 and up).
_TIE_PER_KM = 1e-9
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_LATLON = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")


# --------------------------------------------------------------------------- waypoints


def waypoint_text(value: str | tuple[float, float]) -> str:
    """A place as text, as :func:`parse_waypoint` reads it.

    Parameters
    ----------
    value
        A place name or ``"lat,lon"`` (kept as given, stripped), or a ``(lat, lon)`` pair.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> waypoint_text((21.0, 105.8)), waypoint_text(" Kunming ")
    ('21.0,105.8', 'Kunming')
    """
    if isinstance(value, str):
        return value.strip()
    lat, lon = value
    return f"{float(lat)},{float(lon)}"


def destination_texts(value: str | Sequence[Any]) -> list[str]:
    """Destinations as texts (``to`` of :meth:`geo.Build.route`).

    Parameters
    ----------
    value
        A ``;``-separated string, or a list of places (names, ``"lat,lon"`` or pairs).

    Returns
    -------
    list of str
        One text per destination; an empty one is a :class:`geo.UsageError`.

    Examples
    --------
    >>> destination_texts("Hanoi; Lashio")
    ['Hanoi', 'Lashio']
    """
    items = ([t.strip() for t in value.split(";")] if isinstance(value, str)
             else [waypoint_text(v) for v in value])
    if not items or not all(items):
        raise UsageError(f"empty destination in {value!r}", field="to")
    return items


def parse_waypoint(
    text: str | tuple[float, float],
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    location: str = "-",
    field: str = "waypoint",
) -> tuple[float, float]:
    """A waypoint as ``(lat, lon)``: coordinates written ``lat,lon``, or a place name.

    Place names go through the offline gazetteer (:func:`geo.io.resolve_place`) and may carry a
    first-level unit and an ISO country code: ``"Kunming"``, ``"Kunming, CN"``,
    ``"Hekou, Yunnan, CN"`` (the unit needs ``boundaries``).

    Parameters
    ----------
    text
        ``"lat,lon"``, a place name, or an already parsed ``(lat, lon)`` tuple.
    boundaries
        Boundaries layer used to narrow a place by its first-level unit.
    location, field
        Where the waypoint came from, for error messages (e.g. ``"waypoint 2"``, ``"waypoints"``).

    Returns
    -------
    tuple of float
        ``(lat, lon)``.

    Raises
    ------
    PlaceError
        Coordinates out of range, or a place the gazetteer cannot resolve unambiguously.

    Examples
    --------
    >>> parse_waypoint("25.04, 102.72")
    (25.04, 102.72)
    >>> parse_waypoint("Kunming, CN")
    (25.03889, 102.71833)
    """
    if isinstance(text, tuple):
        lat, lon = (float(v) for v in text)
        return _checked(lat, lon, f"{lat},{lon}", location, field)
    match = _LATLON.match(text)
    if match:
        return _checked(float(match.group(1)), float(match.group(2)), text, location, field)
    parts = [p.strip() for p in text.split(",")]
    if not parts[0]:
        raise PlaceError(f"empty waypoint {text!r}", location=location, field=field)
    country = ""
    if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
        country = parts.pop().upper()
    admin1 = parts[1] if len(parts) > 1 else ""
    if len(parts) > 2:
        raise PlaceError(f"cannot read waypoint {text!r}: write 'lat,lon', 'Place', "
                         "'Place, CC' or 'Place, Admin1, CC'", location=location, field=field)
    try:
        return resolve_place(parts[0], country=country, admin1=admin1, boundaries=boundaries)
    except PlaceError as exc:
        raise PlaceError(exc.problem.message, location=location, field=field) from None


def _checked(lat: float, lon: float, text: str, location: str, field: str) -> tuple[float, float]:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise PlaceError(f"waypoint {text!r} is not finite", location=location, field=field)
    if abs(lat) > 90 or abs(lon) > 180:
        hint = " (written lon,lat? write lat,lon)" if abs(lon) <= 90 < abs(lat) else ""
        raise PlaceError(f"waypoint {text!r} is out of range: lat must be within ±90 and lon "
                         f"within ±180{hint}", location=location, field=field)
    return lat, lon


# --------------------------------------------------------------------------- graph


def _end_points(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last coordinate of every (Multi)LineString, vectorised."""
    coords, which = shapely.get_coordinates(lines, return_index=True)
    first = np.unique(which, return_index=True)[1]
    last = np.r_[first[1:], len(which)] - 1
    return coords[first, :2], coords[last, :2]


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` items linked by ``pairs``, numbered by
    first appearance (so labels do not depend on scipy's traversal order)."""
    adj = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = csgraph.connected_components(adj, directed=False)
    first = np.unique(labels, return_index=True)[1]
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[labels]


def _merge_points(points: np.ndarray, n_seg: int, tolerance_m: float) -> np.ndarray:
    """Node label of each end point (the ``n_seg`` start points, then the end points).

    Two passes: points that coincide (within 1 m: shared ends of consecutive segments) become
    one node; then nodes within ``tolerance_m`` merge, except two nodes joined by a segment, so
    a segment shorter than the tolerance is kept rather than collapsed into a point.
    """
    exact = _components(len(points), cKDTree(points).query_pairs(r=1.0, output_type="ndarray"))
    n = int(exact.max()) + 1
    counts = np.bincount(exact, minlength=n)
    centre = np.column_stack([np.bincount(exact, weights=points[:, i], minlength=n) / counts
                              for i in (0, 1)])
    pairs = cKDTree(centre).query_pairs(r=tolerance_m, output_type="ndarray")
    if len(pairs):
        u, v = exact[:n_seg], exact[n_seg:]
        linked = np.minimum(u, v) * n + np.maximum(u, v)
        key = np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(pairs[:, 0], pairs[:, 1])
        pairs = pairs[~np.isin(key, linked)]
    return _components(n, pairs)[exact]


def segment_graph(
    scored: gpd.GeoDataFrame,
    *,
    tolerance_m: float = 500.0,
    per_km: float = 0.0,
    crs: pyproj.CRS | None = None,
) -> nx.MultiGraph:
    """The network of scored segments, weighted by exposure.

    Parameters
    ----------
    scored
        Scored segments (:func:`geo.risk.score_segments`): ``segment_id``, ``corridor_id``,
        ``length_km``, ``exposure``, LineString geometry.
    tolerance_m
        Segment ends closer than this (in the metric CRS) become one node; a segment end this
        close to the interior of another segment splits that segment there (a junction).
    per_km
        Extra cost per km added to every edge's ``weight`` (trades exposure against distance).
    crs
        Metric CRS to measure in; default :func:`geo.io.study_crs` of ``scored``.

    Returns
    -------
    networkx.MultiGraph
        Nodes are integers with ``lon``, ``lat`` (EPSG:4326) and ``x``, ``y`` (metric CRS);
        ``graph["crs"]`` is that CRS. One edge per segment (or per piece of a segment split at a
        junction), keyed ``segment_id`` (``segment_id#k`` for pieces), with ``segment_id``,
        ``corridor_id``, ``length_km``, ``exposure``, ``weight`` (= exposure + per_km ×
        length_km), ``geometry`` (EPSG:4326) and ``start`` (the node the geometry starts at).
        Ends closer than 1 m are one node; other ends closer than ``tolerance_m`` merge unless
        a segment joins them, so short segments are kept. A piece whose two ends still end up
        in one node (through a third, nearby end) is left out (logged).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> seg = gpd.GeoDataFrame({"segment_id": ["a-0", "b-0"], "corridor_id": ["a", "b"],
    ...     "length_km": [111.2, 111.2], "exposure": [0.5, 0.0]},
    ...     geometry=[shapely.LineString([(0, 0), (1, 0)]),
    ...               shapely.LineString([(1.001, 0), (2, 0)])], crs=4326)
    >>> g = segment_graph(seg)
    >>> g.number_of_nodes(), sorted(k for _, _, k in g.edges(keys=True))
    (3, ['a-0', 'b-0'])
    """
    if tolerance_m < 0 or not math.isfinite(tolerance_m):
        raise ValueError("tolerance_m must be a finite number >= 0")
    if per_km < 0 or not math.isfinite(per_km):
        raise ValueError("per_km must be a finite number >= 0")
    missing = [c for c in (C.SEGMENT_ID, C.CORRIDOR_ID, C.LENGTH_KM, C.EXPOSURE)
               if c not in scored.columns]
    if missing:
        raise ValueError(f"scored segments lack column(s) {', '.join(missing)}")
    ordered = scored[scored.geometry.notna() & ~scored.geometry.is_empty]
    ordered = ordered.sort_values(C.SEGMENT_ID, kind="stable")
    crs = crs or study_crs(ordered)
    graph = nx.MultiGraph(crs=crs)
    n = len(ordered)
    if not n:
        return graph
    wgs = ordered.to_crs(WGS84) if not ordered.crs.equals(WGS84) else ordered
    lines_m = ordered.geometry.to_crs(crs).values
    starts, ends = _end_points(lines_m)
    labels = _merge_points(np.vstack([starts, ends]), n, tolerance_m)
    n_nodes = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=n_nodes)
    all_pts = np.vstack([starts, ends])
    node_x = np.bincount(labels, weights=all_pts[:, 0], minlength=n_nodes) / counts
    node_y = np.bincount(labels, weights=all_pts[:, 1], minlength=n_nodes) / counts
    to_wgs = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    node_lon, node_lat = to_wgs.transform(node_x, node_y)
    graph.add_nodes_from(
        (int(i), {"x": float(x), "y": float(y), "lon": float(lo), "lat": float(la)})
        for i, (x, y, lo, la) in enumerate(zip(node_x, node_y, node_lon, node_lat, strict=True))
    )
    u_of, v_of = labels[:n], labels[n:]

    # junctions: a node lying on the interior of a segment it is not an end of
    node_pts = shapely.points(node_x, node_y)
    q_node, q_seg = shapely.STRtree(lines_m).query(node_pts, predicate="dwithin",
                                                   distance=tolerance_m)
    own = (u_of[q_seg] == q_node) | (v_of[q_seg] == q_node)
    q_node, q_seg = q_node[~own], q_seg[~own]
    at = shapely.line_locate_point(lines_m[q_seg], node_pts[q_node])
    seg_len_m = shapely.length(lines_m)
    inner = (at > tolerance_m) & (at < seg_len_m[q_seg] - tolerance_m)
    splits: dict[int, list[tuple[float, int]]] = {}
    for s, a, node in zip(q_seg[inner], at[inner], q_node[inner], strict=True):
        splits.setdefault(int(s), []).append((float(a), int(node)))

    seg_ids = ordered[C.SEGMENT_ID].astype(str).to_numpy()
    cor_ids = ordered[C.CORRIDOR_ID].astype(str).to_numpy()
    length_km = ordered[C.LENGTH_KM].to_numpy(dtype=float)
    exposure = ordered[C.EXPOSURE].to_numpy(dtype=float)
    geoms = wgs.geometry.values
    dropped = 0
    for i in range(n):
        pieces = _pieces(i, splits.get(i, ()), lines_m[i], float(seg_len_m[i]),
                         int(u_of[i]), int(v_of[i]), geoms[i], to_wgs)
        for k, (u, v, frac, geom) in enumerate(pieces):
            if u == v:
                dropped += 1
                continue
            km, exp = length_km[i] * frac, exposure[i] * frac
            key = seg_ids[i] if len(pieces) == 1 else f"{seg_ids[i]}#{k}"
            graph.add_edge(u, v, key=key, segment_id=seg_ids[i], corridor_id=cor_ids[i],
                           length_km=km, exposure=exp, weight=exp + per_km * km,
                           geometry=geom, start=u)
    if dropped:
        log.info("%d segment piece(s) shorter than %g m collapsed into a node and were left out",
                 dropped, tolerance_m)
    log.info("segment graph: %d nodes, %d edges, %d junction split(s)", graph.number_of_nodes(),
             graph.number_of_edges(), sum(len(v) for v in splits.values()))
    return graph


def _pieces(i: int, cuts: Sequence[tuple[float, int]], line_m: shapely.Geometry, length_m: float,
            u: int, v: int, geom: shapely.Geometry, to_wgs: pyproj.Transformer
            ) -> list[tuple[int, int, float, shapely.Geometry]]:
    """``(u, v, fraction of the segment, EPSG:4326 geometry)`` of each piece of segment ``i``."""
    if not cuts or length_m <= 0:
        return [(u, v, 1.0, geom)]
    stops = [(0.0, u), *sorted(cuts), (length_m, v)]
    out = []
    for (a, na), (b, nb) in itertools.pairwise(stops):
        if b <= a:
            continue
        piece = ops.substring(line_m, a, b)
        piece = shapely.transform(piece, lambda xy: np.column_stack(to_wgs.transform(
            xy[:, 0], xy[:, 1])))
        out.append((na, nb, (b - a) / length_m, piece))
    return out


# --------------------------------------------------------------------------- paths


def _snap(graph: nx.MultiGraph, points: Sequence[tuple[float, float]], *, max_km: float,
          names: Sequence[str]) -> list[int]:
    """Nearest node of each ``(lat, lon)``; an error when it is farther than ``max_km``."""
    nodes = np.array(list(graph.nodes))
    xy = np.array([[graph.nodes[i]["x"], graph.nodes[i]["y"]] for i in nodes])
    fwd = pyproj.Transformer.from_crs(WGS84, graph.graph["crs"], always_xy=True)
    px, py = fwd.transform([p[1] for p in points], [p[0] for p in points])
    dist, pos = cKDTree(xy).query(np.column_stack([px, py]), k=1)
    out = []
    for name, d, p in zip(names, dist, pos, strict=True):
        if d > max_km * 1000.0:
            raise RouteriskError(f"{name!r} is {d / 1000:.1f} km from the nearest segment end "
                                 f"(more than {max_km:g} km): no corridor goes there",
                                 field="waypoint")
        out.append(int(nodes[p]))
    return out


def _fmt(point: tuple[float, float]) -> str:
    return f"{point[0]:.5f},{point[1]:.5f}"


def _best_path(graph: nx.MultiGraph, origin: int, targets: Sequence[int], weight: str
               ) -> list[int]:
    try:
        _, path = nx.multi_source_dijkstra(graph, set(targets), target=origin, weight=weight)
    except nx.NetworkXNoPath:
        raise RouteriskError("no path along the corridors from the origin to any destination "
                             "(the corridors there do not meet within the tolerance)",
                             field="destinations") from None
    return list(reversed(path))


def _describe(graph: nx.MultiGraph, nodes: Sequence[int], weight: str) -> dict[str, Any]:
    """Segments, corridors, length, exposure and merged geometry of a node path."""
    seg_ids: list[str] = []
    cor_ids: list[str] = []
    km = exp = 0.0
    coords: list[np.ndarray] = []
    for a, b in itertools.pairwise(nodes):
        edges = graph[a][b]
        key = min(edges, key=lambda k: (edges[k][weight], k))
        data = edges[key]
        for ids, value in ((seg_ids, data["segment_id"]), (cor_ids, data["corridor_id"])):
            if not ids or ids[-1] != value:
                ids.append(value)
        km += data["length_km"]
        exp += data["exposure"]
        xy = shapely.get_coordinates(data["geometry"])
        coords.append(xy if data["start"] == a else xy[::-1])
    line = np.vstack(coords)
    keep = np.r_[True, (np.diff(line, axis=0) != 0).any(axis=1)]
    return {
        CORRIDOR_IDS: ";".join(cor_ids),
        SEGMENT_IDS: ";".join(seg_ids),
        C.LENGTH_KM: km,
        C.EXPOSURE: exp,
        "geometry": shapely.LineString(line[keep]),
    }


def least_risk_paths(
    scored: gpd.GeoDataFrame,
    origin: tuple[float, float],
    destinations: Sequence[tuple[float, float]],
    *,
    per_km: float = 0.0,
    tolerance_m: float = 500.0,
    snap_km: float = 50.0,
    origin_name: str | None = None,
    destination_names: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """The least-risk and the shortest path from ``origin`` to the nearest of ``destinations``.

    Parameters
    ----------
    scored
        Scored segments (:func:`geo.risk.score_segments`).
    origin
        ``(lat, lon)``; snapped to the nearest segment end.
    destinations
        ``(lat, lon)`` of each acceptable end (e.g. every exit into a neighbouring country); the
        path ends at whichever is cheapest to reach.
    per_km
        Cost per km added to exposure for the least-risk path (0: exposure alone; among paths
        of equal exposure the shortest wins).
    tolerance_m
        Node merging tolerance of :func:`segment_graph`.
    snap_km
        Origin and destinations farther than this from every segment end are an error.
    origin_name, destination_names
        Labels for the ``origin`` and ``destination`` columns (default ``"lat,lon"``).

    Returns
    -------
    GeoDataFrame
        Two rows, ``kind`` ``"least-risk"`` then ``"shortest"``: ``origin``, ``destination``
        (the one reached), ``corridor_ids`` and ``segment_ids`` (``;``-joined in path order),
        ``length_km``, ``exposure``, ``exposure_index`` (1 − exp(−exposure), a 0–1 rescaling
        of exposure, not a probability; ``interception_index`` is its former name, same values,
        kept for one release) and the merged LineString, EPSG:4326.

    Raises
    ------
    RouteriskError
        A point too far from the corridors, origin and destination at the same place, or no
        path between them.

    Examples
    --------
    Two ways from (0, 0) to (0, 2): straight through a risky segment, or a detour over (1, 1).

    >>> import geopandas as gpd, shapely
    >>> seg = gpd.GeoDataFrame({"segment_id": ["s-0", "s-1", "n-0", "n-1"],
    ...     "corridor_id": ["s", "s", "n", "n"], "length_km": [111.2, 111.2, 157.2, 157.2],
    ...     "exposure": [0.0, 2.0, 0.1, 0.1]}, geometry=[
    ...     shapely.LineString([(0, 0), (1, 0)]), shapely.LineString([(1, 0), (2, 0)]),
    ...     shapely.LineString([(0, 0), (1, 1)]), shapely.LineString([(1, 1), (2, 0)])],
    ...     crs=4326)
    >>> paths = least_risk_paths(seg, (0, 0), [(0, 2)])
    >>> paths[["kind", "corridor_ids", "exposure"]].values.tolist()
    [['least-risk', 'n', 0.2], ['shortest', 's', 2.0]]
    """
    if not destinations:
        raise RouteriskError("no destination given", field="destinations")
    names = list(destination_names) if destination_names is not None else [
        _fmt(d) for d in destinations]
    if len(names) != len(destinations):
        raise ValueError("destination_names must match destinations")
    oname = origin_name if origin_name is not None else _fmt(origin)
    graph = segment_graph(scored, tolerance_m=tolerance_m, per_km=per_km)
    if not graph.number_of_nodes():
        raise RouteriskError("there are no segments to route on", field="segments")
    for _, _, data in graph.edges(data=True):
        data["cost"] = data["weight"] + _TIE_PER_KM * data["length_km"]
    start = _snap(graph, [origin], max_km=snap_km, names=[oname])[0]
    ends = _snap(graph, list(destinations), max_km=snap_km, names=names)
    if start in ends:
        raise RouteriskError(f"origin {oname!r} and destination "
                             f"{names[ends.index(start)]!r} snap to the same segment end",
                             field="destinations")
    rows = []
    for kind, weight in ((LEAST_RISK, "cost"), (SHORTEST, C.LENGTH_KM)):
        nodes = _best_path(graph, start, ends, weight)
        reached = names[ends.index(nodes[-1])]
        rows.append({KIND: kind, ORIGIN: oname, DESTINATION: reached,
                     **_describe(graph, nodes, weight)})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    out[C.EXPOSURE_INDEX] = 1.0 - np.exp(-out[C.EXPOSURE].to_numpy(dtype=float))
    out[C.INTERCEPTION_INDEX] = out[C.EXPOSURE_INDEX]
    cols = [KIND, ORIGIN, DESTINATION, CORRIDOR_IDS, SEGMENT_IDS, C.LENGTH_KM, C.EXPOSURE,
            C.EXPOSURE_INDEX, C.INTERCEPTION_INDEX, "geometry"]
    return out[cols]
