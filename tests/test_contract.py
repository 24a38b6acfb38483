"""The import → build contract: every row ``import`` writes builds.

Rows outside the boundaries are kept (fate ``outside_coverage``) in build, validate, backtest
and tune; admin1 is reconciled with the boundaries for every precision; renamed and split
provinces resolve through the shipped alias table; names compare folded. Files are written in
the exact column layouts of the datasets (ACLED 2023+, UCDP GED, IOM MMP 2021+), with invented
rows, around a small DR Congo boundaries layer of the 2015 provinces.
"""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import columns as C
from geo._errors import InputWarning, Problem, ValidationError
from geo._names import alias_table, name_key, successors
from geo._problems import summary_lines
from geo.cli import main
from geo.importers import country_codes, read_acled, read_mmp, read_ucdp
from geo.io import read_boundaries, read_incidents
from geo.pipeline import prepare
from geo.risk import load_model
from tests import _import_samples as S

# DR Congo after 2015 (a few provinces), Rwanda as a country-only unit.
UNITS = [("CD", "Kinshasa", (15, -6, 20, -3)), ("CD", "Kasaï-Oriental", (20, -6, 24, -3)),
         ("CD", "Haut-Katanga", (24, -12, 27, -8)), ("CD", "Lualaba", (21, -12, 24, -8)),
         ("CD", "Kongo-Central", (12, -6, 15, -4)), ("RW", "", (29, -3, 31, -1))]
CORRIDORS = [("west", "West", [[13.0, -5.0], [17.5, -4.5], [22.0, -4.5]]),
             ("south", "South", [[22.0, -10.0], [25.5, -10.0]]),
             ("east", "East", [[29.5, -2.5], [30.5, -1.5]])]
ACLED_HEADER = S.ACLED_2023_HEADER.split(",")


def _box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


def _layers(folder: Path) -> tuple[Path, Path]:
    b = folder / "boundaries.geojson"
    b.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"country": cc, "admin1": a1}, "geometry": _box(*box)}
        for cc, a1, box in UNITS]}), "utf-8")
    c = folder / "corridors.geojson"
    c.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"corridor_id": cid, "route": route, "name": cid},
         "geometry": {"type": "LineString", "coordinates": xy}} for cid, route, xy in CORRIDORS]}),
        "utf-8")
    return b, c


def _acled_row(**cells: str) -> str:
    base = {"time_precision": "1", "disorder_type": "Political violence",
            "event_type": "Battles", "sub_event_type": "Armed clash", "geo_precision": "1",
            "source": "Radio", "fatalities": "1", "iso": "180",
            "country": "Democratic Republic of Congo"}
    base.update(cells)
    return ",".join(f'"{base.get(h, "")}"' for h in ACLED_HEADER)


