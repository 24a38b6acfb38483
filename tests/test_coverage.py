"""Coverage: corridors that leave the boundaries are flagged, never silently scored as safe.

Two reproductions of real partial coverage: the bundled China boundaries with a corridor in
Andorra, and a Democratic Republic of the Congo-only boundary with corridors into Rwanda.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import columns as C
from geo import pipeline
from geo.cli import main
from geo.risk import BASELINE_ID, incident_fate, load_model, score_segments
from geo.routes import summarise_routes
from geo.segment import coverage_problems, segment_corridors
from tests._factories import incident, incidents

MODEL = load_model()
AS_OF = date(2024, 6, 30)

# The Democratic Republic of the Congo only, its eastern border simplified by hand so that it
# passes between Goma (CD) and Gisenyi (RW) as the real one does; Rwanda is not in the file.
DRC_ONLY = gpd.GeoDataFrame(
    {C.COUNTRY: ["CD"], C.ADMIN1: [""]},
    geometry=[shapely.Polygon([(12.2, -6.0), (18.0, 5.0), (27.4, 5.1), (30.8, 3.5), (29.6, -0.6),
                               (29.245, -1.66), (29.245, -1.72), (29.0, -2.5), (28.9, -2.7),
                               (29.0, -4.5), (30.7, -8.2), (22.0, -11.0), (12.2, -6.0)])],
    crs=4326,
)
SAKE, GOMA = (29.04, -1.57), (29.2285, -1.6792)
GISENYI, KIGALI = (29.2567, -1.7023), (30.0619, -1.9441)
KIVU = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["GG-1", "SG-1"], C.ROUTE: ["Kivu", "Kivu"],
     C.NAME: ["Goma – Gisenyi – Kigali", "Sake – Goma"]},
    geometry=[shapely.LineString([GOMA, GISENYI, KIGALI]), shapely.LineString([SAKE, GOMA])],
    crs=4326,
)
# Andorra la Vella – Encamp – Pas de la Casa, far outside the bundled (China) boundaries.
ANDORRA = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["AD-1"], C.ROUTE: ["Andorra"], C.NAME: ["Andorra la Vella – Pas de la Casa"]},
    geometry=[shapely.LineString([(1.52, 42.507), (1.58, 42.545), (1.733, 42.543)])],
    crs=4326,
)


def kivu_segments() -> gpd.GeoDataFrame:
    return segment_corridors(KIVU, DRC_ONLY, max_km=25)


def test_leaving_a_congo_only_boundary_at_goma_is_a_crossing_with_the_baseline():
    seg = kivu_segments()
    gg = seg[seg[C.CORRIDOR_ID] == "GG-1"].sort_values(C.SEQ)
    assert gg[C.COVERAGE].iat[0] == "inside" and gg[C.COUNTRY].iat[0] == "CD"
    assert set(gg[C.COVERAGE].iloc[1:]) == {"outside"}
    assert (gg[C.COUNTRY].iloc[1:] == "").all()
    # both sides of the Goma–Gisenyi border are crossings; further into Rwanda is not
    assert gg[C.BORDER_CROSSING].tolist() == [True, True] + [False] * (len(gg) - 2)
    # Sake–Goma stays in the Congo: no crossing, inside
    sg = seg[seg[C.CORRIDOR_ID] == "SG-1"]
    assert set(sg[C.COVERAGE]) == {"inside"} and not sg[C.BORDER_CROSSING].any()

    scored = score_segments(seg, incidents([]), as_of=AS_OF, model=MODEL)
    at_border = scored.loc[scored[C.BORDER_CROSSING]]
    assert (at_border[C.RISK_DENSITY] > 0).all()  # the border baseline applies at Goma–Gisenyi
    assert all(top[0]["incident_id"] == BASELINE_ID for top in at_border[C.TOP_INCIDENTS])
    # the baseline's integral over both corridors (they meet at Goma, by the border) is about
    # the configured exposure of one crossing
    exposure = (scored[C.RISK_DENSITY] * scored[C.LENGTH_KM] / 100.0).sum()
    assert exposure == pytest.approx(MODEL.border_crossing_exposure, rel=0.02)


def test_coarse_incidents_never_spread_onto_segments_outside_the_boundaries():
    seg = kivu_segments()
    inc = incidents([incident("cd-country", date_text="2024-05-01", country="CD"),
                     incident("rw-country", date_text="2024-05-01", country="RW"),
                     incident("blank-admin1", date_text="2024-05-01", country="", admin1="",
                              geo_precision=3)])
    scored = score_segments(seg, inc, as_of=AS_OF, model=MODEL)
    tops = {row[C.SEGMENT_ID]: {t["incident_id"] for t in row[C.TOP_INCIDENTS]}
            for _, row in scored.iterrows()}
    inside = scored[C.COVERAGE] == "inside"
    assert all("cd-country" in tops[s] for s in scored.loc[inside, C.SEGMENT_ID])
    for s in scored.loc[~inside, C.SEGMENT_ID]:
        assert tops[s] <= {BASELINE_ID}, s
    # towards Kigali (far from the crossing, no boundary data) nothing at all is scored
    deep = scored[scored[C.CORRIDOR_ID] == "GG-1"].sort_values(C.SEQ).iloc[-2:]
    assert (deep[C.COVERAGE] == "outside").all() and (deep[C.RISK_DENSITY] == 0).all()
    fate = incident_fate(seg, inc, as_of=AS_OF, model=MODEL).set_index(C.INCIDENT_ID)
    assert fate.loc["cd-country", C.STATUS] == "scored"
    assert fate.loc["rw-country", C.STATUS] == "unassigned"
    assert fate.loc["blank-admin1", C.STATUS] == "unassigned"


def test_routes_count_the_km_outside_and_problems_name_the_corridor():
    seg = kivu_segments()
    scored = score_segments(seg, incidents([]), as_of=AS_OF, model=MODEL)
    routes = summarise_routes(scored).set_index(C.CORRIDOR_ID)
    gg_out = seg.loc[(seg[C.CORRIDOR_ID] == "GG-1") & (seg[C.COVERAGE] == "outside"),
                     C.LENGTH_KM].sum()
    assert routes.loc["GG-1", C.OUTSIDE_KM] == pytest.approx(gg_out)
    assert gg_out > 90  # Gisenyi to Kigali
    assert routes.loc["SG-1", C.OUTSIDE_KM] == 0.0
    problems = coverage_problems(seg, KIVU, file="kivu.geojson")
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.location, p.field) == ("kivu.geojson", "feature 1", "geometry")
    assert p.message.startswith(f"corridor GG-1 runs {gg_out:.1f} km outside the boundaries")


@pytest.fixture
def andorra(tmp_path: Path) -> dict[str, Path]:
    corridors = tmp_path / "andorra.geojson"
    ANDORRA.to_file(corridors, driver="GeoJSON", engine="pyogrio")
    inc = tmp_path / "incidents.csv"
    inc.write_text("incident_id,date,type,lat,lon,country\n"
                   "cn-1,2024-02-01,crackdown,,,CN\n"
                   "ad-1,2024-01-05,arrest,42.54,1.60,\n", encoding="utf-8")
    return {"corridors": corridors, "incidents": inc,
            "boundaries": pipeline.bundled_layers() / "boundaries.geojson"}


def _args(files: dict[str, Path]) -> list[str]:
    return [f"--{k}={v}" for k, v in files.items()]


def test_validate_warns_per_corridor_outside_the_bundled_china_boundaries(andorra, capsys):
    assert main(["validate", *_args(andorra)]) == 0
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "AD-1" in x)
    assert line.startswith(f"warning: {andorra['corridors']}:feature 1: geometry: corridor AD-1 "
                           "runs 19.")
    assert "km outside the boundaries" in line


def test_strict_turns_the_coverage_warning_into_an_error(andorra, tmp_path, capsys):
    assert main(["validate", "--strict", *_args(andorra)]) == 1
    err = capsys.readouterr().err
    assert f"{andorra['corridors']}:feature 1: geometry: corridor AD-1 runs" in err
    out = tmp_path / "out"
    assert main(["build", "--strict", "--formats", "", "--out", str(out), *_args(andorra)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_build_writes_coverage_and_km_outside(andorra, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--formats", "", "--out", str(out), *_args(andorra)]) == 0
    assert "corridor AD-1 runs" in capsys.readouterr().err
    features = json.loads((out / "segments.geojson").read_text())["features"]
    assert {f["properties"][C.COVERAGE] for f in features} == {"outside"}
    # the China-wide crackdown does not reach Andorra; the arrest next to the road does
    for f in features:
        top = f["properties"][C.TOP_INCIDENTS]
        ids = {t["incident_id"] for t in (json.loads(top) if isinstance(top, str) else top)}
        assert "cn-1" not in ids
    routes = pd.read_csv(out / "routes.csv")
    assert routes[C.OUTSIDE_KM].iat[0] == pytest.approx(routes[C.LENGTH_KM].iat[0])
    gpkg = gpd.read_file(out / "route_risk.gpkg", layer="segments", engine="pyogrio")
    assert set(gpkg[C.COVERAGE]) == {"outside"}


def test_bundled_layers_keep_their_segments_and_flag_the_ha_long_bay_crossing():
    prepared = pipeline.prepare()
    seg = prepared.segments
    assert len(seg) == 421
    outside = seg[seg[C.COVERAGE] == "outside"]
    # the Mong Cai – Ha Long – Hanoi line crosses Ha Long Bay: outside, but back into Vietnam,
    # so not a border crossing
    assert set(outside[C.CORRIDOR_ID]) == {"GV-4"}
    assert not outside[C.BORDER_CROSSING].any()
    assert [p.location for p in prepared.warnings if "outside the boundaries" in p.message] == [
        "feature 30"]
