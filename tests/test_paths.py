"""Least-risk and shortest paths over scored segments (geo.paths), and ``routerisk route``."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely

from geo import cli
from geo import columns as C
from geo._errors import PlaceError, RouteriskError
from geo.export import write_geojson
from geo.paths import (
    CORRIDOR_IDS,
    DESTINATION,
    KIND,
    ORIGIN,
    SEGMENT_IDS,
    least_risk_paths,
    parse_waypoint,
    segment_graph,
)
from geo.risk import load_model, score_segments
from geo.segment import segment_corridors
from tests._factories import AS_OF, UNITS, incident, incidents

MODEL = replace(load_model(), border_crossing_exposure=0.0)
GEOD = pyproj.Geod(ellps="WGS84")

# Two ways from (0°, 0°) to (1.5°E, 0°), inside country AA: straight "S" (~167 km) and a
# detour "N" over (0.75°E, 0.8°N) (~244 km), which stays > 60 km from the middle of "S".
BRANCHES = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["S", "N"], C.ROUTE: ["R", "R"], C.NAME: ["south", "north"],
     C.MODE: ["road", "road"], C.SOURCE: ["test", "test"]},
    geometry=[shapely.LineString([(0, 0), (1.5, 0)]),
              shapely.LineString([(0, 0), (0.75, 0.8), (1.5, 0)])],
    crs=4326,
)
START, END = (0.0, 0.0), (0.0, 1.5)  # (lat, lon)
# An arrest of 10 people in the middle of "S", a month before the as-of date.
ARREST = incident("arrest-S", lon=0.75, lat=0.0, count=10, date_text="2020-05-01")


def scored(rows=()):
    segments = segment_corridors(BRANCHES, UNITS, max_km=25)
    return score_segments(segments, incidents(list(rows)), as_of=AS_OF, model=MODEL)


def hand_scored(spec):
    """Scored segments from ``(segment_id, corridor_id, exposure, [(lon, lat), ...])``."""
    geoms = [shapely.LineString(coords) for *_, coords in spec]
    gdf = gpd.GeoDataFrame(
        {C.SEGMENT_ID: [s[0] for s in spec], C.CORRIDOR_ID: [s[1] for s in spec],
         C.EXPOSURE: [float(s[2]) for s in spec]},
        geometry=geoms, crs=4326)
    gdf[C.LENGTH_KM] = [GEOD.geometry_length(g) / 1000.0 for g in geoms]
    return gdf


# A star from HUB (0, 0): exit X 1° east behind a risky segment, exit Y 2° west, nearly safe.
STAR = hand_scored([
    ("x-0", "X", 3.0, [(0, 0), (1, 0)]),
    ("y-0", "Y", 0.2, [(0, 0), (-1, 0)]),
    ("y-1", "Y", 0.3, [(-1, 0), (-2, 0)]),
])
HUB, X, Y = (0.0, 0.0), (0.0, 1.0), (0.0, -2.0)


# --------------------------------------------------------------------------- the reported case


def test_least_risk_path_avoids_the_branch_made_risky_by_an_incident():
    quiet = least_risk_paths(scored(), START, [END])
    assert quiet[KIND].tolist() == ["least-risk", "shortest"]
    # nothing happened: both take the straight corridor
    assert quiet[CORRIDOR_IDS].tolist() == ["S", "S"]
    assert quiet[C.EXPOSURE].tolist() == [0.0, 0.0]

    risky = scored([ARREST])
    paths = least_risk_paths(risky, START, [END]).set_index(KIND)
    assert paths.loc["least-risk", CORRIDOR_IDS] == "N"
    assert paths.loc["shortest", CORRIDOR_IDS] == "S"
    assert paths.loc["least-risk", C.EXPOSURE] == 0.0
    s_exposure = risky.loc[risky[C.CORRIDOR_ID] == "S", C.EXPOSURE].sum()
    assert s_exposure > 0.5
    assert paths.loc["shortest", C.EXPOSURE] == pytest.approx(s_exposure)
    assert paths.loc["least-risk", C.LENGTH_KM] > paths.loc["shortest", C.LENGTH_KM] + 50
    assert paths.loc["shortest", C.INTERCEPTION_INDEX] == pytest.approx(
        1 - np.exp(-s_exposure))


def test_an_incident_after_the_as_of_date_does_not_divert():
    later = incident("later", lon=0.75, lat=0.0, count=10, date_text="2020-07-01")
    paths = least_risk_paths(scored([later]), START, [END])
    assert paths[CORRIDOR_IDS].tolist() == ["S", "S"]


def test_path_rows_add_up_and_follow_the_segments():
    risky = scored([ARREST])
    by_id = risky.set_index(C.SEGMENT_ID)
    for row in least_risk_paths(risky, START, [END]).itertuples(index=False):
        ids = getattr(row, SEGMENT_IDS).split(";")
        assert len(ids) == len(set(ids))
        assert getattr(row, C.LENGTH_KM) == pytest.approx(by_id.loc[ids, C.LENGTH_KM].sum())
        assert getattr(row, C.EXPOSURE) == pytest.approx(by_id.loc[ids, C.EXPOSURE].sum())
        # segments in travel order: seq ascending along the corridor from the start
        assert by_id.loc[ids, C.SEQ].tolist() == sorted(by_id.loc[ids, C.SEQ])
        line = row.geometry
        assert line.geom_type == "LineString"
        assert line.coords[0] == pytest.approx((0.0, 0.0))
        assert line.coords[-1] == pytest.approx((1.5, 0.0))
        merged = shapely.line_merge(shapely.union_all(by_id.loc[ids].geometry.values))
        assert line.hausdorff_distance(merged) < 1e-9
        assert getattr(row, ORIGIN) == "0.00000,0.00000"
        assert getattr(row, DESTINATION) == "0.00000,1.50000"


def test_paths_run_backwards_along_segments_when_needed():
    paths = least_risk_paths(scored([ARREST]), END, [START], origin_name="east",
                             destination_names=["west"])
    row = paths.set_index(KIND).loc["shortest"]
    assert row.geometry.coords[0] == pytest.approx((1.5, 0.0))
    assert row.geometry.coords[-1] == pytest.approx((0.0, 0.0))
    xs = np.array(row.geometry.coords)[:, 0]
    assert (np.diff(xs) < 0).all()
    assert paths[ORIGIN].tolist() == ["east", "east"]
    assert paths[DESTINATION].tolist() == ["west", "west"]


# --------------------------------------------------------------------------- destinations, cost


def test_multi_destination_picks_the_cheaper_exit():
    paths = least_risk_paths(STAR, HUB, [X, Y], destination_names=["X", "Y"]).set_index(KIND)
    assert paths.loc["least-risk", DESTINATION] == "Y"
    assert paths.loc["least-risk", SEGMENT_IDS] == "y-0;y-1"
    assert paths.loc["least-risk", C.EXPOSURE] == pytest.approx(0.5)
    assert paths.loc["shortest", DESTINATION] == "X"
    assert paths.loc["shortest", C.EXPOSURE] == pytest.approx(3.0)
    assert paths.loc["shortest", C.LENGTH_KM] == pytest.approx(111.3, abs=0.2)


def test_destination_order_does_not_matter():
    a = least_risk_paths(STAR, HUB, [X, Y], destination_names=["X", "Y"])
    b = least_risk_paths(STAR, HUB, [Y, X], destination_names=["Y", "X"])
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))


@pytest.mark.parametrize(("per_km", "exit_"), [(0.0, "Y"), (0.005, "Y"), (0.05, "X")])
def test_per_km_trades_exposure_against_distance(per_km, exit_):
    # costs: X 3.0 + 111 km * per_km; Y 0.5 + 222 km * per_km; equal at per_km ~ 0.0225
    paths = least_risk_paths(STAR, HUB, [X, Y], destination_names=["X", "Y"], per_km=per_km)
    assert paths.set_index(KIND).loc["least-risk", DESTINATION] == exit_


def test_equal_exposure_prefers_the_shorter_path():
    paths = least_risk_paths(scored(), END, [START])
    assert paths[CORRIDOR_IDS].tolist() == ["S", "S"]


def test_row_order_does_not_matter_and_input_is_untouched():
    risky = scored([ARREST])
    before = risky.copy()
    a = least_risk_paths(risky, START, [END])
    shuffled = risky.sample(frac=1.0, random_state=3)
    b = least_risk_paths(shuffled, START, [END])
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()
    assert risky.equals(before)


# --------------------------------------------------------------------------- graph building


def test_ends_within_the_tolerance_meet_and_farther_ones_do_not():
    gap_300m = hand_scored([("a-0", "a", 0.0, [(0, 0), (1, 0)]),
                            ("b-0", "b", 0.0, [(1.0027, 0), (2, 0)])])
    assert segment_graph(gap_300m).number_of_nodes() == 3
    paths = least_risk_paths(gap_300m, (0, 0), [(0, 2)])
    assert paths[SEGMENT_IDS].tolist() == ["a-0;b-0", "a-0;b-0"]
    assert segment_graph(gap_300m, tolerance_m=200).number_of_nodes() == 4
    with pytest.raises(RouteriskError, match="no path along the corridors"):
        least_risk_paths(gap_300m, (0, 0), [(0, 2)], tolerance_m=200)


def test_a_segment_shorter_than_the_tolerance_is_kept():
    chain = hand_scored([("c-000", "c", 0.0, [(0, 0), (1, 0)]),
                         ("c-001", "c", 1.0, [(1, 0), (1.003, 0)]),  # 334 m, at a border
                         ("c-002", "c", 0.0, [(1.003, 0), (2, 0)])])
    graph = segment_graph(chain, tolerance_m=500)
    assert graph.number_of_nodes() == 4
    assert graph.number_of_edges() == 3
    paths = least_risk_paths(chain, (0, 0), [(0, 2)])
    assert paths[SEGMENT_IDS].tolist() == ["c-000;c-001;c-002"] * 2
    assert paths[C.EXPOSURE].tolist() == [1.0, 1.0]


def test_a_corridor_starting_on_another_ones_interior_joins_it():
    # "B" starts 111 m north of the middle of segment A-0 (a city that A passes through)
    tee = hand_scored([("A-0", "A", 1.0, [(0, 0), (1, 0)]),
                       ("A-1", "A", 0.0, [(1, 0), (2, 0)]),
                       ("B-0", "B", 0.0, [(0.5, 0.001), (0.5, 1)])])
    graph = segment_graph(tee)
    assert graph.number_of_nodes() == 5  # A's three ends, B's far end, the junction
    pieces = sorted(k for _, _, k in graph.edges(keys=True))
    assert pieces == ["A-0#0", "A-0#1", "A-1", "B-0"]
    paths = least_risk_paths(tee, (0, 0), [(1, 0.5)]).set_index(KIND)
    row = paths.loc["least-risk"]
    assert row[CORRIDOR_IDS] == "A;B"
    assert row[SEGMENT_IDS] == "A-0;B-0"
    assert row[C.EXPOSURE] == pytest.approx(0.5, abs=0.01)  # half of A-0
    assert row[C.LENGTH_KM] == pytest.approx(tee[C.LENGTH_KM][0] / 2 + tee[C.LENGTH_KM][2],
                                             rel=0.01)
    # across the junction from the other side: A-1 then the east piece of A-0, then B
    other = least_risk_paths(tee, (0, 2), [(1, 0.5)]).set_index(KIND).loc["least-risk"]
    assert other[SEGMENT_IDS] == "A-1;A-0;B-0"
    assert other[C.EXPOSURE] == pytest.approx(0.5, abs=0.01)


def test_graph_edges_carry_the_segment_attributes():
    graph = segment_graph(STAR, per_km=0.01)
    assert isinstance(graph, nx.MultiGraph)
    data = {k: d for _, _, k, d in graph.edges(keys=True, data=True)}
    assert set(data) == {"x-0", "y-0", "y-1"}
    assert data["x-0"]["corridor_id"] == "X"
    assert data["x-0"]["weight"] == pytest.approx(3.0 + 0.01 * data["x-0"]["length_km"])
    assert data["y-1"]["geometry"].equals(STAR.geometry[2])


def test_graph_of_nothing_is_empty_and_paths_on_it_fail():
    empty = STAR.iloc[:0]
    assert segment_graph(empty).number_of_nodes() == 0
    with pytest.raises(RouteriskError, match="no segments"):
        least_risk_paths(empty, HUB, [X])


# --------------------------------------------------------------------------- errors


def test_a_point_far_from_every_segment_end_fails():
    with pytest.raises(RouteriskError, match=r"'far' is 2\d\d\.\d km from the nearest segment"):
        least_risk_paths(STAR, (2.0, 0.0), [X], origin_name="far")
    with pytest.raises(RouteriskError, match="more than 500 km"):
        least_risk_paths(STAR, HUB, [(10.0, 0.0)], snap_km=500)


def test_origin_at_a_destination_fails():
    with pytest.raises(RouteriskError, match="snap to the same segment end"):
        least_risk_paths(STAR, HUB, [X, (0.001, 0.0)])


def test_no_destination_fails():
    with pytest.raises(RouteriskError, match="no destination"):
        least_risk_paths(STAR, HUB, [])


@pytest.mark.parametrize("bad", [{"tolerance_m": -1}, {"per_km": float("nan")}])
def test_bad_options(bad):
    with pytest.raises(ValueError, match="finite number >= 0"):
        segment_graph(STAR, **bad)


def test_missing_columns():
    with pytest.raises(ValueError, match="exposure"):
        segment_graph(STAR.drop(columns=C.EXPOSURE))


# --------------------------------------------------------------------------- waypoints


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25.04,102.72", (25.04, 102.72)), (" -33.9 , 151.2 ", (-33.9, 151.2)),
     ((1, 2), (1.0, 2.0)), ("Kunming", (25.03889, 102.71833)),
     ("Kunming, CN", (25.03889, 102.71833))],
)
def test_parse_waypoint(text, expected):
    assert parse_waypoint(text) == expected


@pytest.mark.parametrize(
    ("text", "match"),
    [("102.72,25.04", "out of range.*written lon,lat"), ("95,200", "out of range"),
     ("Atlantisville-sous-Mer", "not found"), ("", "empty waypoint"),
     ("Kunming, Yunnan, Far, CN", "cannot read waypoint")],
)
def test_parse_waypoint_errors(text, match):
    with pytest.raises(PlaceError, match=match) as err:
        parse_waypoint(text, location="waypoint 3", field="--via")
    assert err.value.problem.location == "waypoint 3"
    assert err.value.problem.field == "--via"


# --------------------------------------------------------------------------- command line


@pytest.fixture
def layers(tmp_path):
    folder = tmp_path / "layers"
    folder.mkdir()
    write_geojson(UNITS, folder / "boundaries.geojson")
    write_geojson(BRANCHES, folder / "corridors.geojson")
    (folder / "incidents.csv").write_text(
        "incident_id,date,type,lat,lon,count,source_name,visibility\n"
        "arrest-S,2020-05,arrest,0.0,0.75,10,test,public\n", encoding="utf-8")
    return folder


def test_cli_route_prints_both_paths_and_writes_geojson(layers, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["route", "--layers", str(layers), "--as-of", "2020-06-01", "--from",
                     "0,0", "--to", "0,1.5;0.1,1.5", "--out", str(out)])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "as of 2020-06-01, from 0,0 to 0,1.5 or 0.1,1.5; RESTRICTED data"
    assert lines[1].split() == ["kind", "to", "length_km", "exposure", "corridors"]
    least, shortest = lines[2].split(), lines[3].split()
    assert least[0] == "least-risk"
    assert least[1] == "0,1.5"
    assert least[-1] == "N"
    assert float(least[3]) == 0.0
    assert shortest[0] == "shortest"
    assert shortest[-1] == "S"
    assert float(shortest[3]) > 0.5
    assert float(least[2]) > float(shortest[2])
    assert lines[4:] == [f"wrote {out / 'paths.geojson'}", f"wrote {out / 'route_map.html'}"]
    page = (out / "route_map.html").read_text(encoding="utf-8")
    # the highlighted layer's data, not only the legend (the map's JSON is written compactly)
    assert re.search(r'"paths":\s*\{"coords":\s*\[', page)
    assert re.search(r'"kind":\s*\["least-risk",\s*"shortest"\]', page)
    doc = json.loads((out / "paths.geojson").read_text(encoding="utf-8"))
    props = [f["properties"] for f in doc["features"]]
    assert [p[KIND] for p in props] == ["least-risk", "shortest"]
    assert [p[CORRIDOR_IDS] for p in props] == ["N", "S"]
    assert set(props[0]) == {KIND, ORIGIN, DESTINATION, CORRIDOR_IDS, SEGMENT_IDS,
                             C.LENGTH_KM, C.EXPOSURE, C.EXPOSURE_INDEX,
                             C.INTERCEPTION_INDEX}
    assert doc["features"][0]["geometry"]["type"] == "LineString"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--from", "0,0", "--to", "30,30"], 1, "km from the nearest segment end"),
        (["--from", "0,0", "--to", "0,0.001"], 1, "snap to the same segment end"),
        (["--from", "Atlantisville-sous-Mer", "--to", "0,1.5"], 1, "not found"),
        (["--from", "0,0", "--to", "0,1.5;"], 2, "empty item"),
    ],
)
def test_cli_route_errors(layers, tmp_path, capsys, args, code, message):
    out = tmp_path / "out"
    assert cli.main(["route", "--layers", str(layers), "--as-of", "2020-06-01", "--out",
                     str(out), *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