ACLED_ROWS = [
    # a point in Kinshasa whose source names the pre-2015 province
    _acled_row(event_id_cnty="COD1", event_date="2023-03-01", admin1="Kinshasa",
               latitude="-4.4", longitude="17.0"),
    # accents and case differ from the boundaries (Kasaï-Oriental), geo_precision 3, no point
    _acled_row(event_id_cnty="COD2", event_date="2023-03-02", admin1="KASAI ORIENTAL",
               geo_precision="3"),
    # a point whose source admin1 is a province that no longer exists
    _acled_row(event_id_cnty="COD3", event_date="2023-03-03", admin1="Katanga",
               latitude="-10.0", longitude="25.5"),
    # known only to Katanga (split in 2015): spreads over Haut-Katanga and Lualaba
    _acled_row(event_id_cnty="COD4", event_date="2023-03-04", admin1="Katanga",
               geo_precision="3"),
    # Bas-Congo was renamed Kongo-Central
    _acled_row(event_id_cnty="COD5", event_date="2023-03-05", admin1="Bas-Congo",
               geo_precision="3"),
    # other countries of an "All Africa" export: outside the boundaries
    _acled_row(event_id_cnty="ALG1", event_date="2023-03-06", admin1="Alger", iso="12",
               country="Algeria", latitude="36.7", longitude="3.1"),
    _acled_row(event_id_cnty="TUN1", event_date="2023-03-07", admin1="Tunis", iso="788",
               country="Tunisia", geo_precision="3"),
    # Rwanda: in the boundaries, without first-level units
    _acled_row(event_id_cnty="RWA1", event_date="2023-03-08", admin1="Kigali", iso="646",
               country="Rwanda", latitude="-1.95", longitude="30.06"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("contract")
    b, c = _layers(folder)
    src = folder / "acled_all_africa.csv"
    src.write_text(S.ACLED_2023_HEADER + "\n" + "\n".join(ACLED_ROWS) + "\n", "utf-8")
    out = folder / "imported" / "incidents.csv"
    assert main(["import", "acled", str(src), "--out", str(out), "--boundaries", str(b)]) == 0
    return {"boundaries": b, "corridors": c, "source": src, "incidents": out, "folder": folder}


def _inputs(world: dict[str, Path]) -> list[str]:
    return ["--boundaries", str(world["boundaries"]), "--corridors", str(world["corridors"]),
            "--incidents", str(world["incidents"])]


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r[C.INCIDENT_ID]: r for r in csv.DictReader(fh)}


# ------------------------------------------------------------------ every written row builds


def test_every_row_import_writes_builds_and_is_accounted_for(world, tmp_path, capsys):
    written = _rows(world["incidents"])
    assert len(written) == len(ACLED_ROWS)
    capsys.readouterr()
    out = tmp_path / "build"
    assert main(["build", *_inputs(world), "--out", str(out), "--formats", ""]) == 0
    printed = capsys.readouterr().out
    fate = _rows(out / "incidents_fate.csv")
    assert set(fate) == set(written)
    page = (out / "route_risk_map.html").read_text("utf-8")
    assert "COD1" in page and "ALG1" not in page and "TUN1" not in page  # not drawn
    status = {k: v["status"] for k, v in fate.items()}
    assert status["ALG1"] == status["TUN1"] == "outside_coverage"
    assert fate["TUN1"]["reason"] == "country TN is not in the boundaries layer"
    assert fate["ALG1"]["reason"] == "the point (36.7, 3.1) lies outside every boundary polygon"
    assert all(s != "outside_coverage" for k, s in status.items() if k not in ("ALG1", "TUN1"))
    assert ("2 incidents from 2 countries are outside your boundaries: kept as "
            "outside_coverage") in printed
    # import counted the same rows as outside
    imported = read_acled(world["source"], boundaries=read_boundaries(world["boundaries"]))
    assert imported.outside == {"DZ": 1, "TN": 1}
    assert "2 rows from 2 countries are outside your boundaries" in imported.summary


def test_a_public_build_gives_outside_rows_only_as_a_count(world, tmp_path, capsys):
    out = tmp_path / "public"
    assert main(["build", *_inputs(world), "--out", str(out), "--formats", "", "--public",
                 "--min-count", "0"]) == 0
    assert "2 incidents are outside your boundaries" in capsys.readouterr().out
    with open(out / "incidents_fate.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r[C.STATUS] == "outside_coverage"]
    assert rows == [{C.INCIDENT_ID: "", C.STATUS: "outside_coverage", C.REASON: "2 incidents "
                     "outside the boundaries (not published one by one)", C.KERNEL_MASS: "0.0"}]


@pytest.mark.parametrize("command", ["validate", "backtest", "tune"])
def test_outside_rows_are_never_an_error(command, world, tmp_path, capsys):
    extra = {"validate": [],
             "backtest": ["--origins", "2023-03-02:2023-03-04:1d", "--horizons", "2",
                          "--out", str(tmp_path / "bt")],
             "tune": ["--origins", "2023-03-02:2023-03-04:1d", "--horizons", "2",
                      "--out", str(tmp_path / "tune")]}[command]
    code = main([command, *_inputs(world), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "is not in the boundaries layer" not in captured.err


def test_a_country_outside_is_kept_with_or_without_a_country_column(world, tmp_path):
    """ACLED names the country, MMP sometimes not: a point outside is outside either way."""
    b = read_boundaries(world["boundaries"])
    path = tmp_path / "i.csv"
    path.write_text("incident_id,date,type,lat,lon,country\n"
                    "with,2023-01-01,arrest,36.7,3.1,DZ\n"
                    "without,2023-01-01,arrest,36.7,3.1,\n"
                    "in_cd_named_rw,2023-01-01,arrest,-4.4,17.0,RW\n", "utf-8")
    with pytest.warns(InputWarning, match="lies in Kinshasa, CD, not in RW"):
        inc = read_incidents(path, boundaries=b)
    assert inc[C.COVERAGE].tolist() == ["outside", "outside", "inside"]


# ------------------------------------------------------------------ admin1 for every precision


def test_point_rows_take_admin1_from_the_point_and_keep_the_sources(world):
    rows = _rows(world["incidents"])
    assert (rows["COD3"][C.ADMIN1], rows["COD3"][C.ADMIN1_SOURCE]) == ("Haut-Katanga", "Katanga")
    assert (rows["COD1"][C.ADMIN1], rows["COD1"][C.ADMIN1_SOURCE]) == ("Kinshasa", "")
    # a unit row keeps the boundaries' spelling; the source's is kept beside it
    assert (rows["COD2"][C.ADMIN1], rows["COD2"][C.ADMIN1_SOURCE]) == (
        "Kasaï-Oriental", "KASAI ORIENTAL")
    assert (rows["COD5"][C.ADMIN1], rows["COD5"][C.ADMIN1_SOURCE]) == ("Kongo-Central",
                                                                        "Bas-Congo")
    # a country without first-level units: no admin1
    assert (rows["RWA1"][C.ADMIN1], rows["RWA1"][C.ADMIN1_SOURCE]) == ("", "Kigali")


def test_a_split_unit_keeps_its_name_and_spreads_over_its_successors(world):
    rows = _rows(world["incidents"])
    assert (rows["COD4"][C.ADMIN1], rows["COD4"][C.GEO_PRECISION]) == ("Katanga", "3")
    p = prepare(boundaries=world["boundaries"], corridors=world["corridors"],
                incidents=world["incidents"])
    idx = int(np.flatnonzero(p.incidents[C.INCIDENT_ID].to_numpy() == "COD4")[0])
    pairs = p.field.pair_seg[p.field.pair_inc == idx]
    units = set(p.segments[C.ADMIN1].to_numpy()[pairs])
    assert units == {"Haut-Katanga", "Lualaba"}  # every segment of the union, nothing else
    south = (p.segments[C.CORRIDOR_ID] == "south").to_numpy()
    assert len(pairs) == int(south.sum())
    fate = p.fate.set_index(C.INCIDENT_ID)
    assert fate.loc["COD4", C.STATUS] == "scored"


def test_ucdp_country_precision_rows_have_no_admin1(tmp_path):
    """where_prec 4 with a country outline only: read as the country, admin1 emptied."""
    folder = tmp_path
    outline = folder / "outline.geojson"
    outline.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"country": "UA", "admin1": ""},
         "geometry": _box(22, 44, 40, 52)}]}), "utf-8")
    ged = folder / "ged.csv"
    rows = [S._ucdp(1, 1, 4, "Donetsk oblast", 48.0, 37.8, 1, "2022-03-01", "2022-03-01", 3),
            S._ucdp(2, 1, 6, "", 49.0, 32.0, 1, "2022-03-02", "2022-03-02", 1)]
    ged.write_text(S.UCDP_HEADER + "\n" + "\n".join(rows).replace("DR Congo (Zaire)",
                                                                 "Ukraine") + "\n", "utf-8")
    r = read_ucdp(ged, boundaries=read_boundaries(outline))
    inc = r.incidents.set_index(C.INCIDENT_ID)
    assert inc[C.GEO_PRECISION].tolist() == [4, 4]
    assert inc[C.ADMIN1].tolist() == ["", ""]
    assert inc.loc["ucdp-1", C.ADMIN1_SOURCE] == "Donetsk"
    out = folder / "incidents.csv"
    from geo.importers import write_import

    write_import(r, out)
    assert len(read_incidents(out, boundaries=read_boundaries(outline),
                              types=load_model().types)) == 2


