"""Inner loops of the scoring core: compiled with numba for large inputs, numpy for small ones.

Every kernel has a numpy twin that computes the same numbers in the same order, so the two paths
give identical results (``tests/test_kernels.py`` pins that). Which one runs is decided per call
by :func:`use_numba` from the amount of work: importing numba and loading its cached machine code
costs about half a second, which a small build (the bundled layers) never recovers. numba is
imported lazily, inside the functions that need it, so nothing happens on import.

The quartic kernel integral of one point against one straight edge (see :mod:`geo.risk`)::

    a = 1 − (p/h)²,  w = √a,  v ∈ [clip(u1/h, −w, w), clip(u2/h, −w, w)]
    share = 15/16 · max(F(hi) − F(lo), 0),  F(v) = v·(a² + v²·(v²/5 − 2a/3))
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import numpy as np

from geo import settings

__all__ = [
    "candidate_shares",
    "edge_table",
    "expect_work",
    "incident_sums",
    "segment_sums",
    "segment_sums_dates",
    "sort_by_segment",
    "top_contributors",
    "top_k",
    "use_numba",
    "warm_up",
]


def use_numba(work: int) -> bool:
    """Whether a kernel call over ``work`` items should run compiled.

    At ``geo.settings.NUMBA_MIN_WORK`` items or more; once the compiled kernels are loaded in
    this process (their cost already paid), from a 64th of that.

    >>> use_numba(10)
    False
    """
    if work >= settings.NUMBA_MIN_WORK:
        return True
    return "geo._kernels_jit" in sys.modules and work >= settings.NUMBA_MIN_WORK // 64


def warm_up(work: int) -> threading.Thread | None:
    """Start loading the compiled kernels in a background thread if a job of about ``work``
    items is coming: numba's import and the loading of its cached machine code (about a second)
    then overlap with the geometry work before the first kernel call (pyproj, shapely and
    llvmlite release the GIL for most of it).

    Returns the thread (or ``None`` when the job is too small or the kernels are loaded).

    >>> warm_up(0) is None
    True
    """
    if work < settings.NUMBA_MIN_WORK or "geo._kernels_jit" in sys.modules:
        return None
    thread = threading.Thread(target=_load_all, name="routerisk-numba-warm-up", daemon=True)
    thread.start()
    return thread


def _load_all() -> None:
    """Call every compiled kernel once on tiny inputs of the dtypes the scoring core uses."""
    jit = _compiled()
    i32, i64, f = np.zeros(1, np.int32), np.zeros(1, np.int64), np.zeros(1)
    ptr = np.array([0, 1], dtype=np.int64)
    jit.candidate_shares(i64, i64, f, f, f + 1.0, ptr, np.zeros((1, 5)), np.zeros(1), 0, 1)
    jit.sort_by_segment(i32, i32, f, 1)
    jit.segment_sums_csr(ptr, i32, f, f, np.zeros(1), 0, 1)
    jit.segment_sums_dates(ptr, i32, f, np.zeros((1, 1)), np.zeros((1, 1)), 0, 1)
    who, rank = np.full((1, 1), -2, np.int64), np.zeros((1, 1), np.int64)
    jit.top_contributors_csr(ptr, i32, f, f, f + 1.0, i64, who, np.zeros((1, 1)), rank, i64.copy(),
                             0, 1)
    jit.insert_baseline(who, np.zeros((1, 1)), rank, i64.copy(), f)
    jit.incident_sums(i32, f, f, 1)


def expect_work(work: int) -> None:
    """Load the compiled kernels now if a job of ``work`` items in all is coming, so that its
    pieces (each perhaps below the threshold) run compiled.

    >>> expect_work(0)
    """
    if work >= settings.NUMBA_MIN_WORK:
        _compiled()


# ---------------------------------------------------------------- numpy twins
def _quartic_numpy(p: np.ndarray, u1: np.ndarray, u2: np.ndarray, h: np.ndarray) -> np.ndarray:
    """∫ (1 − (p² + u²)/h²)² du over [u1, u2] ∩ [−w, w], w = √(h² − p²); divided by 16h/15.

    Worked in units of ``h``: with ``a = 1 − (p/h)²`` the antiderivative is
    ``a²v − (2a/3)v³ + v⁵/5`` and the normalised integral is ``15/16`` of its increase.

    >>> round(float(_quartic_numpy(np.array(0.0), np.array(-1e9), np.array(1e9),
    ...                            np.array(5.0))), 12)
    1.0
    """
    a = np.clip(1.0 - (p / h) ** 2, 0.0, None)
    w = np.sqrt(a)
    lo = np.clip(u1 / h, -w, w)
    hi = np.clip(u2 / h, -w, w)

    def anti(v: np.ndarray) -> np.ndarray:
        v2 = v * v
        return v * (a * a + v2 * (v2 / 5.0 - 2.0 * a / 3.0))

    return np.maximum(anti(hi) - anti(lo), 0.0) * (15.0 / 16.0)


def edge_table(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """Straight edges as one C-ordered ``(n, 5)`` array: start x, start y, unit vector x, y, and
    length (a zero-length edge has a zero vector), computed once for every candidate.

    >>> edge_table(*(np.array([v]) for v in (0.0, 0.0, 3.0, 4.0))).tolist()
    [[0.0, 0.0, 0.6, 0.8, 5.0]]
    """
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy)
    safe = np.where(length > 0, length, 1.0)
    return np.ascontiguousarray(np.stack([x0, y0, dx / safe, dy / safe, length], axis=1),
                                dtype=float)


def _edge_shares_numpy(px: np.ndarray, py: np.ndarray, h: np.ndarray, table: np.ndarray
                       ) -> np.ndarray:
    rx, ry = px - table[:, 0], py - table[:, 1]
    ux, uy, length = table[:, 2], table[:, 3], table[:, 4]
    t0 = rx * ux + ry * uy  # along-edge position of the foot point
    perp = np.abs(rx * uy - ry * ux)
    return _quartic_numpy(perp, -t0, length - t0, h)


def _candidate_shares_numpy(cand_pt: np.ndarray, cand_seg: np.ndarray, px: np.ndarray,
                            py: np.ndarray, h: np.ndarray, edge_ptr: np.ndarray,
                            table: np.ndarray) -> np.ndarray:
    n_edges = edge_ptr[cand_seg + 1] - edge_ptr[cand_seg]
    owner = np.repeat(np.arange(len(cand_pt)), n_edges)
    # edge index of every (candidate, edge of its segment), in edge order per candidate
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(n_edges) - n_edges, n_edges)
    edge = edge_ptr[cand_seg][owner] + offset
    pt = cand_pt[owner]
    share = _edge_shares_numpy(px[pt], py[pt], h[pt], table[edge])
    return np.bincount(owner, weights=share, minlength=len(cand_pt))


def _segment_sums_numpy(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                        n_seg: int) -> np.ndarray:
    return np.bincount(seg, weights=val * weight[inc], minlength=n_seg)


def _pair_density_numpy(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                        length: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(length[seg] > 0, 100.0 * (val * weight[inc]) / length[seg], 0.0)


def _top_contributors_numpy(seg: np.ndarray, inc: np.ndarray, val: np.ndarray,
                            weight: np.ndarray, length: np.ndarray, rank: np.ndarray,
                            baseline: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    n_seg = len(length)
    dens = np.concatenate([_pair_density_numpy(seg, inc, val, weight, length), baseline])
    all_seg = np.concatenate([seg, np.arange(n_seg)])
    who = np.concatenate([inc.astype(np.int64), np.full(n_seg, -1)])
    all_rank = np.concatenate([rank[inc], np.full(n_seg, -1)])
    return _top_k_numpy(all_seg, who, dens, all_rank, n_seg, k)


def _top_k_numpy(seg: np.ndarray, who: np.ndarray, val: np.ndarray, rank: np.ndarray,
                 n_seg: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    keep = np.flatnonzero(val > 0)
    order = keep[np.lexsort((rank[keep], -val[keep], seg[keep]))]
    s = seg[order]
    first = np.searchsorted(s, s, side="left")
    pos = np.arange(len(s)) - first
    sel = pos < k
    top_who = np.full((n_seg, k), -2, dtype=np.int64)
    top_val = np.zeros((n_seg, k))
    top_who[s[sel], pos[sel]] = who[order[sel]]
    top_val[s[sel], pos[sel]] = val[order[sel]]
    return top_who, top_val


# ---------------------------------------------------------------- numba kernels
@cache
def _compiled() -> Any:
    """The compiled kernels (:mod:`geo._kernels_jit`), imported on first use only."""
    from geo import _kernels_jit

    return _kernels_jit


def _threads() -> int:
    """Threads for the compiled kernels (they release the GIL): the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _in_threads(kernel: Callable[..., None], bounds: np.ndarray, *args: Any) -> None:
    """Run ``kernel(*args, lo, hi)`` over the ranges ``bounds[j]:bounds[j + 1]`` in threads.

    The threads live for this call only (starting them costs well under a millisecond beside
    a compiled kernel's run): nothing is left running in the process afterwards.
    """
    ranges = [(int(a), int(b)) for a, b in itertools.pairwise(bounds.tolist()) if b > a]
    if len(ranges) <= 1:
        for lo, hi in ranges:
            kernel(*args, lo, hi)
        return
    with ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="routerisk-kernel") as pool:
        for future in [pool.submit(kernel, *args, lo, hi) for lo, hi in ranges]:
            future.result()


