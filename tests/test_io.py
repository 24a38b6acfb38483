"""The loaders of geo.io: schemas, CRS handling, validation, purity.

Inputs are the small layer set in ``tests/data/hostile/base`` (copied to ``tmp_path`` when a
test changes it) or tiny geometries built here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from geo import columns as C
from geo._errors import InputWarning, ValidationError
from geo.io import WGS84, read_boundaries, read_corridors, read_incidents, study_crs

BASE = Path(__file__).parent / "data" / "hostile" / "base"
TODAY = date(2024, 1, 1)
INCIDENT_OUT = [C.INCIDENT_ID, C.DATE, C.PERIOD_END, C.DATE_TEXT, C.END_DATE, C.DATE_PRECISION,
                C.TYPE, C.GEO_PRECISION, C.PLACE, C.ADMIN1, C.COUNTRY, C.LAT, C.LON, C.COUNT,
                C.SOURCE_NAME, C.SOURCE_URL, C.SOURCE_DATE, C.SOURCE_QUALITY, C.NOTES,
                C.VISIBILITY, C.ROW, C.COVERAGE, "geometry"]

GOOD_BOX = shapely.box(30, 10, 40, 20)
GOOD_LINE = shapely.LineString([(32, 15), (38, 15)])


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    return read_boundaries(BASE / "boundaries.geojson")


@pytest.fixture(scope="module")
def incidents(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return read_incidents(BASE / "incidents.csv", boundaries=boundaries, today=TODAY)


def problems(info: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str, str]]:
    return [(p.location, p.field, p.message) for p in info.value.problems]


def write_csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- schemas


def test_boundaries_schema(boundaries: gpd.GeoDataFrame) -> None:
    assert list(boundaries.columns) == [C.COUNTRY, C.ADMIN1, C.ADMIN1_CODE, "geometry"]
    assert boundaries.crs.equals(WGS84)
    assert set(boundaries.geom_type) == {"Polygon"}
    assert list(boundaries[C.COUNTRY]) == ["CN", "CN", "CN", "CN", "VN", "LA"]
    assert list(boundaries[C.ADMIN1]) == ["Yunnan", "Guangxi", "Shandong", "Nei Mongol", "", ""]
    assert list(boundaries[C.ADMIN1_CODE])[:2] == ["CNYN", "CNGX"]


def test_corridors_schema() -> None:
    got = read_corridors(BASE / "corridors.geojson")
    assert list(got.columns) == [C.CORRIDOR_ID, C.ROUTE, C.NAME, C.MODE, C.SOURCE, "geometry"]
    assert got.crs.equals(WGS84)
    assert list(got[C.CORRIDOR_ID]) == ["GX-01", "YN-01", "MN-01"]
    assert list(got[C.MODE]) == ["rail", "road", "rail"]
    assert set(got.geom_type) == {"LineString"}


def test_incidents_schema(incidents: gpd.GeoDataFrame) -> None:
    assert list(incidents.columns) == INCIDENT_OUT
    assert incidents.crs.equals(WGS84)
    assert list(incidents[C.INCIDENT_ID]) == [f"t{i}" for i in range(1, 9)]
    assert incidents[C.GEO_PRECISION].dtype == np.int64
    assert list(incidents[C.GEO_PRECISION]) == [1, 3, 4, 1, 1, 3, 2, 1]
    assert list(incidents[C.ROW]) == [f"row {i}" for i in range(2, 10)]
    # points only where the precision is a point; polygons-only events carry no geometry
    assert list(incidents.geometry.isna()) == [False, True, True, False, False, True, False,
                                               False]
    assert incidents[C.LAT].isna().tolist() == incidents.geometry.isna().tolist()
    assert incidents[C.COUNT].isna().tolist() == [False, True, True, False, False, True, False,
                                                  False]
    assert list(incidents[C.VISIBILITY]) == ["public", "public", "public", "restricted", "public",
                                             "public", "public", "restricted"]


def test_point_incidents_take_their_unit(incidents: gpd.GeoDataFrame) -> None:
    by_id = incidents.set_index(C.INCIDENT_ID)
    assert tuple(by_id.loc["t1", [C.COUNTRY, C.ADMIN1]]) == ("CN", "Yunnan")
    assert tuple(by_id.loc["t5", [C.COUNTRY, C.ADMIN1]]) == ("CN", "Shandong")
    assert tuple(by_id.loc["t7", [C.COUNTRY, C.ADMIN1]]) == ("VN", "")  # country without admin1


def test_dates_and_precision(incidents: gpd.GeoDataFrame) -> None:
    by_id = incidents.set_index(C.INCIDENT_ID)
    assert by_id.loc["t1", C.DATE] == pd.Timestamp("2020-01-05")
    assert by_id.loc["t1", C.PERIOD_END] == pd.Timestamp("2020-01-05")
    assert by_id.loc["t1", C.DATE_PRECISION] == "day"
    assert by_id.loc["t2", C.DATE] == pd.Timestamp("2020-02-01")
    assert by_id.loc["t2", C.PERIOD_END] == pd.Timestamp("2020-02-29")  # leap year
    assert by_id.loc["t2", C.DATE_PRECISION] == "month"
    assert by_id.loc["t3", C.PERIOD_END] == pd.Timestamp("2020-12-31")
    assert by_id.loc["t3", C.DATE_PRECISION] == "year"
    assert by_id.loc["t3", C.DATE_TEXT] == "2020"
    assert by_id.loc["t6", C.END_DATE] == pd.Timestamp("2020-04-30")
    assert by_id.loc["t6", C.PERIOD_END] == pd.Timestamp("2020-04-30")
    assert pd.isna(by_id.loc["t1", C.END_DATE])


def test_date_precision_column_coarsens_never_refines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,date_precision,type,country",
                     "w,2020-09-03,week,arrest,VN", "m,2020-09-03,month,arrest,VN",
                     "y,2020-09,YEAR,arrest,VN")
    got = read_incidents(path, today=TODAY).set_index(C.INCIDENT_ID)
    assert list(got[C.DATE_PRECISION]) == ["week", "month", "year"]
    assert got.loc["w", C.PERIOD_END] == pd.Timestamp("2020-09-09")
    assert got.loc["m", C.DATE] == pd.Timestamp("2020-09-01")
    assert got.loc["m", C.PERIOD_END] == pd.Timestamp("2020-09-30")
    assert got.loc["y", C.PERIOD_END] == pd.Timestamp("2020-12-31")
    assert got.loc["m", C.DATE_TEXT] == "2020-09-03"  # the original string is kept


def test_geojson_incidents_read_like_csv(tmp_path: Path, boundaries: gpd.GeoDataFrame) -> None:
    frame = pd.read_csv(BASE / "incidents.csv", dtype=str, keep_default_na=False)
    features = []
    for rec in frame.to_dict("records"):
        lat, lon = rec.pop(C.LAT), rec.pop(C.LON)
        geom = {"type": "Point", "coordinates": [float(lon), float(lat)]} if lat else None
        features.append({"type": "Feature", "properties": rec, "geometry": geom})
    path = tmp_path / "incidents.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    from_json = read_incidents(path, boundaries=boundaries, today=TODAY)
    from_csv = read_incidents(BASE / "incidents.csv", boundaries=boundaries, today=TODAY)
    pd.testing.assert_frame_equal(from_json.drop(columns=[C.ROW]),
                                  from_csv.drop(columns=[C.ROW]))
    assert list(from_json[C.ROW]) == [f"feature {i}" for i in range(1, 9)]


# --------------------------------------------------------------------------- CRS


def test_projected_layers_are_returned_in_wgs84(tmp_path: Path) -> None:
    src = read_corridors(BASE / "corridors.geojson")
    path = tmp_path / "corridors_3857.gpkg"
    src.to_crs(3857).to_file(path)
    got = read_corridors(path)
    assert got.crs.equals(WGS84)
    assert np.allclose(shapely.get_coordinates(got.geometry.values),
                       shapely.get_coordinates(src.geometry.values), atol=1e-7)


def test_geojson_crs_member_is_honoured(tmp_path: Path) -> None:
    src = gpd.GeoDataFrame({C.CORRIDOR_ID: ["a"], C.ROUTE: ["R"]}, geometry=[GOOD_LINE],
                           crs=4326).to_crs(3857)
    doc = json.loads(src.to_json())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    path = tmp_path / "c.geojson"
    path.write_text(json.dumps(doc))
    got = read_corridors(path)
    assert got.geometry.iloc[0].equals_exact(GOOD_LINE, tolerance=1e-7)


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_layer_without_crs_is_an_error(tmp_path: Path, suffix: str) -> None:
    gdf = gpd.GeoDataFrame({C.COUNTRY: ["SD"]}, geometry=[GOOD_BOX], crs=None)
    path = tmp_path / f"b{suffix}"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gdf.to_file(path)
    with pytest.raises(ValidationError) as info:
        read_boundaries(path)
    assert problems(info) == [("-", "crs", "layer has no CRS (no .prj / undefined SRS); declare "
                                           "one, e.g. EPSG:4326")]


def test_projected_coordinates_declared_wgs84(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({C.COUNTRY: ["SD"]}, geometry=[GOOD_BOX], crs=4326).to_crs(3857)
    path = tmp_path / "b.gpkg"
    gdf.set_crs(4326, allow_override=True).to_file(path)
    with pytest.raises(ValidationError) as info:
        read_boundaries(path)
    [(loc, fld, msg)] = problems(info)
    assert (loc, fld) == ("feature 1", "geometry")
    assert msg.startswith("coordinates out of range for EPSG:4326 (x up to 4.45278e+06")
    assert msg.endswith("projected coordinates declared as WGS84? declare the layer's real CRS")


def test_study_crs_is_metric_and_centred() -> None:
    crs = study_crs(gpd.GeoDataFrame(geometry=[GOOD_LINE], crs=4326))
    assert crs.is_projected
    assert crs.axis_info[0].unit_name == "metre"
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(35, 15)
    assert abs(x) < 1e-6
    assert abs(y) < 1e-6


# --------------------------------------------------------------------------- validation


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,country",
                     "a,2020-01-01,arrest,VN", "a,2020-13,arrest,VN", ",2020,riot,VN",
                     "b,2020,arrest,")
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=TODAY)
    assert problems(info) == [
        ("row 3", "incident_id", "duplicate 'a' (first at row 2)"),
        ("row 3", "date", "'2020-13' is not a real month"),
        ("row 4", "incident_id", "missing"),
        ("row 4", "type", "'riot' is not a known type (arrest, broker_detention, repatriation, "
                          "crackdown, checkpoint, border_closure, transit)"),
        ("row 5", "lat", "no location: give lat+lon, a place, admin1+country or country"),
    ]
    assert str(info.value).splitlines()[0] == (
        f"{path}:row 3: incident_id: duplicate 'a' (first at row 2)")


def test_types_come_from_the_model(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,country", "a,2020,Raid,VN")
    got = read_incidents(path, types=("raid",), today=TODAY)
    assert list(got[C.TYPE]) == ["raid"]
    with pytest.raises(ValidationError):
        read_incidents(path, today=TODAY)


def test_future_is_relative_to_today(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,country", "a,2024-01-02,arrest,VN")
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=TODAY)
    assert problems(info) == [("row 2", "date", "2024-01-02 is in the future (today is "
                                                "2024-01-01)")]
    assert len(read_incidents(path, today=date(2024, 1, 2))) == 1


def test_unknown_country_and_admin1(tmp_path: Path, boundaries: gpd.GeoDataFrame) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,admin1,country",
                     "a,2020,arrest,,TH", "b,2020,arrest,Yunan,CN", "c,2020,arrest,,China",
                     "d,2020,arrest,guangxi,cn")
    with pytest.raises(ValidationError) as info:
        read_incidents(path, boundaries=boundaries, today=TODAY)
    # TH is not an error: a country outside the boundaries is outside coverage (below)
    assert problems(info) == [
        ("row 3", "admin1", "'Yunan' is not a first-level unit of CN in the boundaries layer "
                            "(known: Guangxi, Nei Mongol, Shandong, Yunnan)"),
        ("row 4", "country", "'CHINA' is not an ISO 3166-1 alpha-2 code"),
    ]


def test_a_country_outside_the_boundaries_is_outside_coverage(
        tmp_path: Path, boundaries: gpd.GeoDataFrame) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,admin1,country,lat,lon",
                     "a,2020,arrest,,TH,,", "b,2020,arrest,Bangkok,TH,,",
                     "c,2020,arrest,,DZ,36.7,3.1", "d,2020,arrest,,,-30,-60",
                     "e,2020,arrest,Yunnan,CN,,", "f,2020,arrest,,TH,22.0,101.0")
    got = read_incidents(path, boundaries=boundaries, today=TODAY)
    assert got[C.COVERAGE].tolist() == ["outside", "outside", "outside", "outside", "inside",
                                        "inside"]  # f: the point lies in a unit (LA/CN)


def test_admin1_and_country_match_case_insensitively(tmp_path: Path,
                                                     boundaries: gpd.GeoDataFrame) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,admin1,country",
                     "d,2020,arrest,guangxi,cn")
    got = read_incidents(path, boundaries=boundaries, today=TODAY)
    assert tuple(got.loc[0, [C.ADMIN1, C.COUNTRY, C.GEO_PRECISION]]) == ("Guangxi", "CN", 3)


def test_geometry_types_per_layer(tmp_path: Path) -> None:
    path = tmp_path / "b.gpkg"
    gpd.GeoDataFrame({C.COUNTRY: ["SD", "SS"]}, geometry=[GOOD_LINE, GOOD_BOX],
                     crs=4326).to_file(path)
    with pytest.raises(ValidationError) as info:
        read_boundaries(path)
    assert problems(info) == [("feature 1", "geometry",
                               "LineString, expected MultiPolygon or Polygon")]
    path = tmp_path / "c.gpkg"
    gpd.GeoDataFrame({C.CORRIDOR_ID: ["a"], C.ROUTE: ["R"]}, geometry=[GOOD_BOX],
                     crs=4326).to_file(path)
    with pytest.raises(ValidationError) as info:
        read_corridors(path)
    assert problems(info) == [("feature 1", "geometry",
                               "Polygon, expected LineString or MultiLineString")]


def test_missing_columns_are_reported_with_geometry_problems(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": None}]}
    path = tmp_path / "c.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as info:
        read_corridors(path)
    assert problems(info) == [
        ("-", "corridor_id", "required column is missing"),
        ("-", "route", "required column is missing"),
        ("feature 1", "geometry", "missing (null) geometry"),
    ]


def test_corridor_modes_and_ids(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({C.CORRIDOR_ID: ["a", "+b", "c"], C.ROUTE: ["R", "R", ""],
                            C.MODE: ["Rail", "car", "foot"]},
                           geometry=[GOOD_LINE] * 3, crs=4326)
    path = tmp_path / "c.gpkg"
    gdf.to_file(path)
    with pytest.raises(ValidationError) as info:
        read_corridors(path)
    assert problems(info) == [
        ("feature 2", "corridor_id", "'+b' starts with '+', which spreadsheets run as a formula; "
                                     "start ids with a letter or digit"),
        ("feature 2", "mode", "'car' is not one of rail, road, river, foot, mixed, sea"),
        ("feature 3", "route", "missing"),
    ]


def test_swapped_lat_lon_warns_and_names_the_row(tmp_path: Path) -> None:
    units = gpd.GeoDataFrame({C.COUNTRY: ["SD"], C.ADMIN1: ["North"], C.ADMIN1_CODE: [""]},
                             geometry=[GOOD_BOX], crs=4326)
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,lat,lon",
                     "ok,2020,arrest,15,35", "swap,2020,arrest,35,15")
    with pytest.warns(InputWarning) as record:
        got = read_incidents(path, boundaries=units, today=TODAY)
    assert [str(w.message) for w in record] == [
        f"{path}:row 3: lat: (35, 15) lies outside every boundary but (lat 15, lon 35) lies "
        "inside: are lat and lon swapped?"]
    assert len(got) == 2  # a warning, not an error: the analyst decides
    assert list(got[C.ADMIN1]) == ["North", ""]


def test_point_far_from_its_stated_unit_warns(tmp_path: Path,
                                              boundaries: gpd.GeoDataFrame) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,lat,lon,admin1,country",
                     "a,2020,arrest,25.05,102.7,Guangxi,CN", "b,2020,arrest,21.55,107.97,,CN")
    with pytest.warns(InputWarning) as record:
        got = read_incidents(path, boundaries=boundaries, today=TODAY)
    assert [str(w.message) for w in record] == [
        f"{path}:row 2: admin1: the point (25.05, 102.7) lies in Yunnan, CN, not in Guangxi, CN; "
        "check lat/lon or country/admin1"]
    # the analyst's unit is kept; a border town just outside the simplified polygon is fine
    assert list(got[C.ADMIN1]) == ["Guangxi", "Guangxi"]


def test_non_http_source_url_warns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,country,source_url",
                     "a,2020,arrest,VN,javascript:alert(1)", "b,2020,arrest,VN,HTTPS://x.org")
    with pytest.warns(InputWarning, match="is not an http"):
        got = read_incidents(path, today=TODAY)
    assert list(got[C.SOURCE_URL]) == ["javascript:alert(1)", "HTTPS://x.org"]


def test_close_misspelt_column_warns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "i.csv",
                     "incident_id,date,type,country,Latitude,soruce_url,comment",
                     "a,2020,arrest,VN,21,x,y")
    with pytest.warns(InputWarning) as record:
        read_incidents(path, today=TODAY)
    assert [str(w.message) for w in record] == [
        f"{path}:-: Latitude: unknown column, ignored; did you mean 'lat'?",
        f"{path}:-: soruce_url: unknown column, ignored; did you mean 'source_url'?"]


def test_geojson_incident_with_point_and_conflicting_lat_lon(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35, 15]},
         "properties": {"incident_id": "a", "date": "2020", "type": "arrest", "lat": 15,
                        "lon": 35}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35, 15]},
         "properties": {"incident_id": "b", "date": "2020", "type": "arrest", "lat": 16,
                        "lon": 35}}]}
    path = tmp_path / "i.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=TODAY)
    assert problems(info) == [("feature 2", "lat", "lat/lon properties (16, 35) differ from the "
                                                   "point geometry (15, 35)")]


def test_repair_is_opt_in(tmp_path: Path) -> None:
    bowtie = shapely.Polygon([(30, 10), (40, 20), (40, 10), (30, 20)])
    path = tmp_path / "b.gpkg"
    gpd.GeoDataFrame({C.COUNTRY: ["SD"]}, geometry=[bowtie], crs=4326).to_file(path)
    with pytest.raises(ValidationError, match="invalid polygon: Self-intersection at"):
        read_boundaries(path)
    repaired = (r"repaired invalid polygon \(Self-intersection at \(35, 15\)\): "
                r"area 0 km² -> 595708 km²")
    with pytest.warns(InputWarning, match=repaired):
        got = read_boundaries(path, repair=True)
    assert got.geometry.iloc[0].is_valid
    assert got.geom_type.iloc[0] == "MultiPolygon"


# --------------------------------------------------------------------------- purity


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_loaders_never_modify_inputs(tmp_path: Path) -> None:
    d = tmp_path / "layers"
    shutil.copytree(BASE, d)
    before = _digest(d)
    b = read_boundaries(d / "boundaries.geojson", repair=True)
    b_copy = b.copy()
    read_corridors(d / "corridors.geojson")
    read_incidents(d / "incidents.csv", boundaries=b, today=TODAY)
    assert _digest(d) == before
    pd.testing.assert_frame_equal(b, b_copy)


def test_places_can_be_left_unresolved_for_a_validation_pass(tmp_path: Path) -> None:
    """Without boundaries admin1 cannot narrow a name: a pass that skips the gazetteer reports
    only the other problems (and drops the rows located by place alone)."""
    path = write_csv(tmp_path / "i.csv", "incident_id,date,type,place,admin1,country,count",
                     "a,2020,arrest,Jining,Nei Mongol,CN,1", "b,2020-13,arrest,Jining,,CN,-1",
                     "c,2020,arrest,,,VN,")
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=TODAY)
    assert [p[:2] for p in problems(info)] == [("row 2", "place"), ("row 3", "date"),
                                               ("row 3", "count")]
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=TODAY, resolve_places=False)
    assert [p[:2] for p in problems(info)] == [("row 3", "date"), ("row 3", "count")]
    write_csv(path, "incident_id,date,type,place,admin1,country", "a,2020,arrest,Jining,,CN",
              "c,2020,arrest,,,VN")
    assert list(read_incidents(path, today=TODAY, resolve_places=False)[C.INCIDENT_ID]) == ["c"]
