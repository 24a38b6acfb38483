"""`routerisk build` and `validate` end to end on small layers written to disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from geo import columns as C
from geo.cli import main
from tests._factories import write_layers

INCIDENTS_CSV = """\
incident_id,date,type,lat,lon,place,admin1,country,count,source_name,source_url,notes,visibility
a1,2020-01-05,arrest,0.3,1.0,,,,15,Test wire,https://example.org/a1,point,public
p1,2020-02,crackdown,,,,East,AA,,Test wire,,province,public
c1,2020,checkpoint,,,,,BB,,Test wire,,country,restricted
far,2020-03-01,arrest,-0.9,-0.9,,,,,Test wire,,far from corridors,public
"""


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    return write_layers(tmp_path / "layers", INCIDENTS_CSV)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_build_writes_every_output(layers, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--layers", str(layers), "--out", str(out)]) == 0
    names = set(digest(out))
    assert {"route_risk_map.html", "segments.geojson", "routes.csv", "incidents_fate.csv",
            "route_risk_map.png", "route_risk_map.svg", "route_risk_map.pdf"} <= names
    seg = json.loads((out / "segments.geojson").read_text(encoding="utf-8"))
    props = seg["features"][0]["properties"]
    for key in (C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.COUNTRY, C.ADMIN1, C.LENGTH_KM,
                C.BORDER_CROSSING, C.RISK_DENSITY, C.RISK_BAND, C.TOP_INCIDENTS):
        assert key in props
    routes = pd.read_csv(out / "routes.csv")
    assert set(routes[C.CORRIDOR_ID]) == {"bent", "north"}
    fate = pd.read_csv(out / "incidents_fate.csv").set_index(C.INCIDENT_ID)
    assert sorted(fate.index) == ["a1", "c1", "far", "p1"]  # nothing dropped
    assert fate.loc["far", C.STATUS] == "unassigned"
    # as-of defaults to the day by which every incident could be known (the known-by rule:
    # c1, dated 2020, is known by 31 Dec 2020), printed in the summary
    assert "as of 2020-12-31" in capsys.readouterr().out


def test_same_inputs_give_byte_identical_outputs(layers, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["build", "--layers", str(layers), "--out", str(a)]) == 0
    assert main(["build", "--layers", str(layers), "--out", str(b)]) == 0
    assert digest(a) == digest(b)


def test_failed_build_changes_nothing_in_out(layers, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--layers", str(layers), "--out", str(out), "--formats", ""]) == 0
    before = digest(out)
    (layers / "incidents.csv").write_text(
        INCIDENTS_CSV + "bad,September 3,arrest,0.1,1.0,,,,,x,,,public\n", encoding="utf-8")
    assert main(["build", "--layers", str(layers), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "incidents.csv:row 6: date: 'September 3' has no year" in err
    assert "Traceback" not in err
    assert digest(out) == before
    assert not list(tmp_path.glob(".routerisk-*"))  # the temporary folder is gone


def test_validate_reports_ok_and_problems(layers, capsys):
    assert main(["validate", "--layers", str(layers)]) == 0
    assert capsys.readouterr().out.startswith("ok: 3 boundary units, 2 corridors")
    (layers / "corridors.geojson").write_text('{"type": "FeatureCollection", "features": [',
                                              encoding="utf-8")
    assert main(["validate", "--layers", str(layers)]) == 1
    assert "corridors.geojson:line 1: -: not valid JSON" in capsys.readouterr().err


def test_usage_errors_exit_2(layers, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "--as-of", "yesterday"])
    assert exc.value.code == 2
    assert main(["build", "--layers", str(layers), "--formats", "gif"]) == 2
    assert "unknown static format" in capsys.readouterr().err


def test_stage_lines_with_verbose_only_and_quiet_silences_them(layers, tmp_path, capsys):
    args = ["build", "--layers", str(layers), "--out", str(tmp_path / "o"), "--formats", ""]
    assert main(args) == 0
    assert "segmenting corridors" not in capsys.readouterr().err  # not a terminal, no -v
    assert main(["-v", *args]) == 0
    err = capsys.readouterr().err
    assert "routerisk: segmenting corridors:" in err
    assert "routerisk: reading incidents:" in err
    assert main(["-v", *args, "--quiet"]) == 0
    assert "segmenting corridors" not in capsys.readouterr().err


def test_verbose_shows_routerisk_messages_not_the_libraries(monkeypatch, capsys) -> None:
    """-v turns on routerisk's own INFO lines during the command; fontTools (PDF fonts), numba
    and dask stay at warnings (a PDF's font subsetting printed hundreds of lines before)."""
    import logging

    from geo.cli import validate

    seen: dict[str, int] = {}
    real = validate.run_validate
    libraries = ("fontTools.subset", "numba", "distributed")
    before = {name: logging.getLogger(name).getEffectiveLevel() for name in libraries}

    def recording(args):  # type: ignore[no-untyped-def]
        seen["geo"] = logging.getLogger("geo").getEffectiveLevel()
        for name in libraries:
            seen[name] = logging.getLogger(name).getEffectiveLevel()
        logging.getLogger("geo.cli").info("a routerisk info line")
        logging.getLogger("numba").info("a library info line")
        return real(args)

    monkeypatch.setattr(validate, "run_validate", recording)
    assert main(["-v", "validate", "--as-of", "2024-06-01"]) == 0
    assert seen.pop("geo") == logging.INFO
    assert seen == before  # -v leaves the libraries' loggers as they were
    err = capsys.readouterr().err
    assert "INFO: a routerisk info line" in err
    assert "a library info line" not in err
    assert main(["validate", "--as-of", "2024-06-01"]) == 0
    assert seen["geo"] == logging.WARNING


def test_main_leaves_a_notebooks_logging_as_it_was(monkeypatch) -> None:
    """The command line configures routerisk's logger for the call only: the root logger (a
    notebook's ``logging.basicConfig``) and the ``geo`` logger are as they were afterwards."""
    import logging

    root, geo_log = logging.getLogger(), logging.getLogger("geo")
    before = (root.level, list(root.handlers), geo_log.level, list(geo_log.handlers),
              geo_log.propagate)
    assert main(["-v", "validate", "--as-of", "2024-06-01"]) == 0
    assert main(["validate", "--as-of", "2099-01-01", "--layers", "/nonexistent"]) == 1
    assert (root.level, list(root.handlers), geo_log.level, list(geo_log.handlers),
            geo_log.propagate) == before
