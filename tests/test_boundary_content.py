"""Boundary files recognised by what their columns hold, not by one documented header.

Each layout below copies the columns of a real downloaded file (the file it comes from is
named; the real files themselves run under ``pytest -m realdata``, see tests/realdata/).
GADM's licence forbids redistributing its data, so the geometries are made-up squares.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import cli
from geo import columns as C
from geo._errors import InputWarning, ValidationError
from geo.io import read_boundaries

A, B, Z = shapely.box(3, 6, 5, 8), shapely.box(5, 6, 7, 8), shapely.box(7, 6, 8, 8)


def write(frame: dict, geoms: list, path: Path, **kwargs) -> Path:
    gpd.GeoDataFrame(frame, geometry=geoms, crs=4326).to_file(path, engine="pyogrio", **kwargs)
    return path


def test_gadm_40_shapefile_with_id_0_and_country(tmp_path):
    """gadm40_NGA_1.shp: ID_0 holds the ISO3 code, COUNTRY the name (no GID_0)."""
    frame = {"ID_0": ["NGA", "NGA"], "COUNTRY": ["Nigeria"] * 2, "ID_1": ["NGA.1_1", "NGA.8_1"],
             "NAME_1": ["Abia", "Borno"], "VARNAME_1": [None, None], "NL_NAME_1": [None, None],
             "TYPE_1": ["State"] * 2, "ENGTYPE_1": ["State"] * 2, "CC_1": [None, None],
             "HASC_1": ["NG.AB", "NG.BO"], "ISO_1": [None, None]}
    out = read_boundaries(write(frame, [A, B], tmp_path / "gadm40_NGA_1.shp"))
    assert out.attrs["read_as"] == "GADM level 1: 2 units"
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], out[C.ADMIN1_CODE], strict=True)) == [
        ("NG", "Abia", "NG.AB"), ("NG", "Borno", "NG.BO")]


def test_gadm_28_and_earlier_with_a_numeric_id_0_and_iso(tmp_path):
    """AFG_adm1.shp (GADM 1.0 … 2.8): ID_0 is a number; the ISO3 code is in ISO."""
    frame = {"ID_0": [2, 2], "ISO": ["AFG", "AFG"], "NAME_0": ["Afghanistan"] * 2,
             "ID_1": [1, 2], "NAME_1": ["Badakhshan", "Badghis"], "VARNAME_1": ["", ""],
             "NL_NAME_1": ["", ""], "HASC_1": ["AF.BD", "AF.BG"], "CC_1": ["", ""],
             "TYPE_1": ["Velayat"] * 2, "ENGTYPE_1": ["Province"] * 2}
    out = read_boundaries(write(frame, [A, B], tmp_path / "AFG_adm1.shp"))
    assert out.attrs["read_as"] == "GADM level 1: 2 units"
    assert list(out[C.COUNTRY]) == ["AF", "AF"]
    assert list(out[C.ADMIN1_CODE]) == ["AF.BD", "AF.BG"]


def test_gadm_41_disputed_z_codes_take_the_country_from_its_name(tmp_path):
    """gadm41_IND_1.json: five units have GID_0 Z04, Z05, Z07, Z09 with COUNTRY 'India'."""
    frame = {"GID_1": ["IND.14_1", "Z07.1_1"], "GID_0": ["IND", "Z07"],
             "COUNTRY": ["India", "India"], "NAME_1": ["HimachalPradesh", "ArunachalPradesh"],
             "HASC_1": ["IN.HP", "NA"], "ISO_1": ["IN-HP", "NA"]}
    with pytest.warns(InputWarning, match=r"feature 2: country: GID_0 'Z07' is not an ISO 3166 "
                                          r"code \(a disputed area\?\); taken as IN from its "
                                          r"country name 'India'"):
        out = read_boundaries(write(frame, [A, B], tmp_path / "gadm41_IND_1.json"))
    assert out.attrs["read_as"] == "GADM level 1: 2 units"
    assert list(out[C.COUNTRY]) == ["IN", "IN"]
    assert list(out[C.ADMIN1_CODE]) == ["IN-HP", "Z07.1_1"]  # ISO_1, else HASC_1, else GID_1


def test_ocha_cod_ab_upper_case_pcodes(tmp_path):
    """afg_admbnda_adm1_agcho_20180522.shp: ADM1_EN, ADM1_PCODE, ADM0_EN, ADM0_PCODE (ISO2)."""
    frame = {"Shape_Leng": [1.0, 2.0], "ADM1_EN": ["Badakhshan", "Badghis"],
             "ADM1_DA": ["بدخشان", "بادغیس"], "ADM1_PCODE": ["AF17", "AF29"],
             "ADM1_REF": [None, None], "ADM0_EN": ["Afghanistan"] * 2,
             "ADM0_PCODE": ["AF", "AF"], "REG_EN": ["North Eastern", "Western"]}
    out = read_boundaries(write(frame, [A, B], tmp_path / "afg_admbnda_adm1.shp"))
    assert out.attrs["read_as"] == "OCHA COD-AB admin1: 2 units"
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], out[C.ADMIN1_CODE], strict=True)) == [
        ("AF", "Badakhshan", "AF17"), ("AF", "Badghis", "AF29")]


def test_ocha_cod_ab_camel_case_and_a_french_only_file(tmp_path):
    """ITOS-style admin1Name_en/admin1Pcode/admin0Pcode; francophone files have only _FR."""
    camel = {"admin1Name_en": ["Borno", "Yobe"], "admin1Pcode": ["NG008", "NG036"],
             "admin0Name_en": ["Nigeria"] * 2, "admin0Pcode": ["NG", "NG"]}
    out = read_boundaries(write(camel, [A, B], tmp_path / "nga_admbnda_adm1.geojson"))
    assert out.attrs["read_as"] == "OCHA COD-AB admin1: 2 units"
    assert list(out[C.ADMIN1]) == ["Borno", "Yobe"]
    assert list(out[C.ADMIN1_CODE]) == ["NG008", "NG036"]
    french = {"ADM1_FR": ["Kasaï", "Nord-Kivu"], "ADM1_PCODE": ["CD92", "CD61"],
              "ADM0_FR": ["République Démocratique du Congo"] * 2, "ADM0_PCODE": ["CD", "CD"]}
    out = read_boundaries(write(french, [A, B], tmp_path / "cod_admbnda_adm1.shp"))
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], strict=True)) == [
        ("CD", "Kasaï"), ("CD", "Nord-Kivu")]


def test_ocha_cod_ab_2017_lower_case_layout(tmp_path):
    """yem_admin1.shp (2017): name_en, name_ar, nam_ref_en, pcode, adm0_en, adm0_pcode."""
    frame = {"name_en": ["Ibb", "Abyan"], "name_ar": ["إب", "أبين"], "nam_ref_en": ["Ibb", "Abyan"],
             "pcode": ["YE11", "YE12"], "adm0_en": ["Yemen"] * 2, "adm0_ar": ["اليمن"] * 2,
             "adm0_pcode": ["YE", "YE"], "update_dat": ["2012-01-27"] * 2}
    out = read_boundaries(write(frame, [A, B], tmp_path / "yem_admin1.shp"))
    assert out.attrs["read_as"] == "OCHA COD-AB admin1: 2 units"
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], out[C.ADMIN1_CODE], strict=True)) == [
        ("YE", "Ibb", "YE11"), ("YE", "Abyan", "YE12")]


def test_any_file_with_a_column_of_iso_codes_and_one_of_names(tmp_path):
    frame = {"objectid": [1, 2, 3], "iso3": ["COD", "COD", "RWA"],
             "prov_name": ["Nord-Kivu", "Kasaï", "Kigali"], "area_km2": [59483.0, 95631.0, 730.0]}
    out = read_boundaries(write(frame, [A, B, Z], tmp_path / "provinces.gpkg"))
    assert out.attrs["read_as"] == ("boundary file (country from 'iso3', admin1 from "
                                    "'prov_name'): 3 units")
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], strict=True)) == [
        ("CD", "Nord-Kivu"), ("CD", "Kasaï"), ("RW", "Kigali")]


def test_a_country_file_with_country_names_only(tmp_path):
    frame = {"fid_": [1, 2], "sovereign": ["Rwanda", "Burundi"]}
    out = read_boundaries(write(frame, [A, B], tmp_path / "countries.geojson"))
    assert out.attrs["read_as"] == "boundary file (country from 'sovereign'): 2 units"
    assert list(out[C.COUNTRY]) == ["RW", "BI"]
    assert list(out[C.ADMIN1]) == ["", ""]


def test_ambiguous_columns_are_refused_and_the_options_say_which(tmp_path, capsys):
    frame = {"cc": ["CD", "CD"], "name_fr": ["Kasaï", "Nord-Kivu"],
             "name_ln": ["Kasai", "Kivu ya Nord"]}
    path = write(frame, [A, B], tmp_path / "units.geojson")
    with pytest.raises(ValidationError) as info:
        read_boundaries(path)
    [problem] = info.value.problems
    assert problem.field == "admin1"
    assert ("cannot tell which column names the units: 'name_fr', 'name_ln' all could "
            "(columns: cc, name_fr, name_ln); give --country-column COLUMN") in problem.message
    out = read_boundaries(path, admin1_column="name_ln")
    assert list(out[C.ADMIN1]) == ["Kasai", "Kivu ya Nord"]
    assert out.attrs["read_as"] == ("boundary file (country from 'cc', admin1 from 'name_ln'): "
                                    "2 units")
    target = tmp_path / "b.geojson"
    rc = cli.main(["import", "boundaries", str(path), "--out", str(target),
                   "--admin1-column", "name_fr"])
    assert rc == 0
    assert sorted(read_boundaries(target)[C.ADMIN1]) == ["Kasaï", "Nord-Kivu"]
    rc = cli.main(["import", "boundaries", str(path), "--out", str(target),
                   "--admin1-column", "nom"])
    assert rc == 1
    assert "--admin1-column 'nom' is not a column (columns: cc, name_fr, name_ln)" in (
        capsys.readouterr().err)


def test_the_country_column_option_reads_names_or_codes(tmp_path):
    frame = {"land": ["Ruanda", "Burundi"], "pays": ["Rwanda", "Burundi"],
             "province": ["Kigali", "Bujumbura"]}
    path = write(frame, [A, B], tmp_path / "units.geojson")
    out = read_boundaries(path, country_column="pays", admin1_column="province")
    assert list(zip(out[C.COUNTRY], out[C.ADMIN1], strict=True)) == [
        ("RW", "Kigali"), ("BI", "Bujumbura")]
    assert out.attrs["read_as"] == ("boundary file (country from 'pays', admin1 from "
                                    "'province'): 2 units")


def test_topojson_is_read_as_lon_lat(tmp_path):
    """gadm36_BGD_1.json as converted by a user to TopoJSON (no CRS member)."""
    topo = {"type": "Topology", "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
            "transform": {"scale": [2.0, 2.0], "translate": [88.0, 22.0]},
            "objects": {"gadm36_BGD_1": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0]],
                 "properties": {"GID_0": "BGD", "NAME_0": "Bangladesh", "GID_1": "BGD.1_1",
                                "NAME_1": "Barisal", "HASC_1": "BD.BA"}}]}}}
    path = tmp_path / "gadm36_BGD_1.json"
    path.write_text(json.dumps(topo))
    out = read_boundaries(path)
    assert out.attrs["read_as"] == "GADM level 1: 1 unit"
    assert out.geometry.iloc[0].bounds == (88.0, 22.0, 90.0, 24.0)


def test_a_polygon_past_the_antimeridian_is_wrapped(tmp_path):
    """ne_110m_admin_0_countries.geojson: Fiji runs to -181.44."""
    frame = {"ADMIN": ["Fiji"], "ISO_A2": ["FJ"], "ISO_A3": ["FJI"]}
    fiji = shapely.Polygon([(-181.5, -17), (-179, -17), (-179, -16), (-181.5, -16)])
    path = write(frame, [fiji], tmp_path / "ne_110m_admin_0_countries.geojson")
    with pytest.warns(InputWarning, match=r"feature 1: geometry: runs to longitude -181.5: the "
                                          r"part past ±180 is moved across the antimeridian"):
        out = read_boundaries(path)
    west, east = sorted(shapely.get_parts(out.geometry.iloc[0]), key=lambda g: g.bounds[0])
    assert west.bounds == (-180.0, -17.0, -179.0, -16.0)
    assert east.bounds == (178.5, -17.0, 180.0, -16.0)


def test_a_column_with_one_value_for_every_polygon_names_nothing(tmp_path):
    frame = {"iso2": ["CD", "CD"], "statut": ["Province", "Province"],
             "libelle": ["Nord-Kivu", "Kasaï"]}
    out = read_boundaries(write(frame, [A, B], tmp_path / "cd.geojson"))
    assert list(out[C.ADMIN1]) == ["Nord-Kivu", "Kasaï"]
    assert out.attrs["read_as"] == ("boundary file (country from 'iso2', admin1 from "
                                    "'libelle'): 2 units")


def test_validate_and_build_take_the_column_options(tmp_path, capsys):
    frame = {"cc": ["CD", "CD"], "name_fr": ["Kasaï", "Nord-Kivu"],
             "name_ln": ["Kasai", "Kivu ya Nord"]}
    units = write(frame, [A, B], tmp_path / "units.geojson")
    line = {"type": "LineString", "coordinates": [[3.5, 7.0], [6.5, 7.0]]}
    corridors = tmp_path / "corridors.geojson"
    corridors.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": line,
         "properties": {"corridor_id": "c1", "route": "Kasai-Kivu"}}]}))
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("incident_id,date,type,admin1,country\nx1,2024-01-05,arrest,Kasaï,CD\n")
    inputs = ["--boundaries", str(units), "--corridors", str(corridors), "--incidents",
              str(incidents), "--as-of", "2024-01-31"]
    assert cli.main(["validate", *inputs]) == 1
    assert "cannot tell which column names the units" in capsys.readouterr().err
    assert cli.main(["validate", *inputs, "--admin1-column", "name_fr"]) == 0
    out = capsys.readouterr().out
    assert "boundaries read as boundary file (country from 'cc', admin1 from 'name_fr')" in out
