"""The command line under error: exit codes, no traceback, nothing written, nothing lost.

Covers what is not a property of one loader: usage errors (exit 2), OS errors, warnings printed
as ``warning: …`` while the build goes on, every input incident accounted for in
``incidents_fate.csv``, and input files left byte-identical by a build.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from geo import cli, pipeline

BASE = Path(__file__).parent / "data" / "hostile" / "base"


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def input_ids(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row["incident_id"] for row in csv.DictReader(fh)]


def fate_of(path: Path) -> dict[str, tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fate = {r["incident_id"]: (r["status"], r["reason"]) for r in rows}
    assert len(fate) == len(rows), "an incident appears twice in the fate table"
    return fate


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    d = tmp_path / "layers"
    shutil.copytree(BASE, d)
    return d


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--formats", "png,gif"],
         "routerisk: usage error: --formats: unknown static format(s) gif; choose from "
         "png, svg, pdf or none\n"),
        (["build", "--public", "--min-count", "-3"],
         "routerisk: usage error: --min-count: must be 0 or more, not -3\n"),
    ],
)
def test_usage_errors_exit_2(layers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             argv: list[str], message: str) -> None:
    out = tmp_path / "out"
    rc = cli.main([*argv, "--layers", str(layers), "--out", str(out)])
    assert rc == 2
    assert capsys.readouterr().err == message
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("argv", [["build", "--as-of", "03/04/2020"], ["frobnicate"],
                                  ["build", "--min-count", "few"], []])
def test_argparse_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: routerisk" in err
    assert "Traceback" not in err


def test_validate_bad_input_exits_1_without_traceback(
        layers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (layers / "incidents.csv").write_text("incident_id,date,type\na,2020-02-30,arrest\n")
    assert cli.main(["validate", "--layers", str(layers)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{layers / 'incidents.csv'}:row 2: date: '2020-02-30' is not a real date",
        "routerisk: 1 problem(s); nothing written",
    ]


def test_out_that_is_a_file_is_an_error_not_a_traceback(
        layers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder\n")
    rc = cli.main(["build", "--layers", str(layers), "--out", str(out), "--formats", ""])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.startswith("routerisk: error: ")
    assert "Traceback" not in err
    assert out.read_text() == "not a folder\n"


def test_missing_layers_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nowhere = tmp_path / "nowhere"
    assert cli.main(["validate", "--layers", str(nowhere)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{nowhere / 'boundaries.geojson'}:-: -: file not found",
        f"{nowhere / 'corridors.geojson'}:-: -: file not found",
        f"{nowhere / 'incidents.csv'}:-: -: file not found",
        "routerisk: 3 problem(s); nothing written",
    ]


def test_incidents_path_that_is_a_folder(layers: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    assert cli.main(["validate", "--layers", str(layers), "--incidents", str(layers)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{layers}:-: -: cannot read file: Is a directory")


# --------------------------------------------------------------------------- warnings


def test_warnings_are_printed_and_the_build_goes_on(
        layers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open(layers / "incidents.csv", "a", encoding="utf-8") as fh:
        fh.write("w1,2020-02-02,,,arrest,-40,-20,,,,1,,Test,javascript:alert(1),,,,public\n")
    out = tmp_path / "out"
    rc = cli.main(["build", "--layers", str(layers), "--out", str(out), "--formats", ""])
    captured = capsys.readouterr()
    assert rc == 0
    src = layers / "incidents.csv"
    assert captured.err.splitlines() == [
        f"warning: {src}:row 10: source_url: 'javascript:alert(1)' is not an http(s) link; it is "
        "shown as text, never as a link",
    ]
    # a point outside every unit is kept and counted, not a warning per row
    assert ("1 incident is outside your boundaries: kept as outside_coverage in "
            "incidents_fate.csv") in captured.out
    assert fate_of(out / "incidents_fate.csv")["w1"] == (
        "outside_coverage", "the point (-40, -20) lies outside every boundary polygon")
    with open(out / "problems.csv", encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["file", "location", "field", "message"],
            [str(src), "row 10", "source_url", "'javascript:alert(1)' is not an http(s) link; "
             "it is shown as text, never as a link"]]


# --------------------------------------------------------------------------- nothing lost


def test_every_incident_has_a_fate(layers: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """scored, future (after --as-of), unassigned (far away) and, in public, rejected (there
    only as a count: public ids are looked up in the restricted build's id map)."""
    import pandas as pd

    before = digest(layers)
    ids = input_ids(layers / "incidents.csv")
    original: dict[str, str] = {}
    for public in (False, True):
        out = tmp_path / f"out-{public}"
        argv = ["build", "--layers", str(layers), "--out", str(out), "--formats", "",
                "--as-of", "2020-04-15"] + (["--public"] if public else ["--write-id-map"])
        assert cli.main(argv) == 0
        fate = fate_of(out / "incidents_fate.csv")
        if public:
            counted = fate.pop("")
            fate = {original[k]: v for k, v in fate.items()}
            assert counted == ("rejected", "not published: restricted row (2 incidents)")
            assert sorted(fate) == sorted(set(ids) - {"t4", "t8"})
        else:
            id_map = pd.read_csv(out / "public_id_map.csv", dtype=str)
            original = dict(zip(id_map["public_id"], id_map["incident_id"], strict=True))
            assert sorted(fate) == sorted(ids)
            assert fate["t8"][0] == "future" and fate["t4"][0] == "scored"
        status = {k: v[0] for k, v in fate.items()}
        assert status["t7"] == "future"  # 2020-05 is after the as-of date
        assert status["t5"] == "unassigned"
        assert status["t1"] == "scored"
        assert all(reason for _, reason in fate.values())
    capsys.readouterr()
    assert digest(layers) == before, "a build modified its inputs"


def test_far_incident_fate_gives_the_distance(layers: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", "--layers", str(layers), "--out", str(out), "--formats", ""]) == 0
    status, reason = fate_of(out / "incidents_fate.csv")["t5"]
    assert status == "unassigned"
    assert reason.startswith("nearest corridor ")
    assert reason.endswith(" km away, beyond the 50 km bandwidth of 'arrest'")


def test_bundled_layers_lose_nothing_and_stay_untouched(tmp_path: Path) -> None:
    layers = pipeline.bundled_layers()
    before = digest(layers)
    prepared = pipeline.prepare(layers=layers)
    ids = input_ids(layers / "incidents.csv")
    assert sorted(prepared.fate["incident_id"]) == sorted(ids)
    assert len(set(prepared.fate["incident_id"])) == len(ids)
    pipeline.write_outputs(prepared, tmp_path / "out", formats=())
    written = fate_of(tmp_path / "out" / "incidents_fate.csv")
    assert sorted(written) == sorted(ids)
    assert digest(layers) == before
