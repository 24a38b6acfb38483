"""The compiled (numba) and numpy paths of the scoring core give the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

import geo.settings
from geo import columns as C
from geo.model import kernels as _kernels
from geo.risk import RiskField, band_timeline, incident_fate, load_model, score_segments
from geo.segment import segment_corridors
from tests._factories import AS_OF, BENT, UNITS, incident, incidents

MODEL = load_model()
RNG = np.random.default_rng(7)


def _both(monkeypatch: pytest.MonkeyPatch, func, *args):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(geo.settings, "NUMBA_MIN_WORK", 10**18)
    slow = func(*args)
    monkeypatch.setattr(geo.settings, "NUMBA_MIN_WORK", 0)
    fast = func(*args)
    return slow, fast


def _edges(n_seg: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    n_edges = RNG.integers(0, 4, n_seg)  # some segments without any edge
    ptr = np.concatenate([[0], np.cumsum(n_edges)]).astype(np.int64)
    x0 = RNG.uniform(0, 1e5, ptr[-1])
    y0 = RNG.uniform(0, 1e5, ptr[-1])
    x1 = x0 + RNG.normal(0, 2e4, ptr[-1])
    y1 = y0 + RNG.normal(0, 2e4, ptr[-1])
    x1[::7] = x0[::7]  # zero-length edges
    y1[::7] = y0[::7]
    return ptr, (x0, y0, x1, y1)


def test_candidate_shares_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    ptr, edges = _edges(300)
    n_pt, n_cand = 200, 5000
    px, py = RNG.uniform(0, 1e5, n_pt), RNG.uniform(0, 1e5, n_pt)
    h = RNG.choice([25e3, 50e3, 75e3], n_pt)
    cand_pt = RNG.integers(0, n_pt, n_cand)
    cand_seg = RNG.integers(0, 300, n_cand)
    slow, fast = _both(monkeypatch, _kernels.candidate_shares, cand_pt, cand_seg, px, py, h, ptr,
                       edges)
    assert (slow > 0).sum() > 100  # the test data reach some segments
    np.testing.assert_array_equal(fast, slow)


def test_segment_sums_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    seg = RNG.integers(0, 50, 10_000).astype(np.int32)
    inc = RNG.integers(0, 300, 10_000).astype(np.int32)
    val, weight = RNG.random(10_000), RNG.random(300)
    slow, fast = _both(monkeypatch, _kernels.segment_sums, seg, inc, val, weight, 60)
    np.testing.assert_array_equal(fast, slow)


def test_top_contributors_equal_with_ties(monkeypatch: pytest.MonkeyPatch) -> None:
    n_seg, n_inc, n = 40, 500, 8_000
    seg = RNG.integers(0, n_seg, n).astype(np.int32)
    inc = RNG.integers(0, n_inc, n).astype(np.int32)
    val = RNG.choice([0.0, 0.25, 0.5, 1.0], n)  # many ties, some zeros
    weight = RNG.choice([0.0, 1.0, 2.0], n_inc)
    length = RNG.choice([0.0, 10.0, 25.0], n_seg)
    rank = RNG.permutation(n_inc).astype(np.int64)
    baseline = RNG.choice([0.0, 2.0, 4.0], n_seg)
    (w0, v0), (w1, v1) = _both(monkeypatch, _kernels.top_contributors, seg, inc, val, weight,
                               length, rank, baseline, 5)
    np.testing.assert_array_equal(w1, w0)
    np.testing.assert_array_equal(v1, v0)
    assert (w0 == -1).any()  # the baseline takes part
    assert (w0 == -2).any()  # and some lists are not full


def test_risk_field_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    segments = segment_corridors(BENT, UNITS, max_km=10)
    rows = incidents([
        incident(f"r{k}", lon=float(x), lat=float(y), itype=str(t), date_text="2020-03-01")
        for k, (x, y, t) in enumerate(zip(RNG.uniform(-0.5, 3.5, 60), RNG.uniform(-0.8, 0.8, 60),
                                          RNG.choice(["arrest", "crackdown", "checkpoint"], 60),
                                          strict=True))
    ] + [incident("p3", admin1="East", country="AA", date_text="2020-01")])

    def run(_: object) -> tuple[object, ...]:
        field = RiskField(segments, rows, model=MODEL)
        scored = score_segments(segments, rows, as_of=AS_OF, model=MODEL, field=field)
        fate = incident_fate(segments, rows, as_of=AS_OF, model=MODEL, field=field)
        timeline = band_timeline(segments, rows, dates=[AS_OF], model=MODEL, field=field)
        return scored, fate, timeline

    (s0, f0, t0), (s1, f1, t1) = _both(monkeypatch, run, None)
    np.testing.assert_allclose(s1[C.RISK_DENSITY], s0[C.RISK_DENSITY], rtol=1e-12, atol=0)
    assert s0[C.RISK_DENSITY].gt(0).sum() > 10
    assert s1[C.TOP_INCIDENTS].tolist() == s0[C.TOP_INCIDENTS].tolist()
    assert f1.equals(f0)
    assert t1.equals(t0)


def _sorted_pairs(n_seg: int, n_inc: int, n: int):  # type: ignore[no-untyped-def]
    seg = RNG.integers(0, n_seg, n).astype(np.int32)
    inc = RNG.integers(0, n_inc, n).astype(np.int32)
    val = RNG.choice([0.0, 0.25, 0.5, 1.0, 0.1], n) * RNG.random(n).round(1)
    return seg, inc, val


def test_sort_by_segment_is_a_stable_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    seg, inc, val = _sorted_pairs(70, 10, 5_000)  # segments 60..69 hold none at the end
    slow, fast = _both(monkeypatch, _kernels.sort_by_segment, seg, inc, val, 80)
    for a, b in zip(slow, fast, strict=True):
        np.testing.assert_array_equal(a, b)
    order, p0 = np.argsort(seg, kind="stable"), fast[3]
    np.testing.assert_array_equal(fast[0], seg[order])
    assert p0[-1] == len(seg) and (np.diff(p0) == np.bincount(seg, minlength=80)).all()


def test_sorted_pair_kernels_equal_the_unsorted_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """With pairs sorted by segment, the parallel kernels give exactly the sequential sums."""
    n_seg, n_inc = 60, 400
    seg, inc, val = _sorted_pairs(n_seg, n_inc, 20_000)
    seg, inc, val, ptr = _kernels.sort_by_segment(seg, inc, val, n_seg)
    weights = RNG.choice([0.0, 1.0, 0.3, 2.5], (n_inc, 7))
    monkeypatch.setattr(geo.settings, "NUMBA_MIN_WORK", 10**18)
    ref = np.stack([_kernels.segment_sums(seg, inc, val, np.ascontiguousarray(weights[:, d]),
                                          n_seg) for d in range(7)], axis=1)
    slow_dates = _kernels.segment_sums_dates(seg, inc, val, weights, n_seg, ptr)
    slow_inc = _kernels.incident_sums(inc, val, weights[:, 0].copy(), n_inc)
    monkeypatch.setattr(geo.settings, "NUMBA_MIN_WORK", 0)
    fast = np.stack([_kernels.segment_sums(seg, inc, val, np.ascontiguousarray(weights[:, d]),
                                           n_seg, ptr) for d in range(7)], axis=1)
    fast_dates = _kernels.segment_sums_dates(seg, inc, val, weights, n_seg, ptr)
    fast_inc = _kernels.incident_sums(inc, val, weights[:, 0].copy(), n_inc)
    for got in (slow_dates, fast, fast_dates):
        np.testing.assert_array_equal(got, ref)
    for a, b in zip(slow_inc, fast_inc, strict=True):
        np.testing.assert_array_equal(a, b)
    assert (ref > 0).sum() > 100


def test_sorted_top_contributors_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    n_seg, n_inc = 40, 500
    seg, inc, val = _sorted_pairs(n_seg, n_inc, 8_000)
    seg, inc, val, ptr = _kernels.sort_by_segment(seg, inc, val, n_seg)
    weight = RNG.choice([0.0, 1.0, 2.0], n_inc)
    length = RNG.choice([0.0, 10.0, 25.0], n_seg)
    rank = RNG.permutation(n_inc).astype(np.int64)
    baseline = RNG.choice([0.0, 2.0, 4.0], n_seg)
    args = (seg, inc, val, weight, length, rank, baseline, 5)
    (w0, v0), (w1, v1) = _both(monkeypatch, _kernels.top_contributors, *args, ptr)
    np.testing.assert_array_equal(w1, w0)
    np.testing.assert_array_equal(v1, v0)
    assert (w0 == -1).any() and (w0 >= 0).any()


def test_warm_up_loads_the_kernels_in_the_background() -> None:
    """A large job starts loading numba in a thread; a small one never imports it."""
    import subprocess
    import sys

    code = (
        "import sys, geo.model.kernels as k\n"
        "assert k.warm_up(10) is None and 'numba' not in sys.modules\n"
        "t = k.warm_up(10**12)\n"
        "assert t is not None\n"
        "t.join()\n"
        "assert 'geo.model.kernels_jit' in sys.modules and k.warm_up(10**12) is None\n"
        "assert k.use_numba(10**5) and not k.use_numba(10)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sort_by_segment_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    seg, inc, val = _sorted_pairs(70, 300, 5_000)
    slow, fast = _both(monkeypatch, _kernels.sort_by_segment, seg, inc, val, 80)
    for a, b in zip(slow, fast, strict=True):
        np.testing.assert_array_equal(a, b)
    order = np.argsort(seg, kind="stable")
    np.testing.assert_array_equal(fast[1], inc[order])
    np.testing.assert_array_equal(fast[2], val[order])
