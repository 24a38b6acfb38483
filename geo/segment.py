"""Split corridors into segments at first-level and country borders, then into short pieces."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo import columns as C
from geo._errors import Problem
from geo.io import WGS84, study_crs

__all__ = ["coverage_problems", "outside_mask", "segment_corridors"]

_GEOD = pyproj.Geod(ellps="WGS84")
# Pieces outside every unit that are shorter than this (simplified borders leave slivers along
# rivers and coasts) take the unit of their neighbour instead of becoming "no unit" segments.
_SLIVER_M = 2_000.0
_DENSIFY_DEG = 0.05


def _densified(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    wgs = gdf.to_crs(WGS84)
    # snap to 1e-9° (0.1 mm) first: float noise from a CRS round trip must not change how many
    # vertices a line gets (the chords, and so the lengths, would differ by a hair)
    snapped = shapely.transform(wgs.geometry.values, lambda xy: np.round(xy, 9))
    return wgs.set_geometry(shapely.segmentize(snapped, _DENSIFY_DEG))


def _lengths_like_substring(xy: np.ndarray) -> np.ndarray:
    """Euclidean length of each step, computed as :func:`shapely.ops.substring` does.

    ``(dx ** 2 + dy ** 2) ** 0.5`` in Python floats (libm ``pow``), which differs from
    ``numpy.sqrt`` in the last bit now and then: a vertex then falls on the same side of a cut.
    """
    d = np.diff(xy, axis=0)
    squared = (d[:, 0] ** 2 + d[:, 1] ** 2).tolist()
    return np.array([v**0.5 for v in squared], dtype=float)


def _segmented_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sums restarting for each group of ``counts`` values, added in order.

    Groups of the same size are summed together as rows of a 2-D array (``cumsum`` along a row
    adds strictly left to right), so every sum equals a plain Python loop's, bit for bit.
    """
    out = np.empty(len(values))
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    for size in np.unique(counts):
        if size == 0:
            continue
        first = starts[counts == size]
        idx = first[:, None] + np.arange(size)[None, :]
        out[idx] = np.cumsum(values[idx], axis=1)
    return out