# ------------------------------------------------------------------ names and aliases


@pytest.mark.parametrize(("given", "expected"), [
    ("Kasai-Oriental", "Kasaï-Oriental"), ("KASAI ORIENTAL", "Kasaï-Oriental"),
    ("kasai oriental", "Kasaï-Oriental"), ("Kasaï Oriental.", "Kasaï-Oriental"),
    ("Bas-Congo", "Kongo-Central"), ("Katanga", "Katanga")])
def test_build_reads_names_folded_and_through_the_alias_table(given, expected, world,
                                                               tmp_path):
    path = tmp_path / "i.csv"
    path.write_text(f'incident_id,date,type,admin1,country\na,2023-01-01,arrest,"{given}",CD\n',
                    "utf-8")
    inc = read_incidents(path, boundaries=read_boundaries(world["boundaries"]))
    assert inc[C.ADMIN1].tolist() == [expected]


def test_a_current_name_reads_against_older_boundaries(tmp_path):
    """GADM 4.0 spells Nigeria's state 'Nassarawa' and DR Congo files before 2015 hold
    Katanga: today's names resolve to the unit of the older layer."""
    layer = tmp_path / "old.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"country": cc, "admin1": a1}, "geometry": _box(*bx)}
        for cc, a1, bx in [("NG", "Nassarawa", (7, 8, 9, 9)), ("CD", "Katanga", (22, -12, 30, -5))]
    ]}), "utf-8")
    path = tmp_path / "i.csv"
    path.write_text("incident_id,date,type,admin1,country\na,2023-01-01,arrest,Nasarawa,NG\n"
                    "b,2023-01-01,arrest,Lualaba,CD\n", "utf-8")
    inc = read_incidents(path, boundaries=read_boundaries(layer))
    assert inc[C.ADMIN1].tolist() == ["Nassarawa", "Katanga"]


