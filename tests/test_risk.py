"""Risk model: worked examples computed by hand, and the properties the model promises."""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo._errors import InputWarning
from geo.io import read_boundaries, read_corridors, read_incidents
from geo.risk import band_of, band_timeline, incident_fate, load_model, score_segments
from geo.routes import summarise_routes
from geo.segment import segment_corridors
from tests._factories import AS_OF, BENT, STRAIGHT, UNITS, incident, incidents

MODEL = load_model()
# No border baseline: the worked examples look at incidents alone.
BARE = replace(MODEL, border_crossing_exposure=0.0)
SEGMENTS = segment_corridors(STRAIGHT, UNITS, max_km=25)
BENT_SEGMENTS = segment_corridors(BENT, UNITS, max_km=25)
PROPS = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def quartic_fraction(u1: float, u2: float, p: float, h: float) -> float:
    """Share of a point's quartic kernel mass on the stretch [u1, u2] of a line at distance p."""
    a = 1 - (p / h) ** 2
    w = h * math.sqrt(a)
    lo, hi = max(u1, -w), min(u2, w)
    if hi <= lo:
        return 0.0

    def anti(u: float) -> float:
        return a * a * u - 2 * a * u**3 / (3 * h * h) + u**5 / (5 * h**4)

    return (anti(hi) - anti(lo)) / (16 * h / 15)


def score(segments, rows, *, as_of=AS_OF, model=BARE):
    return score_segments(segments, incidents(rows), as_of=as_of, model=model)


def test_arrest_on_the_corridor_worked_example():
    # An arrest of 15 people at 1.5°E on the equator, source quality 4, dated on the as-of day.
    scored = score(SEGMENTS, [incident("a", lon=1.5, lat=0.0, count=15, quality=4,
                                       date_text="2020-06-01")])
    base = 1.0 * (1 + math.log10(15)) * 0.9  # weight x severity x quality factor; age 0
    # The whole kernel (±50 km) lies on the corridor: the corridor's exposure is the base value.
    assert scored[C.EXPOSURE].sum() == pytest.approx(base, rel=1e-6)
    # The segment holding the incident: its share of the kernel, per 100 km of its length.
    holder = scored.loc[scored[C.RISK_DENSITY].idxmax()]
    start_km = 111.3195 * 1.5 - sum(scored[C.LENGTH_KM][: holder[C.SEQ]])
    length = holder[C.LENGTH_KM]
    share = quartic_fraction(-start_km, length - start_km, 0.0, 50.0)
    assert holder[C.RISK_DENSITY] == pytest.approx(100 * base * share / length, rel=2e-3)
    assert holder[C.TOP_INCIDENTS] == [{"incident_id": "a", "share": 1.0, "precision": "point"}]


def test_offset_arrest_decays_with_distance_and_time():
    # 20 km north of the corridor, 180 days (one half-life) old, no count, no quality (3 -> 0.8).
    lat = 20 / 110.574
    scored = score(SEGMENTS, [incident("a", lon=1.5, lat=lat, date_text="2019-12-04")])
    expected = 1.0 * 1.0 * 0.8 * 0.5 * (1 - (20 / 50) ** 2) ** 2.5
    # ∫(1 - (p²+u²)/h²)² du over the whole chord = (16h/15)(1 - p²/h²)^(5/2)
    assert scored[C.EXPOSURE].sum() == pytest.approx(expected, rel=5e-3)


def test_province_level_incident_is_spread_over_its_unit():
    # a June report, published on 1 June (source_date): known on the as-of day
    scored = score(SEGMENTS, [incident("p", admin1="East", country="AA", itype="crackdown",
                                       date_text="2020-06", source_date="2020-06-01")])
    east = scored[C.ADMIN1] == "East"
    assert east.any() and (~east).any()
    # 0.25 per 100 km x weight 1 x severity 1 x quality 0.8; month-precision: age 0 in June
    assert scored.loc[east, C.RISK_DENSITY].to_numpy() == pytest.approx(0.25 * 0.8)
    assert (scored.loc[~east, C.RISK_DENSITY] == 0).all()


