"""Segmentation: cuts at unit borders, pieces no longer than the maximum, ids and order."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import columns as C
from geo.segment import segment_corridors
from tests._factories import BENT, STRAIGHT, UNITS

KM_PER_DEGREE = 111.3195  # along the equator, WGS84


def test_cuts_at_unit_borders_and_max_length():
    seg = segment_corridors(STRAIGHT, UNITS, max_km=25)
    # 0.0–0.5°E West (55.7 km -> 3 pieces), 0.5–2°E East (167 km -> 7), 2–3°E BB (111 km -> 5)
    assert seg[C.ADMIN1].tolist() == ["West"] * 3 + ["East"] * 7 + [""] * 5
    assert seg[C.COUNTRY].tolist() == ["AA"] * 10 + ["BB"] * 5
    assert (seg[C.LENGTH_KM] <= 25 + 1e-9).all()
    assert seg[C.LENGTH_KM].sum() == pytest.approx(3 * KM_PER_DEGREE, rel=1e-4)
    west = seg.loc[seg[C.ADMIN1] == "West", C.LENGTH_KM].to_numpy()
    assert west == pytest.approx([0.5 * KM_PER_DEGREE / 3] * 3, rel=1e-4)
    assert seg[C.SEQ].tolist() == list(range(15))
    assert seg[C.SEGMENT_ID].tolist() == [f"eq-{i:03d}" for i in range(15)]


def test_border_crossing_marks_both_sides_of_a_country_border_only():
    seg = segment_corridors(STRAIGHT, UNITS, max_km=25)
    # the West/East border is first-level, not international: not a crossing
    assert seg.loc[seg[C.BORDER_CROSSING], C.SEQ].tolist() == [9, 10]


def test_segments_join_end_to_end_and_keep_the_line():
    seg = segment_corridors(BENT, UNITS, max_km=20)
    for cid, group in seg.groupby(C.CORRIDOR_ID):
        geoms = group.sort_values(C.SEQ).geometry.to_list()
        for a, b in itertools.pairwise(geoms):
            assert shapely.get_coordinates(a)[-1] == pytest.approx(shapely.get_coordinates(b)[0])
        merged = shapely.line_merge(shapely.union_all(geoms))
        original = BENT.set_index(C.CORRIDOR_ID).geometry[cid]
        assert merged.hausdorff_distance(original) < 1e-3  # degrees: the line is kept


def test_outside_every_unit_gets_empty_names_and_is_a_crossing():
    line = gpd.GeoDataFrame({C.CORRIDOR_ID: ["sea"], C.ROUTE: ["x"]},
                            geometry=[shapely.LineString([(3.5, 0), (6, 0)])], crs=4326)
    seg = segment_corridors(line, UNITS, max_km=100)
    # 3.5–4°E in BB (55.7 km), 4–6°E outside (222.6 km -> 3 pieces)
    assert seg[C.COUNTRY].tolist() == ["BB", "", "", ""]
    assert seg[C.ADMIN1].tolist() == [""] * 4
    assert seg[C.COVERAGE].tolist() == ["inside"] + ["outside"] * 3
    # leaving the boundaries is a crossing into an unknown country: both sides are marked
    assert seg[C.BORDER_CROSSING].tolist() == [True, True, False, False]


def test_a_stretch_outside_that_comes_back_into_the_same_country_is_not_a_crossing():
    # a bay: the line leaves BB (north of 1°N) and comes back into BB
    bay = gpd.GeoDataFrame({C.CORRIDOR_ID: ["bay"], C.ROUTE: ["x"]},
                           geometry=[shapely.LineString([(2.2, 0.5), (3.0, 1.5), (3.8, 0.5)])],
                           crs=4326)
    seg = segment_corridors(bay, UNITS, max_km=500)
    assert seg[C.COVERAGE].tolist() == ["inside", "outside", "inside"]
    assert not seg[C.BORDER_CROSSING].any()
    # leaving AA, coming back into BB: two crossings of an unknown country's borders
    across = bay.set_geometry([shapely.LineString([(1.2, 0.5), (2.0, 1.5), (2.8, 0.5)])])
    seg = segment_corridors(across, UNITS, max_km=500)
    assert seg[C.COUNTRY].tolist() == ["AA", "", "BB"]
    assert seg[C.BORDER_CROSSING].tolist() == [True, True, True]


def test_every_segment_is_inside_or_outside():
    long = BENT.set_geometry([shapely.LineString([(-0.5, -0.5), (5.0, 0.3)]),
                              shapely.LineString([(-2.0, 0.8), (3.5, 0.8)])])
    seg = segment_corridors(long, UNITS, max_km=20)
    assert set(seg[C.COVERAGE]) == {"inside", "outside"}
    outside = seg[C.COVERAGE] == "outside"
    assert (seg.loc[outside, C.COUNTRY] == "").all()
    assert (seg.loc[~outside, C.COUNTRY] != "").all()


def test_multilinestring_parts_continue_the_sequence():
    multi = gpd.GeoDataFrame(
        {C.CORRIDOR_ID: ["m"], C.ROUTE: ["x"]},
        geometry=[shapely.MultiLineString([[(0, 0.2), (0.4, 0.2)], [(0.6, 0.2), (1.0, 0.2)]])],
        crs=4326)
    seg = segment_corridors(multi, UNITS, max_km=100)
    assert seg[C.SEQ].tolist() == [0, 1]
    assert seg[C.ADMIN1].tolist() == ["West", "East"]


def test_input_untouched_and_rejects_bad_length():
    before = STRAIGHT.copy()
    segment_corridors(STRAIGHT, UNITS)
    assert STRAIGHT.equals(before)
    with pytest.raises(ValueError, match="positive"):
        segment_corridors(STRAIGHT, UNITS, max_km=0)


def test_lengths_are_geodesic():
    north = gpd.GeoDataFrame({C.CORRIDOR_ID: ["n"], C.ROUTE: ["x"]},
                             geometry=[shapely.LineString([(0.1, -0.9), (0.1, 0.9)])], crs=4326)
    seg = segment_corridors(north, UNITS, max_km=500)
    assert seg[C.LENGTH_KM].sum() == pytest.approx(1.8 * 110.574, rel=1e-3)
    assert np.isfinite(seg[C.LENGTH_KM]).all()


# --- the vectorised segmentation equals the plain per-line way, bit for bit -------------------


def _reference_runs(line, units, tree, rings):
    """The per-line way: cut at the unit rings, classify midpoints, absorb outside slivers."""
    from geo.segment import _SLIVER_M

    length = line.length
    cand = tree.query(line, predicate="intersects")
    cuts = [0.0, length]
    if len(cand):
        pts = shapely.get_coordinates(shapely.intersection(line, rings[cand]))
        cuts.extend(shapely.line_locate_point(line, shapely.points(pts)).tolist())
    cuts_arr = np.unique(np.clip(np.round(cuts, 3), 0, length))
    mids = shapely.line_interpolate_point(line, (cuts_arr[:-1] + cuts_arr[1:]) / 2)
    which = []
    for m in mids:
        hits = [int(u) for u in cand if units.geometry.values[u].intersects(m)]
        which.append(min(hits) if hits else -1)
    runs = []
    for a, b, u in zip(cuts_arr[:-1], cuts_arr[1:], which, strict=True):
        if runs and runs[-1][2] == u:
            runs[-1][1] = b
        else:
            runs.append([a, b, u])
    merged = []
    for run in runs:
        if run[2] == -1 and run[1] - run[0] < _SLIVER_M and len(runs) > 1:
            if merged:
                merged[-1][1] = run[1]
                continue
            run[2] = next(r[2] for r in runs if r[2] != -1)
        if merged and merged[-1][2] == run[2]:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return merged


def _reference_segments(corridors, boundaries, max_km=25.0):
    import math

    import pyproj
    from shapely import ops

    from geo.io import WGS84, study_crs
    from geo.segment import _densified

    crs = study_crs(corridors)
    lines = _densified(corridors).to_crs(crs)
    units = _densified(boundaries).to_crs(crs).reset_index(drop=True)
    tree = shapely.STRtree(units.geometry.values)
    rings = shapely.boundary(units.geometry.values)
    rows, geoms = [], []
    for _, corridor in lines.iterrows():
        seq = 0
        for part in shapely.get_parts(corridor.geometry):
            for a, b, u in _reference_runs(part, units, tree, rings):
                n = max(1, math.ceil((b - a) / (max_km * 1000) - 1e-9))
                for s, e in itertools.pairwise(np.linspace(a, b, n + 1)):
                    geoms.append(ops.substring(part, s, e))
                    rows.append({C.SEGMENT_ID: f"{corridor[C.CORRIDOR_ID]}-{seq:03d}",
                                 C.COUNTRY: units[C.COUNTRY][u] if u >= 0 else ""})
                    seq += 1
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs).to_crs(WGS84)
    geod = pyproj.Geod(ellps="WGS84")
    out[C.LENGTH_KM] = [geod.geometry_length(g) / 1000.0 for g in out.geometry]
    return out


def _wiggly(n: int, seed: int) -> gpd.GeoDataFrame:
    """Road-like random walks over UNITS, some leaving it, one in two parts."""
    rng = np.random.default_rng(seed)
    steps = rng.uniform(-0.06, 0.06, (n, 40, 2)) + np.array([0.07, 0.0])
    starts = np.c_[rng.uniform(-1.5, 2.5, n), rng.uniform(-0.9, 0.9, n)]
    walks = starts[:, None, :] + np.cumsum(steps, axis=1)
    geoms = [shapely.LineString(w) for w in walks]
    geoms[0] = shapely.MultiLineString([walks[0][:20], walks[0][22:]])
    return gpd.GeoDataFrame({C.CORRIDOR_ID: [f"w{i}" for i in range(n)], C.ROUTE: ["r"] * n},
                            geometry=geoms, crs=4326)


@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_segments_equal_the_per_line_way(seed):
    lines = _wiggly(12, seed)
    seg = segment_corridors(lines, UNITS, max_km=20)
    ref = _reference_segments(lines, UNITS, max_km=20)
    assert seg[C.SEGMENT_ID].tolist() == ref[C.SEGMENT_ID].tolist()
    assert seg[C.COUNTRY].tolist() == ref[C.COUNTRY].tolist()
    assert seg[C.LENGTH_KM].tolist() == ref[C.LENGTH_KM].tolist()  # exactly
    assert shapely.equals_exact(seg.geometry.values, ref.geometry.values, tolerance=0).all()
    assert (seg[C.COVERAGE] == "outside").any() and (seg[C.COVERAGE] == "inside").any()


def test_bundled_segments_equal_the_per_line_way():
    from geo import datasets
    from geo.io import read_boundaries, read_corridors

    boundaries = read_boundaries(datasets.get_path("boundaries"))
    corridors = read_corridors(datasets.get_path("corridors"))
    seg = segment_corridors(corridors, boundaries)
    ref = _reference_segments(corridors, boundaries)
    assert len(seg) == 421
    assert seg[C.SEGMENT_ID].tolist() == ref[C.SEGMENT_ID].tolist()
    assert seg[C.LENGTH_KM].tolist() == ref[C.LENGTH_KM].tolist()
    assert shapely.equals_exact(seg.geometry.values, ref.geometry.values, tolerance=0).all()


def test_no_corridors_give_no_segments_with_every_column():
    seg = segment_corridors(STRAIGHT.iloc[:0], UNITS)
    assert len(seg) == 0
    assert C.COVERAGE in seg and seg[C.SEQ].dtype == "int64"