def _even(n: int) -> np.ndarray:
    """Bounds cutting ``range(n)`` into one equal part per thread."""
    return np.linspace(0, n, _threads() + 1).round().astype(np.int64)


def _by_pairs(ptr: np.ndarray) -> np.ndarray:
    """Bounds cutting the segments into one part per thread with about as many pairs each."""
    cuts = np.searchsorted(ptr, np.linspace(0, ptr[-1], _threads() + 1)[1:-1])
    return np.concatenate([[0], np.minimum(cuts, len(ptr) - 1), [len(ptr) - 1]]).astype(np.int64)


# ---------------------------------------------------------------- public entry points
def candidate_shares(cand_pt: np.ndarray, cand_seg: np.ndarray, px: np.ndarray, py: np.ndarray,
                     h: np.ndarray, edge_ptr: np.ndarray,
                     edges: np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
                     ) -> np.ndarray:
    """Kernel share of point ``cand_pt[c]`` on segment ``cand_seg[c]``, summed over its edges.

    ``edge_ptr[s]:edge_ptr[s + 1]`` are the rows of segment ``s`` in ``edges``: an
    :func:`edge_table`, or its four arrays (x0, y0, x1, y1). The compiled path runs on every
    core, in threads (the candidates are independent; each result is the same whatever the
    thread).

    >>> ptr = np.array([0, 1])
    >>> e = tuple(np.array([v]) for v in (-1e6, 0.0, 1e6, 0.0))
    >>> round(float(candidate_shares(np.array([0]), np.array([0]), np.zeros(1), np.zeros(1),
    ...                              np.array([5e3]), ptr, e)[0]), 12)
    1.0
    """
    table = edges if isinstance(edges, np.ndarray) else edge_table(*edges)
    edges_per_segment = edge_ptr[-1] / max(1, len(edge_ptr) - 1)
    if use_numba(int(len(cand_pt) * edges_per_segment)):
        out = np.zeros(len(cand_pt))
        _in_threads(_compiled().candidate_shares, _even(len(cand_pt)), cand_pt, cand_seg, px, py,
                    h, edge_ptr, table, out)
        return out
    return _candidate_shares_numpy(cand_pt, cand_seg, px, py, h, edge_ptr, table)


