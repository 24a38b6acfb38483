"""Hostile input through the real command line: one clear line per problem, exit 1, nothing written.

Every case starts from the small, valid layer set in ``tests/data/hostile/base`` (boxes around
real Chinese provinces, Vietnam and Laos; three corridors; eight incidents), copies it into
``tmp_path``, breaks one thing, and runs ``routerisk build``. The expected lines are written out
in full so that the wording users see is pinned.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest

from geo import cli

BASE = Path(__file__).parent / "data" / "hostile" / "base"
HEADER = (BASE / "incidents.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
LINE = re.compile(r"^(warning: )?\S+:[^:]+: [^:]+: .+$")
SUMMARY = re.compile(r"^routerisk: (\d+) problem\(s\); nothing written$")


def incident_row(**values: str) -> str:
    """One CSV line of the base header: a valid point arrest in Kunming unless overridden."""
    row = {"incident_id": "x1", "date": "2020-01-05", "type": "arrest", "lat": "25.05",
           "lon": "102.7", **values}
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([row.get(c, "") for c in HEADER])
    return buf.getvalue()


def write_incidents(d: Path, *rows: str, header: str = ",".join(HEADER)) -> None:
    (d / "incidents.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def feature(props: dict[str, object], geometry: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def line(*coords: tuple[float, float]) -> dict[str, object]:
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, object]:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def add_features(path: Path, *features: dict[str, object]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"].extend(features)
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")


def corridor(cid: str, geometry: object) -> dict[str, object]:
    return feature({"corridor_id": cid, "route": "Test"}, geometry)


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    d = tmp_path / "layers"
    shutil.copytree(BASE, d)
    return d


def run_build(d: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
              ) -> tuple[int, list[str]]:
    """``routerisk build`` into a pre-filled out folder; asserts nothing in it changed."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "earlier_run.txt").write_text("an earlier build\n")
    before = snapshot(out)
    rc = cli.main(["build", "--layers", str(d), "--out", str(out), "--formats", "", *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if rc != 0:
        assert snapshot(out) == before, "a failed build changed the out folder"
        assert not list(tmp_path.glob(".routerisk-*")), "temporary folder left behind"
    return rc, captured.err.splitlines()


# --------------------------------------------------------------------------- the cases
# Each case: mutate(layers) -> extra CLI args; expected (file, location, field, message) lines;
# the exact number of problems when the case should produce no other line.


def truncated(d: Path) -> list[str]:
    text = (d / "corridors.geojson").read_text()
    (d / "corridors.geojson").write_text(text[: len(text) // 2])
    return []


def not_json(d: Path) -> list[str]:
    (d / "corridors.geojson").write_text("corridor_id,route\nA,B\n")
    return []


def bare_feature(d: Path) -> list[str]:
    (d / "corridors.geojson").write_text(json.dumps(corridor("A", line((100, 20), (101, 21)))))
    return []


def wrong_geometry_types(d: Path) -> list[str]:
    point = {"type": "Point", "coordinates": [100, 20]}
    add_features(d / "corridors.geojson", corridor("P", point))
    add_features(d / "boundaries.geojson", feature({"country": "TH"}, line((99, 14), (100, 15))))
    return []


def invalid_polygons(d: Path) -> list[str]:
    bowtie = {"type": "Polygon",
              "coordinates": [[[99, 10], [101, 12], [101, 10], [99, 12], [99, 10]]]}
    hole_outside = {"type": "Polygon", "coordinates": [
        [[102, 10], [104, 10], [104, 12], [102, 12], [102, 10]],
        [[105, 10], [106, 10], [106, 11], [105, 10]]]}
    add_features(d / "boundaries.geojson", feature({"country": "TH"}, bowtie),
                 feature({"country": "KH"}, hole_outside))
    return []


def bad_coordinates(d: Path) -> list[str]:
    nan, inf = float("nan"), float("inf")
    add_features(
        d / "corridors.geojson",
        corridor("NULL", None),
        corridor("EMPTY", {"type": "LineString", "coordinates": []}),
        corridor("NAN", line((nan, 20), (101, 21))),
        corridor("INF", line((inf, 20), (101, 21))),
        corridor("LAT95", line((100, 95), (101, 21))),
        corridor("LON200", line((200, 20), (101, 21))),
        corridor("ONE", {"type": "LineString", "coordinates": [[100, 20]]}),
        corridor("TEXT", {"type": "LineString", "coordinates": [["a", "b"], [1, 2]]}),
        corridor("NOCOORDS", {"type": "LineString"}),
        corridor("ZERO", line((100, 20), (100, 20))),
    )
    return []


def projected_as_wgs84(d: Path) -> list[str]:
    doc = json.loads((d / "corridors.geojson").read_text())
    for f in doc["features"]:
        f["geometry"]["coordinates"] = [[x * 111_000, y * 111_000]
                                        for x, y in f["geometry"]["coordinates"]]
    (d / "corridors.geojson").write_text(json.dumps(doc))
    return []


def degrees_declared_projected(d: Path) -> list[str]:
    doc = json.loads((d / "corridors.geojson").read_text())
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
    (d / "corridors.geojson").write_text(json.dumps(doc))
    return []


def gpkg_without_crs(d: Path) -> list[str]:
    gdf = gpd.read_file(d / "corridors.geojson").set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gdf.to_file(d / "corridors.gpkg")
    return ["--corridors", str(d / "corridors.gpkg")]


def antimeridian(d: Path) -> list[str]:
    add_features(d / "corridors.geojson", corridor("AM", line((179, 60), (-179, 61))))
    return []


def duplicate_ids(d: Path) -> list[str]:
    add_features(d / "corridors.geojson", corridor("GX-01", line((100, 20), (101, 21))))
    write_incidents(d, incident_row(), incident_row(date="2020-02-01"))
    return []


def duplicate_unit(d: Path) -> list[str]:
    add_features(d / "boundaries.geojson",
                 feature({"country": "CN", "admin1": "yunnan"}, box(90, 10, 91, 11)))
    return []


def duplicated_json_key(d: Path) -> list[str]:
    (d / "corridors.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"corridor_id": "A", "corridor_id": "B", "route": "R"}, "geometry": '
        '{"type": "LineString", "coordinates": [[100, 20], [101, 21]]}}]}')
    return []


def missing_columns(d: Path) -> list[str]:
    write_incidents(d, "x1,2020-01-05,25,102", header="incident_id,date,lat,lon")
    (d / "corridors.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature({"corridor_id": "A"}, line((100, 20), (101, 21)))]}))
    return []


def wrong_case_column(d: Path) -> list[str]:
    write_incidents(d, "x1,2020-01-05,arrest,25,102", header="incident_id,date,Type,lat,lon")
    return []


def duplicated_columns(d: Path) -> list[str]:
    write_incidents(d, "x1,2020-01-05,arrest,arrest,25,102",
                    header="incident_id,date,type,type,lat,lon")
    return []


def ragged_rows(d: Path) -> list[str]:
    write_incidents(d, incident_row(), incident_row(incident_id="x2") + ",extra",
                    incident_row(incident_id="x3").rsplit(",", 3)[0])
    return []


def not_utf8(d: Path) -> list[str]:
    text = ",".join(HEADER) + "\n" + incident_row(notes="Café near the station") + "\n"
    (d / "incidents.csv").write_bytes(text.encode("cp1252"))
    return []


def utf16(d: Path) -> list[str]:
    text = ",".join(HEADER) + "\n" + incident_row() + "\n"
    (d / "incidents.csv").write_bytes(text.encode("utf-16"))
    return []


def spreadsheet(d: Path) -> list[str]:
    (d / "incidents.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    return []


def semicolons(d: Path) -> list[str]:
    write_incidents(d, "x1;2020-01-05;arrest;25;102", header="incident_id;date;type;lat;lon")
    return []


def bad_dates(d: Path) -> list[str]:
    write_incidents(
        d,
        incident_row(incident_id="partial", date="2023-9"),
        incident_row(incident_id="impossible", date="2023-02-30"),
        incident_row(incident_id="noyear", date="September 3"),
        incident_row(incident_id="ambiguous", date="03/04/2023"),
        incident_row(incident_id="future", date="2999-01-01"),
        incident_row(incident_id="empty", date=""),
        incident_row(incident_id="month13", date="2023-13"),
        incident_row(incident_id="finer", date="2023-09", date_precision="day"),
        incident_row(incident_id="endbefore", date="2023-09-05", end_date="2023-08-01"),
        incident_row(incident_id="words", date="Sept 2023"),
        incident_row(incident_id="ancient", date="1066-10-14"),
    )
    return []


def bad_places(d: Path) -> list[str]:
    write_incidents(
        d,
        incident_row(incident_id="unknown", lat="", lon="", place="Atlantis", country="CN"),
        incident_row(incident_id="nowhere", lat="", lon="", place="Qqqxyzzy"),
        incident_row(incident_id="ambiguous", lat="", lon="", place="Jining", country="CN"),
        incident_row(incident_id="resolved", lat="", lon="", place="Jining",
                     admin1="Nei Mongol", country="CN"),
        incident_row(incident_id="narnia", lat="", lon="", place="Kunming", admin1="Narnia",
                     country="CN"),
        incident_row(incident_id="nocountry", lat="", lon="", admin1="Yunnan"),
        incident_row(incident_id="noloc", lat="", lon=""),
    )
    return []


def bad_numbers(d: Path) -> list[str]:
    write_incidents(
        d,
        incident_row(incident_id="neg", count="-3"),
        incident_row(incident_id="q7", source_quality="7"),
        incident_row(incident_id="many", count="many"),
        incident_row(incident_id="gp5", geo_precision="5"),
        incident_row(incident_id="secret", visibility="secret"),
        incident_row(incident_id="murder", type="murder"),
        incident_row(incident_id="nan", lat="nan", lon="inf"),
        incident_row(incident_id="swapped", lat="102.7", lon="25.05"),
        incident_row(incident_id="half", lon=""),
        incident_row(incident_id="=cmd|' /C calc'!A0"),
        incident_row(incident_id="nul", notes="a\x00b"),
    )
    return []


def empty_incidents(d: Path) -> list[str]:
    (d / "incidents.csv").write_text("")
    return []


def geojson_incidents(d: Path) -> list[str]:
    props = {"date": "2020-01-05", "type": "arrest"}
    doc = {"type": "FeatureCollection", "features": [
        feature({"incident_id": "pt", **props}, {"type": "Point", "coordinates": [102.7, 25.05]}),
        feature({"incident_id": "ln", **props}, line((102.7, 25.05), (103, 25))),
        feature({"incident_id": "nan", **props, "count": float("nan")},
                {"type": "Point", "coordinates": [float("nan"), 25]}),
        feature({"incident_id": "poly", **props}, box(100, 20, 101, 21)),
        feature({"incident_id": "multi", **props},
                {"type": "MultiPoint", "coordinates": [[102.7, 25.05]]}),
    ]}
    (d / "incidents.geojson").write_text(json.dumps(doc, allow_nan=True))
    return ["--incidents", str(d / "incidents.geojson")]


def unreadable_crs(d: Path) -> list[str]:
    doc = json.loads((d / "corridors.geojson").read_text())
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}
    (d / "corridors.geojson").write_text(json.dumps(doc))
    return []


def missing_file(d: Path) -> list[str]:
    (d / "corridors.geojson").unlink()
    return []


def empty_layer(d: Path) -> list[str]:
    (d / "corridors.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    return []


B, K, INC = "boundaries.geojson", "corridors.geojson", "incidents.csv"
Case = tuple[Callable[[Path], list[str]], list[tuple[str, str, str, str]], int | None]
CASES: dict[str, Case] = {
    "truncated GeoJSON": (truncated, [
        (K, "line 40", "-", "not valid JSON: Unterminated string starting at (column 13); the "
                            "file ends abruptly: is it truncated?")], 1),
    "non-JSON GeoJSON": (not_json, [
        (K, "line 1", "-", "not valid JSON: Expecting value (column 1); the file does not start "
                           "with '{' (it starts 'corridor_id,route\\nA,')")], 1),
    "bare Feature": (bare_feature, [
        (K, "-", "type", 'a bare Feature, not a FeatureCollection: wrap it as {"type": '
                         '"FeatureCollection", "features": [ ... ]}')], 1),
    "wrong geometry types": (wrong_geometry_types, [
        (B, "feature 7", "geometry", "LineString, expected MultiPolygon or Polygon"),
        (K, "feature 4", "geometry", "Point, expected LineString or MultiLineString")], None),
    "invalid polygons": (invalid_polygons, [
        (B, "feature 7", "geometry", "invalid polygon: Self-intersection at (100, 11); the "
                                     "repair option fixes it and logs the change (--repair)"),
        (B, "feature 8", "geometry", "invalid polygon: Hole lies outside shell at (105, 10); the "
                                     "repair option fixes it and logs the change (--repair)")],
        None),
    "null, empty, NaN, infinite, out-of-range coordinates": (bad_coordinates, [
        (K, "feature 4", "geometry", "missing (null) geometry"),
        (K, "feature 5", "geometry", "empty geometry"),
        (K, "feature 6", "geometry", "coordinates are NaN or infinite"),
        (K, "feature 7", "geometry", "coordinates are NaN or infinite"),
        (K, "feature 8", "geometry", "latitude 95 is outside [-90, 90] (x and y swapped? GeoJSON "
                                     "positions are [lon, lat])"),
        (K, "feature 9", "geometry", "longitude 200 is outside [-180, 180]"),
        (K, "feature 10", "geometry", "a line needs at least 2 positions, found 1"),
        (K, "feature 11", "geometry", 'coordinate "a" is not a number'),
        (K, "feature 12", "geometry", "LineString has no 'coordinates'"),
        (K, "feature 13", "geometry", "has zero length (all its points are the same)")], 10),
    "projected coordinates declared as WGS84": (projected_as_wgs84, [
        (K, "feature 1", "geometry", "coordinates out of range for EPSG:4326 (x up to 1.20291e+07, "
                                     "y up to 2.77944e+06): projected coordinates declared as "
                                     "WGS84? declare the layer's real CRS")], 3),
    "degrees declared as a projected CRS": (degrees_declared_projected, [
        (K, "-", "crs", "the layer declares EPSG:3857 (metres) but every coordinate looks like "
                        "degrees; declare EPSG:4326")], 1),
    "GeoPackage without CRS": (gpkg_without_crs, [
        ("corridors.gpkg", "-", "crs", "layer has no CRS (no .prj / undefined SRS); declare one, "
                                       "e.g. EPSG:4326")], 1),
    "unreadable CRS member": (unreadable_crs, [
        (K, "-", "crs", 'unreadable CRS member {"type": "name", "properties": {"name...; omit '
                        "it for WGS84")], 1),
    "corridor crossing the antimeridian": (antimeridian, [
        (K, "feature 4", "geometry", "crosses the antimeridian (a step of more than 180° in "
                                     "longitude); split it at 180°")], 1),
    "duplicate ids": (duplicate_ids, [
        (K, "feature 4", "corridor_id", "duplicate 'GX-01' (first at feature 1)"),
        (INC, "row 3", "incident_id", "duplicate 'x1' (first at row 2)")], 2),
    "duplicate boundary unit": (duplicate_unit, [
        (B, "feature 7", "admin1", "duplicate unit CN/yunnan (first at feature 1)")], None),
    "duplicated GeoJSON property": (duplicated_json_key, [
        (K, "feature 1", "corridor_id", "property appears more than once in this feature")], 1),
    "missing columns": (missing_columns, [
        (K, "-", "route", "required column is missing"),
        (INC, "-", "type", "required column is missing")], 2),
    "column in the wrong case": (wrong_case_column, [
        (INC, "-", "type", "required column is missing (found 'Type': column names are lower "
                         "case)")], 1),
    "duplicated CSV columns": (duplicated_columns, [
        (INC, "row 1", "type", "column appears more than once")], 1),
    "ragged CSV rows": (ragged_rows, [
        (INC, "row 3", "-", "has 19 fields, the header has 18 (a stray or missing comma? quote "
                          "fields that hold commas)"),
        (INC, "row 4", "-", "has 15 fields, the header has 18 (a stray or missing comma? quote "
                          "fields that hold commas)")], 2),
    "CSV not UTF-8": (not_utf8, [
        (INC, "line 2", "-", "not valid utf-8: byte 0xE9 at offset 209; save as 'CSV UTF-8' or "
                           "give its encoding (e.g. cp1252, gb18030) (--encoding ENC)")], 1),
    "CSV in UTF-16": (utf16, [
        (INC, "-", "-", "is UTF-16 (Excel 'Unicode text'); save as 'CSV UTF-8' or give its "
                      "encoding (--encoding utf-16)")], 1),
    "spreadsheet instead of CSV": (spreadsheet, [
        (INC, "-", "-", "is a zip file (an .xlsx/.ods spreadsheet?), not CSV; export it as "
                      "'CSV UTF-8'")], 1),
    "semicolon-separated CSV": (semicolons, [
        (INC, "row 1", "-", "the header has one column; the file seems separated by ';': save it "
                          "with commas")], 1),
    "dates": (bad_dates, [
        (INC, "row 2", "date", "'2023-9' is not an ISO date; write YYYY-MM-DD, YYYY-MM or YYYY"),
        (INC, "row 3", "date", "'2023-02-30' is not a real date"),
        (INC, "row 4", "date", "'September 3' has no year; write YYYY-MM-DD, YYYY-MM or YYYY "
                             "(state an assumed year in notes)"),
        (INC, "row 5", "date", "'03/04/2023' is ambiguous (day/month or month/day?); write it as "
                             "YYYY-MM-DD"),
        (INC, "row 6", "date", "2999-01-01 is in the future (today is "),
        (INC, "row 7", "date", "is empty; write YYYY-MM-DD, YYYY-MM or YYYY"),
        (INC, "row 8", "date", "'2023-13' is not a real month"),
        (INC, "row 9", "date", "date_precision 'day' is finer than the date '2023-09' (month); "
                             "precision is never invented"),
        (INC, "row 10", "end_date", "2023-08-01 is before the date 2023-09-05"),
        (INC, "row 11", "date", "'Sept 2023' is not an ISO date; write YYYY-MM-DD, YYYY-MM or "
                                "YYYY"),
        (INC, "row 12", "date", "'1066-10-14' is before 1900; is the year a typo?")], 11),
    "place names": (bad_places, [
        (INC, "row 2", "place", "place 'Atlantis' is not in CN in the offline gazetteer; places of "
                              "that name: Atlantis ZA (-33.57, 18.48) pop 82,736; Atlantis US "
                              "(26.59, -80.10) pop 2,106; fix admin1/country or give lat and "
                              "lon"),
        (INC, "row 3", "place", "place 'Qqqxyzzy' not found in the offline gazetteer (GeoNames "
                              "places of 500 people or more); give lat and lon"),
        (INC, "row 4", "place", "place 'Jining' is ambiguous: Jining CN (35.41, 116.58) pop "
                              "1,241,012; Jining CN (41.03, 113.11) pop 258,757; add admin1"),
        (INC, "row 6", "admin1", "'Narnia' is not a first-level unit of CN in the boundaries layer "
                               "(known: Guangxi, Nei Mongol, Shandong, Yunnan)"),
        (INC, "row 7", "country", "admin1 is given without its country"),
        (INC, "row 8", "lat", "no location: give lat+lon, a place, admin1+country or country")], 6),
    "numbers, vocabularies and ids": (bad_numbers, [
        (INC, "row 2", "count", "-3 is negative; give the number of people affected (empty when "
                              "unknown)"),
        (INC, "row 3", "source_quality", "7 is outside the scale 1–5"),
        (INC, "row 4", "count", "'many' is not a number"),
        (INC, "row 5", "geo_precision", "'5' is not 1, 2, 3 or 4"),
        (INC, "row 6", "visibility", "'secret' is not public or restricted"),
        (INC, "row 7", "type", "'murder' is not a known type (arrest, broker_detention, "
                             "repatriation, crackdown, checkpoint, border_closure, transit, "
                             "armed_clash, attack_on_civilians, explosion_remote_violence, "
                             "abduction, unrest, protest, strategic_development, "
                             "death_in_transit, disappearance)"),
        (INC, "row 8", "lat", "'nan' is not a finite number"),
        (INC, "row 8", "lon", "'inf' is not a finite number"),
        (INC, "row 9", "lat", "102.7 is outside [-90, 90]: lat and lon look swapped (lat 25.05, "
                            "lon 102.7?)"),
        (INC, "row 10", "lon", "lat and lon must be given together"),
        (INC, "row 11", "incident_id", "\"=cmd|' /C calc'!A0\" starts with '=', which spreadsheets "
                                     "run as a formula; start ids with a letter or digit"),
        (INC, "row 12", "notes", "contains a control character (U+0000)")], 12),
    "empty incident file": (empty_incidents, [
        (INC, "-", "-", "file is empty (no header, no incidents)")], 1),
    "GeoJSON incidents that are not points": (geojson_incidents, [
        ("incidents.geojson", "feature 2", "geometry", "LineString, expected Point"),
        ("incidents.geojson", "feature 3", "count", "NaN is not valid JSON; use null for an "
                                                    "unknown value"),
        ("incidents.geojson", "feature 3", "geometry", "coordinates are NaN or infinite"),
        ("incidents.geojson", "feature 4", "geometry", "Polygon, expected Point"),
        ("incidents.geojson", "feature 5", "geometry", "MultiPoint, expected Point")], 5),
    "missing layer file": (missing_file, [(K, "-", "-", "file not found")], 1),
    "layer without features": (empty_layer, [(K, "-", "-", "the layer has no features")], 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gives_one_line_per_problem(case: str, layers: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    mutate, expected, n_problems = CASES[case]
    extra = mutate(layers)
    rc, lines = run_build(layers, tmp_path, capsys, *extra)
    assert rc == 1, lines
    assert lines, "no message"
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    problems = lines[:-1]
    for text in problems:
        assert LINE.match(text), f"not FILE:LOCATION: field: message: {text!r}"
    for name, loc, fld, message in expected:
        prefix = f"{layers / name}:{loc}: {fld}: "
        hits = [t for t in problems if t.startswith(prefix) and message in t[len(prefix):]]
        assert hits, f"missing {prefix}{message}\n got:\n" + "\n".join(problems)
    assert int(summary.group(1)) == len(problems)
    if n_problems is not None:
        assert len(problems) == n_problems, "\n".join(problems)


def test_repair_fixes_polygons_and_reports_areas(layers: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    invalid_polygons(layers)
    rc = cli.main(["validate", "--layers", str(layers), "--repair"])
    err = capsys.readouterr().err.splitlines()
    assert rc == 0
    assert err == [
        f"warning: {layers / B}:feature 7: geometry: repaired invalid polygon (Self-intersection "
        "at (100, 11)): area 0 km² -> 24178.8 km²",
        f"warning: {layers / B}:feature 8: geometry: repaired invalid polygon (Hole lies outside "
        "shell at (105, 10)): area 54421.2 km² -> 54421.2 km²",
    ]


def test_swapped_lat_lon_inside_the_valid_range_is_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Where both orders are valid coordinates, a point that only makes sense swapped warns."""
    d = tmp_path / "layers"
    d.mkdir()
    (d / "boundaries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature({"country": "SD", "admin1": "North"}, box(30, 10, 40, 20))]}))
    (d / "corridors.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        corridor("C1", line((32, 15), (38, 15)))]}))
    write_incidents(d, incident_row(incident_id="ok", lat="15.1", lon="35"),
                    incident_row(incident_id="swap", lat="35", lon="15.1"),
                    incident_row(incident_id="sea", lat="-40", lon="-20"))
    rc = cli.main(["validate", "--layers", str(d)])
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert rc == 0
    assert err == [
        f"warning: {d / INC}:row 3: lat: (35, 15.1) lies outside every boundary but (lat 15.1, "
        "lon 35) lies inside: are lat and lon swapped?",
    ]
    # the point at sea is outside coverage: kept, counted, said once (not a warning per row)
    assert "2 incidents are outside your boundaries" in captured.out


def test_far_incident_is_unassigned_with_its_distance(
        layers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Jinan (Shandong) is hundreds of km from every corridor: reported, not attached."""
    from geo import pipeline

    prepared = pipeline.prepare(layers=layers)
    fate = prepared.fate.set_index("incident_id")
    assert fate.loc["t5", "status"] == "unassigned"
    km = int(re.search(r"nearest corridor (\d+) km away", fate.loc["t5", "reason"]).group(1))
    assert 500 < km < 800
    far = prepared.scored["top_incidents"].map(lambda top: any(t["incident_id"] == "t5"
                                                               for t in top))
    assert not far.any()


def test_non_utf8_csv_reads_with_explicit_encoding(
        layers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_utf8(layers)
    assert cli.main(["validate", "--layers", str(layers), "--encoding", "cp1252"]) == 0
    assert cli.main(["validate", "--layers", str(layers), "--encoding", "no-such-codec"]) == 1
    err = capsys.readouterr().err
    assert f"{layers / INC}:-: -: unknown encoding 'no-such-codec' (--encoding)" in err


@pytest.mark.parametrize("encoding", [None, "utf-8", "utf-8-sig"])
def test_csv_with_byte_order_mark(layers: Path, encoding: str | None) -> None:
    from geo.io import read_incidents

    text = ",".join(HEADER) + "\n" + incident_row(notes="Café") + "\n"
    (layers / INC).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    got = read_incidents(layers / INC, encoding=encoding)
    assert list(got["incident_id"]) == ["x1"]
    assert list(got["notes"]) == ["Café"]


def test_ragged_rows_never_shift_columns(layers: Path) -> None:
    """A row with a missing field is rejected, never read with its columns shifted."""
    from geo._errors import ValidationError
    from geo.io import read_incidents

    fields = next(csv.reader([incident_row(incident_id="short")]))
    del fields[HEADER.index("date")]  # one field fewer: every later value would move left
    write_incidents(layers, incident_row(), ",".join(fields))
    with pytest.raises(ValidationError) as info:
        read_incidents(layers / INC)
    assert [p.location for p in info.value.problems] == ["row 3"]