def test_country_level_incident_and_interval_in_force():
    rows = [incident("c", country="BB", itype="border_closure", date_text="2020-01",
                     end_date="2020-12")]
    scored = score(SEGMENTS, rows)
    bb = scored[C.COUNTRY] == "BB"
    # in force on the as-of date: no decay; weight 2, quality 0.8, 0.05 per 100 km
    assert scored.loc[bb, C.RISK_DENSITY].to_numpy() == pytest.approx(0.05 * 2 * 0.8)
    # 60 days after it ended (2020-12-31): two half-lives of 30 days
    later = score(SEGMENTS, rows, as_of=date(2021, 3, 1))
    assert later.loc[bb, C.RISK_DENSITY].to_numpy() == pytest.approx(0.05 * 2 * 0.8 * 0.25)


def test_border_baseline_is_a_kernel_around_the_crossing():
    scored = score(SEGMENTS, [], model=MODEL)
    # the crossing at 2°E adds 0.1 exposure in all, spread ±25 km along the corridor
    assert scored[C.EXPOSURE].sum() == pytest.approx(0.1, rel=1e-6)
    crossing = scored[scored[C.BORDER_CROSSING]]
    assert crossing[C.COUNTRY].tolist() == ["AA", "BB"]
    assert crossing[C.EXPOSURE].sum() > 0.099  # nearly all of it on the two border segments
    assert all(t[0]["incident_id"] == "baseline" for t in crossing[C.TOP_INCIDENTS])


@pytest.mark.parametrize("max_km", [0.5, 5, 25, 100])
def test_border_baseline_does_not_depend_on_segment_length(max_km):
    scored = score(segment_corridors(STRAIGHT, UNITS, max_km=max_km), [], model=MODEL)
    assert scored[C.EXPOSURE].sum() == pytest.approx(0.1, rel=1e-6)
    # the kernel's peak: 100 x 0.1 x 15 / (16 x 25 km) per 100 km; a short segment at the
    # border never gets more (it used to, when half a crossing sat on each border segment)
    assert scored[C.RISK_DENSITY].max() <= 100 * 0.1 * 15 / (16 * 25) + 1e-9
    assert (scored[C.RISK_BAND] <= 2).all()


def test_bands_use_fixed_thresholds():
    assert band_of(np.array([0, 0.0999, 0.1, 0.5, 1.5, 3.99, 4.0, 100]),
                   MODEL.band_thresholds).tolist() == [1, 1, 2, 3, 4, 4, 5, 5]


def test_transit_adds_nothing_and_fate_says_why():
    rows = [incident("t", lon=1.0, lat=0.0, itype="transit", count=450),
            incident("far", lon=1.0, lat=8.0),
            incident("late", lon=1.0, lat=0.0, date_text="2021-01-01")]
    inc = incidents(rows)
    scored = score_segments(SEGMENTS, inc, as_of=AS_OF, model=BARE)
    assert (scored[C.RISK_DENSITY] == 0).all()
    fate = incident_fate(SEGMENTS, inc, as_of=AS_OF, model=BARE).set_index(C.INCIDENT_ID)
    assert fate.loc["t", C.STATUS] == "scored" and "weight 0" in fate.loc["t", C.REASON]
    assert fate.loc["far", C.STATUS] == "unassigned"
    assert "885 km" in fate.loc["far", C.REASON]  # 8° of latitude
    assert fate.loc["late", C.STATUS] == "future"


def test_timeline_recolours_as_incidents_arrive():
    rows = [incident("a", lon=1.5, lat=0.0, count=100, date_text="2020-03-10")]
    dates = [date(2020, 2, 29), date(2020, 3, 31)]
    tl = band_timeline(SEGMENTS, incidents(rows), dates=dates, model=BARE)
    assert (tl["2020-02-29"] == 1).all()
    assert tl["2020-03-31"].max() >= 4


# --------------------------------------------------------------------------- properties

TYPES = [t for t, v in MODEL.types.items() if v.weight > 0]


