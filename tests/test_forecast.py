"""Calibrated p_<H>d, evidence bands, coarse shares and route probabilities (geo.forecast)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import pipeline
from geo._errors import ConfigError
from geo.calibration import (
    ForecastSettings,
    expected_calibration_error,
    fit_calibration,
    reliability,
)
from geo.evaluate.simulate import simulate_world
from geo.forecast import evidence_thresholds, forecast
from geo.risk import band_of, load_model
from geo.routes import any_incident

START, END = date(2019, 1, 1), date(2022, 12, 31)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dense simulated world (~300 events a year over four years)."""
    folder = tmp_path_factory.mktemp("forecast")
    return simulate_world(seed=0, start=START, end=END, events_per_year=300,
                          n_hotspots=20).write(folder)


@pytest.fixture(scope="module")
def dense(world: Path) -> pipeline.Prepared:
    return pipeline.prepare(layers=world, as_of=END)


# --------------------------------------------------------------------------- calibration


def test_two_groups_are_calibrated_to_their_observed_frequencies():
    # score 0: 10 % of 200 segment-windows hit; score 10: 50 % of 200 (same length)
    density = np.repeat([0.0, 10.0], 200)
    hit = np.concatenate([np.arange(200) < 20, np.arange(200) < 100])
    cal = fit_calibration(density, np.full(400, 25.0), hit, n_windows=10)
    p = cal.predict(np.array([0.0, 10.0]), np.array([25.0, 25.0]))
    assert p == pytest.approx([0.10, 0.50], abs=1e-4)
    assert (cal.n_windows, cal.n_rows, cal.n_hits) == (10, 400, 120)


def test_too_little_history_gives_no_number_and_says_why():
    few_windows = fit_calibration(np.ones(50), np.ones(50), np.arange(50) < 20, n_windows=3)
    assert not few_windows.fitted and "3 closed window(s)" in few_windows.reason
    few_hits = fit_calibration(np.ones(500), np.ones(500), np.arange(500) < 9, n_windows=30)
    assert not few_hits.fitted and "9 segment-window(s) with an incident" in few_hits.reason
    assert np.isnan(few_hits.predict(np.array([1.0, 5.0]), np.array([1.0, 1.0]))).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50), st.floats(1, 25), st.booleans()), min_size=30,
                max_size=120), st.integers(0, 1000))
def test_calibration_never_falls_as_the_score_or_the_length_rises(rows, seed):
    d, length, hit = (np.array(x) for x in zip(*rows, strict=True))
    hit = hit | (np.arange(len(hit)) < 10)  # enough hits to fit
    hit[-1] = False
    cal = fit_calibration(d, length, hit, n_windows=10)
    assert cal.fitted
    grid = np.sort(np.random.default_rng(seed).uniform(0, 60, 50))
    assert (np.diff(cal.predict(grid, np.full(50, 10.0))) >= -1e-12).all()
    assert (np.diff(cal.predict(np.full(50, 3.0), np.linspace(1, 25, 50))) >= -1e-12).all()


def test_reliability_table_and_ece_worked_example():
    p = np.array([0.05, 0.05, 0.05, 0.05, 0.35, 0.35, 0.95])
    y = np.array([False, False, False, True, True, False, True])
    t = reliability(p, y)
    assert t["n"].tolist() == [4, 0, 0, 2, 0, 0, 0, 0, 0, 1]
    assert t.loc[0, "observed_frequency"] == 0.25 and t.loc[3, "observed_frequency"] == 0.5
    # (4·0.20 + 2·0.15 + 1·0.05) / 7
    assert expected_calibration_error(t) == pytest.approx(1.15 / 7)


# --------------------------------------------------------------------------- bands


def test_evidence_thresholds_hold_at_most_their_share_of_km_even_with_ties():
    density = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 9], dtype=float)
    length = np.ones(12)
    t = evidence_thresholds(density, length)
    bands = band_of(density, t)
    share = np.bincount(bands, minlength=6)[1:] / 12
    # bands 5, 4-5, 3-5, 2-5 hold at most 5, 15, 35, 60 % of km; ties fall to the lower band
    assert share[4] <= 0.05 + 1e-9 and share[3:].sum() <= 0.15 + 1e-9
    assert share[2:].sum() <= 0.35 + 1e-9 and share[1:].sum() <= 0.60 + 1e-9
    assert list(t) == sorted(t) and t[0] > 0
    assert bands.tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4]


