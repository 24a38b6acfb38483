"""Corridors along an OSM extract (geo.network) and appending them to a corridors file.

Everything runs on ``tests/data/tiny_network.osm`` (a hand-made extract, see its comment) or on
files written here; a guard makes any attempt to open a network connection fail the test.
"""

from __future__ import annotations

import itertools
import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from geo import cli, datasets
from geo import columns as C
from geo._errors import PlaceError, RouteriskError, UsageError, ValidationError
from geo.export import write_geojson
from geo.io import read_corridors
from geo.network import (
    WAYPOINTS,
    _features_layout,
    append_corridor,
    corridor_from_graph,
    corridor_from_osm,
    load_network,
)

FIXTURE = Path(__file__).parent / "data" / "tiny_network.osm"
# (lon, lat) of every node of the fixture, by OSM id
NODES = {int(n.get("id")): (float(n.get("lon")), float(n.get("lat")))
         for n in ET.parse(FIXTURE).getroot().iter("node")}


def latlon(node: int) -> str:
    lon, lat = NODES[node]
    return f"{lat},{lon}"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that tries to open a network connection (osmnx must not download)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def node_sequence(line: shapely.LineString) -> list[int]:
    """The fixture node ids of the vertices of ``line`` (fails if a vertex is not a node)."""
    by_coord = {xy: node for node, xy in NODES.items()}
    return [by_coord[tuple(xy)] for xy in shapely.get_coordinates(line).tolist()]


# --------------------------------------------------------------------------- building


def test_corridor_follows_the_ways_through_the_waypoints_in_order():
    corridor = corridor_from_osm(FIXTURE, [latlon(1), latlon(6), latlon(5)],
                                 corridor_id="T-01", route="Test")
    assert len(corridor) == 1
    assert corridor.crs.equals(4326)
    # primary 1-2-3, then residential 3-6, then on to 5 along the residential road
    assert node_sequence(corridor.geometry.iloc[0]) == [1, 2, 3, 6, 5]
    row = corridor.iloc[0]
    assert row[C.CORRIDOR_ID] == "T-01"
    assert row[C.ROUTE] == "Test"
    assert row[C.MODE] == "road"
    assert row[WAYPOINTS] == "40.0,120.0;40.001,120.032;40.012,120.03"
    assert row[C.NAME] == "40.0,120.0 – 40.001,120.032 – 40.012,120.03"
    assert row[C.SOURCE] == ("OSM extract tiny_network.osm "
                             "(© OpenStreetMap contributors, ODbL)")


def test_shortest_leg_is_taken_and_a_multi_vertex_way_is_followed():
    # 1 -> 5: 1-2-4-7-5 (3.36 km) beats 1-2-3-6-5 (3.97 km); way 102 runs 4-7-5
    corridor = corridor_from_osm(FIXTURE, [latlon(1), latlon(5)], corridor_id="a", route="r")
    assert node_sequence(corridor.geometry.iloc[0]) == [1, 2, 4, 7, 5]


def test_waypoints_are_passed_in_the_order_given():
    forth = corridor_from_osm(FIXTURE, [latlon(1), latlon(5), latlon(3)], corridor_id="a",
                              route="r")
    nodes = node_sequence(forth.geometry.iloc[0])
    assert nodes[0] == 1
    assert nodes[-1] == 3
    assert nodes.index(5) < len(nodes) - 1
    assert nodes == [1, 2, 4, 7, 5, 6, 3]


def test_waypoints_between_nodes_snap_to_the_nearest_vertex():
    # 100 m off node 2 and 150 m off node 7
    corridor = corridor_from_osm(FIXTURE, [(40.0009, 120.0101), (40.0105, 120.0215)],
                                 corridor_id="a", route="r")
    assert node_sequence(corridor.geometry.iloc[0]) == [2, 4, 7]
    assert corridor.iloc[0][WAYPOINTS] == "40.0009,120.0101;40.0105,120.0215"


