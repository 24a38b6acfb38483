"""The offline basemap: packaged layers, clipping, places by zoom, OSM extracts."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

import geo
from geo.maps import basemap

DATA = Path(__file__).parent / "data"
#: Goma (DR Congo) and Gisenyi (Rwanda) on the north shore of Lake Kivu.
KIVU = (28.8, -2.1, 29.6, -1.4)
#: DR Congo and its neighbours.
DRC = (11.0, -14.0, 32.0, 6.0)
TINY_BOX = (119.9, 39.9, 120.2, 40.1)

PLACES_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="routerisk tests">
  <node id="1" lat="40.000" lon="120.000"><tag k="place" v="town"/>
    <tag k="name" v="Testtown"/><tag k="population" v="12,500"/></node>
  <node id="2" lat="40.010" lon="120.010"/>
  <node id="3" lat="40.020" lon="120.030"/>
  <node id="4" lat="41.000" lon="121.000"><tag k="place" v="village"/>
    <tag k="name" v="Outside"/></node>
  <node id="5" lat="40.050" lon="120.050"><tag k="place" v="village"/>
    <tag k="name" v="Smallvillage"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
  <way id="11"><nd ref="1"/><nd ref="3"/><tag k="highway" v="footway"/></way>
</osm>
"""


@pytest.fixture(scope="module")
def kivu():
    return basemap.load_context(KIVU)


def test_every_layer_with_its_columns_in_wgs84(kivu):
    assert tuple(kivu) == basemap.LAYERS
    for layer, frame in kivu.items():
        assert frame.crs.to_epsg() == 4326, layer
        assert {"geometry", "min_zoom", "source", *basemap.COLUMNS[layer]} <= set(frame.columns)
        assert frame["min_zoom"].dtype.kind == "i", layer


def test_neighbours_outside_any_boundary_file_are_named(kivu):
    names = dict(zip(kivu["countries"]["iso_a2"], kivu["countries"]["name"], strict=True))
    assert names == {"CD": "Dem. Rep. Congo", "RW": "Rwanda"}


def test_lake_and_towns_on_both_shores(kivu):
    assert "Lake Kivu" in set(kivu["lakes"]["name"])
    places = kivu["places"].set_index("name")
    goma, gisenyi = places.loc["Goma"], places.loc["Gisenyi"]
    assert (goma["country"], gisenyi["country"]) == ("CD", "RW")
    assert gisenyi.geometry.x > goma.geometry.x  # Gisenyi lies east of Goma
    assert goma["min_zoom"] <= gisenyi["min_zoom"]


def test_everything_is_clipped_to_the_box(kivu):
    box = shapely.box(*KIVU).buffer(1e-9)
    for layer, frame in kivu.items():
        assert shapely.within(frame.geometry.values, box).all(), layer


def test_places_down_to_small_towns_ordered_by_importance():
    places = basemap.load_context(DRC)["places"]
    assert places["capital"].any()
    kinshasa = places[places["name"] == "Kinshasa"].iloc[0]
    assert kinshasa["capital"] and kinshasa["min_zoom"] <= 4
    assert places["population"].min() < 1000  # GeoNames towns, not only Natural Earth's
    assert places["min_zoom"].is_monotonic_increasing
    assert places["geonameid"][places["geonameid"] > 0].is_unique


def test_world_countries_all_named():
    world = basemap.load_context((-180, -90, 180, 90))
    countries = world["countries"]
    assert len(countries) > 200
    assert (countries["name"].str.len() > 0).all()
    assert {"FR", "NO", "KP", "MN", "RU"} <= set(countries["iso_a2"])


def test_coastline_is_the_land_outline_not_the_box_edge():
    ctx = basemap.load_context((120.0, 38.0, 128.0, 42.0))  # Bohai Sea and Korea Bay
    coast = shapely.union_all(ctx["coastline"].geometry.values)
    assert coast.length > 5
    west_edge = shapely.LineString([(120.0, 38.0), (120.0, 42.0)])
    assert coast.intersection(west_edge.buffer(1e-6)).length < 0.1


def test_max_zoom_keeps_only_what_is_drawn_that_far_out():
    far = basemap.load_context(DRC, max_zoom=4)
    near = basemap.load_context(DRC, max_zoom=9)
    assert 0 < len(far["places"]) < len(near["places"])
    assert (far["places"]["min_zoom"] <= 4).all()


@pytest.mark.parametrize("bounds", [(1, 2, 3), (5, 0, 1, 1), (0, 0, float("nan"), 1),
                                    (-200, 0, 0, 1), "abcd"])
def test_bad_bounds_are_refused(bounds):
    with pytest.raises(ValueError, match="bounds"):
        basemap.load_context(bounds)


