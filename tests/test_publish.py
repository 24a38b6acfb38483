"""``--public``: nothing finer than admin1 and month, no notes/URLs/restricted rows, small counts
withheld, and a manifest that itself leaks nothing.

Unit tests use the tiny frames of ``tests._factories``; the end-to-end tests build a public
release through the real pipeline from the hostile base layers plus incidents whose values are
distinctive strings (coordinates, days, notes), then search every output for them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo import columns as C
from geo import pipeline, settings
from geo._errors import UsageError
from geo.cli import main
from geo.publish import ACTIONS, load_id_key, public_id, write_manifest
from geo.publish import make_public as _make_public
from tests._factories import UNITS, write_layers
from tests._factories import incident as day_incident

BASE = Path(__file__).parent / "data" / "hostile" / "base"
KEY = bytes(range(32))


def P(original: str) -> str:
    """The public id of an original id under the test key."""
    return public_id(original, key=KEY)


def make_public(inc: gpd.GeoDataFrame, **kw: Any) -> tuple[gpd.GeoDataFrame, list[dict]]:
    return _make_public(inc, key=KEY, **kw)


def incident(incident_id: str, **kw: Any) -> dict[str, Any]:
    """A factory incident dated to the month unless told otherwise (no date generalisation)."""
    return day_incident(incident_id, **{"date_text": "2020-06", **kw})


def frame(*rows: dict[str, object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(list(rows), geometry="geometry", crs=4326)


# --------------------------------------------------------------------------- the rules


def test_restricted_rows_are_dropped() -> None:
    inc = frame(incident("a", country="BB"), incident("b", country="BB", visibility="restricted"))
    public, manifest = make_public(inc, boundaries=UNITS)
    assert list(public[C.INCIDENT_ID]) == [P("a")]
    assert manifest == [{C.INCIDENT_ID: "", "action": "suppressed", "field": "visibility",
                         "reason": "restricted row"}]


def test_points_become_their_first_level_unit() -> None:
    inc = frame(incident("w", lon=0.0, lat=0.2, admin1="West", country="AA"),
                incident("e", lon=1.0, lat=0.2, geo_precision=2),  # unit not filled in
                incident("b", lon=3.0, lat=0.0),  # BB has no first-level units
                incident("sea", lon=10.0, lat=10.0))  # in no unit at all
    public, manifest = make_public(inc, boundaries=UNITS)
    assert list(public[C.INCIDENT_ID]) == [P("w"), P("e"), P("b")]
    assert list(public[C.GEO_PRECISION]) == [3, 3, 4]
    assert list(public[C.ADMIN1]) == ["West", "East", ""]
    assert list(public[C.COUNTRY]) == ["AA", "AA", "BB"]
    assert public.geometry.isna().all()
    assert public[[C.LAT, C.LON]].isna().all().all()
    assert [(m[C.INCIDENT_ID], m["action"], m["field"], m["reason"]) for m in manifest] == [
        (P("w"), "generalised", "geometry",
         "point (geo_precision 1–2) published as its first-level unit West, AA"),
        (P("e"), "generalised", "geometry",
         "point (geo_precision 1–2) published as its first-level unit East, AA"),
        (P("b"), "generalised", "geometry",
         "point (geo_precision 1–2) published as its country BB"),
        ("", "suppressed", "geometry",
         "point outside every unit of the boundaries layer; it cannot be generalised"),
    ]


@pytest.mark.parametrize(
    ("date_text", "end_date", "precision", "expected"),
    [
        ("2020-06-03", "", "day", ("2020-06", "2020-06-01", "2020-06-30", None)),
        ("2020-06", "", "month", ("2020-06", "2020-06-01", "2020-06-30", None)),
        ("2020", "", "year", ("2020", "2020-01-01", "2020-12-31", None)),
        ("2020-06-03", "2020-07-14", "day", ("2020-06", "2020-06-01", "2020-07-31", "2020-07-31")),
        ("2020-06", "2020-08", "month", ("2020-06", "2020-06-01", "2020-08-31", "2020-08-31")),
    ],
)
def test_dates_become_months(date_text: str, end_date: str, precision: str,
                             expected: tuple[str, str, str, str | None]) -> None:
    inc = frame(incident("a", date_text=date_text, end_date=end_date, country="BB"))
    public, _ = make_public(inc, boundaries=UNITS)
    row = public.iloc[0]
    got = (row[C.DATE_TEXT], row[C.DATE].date().isoformat(), row[C.PERIOD_END].date().isoformat(),
           None if pd.isna(row[C.END_DATE]) else row[C.END_DATE].date().isoformat())
    assert got == expected
    assert row[C.DATE_PRECISION] == ("month" if precision == "day" else precision)


def test_week_running_into_next_month_keeps_the_whole_period() -> None:
    rec = incident("a", date_text="2020-06-28", country="BB")
    rec.update({C.DATE_PRECISION: "week", C.PERIOD_END: pd.Timestamp("2020-07-04")})
    public, manifest = make_public(frame(rec), boundaries=UNITS)
    assert public[C.DATE].iloc[0] == pd.Timestamp("2020-06-01")
    assert public[C.PERIOD_END].iloc[0] == pd.Timestamp("2020-07-31")
    assert manifest[0]["reason"] == "week date published to the month"


def test_notes_urls_places_and_source_dates() -> None:
    rec = incident("a", country="BB", notes="met broker at hotel", source_url="https://x.org/1")
    rec.update({C.PLACE: "Dongxing", C.SOURCE_DATE: "2020-06-04"})
    odd = incident("b", country="BB")
    odd[C.SOURCE_DATE] = "June 4th"
    public, manifest = make_public(frame(rec, odd), boundaries=UNITS)
    assert list(public[C.NOTES]) == ["", ""]
    assert list(public[C.SOURCE_URL]) == ["", ""]
    assert list(public[C.PLACE]) == ["", ""]
    assert list(public[C.SOURCE_DATE]) == ["2020-06", ""]
    assert list(public[C.SOURCE_NAME]) == ["test", "test"]  # who reported it stays
    assert [(m[C.INCIDENT_ID], m["action"], m["field"]) for m in manifest] == [
        (P("a"), "removed", "place"), (P("a"), "generalised", "source_date"),
        (P("a"), "removed", "notes"), (P("a"), "removed", "source_url"),
        (P("b"), "removed", "source_date")]


def test_small_counts_are_withheld_but_the_row_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    inc = frame(*(incident(f"c{n}", country="BB", count=float(n)) for n in (0, 4, 5, 139)),
                incident("unknown", country="BB"))
    public, manifest = make_public(inc, boundaries=UNITS)
    assert settings.PUBLIC_MIN_COUNT == 5
    assert list(public[C.INCIDENT_ID]) == [P(i) for i in ("c0", "c4", "c5", "c139", "unknown")]
    assert public[C.COUNT].tolist()[2:4] == [5.0, 139.0]
    assert public[C.COUNT].isna().tolist() == [True, True, False, False, True]
    assert manifest == [
        {C.INCIDENT_ID: P(f"c{n}"), "action": "count suppressed", "field": "count",
         "reason": "count below the publication threshold of 5"} for n in (0, 4)]
    assert make_public(inc, boundaries=UNITS, min_count=0)[1] == []
    monkeypatch.setattr(settings, "PUBLIC_MIN_COUNT", 200)  # read at call time
    assert make_public(inc, boundaries=UNITS)[0][C.COUNT].isna().all()


def test_negative_threshold_is_a_usage_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["build", "--layers", str(BASE), "--out", str(tmp_path / "out"), "--public",
               "--min-count", "-1", "--formats", ""])
    assert rc == 2
    assert capsys.readouterr().err == (
        "routerisk: usage error: --min-count: must be 0 or more, not -1\n")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_make_public_is_pure_and_keeps_the_schema() -> None:
    inc = frame(incident("a", lon=0.0, lat=0.2, date_text="2020-06-03", notes="n", count=2.0),
                incident("b", country="BB", visibility="restricted"))
    before = inc.copy()
    public, _ = make_public(inc, boundaries=UNITS)
    pd.testing.assert_frame_equal(inc, before)
    assert list(public.columns) == list(inc.columns)
    assert public.dtypes.drop("geometry").equals(inc.dtypes.drop("geometry"))
    assert list(public.index) == [0]
    assert public.crs == inc.crs


def test_every_action_is_documented() -> None:
    inc = frame(incident("a", lon=0.0, lat=0.2, date_text="2020-06-03", notes="n", count=2.0),
                incident("b", country="BB", visibility="restricted"))
    _, manifest = make_public(inc, boundaries=UNITS)
    assert {m["action"] for m in manifest} == set(ACTIONS)


def test_manifest_file(tmp_path: Path) -> None:
    inc = frame(incident("a", lon=0.0, lat=0.2, date_text="2020-06-03", notes="n", count=2.0),
                incident("b", country="BB", visibility="restricted"))
    _, manifest = make_public(inc, boundaries=UNITS)
    write_manifest(manifest, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert set(doc) == {"about", "rules", "min_count", "summary", "suppressed", "entries"}
    assert doc["min_count"] == 5
    assert doc["summary"] == {"count suppressed": 1, "generalised": 2, "removed": 1,
                              "suppressed": 1}
    assert doc["suppressed"] == {"restricted row": 1}  # a count, never an id
    assert doc["entries"] == [m for m in manifest if m["action"] != "suppressed"]
    assert {e[C.INCIDENT_ID] for e in doc["entries"]} == {P("a")}
    first = (tmp_path / "m.json").read_bytes()
    write_manifest(manifest, tmp_path / "m.json")
    assert (tmp_path / "m.json").read_bytes() == first


# --------------------------------------------------------------------------- end to end

# Distinctive values: none of these strings may appear in any public output.
SECRET_POINTS = [("25.04172", "102.69613"), ("22.81193", "108.33174"), ("21.55311", "107.96528")]
SECRET_DAYS = ["2021-03-17", "2021-04-09", "2021-03-23", "2021-01-10", "2021-02-14"]
SECRET_TEXT = ["NOTE-p1 met at the bus station", "NOTE-r2 safe house", "https://example.org/p1x",
               "https://example.org/r2x", "Dongxing"]
ORIGINAL_IDS = ["ORIG-p1-KMG", "R-SECRET-7", "ORIG-p3-GX", "ORIG-p4-FCG", "ORIG-p5-VN",
                "ORIG-p6-NM", "ORIG-p7-VN"]
PUBLIC_CSV = "\n".join([
    "incident_id,date,end_date,type,lat,lon,place,admin1,country,geo_precision,count,"
    "source_name,source_url,source_date,source_quality,notes,visibility",
    "ORIG-p1-KMG,2021-03-17,,arrest,25.04172,102.69613,,,,1,2,"
    "Wire A,https://example.org/p1x,2021-03-18,4,NOTE-p1 met at the bus station,public",
    "R-SECRET-7,2021-04-09,,broker_detention,22.81193,108.33174,,,,1,12,"
    "Wire B,https://example.org/r2x,,3,NOTE-r2 safe house,restricted",
    "ORIG-p3-GX,2021-02,,crackdown,,,,Guangxi,CN,3,120,Wire A,,,3,,public",
    "ORIG-p4-FCG,2021-03-23,,arrest,21.55311,107.96528,,,,2,7,Wire C,,,3,,public",
    "ORIG-p5-VN,2021,,checkpoint,,,,,VN,4,0,Wire A,,,2,,public",
    "ORIG-p6-NM,2021-01-10,2021-02-14,border_closure,,,,Nei Mongol,CN,3,,Wire A,,,4,,public",
    "ORIG-p7-VN,2021-03,,transit,,,,,VN,4,450,Wire C,,,3,,public",
    "",
])


def _layers(d: Path) -> Path:
    layers = d / "layers"
    shutil.copytree(BASE, layers)
    (layers / "incidents.csv").write_text(PUBLIC_CSV, encoding="utf-8")
    return layers


def _key_file(d: Path, key: bytes = KEY) -> Path:
    path = d / "org.key"
    path.write_text(key.hex() + "\n", encoding="ascii")
    return path


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pipeline.Prepared]:
    d = tmp_path_factory.mktemp("public")
    prepared = pipeline.prepare(layers=_layers(d), public=True, id_key=_key_file(d))
    pipeline.write_outputs(prepared, d / "out", formats=("svg", "png", "pdf"))
    return d / "out", prepared


def _texts(out: Path) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())
             if p.suffix in {".html", ".geojson", ".csv", ".json", ".svg"}}
    gpkg = out / "route_risk.gpkg"
    if gpkg.exists():
        for name in pyogrio.list_layers(gpkg)[:, 0]:
            layer = gpd.read_file(gpkg, layer=name)
            texts[f"{gpkg.name}:{name}"] = layer.to_csv(index=False)  # geometry as WKT
    return texts


_DATA = re.compile(r'(<script type="application/json" id="[^"]+">\n)(.*?)(\n</script>)', re.S)


def _without_basemap(page: str) -> tuple[str, list[str]]:
    """The map page with its basemap taken out of the data, and the basemap's names.

    The basemap names every gazetteer place of the region, whatever the incidents (checked
    by the caller): a town there is no incident's place.
    """
    found = _DATA.search(page)
    assert found is not None
    data = json.loads(found.group(2))
    names = data.pop("basemap")["strings"]
    return page[:found.start(2)] + json.dumps(data) + page[found.end(2):], names


def _inflated(data: bytes) -> list[bytes]:
    """Every zlib stream inside a file (PDF FlateDecode streams, PNG text and data chunks)."""
    found = []
    for start in (m.start() for m in re.finditer(rb"\x78[\x01\x5e\x9c\xda]", data)):
        try:
            found.append(zlib.decompressobj().decompress(data[start:], 50_000_000))
        except zlib.error:
            continue
    return found


def _public_bytes(out: Path) -> dict[str, bytes]:
    """Every byte of every file of a public folder, with compressed streams opened up."""
    blobs: dict[str, bytes] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        blobs[path.name] = data
        if path.suffix in {".pdf", ".png"}:
            for n, inner in enumerate(_inflated(data)):
                blobs[f"{path.name}#stream{n}"] = inner
    return blobs


def test_public_release_leaks_no_point_day_note_url_or_restricted_row(
        release: tuple[Path, pipeline.Prepared]) -> None:
    from geo.maps._context import context_bounds, context_payload
    from geo.maps.basemap import load_context

    out, _ = release
    texts = _texts(out)
    assert {"route_risk_map.html", "segments.geojson", "routes.csv", "incidents_fate.csv",
            "public_manifest.json", "route_risk_map.svg", "build_manifest.json"} <= set(texts)
    page, names = _without_basemap(texts["route_risk_map.html"])
    bounds = json.loads(_DATA.search(page).group(2))["bounds"]  # type: ignore[union-attr]
    assert names == context_payload(load_context(context_bounds(bounds)))["strings"]
    texts["route_risk_map.html"] = page
    for name, text in texts.items():
        for lat, lon in SECRET_POINTS:  # to 3 decimals (~100 m), not inside a longer number
            for value in (lat[:6], lon[:7]):
                assert not re.search(rf"(?<![0-9]){re.escape(value)}", text), (name, value)
        for day in SECRET_DAYS:
            assert day not in text, (name, day)
        for secret in SECRET_TEXT:
            assert secret not in text, (name, secret)
    assert "example.org" not in texts["route_risk_map.html"]


def test_no_public_byte_holds_an_original_id_or_a_source_row(
        release: tuple[Path, pipeline.Prepared]) -> None:
    out, prepared = release
    blobs = _public_bytes(out)
    assert {"route_risk.gpkg", "route_risk_map.png", "route_risk_map.pdf",
            "route_risk_map.svg", "route_risk_map.html"} <= set(blobs)
    assert any(k.startswith("route_risk_map.pdf#") for k in blobs)  # the PDF streams opened
    for original in ORIGINAL_IDS:
        for name, data in blobs.items():
            for form in (original, original.lower(), original.upper()):
                assert form.encode("utf-8") not in data, (name, original)
                assert form.encode("utf-16-le") not in data, (name, original)
    for name, data in blobs.items():  # source locators such as "row 3" / "feature 2"
        assert not re.search(rb"\b(row|feature) [0-9]+\b", data), name
    # the published incidents carry opaque ids, and the row column is empty everywhere
    ids = set(prepared.incidents[C.INCIDENT_ID])
    assert ids == {P(i) for i in ORIGINAL_IDS if i != "R-SECRET-7"}
    assert all(re.fullmatch(r"inc-[0-9a-f]{16}", i) for i in ids)
    layer = gpd.read_file(out / "route_risk.gpkg", layer="incidents")
    assert set(layer[C.INCIDENT_ID]) == ids
    assert C.ROW not in layer.columns or (layer[C.ROW].fillna("") == "").all()
    for name in ("segments", "boundaries"):
        cols = gpd.read_file(out / "route_risk.gpkg", layer=name).columns
        assert C.ROW not in cols, name
    segments = json.loads((out / "segments.geojson").read_text(encoding="utf-8"))
    assert C.ROW not in segments["features"][0]["properties"]
    tops = {t["incident_id"] for f in segments["features"]
            for t in json.loads(f["properties"]["top_incidents"])}
    assert tops and tops <= ids | {"baseline"}


def test_public_incidents_are_at_most_admin1_and_month(
        release: tuple[Path, pipeline.Prepared]) -> None:
    out, prepared = release
    inc = prepared.incidents
    assert inc.geometry.isna().all()
    assert (inc[C.GEO_PRECISION] >= 3).all()
    assert set(inc[C.DATE_PRECISION]) <= {"month", "year"}
    assert all(re.fullmatch(r"\d{4}(-\d{2})?", t) for t in inc[C.DATE_TEXT])
    assert (inc[C.NOTES] == "").all()
    assert (inc[C.SOURCE_URL] == "").all()
    assert (inc[C.VISIBILITY] == "public").all()
    segments = json.loads((out / "segments.geojson").read_text(encoding="utf-8"))
    assert {f["geometry"]["type"] for f in segments["features"]} == {"LineString"}
    layer = gpd.read_file(out / "route_risk.gpkg", layer="incidents")
    assert layer.geometry.isna().all()
    assert layer[[C.LAT, C.LON]].isna().all().all()


def test_small_counts_are_withheld_everywhere(release: tuple[Path, pipeline.Prepared]) -> None:
    out, prepared = release
    counts = prepared.incidents.set_index(C.INCIDENT_ID)[C.COUNT]
    assert np.isnan(counts[P("ORIG-p1-KMG")]) and np.isnan(counts[P("ORIG-p5-VN")])
    assert counts[P("ORIG-p4-FCG")] == 7 and counts[P("ORIG-p3-GX")] == 120
    layer = gpd.read_file(out / "route_risk.gpkg", layer="incidents").set_index(C.INCIDENT_ID)
    assert np.isnan(layer.loc[P("ORIG-p1-KMG"), C.COUNT])
    assert layer.loc[P("ORIG-p4-FCG"), C.COUNT] == 7


def test_public_release_accounts_for_every_incident_suppressed_ones_as_counts(
        release: tuple[Path, pipeline.Prepared]) -> None:
    out, _ = release
    fate = pd.read_csv(out / "incidents_fate.csv", dtype=str, keep_default_na=False)
    published = fate[fate[C.INCIDENT_ID] != ""]
    assert sorted(published[C.INCIDENT_ID]) == sorted(
        P(i) for i in ORIGINAL_IDS if i != "R-SECRET-7")
    counted = fate[fate[C.INCIDENT_ID] == ""]
    assert counted[[C.STATUS, C.REASON]].values.tolist() == [
        ["rejected", "not published: restricted row (1 incident)"]]
    assert len(published) + 1 == len(ORIGINAL_IDS)  # nothing dropped silently


def test_public_manifest_lists_changes_and_leaks_nothing(
        release: tuple[Path, pipeline.Prepared]) -> None:
    out, prepared = release
    doc = json.loads((out / "public_manifest.json").read_text(encoding="utf-8"))
    assert doc["entries"] == [m for m in prepared.manifest if m["action"] != "suppressed"]
    assert doc["suppressed"] == {"restricted row": 1}
    entries = {(e[C.INCIDENT_ID], e["field"]): e for e in doc["entries"]}
    assert entries[(P("ORIG-p1-KMG"), "geometry")]["reason"] == (
        "point (geo_precision 1–2) published as its first-level unit Yunnan, CN")
    assert entries[(P("ORIG-p4-FCG"), "geometry")]["reason"] == (
        "point (geo_precision 1–2) published as its first-level unit Guangxi, CN")
    assert entries[(P("ORIG-p1-KMG"), "count")]["action"] == "count suppressed"
    assert entries[(P("ORIG-p5-VN"), "count")]["action"] == "count suppressed"
    assert entries[(P("ORIG-p6-NM"), "end_date")]["action"] == "generalised"
    assert not [e for e in doc["entries"] if e["action"] == "suppressed"]
    text = json.dumps(doc)
    for value in [*SECRET_DAYS, *SECRET_TEXT[:4], *ORIGINAL_IDS, "25.04", "102.69", "Wire B"]:
        assert value not in text


def test_public_ids_are_stable_for_a_key_and_change_with_it(tmp_path: Path) -> None:
    layers = _layers(tmp_path)
    key = _key_file(tmp_path)
    first = pipeline.prepare(layers=layers, public=True, id_key=key)
    again = pipeline.prepare(layers=layers, public=True, id_key=key)
    assert list(first.incidents[C.INCIDENT_ID]) == list(again.incidents[C.INCIDENT_ID])
    other = tmp_path / "other"
    other.mkdir()
    moved = pipeline.prepare(layers=layers, public=True,
                             id_key=_key_file(other, bytes(range(7, 39))))
    assert not set(first.incidents[C.INCIDENT_ID]) & set(moved.incidents[C.INCIDENT_ID])


def test_restricted_build_writes_the_id_map_on_request_only(tmp_path: Path) -> None:
    layers = _layers(tmp_path)
    key = _key_file(tmp_path)
    assert main(["build", "--layers", str(layers), "--out", str(tmp_path / "r"), "--formats",
                 "", "--id-key", str(key), "--write-id-map"]) == 0
    mapping = pd.read_csv(tmp_path / "r" / "public_id_map.csv", dtype=str)
    assert mapping.columns.tolist() == [C.INCIDENT_ID, "public_id", C.VISIBILITY]
    assert dict(zip(mapping[C.INCIDENT_ID], mapping["public_id"], strict=True)) == {
        i: P(i) for i in ORIGINAL_IDS}
    assert main(["build", "--layers", str(layers), "--out", str(tmp_path / "p"), "--formats",
                 "", "--id-key", str(key), "--public"]) == 0
    fate = pd.read_csv(tmp_path / "p" / "incidents_fate.csv", dtype=str, keep_default_na=False)
    assert set(fate[C.INCIDENT_ID]) - {""} <= set(mapping["public_id"])
    assert not (tmp_path / "p" / "public_id_map.csv").exists()
    assert main(["build", "--layers", str(layers), "--out", str(tmp_path / "d"), "--formats",
                 "", "--id-key", str(key)]) == 0
    assert not (tmp_path / "d" / "public_id_map.csv").exists()  # opt-in


def test_the_id_map_never_goes_into_a_public_folder_nor_the_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layers = _layers(tmp_path)
    key = _key_file(tmp_path)
    assert main(["build", "--layers", str(layers), "--out", str(tmp_path / "p"), "--formats",
                 "", "--id-key", str(key), "--public", "--write-id-map"]) == 2
    assert "--write-id-map" in capsys.readouterr().err
    out = tmp_path / "p2"
    out.mkdir()
    inside = _key_file(out)
    assert main(["build", "--layers", str(layers), "--out", str(out), "--formats", "",
                 "--id-key", str(inside), "--public"]) == 2
    assert "inside the output folder" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["org.key"]


def test_a_missing_key_file_is_made_once_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    key, path = load_id_key(tmp_path / "keys" / "new.key")
    assert len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert load_id_key(path)[0] == key
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    with pytest.raises(UsageError, match=r"bad\.key: not a routerisk public-id key"):
        load_id_key(bad)


def test_default_build_is_not_generalised(tmp_path: Path) -> None:
    prepared = pipeline.prepare(layers=_layers(tmp_path))
    assert not prepared.manifest
    assert "R-SECRET-7" in set(prepared.incidents[C.INCIDENT_ID])
    assert prepared.incidents.geometry.notna().sum() == 3


# --------------------------------------------------------------------------- hardening


def test_a_stated_month_keeps_no_day_in_the_public_date_text() -> None:
    inc = frame(incident("a", country="BB", date_text="2024-08-21", date_precision="month"))
    public, manifest = make_public(inc, boundaries=UNITS)
    assert public[C.DATE_TEXT].tolist() == ["2024-08"]
    assert [m["field"] for m in manifest if m["action"] == "generalised"] == [C.DATE_TEXT]


def test_public_build_files_keep_no_day_of_a_stated_month(tmp_path: Path) -> None:
    layers = write_layers(tmp_path / "layers", (
        "incident_id,date,date_precision,type,lat,lon,country,count,visibility\n"
        "a1,2024-08-21,month,arrest,0.3,1.0,,15,public\n"))
    out = tmp_path / "out"
    assert main(["build", "--layers", str(layers), "--out", str(out), "--public",
                 "--formats", "", "--geoparquet", "--id-key", str(_hex_key_file(tmp_path))]) == 0
    gpkg = pyogrio.read_dataframe(out / "route_risk.gpkg", layer="incidents")
    parquet = pd.read_parquet(out / "incidents.parquet")
    for table in (gpkg, parquet):
        assert table[C.DATE_TEXT].tolist() == ["2024-08"]
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".geojson", ".html", ".json"):
            assert "2024-08-21" not in path.read_text(encoding="utf-8"), path.name


def test_public_manifests_carry_no_input_hashes_and_record_the_threshold(tmp_path: Path
                                                                         ) -> None:
    csv = ("incident_id,date,type,lat,lon,country,count,visibility\n"
           "a1,2024-08,arrest,0.3,1.0,,7,public\n")
    layers = write_layers(tmp_path / "layers", csv)
    out = tmp_path / "out"
    assert main(["build", "--layers", str(layers), "--out", str(out), "--public",
                 "--min-count", "10", "--formats", "", "--id-key",
                 str(_hex_key_file(tmp_path))]) == 0
    text = (out / "build_manifest.json").read_text(encoding="utf-8")
    digest = hashlib.sha256((layers / "incidents.csv").read_bytes()).hexdigest()
    assert digest not in text and "sha256" not in json.loads(text)["inputs"]["incidents"]
    assert json.loads((out / "public_manifest.json").read_text("utf-8"))["min_count"] == 10


def test_a_public_output_beside_one_with_another_threshold_says_so(tmp_path: Path, capsys
                                                                   ) -> None:
    csv = ("incident_id,date,type,lat,lon,country,count,visibility\n"
           "a1,2024-08,arrest,0.3,1.0,,7,public\n")
    layers = write_layers(tmp_path / "layers", csv)
    key = str(_hex_key_file(tmp_path))
    common = ["--layers", str(layers), "--public", "--formats", "", "--id-key", key]
    assert main(["build", "--out", str(tmp_path / "rel" / "a"), "--min-count", "10",
                 *common]) == 0
    assert "differencing" not in capsys.readouterr().err
    assert main(["build", "--out", str(tmp_path / "rel" / "b"), *common]) == 0
    err = capsys.readouterr().err
    assert "min_count 10" in err and "differencing" in err


def test_public_build_warnings_quote_no_restricted_value(tmp_path: Path, capsys) -> None:
    # a point in another country than stated, and one outside every unit: both warnings quote
    # the coordinates and the source row in a restricted build
    csv = ("incident_id,date,type,lat,lon,country,count,visibility\n"
           "a1,2024-08,arrest,0.3,1.0,,7,public\n"
           "secret,2024-08,arrest,0.123456,1.0987654,BB,7,restricted\n"
           "s2,2024-08,arrest,5.123456,9.0987654,,7,restricted\n")
    layers = write_layers(tmp_path / "layers", csv)
    said = {}
    for mode in ("restricted", "public"):
        extra = ["--public", "--id-key", str(_hex_key_file(tmp_path))] if mode == "public" else []
        assert main(["build", "--layers", str(layers), "--out", str(tmp_path / mode),
                     "--formats", "", *extra]) == 0
        text = capsys.readouterr()
        said[mode] = text.out + text.err
    values = ("0.123456", "1.09877", "row 3")  # row 4 is outside coverage: counted, not quoted
    assert all(v in said["restricted"] for v in values)  # the control: they are there
    assert not any(v in said["public"] for v in values)
    assert "details withheld in a public build" in said["public"]


def _hex_key_file(tmp_path: Path) -> Path:
    key = tmp_path / "keys" / "public-id.key"
    key.parent.mkdir(exist_ok=True)
    key.write_text(bytes(range(40, 72)).hex() + "\n")
    key.chmod(0o600)
    return key


@pytest.mark.parametrize("weak", [bytes(32), b"\x07" * 32, b"ab" * 16])
def test_a_key_that_is_not_random_is_refused(tmp_path: Path, weak: bytes) -> None:
    path = tmp_path / "weak.key"
    path.write_text(weak.hex() + "\n")
    with pytest.raises(UsageError, match="is not random"):
        load_id_key(path)


def test_a_key_others_can_read_is_warned_about(tmp_path: Path, caplog) -> None:
    path = tmp_path / "org.key"
    path.write_text(KEY.hex() + "\n")
    path.chmod(0o644)
    assert load_id_key(path)[0] == KEY
    assert "can be read by other users" in caplog.text and "chmod 600" in caplog.text


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_special_files_as_key_config_or_mapping_are_one_line_not_a_hang(
        tmp_path: Path, capsys, special: str) -> None:
    import os

    if special == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = Path(special)
    layers = _layers(tmp_path)
    out = str(tmp_path / "out")
    for args in (["build", "--layers", str(layers), "--out", out, "--public", "--id-key",
                  str(target)],
                 ["build", "--layers", str(layers), "--out", out, "--config", str(target)],
                 ["import", "csv", str(layers / "incidents.csv"), "--out",
                  str(tmp_path / "i.csv"), "--map", str(target)]):
        rc = main(args)
        err = capsys.readouterr().err
        assert rc in (1, 2), args
        assert "not a regular file" in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) <= 2, err  # the problem, and a summary line


def test_compare_public_uses_the_min_count_given_not_always_5(tmp_path: Path) -> None:
    """A count of 7 withheld by a build with --min-count 10 must stay withheld in a public
    comparison, which always used 5 (its density ratio then gave the 7 back exactly)."""
    layers = write_layers(tmp_path / "layers", (
        "incident_id,date,type,lat,lon,country,count,visibility\n"
        "a1,2020-01-05,arrest,0.3,1.0,,30,public\n"
        "a2,2020-05-05,arrest,0.3,1.0,,7,public\n"
        "a3,2020-05-09,arrest,0.3,1.1,,40,public\n"))
    key = str(_hex_key_file(tmp_path))
    density = {}
    for threshold in ("5", "10"):
        out = tmp_path / f"cmp{threshold}"
        assert main(["compare", "--layers", str(layers), "--from", "2020-02-01", "--to",
                     "2020-06-30", "--public", "--min-count", threshold, "--id-key", key,
                     "--out", str(out)]) == 0
        changes = pd.read_csv(out / "changes.csv")
        density[threshold] = changes.set_index(C.SEGMENT_ID)["density_to"]
        manifest = json.loads((out / "public_manifest.json").read_text("utf-8")) if (
            out / "public_manifest.json").exists() else None
        assert manifest is None or manifest["min_count"] == int(threshold)
    build = pipeline.prepare(layers=layers, public=True, min_count=10, as_of=date(2020, 6, 30),
                             id_key=_hex_key_file(tmp_path))
    scored = build.scored.set_index(C.SEGMENT_ID)[C.RISK_DENSITY]
    common = density["10"].index
    assert len(common)
    np.testing.assert_allclose(density["10"], scored.loc[common], rtol=1e-6)
    assert not np.allclose(density["5"].reindex(common), density["10"])  # the 7 counted at 5
