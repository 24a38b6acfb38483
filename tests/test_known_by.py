"""The known-by rule: no score at any date uses an incident that could not yet have been known."""

from __future__ import annotations

import calendar
import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo.compare import compare_dates
from geo.model.known import known_by
from geo.risk import RiskField, band_timeline, incident_fate, load_model, score_segments
from geo.segment import segment_corridors
from tests._factories import BENT, STRAIGHT, UNITS, incident, incidents

MODEL = replace(load_model(), border_crossing_exposure=0.0)
SEGMENTS = segment_corridors(STRAIGHT, UNITS, max_km=25)
BENT_SEGMENTS = segment_corridors(BENT, UNITS, max_km=25)


def exposure(rows, as_of, segments=SEGMENTS):
    return float(score_segments(segments, incidents(rows), as_of=as_of,
                                model=MODEL)[C.EXPOSURE].sum())


# --------------------------------------------------------------------------- worked examples

BASE = 1.0 * 1.0 * 0.8  # arrest weight x severity (no count) x quality (missing -> 3 -> 0.8)


def test_month_incident_counts_only_from_the_last_day_of_its_month():
    rows = [incident("m", lon=1.5, lat=0.0, date_text="2023-06")]
    # on 3 June the June incident had not necessarily happened: nothing
    assert exposure(rows, date(2023, 6, 3)) == 0.0
    assert exposure(rows, date(2023, 6, 29)) == 0.0
    # known on 30 June; its age still runs from the middle of June (15 June): 15 days
    assert exposure(rows, date(2023, 6, 30)) == pytest.approx(BASE * 0.5 ** (15 / 180),
                                                             rel=1e-9)
    fate = incident_fate(SEGMENTS, incidents(rows), as_of=date(2023, 6, 3), model=MODEL)
    assert fate[C.STATUS].tolist() == ["future"]
    assert "known from 2023-06-30" in fate[C.REASON].iat[0]


def test_source_date_makes_an_incident_known_earlier_or_later():
    early = [incident("s", lon=1.5, lat=0.0, date_text="2023-06", source_date="2023-06-03")]
    # published on 3 June: counts that day, age 0 (the middle of June is clipped at T)
    assert exposure(early, date(2023, 6, 2)) == 0.0
    assert exposure(early, date(2023, 6, 3)) == pytest.approx(BASE, rel=1e-9)
    late = [incident("l", lon=1.5, lat=0.0, date_text="2023-06-10", source_date="2023-07")]
    # a day-dated event first reported in "2023-07": certain to be published only by 31 July
    assert exposure(late, date(2023, 7, 30)) == 0.0
    assert exposure(late, date(2023, 7, 31)) == pytest.approx(BASE * 0.5 ** (51 / 180),
                                                             rel=1e-9)


def test_year_week_and_interval_periods():
    year = [incident("y", lon=1.5, lat=0.0, date_text="2023")]
    assert exposure(year, date(2023, 12, 30)) == 0.0
    # middle of 2023 = 2 July (1 Jan + 364 // 2 days); on 1 Jan 2024 it is 183 days old
    assert exposure(year, date(2024, 1, 1)) == pytest.approx(BASE * 0.5 ** (183 / 180),
                                                            rel=1e-9)
    week = [incident("w", lon=1.5, lat=0.0, date_text="2024-03-04", date_precision="week")]
    assert exposure(week, date(2024, 3, 9)) == 0.0
    assert exposure(week, date(2024, 3, 10)) > 0.0
    # an interval (border closure from January to December) is known when its start month
    # ends, then counts at full strength while in force
    closure = [incident("c", country="BB", itype="border_closure", date_text="2020-01",
                        end_date="2020-12")]
    assert exposure(closure, date(2020, 1, 30)) == 0.0
    bb_km = float(SEGMENTS.loc[SEGMENTS[C.COUNTRY] == "BB", C.LENGTH_KM].sum())
    assert exposure(closure, date(2020, 1, 31)) == pytest.approx(
        0.05 * 2 * 0.8 * bb_km / 100, rel=1e-9)


def test_timeline_and_compare_inherit_the_rule():
    rows = [incident("a", lon=1.5, lat=0.0, count=100, date_text="2020-03")]
    tl = band_timeline(SEGMENTS, incidents(rows), dates=[date(2020, 3, 30), date(2020, 3, 31)],
                       model=MODEL)
    assert (tl["2020-03-30"] == 1).all() and tl["2020-03-31"].max() >= 4
    changes = compare_dates(SEGMENTS, incidents(rows), date_from=date(2020, 2, 1),
                            date_to=date(2020, 3, 30), model=MODEL)
    assert len(changes) == 0  # the March incident is not known by 30 March