def test_osm_pbf_adds_its_main_roads_and_railway():
    ctx = basemap.load_context(TINY_BOX, osm=DATA / "tiny_network.osm.pbf")
    osm = ctx["roads"][ctx["roads"]["source"] == "OpenStreetMap"]
    # primary, two secondaries and the tertiary; not the residential street nor the footway
    assert sorted(osm["kind"]) == ["primary", "secondary", "secondary", "tertiary"]
    rail = ctx["railways"][ctx["railways"]["source"] == "OpenStreetMap"]
    assert len(rail) == 1
    assert shapely.get_coordinates(rail.geometry.values).tolist() == [
        [120.0, 40.02], [120.01, 40.02], [120.02, 40.02]]


def test_osm_places_and_roads_inside_the_box(tmp_path):
    path = tmp_path / "places.osm"
    path.write_text(PLACES_OSM, encoding="utf-8")
    ctx = basemap.load_context(TINY_BOX, osm=path)
    osm = ctx["places"][ctx["places"]["source"] == "OpenStreetMap"].set_index("name")
    assert sorted(osm.index) == ["Smallvillage", "Testtown"]
    assert osm.loc["Testtown", "population"] == 12500
    assert osm.loc["Testtown", "min_zoom"] == 9
    assert osm.loc["Smallvillage", "min_zoom"] == 11
    assert list(ctx["roads"][ctx["roads"]["source"] == "OpenStreetMap"]["kind"]) == ["primary"]
    assert "© OpenStreetMap contributors (ODbL)" in basemap.attribution(ctx)


def test_not_an_osm_file_is_a_clear_error(tmp_path):
    from geo._errors import RouteriskError

    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x05hello")
    with pytest.raises(RouteriskError, match=r"bad\.osm\.pbf"):
        basemap.load_context(TINY_BOX, osm=bad)


def test_zoom_for_population_is_monotonic():
    pops = [0, 500, 999, 1000, 5000, 50_000, 200_000, 5_000_000]
    zooms = basemap.zoom_for_population(pops).tolist()
    assert zooms == sorted(zooms, reverse=True)


def test_build_context_osm_adds_the_extract_and_its_credit(tmp_path, capsys):
    from geo.cli import main

    # a short corridor along the extract's roads, so the map is zoomed in enough for them
    (tmp_path / "boundaries.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"country": "CN", "admin1": ""}, "geometry": {"type": "Polygon", "coordinates": '
        '[[[119.5, 39.5], [120.6, 39.5], [120.6, 40.5], [119.5, 40.5], [119.5, 39.5]]]}}]}',
        encoding="utf-8")
    (tmp_path / "corridors.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"corridor_id": "c1", "route": "R"}, "geometry": {"type": "LineString", '
        '"coordinates": [[119.98, 40.0], [120.12, 40.01]]}}]}', encoding="utf-8")
    (tmp_path / "incidents.csv").write_text(
        "incident_id,date,type,lat,lon\n1,2024-01-01,arrest,40.0,120.05\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["build", "--layers", str(tmp_path), "--out", str(out), "--formats", "svg",
                 "--context-osm", str(DATA / "tiny_network.osm.pbf")])
    assert code == 0
    svg = (out / "route_risk_map.svg").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors (ODbL)" in svg
    assert "Main road" in svg  # the legend row of the extract's roads


def test_build_context_osm_missing_is_one_clear_line(tmp_path, capsys):
    from geo.cli import main

    code = main(["build", "--out", str(tmp_path / "out"), "--formats", "",
                 "--context-osm", str(tmp_path / "missing.osm.pbf")])
    err = capsys.readouterr().err
    assert code == 1
    assert "missing.osm.pbf:-: context_osm: no such OSM extract" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_api_build_takes_context_osm():
    result = geo.build(context_osm=DATA / "tiny_network.osm.pbf")
    assert result._prepared.context_osm == DATA / "tiny_network.osm.pbf"


def test_a_large_extract_keeps_node_locations_on_disk(monkeypatch):
    from geo.maps import _osm_context

    storages: list[str] = []
    real = _osm_context._read
    monkeypatch.setattr(_osm_context, "_read",
                        lambda path, col, storage: (storages.append(storage),
                                                    real(path, col, storage)))
    monkeypatch.setattr(_osm_context, "DISK_CACHE_MB", 0.0)
    ctx = basemap.load_context(TINY_BOX, osm=DATA / "tiny_network.osm.pbf")
    assert storages[0].startswith("sparse_file_array,")
    assert sorted(ctx["roads"]["kind"]) == ["primary", "secondary", "secondary", "tertiary"]
