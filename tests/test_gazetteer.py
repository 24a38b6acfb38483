"""Offline place names: matching, narrowing by country and admin1, ambiguity by population."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo import columns as C
from geo import settings
from geo._errors import PlaceError
from geo._gazetteer import find_candidates, normalise_name
from geo.io import resolve_place

# Boxes around two Chinese provinces, enough to tell the two Jinings apart.
UNITS = gpd.GeoDataFrame(
    {C.COUNTRY: ["CN", "CN", "CN"], C.ADMIN1: ["Shandong", "Nei Mongol", "Guangxi"],
     C.ADMIN1_CODE: ["", "", ""]},
    geometry=[shapely.box(114.5, 34.5, 122.5, 38), shapely.box(106, 39, 120, 45),
              shapely.box(104.5, 21.5, 112, 26.5)],
    crs=4326,
)


@pytest.mark.parametrize(("raw", "folded"), [("Móng Cái", "mong cai"),
                                             (" Ulan-Bator ", "ulan bator"), ("Xi'an", "xian"),
                                             ("ÜRÜMQI", "urumqi")])
def test_normalise_name(raw: str, folded: str) -> None:
    assert normalise_name(raw) == folded


def test_names_match_case_and_accent_insensitively() -> None:
    assert resolve_place("kunming", country="cn") == (25.03889, 102.71833)
    assert resolve_place("KUNMING") == (25.03889, 102.71833)


def test_alternate_names_are_found() -> None:
    lat, lon = resolve_place("Ulan Bator")
    assert (round(lat, 1), round(lon, 1)) == (47.9, 106.9)


def test_jining_is_ambiguous_without_admin1() -> None:
    with pytest.raises(PlaceError) as info:
        resolve_place("Jining", country="CN")
    assert info.value.problem.field == "place"
    assert info.value.problem.message == (
        "place 'Jining' is ambiguous: Jining CN (35.41, 116.58) pop 1,241,012; Jining CN "
        "(41.03, 113.11) pop 258,757; add admin1")


def test_jining_without_country_lists_every_candidate() -> None:
    with pytest.raises(PlaceError, match=r"Jining IN \(28\.22, 94\.85\).*add admin1 or country"):
        resolve_place("Jining")


@pytest.mark.parametrize(("admin1", "expected"), [("Nei Mongol", (41.0275, 113.10583)),
                                                  ("Shandong", (35.405, 116.58139)),
                                                  ("nei mongol", (41.0275, 113.10583))])
def test_admin1_settles_jining(admin1: str, expected: tuple[float, float]) -> None:
    assert resolve_place("Jining", country="CN", admin1=admin1, boundaries=UNITS) == expected


def test_dongxing_is_the_border_town_in_guangxi() -> None:
    lat, lon = resolve_place("Dongxing", country="CN", admin1="Guangxi", boundaries=UNITS)
    assert (round(lat, 2), round(lon, 2)) == (21.55, 107.97)


def test_name_outside_the_given_unit_says_where_it_is() -> None:
    with pytest.raises(PlaceError) as info:
        resolve_place("Kunming", country="CN", admin1="Guangxi", boundaries=UNITS)
    assert info.value.problem.message == (
        "place 'Kunming' is not in Guangxi, CN in the offline gazetteer; places of that name: "
        "Kunming CN (25.04, 102.72) pop 3,855,346; fix admin1/country or give lat and lon")


def test_unknown_name() -> None:
    with pytest.raises(PlaceError) as info:
        resolve_place("Xqzzyv")
    assert str(info.value) == ("place: place 'Xqzzyv' not found in the offline gazetteer "
                               "(GeoNames places of 500 people or more); give lat and lon")


def test_population_ratio_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "PLACE_POPULATION_RATIO", 4.0)
    assert resolve_place("Jining", country="CN") == (35.405, 116.58139)  # 4.8 times Jining NM


def test_candidates_are_sorted_by_population() -> None:
    found = find_candidates("Jining")
    assert [c.country for c in found] == ["CN", "CN", "IN"]
    assert found == sorted(found, key=lambda c: -c.population)
    assert find_candidates("Jining", country="IN")[0].population == 20684


# --- small places (GeoNames places of 500 people or more) --------------------------------------


@pytest.mark.parametrize(("name", "country", "expected"), [
    ("Encamp", "AD", (42.53474, 1.58014)),  # 11,223 people: not in the 15,000 list
    ("Mengla", "CN", (21.46234, 101.5637)),
    ("menglà", "", (21.46234, 101.5637)),
    ("Pas de la Casa", "AD", (42.54277, 1.73361)),  # 2,996 people
])
def test_small_border_towns_resolve(name: str, country: str,
                                    expected: tuple[float, float]) -> None:
    assert resolve_place(name, country=country) == expected


def test_an_ambiguous_small_name_still_errors_with_its_candidates() -> None:
    with pytest.raises(PlaceError) as info:
        resolve_place("Houping", country="CN")
    message = info.value.problem.message
    assert message.startswith(
        "place 'Houping' is ambiguous: Houping CN (28.70, 108.40) pop 9,202; Houping CN "
        "(29.60, 108.03) pop 4,853; ")
    assert message.endswith("add admin1")


TINY = {
    "1": {"geonameid": 1, "name": "Alpha", "latitude": 1.0, "longitude": 2.0,
          "countrycode": "AA", "population": 600, "alternatenames": ["Beta", "Álpha"]},
    "2": {"geonameid": 2, "name": "Beta", "latitude": 3.0, "longitude": 4.0,
          "countrycode": "BB", "population": None, "alternatenames": ["Gamma"]},
    "3": {"geonameid": 3, "name": "Delta", "latitude": 5.0, "longitude": 6.0,
          "countrycode": "AA", "population": 20000, "alternatenames": []},
}


@pytest.fixture
def tiny_gazetteer(tmp_path, monkeypatch):
    """The gazetteer on three places, its index cached in ``tmp_path / "cache"``."""
    from geo import _gazetteer

    src = tmp_path / "cities500.json"
    src.write_text(json.dumps(TINY), encoding="utf-8")
    big = tmp_path / "cities15000.json"
    big.write_text(json.dumps({"3": TINY["3"]}), encoding="utf-8")
    monkeypatch.setattr(_gazetteer, "_source",
                        lambda pop: src if pop == 500 else big)
    monkeypatch.setattr(settings, "CACHE_DIR", str(tmp_path / "cache"))
    _gazetteer._connection.cache_clear()
    _gazetteer._big_places.cache_clear()
    yield _gazetteer
    _gazetteer._connection.cache_clear()
    _gazetteer._big_places.cache_clear()


def test_the_index_is_built_once_into_the_cache_folder(tiny_gazetteer) -> None:
    path = tiny_gazetteer.index_path()
    assert not path.exists()
    # a GeoNames name wins over an alternate name: "Beta" is place 2, not Alpha's alternate
    assert [c.geonameid for c in find_candidates("beta")] == [2]
    assert [c.geonameid for c in find_candidates("gamma")] == [2]  # alternate names still work
    assert [c.geonameid for c in find_candidates("alpha")] == [1]
    assert find_candidates("Beta")[0].population == 0  # unknown population counts as 0
    assert path.exists() and path.parent == tiny_gazetteer._cache_dir()
    assert tiny_gazetteer._big_places()[1] == ["Delta"]  # the 15,000 list


def test_an_unwritable_cache_folder_builds_the_index_in_memory(tiny_gazetteer, tmp_path,
                                                                monkeypatch, caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(settings, "CACHE_DIR", str(blocker / "cache"))
    assert [c.geonameid for c in find_candidates("Delta", country="AA")] == [3]
    assert "building it in memory" in caplog.text


def _fresh(gaz) -> None:  # a new process: the index is opened (and checked) again
    gaz._connection.cache_clear()
    gaz._big_places.cache_clear()


@pytest.mark.parametrize("damage", ["truncated", "not a database", "empty"])
def test_a_corrupt_cache_is_rebuilt_not_a_traceback(tiny_gazetteer, caplog, damage) -> None:
    find_candidates("Delta")
    path = tiny_gazetteer.index_path()
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 3], "not a database": b"hello" * 999,
                      "empty": b""}[damage])
    _fresh(tiny_gazetteer)
    assert [c.geonameid for c in find_candidates("Delta")] == [3]
    assert "corrupt or was modified" in caplog.text
    assert path.read_bytes() == data  # rebuilt as it was


def test_a_modified_cache_is_detected_and_rebuilt(tiny_gazetteer, caplog) -> None:
    import sqlite3

    find_candidates("Delta")
    path = tiny_gazetteer.index_path()
    _fresh(tiny_gazetteer)
    con = sqlite3.connect(path)  # move Delta 150 km, keeping a valid database
    con.execute("UPDATE places SET lat = lat + 1.35 WHERE name = 'Delta'")
    con.commit()
    con.close()
    assert find_candidates("Delta")[0].lat == 5.0
    assert "corrupt or was modified" in caplog.text


def test_the_index_checksum_is_among_a_restricted_builds_inputs(tiny_gazetteer) -> None:
    import datetime

    from geo._outdir import build_info

    find_candidates("Delta")
    path = tiny_gazetteer.index_path()
    digest = path.with_name(path.name + ".sha256").read_text().strip()
    info = build_info(public=False, as_of=datetime.date(2024, 1, 1), inputs={})
    assert info["inputs"]["gazetteer-500"] == {"sha256": digest}
    assert build_info(public=True, as_of=datetime.date(2024, 1, 1), inputs={})["inputs"] == {}