def _cuts(parts: np.ndarray, rings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (m along each part) where parts cross unit borders, with 0 and each length.

    Returns ``(part_index, position)`` sorted, rounded to the mm and unique per part.
    """
    length = shapely.length(parts)
    # the rings query a tree of the parts: each ring is prepared once, not once per part
    pair_unit, pair_part = shapely.STRtree(parts).query(rings, predicate="intersects")
    crossing = shapely.intersection(parts[pair_part], rings[pair_unit])
    pts, which = shapely.get_coordinates(crossing, return_index=True)
    cut_part = pair_part[which]
    where = shapely.line_locate_point(parts[cut_part], shapely.points(pts))
    n = len(parts)
    part_idx = np.concatenate([np.arange(n), np.arange(n), cut_part])
    pos = np.concatenate([np.zeros(n), length, where])
    pos = np.clip(np.round(pos, 3), 0, length[part_idx])
    order = np.lexsort((pos, part_idx))
    part_idx, pos = part_idx[order], pos[order]
    keep = np.r_[True, (part_idx[1:] != part_idx[:-1]) | (pos[1:] != pos[:-1])]
    return part_idx[keep], pos[keep]


def _unit_runs(parts: np.ndarray, units: np.ndarray, rings: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs ``(part, start_m, end_m, unit)`` along every part; unit -1 is outside every unit.

    Short runs outside every unit (slivers of simplified borders) take the unit before them
    (or, at the start of a part, the one after them).
    """
    cut_part, cut_pos = _cuts(parts, rings)
    same = cut_part[1:] == cut_part[:-1]
    part, a, b = cut_part[:-1][same], cut_pos[:-1][same], cut_pos[1:][same]
    mids = shapely.line_interpolate_point(parts[part], (a + b) / 2)
    unit = np.full(len(mids), -1)
    hit_unit, hit_mid = shapely.STRtree(mids).query(units, predicate="intersects")
    if len(hit_mid):
        # a midpoint on a shared border could hit two units: keep the lowest index
        order = np.lexsort((hit_unit, hit_mid))
        first = np.unique(hit_mid[order], return_index=True)[1]
        unit[hit_mid[order][first]] = hit_unit[order][first]
    part, a, b, unit = _merge_runs(part, a, b, unit)
    many = np.bincount(part, minlength=len(parts))[part] > 1
    sliver = (unit == -1) & (b - a < _SLIVER_M) & many
    if sliver.any():
        k = np.flatnonzero(sliver)
        has_prev = k > 0
        has_prev[has_prev] = part[k[has_prev] - 1] == part[k[has_prev]]
        unit[k] = np.where(has_prev, unit[np.maximum(k - 1, 0)],
                           unit[np.minimum(k + 1, len(unit) - 1)])
        part, a, b, unit = _merge_runs(part, a, b, unit)
    return part, a, b, unit


def _merge_runs(part: np.ndarray, a: np.ndarray, b: np.ndarray, unit: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Join consecutive runs of one part that have the same unit."""
    if not len(part):
        return part, a, b, unit
    start = np.r_[True, (part[1:] != part[:-1]) | (unit[1:] != unit[:-1])]
    first = np.flatnonzero(start)
    last = np.r_[first[1:], len(part)] - 1
    return part[first], a[first], b[last], unit[first]


def _pieces(part: np.ndarray, a: np.ndarray, b: np.ndarray, max_m: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut each run into ``n`` equal pieces of at most ``max_m`` (as ``numpy.linspace``).

    Returns ``(run_index, part, start_m, end_m)`` per piece.
    """
    n = np.maximum(1, np.ceil((b - a) / max_m - 1e-9)).astype(np.int64)
    run = np.repeat(np.arange(len(a)), n)
    k = np.arange(len(run)) - np.repeat(np.cumsum(n) - n, n)
    step = (b - a) / n
    start = k * step[run] + a[run]
    last = k + 1 == n[run]
    end = np.where(last, b[run], (k + 1) * step[run] + a[run])
    return run, part[run], start, end


def _substrings(parts: np.ndarray, part: np.ndarray, start: np.ndarray, end: np.ndarray
                ) -> np.ndarray:
    """``shapely.ops.substring(parts[part], start, end)`` for every piece, all at once.

    A piece is its interpolated start, the part's vertices strictly between start and end (the
    last vertex of a part never: the end point stands for it) and its interpolated end.
    """
    xy, vpart = shapely.get_coordinates(parts, return_index=True)
    counts = np.bincount(vpart, minlength=len(parts))
    steps = _lengths_like_substring(xy)
    new_part = np.r_[True, vpart[1:] != vpart[:-1]]
    steps = np.where(new_part[1:], 0.0, steps)  # the step into a new part starts it at 0
    add = np.r_[0.0, steps]
    add[new_part] = 0.0
    cum = _segmented_cumsum(add, counts)
    # the number of vertices of each part up to a distance, found by one sort of vertices and
    # queries together: vertices before equal queries for "> start", after them for "< end"
    lo = _count_before(vpart, cum, part, start, vertices_first=True)
    hi = _count_before(vpart, cum, part, end, vertices_first=False)
    part_first = np.r_[0, np.cumsum(counts)[:-1]]
    hi = np.minimum(hi, part_first[part] + counts[part] - 1)  # never the part's last vertex
    inner = np.maximum(hi - lo, 0)
    n_pts = inner + 2
    offsets = np.r_[0, np.cumsum(n_pts)[:-1]]
    out = np.empty((int(n_pts.sum()), 2))
    # a piece ends exactly where the next piece of its part starts (same float): interpolate
    # each position once
    part_end = np.r_[part[1:] != part[:-1], True] if len(part) else np.zeros(0, dtype=bool)
    at = np.r_[start, end[part_end]]
    which = np.r_[part, part[part_end]]
    pts = shapely.get_coordinates(shapely.line_interpolate_point(parts[which], at))
    starts_xy = pts[: len(part)]
    ends_xy = np.empty_like(starts_xy)
    ends_xy[:-1] = starts_xy[1:]
    ends_xy[part_end] = pts[len(part):]
    out[offsets] = starts_xy
    out[offsets + n_pts - 1] = ends_xy
    piece = np.repeat(np.arange(len(part)), inner)
    j = np.arange(len(piece)) - np.repeat(np.cumsum(inner) - inner, inner)
    out[offsets[piece] + 1 + j] = xy[lo[piece] + j]
    return shapely.linestrings(out, indices=np.repeat(np.arange(len(part)), n_pts))


def _count_before(vpart: np.ndarray, cum: np.ndarray, qpart: np.ndarray, qpos: np.ndarray, *,
                  vertices_first: bool) -> np.ndarray:
    """For each query, the global index of the first vertex of its part after ``qpos``.

    With ``vertices_first`` vertices at exactly ``qpos`` count as before it (so the result is
    the first vertex strictly beyond), else as after it (the first vertex at or beyond).
    """
    nv, nq = len(vpart), len(qpart)
    kind = np.r_[np.zeros(nv, dtype=np.int8), np.ones(nq, dtype=np.int8)]
    if not vertices_first:
        kind = 1 - kind
    order = np.lexsort((kind, np.r_[cum, qpos], np.r_[vpart, qpart]))
    is_vertex = order < nv
    before: np.ndarray = np.cumsum(is_vertex) - is_vertex
    result = np.empty(nq, dtype=np.int64)
    result[order[~is_vertex] - nv] = before[~is_vertex]
    return result


def _crossing_flags(corridor: np.ndarray, countries: np.ndarray) -> np.ndarray:
    """:func:`_crossings` of every corridor at once (pieces in corridor order)."""
    n = len(countries)
    crossing = np.zeros(n, dtype=bool)
    if n < 2:
        return crossing
    start = np.r_[True, (corridor[1:] != corridor[:-1]) | (countries[1:] != countries[:-1])]
    first = np.flatnonzero(start)
    last = np.r_[first[1:], n] - 1
    run_cor, run_cc = corridor[first], countries[first]
    k = np.flatnonzero(run_cor[1:] == run_cor[:-1]) + 1  # run k follows run k-1 in its corridor
    left, right = run_cc[k - 1], run_cc[k]
    back_left = np.zeros(len(k), dtype=bool)
    has_before = (k >= 2)
    idx = np.maximum(k - 2, 0)
    has_before &= run_cor[idx] == run_cor[k]
    back_left = (left == "") & has_before & (run_cc[idx] == right)
    idx = np.minimum(k + 1, len(first) - 1)
    has_after = (k + 1 < len(first)) & (run_cor[idx] == run_cor[k])
    back_right = (right == "") & has_after & (run_cc[idx] == left)
    k = k[~(back_left | back_right)]
    crossing[last[k - 1]] = True
    crossing[first[k]] = True
    return crossing


def _geodesic_km(geoms: np.ndarray) -> np.ndarray:
    """Geodesic length (km) of every WGS84 line, summed step by step as pyproj does."""
    xy, which = shapely.get_coordinates(geoms, return_index=True)
    if not len(xy):
        return np.zeros(len(geoms))
    steps = np.r_[_GEOD.line_lengths(xy[:, 0], xy[:, 1]), 0.0]
    counts = np.bincount(which, minlength=len(geoms))
    # a line's sum ends before the step into the next line: that step is masked to 0
    ends = np.cumsum(counts) - 1
    steps[ends[counts > 0]] = 0.0
    add = np.r_[0.0, steps[:-1]]
    add[np.r_[0, np.cumsum(counts)[:-1]][counts > 0]] = 0.0
    total = _segmented_cumsum(add, counts)
    out = np.zeros(len(geoms))
    out[counts > 0] = total[ends[counts > 0]]
    return out / 1000.0


def _crossings(countries: list[str]) -> np.ndarray:
    """Border crossings along one corridor: the pieces on both sides of a change of country.

    Leaving the boundaries (country ``""``, coverage "outside") counts as crossing into a country
    that is not known, unless the corridor comes back into the country it left: such a stretch
    (a bay, a coarse coastline) is outside but not a crossing.

    >>> _crossings(["AA", "AA", "", "BB"]).tolist()
    [False, True, True, True]
    >>> _crossings(["AA", "", "AA", "AA"]).tolist()
    [False, False, False, False]
    """
    cc = np.asarray(countries, dtype=object)
    return _crossing_flags(np.zeros(len(cc), dtype=np.int64), cc)


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {C.SEGMENT_ID: np.array([], dtype=object), C.CORRIDOR_ID: np.array([], dtype=object),
         C.ROUTE: np.array([], dtype=object), C.SEQ: np.array([], dtype="int64"),
         C.COUNTRY: np.array([], dtype=object), C.ADMIN1: np.array([], dtype=object),
         C.LENGTH_KM: np.array([], dtype=float), C.BORDER_CROSSING: np.array([], dtype=bool),
         C.COVERAGE: np.array([], dtype=object)},
        geometry=[], crs=WGS84)


def segment_corridors(
    corridors: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    max_km: float = 25.0,
    crs: pyproj.CRS | None = None,
) -> gpd.GeoDataFrame:
    """Cut corridors where they cross unit borders, then into equal pieces of at most ``max_km``.

    Every step works on all corridors at once (shapely 2 array functions, one spatial index
    query for the border crossings and one for the units of the runs between them).

    Parameters
    ----------
    corridors
        Output of :func:`geo.io.read_corridors`.
    boundaries
        Output of :func:`geo.io.read_boundaries`.
    max_km
        Longest segment, in km (measured in the study CRS).
    crs
        Metric CRS to cut in; default :func:`geo.io.study_crs` of the corridors.

    Returns
    -------
    GeoDataFrame
        One row per segment, EPSG:4326: ``segment_id``, ``corridor_id``, ``route``, ``seq``,
        ``country``, ``admin1``, ``length_km`` (geodesic), ``border_crossing``, ``coverage``
        (``"inside"``, or ``"outside"`` every boundary polygon: ``country`` and ``admin1`` are
        then empty, and leaving the boundaries counts as a border crossing), geometry.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"country": ["AA", "BB"], "admin1": ["", ""]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326)
    >>> lines = gpd.GeoDataFrame({"corridor_id": ["c1"], "route": ["r"]},
    ...     geometry=[shapely.LineString([(0.5, 0.5), (1.5, 0.5)])], crs=4326)
    >>> seg = segment_corridors(lines, units, max_km=60)
    >>> seg[["segment_id", "country", "border_crossing", "coverage"]].values.tolist()
    [['c1-000', 'AA', True, 'inside'], ['c1-001', 'BB', True, 'inside']]
    """
    if max_km <= 0:
        raise ValueError("max_km must be positive")
    crs = crs or study_crs(corridors)
    # Lines are straight in longitude/latitude (as drawn by hand and shown on web maps): add
    # vertices every 0.05° (about 5 km) so they keep that shape in the metric CRS.
    lines = _densified(corridors).to_crs(crs)
    units = _densified(boundaries).to_crs(crs).reset_index(drop=True)
    polygons = units.geometry.values
    rings = shapely.boundary(polygons)
    parts, part_corridor = shapely.get_parts(lines.geometry.values, return_index=True)
    if not len(parts):
        return _empty()
    run_part, a, b, unit = _unit_runs(parts, np.asarray(polygons), rings)
    run, piece_part, start, end = _pieces(run_part, a, b, max_km * 1000.0)
    if not len(run):
        return _empty()
    geoms = _substrings(parts, piece_part, start, end)
    piece_unit = unit[run]
    inside = piece_unit >= 0
    country = np.where(inside, units[C.COUNTRY].to_numpy(dtype=object)[piece_unit], "")
    admin1 = np.where(inside, units[C.ADMIN1].to_numpy(dtype=object)[piece_unit], "")
    corridor = part_corridor[piece_part]
    seq = np.arange(len(corridor)) - np.searchsorted(corridor, corridor)
    ids = lines[C.CORRIDOR_ID].to_numpy(dtype=object)[corridor]
    out = gpd.GeoDataFrame(
        {
            C.SEGMENT_ID: [f"{c}-{q:03d}" for c, q in zip(ids, seq.tolist(), strict=True)],
            C.CORRIDOR_ID: ids,
            C.ROUTE: lines[C.ROUTE].to_numpy(dtype=object)[corridor],
            C.SEQ: seq.astype("int64"),
            C.COUNTRY: country.astype(object),
            C.ADMIN1: admin1.astype(object),
            C.LENGTH_KM: 0.0,
            C.BORDER_CROSSING: _crossing_flags(corridor, country),
            C.COVERAGE: np.where(inside, C.COVERAGE_INSIDE, C.COVERAGE_OUTSIDE).astype(object),
        },
        geometry=geoms, crs=crs,
    ).to_crs(WGS84)
    out[C.LENGTH_KM] = _geodesic_km(out.geometry.values)
    return out


def outside_mask(segments: pd.DataFrame) -> np.ndarray:
    """True for the segments outside every boundary polygon: the one rule the scores, the
    maps and the coverage warnings share.

    Parameters
    ----------
    segments
        Segments (:func:`segment_corridors`, or any frame with their columns).

    Returns
    -------
    numpy.ndarray
        One bool per row: ``coverage == "outside"`` (set by :func:`segment_corridors`); a
        frame without ``coverage`` falls back on an empty ``country`` (a segment in no unit),
        and without either nothing is outside.

    Examples
    --------
    >>> import pandas as pd
    >>> outside_mask(pd.DataFrame({"coverage": ["inside", "outside", None]})).tolist()
    [False, True, False]
    >>> outside_mask(pd.DataFrame({"country": ["AA", ""]})).tolist()
    [False, True]
    >>> outside_mask(pd.DataFrame({"x": [1]})).tolist()
    [False]
    """
    if C.COVERAGE in segments:
        coverage = segments[C.COVERAGE].astype("string").fillna("")
        return (coverage == C.COVERAGE_OUTSIDE).to_numpy(dtype=bool)
    if C.COUNTRY in segments:
        return (segments[C.COUNTRY].astype("string").fillna("") == "").to_numpy(dtype=bool)
    return np.zeros(len(segments), dtype=bool)


def coverage_problems(segments: gpd.GeoDataFrame, corridors: gpd.GeoDataFrame, *,
                      file: str) -> list[Problem]:
    """One warning per corridor that runs outside every boundary polygon, with the km outside.

    Parameters
    ----------
    segments
        Output of :func:`segment_corridors`.
    corridors
        The corridors the segments were cut from (feature numbers follow their order).
    file
        The corridors file, as the user named it.

    Returns
    -------
    list of Problem
        One per corridor with km outside, in corridor order.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"country": ["AA"], "admin1": [""]},
    ...     geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    >>> lines = gpd.GeoDataFrame({"corridor_id": ["c1"], "route": ["r"]},
    ...     geometry=[shapely.LineString([(0.5, 0.5), (1.5, 0.5)])], crs=4326)
    >>> seg = segment_corridors(lines, units, max_km=60)
    >>> print(coverage_problems(seg, lines, file="corridors.geojson")[0])  # doctest: +ELLIPSIS
    corridors.geojson:feature 1: geometry: corridor c1 runs 55.7 km outside the boundaries ...
    """
    outside = segments[outside_mask(segments)]
    if not len(outside):
        return []
    km = outside.groupby(C.CORRIDOR_ID, sort=False)[C.LENGTH_KM].sum()
    total = segments.groupby(C.CORRIDOR_ID, sort=False)[C.LENGTH_KM].sum()
    problems = []
    for feature, cid in enumerate(corridors[C.CORRIDOR_ID], start=1):
        if cid not in km.index:
            continue
        problems.append(Problem(
            file, f"feature {feature}", "geometry",
            f"corridor {cid} runs {km[cid]:.1f} km outside the boundaries (of {total[cid]:.1f} km; "
            "no boundary data there: country unknown, no province or country incidents spread "
            "there); add the missing units to the boundaries file if it is on land"))
    return problems
