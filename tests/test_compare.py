"""What changed between two dates: worked examples with exact numbers, the CLI and the map."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo import columns as C
from geo.cli import main
from geo.compare import (
    BAND_CHANGE,
    BAND_FROM,
    BAND_TO,
    CHANGE,
    CHANGE_COLUMNS,
    DENSITY_FROM,
    DENSITY_TO,
    DRIVERS,
    EXPLANATION,
    compare_dates,
)
from geo.maps.changes import build_changes_map, save_changes_map
from geo.risk import RiskField, load_model
from geo.segment import segment_corridors
from tests._browser import offline_page
from tests._factories import STRAIGHT, UNITS, incident, incidents, write_layers

# Round numbers: no quality discount, a coarse incident adds its weight as density per 100 km,
# no border baseline. Bands: 1 < 0.1 ≤ 2 < 0.5 ≤ 3 < 1.5 ≤ 4 < 4.0 ≤ 5.
MODEL = dataclasses.replace(load_model(), quality_factors=(1.0,) * 5, admin1_per_100km=1.0,
                            country_per_100km=1.0, border_crossing_exposure=0.0)
FROM, TO = date(2020, 1, 1), date(2020, 6, 15)
SEGMENTS = segment_corridors(STRAIGHT, UNITS, max_km=25)
WEST = set(SEGMENTS.loc[SEGMENTS[C.ADMIN1] == "West", C.SEGMENT_ID])
EAST = set(SEGMENTS.loc[SEGMENTS[C.ADMIN1] == "East", C.SEGMENT_ID])


def two_dates() -> pd.DataFrame:
    """West: an arrest 180 days old on FROM fades (3 → 2); East: a crackdown dated TO is new
    (1 → 3); BB: an old country-wide checkpoint stays in band 2."""
    rows = incidents([
        incident("old", date_text="2019-07-05", itype="arrest", admin1="West", country="AA"),
        incident("new", date_text="2020-06-15", itype="crackdown", admin1="East", country="AA"),
        incident("cp", date_text="2018", itype="checkpoint", country="BB"),
    ])
    return compare_dates(SEGMENTS, rows, date_from=FROM, date_to=TO, model=MODEL)


def test_worked_example_bands_densities_and_drivers():
    assert (TO - FROM).days == 166 and (FROM - date(2019, 7, 5)).days == 180
    out = two_dates()
    assert WEST and EAST
    assert set(out[C.SEGMENT_ID]) == WEST | EAST  # BB (band 2 on both dates) is not listed
    assert list(out[C.SEGMENT_ID]) == [s for s in SEGMENTS[C.SEGMENT_ID] if s in WEST | EAST]
    west = out[out[C.SEGMENT_ID].isin(WEST)]
    east = out[out[C.SEGMENT_ID].isin(EAST)]
    # West: weight 1 at 180 days = one half-life -> 0.5; at 346 days -> 2 ** (-346 / 180)
    assert west[DENSITY_FROM].tolist() == pytest.approx([0.5] * len(west))
    assert west[DENSITY_TO].tolist() == pytest.approx([2 ** (-346 / 180)] * len(west))
    assert set(west[BAND_FROM]) == {3} and set(west[BAND_TO]) == {2}
    assert set(west[BAND_CHANGE]) == {-1} and set(west[CHANGE]) == {"fell"}
    # East: nothing on FROM; the crackdown of TO counts in full (age 0) -> 1.0
    assert east[DENSITY_FROM].tolist() == [0.0] * len(east)
    assert east[DENSITY_TO].tolist() == pytest.approx([1.0] * len(east))
    assert set(east[BAND_FROM]) == {1} and set(east[BAND_TO]) == {3}
    assert set(east[BAND_CHANGE]) == {2} and set(east[CHANGE]) == {"rose"}

    fell = west[DRIVERS].iloc[0]
    assert [d["incident_id"] for d in fell] == ["old"]
    assert fell[0]["density_from"] == pytest.approx(0.5)
    assert fell[0]["delta"] == pytest.approx(2 ** (-346 / 180) - 0.5, abs=1e-6)
    assert fell[0]["share_from"] == 1.0 and fell[0]["share_to"] == 1.0
    assert fell[0]["reason"] == "older (dated 2019-07-05): fading with a half-life of 180 days"
    rose = east[DRIVERS].iloc[0]
    assert rose == [{"incident_id": "new", "type": "crackdown", "date": "2020-06-15",
                     "density_from": 0.0, "density_to": 1.0, "delta": 1.0, "share_from": 0.0,
                     "share_to": 1.0, "reason": "new: dated 2020-06-15, after 2020-01-01"}]
    assert east[EXPLANATION].iloc[0] == (
        "band 1→3 (density 0→1 per 100 km); new crackdown 2020-06-15 (+1): new: dated "
        "2020-06-15, after 2020-01-01")
    assert out.crs.equals(4326)


def test_an_ended_interval_event_is_named_as_such():
    rows = incidents([
        incident("shut", date_text="2020-01-01", end_date="2020-02-29", itype="border_closure",
                 country="BB"),
    ])
    bb = set(SEGMENTS.loc[SEGMENTS[C.COUNTRY] == "BB", C.SEGMENT_ID])
    out = compare_dates(SEGMENTS, rows, date_from=date(2020, 1, 15), date_to=TO, model=MODEL)
    assert set(out[C.SEGMENT_ID]) == bb
    # weight 2 in force on 15 Jan; on 15 Jun 107 days after the end, half-life 30 days
    assert out[DENSITY_FROM].tolist() == pytest.approx([2.0] * len(bb))
    assert out[DENSITY_TO].tolist() == pytest.approx([2.0 * 0.5 ** (107 / 30)] * len(bb))
    assert set(out[BAND_FROM]) == {4} and set(out[BAND_TO]) == {2}
    assert out[DRIVERS].iloc[0][0]["reason"] == (
        "ended 2020-02-29: fading with a half-life of 30 days")


def test_one_field_serves_both_dates_and_inputs_are_untouched():
    rows = incidents([
        incident("old", date_text="2019-07-05", itype="arrest", admin1="West", country="AA"),
        incident("new", date_text="2020-06-15", itype="crackdown", admin1="East", country="AA"),
    ])
    seg_before, rows_before = SEGMENTS.copy(), rows.copy()
    field = RiskField(SEGMENTS, rows, model=MODEL)
    a = compare_dates(SEGMENTS, rows, date_from=FROM, date_to=TO, model=MODEL, field=field)
    b = compare_dates(SEGMENTS, rows, date_from=FROM, date_to=TO, model=MODEL)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                  pd.DataFrame(b.drop(columns="geometry")))
    assert SEGMENTS.equals(seg_before) and rows.equals(rows_before)


def test_no_change_gives_an_empty_table_with_every_column():
    rows = incidents([incident("cp", date_text="2018", itype="checkpoint", country="BB")])
    out = compare_dates(SEGMENTS, rows, date_from=FROM, date_to=TO, model=MODEL)
    assert len(out) == 0
    assert set(CHANGE_COLUMNS) <= set(out.columns)


def test_dates_must_be_in_order():
    with pytest.raises(ValueError, match="earlier"):
        compare_dates(SEGMENTS, incidents([]), date_from=TO, date_to=FROM, model=MODEL)


# ------------------------------------------------------------------------- map

HOSTILE = "</script><img src=x onerror=alert(1)>${alert(2)} {{ 7*7 }} {% if 1 %}T{% endif %} {#c"


def test_change_map_is_self_contained_and_data_is_inert(tmp_path):
    rows = incidents([
        incident(HOSTILE, date_text="2020-06-15", itype="crackdown", admin1="East",
                 country="AA"),
    ])
    segs = SEGMENTS.assign(**{C.ROUTE: HOSTILE})
    out = compare_dates(segs, rows, date_from=FROM, date_to=TO, model=MODEL)
    m = build_changes_map(out, segs, UNITS, date_from=FROM, date_to=TO, title=HOSTILE)
    path = tmp_path / "changes_map.html"
    save_changes_map(m, path)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)\s*=\s*[\"']?(https?:)?//", text)
    assert "<img src=x" not in text  # only inside the JSON block, escaped as \u003c
    assert text.count("</script>") == text.count("<script")
    page_title = text.split("<title>")[1].split("</title>")[0]
    assert html.unescape(page_title) == HOSTILE  # escaped, and no Jinja evaluated
    data = re.search(r'<script type="application/json" id="[^"]+">\s*(.*?)\s*</script>', text,
                     re.S)
    assert data is not None
    payload = json.loads(data.group(1))
    assert payload["title"] == HOSTILE
    assert payload["changes"]["properties"][0][C.ROUTE] == HOSTILE
    assert payload["counts"] == {"rose": len(EAST), "fell": 0}
    save_changes_map(build_changes_map(out, segs, UNITS, date_from=FROM, date_to=TO,
                                       title=HOSTILE), tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == path.read_bytes()


@pytest.mark.browser
def test_change_map_in_chromium_offline(tmp_path):
    rows = incidents([
        incident("old", date_text="2019-07-05", itype="arrest", admin1="West", country="AA"),
        incident(HOSTILE, date_text="2020-06-15", itype="crackdown", admin1="East",
                 country="AA"),
    ])
    out = compare_dates(SEGMENTS, rows, date_from=FROM, date_to=TO, model=MODEL)
    path = tmp_path / "changes_map.html"
    save_changes_map(build_changes_map(out, SEGMENTS, UNITS, date_from=FROM, date_to=TO), path)
    with offline_page(path) as session:
        page = session.page
        page.wait_for_selector('[data-change="rose"]', state="attached")
        assert page.locator('[data-change="rose"]').count() == len(EAST)
        assert page.locator('[data-change="fell"]').count() == len(WEST)
        assert "Risk band change" in page.locator(".rc-legend").inner_text()
        page.locator('[data-change="rose"]').first.click(force=True)
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert HOSTILE in popup  # shown as text
        assert page.locator(".leaflet-popup-content img").count() == 0
    assert session.requests == []
    assert session.errors == []
    assert session.dialogs == []


@pytest.mark.browser
def test_change_map_draws_segments_outside_the_boundaries_grey_dashed(tmp_path):
    segs = SEGMENTS.assign(**{C.COVERAGE: [C.COVERAGE_OUTSIDE] + [C.COVERAGE_INSIDE]
                              * (len(SEGMENTS) - 1)})
    out = compare_dates(segs, incidents([]), date_from=FROM, date_to=TO, model=MODEL)
    path = tmp_path / "changes_map.html"
    save_changes_map(build_changes_map(out, segs, UNITS, date_from=FROM, date_to=TO), path)
    with offline_page(path) as session:
        page = session.page
        page.wait_for_selector("path.rc-outside", state="attached")
        assert page.locator("path.rc-outside").count() == 1
        assert page.locator("path.rc-outside").get_attribute("stroke-dasharray") == "6 5"
        assert "No boundary data" in page.locator(".rc-legend").inner_text()
    assert session.errors == [] and session.requests == []


# ------------------------------------------------------------------------- CLI

INCIDENTS_CSV = """incident_id,date,type,admin1,country,source_name,visibility
old,2019-07-05,arrest,West,AA,Test wire,public
new,2020-06-15,crackdown,East,AA,Test wire,public
"""


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    return write_layers(tmp_path / "layers", INCIDENTS_CSV)


def test_cli_writes_csv_and_map(layers, tmp_path, capsys):
    out = tmp_path / "out"
    fixed = tmp_path / "fixed.toml"  # fixed thresholds: bands that rise and fall by density
    fixed.write_text('[bands]\nscheme = "fixed"\n', encoding="utf-8")
    assert main(["compare", "--layers", str(layers), "--from", "2020-01-01", "--to",
                 "2020-06-15", "--config", str(fixed), "--out", str(out)]) == 0
    table = pd.read_csv(out / "changes.csv", keep_default_na=False)
    assert list(table.columns) == CHANGE_COLUMNS
    assert len(table) > 0
    assert set(table[CHANGE]) == {"rose", "fell"}
    assert set(table.loc[table[CHANGE] == "rose", C.ADMIN1]) == {"East"}
    drivers = [json.loads(cell) for cell in table[DRIVERS]]
    assert {d[0]["incident_id"] for d in drivers} == {"old", "new"}
    assert (out / "changes_map.html").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "changed band between 2020-01-01 and 2020-06-15" in printed


def test_cli_to_defaults_to_latest_incident_date(layers, tmp_path):
    out = tmp_path / "out"
    assert main(["compare", "--layers", str(layers), "--from", "2020-01-01", "--out",
                 str(out)]) == 0
    table = pd.read_csv(out / "changes.csv")
    assert set(table["date_to"]) == {"2020-06-15"}


@pytest.mark.parametrize("extra", [
    ["--from", "2020-06-15", "--to", "2020-01-01"],
    ["--from", "2020-01-01", "--to", "2020-06-15", "--as-of", "2020-03-01"],
    ["--from", "2020-07-01"],  # after the latest incident, the default --to
    ["--from", "2020-01-01", "--top", "0"],
])
def test_cli_usage_errors_exit_2_and_write_nothing(layers, tmp_path, extra, capsys):
    out = tmp_path / "out"
    assert main(["compare", "--layers", str(layers), "--out", str(out), *extra]) == 2
    assert "usage error" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("extra", [["--from", "2020-02-30"], ["--to", "2020-06-15"]])
def test_cli_malformed_arguments_exit_2(layers, extra, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--layers", str(layers), *extra])
    assert exc.value.code == 2
