"""Simulator, metrics, backtest and tune: the model judged against what happened next."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo import pipeline
from geo._errors import UsageError
from geo.cli import main
from geo.evaluate import metrics as M
from geo.evaluate.backtest import (
    CountScorer,
    ModelScorer,
    backtest,
    best_baselines,
    make_scorers,
    parse_origins,
    summarise,
)
from geo.evaluate.simulate import simulate_world
from geo.fit import fit_field
from geo.model.known import known_by
from geo.risk import RiskField, load_model

START, END = date(2019, 1, 1), date(2022, 12, 31)


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Prepared:
    """A dense world: ~300 events a year over four years, 20 hotspots, 58 segments."""
    folder = tmp_path_factory.mktemp("dense")
    simulate_world(seed=0, start=START, end=END, events_per_year=300, n_hotspots=20).write(
        folder)
    return pipeline.prepare(layers=folder, as_of=END)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small world for the command line: ~120 events a year over two years."""
    folder = tmp_path_factory.mktemp("small")
    return simulate_world(seed=5, start=date(2021, 1, 1), end=date(2022, 12, 31),
                          events_per_year=120, n_hotspots=8).write(folder)


# --------------------------------------------------------------------------- simulator


def test_simulator_is_deterministic_and_realistic():
    a = simulate_world(seed=7, start=START, end=date(2020, 12, 31), events_per_year=150)
    b = simulate_world(seed=7, start=START, end=date(2020, 12, 31), events_per_year=150)
    c = simulate_world(seed=8, start=START, end=date(2020, 12, 31), events_per_year=150)
    pd.testing.assert_frame_equal(a.incidents, b.incidents)
    assert not a.incidents.equals(c.incidents)
    inc = a.incidents
    assert 200 < len(inc) < 420  # ~300 expected over two years
    assert set(inc[C.GEO_PRECISION]) == {1, 2, 3, 4}
    lengths = inc[C.DATE].str.len()
    assert {4, 7, 10} <= set(lengths)  # year, month and day precision
    assert (inc[C.DATE_PRECISION] == "week").any()
    with_source = inc[inc[C.SOURCE_DATE] != ""]
    assert 0.4 < len(with_source) / len(inc) < 0.8
    # a source is dated on or after the event it reports
    assert (pd.to_datetime(with_source[C.SOURCE_DATE]) >= pd.to_datetime(
        a.events.loc[with_source.index, "day"])).all()
    # hotspots appear and fade: the hazard is not constant in time
    per_quarter = pd.to_datetime(a.events["day"]).dt.to_period("Q").value_counts()
    assert per_quarter.max() > 1.5 * per_quarter.min()


def test_simulated_layers_read_back_without_problems(dense):
    assert len(dense.incidents) > 1000
    assert len(dense.segments) > 40
    assert set(dense.fate[C.STATUS]) <= {"scored", "unassigned"}


# --------------------------------------------------------------------------- metrics


def test_capture_metrics_worked_example():
    dens = np.array([3.0, 2.0, 1.0, 0.0])
    length = np.array([10.0, 10.0, 30.0, 50.0])
    counts = np.array([4, 0, 1, 0])
    # 10 % of length is the first segment: 4 of 5 incidents
    assert M.hit_rate(dens, length, counts, 10) == pytest.approx(0.8)
    assert M.pai(dens, length, counts, 10) == pytest.approx(8.0)
    # the best ranking puts the first segment first too: PEI* = 1
    assert M.pei(dens, length, counts, 10) == pytest.approx(1.0)
    # curve (0,0) (.1,.8) (.2,.8) (.5,1) (1,1): trapezoids
    expected = 0.1 * 0.8 / 2 + 0.1 * 0.8 + 0.3 * 0.9 + 0.5 * 1.0
    assert M.auc(dens, length, counts) == pytest.approx(expected)


def test_ties_count_at_their_expected_value():
    length = np.array([1.0, 1.0, 1.0, 1.0])
    counts = np.array([0, 0, 0, 4])
    assert M.auc(np.zeros(4), length, counts) == pytest.approx(0.5)
    assert M.hit_rate(np.zeros(4), length, counts, 25) == pytest.approx(0.25)
    # two tied on top: the incident segment is first or second with equal chance
    dens = np.array([0.0, 0.0, 1.0, 1.0])
    assert M.hit_rate(dens, length, counts, 25) == pytest.approx(0.5)
    assert M.spearman(np.zeros(4), counts) != M.spearman(np.zeros(4), counts)  # NaN
    assert M.log_score(np.array([1.0]), np.array([0])) == pytest.approx(-1.0)