def test_unit_words_one_source_leaves_out_match_when_unambiguous(tmp_path):
    layer = tmp_path / "ua.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"country": "UA", "admin1": a1}, "geometry": _box(*bx)}
        for a1, bx in [("Donetsk Oblast", (36, 47, 39, 49)), ("Kyiv Oblast", (29, 49, 32, 51.5)),
                       ("Kyiv", (30.3, 50.3, 30.8, 50.6))]]}), "utf-8")
    path = tmp_path / "i.csv"
    path.write_text("incident_id,date,type,admin1,country\na,2023-01-01,arrest,Donetsk,UA\n"
                    "b,2023-01-01,arrest,KYIV,UA\nc,2023-01-01,arrest,Kyiv City,UA\n", "utf-8")
    with pytest.raises(ValidationError) as err:
        read_incidents(path, boundaries=read_boundaries(layer))
    # 'Kyiv City' could be Kyiv or Kyiv Oblast: never guessed
    assert [p.location for p in err.value.problems] == ["row 4"]
    path.write_text("incident_id,date,type,admin1,country\na,2023-01-01,arrest,Donetsk,UA\n"
                    "b,2023-01-01,arrest,KYIV,UA\n", "utf-8")
    inc = read_incidents(path, boundaries=read_boundaries(layer))
    assert inc[C.ADMIN1].tolist() == ["Donetsk Oblast", "Kyiv"]


def test_an_unknown_admin1_is_still_an_error(world, tmp_path):
    path = tmp_path / "i.csv"
    path.write_text("incident_id,date,type,admin1,country\na,2023-01-01,arrest,Atlantis,CD\n",
                    "utf-8")
    with pytest.raises(ValidationError, match="'Atlantis' is not a first-level unit of CD"):
        read_incidents(path, boundaries=read_boundaries(world["boundaries"]))