@st.composite
def incident_rows(draw, n_max=6, n_min=0):
    n = draw(st.integers(n_min, n_max))
    rows = []
    for i in range(n):
        kind = draw(st.sampled_from(["point", "point", "admin1", "country"]))
        day = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        common = {
            "itype": draw(st.sampled_from(TYPES)),
            "date_text": day.isoformat(),
            "count": draw(st.one_of(st.just(np.nan), st.integers(1, 500).map(float))),
            "quality": draw(st.one_of(st.just(np.nan), st.integers(1, 5).map(float))),
        }
        if kind == "point":
            rows.append(incident(f"i{i}", lon=draw(st.floats(-0.8, 3.8)),
                                 lat=draw(st.floats(-0.9, 0.9)), **common))
        elif kind == "admin1":
            rows.append(incident(f"i{i}", admin1=draw(st.sampled_from(["West", "East"])),
                                 country="AA", **common))
        else:
            rows.append(incident(f"i{i}", country=draw(st.sampled_from(["AA", "BB"])), **common))
    return rows


@PROPS
@given(rows=incident_rows(), extra=incident_rows(n_max=2))
def test_adding_an_incident_never_lowers_risk(rows, extra):
    extra = [{**r, C.INCIDENT_ID: "x" + r[C.INCIDENT_ID]} for r in extra]
    before = score(BENT_SEGMENTS, rows, model=MODEL)[C.RISK_DENSITY].to_numpy()
    after = score(BENT_SEGMENTS, rows + extra, model=MODEL)[C.RISK_DENSITY].to_numpy()
    assert (after >= before - 1e-12).all()


@PROPS
@given(rows=incident_rows(), late=incident_rows(n_max=3))
def test_incidents_after_as_of_change_nothing(rows, late):
    late = [{**r, C.INCIDENT_ID: "late" + r[C.INCIDENT_ID],
             C.DATE: r[C.DATE] + (np.datetime64("2021-06-01") - np.datetime64("2019-01-01")),
             C.PERIOD_END: r[C.PERIOD_END] + (np.datetime64("2021-06-01")
                                          - np.datetime64("2019-01-01"))} for r in late]
    as_of = date(2021, 5, 31)
    a = score(BENT_SEGMENTS, rows, as_of=as_of, model=MODEL)
    b = score(BENT_SEGMENTS, rows + late, as_of=as_of, model=MODEL)
    assert a[C.RISK_DENSITY].tolist() == b[C.RISK_DENSITY].tolist()
    assert a[C.TOP_INCIDENTS].tolist() == b[C.TOP_INCIDENTS].tolist()


@PROPS
@given(lon=st.floats(-0.5, 3.5), lat=st.floats(0.0, 0.6), step=st.floats(0.0, 0.5),
       itype=st.sampled_from(TYPES), age=st.integers(0, 600), back=st.integers(0, 600))
def test_further_away_or_further_back_never_raises_risk(lon, lat, step, itype, age, back):
    def density(dlat, days):
        day = (AS_OF - timedelta(days=days)).isoformat()
        return score(SEGMENTS, [incident("a", lon=lon, lat=lat + dlat, itype=itype,
                                         date_text=day)])[C.RISK_DENSITY].to_numpy()

    near = density(0.0, age)
    assert (density(step, age) <= near + 1e-12).all()  # further from the straight corridor
    assert (density(0.0, age + back) <= near + 1e-12).all()  # further back in time


@PROPS
@given(rows=incident_rows())
def test_route_exposure_barely_depends_on_segment_length(rows):
    inc = incidents(rows)
    short = summarise_routes(score_segments(segment_corridors(BENT, UNITS, max_km=10), inc,
                                            as_of=date(2021, 1, 1), model=MODEL))
    long = summarise_routes(score_segments(segment_corridors(BENT, UNITS, max_km=50), inc,
                                           as_of=date(2021, 1, 1), model=MODEL))
    a, b = short[C.EXPOSURE].to_numpy(), long[C.EXPOSURE].to_numpy()
    assert np.allclose(a, b, rtol=0.02, atol=1e-9)


