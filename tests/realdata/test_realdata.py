"""Real files as people have them, end to end (see manifest.toml and README.md here).

Every case imports a real events file with real boundaries, builds, and backtests, with exit 0
each time and every source row accounted for: rows written plus rows the import report lists
as dropped make the rows of the source, and every written row has a fate in
``incidents_fate.csv``. Every boundary file is read with the summary line the manifest gives.
Cases and files that are committed run always; the rest are marked ``realdata`` and run with
``pytest -m realdata`` from the cache folder (``ROUTERISK_REALDATA``); absent files are named
in the skip reason.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo import cli
from geo._errors import InputWarning, ValidationError
from geo.io import read_boundaries
from tests.realdata._manifest import HERE, Located, cases, files, locate, manifest

CORRIDORS = HERE / "corridors"



def _committed(case: dict[str, Any]) -> bool:
    table = files()
    ids = [case["incidents"], *case["boundaries"]]
    return not case.get("whole") and all(table[i].get("excerpt") for i in ids)


def _case_params() -> list[Any]:
    out = []
    for c in cases():
        marks = [] if _committed(c) else [pytest.mark.realdata]
        out.append(pytest.param(c, id=c["id"], marks=marks))
    return out


def _file_params(key: str) -> list[Any]:
    out = []
    for entry in files().values():
        if key not in entry:
            continue
        out.append(pytest.param(entry, False, id=entry["id"], marks=pytest.mark.realdata))
        excerpt = entry.get("excerpt")
        if excerpt and key in excerpt:
            out.append(pytest.param(entry, True, id=f"{entry['id']}-excerpt"))
    return out


def _need(located: list[Located]) -> list[Path]:
    absent = [x.missing for x in located if x.path is None]
    if absent:
        pytest.skip("real files absent: " + "; ".join(absent))
    return [x.path for x in located if x.path is not None]


def _text(path: Path) -> str:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            [name] = [n for n in z.namelist() if n.endswith(".csv")]
            data = z.read(name)
    else:
        data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path}: not text")


def source_rows(path: Path) -> int:
    """Data records of a CSV, counted independently of routerisk: not the header, not the
    HDX ``#hxl`` row, not blank lines."""
    rows = [r for r in csv.reader(io.StringIO(_text(path))) if any(c.strip() for c in r)]
    body = rows[1:]
    if body and any(c.startswith("#") for c in body[0]) and all(
            not c or c.startswith("#") or c.isdigit() for c in body[0]):  # a saved index
        body = body[1:]
    return len(body)