def test_origins_steps_and_errors():
    assert [d.isoformat() for d in parse_origins("2021-01-01:2021-01-20:1w")] == [
        "2021-01-01", "2021-01-08", "2021-01-15"]
    assert len(parse_origins("2020-01-01:2020-12-31:90d")) == 5
    for bad in ("2021-01-01:2021-12-31", "2021-01-01:2021-12-31:3x",
                "2021-01-01:2021-12-31:0d", "2021-13-01:2021-12-31:1m",
                "2021-12-01:2021-01-01:1m"):
        with pytest.raises(UsageError):
            parse_origins(bad)


# --------------------------------------------------------------------------- backtest


def test_on_a_dense_world_the_defaults_beat_every_baseline_on_auc(dense):
    scorers = make_scorers(dense.segments, dense.incidents, {"routerisk": load_model()},
                           ["uniform", "count_25km", "kde_50km"])
    result = backtest(dense.segments, dense.incidents, scorers=scorers,
                      origins=parse_origins("2020-01-31:2022-06-30:2m"), horizons=[90])
    mean = result.by_origin.groupby("method")["auc"].mean()
    assert mean["uniform"] == pytest.approx(0.5)
    for baseline in ("uniform", "count_25km", "kde_50km"):
        assert mean["routerisk"] > mean[baseline] + 0.01, mean.to_dict()
    summary = summarise(result.by_origin, reference="routerisk")
    assert list(summary.columns) == ["method", "horizon_days", "metric", "mean", "ci_low",
                                     "ci_high", "n_origins"]
    diff = summary[(summary["method"] == "kde_50km") & (summary["metric"] == "auc_diff")]
    assert diff["ci_high"].iat[0] < 0  # the model is better, beyond bootstrap noise
    assert result.by_origin["n_future"].sum() > 30


@pytest.fixture(scope="module")
def dense_scorers(dense):
    return (ModelScorer("m", dense.segments, dense.incidents, load_model()),
            CountScorer(dense.segments, dense.incidents, 25.0))


@settings(max_examples=12, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(offset=st.integers(0, (END - START).days))
def test_no_method_uses_an_incident_not_yet_known_at_any_origin(dense, dense_scorers, offset):
    # scoring everything at T equals scoring only what was known by T (model and baselines)
    t = date.fromordinal(START.toordinal() + offset)
    inc = dense.incidents
    seen = inc[known_by(inc) <= np.datetime64(t, "D")]
    model_all, count_all = dense_scorers
    # the model is fitted at T on the history before T: the same fit from either table
    field_seen = RiskField(dense.segments, seen, model=load_model())
    expected = field_seen.with_fit(fit_field(field_seen, t)).density(t)
    np.testing.assert_allclose(model_all.density(t), expected, rtol=1e-12, atol=1e-15)
    count_seen = CountScorer(dense.segments, seen, 25.0).density(t)
    np.testing.assert_array_equal(count_all.density(t), count_seen)


# --------------------------------------------------------------------------- command line


def test_backtest_command_writes_tables_and_charts(small, tmp_path, capsys):
    cfg_a = tmp_path / "short.toml"
    cfg_a.write_text("[types.arrest]\nhalf_life_days = 60\n", encoding="utf-8")
    cfg_b = tmp_path / "long.toml"
    cfg_b.write_text("[types.arrest]\nhalf_life_days = 720\n", encoding="utf-8")
    out = tmp_path / "bt"
    code = main(["backtest", "--layers", str(small), "--origins", "2021-06-30:2022-06-30:3m",
                 "--horizons", "90,180", "--config", str(cfg_a), "--config", str(cfg_b),
                 "--out", str(out)])
    assert code == 0
    names = {p.name for p in out.iterdir()}
    assert {"metrics_by_origin.csv", "summary.csv", "capture_90d.png", "capture_180d.png",
            "auc_over_time.png"} <= names
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["method"]) == {"routerisk:short", "routerisk:long", "uniform",
                                      *(f"{k}_{r}km" for k in ("count", "kde")
                                        for r in (10, 25, 50, 100))}
    assert {"auc", "hit_rate_10", "pai_10", "pei_10", "log_score", "spearman",
            "auc_diff", "auc_wins"} <= set(summary["metric"])
    by = pd.read_csv(out / "metrics_by_origin.csv")
    assert set(by["horizon_days"]) == {90, 180}
    # which model applied at every origin, for each configuration
    used = pd.read_csv(out / "models_by_origin.csv", keep_default_na=False)
    assert sorted(set(used["method"])) == ["routerisk:long", "routerisk:short"]
    assert len(used) == 2 * by["origin"].nunique()
    assert set(used["candidate"]) <= {"type_defaults", "full", "no_coarse", "no_decay",
                                      "kde_25km", "own_365d"}
    assert (used["summary"].str.startswith("risk model: ")).all()
    printed = capsys.readouterr().out
    assert "horizon 90 days" in printed and "routerisk:long" in printed
    # the summary names the best baseline (highest mean AUC) and the paired difference from it
    best = best_baselines(summary, reference="routerisk:short")
    assert list(best["horizon_days"]) == [90, 180]
    for _, row in best.iterrows():
        aucs = summary[(summary["horizon_days"] == row["horizon_days"])
                       & (summary["metric"] == "auc")
                       & summary["method"].str.match(r"(count|kde)_")]
        assert row["baseline_auc"] == aucs["mean"].max()
        assert row["ci_low"] <= row["auc_diff"] <= row["ci_high"]
        assert (f"best baseline at {row['horizon_days']} days: {row['baseline']} "
                f"(AUC {row['baseline_auc']:.3f}); routerisk:short minus it: "
                f"{row['auc_diff']:+.3f}") in printed