def test_one_way_streets_are_two_way_unless_asked():
    both = corridor_from_osm(FIXTURE, [latlon(5), latlon(4)], corridor_id="a", route="r")
    assert node_sequence(both.geometry.iloc[0]) == [5, 7, 4]
    strict = corridor_from_osm(FIXTURE, [latlon(5), latlon(4)], corridor_id="a", route="r",
                               respect_oneway=True)
    assert node_sequence(strict.geometry.iloc[0]) == [5, 6, 3, 2, 4]


def test_network_type_decides_which_ways_are_followed():
    walk = corridor_from_osm(FIXTURE, [latlon(1), latlon(5)], corridor_id="a", route="r",
                             mode="foot")
    assert node_sequence(walk.geometry.iloc[0]) == [1, 4, 7, 5]  # the footway shortcut
    rail = corridor_from_osm(FIXTURE, [latlon(20), latlon(22)], corridor_id="a", route="r",
                             mode="rail")
    assert node_sequence(rail.geometry.iloc[0]) == [20, 21, 22]
    assert rail.iloc[0][C.MODE] == "rail"


def test_load_network_keeps_only_the_ways_of_the_type():
    drive = load_network(FIXTURE, network_type="drive")
    assert sorted(drive.nodes) == [1, 2, 3, 4, 5, 6, 7, 40, 41]  # no rail, building or cafe
    assert not drive.has_edge(1, 4)  # the footway
    assert sorted(load_network(FIXTURE, network_type="rail").nodes) == [20, 21, 22]
    walk = load_network(FIXTURE, network_type="walk")
    assert walk.has_edge(1, 4)
    everything = load_network(FIXTURE, network_type="all")
    assert {20, 1, 40} <= set(everything.nodes)
    assert 30 not in everything.nodes  # a building is not a way to travel


def test_place_names_go_through_the_gazetteer():
    # Qinhuangdao (39.94 N, 119.59 E) is ~35 km from the fixture's west end (node 1)
    corridor = corridor_from_osm(FIXTURE, ["Qinhuangdao, CN", latlon(5)], corridor_id="a",
                                 route="r", max_snap_km=50)
    assert node_sequence(corridor.geometry.iloc[0])[0] == 1
    assert corridor.iloc[0][WAYPOINTS] == "Qinhuangdao, CN;40.012,120.03"
    with pytest.raises(RouteriskError, match=r"'Qinhuangdao, CN' is 3\d\.\d km from"):
        corridor_from_osm(FIXTURE, ["Qinhuangdao, CN", latlon(5)], corridor_id="a", route="r")
    with pytest.raises(PlaceError, match="not found") as err:
        corridor_from_osm(FIXTURE, [latlon(1), "Nowhere-on-earth-ville"], corridor_id="a",
                          route="r")
    assert err.value.problem.location == "waypoint 2"


def test_a_waypoint_off_the_network_fails_clearly():
    with pytest.raises(RouteriskError) as err:
        corridor_from_osm(FIXTURE, [latlon(1), "40.2,120.0"], corridor_id="a", route="r")
    problem = err.value.problem
    assert problem.location == "waypoint 2"
    assert problem.field == "waypoints"  # the keyword; the CLI shows --via
    assert problem.file.endswith("tiny_network.osm")
    assert "'40.2,120.0' is 21.0 km from the nearest way of the network, more than the 1 km" in (
        problem.message)


def test_a_waypoint_more_than_1_km_off_is_an_error_naming_the_distance():
    lat, lon = (float(v) for v in latlon(1).split(","))
    off = f"{lat + 0.0135:.4f},{lon}"  # 1.5 km north of node 1, 1.2 km from the nearest vertex
    with pytest.raises(RouteriskError, match=r"is 1\.2 km from the nearest way of the network, "
                                             r"more than the 1 km .*allow a snap of 1\.2 km"):
        corridor_from_osm(FIXTURE, [off, latlon(5)], corridor_id="a", route="r")
    corridor = corridor_from_osm(FIXTURE, [off, latlon(5)], corridor_id="a", route="r",
                                 max_snap_km=2)
    assert 1.15 < corridor.attrs["snap_km"][0] < 1.25
    assert corridor.attrs["snap_km"][1] == 0.0


