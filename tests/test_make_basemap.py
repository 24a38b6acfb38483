"""layers/make_basemap.py on tiny files in Natural Earth's column layout, and the shipped files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import pytest
import shapely

from geo.maps.basemap import data_dir

SCRIPT = Path(__file__).resolve().parent.parent / "layers" / "make_basemap.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_basemap", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, props: list[dict], geoms: list) -> Path:
    """A GeoJSON file with Natural Earth's upper-case column names."""
    gpd.GeoDataFrame(props, geometry=geoms, crs=4326).to_file(path, driver="GeoJSON")
    return path


def test_places_keep_name_population_rank_capital_country(script, tmp_path):
    src = _write(tmp_path / "ne_10m_populated_places.json", [
        {"NAME": "Kinshasa", "FEATURECLA": "Admin-0 capital", "POP_MAX": 7_843_000,
         "min_zoom": 1.7, "ISO_A2": "CD", "GEONAMEID": 2314302.0, "LONGITUDE": 15.31,
         "LATITUDE": -4.33},
        {"NAME": "Goma", "FEATURECLA": "Admin-1 capital", "POP_MAX": 144_124, "min_zoom": 6.0,
         "ISO_A2": "CD", "GEONAMEID": 216281.0, "LONGITUDE": 29.22, "LATITUDE": -1.68},
        {"NAME": "Base", "FEATURECLA": "Scientific station", "POP_MAX": 0, "min_zoom": 5.0,
         "ISO_A2": "-99", "GEONAMEID": -1.0, "LONGITUDE": 0.0, "LATITUDE": -80.0},
    ], [shapely.Point(15.31, -4.33), shapely.Point(29.22, -1.68), shapely.Point(0, -80)])
    places = script.build_layer("places", src)
    assert list(places["name"]) == ["Kinshasa", "Goma"]  # stations are not places
    assert list(places["min_zoom"]) == [2, 6]  # Natural Earth's zoom rounded up
    assert list(places["capital"]) == [True, False]
    assert list(places["geonameid"]) == [2314302, 216281]


def test_countries_get_an_iso_code_where_natural_earth_has_minus_99(script, tmp_path):
    src = _write(tmp_path / "ne_50m_admin_0_countries.json", [
        {"NAME": "France", "ISO_A2": "-99", "ADM0_A3": "FRA", "MIN_LABEL": 1.7},
        {"NAME": "Rwanda", "ISO_A2": "RW", "ADM0_A3": "RWA", "MIN_LABEL": 4.0},
    ], [shapely.box(0, 43, 7, 50), shapely.box(29, -2.8, 30.9, -1)])
    countries = script.build_layer("countries", src)
    assert dict(zip(countries["name"], countries["iso_a2"], strict=True)) == {
        "France": "FR", "Rwanda": "RW"}
    inside = shapely.contains_xy(countries.geometry.values, countries["label_x"],
                                 countries["label_y"])
    assert inside.all()


def test_main_writes_geoparquet_and_a_manifest(script, tmp_path):
    folder = tmp_path / "ne"
    folder.mkdir()
    _write(folder / "ne_10m_lakes.json", [{"name": "Lake Kivu", "min_zoom": 3.0,
                                          "featurecla": "Lake"}],
           [shapely.box(28.9, -2.5, 29.3, -1.7)])
    out = tmp_path / "out"
    assert script.main([str(folder), "--out", str(out), "--origin", "test@0"]) == 0
    lakes = gpd.read_parquet(out / "lakes.parquet")
    assert list(lakes["name"]) == ["Lake Kivu"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["layers"]["lakes"]["origin"] == "test@0"
    assert manifest["layers"]["lakes"]["features"] == 1
    assert script.main([str(folder), "--out", str(out), "--check"]) == 0


def test_shipped_basemap_is_small_and_recorded():
    files = {p.name: p.stat().st_size for p in data_dir().iterdir()}
    assert sum(files.values()) < 4_000_000
    manifest = json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))
    for layer in ("land", "countries", "rivers", "lakes", "places"):
        entry = manifest["layers"][layer]
        assert f"{layer}.parquet" in files
        assert entry["natural_earth_version"] == "4.0.0" and len(entry["sha256"]) == 64
