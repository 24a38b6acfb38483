"""``import`` writes only rows ``build`` accepts, and only cells a spreadsheet will not run.

Each case is a row a real export can hold that the importers' own checks let through before:
the written file then failed ``build`` (NaN latitude beside a longitude, an invisible character
inside an id, counts of 1e308 or -5, a year-1 date), or opened in a spreadsheet as a live formula
(``=HYPERLINK(…)``, ``+cmd|…``, ``@…``, and cells that become formulas once a leading tab or
no-break space is stripped).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.cli import main

UCDP_HEADER = ("id,date_start,date_end,where_prec,type_of_violence,latitude,longitude,best,"
               "conflict_name,side_a,side_b,where_description,source_article\n")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "-2+3", "\t=1+1", "\u00a0=1+1")
_STRIP = " \t\r\n\u00a0\u200b\ufeff"


def _ucdp(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "ged.csv"
    path.write_text(UCDP_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]  # closed before returning


def _import(source: Path, out: Path) -> int:
    return main(["import", "ucdp", str(source), "--out", str(out)])


def test_import_writes_no_live_formula_in_either_file(tmp_path) -> None:
    rows = []
    for k, text in enumerate(FORMULAS, start=1):
        quoted = '"' + text.replace('"', '""') + '"'
        rows.append(f"{k},2019-03-0{k},2019-03-0{k},1,1,0.5,29.5,3,{quoted},{quoted},b,"
                    f"{quoted},{quoted}")
    rows.append(f'"=1+{len(FORMULAS)}",2019-03-01,2019-03-01,1,1,0.5,29.5,3,c,a,b,w,s')
    out = tmp_path / "incidents.csv"
    assert _import(_ucdp(tmp_path, rows), out) == 0
    for path in (out, tmp_path / "import_report.csv"):
        for cell in _cells(path):
            start = cell.lstrip(_STRIP)[:1]
            assert not (start in ("=", "+", "@") or (start == "-" and not
                                                     cell.lstrip("-").replace(".", "").isdigit())
                        ), (path.name, cell)
    # the neutralised cells still build, and keep their text after the quote
    assert main(["validate", "--incidents", str(out)]) == 0


@pytest.mark.parametrize(("row", "field"), [  # field: build's reason, None: the importer's
    ("1,2019-03-01,2019-03-01,1,1,,29.5,3,c,a,b,w,s", None),  # NaN latitude, longitude kept
    ("1\ufeff2,2019-03-01,2019-03-01,1,1,0.5,29.5,3,c,a,b,w,s", "incident_id"),
    ("3,2019-03-01,2019-03-01,1,1,0.5,29.5,1e308,c,a,b,w,s", "count"),
    ("4,2019-03-01,2019-03-01,1,1,0.5,29.5,-5,c,a,b,w,s", "count"),
    ("5,0001-01-01,0001-01-01,1,1,0.5,29.5,3,c,a,b,w,s", "date"),
])
def test_a_row_build_would_reject_is_reported_not_written(tmp_path, row, field) -> None:
    good = "100,2019-03-01,2019-03-01,1,1,0.5,29.5,3,c,a,b,w,s"
    out = tmp_path / "incidents.csv"
    assert _import(_ucdp(tmp_path, [good, row]), out) == 0
    written = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    report = list(csv.DictReader((tmp_path / "import_report.csv").read_text(
        encoding="utf-8").splitlines()))
    dropped = [r for r in report if r["status"] == "dropped"]
    assert len(written) == 1 and len(dropped) == 1  # every row accounted for, once
    assert dropped[0]["row"] == "2"
    if field is not None:  # caught only by reading the rows as build does: build's reason
        assert dropped[0]["reason"] == "would not build"
        assert dropped[0]["detail"].startswith(field), dropped[0]
    assert main(["build", "--incidents", str(out), "--out", str(tmp_path / "out"),
                 "--formats", ""]) == 0


def test_a_file_mixing_utf8_and_cp1252_is_read_line_by_line(tmp_path, capsys) -> None:
    path = tmp_path / "ged.csv"
    head = UCDP_HEADER.encode("utf-8")
    utf8 = "1,2019-03-01,2019-03-01,1,1,0.5,29.5,3,c,Kasaï,b,Bukavu,s\n".encode()
    latin = "2,2019-03-02,2019-03-02,1,1,0.5,29.5,3,c,Kasaï,b,Goma,s\n".encode("cp1252")
    path.write_bytes(head + utf8 + latin)
    out = tmp_path / "incidents.csv"
    assert _import(path, out) == 0
    said = capsys.readouterr().out
    assert "mixed: 1 line UTF-8, 1 line cp1252" in said
    notes = [r["notes"] for r in csv.DictReader(out.read_text(encoding="utf-8").splitlines())]
    assert all("Kasaï vs b" in n for n in notes), notes  # no mojibake (KasaÃ¯) in either


def test_a_mapping_reading_lat_and_lon_from_one_column_is_refused(tmp_path, capsys) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nincident_id = "id"\ndate = "d"\ntype = "t"\n'
                       'lat = "coords"\nlon = "coords"\n')
    source = tmp_path / "s.csv"
    source.write_text("id,d,t,coords\n1,2020-01-01,arrest,35.5\n")
    assert main(["import", "csv", str(source), "--map", str(mapping), "--out",
                 str(tmp_path / "i.csv")]) == 1
    err = capsys.readouterr().err
    assert "lon: reads the same source column 'coords' as 'lat'" in err
