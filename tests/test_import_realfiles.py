"""What real files revealed in the importers (tests/realdata): an ACLED Kenya export re-saved by
Excel (dates 31-12-19), and GED as UCDP serves it (a zip holding one CSV)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo._errors import ValidationError
from geo.importers._dates import parse_dates
from geo.importers._source import read_source


def test_dashed_two_digit_year_dates_are_read_day_first_when_a_day_proves_it():
    """carol0128_acled_ken_2019.csv: every one of its 5,725 rows was 'bad date' before."""
    col = parse_dates(pd.Series(["31-12-19", "03-08-19", "2019-07-09"]), np.arange(1, 4),
                      file="acled.csv", field="event_date")
    assert [str(d) for d in col.start] == ["2019-12-31", "2019-08-03", "2019-07-09"]
    assert col.message == "dates read as DD/MM/YYYY: 1 rows prove day-first, none contradict"


def test_mixed_separators_are_not_one_date():
    col = parse_dates(pd.Series(["31-12/19"]), np.arange(1, 2), file="f.csv", field="date",
                      default_order="dmy")
    assert list(col.error) == ["'31-12/19' is not a date"]


def test_a_zip_holding_one_csv_is_read_as_that_csv(tmp_path):
    """UCDP serves GED as ged191-csv.zip; import read its bytes as CSV text before."""
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("ged191.csv", "id,year\n71663,2013\n71664,2013\n")
    table = read_source(archive)
    assert table.series("id").tolist() == ["71663", "71664"]
    assert table.encoding == "UTF-8, ged191.csv in the zip"


def test_a_zip_of_several_csv_files_or_a_broken_zip_is_one_line(tmp_path):
    several = tmp_path / "two.zip"
    with zipfile.ZipFile(several, "w") as z:
        z.writestr("a.csv", "id\n1\n")
        z.writestr("b.csv", "id\n2\n")
    with pytest.raises(ValidationError, match=r"a zip archive holding 2 CSV files \(a.csv, "
                                              r"b.csv\); unzip it and import one CSV file"):
        read_source(several)
    broken = tmp_path / "bad.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match="a damaged zip archive"):
        read_source(broken)


def test_the_2016_asia_exports_plural_event_type_is_an_armed_clash(tmp_path):
    """katehara_acled_asia_2015.csv spells it 'Battle-Non-state actors overtake territory'
    (one row of 10,194 was dropped as an unmapped category); header and row in its layout."""
    from geo.importers import import_file

    src = tmp_path / "acled_asia.csv"
    src.write_text(
        "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
        "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,"
        "ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES\n"
        "750,1IND,1,01-January-2015,2015,1,Battle-Non-state actors overtake territory,A,,2,B,"
        ",2,22,India,Manipur,Imphal West,,Imphal,24.8081,93.9442,1,Src,note,0\n",
        encoding="utf-8")
    result = import_file("acled", src, boundaries=None, mapping=None)
    assert result.incidents["type"].tolist() == ["armed_clash"]


GED_GEOJSON = Path(__file__).parent / "realdata" / "files" / "ucdp_ged231_caf_2022.geojson"


def _as_csv(geojson: Path, target: Path) -> Path:
    """The same rows as a CSV, written without routerisk: every property as it stands in the
    file (GDAL's DateTime text cut to the day), the point's coordinates as latitude/longitude."""
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    names = list(features[0]["properties"])
    with target.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([*names, "latitude", "longitude"])
        for feat in features:
            props = feat["properties"]
            row = ["" if props[n] is None else str(props[n]) for n in names]
            for n in ("date_start", "date_end"):
                row[names.index(n)] = row[names.index(n)][:10]
            lon, lat = feat["geometry"]["coordinates"][:2]
            w.writerow([*row, repr(lat), repr(lon)])
    return target


def test_ged_republished_as_geojson_imports_as_its_csv_would_and_builds(tmp_path, capsys):
    """UCDP GED 23.1 for the Central African Republic as republished in GeoJSON (optgeo/
    ucdp-23.1-482; no latitude/longitude properties): import read it as CSV text and stopped
    ('not a readable CSV'). Now the properties are the columns and the points the coordinates:
    the incidents equal those of the same rows as CSV, and the build takes every one."""
    import geopandas as gpd

    from geo import cli

    assert b"latitude" not in GED_GEOJSON.read_bytes()
    outline = gpd.read_parquet(Path(__file__).parents[1] / "geo" / "data" / "basemap"
                               / "countries.parquet")
    outline = outline[outline["iso_a2"] == "CF"]
    boundaries = tmp_path / "caf.geojson"
    gpd.GeoDataFrame({"country": ["CF"], "admin1": [""]}, geometry=outline.geometry.values,
                     crs=outline.crs).to_file(boundaries, driver="GeoJSON")
    via_csv = _as_csv(GED_GEOJSON, tmp_path / "ged.csv")
    for src, out in ((GED_GEOJSON, "from_geojson.csv"), (via_csv, "from_csv.csv")):
        rc = cli.main(["import", "ucdp", str(src), "--out", str(tmp_path / out),
                       "--boundaries", str(boundaries)])
        assert rc == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    assert "a geojson file: 105 features, latitude and longitude from the point geometry" in said
    a = pd.read_csv(tmp_path / "from_geojson.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "from_csv.csv", dtype=str, keep_default_na=False)
    assert len(a) == 105 and a.equals(b)
    assert a["date"].str.startswith("2022").all() and (a["lat"] != "").sum() == 105
    corridors = Path(__file__).parents[1] / "benchmarks" / "realdata" / "caf_corridors.geojson"
    rc = cli.main(["build", "--boundaries", str(boundaries), "--corridors", str(corridors),
                   "--incidents", str(tmp_path / "from_geojson.csv"), "--out",
                   str(tmp_path / "build"), "--formats", "", "-q"])
    assert rc == 0, capsys.readouterr().err
    fate = pd.read_csv(tmp_path / "build" / "incidents_fate.csv", dtype=str,
                       keep_default_na=False)
    assert set(fate["incident_id"]) == set(a["incident_id"])


def test_a_vector_file_that_is_not_readable_is_one_line(tmp_path):
    broken = tmp_path / "events.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(ValidationError, match="not a readable vector file"):
        read_source(broken)


def test_vector_properties_read_as_a_csv_holds_them(tmp_path):
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"id": [7, 8], "best": [3.0, 0.5], "date_start": pd.to_datetime(["2022-01-02", None]),
         "when": pd.to_datetime(["2022-01-02 13:45", "2022-01-03 00:00"]), "name": ["Kasaï", None]},
        geometry=[shapely.Point(1_000_000, 500_000), None], crs="EPSG:3857")
    path = tmp_path / "rows.gpkg"
    frame.to_file(path, driver="GPKG")
    t = read_source(path)
    assert t.series("id").tolist() == ["7", "8"]
    assert t.series("best").tolist() == ["3.0", "0.5"]
    assert t.series("date_start").tolist() == ["2022-01-02", ""]
    assert t.series("when").tolist() == ["2022-01-02T13:45:00", "2022-01-03T00:00:00"]
    assert t.series("name").tolist() == ["Kasaï", ""]
    lat, lon = t.series("latitude").tolist(), t.series("longitude").tolist()
    assert lon[0].startswith("8.98315") and lat[0].startswith("4.48698") and lat[1] == lon[1] == ""


def test_api_responses_saved_as_json_import_as_their_rows_would(tmp_path):
    """ACLED's API answers ``{"status": 200, "success": true, ..., "data": [rows]}`` (every value
    a string) and UCDP's ``{"TotalCount": n, ..., "Result": [rows]}`` (numbers as numbers);
    saved to a file they were 'not a readable CSV'. Each object is a row, its keys the columns:
    the incidents equal those of the same rows as CSV."""
    from geo.importers import import_file
    from tests._import_samples import samples

    acled_csv = samples(tmp_path)["acled_2023"]
    with acled_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    acled_json = tmp_path / "acled_api.json"
    acled_json.write_text(json.dumps({"status": 200, "success": True, "last_update": 7,
                                      "count": len(rows), "messages": [], "data": rows,
                                      "filename": "acled_api"}), encoding="utf-8")
    a = import_file("acled", acled_json, boundaries=None, mapping=None)
    b = import_file("acled", acled_csv, boundaries=None, mapping=None)
    assert a.rows_read == b.rows_read == len(rows) > 0 and len(a.incidents) > 0
    assert a.incidents.equals(b.incidents) and a.report.equals(b.report)
    assert "a JSON list of" in a.summary

    features = json.loads(GED_GEOJSON.read_text(encoding="utf-8"))["features"]
    result = []
    for feat in features:
        row = dict(feat["properties"])
        row["longitude"], row["latitude"] = feat["geometry"]["coordinates"][:2]
        result.append(row)
    ucdp_json = tmp_path / "gedevents.json"
    ucdp_json.write_text(json.dumps({"TotalCount": len(result), "TotalPages": 1,
                                     "PreviousPageUrl": "", "NextPageUrl": "",
                                     "Result": result}), encoding="utf-8")
    c = import_file("ucdp", ucdp_json, boundaries=None, mapping=None)
    d = import_file("ucdp", _as_csv(GED_GEOJSON, tmp_path / "ged.csv"), boundaries=None,
                    mapping=None)
    assert len(c.incidents) == 105 and c.incidents.equals(d.incidents)


def test_a_json_that_holds_no_rows_is_one_line(tmp_path):
    empty = tmp_path / "acled.json"
    empty.write_text('{"status": 200, "success": true, "count": 0, "data": []}',
                     encoding="utf-8")
    with pytest.raises(ValidationError, match="the JSON holds an empty list of rows"):
        read_source(empty)
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"neither a list of rows .* nor GeoJSON"):
        read_source(other)