def test_a_waypoint_on_a_disconnected_road_fails_clearly():
    with pytest.raises(RouteriskError, match="no path along the network from waypoint 2") as err:
        corridor_from_osm(FIXTURE, [latlon(2), latlon(3), latlon(41)], corridor_id="a",
                          route="r")
    assert err.value.problem.location == "waypoint 3"


def test_a_rail_waypoint_is_off_a_road_network():
    with pytest.raises(RouteriskError, match="km from the nearest way"):
        corridor_from_osm(FIXTURE, [latlon(20), latlon(22)], corridor_id="a", route="r",
                          max_snap_km=1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"corridor_id": " "}, UsageError, "id is empty"),
        ({"route": ""}, UsageError, "route name is empty"),
        ({"mode": "river"}, UsageError, "mode 'river' has no OSM network"),
        ({"mode": "boat"}, UsageError, "mode 'boat' is not one of"),
        ({"network_type": "bike"}, UsageError, "network type 'bike'"),
    ],
)
def test_bad_options_are_usage_errors(kwargs, error, match):
    args = {"corridor_id": "a", "route": "r", **kwargs}
    with pytest.raises(error, match=match):
        corridor_from_osm(FIXTURE, [latlon(1), latlon(5)], **args)


def test_one_waypoint_is_not_a_corridor():
    with pytest.raises(UsageError, match="at least two waypoints"):
        corridor_from_osm(FIXTURE, [latlon(1)], corridor_id="a", route="r")


def test_waypoints_snapping_together_fail():
    with pytest.raises(RouteriskError, match="same point"):
        corridor_from_osm(FIXTURE, [latlon(1), "40.0001,120.0001"], corridor_id="a", route="r")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('<osm version="0.6"><node id="1" lat="40" lon="120"/>', "not readable as OSM XML"),
        ('{"type": "FeatureCollection"}', "not readable as OSM XML"),
        ('<osm version="0.6"></osm>', "no OSM nodes or ways"),
        ('<osm version="0.6"><node id="1" lat="40" lon="120"/><node id="2" lat="40" '
         'lon="120.1"/><way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
         '<tag k="highway" v="primary"/></way></osm>', "ways refer to nodes the file does not"),
        ('<osm version="0.6"><node id="1" lat="40" lon="120"/><node id="2" lat="40" '
         'lon="120.1"/><way id="9"><nd ref="1"/><nd ref="2"/>'
         '<tag k="railway" v="rail"/></way></osm>', "no ways of network type 'drive'"),
    ],
)
def test_unusable_extracts_fail_clearly(tmp_path, text, match):
    path = tmp_path / "bad.osm"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RouteriskError, match=match) as err:
        load_network(path)
    assert err.value.problem.file == str(path)


def test_missing_extract():
    with pytest.raises(RouteriskError, match="file not found"):
        load_network(FIXTURE.with_name("nope.osm"))


def test_a_simplified_graph_is_followed_along_its_edge_geometries():
    import osmnx as ox

    # nodes where the highway class changes stay; 4 and 7 merge into an edge 2-5 with geometry
    graph = ox.simplify_graph(load_network(FIXTURE), edge_attrs_differ=["highway"])
    assert {1, 2, 5} <= set(graph.nodes)
    assert not {4, 7} & set(graph.nodes)
    for ends in ([1, 5], [5, 1]):  # forwards and against the geometry's direction
        corridor = corridor_from_graph(graph, [latlon(ends[0]), latlon(ends[1])],
                                       corridor_id="a", route="r", source="test")
        expected = [1, 2, 4, 7, 5] if ends[0] == 1 else [5, 7, 4, 2, 1]
        assert node_sequence(corridor.geometry.iloc[0]) == expected


def test_the_extract_is_read_by_osmnx_not_changed_by_it():
    before = FIXTURE.read_bytes()
    load_network(FIXTURE)
    assert FIXTURE.read_bytes() == before
    import osmnx as ox

    assert "railway" not in ox.settings.useful_tags_way  # the temporary setting was undone


# --------------------------------------------------------------------------- appending


