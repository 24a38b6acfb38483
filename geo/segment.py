"""Split corridors into segments at first-level and country borders, then into short pieces."""

from __future__ import annotations

import itertools
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely import ops

from geo import columns as C
from geo._errors import Problem
from geo.io import WGS84, study_crs

__all__ = ["coverage_problems", "segment_corridors"]

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


def _unit_runs(
    line: shapely.LineString, units: gpd.GeoDataFrame, tree: shapely.STRtree, rings: np.ndarray
) -> list[tuple[float, float, int]]:
    """Runs ``(start_m, end_m, unit_index)`` along ``line``; unit -1 means outside every unit."""
    length = line.length
    cand = tree.query(line, predicate="intersects")
    cuts = [0.0, length]
    if len(cand):
        crossing = shapely.intersection(line, rings[cand])
        pts = shapely.get_coordinates(crossing)
        if len(pts):
            cuts.extend(shapely.line_locate_point(line, shapely.points(pts)).tolist())
    cuts_arr = np.unique(np.clip(np.round(cuts, 3), 0, length))
    if len(cuts_arr) < 2:
        return []
    mids = shapely.line_interpolate_point(line, (cuts_arr[:-1] + cuts_arr[1:]) / 2)
    which = np.full(len(mids), -1)
    if len(cand):
        hit = shapely.STRtree(units.geometry.values[cand]).query(mids, predicate="intersects")
        # a midpoint on a shared border could hit two units: keep the first (lowest index)
        order = np.lexsort((cand[hit[1]], hit[0]))
        first = np.unique(hit[0][order], return_index=True)[1]
        which[hit[0][order][first]] = cand[hit[1][order][first]]
    runs: list[list[Any]] = []
    for a, b, u in zip(cuts_arr[:-1], cuts_arr[1:], which, strict=True):
        if b - a <= 0:
            continue
        if runs and runs[-1][2] == u:
            runs[-1][1] = b
        else:
            runs.append([a, b, int(u)])
    # absorb short "outside" slivers into the previous (or next) unit
    merged: list[list[Any]] = []
    for run in runs:
        if run[2] == -1 and run[1] - run[0] < _SLIVER_M and (merged or len(runs) > 1):
            if merged:
                merged[-1][1] = run[1]
                continue
            run[2] = next(r[2] for r in runs if r[2] != -1)
        if merged and merged[-1][2] == run[2]:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return [(float(a), float(b), int(u)) for a, b, u in merged]


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
    crossing = np.zeros(len(cc), dtype=bool)
    if len(cc) < 2:
        return crossing
    # runs of one country: [start, end) and the country
    starts = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]])
    ends = np.r_[starts[1:], len(cc)]
    run_cc = cc[starts]
    for k in range(1, len(starts)):
        left, right = run_cc[k - 1], run_cc[k]
        if left == "":
            before = run_cc[k - 2] if k >= 2 else None
            if before == right:
                continue
        elif right == "":
            after = run_cc[k + 1] if k + 1 < len(run_cc) else None
            if after == left:
                continue
        crossing[ends[k - 1] - 1] = crossing[starts[k]] = True
    return crossing


def segment_corridors(
    corridors: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    max_km: float = 25.0,
    crs: pyproj.CRS | None = None,
) -> gpd.GeoDataFrame:
    """Cut corridors where they cross unit borders, then into equal pieces of at most ``max_km``.

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
    >>> seg[["segment_id", "country", "border_crossing"]].values.tolist()
    [['c1-000', 'AA', True], ['c1-001', 'BB', True]]
    """
    if max_km <= 0:
        raise ValueError("max_km must be positive")
    crs = crs or study_crs(corridors)
    # Lines are straight in longitude/latitude (as drawn by hand and shown on web maps): add
    # vertices every 0.05° (about 5 km) so they keep that shape in the metric CRS.
    lines = _densified(corridors).to_crs(crs)
    units = _densified(boundaries).to_crs(crs).reset_index(drop=True)
    tree = shapely.STRtree(units.geometry.values)
    rings = shapely.boundary(units.geometry.values)
    unit_cc = units[C.COUNTRY].to_numpy()
    unit_a1 = units[C.ADMIN1].to_numpy()
    max_m = max_km * 1000.0

    rows: list[dict[str, Any]] = []
    geoms: list[shapely.LineString] = []
    for _, corridor in lines.iterrows():
        pieces: list[tuple[shapely.LineString, int]] = []
        for part in shapely.get_parts(corridor.geometry):
            for a, b, u in _unit_runs(part, units, tree, rings):
                n = max(1, math.ceil((b - a) / max_m - 1e-9))
                edges = np.linspace(a, b, n + 1)
                for s, e in itertools.pairwise(edges):
                    pieces.append((ops.substring(part, s, e), u))
        countries = [unit_cc[u] if u >= 0 else "" for _, u in pieces]
        crossing = _crossings(countries)
        for seq, ((geom, u), cc, cross) in enumerate(
                zip(pieces, countries, crossing, strict=True)):
            rows.append(
                {
                    C.SEGMENT_ID: f"{corridor[C.CORRIDOR_ID]}-{seq:03d}",
                    C.CORRIDOR_ID: corridor[C.CORRIDOR_ID],
                    C.ROUTE: corridor[C.ROUTE],
                    C.SEQ: seq,
                    C.COUNTRY: cc,
                    C.ADMIN1: unit_a1[u] if u >= 0 else "",
                    C.BORDER_CROSSING: bool(cross),
                    C.COVERAGE: C.COVERAGE_INSIDE if u >= 0 else C.COVERAGE_OUTSIDE,
                }
            )
            geoms.append(geom)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs).to_crs(WGS84)
    if not len(out):
        out = gpd.GeoDataFrame(
            {k: [] for k in (C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.SEQ, C.COUNTRY, C.ADMIN1,
                             C.BORDER_CROSSING, C.COVERAGE)}, geometry=[], crs=WGS84)
    out[C.LENGTH_KM] = [_GEOD.geometry_length(g) / 1000.0 for g in out.geometry]
    out[C.SEQ] = out[C.SEQ].astype("int64")
    out[C.BORDER_CROSSING] = out[C.BORDER_CROSSING].astype(bool)
    cols = [C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.SEQ, C.COUNTRY, C.ADMIN1, C.LENGTH_KM,
            C.BORDER_CROSSING, C.COVERAGE, "geometry"]
    return out[cols]


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
    outside = segments[segments[C.COVERAGE] == C.COVERAGE_OUTSIDE]
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