def test_alias_table_cites_a_source_for_every_row_and_names_current_units():
    from importlib import resources

    text = resources.files("geo.data").joinpath("admin1_aliases.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["country"] for r in rows} >= {"CD", "NG", "SS"}
    assert all(r["source"].strip() and r["current"].strip() for r in rows)
    olds = {(r["country"], name_key(r["name"])) for r in rows}
    for r in rows:  # an old name never maps to itself or to another old name
        for current in r["current"].split(";"):
            assert (r["country"], name_key(current)) not in olds, r
    assert set(alias_table()[("CD", name_key("Orientale"))]) == {
        "Bas-Uele", "Haut-Uele", "Ituri", "Tshopo"}
    assert successors("CD", "Kasai Occidental", ["Kasaï", "Kasaï-Central", "Kinshasa"]) == (
        "Kasaï", "Kasaï-Central")
    assert successors("NG", "Bendel", ["Delta", "Edo", "Lagos"]) == ("Delta", "Edo")
    assert successors("SS", "Jubek", ["Central Equatoria", "Unity"]) == ("Central Equatoria",)
    # a name still in use is never an alias: the boundaries' own unit wins
    assert ("CD", name_key("Kasaï-Oriental")) not in alias_table()


# ------------------------------------------------------------------ import --countries


def test_import_countries_filters_and_reports(world, tmp_path, capsys):
    out = tmp_path / "cd" / "incidents.csv"
    assert main(["import", "acled", str(world["source"]), "--out", str(out),
                 "--boundaries", str(world["boundaries"]), "--countries", "COD,Rwanda"]) == 0
    assert set(_rows(out)) == {"COD1", "COD2", "COD3", "COD4", "COD5", "RWA1"}
    report = pd.read_csv(out.parent / "import_report.csv", dtype=str, keep_default_na=False)
    dropped = report[report["status"] == "dropped"].set_index("source_id")
    assert set(dropped.index) == {"ALG1", "TUN1"}
    assert set(dropped["reason"]) == {"country not selected"}
    assert dropped.loc["ALG1", "detail"] == "country DZ is not one of CD, RW"
    capsys.readouterr()
    assert main(["import", "acled", str(world["source"]), "--out", str(out),
                 "--countries", "CD,Atlantis"]) == 2
    assert "--countries: not a country: 'Atlantis'" in capsys.readouterr().err


def test_country_codes_accept_iso2_iso3_numeric_and_names():
    assert country_codes("CD, rw,BDI,180,Democratic Republic of Congo") == ("CD", "RW", "BI")
    with pytest.raises(ValueError, match="not a country: 'XX1'"):
        country_codes("CD,XX1")


def test_import_writes_files_with_the_mode_build_uses(world, tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)  # read the umask back (tests run in one thread)
    out = tmp_path / "m" / "incidents.csv"
    assert main(["import", "acled", str(world["source"]), "--out", str(out)]) == 0
    expected = 0o666 & ~mask
    for path in (out, out.parent / "import_report.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


# ------------------------------------------------------------------ problems for people


def _bad_rows(path: Path, n: int) -> Path:
    lines = ["incident_id,date,type,country"]
    lines += [f"r{i},2023-01-01,{'riot' if i % 2 else 'arrest'},{'XXX' if i % 3 else 'CD'}"
              for i in range(n)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_thousands_of_problems_print_as_a_short_grouped_report(world, tmp_path, capsys):
    bad = _bad_rows(tmp_path / "bad.csv", 3000)
    full = tmp_path / "all_problems.csv"
    code = main(["validate", "--boundaries", str(world["boundaries"]), "--corridors",
                 str(world["corridors"]), "--incidents", str(bad), "--problems", str(full)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert len(err) <= 21, err
    assert err[0].startswith("3,500 problems of 2 kinds")
    assert any("is not a known type" in line for line in err)
    assert any(line.strip().startswith("fix: ") for line in err)
    assert err[-2] == f"the full list: {full}"
    with open(full, encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3500


def test_without_problems_file_the_terminal_says_how_to_get_them_all(world, tmp_path, capsys):
    bad = _bad_rows(tmp_path / "bad.csv", 100)
    assert main(["validate", "--boundaries", str(world["boundaries"]), "--corridors",
                 str(world["corridors"]), "--incidents", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) <= 21
    assert "add --problems FILE to write every one" in err[-2]


def test_import_writes_its_problems_with_problems_file(world, tmp_path, capsys):
    ged = tmp_path / "ged.csv"
    ged.write_text(S.UCDP_HEADER + "\n" + S.UCDP_ROWS[0] + "\n", "utf-8")
    full = tmp_path / "p.csv"
    assert main(["import", "acled", str(ged), "--out", str(tmp_path / "x.csv"),
                 "--problems", str(full)]) == 1
    with open(full, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "use `routerisk import ucdp`" in rows[0]["message"]
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("command", ["build", "validate", "backtest", "tune", "import"])
def test_every_reading_command_takes_problems_file(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--problems FILE" in capsys.readouterr().out


def test_validation_error_str_is_short_and_problems_hold_everything():
    problems = [Problem("a.csv", f"row {i}", "type", f"'t{i}' is not a known type (arrest)")
                for i in range(2, 2002)]
    exc = ValidationError(problems)
    assert len(str(exc).splitlines()) <= 20
    assert len(exc.problems) == 2000
    assert str(exc).startswith("2,000 problems of 1 kind")
    few = ValidationError(problems[:3])
    assert str(few).splitlines() == [str(p) for p in problems[:3]]


def test_summary_lines_keep_to_the_limit_with_many_kinds():
    problems = [Problem(f"f{k}.csv", f"row {i}", f"field{k}", f"problem of kind {k}")
                for k in range(30) for i in range(3)]
    lines = summary_lines(problems, full_list="p.csv")
    assert len(lines) <= 20
    assert lines[-2].startswith("… and ") and lines[-1] == "the full list: p.csv"


# ------------------------------------------------------------------ dates of UCDP and MMP


def test_ucdp_two_day_range_stays_two_days(tmp_path):
    ged = tmp_path / "ged.csv"
    ged.write_text(S.UCDP_HEADER + "\n" + S._ucdp(7, 1, 1, "Nord-Kivu province", 0.5, 29.4, 1,
                                                  "2019-03-04", "2019-03-05", 1) + "\n",
                   "utf-8")
    r = read_ucdp(ged)
    row = r.incidents.iloc[0]
    assert (row[C.DATE], row[C.END_DATE], row[C.DATE_PRECISION]) == ("2019-03-04",
                                                                     "2019-03-05", "")
    out = tmp_path / "incidents.csv"
    from geo.importers import write_import

    write_import(r, out)
    inc = read_incidents(out, types=load_model().types)
    assert (inc[C.PERIOD_END] - inc[C.DATE]).dt.days.tolist() == [1]  # not 6 (a week)


def test_mmp_cumulative_counts_are_not_one_day_events_and_split_ids_lose_commas(tmp_path):
    rows = ['"2021.MMP1, 2021.MMP2","2021.MMP1, 2021.MMP2",Split Incident,Northern Africa,'
            '2021-06-03,2021,Jun,3,,3,,,3,,Unknown,Unknown,Mixed or unknown,Niger,Central '
            'Mediterranean,Desert,"17.0, 8.0",Sub-Saharan Africa,Media,,3',
            '2021.MMP3,2021.MMP3,Cumulative Incident,Northern Africa,2021-12-20,2021,Dec,84,,'
            '84,,,,,Unknown,Unknown,Mixed or unknown,Niger,Central Mediterranean,Agadez '
            'morgue,"17.0, 8.0",Sub-Saharan Africa,Morgue,,5']
    path = tmp_path / "mmp.csv"
    path.write_text(S.MMP_2021_HEADER + "\n" + "\n".join(rows) + "\n", "utf-8")
    r = read_mmp(path)
    inc = r.incidents.set_index(C.INCIDENT_ID)
    assert list(inc.index) == ["2021.MMP1+2021.MMP2", "2021.MMP3"]
    assert inc.loc["2021.MMP1+2021.MMP2", C.DATE] == "2021-06-03"
    assert (inc.loc["2021.MMP3", C.DATE], inc.loc["2021.MMP3", C.SOURCE_DATE]) == (
        "2021", "2021-12-20")
    assert r.report.set_index("source_id").loc["2021.MMP3", "reason"] == "cumulative count"


def test_tune_says_it_takes_one_horizon(world, tmp_path, capsys):
    code = main(["tune", *_inputs(world), "--origins", "2023-03-02:2023-03-04:1d",
                 "--horizons", "90,180", "--out", str(tmp_path / "t")])
    assert code == 2
    assert "tune chooses the multipliers for one horizon, not 2" in capsys.readouterr().err


def test_acled_reads_the_same_without_boundaries(world):
    r = read_acled(world["source"])
    assert len(r.incidents) == len(ACLED_ROWS)
    assert (r.incidents[C.ADMIN1_SOURCE] == "").all()