def test_backtest_on_the_bundled_data_says_it_cannot_judge(tmp_path, capsys):
    out = tmp_path / "bt"
    assert main(["backtest", "--origins", "2004-01-01:2024-06-30:1y", "--horizons", "180",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "TOO FEW FUTURE INCIDENTS TO JUDGE THE MODEL" in captured.err
    assert "the data hold 10 incidents" in captured.err
    assert (out / "WARNING.txt").exists()


def test_tune_writes_a_model_build_accepts(small, tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text("half_life_multipliers = [0.5, 1, 2]\nbandwidth_multipliers = [0.5, 1]\n"
                    "shrinkage = 2\n", encoding="utf-8")
    out = tmp_path / "tune"
    assert main(["tune", "--layers", str(small), "--grid", str(grid), "--objective", "pai10",
                 "--origins", "2021-06-30:2022-09-30:1m", "--horizons", "90",
                 "--out", str(out)]) == 0
    text = (out / "tuned.toml").read_text(encoding="utf-8")
    for line in ("# grid: ", "# objective: pai10", "# origins: 2021-06-30:2022-09-30:1m",
                 "# data hash", "# stability"):
        assert line in text
    tuned = load_model(out / "tuned.toml")  # what build --config reads
    built = tmp_path / "built"
    assert main(["build", "--layers", str(small), "--config", str(out / "tuned.toml"),
                 "--formats", "", "--out", str(built)]) == 0
    assert (built / "segments.geojson").exists()
    chosen = tuned.types["arrest"].half_life_days / 180
    assert chosen in (0.5, 1.0, 2.0)
    bands = pd.read_csv(out / "bands_proposal.csv")
    assert bands["threshold"].is_monotonic_increasing
    assert (out / "tune_heatmap.png").stat().st_size > 1000
    by = pd.read_csv(out / "tune_by_origin.csv")
    # the first origins have no closed window yet: they keep the defaults
    assert by["closed_windows"].iat[0] == 0 and by["half_life_x"].iat[0] == 1.0
    assert "stability" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("half_life_multiplier = [1]\n", encoding="utf-8")
    assert main(["tune", "--layers", str(small), "--grid", str(bad), "--origins",
                 "2021-06-30:2022-06-30:3m", "--out", str(tmp_path / "t2")]) == 1
    assert "did you mean 'half_life_multipliers'" in capsys.readouterr().err
    assert not math.isnan(float(bands["share_of_later_incidents"].iat[-1]))
