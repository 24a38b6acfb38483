"""Offline place names: matching, narrowing by country and admin1, ambiguity by population."""

from __future__ import annotations

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
    assert str(info.value) == ("-:-: place: place 'Xqzzyv' not found in the offline gazetteer "
                               "(GeoNames cities of 15,000 people or more); give lat and lon")


def test_population_ratio_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "PLACE_POPULATION_RATIO", 4.0)
    assert resolve_place("Jining", country="CN") == (35.405, 116.58139)  # 4.8 times Jining NM


def test_candidates_are_sorted_by_population() -> None:
    found = find_candidates("Jining")
    assert [c.country for c in found] == ["CN", "CN", "IN"]
    assert found == sorted(found, key=lambda c: -c.population)
    assert find_candidates("Jining", country="IN")[0].population == 20684
