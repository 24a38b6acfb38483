"""A layer of incidents with no rows builds the border-baseline map; the as-of date is required."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo import cli
from geo import columns as C
from geo._errors import InputWarning
from geo.datasets import layers as bundled
from geo.io import read_incidents

HEADER = "incident_id,date,type,lat,lon,place,admin1,country,notes\n"


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    d = tmp_path / "layers"
    d.mkdir()
    for name in ("boundaries.geojson", "corridors.geojson"):
        shutil.copy(bundled() / name, d / name)
    (d / "incidents.csv").write_text(HEADER, encoding="utf-8")
    return d


@pytest.mark.parametrize(("name", "text"), [
    ("incidents.csv", HEADER),
    ("incidents.csv", HEADER + ",,,,,,,,\n\n"),
    ("incidents.geojson", json.dumps({"type": "FeatureCollection", "features": []})),
])
def test_no_rows_read_as_an_empty_frame_with_the_contract_columns(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.warns(InputWarning, match="no incidents: the map shows the border baseline only"):
        out = read_incidents(path)
    assert isinstance(out, gpd.GeoDataFrame)
    assert len(out) == 0
    assert out.crs.to_epsg() == 4326
    assert {C.INCIDENT_ID, C.DATE, C.PERIOD_END, C.TYPE, C.GEO_PRECISION, C.ROW} <= set(out.columns)
    assert str(out[C.DATE].dtype) == "datetime64[s]"


def test_build_without_as_of_is_a_usage_error_naming_the_file(layers, tmp_path, capsys):
    rc = cli.main(["build", "--layers", str(layers), "--out", str(tmp_path / "out"),
                   "--formats", ""])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"no incidents to take the as-of date from ({layers / 'incidents.csv'}" in err
    assert "as-of" in err
    assert not (tmp_path / "out" / "segments.geojson").exists()


def test_build_with_as_of_draws_the_border_baseline_only(layers, tmp_path, capsys):
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        rc = cli.main(["build", "--layers", str(layers), "--out", str(out), "--formats", "",
                       "--as-of", "2024-06-30"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "no incidents: the map shows the border baseline only" in captured.err
    segments = gpd.read_file(out / "segments.geojson")
    crossing = segments[C.BORDER_CROSSING].astype(bool)
    assert crossing.any()
    # the border baseline is the only source of risk: every crossing carries it
    assert (segments.loc[crossing, C.EXPOSURE] > 0).all()
    assert (segments.loc[crossing, C.RISK_BAND] >= 2).all()
    ids = {e["incident_id"] for t in segments[C.TOP_INCIDENTS] for e in json.loads(t)}
    assert ids <= {"baseline"}
    assert len(pd.read_csv(out / "incidents_fate.csv")) == 0
