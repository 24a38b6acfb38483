"""Boundary files as published: GADM, geoBoundaries, Natural Earth; zipped, GeoPackage, merged.

The files are written here in each format's exact column layout (GADM's licence forbids
redistributing its data; the geometries are made-up squares near the Great Lakes of Africa).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import cli
from geo import columns as C
from geo._errors import InputWarning, ValidationError
from geo.io import read_boundaries
from geo.io.boundaries import import_boundaries


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x1, y1)


# DR Congo as a 4° x 4° square cut into two provinces, Rwanda and Burundi east of it.
COD = box(25, -4, 29, 0)
KIVU, KASAI = box(27, -4, 29, 0), box(25, -4, 27, 0)
RWA, BDI = box(29, -2, 30, 0), box(29, -4, 30, -2)

GADM41_L1 = {  # gadm41_COD_1: GID_1, GID_0, COUNTRY, NAME_1, VARNAME_1, NL_NAME_1, TYPE_1, ...
    "GID_1": ["COD.1_1", "COD.2_1"], "GID_0": ["COD", "COD"],
    "COUNTRY": ["Democratic Republic of the Congo"] * 2, "NAME_1": ["Nord-Kivu", "Kasaï"],
    "VARNAME_1": ["North Kivu", "NA"], "NL_NAME_1": ["NA", "NA"],
    "TYPE_1": ["Province", "Province"], "ENGTYPE_1": ["Province", "Province"],
    "CC_1": ["NA", "NA"], "HASC_1": ["CD.NK", "CD.KS"], "ISO_1": ["CD-NK", "NA"],
}
GADM36_L0 = {"GID_0": ["RWA", "BDI"], "NAME_0": ["Rwanda", "Burundi"]}


def write(frame: dict, geoms: list, path: Path, **kwargs) -> Path:
    gpd.GeoDataFrame(frame, geometry=geoms, crs=4326).to_file(path, engine="pyogrio", **kwargs)
    return path


def test_gadm_41_level_1_shapefile(tmp_path):
    out = read_boundaries(write(GADM41_L1, [KIVU, KASAI], tmp_path / "gadm41_COD_1.shp"))
    assert out.attrs["read_as"] == "GADM level 1: 2 units"
    assert list(out[C.COUNTRY]) == ["CD", "CD"]
    assert list(out[C.ADMIN1]) == ["Nord-Kivu", "Kasaï"]
    assert list(out[C.ADMIN1_CODE]) == ["CD-NK", "CD.KS"]  # ISO_1, else HASC_1


def test_gadm_36_level_0_geojson(tmp_path):
    out = read_boundaries(write(GADM36_L0, [RWA, BDI], tmp_path / "gadm36_0.geojson"))
    assert out.attrs["read_as"] == "GADM level 0: 2 units"
    assert list(out[C.COUNTRY]) == ["RW", "BI"]
    assert list(out[C.ADMIN1]) == ["", ""]


def test_gadm_36_level_1_keeps_hasc_and_reads_iso3(tmp_path):
    frame = {"GID_0": ["COD"], "NAME_0": ["Democratic Republic of the Congo"],
             "GID_1": ["COD.10_1"], "NAME_1": ["Nord-Kivu"], "VARNAME_1": ["North Kivu"],
             "NL_NAME_1": [""], "TYPE_1": ["Province"], "ENGTYPE_1": ["Province"],
             "CC_1": [""], "HASC_1": ["CD.NK"]}
    out = read_boundaries(write(frame, [KIVU], tmp_path / "gadm36_COD_1.shp"))
    assert out.attrs["read_as"] == "GADM level 1: 1 unit"
    assert (out[C.COUNTRY].iloc[0], out[C.ADMIN1_CODE].iloc[0]) == ("CD", "CD.NK")


def test_gadm_geopackage_of_several_levels_takes_level_1_or_the_named_layer(tmp_path):
    gpkg = tmp_path / "gadm41_COD.gpkg"
    write({"GID_0": ["COD"], "COUNTRY": ["Democratic Republic of the Congo"]}, [COD], gpkg,
          layer="ADM_ADM_0")
    write(GADM41_L1, [KIVU, KASAI], gpkg, layer="ADM_ADM_1")
    assert read_boundaries(gpkg).attrs["read_as"] == "GADM level 1 (layer ADM_ADM_1): 2 units"
    level0 = read_boundaries(f"{gpkg}:ADM_ADM_0")
    assert level0.attrs["read_as"] == "GADM level 0 (layer ADM_ADM_0): 1 unit"
    with pytest.raises(ValidationError, match="has no layer 'ADM_ADM_9'"):
        read_boundaries(f"{gpkg}:ADM_ADM_9")


def test_zipped_shapefile(tmp_path):
    (tmp_path / "shp").mkdir()
    shp = write(GADM41_L1, [KIVU, KASAI], tmp_path / "shp" / "gadm41_COD_1.shp")
    zipped = tmp_path / "gadm41_COD_1.shp.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for part in shp.parent.iterdir():
            z.write(part, part.name)
    out = read_boundaries(zipped)
    assert out.attrs["read_as"] == "GADM level 1: 2 units"
    assert list(out[C.ADMIN1]) == ["Nord-Kivu", "Kasaï"]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match=r"broken.zip:-: -: cannot read as a zipped vector"):
        read_boundaries(broken)


def test_geoboundaries_adm1_geojson(tmp_path):
    frame = {"shapeName": ["Nord-Kivu", "Kasaï"], "shapeISO": ["CD-NK", "None"],
             "shapeID": ["72390352B53494669185587", "72390352B17013766567734"],
             "shapeGroup": ["COD", "COD"], "shapeType": ["ADM1", "ADM1"]}
    path = write(frame, [KIVU, KASAI], tmp_path / "geoBoundaries-COD-ADM1.geojson")
    out = read_boundaries(path)
    assert out.attrs["read_as"] == "geoBoundaries ADM1: 2 units"
    assert list(out[C.COUNTRY]) == ["CD", "CD"]
    assert list(out[C.ADMIN1_CODE]) == ["CD-NK", "72390352B17013766567734"]


def test_geoboundaries_adm0(tmp_path):
    frame = {"shapeName": ["Rwanda"], "shapeISO": ["RWA"], "shapeID": ["RWA-ADM0-1"],
             "shapeGroup": ["RWA"], "shapeType": ["ADM0"]}
    out = read_boundaries(write(frame, [RWA], tmp_path / "geoBoundaries-RWA-ADM0.geojson"))
    assert out.attrs["read_as"] == "geoBoundaries ADM0: 1 unit"
    assert (out[C.COUNTRY].iloc[0], out[C.ADMIN1].iloc[0]) == ("RW", "")


def test_natural_earth_admin0_upper_case_with_iso_a2_eh(tmp_path):
    """ISO_A2 is -99 for France and Norway; ISO_A2_EH (5.x) has the code; Somaliland has none
    and is taken as Somalia by its name (as ACLED and UCDP code its events), with a warning;
    a unit with neither a code nor a known name is left out."""
    frame = {"featurecla": ["Admin-0 country"] * 3, "ADMIN": ["France", "Norway", "Somaliland"],
             "ADM0_A3": ["FRA", "NOR", "SOL"], "NAME": ["France", "Norway", "Somaliland"],
             "ISO_A2": ["-99", "-99", "-99"], "ISO_A2_EH": ["FR", "NO", "-99"],
             "ISO_A3": ["-99", "-99", "-99"]}
    frame = {k: [*v, {"ADMIN": "Atlantis", "NAME": "Atlantis", "ADM0_A3": "ATL"}.get(k, v[0])]
             for k, v in frame.items()}
    frame["ISO_A2_EH"][-1] = "-99"
    path = write(frame, [box(0, 43, 5, 50), box(5, 58, 10, 70), box(43, 8, 48, 11),
                         box(-30, 0, -25, 5)], tmp_path / "ne_10m_admin_0_countries.shp")
    by_name = (r"feature 3: country: ISO_A2_EH '-99', ADM0_A3 'SOL' is not an ISO 3166 code "
               r"\(a disputed area\?\); taken as SO from its country name 'Somaliland'")
    left_out = (r"feature 4: country: Atlantis has no ISO 3166 country code \(ISO_A2_EH '-99', "
                r"ADM0_A3 'ATL'\) and no known country name: left out")
    with pytest.warns(InputWarning, match=by_name), pytest.warns(InputWarning, match=left_out):
        out = read_boundaries(path)
    assert out.attrs["read_as"] == ("Natural Earth admin-0: 3 units, 1 left out without a "
                                    "country code")
    assert list(out[C.COUNTRY]) == ["FR", "NO", "SO"]


def test_natural_earth_admin0_lower_case_without_iso_a2_eh(tmp_path):
    """An older vintage: lower-case columns, no ISO_A2_EH; the code comes from ADM0_A3."""
    frame = {"admin": ["France", "Rwanda"], "adm0_a3": ["FRA", "RWA"],
             "name": ["France", "Rwanda"], "iso_a2": ["-99", "RW"]}
    out = read_boundaries(write(frame, [box(0, 43, 5, 50), RWA], tmp_path / "ne_admin0.geojson"))
    assert out.attrs["read_as"] == "Natural Earth admin-0: 2 units"
    assert list(out[C.COUNTRY]) == ["FR", "RW"]


def test_natural_earth_admin1(tmp_path):
    frame = {"featurecla": ["Admin-1 states provinces"] * 2,
             "adm1_code": ["COD-2836", "COD-2835"], "iso_3166_2": ["CD-NK", "CD-KS"],
             "iso_a2": ["CD", "CD"], "name": ["Nord-Kivu", "Kasaï"], "type_en": ["Province"] * 2,
             "adm0_a3": ["COD", "COD"], "admin": ["Democratic Republic of the Congo"] * 2}
    out = read_boundaries(write(frame, [KIVU, KASAI],
                                tmp_path / "ne_10m_admin_1_states_provinces.shp"))
    assert out.attrs["read_as"] == "Natural Earth admin-1: 2 units"
    assert list(out[C.ADMIN1]) == ["Nord-Kivu", "Kasaï"]
    assert list(out[C.ADMIN1_CODE]) == ["CD-NK", "CD-KS"]


def test_a_file_that_cannot_be_read_gets_one_line_naming_what_was_found_and_the_fix(tmp_path):
    gadm = write({"GID_0": ["COD"], "GID_1": ["COD.1_1"]}, [KIVU], tmp_path / "gadm.geojson")
    with pytest.raises(ValidationError) as info:
        read_boundaries(gadm)
    [problem] = info.value.problems
    assert problem.field == "admin1"
    assert problem.message.startswith(
        "not a recognised boundary file: a GADM file of first-level units (codes in 'GID_1') "
        "without their names (NAME_1) (columns: GID_0, GID_1); give --country-column COLUMN")
    other = write({"prov": ["Nord-Kivu"], "nation": ["Congo-Kinshasa-ish"]}, [KIVU],
                  tmp_path / "other.geojson")
    with pytest.raises(ValidationError) as info:
        read_boundaries(other)
    [problem] = info.value.problems
    assert problem.field == "country"
    assert "no column of ISO 3166 country codes or country names (columns: prov, nation)" in (
        problem.message)
    for name in ("--admin1-column", "GADM", "OCHA COD-AB", "geoBoundaries", "Natural Earth"):
        assert name in problem.message


def test_a_country_layer_and_a_province_layer_merge_into_one_coverage(tmp_path):
    """Provinces where they exist; country rows elsewhere; the country row they replace goes."""
    countries = write({"GID_0": ["COD", "RWA", "BDI"], "NAME_0": ["DRC", "Rwanda", "Burundi"]},
                      [COD, RWA, BDI], tmp_path / "gadm36_0.geojson")
    provinces = write(GADM41_L1, [KIVU, KASAI], tmp_path / "gadm41_COD_1.geojson")
    out = read_boundaries([countries, provinces])
    assert sorted(zip(out[C.COUNTRY], out[C.ADMIN1], strict=True)) == [
        ("BI", ""), ("CD", "Kasaï"), ("CD", "Nord-Kivu"), ("RW", "")]
    assert "2 files merged" in out.attrs["read_as"]
    assert "GADM level 1: 2 units" in out.attrs["read_as"]
    assert "1 left out as covered by an earlier file" in out.attrs["read_as"]
    # a province layer that covers only half the country: the rest stays a country-only row
    half = write({k: v[:1] for k, v in GADM41_L1.items()}, [KIVU], tmp_path / "kivu.geojson")
    out = read_boundaries([countries, half])
    rest = out[(out[C.COUNTRY] == "CD") & (out[C.ADMIN1] == "")].geometry.iloc[0]
    assert rest.equals(KASAI.normalize()) or shapely.equals(rest, KASAI)
    # overlapping neighbours: the finer file wins, the other is clipped
    wide_rwanda = write({"GID_0": ["RWA"], "NAME_0": ["Rwanda"]}, [box(28.5, -2, 30, 0)],
                        tmp_path / "rwa.geojson")
    out = read_boundaries([wide_rwanda, provinces])
    rw = out[out[C.COUNTRY] == "RW"].geometry.iloc[0]
    assert shapely.equals(rw, RWA)
    assert "1 clipped where files overlap" in out.attrs["read_as"]


def test_import_boundaries_writes_the_canonical_file(tmp_path):
    src = write(GADM41_L1, [KIVU, KASAI], tmp_path / "gadm41_COD_1.shp")
    out = tmp_path / "boundaries.geojson"
    line = import_boundaries([src], out)
    assert line == f"boundaries read as GADM level 1: 2 units; wrote {out}"
    again = read_boundaries(out)
    assert again.attrs["read_as"] == "routerisk boundaries: 2 units"
    assert list(again[C.ADMIN1]) == ["Nord-Kivu", "Kasaï"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_validate_says_what_it_read_and_accepts_repeated_boundaries(tmp_path, capsys):
    layers = tmp_path / "layers"
    layers.mkdir()
    line = {"type": "LineString", "coordinates": [[26.0, -1.0], [28.0, -1.5], [29.5, -1.0]]}
    feature = {"type": "Feature", "geometry": line,
               "properties": {"corridor_id": "c1", "route": "Kasai-Kigali"}}
    (layers / "corridors.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}))
    (layers / "incidents.csv").write_text("incident_id,date,type,lat,lon\n")
    countries = write(GADM36_L0, [RWA, BDI], tmp_path / "gadm36_0.shp")
    provinces = write(GADM41_L1, [KIVU, KASAI], tmp_path / "gadm41_COD_1.shp")
    rc = cli.main(["validate", "--layers", str(layers), "--boundaries", str(provinces),
                   "--as-of", "2024-01-31"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "boundaries read as GADM level 1: 2 units" in out
    rc = cli.main(["validate", "--layers", str(layers), "--boundaries", str(countries),
                   "--boundaries", str(provinces), "--as-of", "2024-01-31"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "boundaries read as 2 files merged" in out
    assert "ok: 4 boundary units" in out


def test_routerisk_import_boundaries_merges_files_into_the_canonical_file(tmp_path, capsys):
    countries = write(GADM36_L0, [RWA, BDI], tmp_path / "gadm36_0.shp")
    provinces = write(GADM41_L1, [KIVU, KASAI], tmp_path / "gadm41_COD_1.shp")
    out = tmp_path / "boundaries.geojson"
    rc = cli.main(["import", "boundaries", str(countries), str(provinces), "--out", str(out)])
    assert rc == 0
    assert "2 files merged" in capsys.readouterr().out
    again = read_boundaries(out)
    assert sorted(again[C.COUNTRY]) == ["BI", "CD", "CD", "RW"]
    assert sorted(again[C.ADMIN1]) == ["", "", "Kasaï", "Nord-Kivu"]