def test_a_dense_build_has_evidence_bands_with_notes_and_a_fixed_build_warns(dense, world):
    km = dense.scored["length_km"].to_numpy()
    band = dense.scored["risk_band"].to_numpy()
    assert km[band >= 4].sum() / km.sum() <= 0.15 + 1e-9
    assert km[band == 1].sum() / km.sum() <= 0.60 + 1e-9
    assert dense.model.band_scheme == "evidence"
    assert "held" in dense.model.band_notes[4] and "of km" in dense.model.band_notes[4]
    # the timeline uses the thresholds fixed at the as-of date
    last = dense.timeline.iloc[:, -1].to_numpy()
    assert (last == band_of(dense.scored["risk_density"].to_numpy(),
                            dense.model.band_thresholds)).all()
    cfg = world / "fixed.toml"
    cfg.write_text('[bands]\nscheme = "fixed"\n', encoding="utf-8")
    fixed = pipeline.prepare(layers=world, as_of=END, config=cfg)
    assert fixed.model.band_scheme == "fixed"
    assert fixed.model.band_thresholds == (0.1, 0.5, 1.5, 4.0)
    assert any(p.field == "scheme" and "more than a third" in p.message
               for p in fixed.warnings)


def test_band_scheme_names():
    assert load_model().band_scheme == "evidence"