def _origins(incidents: pd.DataFrame) -> tuple[str, str]:
    dates = sorted(date.fromisoformat(str(d)[:10]) for d in incidents["date"]
                   if len(str(d)) >= 10)
    assert dates, "no dated incident to backtest"
    start, end = dates[len(dates) // 2], dates[int(len(dates) * 0.8)]
    step = max(30, (end - start).days // 2)
    end = max(end, start + timedelta(days=step))
    return f"{start}:{end}:{step}d", str(step)


@pytest.mark.parametrize("case", _case_params())
def test_import_build_backtest(case: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    whole = bool(case.get("whole"))
    source, *boundaries = _need([locate(case["incidents"], whole=whole)]
                                + [locate(b, whole=whole) for b in case["boundaries"]])
    corridors = CORRIDORS / f"{case['corridors']}.geojson"
    bflags = [flag for b in boundaries for flag in ("--boundaries", str(b))]
    incidents = tmp_path / "incidents.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        rc = cli.main(["import", case["format"], str(source), "--out", str(incidents),
                       *bflags[:2]])
        said = capsys.readouterr()
        if "import_error" in case:  # refused as a whole: one line, nothing written
            assert rc == 1 and not incidents.exists()
            assert said.err.count("\n") == 2 and case["import_error"] in said.err
            return
        assert rc == 0, f"import: {said.err[-3000:]}"

        written = pd.read_csv(incidents, dtype=str, keep_default_na=False)
        report = pd.read_csv(tmp_path / "import_report.csv", dtype=str, keep_default_na=False)
        dropped = report[report["status"] == "dropped"]
        assert dropped["row"].is_unique
        assert len(written) + len(dropped) == source_rows(source), said.out

        out = tmp_path / "out"
        rc = cli.main(["build", *bflags, "--corridors", str(corridors), "--incidents",
                       str(incidents), "--out", str(out), "--formats", "", "-q"])
        said = capsys.readouterr()
        assert rc == 0, f"build: {said.err[-3000:]}"
        fate = pd.read_csv(out / "incidents_fate.csv", dtype=str, keep_default_na=False)
        assert len(fate) == len(written)
        assert set(fate["incident_id"]) == set(written["incident_id"])
        assert (fate["status"] != "").all()

        origins, horizon = _origins(written)
        rc = cli.main(["backtest", *bflags[:2], "--corridors", str(corridors), "--incidents",
                       str(incidents), "--origins", origins, "--horizons", horizon,
                       "--out", str(tmp_path / "backtest")])
        said = capsys.readouterr()
        assert rc == 0, f"backtest: {said.err[-3000:]}"
        assert (tmp_path / "backtest" / "summary.csv").exists()


@pytest.mark.parametrize(("entry", "excerpt"), _file_params("read_as"))
def test_boundary_file_is_read_as_downloaded(entry: dict[str, Any], excerpt: bool) -> None:
    [path] = _need([locate(entry["id"], whole=not excerpt)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        layer = read_boundaries(path)
    expected = entry["excerpt"]["read_as"] if excerpt else entry["read_as"]
    assert layer.attrs["read_as"] == expected


@pytest.mark.parametrize(("entry", "excerpt"), _file_params("expect_error"))
def test_a_broken_boundary_file_is_one_line(entry: dict[str, Any], excerpt: bool) -> None:
    [path] = _need([locate(entry["id"], whole=True)])
    with pytest.raises(ValidationError) as info:
        read_boundaries(path)
    [problem] = info.value.problems
    assert entry["expect_error"] in problem.message


@pytest.mark.realdata
@pytest.mark.parametrize("case", manifest()["osm_case"], ids=lambda c: c["id"])
def test_corridor_through_a_real_osm_extract(case: dict[str, Any], tmp_path: Path,
                                              capsys: Any) -> None:
    [extract] = _need([locate(case["file"], whole=True)])
    into = tmp_path / "corridors.geojson"
    rc = cli.main(["corridor", "--osm", str(extract), "--via", case["via"], "--id", "c1",
                   "--route", "test", "--into", str(into)])
    said = capsys.readouterr()
    if case["expect"] == "appended corridor":
        assert rc == 0 and "appended corridor c1" in said.out, said.err
    else:
        assert rc == 1 and not into.exists()
        assert case["expect"] in said.err and said.err.count("\n") == 2


def test_the_manifest_records_every_file() -> None:
    entries = list(files().values())
    assert len(entries) >= 25
    for e in entries:
        for key in ("repo", "path", "commit", "sha256", "licence", "format", "vintage",
                    "exercises", "revealed", "cache"):
            assert e.get(key), f"{e['id']}: {key} missing"
        assert len(e["commit"]) == 40 and len(e["sha256"]) == 64
        if e["source"] in ("GADM", "ACLED") or e["source"].startswith("IOM"):
            assert not e["committed"], f"{e['id']}: {e['source']} files are never committed"
    committed = [e for e in entries if e["committed"]]
    for e in committed:
        path = HERE / e["excerpt"]["file"]
        assert path.exists(), path
        from tests.realdata._manifest import sha256

        assert sha256(path) == e["excerpt"]["sha256"], path
    on_disk = {p.name for p in (HERE / "files").iterdir()}
    named = {Path(e["excerpt"]["file"]).name for e in committed}
    stems = {Path(n).stem for n in named}
    assert {n for n in on_disk if Path(n).stem not in stems} == set(), "unrecorded files"
    for case in cases():
        assert (CORRIDORS / f"{case['corridors']}.geojson").exists()
        for key in (case["incidents"], *case["boundaries"]):
            assert key in files(), f"{case['id']}: unknown file {key}"
