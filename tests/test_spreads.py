"""Coarse incidents (known only to a first-level unit or a country) are kept per unit, never as
one (incident, segment) pair per segment of their unit. These tests check the per-unit sums
against the definition written out pair by pair: the density, the top contributors and the
per-incident sums of the fate table."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo.risk import RiskField, load_model
from geo.segment import segment_corridors
from tests._factories import BENT, UNITS, incident, incidents

MODEL = load_model()
# a corridor leaving the boundaries (east of 4°E): its outside segments belong to no unit
CORRIDORS = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["bent", "north", "out"], C.ROUTE: ["R1", "R2", "R3"],
     C.NAME: ["Bent", "North", "Out"], C.MODE: ["rail", "road", "road"],
     C.SOURCE: ["test"] * 3},
    geometry=[*BENT.geometry, shapely.LineString([(3.0, -0.6), (5.0, -0.6)])], crs=4326)
SEGMENTS = segment_corridors(CORRIDORS, UNITS, max_km=20)
UNIT_CHOICES = [("AA", "West"), ("AA", "East"), ("BB", ""), ("AA", ""), ("CC", ""),
                ("AA", "Nowhere")]
AS_OF = date(2021, 1, 1)


def pairwise(segments: gpd.GeoDataFrame, rows: list[dict], as_of: date) -> tuple:
    """Density, per-incident segments/exposure/mass of the coarse incidents, pair by pair."""
    field = RiskField(segments, incidents(rows), model=MODEL)
    value = field.base * field.time_factor(as_of)
    length = segments[C.LENGTH_KM].to_numpy(dtype=float)
    outside = (segments[C.COVERAGE] == C.COVERAGE_OUTSIDE).to_numpy()
    dens = np.zeros(len(segments))
    count = np.zeros(len(rows), dtype=int)
    exposure = np.zeros(len(rows))
    mass = np.zeros(len(rows))
    for i, row in enumerate(rows):
        prec = row[C.GEO_PRECISION]
        if prec < 3 or field.base[i] <= 0:
            continue
        same = segments[C.COUNTRY].to_numpy() == row[C.COUNTRY]
        if prec == 3:
            same &= segments[C.ADMIN1].to_numpy() == row[C.ADMIN1]
        per = MODEL.admin1_per_100km if prec == 3 else MODEL.country_per_100km
        for s in np.flatnonzero(same & ~outside):
            share = per * length[s] / 100.0
            count[i] += 1
            exposure[i] += share * value[i]
            mass[i] += share
            if length[s] > 0:
                dens[s] += 100.0 * share * value[i] / length[s]
    return field, dens, count, exposure, mass


coarse_rows = st.lists(
    st.tuples(st.sampled_from(UNIT_CHOICES), st.sampled_from(["arrest", "repatriation",
                                                             "checkpoint", "transit"]),
              st.integers(0, 700), st.integers(1, 500)),
    min_size=1, max_size=25)


@given(coarse_rows)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_spread_per_unit_equals_the_pairs(spec):
    rows = []
    for n, ((cc, a1), itype, days, count) in enumerate(spec):
        day = date.fromordinal(date(2019, 1, 1).toordinal() + days).isoformat()
        rows.append(incident(f"c{n:03d}", itype=itype, date_text=day, country=cc, admin1=a1,
                             count=count, geo_precision=3 if a1 else 4))
    field, dens, count, exposure, mass = pairwise(SEGMENTS, rows, AS_OF)
    got = field.density(AS_OF) - field.baseline_density
    np.testing.assert_allclose(got, dens, rtol=1e-12, atol=1e-15)
    n, e, m = field.incident_sums(AS_OF)
    assert n.tolist() == count.tolist()
    np.testing.assert_allclose(e, exposure, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m, mass, rtol=1e-12, atol=1e-15)
    # the expanded pairs (what compare uses) hold the same shares
    inc, _seg, share = field.pairs_of_segments(np.ones(len(SEGMENTS), dtype=bool))
    assert len(inc) == field.n_pairs == count.sum()
    np.testing.assert_allclose(np.bincount(inc, weights=share, minlength=len(rows)), mass,
                               rtol=1e-12, atol=1e-15)


def test_top_contributors_merge_points_spreads_and_baseline():
    rows = [incident("p1", lon=1.0, lat=0.3, date_text="2020-12-01", count=40),
            incident("p2", lon=2.9, lat=0.1, date_text="2020-11-01"),
            incident("a1", country="AA", admin1="East", date_text="2020-12-01", count=300,
                     geo_precision=3),
            incident("c1", country="AA", date_text="2020-10-01", count=5, geo_precision=4),
            incident("c2", country="BB", date_text="2020-12-15", count=50, geo_precision=4)]
    field, *_ = pairwise(SEGMENTS, rows, AS_OF)
    rank = np.arange(len(rows))
    who, val = field.top_contributors(AS_OF, 3, rank)
    # brute force: every contribution of every segment, sorted by value then rank
    value = field.base * field.time_factor(AS_OF)
    inc, seg, share = field.pairs_of_segments(np.ones(len(SEGMENTS), dtype=bool))
    length = SEGMENTS[C.LENGTH_KM].to_numpy(dtype=float)
    for s in range(len(SEGMENTS)):
        mine = seg == s
        items = [(100.0 * sh * value[i] / length[s], int(rank[i]), int(i))
                 for i, sh in zip(inc[mine], share[mine], strict=True) if length[s] > 0]
        if field.baseline_density[s] > 0:
            items.append((field.baseline_density[s], -1, -1))
        items = sorted((x for x in items if x[0] > 0), key=lambda x: (-x[0], x[1]))[:3]
        assert who[s, :len(items)].tolist() == [x[2] for x in items]
        np.testing.assert_allclose(val[s, :len(items)], [x[0] for x in items], rtol=1e-12)
        assert (who[s, len(items):] == -2).all()
    assert (who == 2).any() and (who == 3).any() and (who == 0).any()  # all kinds present


def test_coarse_incident_outside_every_unit_reaches_no_segment():
    rows = [incident("far", country="CC", geo_precision=4, date_text="2020-12-01")]
    field, _dens, count, *_ = pairwise(SEGMENTS, rows, AS_OF)
    assert field.n_pairs == 0 and count.tolist() == [0]
    assert field.incident_sums(AS_OF)[0].tolist() == [0]
    assert (field.density(AS_OF) == field.baseline_density).all()


@pytest.mark.parametrize("level", [3, 4])
def test_no_pair_is_stored_per_segment_of_a_unit(level):
    rows = [incident(f"x{n}", country="AA", admin1="East" if level == 3 else "",
                     geo_precision=level, date_text="2020-12-01") for n in range(50)]
    field = RiskField(SEGMENTS, incidents(rows), model=MODEL)
    assert len(field._pt_inc) == 0  # nothing per (incident, segment) is held
    assert field.n_pairs == 50 * int((SEGMENTS[C.COUNTRY] == "AA").sum() if level == 4 else
                                     ((SEGMENTS[C.COUNTRY] == "AA")
                                      & (SEGMENTS[C.ADMIN1] == "East")).sum())