def test_forecast_config_is_checked(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[forecast]\nhorizon_day = 30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'horizon_days'"):
        load_model(bad)
    bad.write_text("[forecast]\nhorizon_days = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="horizon_days"):
        load_model(bad)
    ok = tmp_path / "ok.toml"
    ok.write_text('[forecast]\nhorizon_days = 30\n[bands]\nscheme = "dense"\n',
                  encoding="utf-8")
    m = load_model(ok)
    assert m.forecast.column == "p_30d" and m.band_scheme == "dense"


# --------------------------------------------------------------------------- the build


def test_dense_build_has_calibrated_probabilities_on_segments_and_routes(dense):
    p = dense.scored["p_90d"].to_numpy()
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
    assert dense.forecast is not None and dense.forecast.calibration.fitted
    # routes: 1 - prod(1 - p) over each corridor's segments
    for cid, grp in dense.scored.groupby("corridor_id"):
        want = 1 - np.prod(1 - grp["p_90d"].to_numpy())
        got = dense.routes.set_index("corridor_id").at[cid, "p_90d"]
        assert got == pytest.approx(want)
    assert "p_90d" in dense.families and "max_p_90d" in dense.families
    # exposure_index is the renamed interception_index (same values, kept for one release)
    assert (dense.routes["exposure_index"] == dense.routes["interception_index"]).all()


def test_no_look_ahead_the_forecast_equals_one_made_without_later_incidents(dense):
    from geo.model.known import known_by
    from geo.risk import RiskField

    as_of = date(2021, 6, 30)
    inc = dense.incidents
    early = inc[known_by(inc) <= np.datetime64(as_of, "D")]
    s = dense.model.forecast
    full = forecast(dense.segments, inc, field=RiskField(dense.segments, inc, model=dense.model),
                    as_of=as_of, settings=s)
    cut = forecast(dense.segments, early,
                   field=RiskField(dense.segments, early, model=dense.model), as_of=as_of,
                   settings=s)
    assert full.calibration.fitted
    assert full.calibration.coef == pytest.approx(cut.calibration.coef, rel=1e-9)
    np.testing.assert_allclose(full.p, cut.p, rtol=1e-9)
    assert full.thresholds == pytest.approx(cut.thresholds)


def test_bundled_build_leaves_p_empty_and_says_why(tmp_path):
    prepared = pipeline.prepare()
    assert prepared.scored["p_90d"].isna().all()
    assert prepared.forecast is not None
    assert prepared.forecast.summary() == (
        "p_90d left empty: 3 segment-window(s) with an incident in 60 closed windows; "
        "calibration needs at least 10")
    pipeline.write_outputs(prepared, tmp_path, formats=())
    manifest = json.loads((tmp_path / "build_manifest.json").read_text("utf-8"))
    assert manifest["forecast"]["calibration"]["fitted"] is False
    assert "calibration needs" in manifest["forecast"]["calibration"]["reason"]
    # the manifest says which risk model applied, and why: the type defaults here
    assert manifest["model"]["fitted"] is False
    assert manifest["model"]["candidate"] == "type_defaults"
    assert manifest["model"]["reason"].startswith("history too short to fit")
    routes = pd.read_csv(tmp_path / "routes.csv")
    assert "p_90d" in routes and routes["p_90d"].isna().all()


def test_coarse_incidents_are_shown_with_their_precision_and_share(tmp_path):
    prepared = pipeline.prepare()
    items = [item for top in prepared.scored["top_incidents"] for item in top]
    assert {i["precision"] for i in items} <= {"point", "near", "province", "country",
                                                "baseline"}
    inc = prepared.incidents.set_index("incident_id")["geo_precision"]
    words = {1: "point", 2: "near", 3: "province", 4: "country"}
    for item in items:
        if item["incident_id"] != "baseline":
            assert item["precision"] == words[int(inc[item["incident_id"]])]
    # coarse_share = the coarse contributors' part of the density, where they are all listed
    for top, share in zip(prepared.scored["top_incidents"], prepared.scored["coarse_share"],
                          strict=True):
        if 0 < len(top) < prepared.model.top_n:
            coarse = sum(i["share"] for i in top if i["precision"] in ("province", "country"))
            assert share == pytest.approx(coarse, abs=2e-4)


def test_any_incident_combines_independent_segments():
    assert any_incident(pd.Series([0.1, 0.2, 0.5])) == pytest.approx(1 - 0.9 * 0.8 * 0.5)
    assert np.isnan(any_incident(pd.Series([0.1, np.nan])))


def test_calibration_settings_default():
    assert ForecastSettings() == load_model().forecast


# --------------------------------------------------------------------------- backtest


def test_backtest_predictions_use_only_what_was_known_at_each_origin(dense):
    from geo.evaluate.reliability import calibrated_predictions
    from geo.model.known import known_by
    from geo.risk import RiskField

    origins = [date(2019, m, 28) for m in range(3, 13)] + [date(2020, m, 28)
                                                            for m in range(1, 13)]
    inc = dense.incidents
    s = ForecastSettings(min_windows=3, min_hits=5)
    full = calibrated_predictions(dense.segments, inc, field=RiskField(dense.segments, inc,
                                  model=dense.model), origins=origins, horizon_days=90,
                                  settings=s, capture_km=10.0, data_end=date(2021, 3, 31))
    last = origins[-1]
    assert len(full.p) and (full.origin == len(origins) - 1).any()
    # the prediction at the last origin, made again from the incidents known by then alone
    early = inc[known_by(inc) <= np.datetime64(last, "D")]
    again = calibrated_predictions(dense.segments, early, field=RiskField(
        dense.segments, early, model=dense.model), origins=origins, horizon_days=90,
        settings=s, capture_km=10.0, data_end=date(2021, 3, 31))
    at = full.origin == len(origins) - 1
    np.testing.assert_allclose(full.p[at], again.p[again.origin == len(origins) - 1],
                               rtol=1e-9)


def test_backtest_writes_reliability_and_ece(world, tmp_path, capsys):
    from geo.cli import main

    out = tmp_path / "bt"
    assert main(["backtest", "--layers", str(world), "--origins", "2019-06-30:2022-06-30:3m",
                 "--horizons", "90", "--baselines", "uniform", "--out", str(out)]) == 0
    rel = pd.read_csv(out / "reliability.csv")
    assert rel.columns.tolist() == ["method", "horizon_days", "bin", "p_low", "p_high",
                                    "mean_predicted", "observed_frequency", "n"]
    assert rel["n"].sum() > 0 and len(rel) == 10
    summary = pd.read_csv(out / "summary.csv")
    ece = summary[summary["metric"] == "ece"]
    assert ece["method"].tolist() == ["routerisk"]
    # the summary's ECE is the reliability table's
    got = rel.assign(gap=(rel["mean_predicted"] - rel["observed_frequency"]).abs() * rel["n"])
    assert ece["mean"].iat[0] == pytest.approx(got["gap"].sum() / rel["n"].sum(), abs=1e-5)
    assert ece["ci_low"].iat[0] <= ece["mean"].iat[0] <= ece["ci_high"].iat[0]
    assert (out / "reliability.png").stat().st_size > 0
    assert "ECE" in capsys.readouterr().out