def lines(n: int) -> gpd.GeoDataFrame:
    """``n`` existing corridors, with non-ASCII text."""
    return gpd.GeoDataFrame(
        {C.CORRIDOR_ID: [f"OLD-{i}" for i in range(n)], C.ROUTE: ["Yunnan–Laos"] * n,
         C.NAME: [f"Kunming – Mohan {i}" for i in range(n)], C.MODE: ["road"] * n,
         C.SOURCE: ["Daily NK, 2019"] * n},
        geometry=[shapely.LineString([(102.7 + i, 25.0), (101.6, 21.2 + i / 7)])
                  for i in range(n)], crs=4326)


def writers():
    """Ways corridor files are written in the wild: each a function (path, gdf) -> None."""

    def compact(path, gdf):  # geo.export's writer: one line, no spaces
        write_geojson(gdf, path)

    def per_line(path, gdf):  # one feature per line (layers/make_corridors.py style)
        feats = json.loads(gdf.to_json(drop_id=True))["features"]
        body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                          for f in feats)
        path.write_text('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n",
                        encoding="utf-8")

    def pretty(path, gdf):  # QGIS/geojson.io-like indentation, name member after features
        doc = {"type": "FeatureCollection",
               "features": json.loads(gdf.to_json(drop_id=True))["features"],
               "name": "corridors"}
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def crlf_ascii(path, gdf):  # Windows line ends, \u-escaped text, spaces after separators
        feats = json.loads(gdf.to_json(drop_id=True))["features"]
        body = ",\r\n".join("  " + json.dumps(f) for f in feats)
        path.write_bytes(('{"type": "FeatureCollection", "features": [\r\n' + body
                          + "\r\n]}\r\n").encode("ascii"))

    def bundled(path, gdf):  # layers/make_corridors.py: one feature per line, default separators
        feats = json.loads(gdf.to_json(drop_id=True))["features"]
        body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in feats)
        path.write_text('{"type": "FeatureCollection", "name": "corridors", "features": [\n'
                        + body + "\n]}\n", encoding="utf-8")

    return [compact, per_line, pretty, crlf_ascii, bundled]


@pytest.fixture(scope="module")
def new_corridor():
    return corridor_from_osm(FIXTURE, [latlon(1), latlon(6), latlon(5)], corridor_id="NEW-1",
                             route="Test")


@pytest.mark.parametrize("n_old", [1, 3])
@pytest.mark.parametrize("writer", writers(), ids=lambda w: w.__name__)
def test_append_keeps_every_old_corridor_byte_identical(tmp_path, new_corridor, writer, n_old):
    path = tmp_path / "corridors.geojson"
    writer(path, lines(n_old))
    before = path.read_bytes()
    old_text = before.decode("utf-8")
    _, old_close, old_spans = _features_layout(old_text)

    append_corridor(new_corridor, path)

    after = path.read_bytes()
    text = after.decode("utf-8")
    _, close, spans = _features_layout(text)
    assert len(spans) == n_old + 1
    for (s0, e0), (s1, e1) in zip(old_spans, spans[:n_old], strict=True):
        assert text[s1:e1] == old_text[s0:e0]
    # everything before the new feature and after the array is untouched, byte for byte
    assert after.startswith(before[: len(old_text[: old_spans[-1][1]].encode("utf-8"))])
    assert text[close:] == old_text[old_close:]
    doc = json.loads(text)  # valid JSON
    assert [f["properties"][C.CORRIDOR_ID] for f in doc["features"]] == [
        *(f"OLD-{i}" for i in range(n_old)), "NEW-1"]
    # the new feature is written in the style of the old ones
    new_text = text[spans[-1][0]:spans[-1][1]]
    old_last = old_text[old_spans[-1][0]:old_spans[-1][1]]
    assert ("\n" in new_text) == ("\n" in old_last)
    assert (": " in new_text) == (": " in old_last)
    read = read_corridors(path)
    assert list(read[C.CORRIDOR_ID]) == [*(f"OLD-{i}" for i in range(n_old)), "NEW-1"]
    assert read.geometry.iloc[-1].equals(new_corridor.geometry.iloc[0])
    assert doc["features"][-1]["properties"][WAYPOINTS] == new_corridor.iloc[0][WAYPOINTS]
    assert [p.name for p in tmp_path.iterdir()] == ["corridors.geojson"]  # no temp left