def sort_by_segment(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, n_seg: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs stably sorted by segment, and where each segment's pairs start: segment ``s``'s
    pairs are rows ``ptr[s]:ptr[s + 1]``, in their original order (so every per-segment sum
    adds the same numbers in the same order).

    The compiled path scatters the pairs to their places in one pass (no order array, no
    three gathers); the result is the same.

    >>> s, i, v, ptr = sort_by_segment(np.array([1, 0, 1]), np.array([5, 6, 7]),
    ...                                np.array([0.5, 0.25, 1.0]), 2)
    >>> s.tolist(), i.tolist(), v.tolist(), ptr.tolist()
    ([0, 1, 1], [6, 5, 7], [0.25, 0.5, 1.0], [0, 1, 3])
    """
    seg = np.asarray(seg, dtype=np.int32)
    inc = np.asarray(inc, dtype=np.int32)
    val = np.asarray(val, dtype=float)
    if use_numba(len(seg)):
        out = _compiled().sort_by_segment(seg, inc, val, n_seg)
        return tuple(np.asarray(a) for a in out)  # type: ignore[return-value]
    order = np.argsort(seg, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(seg, minlength=n_seg))]).astype(np.int64)
    return seg[order], inc[order], val[order], ptr


def segment_sums(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                 n_seg: int, ptr: np.ndarray | None = None) -> np.ndarray:
    """``out[s] = Σ val[p] · weight[inc[p]]`` over the pairs ``p`` of segment ``s``.

    With ``ptr`` (pairs sorted by segment, :func:`sort_by_segment`) the compiled path runs the
    segments in parallel; the result is the same.

    >>> segment_sums(np.array([0, 1, 0]), np.array([0, 0, 1]), np.array([1.0, 2.0, 3.0]),
    ...              np.array([1.0, 0.5]), 2).tolist()
    [2.5, 2.0]
    """
    if use_numba(len(seg)):
        if ptr is not None:
            out = np.zeros(n_seg)
            _in_threads(_compiled().segment_sums_csr, _by_pairs(ptr), ptr, inc, val, weight, out)
            return out
        return np.asarray(_compiled().segment_sums(seg, inc, val, weight, n_seg))
    return _segment_sums_numpy(seg, inc, val, weight, n_seg)


def segment_sums_dates(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weights: np.ndarray,
                       n_seg: int, ptr: np.ndarray) -> np.ndarray:
    """:func:`segment_sums` for several weights at once: ``weights`` is (incidents, dates),
    the result (segments, dates); pairs sorted by segment (``ptr``). One pass over the pairs.

    >>> segment_sums_dates(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([1.0, 2.0, 3.0]),
    ...                    np.array([[1.0, 0.0], [0.5, 1.0]]), 2, np.array([0, 2, 3])).tolist()
    [[2.0, 2.0], [3.0, 0.0]]
    """
    out = np.zeros((n_seg, weights.shape[1]))
    if use_numba(len(seg) * weights.shape[1]):
        _in_threads(_compiled().segment_sums_dates, _by_pairs(ptr), ptr, inc, val,
                    np.ascontiguousarray(weights), out)
        return out
    for d in range(weights.shape[1]):
        out[:, d] = _segment_sums_numpy(seg, inc, val, np.ascontiguousarray(weights[:, d]),
                                        n_seg)
    return out


def incident_sums(inc: np.ndarray, val: np.ndarray, weight: np.ndarray, n_inc: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per incident: its number of pairs, ``Σ val · weight[inc]`` and ``Σ val``.

    >>> n, e, m = incident_sums(np.array([1, 1]), np.array([0.5, 0.25]), np.array([0.0, 2.0]), 2)
    >>> n.tolist(), e.tolist(), m.tolist()
    ([0, 2], [0.0, 1.5], [0.0, 0.75])
    """
    if use_numba(len(inc)):
        count, exposure, mass = _compiled().incident_sums(inc, val, weight, n_inc)
        return np.asarray(count), np.asarray(exposure), np.asarray(mass)
    count = np.bincount(inc, minlength=n_inc)
    exposure = np.bincount(inc, weights=val * weight[inc], minlength=n_inc).astype(float)
    mass = np.bincount(inc, weights=val, minlength=n_inc).astype(float)
    return count, exposure, mass


def top_contributors(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                     length: np.ndarray, rank: np.ndarray, baseline: np.ndarray, k: int,
                     ptr: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest density contributions per segment: pairs and the baseline.

    A pair ``p`` adds ``100 · val[p] · weight[inc[p]] / length[seg[p]]`` to its segment's
    density; segment ``s`` also has the baseline ``baseline[s]`` (reported as ``who = -1``).
    Ties are broken by ``rank[inc]`` (unique per incident); the baseline ranks first.

    Returns ``(who, density)`` arrays of shape ``(n_segments, k)``, largest first; empty places
    hold ``who = -2`` and 0. With ``ptr`` (pairs sorted by segment) the compiled path runs the
    segments in parallel.

    >>> w, d = top_contributors(np.array([0, 0]), np.array([0, 1]), np.array([0.5, 0.5]),
    ...                         np.array([1.0, 2.0]), np.array([50.0]), np.array([1, 0]),
    ...                         np.array([1.0]), 2)
    >>> w.tolist(), d.tolist()
    ([[1, -1]], [[2.0, 1.0]])
    """
    if use_numba(len(seg)):
        if ptr is not None:  # pairs sorted by segment: segments in parallel
            n_seg = len(length)
            top_who = np.full((n_seg, k), -2, dtype=np.int64)
            top_val = np.zeros((n_seg, k))
            top_rank = np.zeros((n_seg, k), dtype=np.int64)
            count = np.zeros(n_seg, dtype=np.int64)
            jit = _compiled()
            _in_threads(jit.top_contributors_csr, _by_pairs(ptr), ptr, inc, val, weight, length,
                        rank, top_who, top_val, top_rank, count)
            jit.insert_baseline(top_who, top_val, top_rank, count, baseline)
            return top_who, top_val
        out = _compiled().top_contributors(seg, inc, val, weight, length, rank, baseline, k)
        return np.asarray(out[0]), np.asarray(out[1])
    return _top_contributors_numpy(seg, inc, val, weight, length, rank, baseline, k)


def top_k(seg: np.ndarray, who: np.ndarray, val: np.ndarray, rank: np.ndarray, n_seg: int,
          k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest positive ``val`` per group ``seg``, ties broken by ``rank`` (smaller
    first); shaped like :func:`top_contributors`' result.

    >>> w, v = top_k(np.array([0, 0, 1]), np.array([7, 8, 9]), np.array([1.0, 2.0, 0.0]),
    ...              np.array([0, 1, 2]), 2, 2)
    >>> w.tolist(), v.tolist()
    ([[8, 7], [-2, -2]], [[2.0, 1.0], [0.0, 0.0]])
    """
    return _top_k_numpy(seg, who, val, rank, n_seg, k)