def test_known_by_of_the_bundled_style_rows():
    rows = incidents([
        incident("a", lon=1.0, lat=0.0, date_text="2024-08", source_date="2024-09"),
        incident("b", lon=1.0, lat=0.0, date_text="2024-09-03"),
        incident("c", lon=1.0, lat=0.0, date_text="2024-08", source_date="2024-07-01"),
        incident("d", lon=1.0, lat=0.0, date_text="2024-08", source_date="not a date"),
    ])
    # a source dated before the event's period started counts from the period's start
    assert [str(d) for d in known_by(rows)] == ["2024-09-30", "2024-09-03", "2024-08-01",
                                                "2024-08-31"]


# --------------------------------------------------------------------------- properties


def _oracle_known(date_text: str, precision: str, source_date: str) -> date:
    """When a row could be known, computed from its strings alone (not via geo.model.known)."""

    def last_day(text: str, prec: str) -> date:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1 or prec == "year":
            return date(parts[0], 12, 31)
        if len(parts) == 2 or prec == "month":
            return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        day = date(*parts)
        return day + timedelta(days=6) if prec == "week" else day

    first = [int(p) for p in date_text.split("-")] + [1, 1]
    start = date(first[0], first[1], first[2]) if precision not in ("month", "year") else \
        date(first[0], first[1] if precision == "month" else 1, 1)
    if source_date:
        return max(last_day(source_date, ""), start)
    return last_day(date_text, precision)


@st.composite
def dated_rows(draw):
    n = draw(st.integers(1, 7))
    rows, known = [], []
    for i in range(n):
        day = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, 900)))
        kind = draw(st.sampled_from(["day", "week", "month", "year"]))
        text = {"day": day.isoformat(), "week": day.isoformat(),
                "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[kind]
        precision = "week" if kind == "week" else ""
        source = ""
        if draw(st.booleans()):
            lag = draw(st.integers(-40, 200))
            sday = day + timedelta(days=lag)
            source = sday.isoformat() if draw(st.booleans()) else sday.isoformat()[:7]
        where = draw(st.sampled_from(["point", "point", "admin1", "country"]))
        common = {"date_text": text, "date_precision": precision, "source_date": source,
                  "itype": draw(st.sampled_from(["arrest", "crackdown", "checkpoint",
                                                 "broker_detention"]))}
        if where == "point":
            rows.append(incident(f"i{i}", lon=draw(st.floats(-0.5, 3.5)),
                                 lat=draw(st.floats(-0.6, 0.9)), **common))
        elif where == "admin1":
            rows.append(incident(f"i{i}", admin1=draw(st.sampled_from(["West", "East"])),
                                 country="AA", **common))
        else:
            rows.append(incident(f"i{i}", country=draw(st.sampled_from(["AA", "BB"])), **common))
        known.append(_oracle_known(text, precision or kind, source))
    return rows, known


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=dated_rows(), origins=st.lists(st.integers(0, 1300), min_size=1, max_size=4))
def test_no_score_at_any_origin_uses_an_incident_not_yet_known(data, origins):
    rows, known = data
    gdf = incidents(rows)
    assert [d.astype(object) for d in known_by(gdf)] == known
    field = RiskField(BENT_SEGMENTS, gdf, model=MODEL)
    for offset in origins:
        t = date(2019, 1, 1) + timedelta(days=offset)
        mask = [k <= t for k in known]
        # every contribution of a not-yet-known incident is exactly zero ...
        contrib = field.pair_contributions(t)
        unknown = ~np.asarray(mask)[field.pair_inc] if len(field.pair_inc) else []
        assert not np.any(contrib[unknown])
        # ... so scoring everything equals scoring only what was known (densities, top lists)
        full = score_segments(BENT_SEGMENTS, gdf, as_of=t, model=MODEL, field=field)
        only = score_segments(BENT_SEGMENTS, incidents([r for r, m in zip(rows, mask,
                                                                           strict=True) if m]),
                              as_of=t, model=MODEL)
        assert full[C.RISK_DENSITY].to_numpy() == pytest.approx(
            only[C.RISK_DENSITY].to_numpy(), rel=1e-12, abs=1e-15)
        named = {e["incident_id"] for top in full[C.TOP_INCIDENTS] for e in top}
        assert named <= {r[C.INCIDENT_ID] for r, m in zip(rows, mask, strict=True) if m} | {
            "baseline"}
        fate = incident_fate(BENT_SEGMENTS, gdf, as_of=t, model=MODEL, field=field)
        assert (fate[C.STATUS] == "future").tolist() == [not m for m in mask]
        assert not math.isnan(full[C.RISK_DENSITY].sum())
