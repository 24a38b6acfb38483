"""``routerisk import`` end to end: each sample file → import → build, exit codes, atomicity."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import columns as C
from geo.cli import main
from geo.importers import REPORT_COLUMNS
from geo.io import read_boundaries, read_incidents
from geo.risk import load_model
from tests import _import_samples as S


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return S.samples(tmp_path_factory.mktemp("cli_samples"))


CASES = [("acled", "acled_2023"), ("acled", "acled_old"), ("ucdp", "ucdp"),
         ("ucdp", "ucdp_hdx"), ("mmp", "mmp_2021"), ("mmp", "mmp_2019")]


@pytest.mark.parametrize(("fmt", "name"), CASES, ids=[c[1] for c in CASES])
def test_import_then_build(fmt, name, files, tmp_path, capsys):
    out = tmp_path / "in" / "incidents.csv"
    code = main(["import", fmt, str(files[name]), "--out", str(out),
                 "--boundaries", str(files["boundaries"])])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "rows read:" in printed.out and f"wrote {out}" in printed.out
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(written.columns) == C.INCIDENT_COLUMNS
    report = pd.read_csv(out.parent / "import_report.csv", dtype=str, keep_default_na=False)
    assert tuple(report.columns) == REPORT_COLUMNS
    # nothing lost: every source data row is written or listed as dropped
    src_rows = len(pd.read_csv(files[name], dtype=str, encoding="latin-1")) - (name == "ucdp_hdx")
    assert len(written) + (report["status"] == "dropped").sum() == src_rows
    incidents = read_incidents(out, boundaries=read_boundaries(files["boundaries"]),
                               types=load_model().types)
    assert len(incidents) == len(written)
    code = main(["build", "--boundaries", str(files["boundaries"]), "--corridors",
                 str(files["corridors"]), "--incidents", str(out), "--out",
                 str(tmp_path / "build"), "--formats", ""])
    assert code == 0, capsys.readouterr().err
    fate = pd.read_csv(tmp_path / "build" / "incidents_fate.csv")
    assert set(fate[C.INCIDENT_ID]) == set(written[C.INCIDENT_ID])


def test_wrong_format_says_which_one_it_looks_like(files, tmp_path, capsys):
    code = main(["import", "acled", str(files["ucdp"]), "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert "this looks like a UCDP GED CSV file; use `routerisk import ucdp`" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_usage_errors_exit_2(files, tmp_path, capsys):
    assert main(["import", "csv", str(files["ucdp"]), "--out", str(tmp_path / "x.csv")]) == 2
    assert "needs --map" in capsys.readouterr().err
    assert main(["import", "ucdp", str(files["ucdp"]), str(files["ucdp"]), "--out",
                 str(tmp_path / "x.csv")]) == 2
    assert main(["import", "ucdp", str(files["ucdp"]), "--out",
                 str(tmp_path / "import_report.csv")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["import", "gdelt", str(files["ucdp"]), "--out", str(tmp_path / "x.csv")])
    assert exc.value.code == 2


def test_a_failed_import_changes_nothing(files, tmp_path, capsys):
    out = tmp_path / "incidents.csv"
    out.write_text("old\n", "utf-8")
    (tmp_path / "import_report.csv").write_text("old report\n", "utf-8")
    bad = S.write(tmp_path / "mixed.csv", S.ACLED_OLD_HEADER, [
        S.ACLED_OLD_ROWS[0], S.ACLED_OLD_ROWS[1].replace("03/08/2016", "08/13/2016")])
    assert main(["import", "acled", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "mixes day-first and month-first dates: row 1 proves day-first, row 2 proves " \
           "month-first" in err
    assert out.read_text() == "old\n"
    assert (tmp_path / "import_report.csv").read_text() == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["import_report.csv", "incidents.csv",
                                                          "mixed.csv"]


def test_missing_file_and_bad_mapping(tmp_path, capsys):
    assert main(["import", "ucdp", str(tmp_path / "nope.csv"), "--out",
                 str(tmp_path / "x.csv")]) == 1
    assert "nope.csv:-: -: file not found" in capsys.readouterr().err
    (tmp_path / "m.toml").write_text("[types\n", "utf-8")
    assert main(["import", "ucdp", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x.csv"),
                 "--map", str(tmp_path / "m.toml")]) == 1
    assert "not valid TOML" in capsys.readouterr().err
