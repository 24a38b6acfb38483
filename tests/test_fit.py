"""The fitted default model (geo.fit): no look-ahead, refusal on short history, the properties."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import columns as C
from geo import pipeline
from geo._errors import ConfigError
from geo.evaluate.simulate import simulate_world
from geo.fit import FitResult, fit_field, training_dates
from geo.model.candidates import choose
from geo.model.known import known_by
from geo.risk import RiskField, load_model

START, END = date(2019, 1, 1), date(2022, 12, 31)
AS_OF = date(2021, 9, 30)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Prepared:
    folder = tmp_path_factory.mktemp("fitworld")
    simulate_world(seed=3, start=START, end=END, events_per_year=250, n_hotspots=12).write(
        folder)
    return pipeline.prepare(layers=folder, as_of=END)


def _field(p: pipeline.Prepared, incidents: pd.DataFrame) -> RiskField:
    return RiskField(p.segments, incidents, model=p.model)


def test_the_build_fits_on_enough_history_and_says_so(world):
    assert world.fit is not None and world.fit.ok, world.fit
    assert world.fit.n_windows == 45  # 2019-01-31 … 2022-09-30: every window closed by END
    text = world.fit.describe()
    assert re.match(r"risk model: (full|no_coarse|no_decay) fitted on 45 month-end windows", text)
    # the candidates were compared at past windows and the best applies
    assert world.fit.candidate == world.fit.scores[0][0]
    assert [n for n, _, _ in world.fit.scores] and "chosen by log score" in text
    assert world.fit.scores[0][1] >= max(v for _, v, _ in world.fit.scores)
    assert all(w >= 0 for w in (*world.fit.space, *world.fit.time, world.fit.background))
    assert math.isclose(sum(world.fit.space) + world.fit.own_segment + world.fit.coarse, 1.0)
    # the scored density is the fitted field's
    fitted = world.field.density(world.as_of)
    assert np.array_equal(world.scored[C.RISK_DENSITY].to_numpy(), fitted)


def test_the_manifest_records_the_chosen_model_and_every_score(world, tmp_path):
    pipeline.write_outputs(world, tmp_path, formats=())
    model = json.loads((tmp_path / "build_manifest.json").read_text("utf-8"))["model"]
    assert model["fitted"] is True and model["candidate"] == world.fit.candidate
    assert model["summary"] == world.fit.describe()
    assert [s["candidate"] for s in model["scores"]] == [n for n, _, _ in world.fit.scores]
    assert model["half_lives_days"][-1] is None  # no decay: JSON has no infinity
    assert model["space"] == list(world.fit.space) and model["windows"] == 45


def test_changing_incidents_after_the_as_of_date_changes_nothing(world):
    """No look-ahead: incidents not known by the as-of date are moved, re-dated within the
    future, duplicated or dropped; the fit and every density as of that date stay the same."""
    inc = world.incidents
    late = known_by(inc) > np.datetime64(AS_OF, "D")
    assert 50 < late.sum() < len(inc) - 50
    base = _field(world, inc)
    fit = fit_field(base, AS_OF)
    assert fit.ok
    dens = base.with_fit(fit).density(AS_OF)

    moved = inc.copy()
    rows = np.flatnonzero(late)
    geoms = moved.geometry.to_numpy().copy()
    geoms[rows] = geoms[np.random.default_rng(0).permutation(rows)]
    moved = moved.set_geometry(geoms)
    moved[C.DATE] = moved[C.DATE].where(~late, moved[C.DATE] + pd.Timedelta(days=20))
    variants = {"moved": moved, "dropped": inc[~late],
                "doubled": pd.concat([inc, inc[late].assign(
                    **{C.INCIDENT_ID: inc[late][C.INCIDENT_ID] + "-copy"})],
                    ignore_index=True)}
    for name, other in variants.items():
        field = _field(world, other)
        again = fit_field(field, AS_OF)
        assert again == fit, name
        assert again.log_likelihood == fit.log_likelihood, name
        assert np.array_equal(field.with_fit(again).density(AS_OF), dens), name


def test_targets_and_windows_end_by_the_as_of_date(world):
    known = known_by(world.incidents)
    dates = training_dates(known, AS_OF, 90, 36)
    assert len(dates) == 30  # 2019-01-31 … 2021-06-30
    assert dates[-1] + timedelta(days=90) <= AS_OF
    assert all(d + timedelta(days=90) <= AS_OF for d in dates)


def test_short_history_keeps_the_type_defaults_and_says_why():
    p = pipeline.prepare()  # the bundled example: ten incidents
    assert p.fit is not None and not p.fit.ok
    assert "history too short to fit" in p.fit.reason
    assert p.fit.describe().startswith("risk model: type defaults (history too short")
    plain = RiskField(p.segments, p.incidents, model=p.model)
    assert np.array_equal(p.scored[C.RISK_DENSITY].to_numpy(), plain.density(p.as_of))


def test_with_fixed_weights_adding_an_incident_never_lowers_risk(world):
    field = _field(world, world.incidents)
    fit = fit_field(field, AS_OF)
    before = field.with_fit(fit).density(AS_OF)
    extra = world.incidents.iloc[[0]].assign(**{C.INCIDENT_ID: "extra"})
    more = _field(world, pd.concat([world.incidents, extra], ignore_index=True))
    after = more.with_fit(fit).density(AS_OF)
    assert (after >= before - 1e-12).all() and (after > before).any()


def test_fit_is_deterministic_and_row_order_free(world):
    inc = world.incidents
    a = fit_field(_field(world, inc), AS_OF)
    shuffled = inc.sample(frac=1.0, random_state=1)
    b = fit_field(_field(world, shuffled), AS_OF)
    assert a.ok and b.ok
    for x, y in zip((*a.space, *a.time, a.background, a.own_segment, a.coarse),
                    (*b.space, *b.time, b.background, b.own_segment, b.coarse),
                    strict=True):
        assert math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9)


def test_fit_section_is_checked_and_can_be_switched_off(tmp_path):
    off = tmp_path / "off.toml"
    off.write_text("[fit]\nbandwidths_km = []\nhalf_lives_days = []\n", encoding="utf-8")
    model = load_model(off)
    assert model.fit_bandwidths_km == ()
    bad = tmp_path / "bad.toml"
    bad.write_text("[fit]\nbandwidths_km = [10, -5]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bandwidths"):
        load_model(bad)
    half = tmp_path / "half.toml"
    half.write_text("[fit]\nbandwidths_km = [10]\nhalf_lives_days = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="both"):
        load_model(half)


def test_candidates_are_checked_and_one_switches_the_choice_off(tmp_path, world):
    for text in ('candidates = ["full", "nonsense"]', "candidates = []",
                 'candidates = ["full", "full"]'):
        bad = tmp_path / "bad.toml"
        bad.write_text(f"[fit]\n{text}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="candidates"):
            load_model(bad)
    one = dataclasses.replace(world.model, fit_candidates=("no_decay",))
    fit = fit_field(RiskField(world.segments, world.incidents, model=one), world.as_of)
    assert fit.ok and fit.candidate == "no_decay" and fit.scores == ()
    # no decay only: every time weight but the infinite half-life's is 0
    assert [w > 0 for w in fit.time] == [math.isinf(h) for h in fit.half_lives_days]


def test_the_fixed_candidate_is_the_25_km_quartic_without_decay(world):
    fixed = dataclasses.replace(world.model, fit_candidates=("kde_25km",))
    fit = fit_field(RiskField(world.segments, world.incidents, model=fixed), world.as_of)
    assert fit.ok and fit.candidate == "kde_25km" and fit.background == 0.0
    bands = dict(zip(fit.bandwidths_km, fit.space, strict=True))
    assert bands[25.0] > 0.99 and fit.own_segment == 0.0 and fit.coarse == 0.0
    assert "kde_25km fixed on" in fit.describe()


def test_a_fixed_candidate_gets_only_a_scale_expecting_the_past_windows_incidents(world):
    """``risk_density`` of a fixed candidate is an expected count per 100 km too: over the
    windows the fit learned from, the field expects as many point incidents on the corridors
    as fell there."""
    model = world.model
    for name in ("kde_25km", "own_365d"):
        one = dataclasses.replace(model, fit_candidates=(name,))
        field = RiskField(world.segments, world.incidents, model=one)
        fit = fit_field(field, world.as_of)
        assert fit.ok and fit.candidate == name and fit.background == 0.0
        fitted = field.with_fit(fit)
        dates = training_dates(field.known, world.as_of, model.fit_horizon_days,
                               model.fit_max_windows)
        expected = sum(float(fitted.density(d) @ field.geo_len_km) / 100.0 for d in dates)
        placed = field.placed(model.fit_capture_km)
        start = world.incidents[C.DATE].to_numpy(dtype="datetime64[D]")
        end = world.incidents[C.PERIOD_END].to_numpy(dtype="datetime64[D]")
        scored = (field.weight > 0) & (placed >= 0) & (field.known <= np.datetime64(world.as_of))
        observed = sum(int((scored & (start > np.datetime64(d))
                            & (end <= np.datetime64(d) + np.timedelta64(
                                model.fit_horizon_days, "D"))).sum()) for d in dates)
        assert observed > 100 and math.isclose(expected, observed, rel_tol=1e-6), name


def test_the_own_record_candidate_is_the_segments_incidents_with_a_year_half_life(world):
    one = dataclasses.replace(world.model, fit_candidates=("own_365d",))
    fit = fit_field(RiskField(world.segments, world.incidents, model=one), world.as_of)
    assert fit.own_segment > 0.998 and fit.coarse == 0.0
    assert [w > 0 for w in fit.time] == [h == 365.0 for h in fit.half_lives_days]
    assert "own_365d fixed on" in fit.describe()
    # the 25 and 50 km quartics only break ties among segments with the same record
    bands = dict(zip(fit.bandwidths_km, fit.space, strict=True))
    assert 0 < bands[50.0] < bands[25.0] < 1e-3 and bands[5.0] == bands[10.0] == 0.0


def test_refused_fit_returns_the_field_unchanged(world):
    field = _field(world, world.incidents)
    refused = FitResult(False, "no", AS_OF)
    assert field.with_fit(refused) is field
    off = dataclasses.replace(world.model, fit_bandwidths_km=(), fit_half_lives_days=())
    assert not fit_field(RiskField(world.segments, world.incidents, model=off), AS_OF).ok


def test_a_job_too_large_to_fit_keeps_the_defaults_and_says_why(world, monkeypatch):
    import geo.model.fit

    field = _field(world, world.incidents)
    monkeypatch.setattr(geo.model.fit, "MAX_PAIRS", field.n_pairs - 1)
    fit = fit_field(field, AS_OF)
    assert not fit.ok and "too large to fit" in fit.reason
    assert field.with_fit(fit) is field


def test_own_segment_term_counts_each_incident_on_the_segment_it_fell_on(world):
    field = _field(world, world.incidents)
    only_own = FitResult(True, "", END, field.model.fit_bandwidths_km,
                         (math.inf,), tuple(0.0 for _ in field.model.fit_bandwidths_km), (1.0,),
                         0.0, 12, 40, own_segment=1.0, coarse=0.0)
    dens = field.with_fit(only_own).density(END)
    placed = field.placed(field.model.fit_capture_km)
    known = field.known <= np.datetime64(END, "D")
    hits = np.bincount(placed[(placed >= 0) & known], minlength=field.n_seg)
    expected = np.where(field.geo_len_km > 0, 100.0 * hits / field.geo_len_km, 0.0)
    assert hits.sum() > 0
    np.testing.assert_allclose(dens, expected, rtol=1e-9, atol=1e-12)


def test_coarse_term_has_its_own_weight(world):
    field = _field(world, world.incidents)
    coarse = (world.incidents[C.GEO_PRECISION] >= 3).to_numpy()
    assert coarse.any()
    bands = field.model.fit_bandwidths_km
    zero = tuple(0.0 for _ in bands)
    half = FitResult(True, "", END, bands, (math.inf,), zero, (1.0,), 0.0, 12, 40,
                     own_segment=0.0, coarse=0.5)
    full = dataclasses.replace(half, coarse=1.0)
    none = dataclasses.replace(half, coarse=0.0)
    d_half = field.with_fit(half).density(END)
    d_full = field.with_fit(full).density(END)
    assert d_full.max() > 0
    np.testing.assert_allclose(d_half, 0.5 * d_full, rtol=1e-9)
    np.testing.assert_array_equal(field.with_fit(none).density(END), np.zeros(field.n_seg))


_DAYS = [date(2020, 1, 1) + timedelta(days=30 * k) for k in range(30)]


@given(st.dictionaries(st.sampled_from(["full", "no_coarse", "no_decay", "kde_25km"]),
                       st.dictionaries(st.sampled_from(_DAYS),
                                       st.floats(-5, 0, allow_nan=False), max_size=30),
                       min_size=1),
       st.integers(1, 20))
def test_the_choice_keeps_the_best_mean_on_shared_windows(past, min_windows):
    names = list(past)
    chosen, scores = choose(past, names, min_windows)
    if not scores:  # nothing comparable: the first candidate, as without a choice
        assert chosen == names[0]
        return
    compared = [n for n, _, _ in scores]
    windows = scores[0][2]
    assert chosen == compared[0] and windows >= min_windows
    common = set.intersection(*(set(past[n]) for n in compared))
    assert len(common) == windows
    for name, mean, _ in scores:  # each mean over the same windows; best first
        assert mean == pytest.approx(np.mean([past[name][d] for d in common]))
        assert scores[0][1] >= mean
    # a candidate scored at too few windows is never compared
    assert all(len(past[n]) >= min_windows for n in compared)
