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