def test_append_to_a_copy_of_the_bundled_corridors(tmp_path, new_corridor):
    bundled = datasets.get_path("corridors")
    path = tmp_path / "corridors.geojson"
    path.write_bytes(bundled.read_bytes())
    before = path.read_bytes()
    append_corridor(new_corridor, path)
    after = path.read_bytes()
    # the old text up to the end of its last feature is a prefix of the new file, and the new
    # file is the old one with exactly one line inserted
    cut = before.rindex(b"}}") + 2
    assert after.startswith(before[:cut])
    assert after.endswith(before[cut:])
    inserted = after[cut:len(after) - len(before[cut:])].decode("utf-8")
    assert inserted.startswith(',\n{"type": "Feature", "properties": {"corridor_id": "NEW-1"')
    assert inserted.count("\n") == 1
    assert len(read_corridors(path)) == len(read_corridors(bundled)) + 1


def test_append_only_to_geojson(tmp_path, new_corridor):
    with pytest.raises(RouteriskError, match="only be appended to a GeoJSON"):
        append_corridor(new_corridor, tmp_path / "corridors.gpkg")


def test_appending_twice_and_to_an_empty_collection(tmp_path, new_corridor):
    path = tmp_path / "c.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
    append_corridor(new_corridor, path)
    second = new_corridor.assign(**{C.CORRIDOR_ID: ["NEW-2"]})
    first_bytes = path.read_text(encoding="utf-8")
    append_corridor(second, path)
    text = path.read_text(encoding="utf-8")
    _, _, spans = _features_layout(text)
    _, _, first_spans = _features_layout(first_bytes)
    assert text[spans[0][0]:spans[0][1]] == first_bytes[first_spans[0][0]:first_spans[0][1]]
    assert list(read_corridors(path)[C.CORRIDOR_ID]) == ["NEW-1", "NEW-2"]


def test_append_creates_a_missing_file(tmp_path, new_corridor):
    path = tmp_path / "sub" / "corridors.geojson"
    append_corridor(new_corridor, path)
    assert list(read_corridors(path)[C.CORRIDOR_ID]) == ["NEW-1"]
    assert path.read_text(encoding="utf-8").endswith("]}\n")


def test_append_rejects_a_duplicate_id_and_leaves_the_file_alone(tmp_path, new_corridor):
    path = tmp_path / "corridors.geojson"
    write_geojson(lines(2), path)
    before = path.read_bytes()
    with pytest.raises(RouteriskError, match="'OLD-1' is already in the file") as err:
        append_corridor(new_corridor.assign(**{C.CORRIDOR_ID: ["OLD-1"]}), path)
    assert err.value.problem.location == "feature 2"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["corridors.geojson"]


@pytest.mark.parametrize(
    ("geometry", "match"),
    [
        (shapely.LineString(), "non-empty"),
        (shapely.Point(1, 2), "non-empty"),
        (shapely.LineString([(1, 2), (1, 2)]), "invalid geometry"),
    ],
)
def test_append_rejects_invalid_geometry(tmp_path, new_corridor, geometry, match):
    path = tmp_path / "corridors.geojson"
    write_geojson(lines(1), path)
    before = path.read_bytes()
    bad = gpd.GeoDataFrame(new_corridor.drop(columns="geometry"), geometry=[geometry],
                           crs=4326)
    with pytest.raises(RouteriskError, match=match):
        append_corridor(bad, path)
    assert path.read_bytes() == before


def test_append_refuses_to_add_to_an_invalid_file(tmp_path, new_corridor):
    path = tmp_path / "corridors.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"properties": {"corridor_id": "x"}, "geometry": null}]}', encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(ValidationError, match="route"):
        append_corridor(new_corridor, path)
    assert path.read_bytes() == before


def test_append_keeps_the_file_mode(tmp_path, new_corridor):
    path = tmp_path / "corridors.geojson"
    write_geojson(lines(1), path)
    path.chmod(0o640)
    append_corridor(new_corridor, path)
    assert path.stat().st_mode & 0o777 == 0o640


# --------------------------------------------------------------------------- command line


