"""Route summaries: exposure, interception index, bands and top incidents per corridor/family."""

from __future__ import annotations

import math

import pytest

from geo import columns as C
from geo.risk import load_model, score_segments
from geo.routes import summarise_families, summarise_routes
from geo.segment import segment_corridors
from tests._factories import AS_OF, BENT, UNITS, incident, incidents

MODEL = load_model()


def test_route_summary_adds_up_segments():
    seg = segment_corridors(BENT, UNITS)
    inc = incidents([incident("a", lon=1.0, lat=0.3, count=20, quality=5),
                     incident("b", admin1="East", country="AA", itype="crackdown")])
    scored = score_segments(seg, inc, as_of=AS_OF, model=MODEL)
    routes = summarise_routes(scored).set_index(C.CORRIDOR_ID)
    for cid, group in scored.groupby(C.CORRIDOR_ID):
        row = routes.loc[cid]
        assert row[C.LENGTH_KM] == pytest.approx(group[C.LENGTH_KM].sum())
        assert row[C.EXPOSURE] == pytest.approx(group[C.EXPOSURE].sum())
        assert row[C.INTERCEPTION_INDEX] == pytest.approx(1 - math.exp(-row[C.EXPOSURE]))
        assert row[C.MAX_BAND] == group[C.RISK_BAND].max()
    # the point arrest lies on "bent": it leads that corridor's explanation
    assert routes.loc["bent", C.TOP_INCIDENTS][0]["incident_id"] == "a"
    shares = [t["share"] for t in routes.loc["bent", C.TOP_INCIDENTS]]
    assert shares == sorted(shares, reverse=True) and sum(shares) <= 1.0 + 1e-6


def test_families_summarise_their_corridors():
    seg = segment_corridors(BENT, UNITS)
    scored = score_segments(seg, incidents([incident("a", lon=1.0, lat=0.3)]), as_of=AS_OF,
                            model=MODEL)
    fam = summarise_families(scored).set_index(C.ROUTE)
    routes = summarise_routes(scored)
    assert fam.loc["R1", "n_corridors"] == 1
    assert fam.loc["R1", C.EXPOSURE] == pytest.approx(
        routes.loc[routes[C.ROUTE] == "R1", C.EXPOSURE].sum())
    assert fam.loc["R1", "mean_density"] == pytest.approx(
        100 * fam.loc["R1", C.EXPOSURE] / fam.loc["R1", C.LENGTH_KM])


def test_empty_network_gives_empty_tables():
    seg = segment_corridors(BENT.iloc[:0], UNITS)
    scored = score_segments(seg, incidents([]), as_of=AS_OF, model=MODEL)
    assert summarise_routes(scored).empty and summarise_families(scored).empty