@pytest.fixture(scope="module")
def layers_by_crs(tmp_path_factory):
    """The same corridors and units saved in EPSG:4326 and EPSG:3857, read back by geo.io:
    (segments, units) per EPSG code."""
    out = {}
    for epsg in (4326, 3857):
        folder = tmp_path_factory.mktemp(f"epsg{epsg}")
        BENT.to_crs(epsg).to_file(folder / "c.gpkg", engine="pyogrio")
        UNITS.to_crs(epsg).to_file(folder / "b.gpkg", engine="pyogrio")
        units = read_boundaries(folder / "b.gpkg")
        out[epsg] = (segment_corridors(read_corridors(folder / "c.gpkg"), units), units)
    return out


def _saved_incidents(inc, folder: Path, epsg: int) -> Path:
    """Incidents saved as point GeoJSON in ``epsg`` (coarse rows without a geometry), with the
    CRS named in the file as a GIS writes it."""
    frame = inc.to_crs(epsg)
    features = []
    for rec, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry,
                         strict=True):
        props = {C.INCIDENT_ID: rec[C.INCIDENT_ID], C.DATE: rec[C.DATE_TEXT],
                 C.TYPE: rec[C.TYPE], C.GEO_PRECISION: int(rec[C.GEO_PRECISION]),
                 C.VISIBILITY: "public"}
        props.update({col: rec[col] for col in (C.ADMIN1, C.COUNTRY) if rec[col]})
        props.update({col: int(rec[col]) for col in (C.COUNT, C.SOURCE_QUALITY)
                      if not math.isnan(rec[col])})
        features.append({"type": "Feature", "properties": props, "geometry": None if geom is None
                         else {"type": "Point", "coordinates": [geom.x, geom.y]}})
    doc = {"type": "FeatureCollection", "features": features,
           "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}}
    path = folder / f"incidents_{epsg}.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@PROPS
@given(rows=incident_rows())
def test_input_crs_does_not_matter(layers_by_crs, rows):
    """Every layer, incidents too, read from files in EPSG:4326 and in EPSG:3857.

    One point stays well away from (0, 0): a file whose every coordinate is within 180 m of
    the origin is refused as "degrees declared as metres", rightly.
    """
    rows = [*rows, incident("anchor", lon=3.0, lat=0.5, date_text="2019-06-01")]
    scores = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # points off every unit: both alike
        for epsg, (segments, units) in layers_by_crs.items():
            path = _saved_incidents(incidents(rows), Path(tmp), epsg)
            read = read_incidents(path, boundaries=units, today=date(2024, 1, 1), types=TYPES)
            assert read.crs.equals(4326)
            scores[epsg] = score_segments(segments, read, as_of=date(2021, 1, 1), model=MODEL)
    a, b = scores[4326], scores[3857]
    assert np.allclose(a[C.RISK_DENSITY], b[C.RISK_DENSITY], rtol=1e-6, atol=1e-9)
    assert a[C.RISK_BAND].tolist() == b[C.RISK_BAND].tolist()
    assert a[C.SEGMENT_ID].tolist() == b[C.SEGMENT_ID].tolist()


@PROPS
@given(rows=incident_rows(), seed=st.integers(0, 2**16))
def test_row_order_does_not_matter(rows, seed):
    rng = np.random.default_rng(seed)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    seg_order = rng.permutation(len(BENT_SEGMENTS))
    a = score(BENT_SEGMENTS, rows, model=MODEL)
    b = score(BENT_SEGMENTS.iloc[seg_order], shuffled, model=MODEL).loc[a.index]
    assert np.allclose(a[C.RISK_DENSITY], b[C.RISK_DENSITY], rtol=1e-9, atol=1e-12)
    assert a[C.TOP_INCIDENTS].tolist() == b[C.TOP_INCIDENTS].tolist()


def test_inputs_are_not_mutated():
    inc = incidents([incident("a", lon=1.0, lat=0.1)])
    seg_before, inc_before = SEGMENTS.copy(), inc.copy()
    score_segments(SEGMENTS, inc, as_of=AS_OF, model=MODEL)
    assert SEGMENTS.equals(seg_before) and inc.equals(inc_before)