def test_cli_corridor_appends(tmp_path, capsys):
    into = tmp_path / "corridors.geojson"
    write_geojson(lines(2), into)
    code = cli.main(["corridor", "--osm", str(FIXTURE), "--via",
                     f"{latlon(1)};{latlon(6)};{latlon(5)}", "--id", "NEW-1", "--route",
                     "Test", "--name", "Fixture road", "--into", str(into)])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("appended corridor NEW-1 (4.0 km through 3 waypoints, 5 vertices)")
    read = read_corridors(into)
    assert list(read[C.CORRIDOR_ID]) == ["OLD-0", "OLD-1", "NEW-1"]
    assert read.iloc[-1][C.NAME] == "Fixture road"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--via", "40.0,120.0;40.2,120.0", "--id", "N"], 1, "km from the nearest way"),
        (["--via", "40.0,120.0;40.0,120.11", "--id", "N"], 1, "no path along the network"),
        (["--via", "40.0,120.0;40.012,120.03", "--id", "OLD-0"], 1, "already in the file"),
        (["--via", "40.0,120.0", "--id", "N"], 2, "at least two waypoints"),
        (["--via", "40.0,120.0;;40.012,120.03", "--id", "N"], 2, "empty item"),
        (["--via", "40.0,120.0;40.012,120.03", "--id", "N", "--mode", "river"], 2,
         "has no OSM network"),
    ],
)
def test_cli_corridor_errors(tmp_path, capsys, args, code, message):
    into = tmp_path / "corridors.geojson"
    write_geojson(lines(1), into)
    before = into.read_bytes()
    assert cli.main(["corridor", "--osm", str(FIXTURE), "--route", "Test", "--into",
                     str(into), *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert into.read_bytes() == before


def test_cli_corridor_needs_a_source(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["corridor", "--via", "a;b", "--id", "x", "--route", "r", "--into", "x"])
    assert exc.value.code == 2
    assert "one of the arguments --osm --download is required" in capsys.readouterr().err


def test_cli_corridor_download_goes_through_osmnx_bbox(tmp_path, monkeypatch, capsys):
    # Stand in for the Overpass download with the fixture: checks the wiring, not the internet.
    import osmnx as ox

    seen = {}

    def fake_bbox(bbox, **kwargs):
        seen.update(bbox=bbox, use_cache=ox.settings.use_cache, **kwargs)
        return load_network(FIXTURE, network_type=kwargs["network_type"])  # as osmnx filters

    monkeypatch.setattr(ox, "graph_from_bbox", fake_bbox)
    into = tmp_path / "corridors.geojson"
    assert cli.main(["corridor", "--download", "--via", f"{latlon(1)};{latlon(5)}", "--id",
                     "D-1", "--route", "Test", "--into", str(into)]) == 0
    assert seen["use_cache"] is False
    assert seen["network_type"] == "drive"
    west, south, east, north = seen["bbox"]
    assert west < 120.0 < 120.03 < east
    assert south < 40.0 < 40.012 < north
    assert ox.settings.use_cache is True  # restored
    row = read_corridors(into).iloc[0]
    assert row[C.SOURCE].startswith("OpenStreetMap via Overpass API, downloaded ")
    assert node_sequence(read_corridors(into).geometry.iloc[0]) == [1, 2, 4, 7, 5]
    capsys.readouterr()


def test_every_vertex_of_a_corridor_is_a_network_vertex_on_a_random_walk():
    # waypoints at random nodes of the drive network: the corridor never leaves the ways
    graph = load_network(FIXTURE)
    rng = np.random.default_rng(7)
    main = sorted(max(nx.weakly_connected_components(graph), key=len))
    edges = {(u, v) for u, v in graph.edges()}
    for _ in range(10):
        picks = rng.choice(main, size=4)
        if len(set(picks.tolist())) < 4:
            continue
        corridor = corridor_from_graph(graph, [latlon(int(n)) for n in picks],
                                       corridor_id="a", route="r", source="t")
        seq = node_sequence(corridor.geometry.iloc[0])
        assert all(pair in edges for pair in itertools.pairwise(seq))
        at = 0
        for p in picks:  # each waypoint is passed, after the one before it
            at = seq.index(int(p), at)
        assert seq[0] == picks[0]
        assert seq[-1] == picks[-1]
