"""numba versions of the kernels in :mod:`geo.model.kernels` (imported only when they pay).

Each function computes what its numpy twin in :mod:`geo.model.kernels` computes, with the same
floating-point operations in the same order. ``cache=True`` keeps the machine code on disk
(numba's cache, next to this file or in ``NUMBA_CACHE_DIR``), so only the first run compiles.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["candidate_shares", "incident_sums", "insert_baseline",
           "segment_sums", "segment_sums_csr", "segment_sums_dates", "sort_by_segment",
           "top_contributors",
           "top_contributors_csr"]


@njit(cache=True, nogil=True)
def _quartic(p: float, u1: float, u2: float, h: float) -> float:  # pragma: no cover
    r = p / h
    a = max(1.0 - r * r, 0.0)
    w = math.sqrt(a)
    lo = min(max(u1 / h, -w), w)
    hi = min(max(u2 / h, -w), w)
    lo2 = lo * lo
    hi2 = hi * hi
    f_hi = hi * (a * a + hi2 * (hi2 / 5.0 - 2.0 * a / 3.0))
    f_lo = lo * (a * a + lo2 * (lo2 / 5.0 - 2.0 * a / 3.0))
    return max(f_hi - f_lo, 0.0) * (15.0 / 16.0)


@njit(cache=True, nogil=True)
def candidate_shares(cand_pt: np.ndarray, cand_seg: np.ndarray, px: np.ndarray, py: np.ndarray,
                     h: np.ndarray, edge_ptr: np.ndarray, table: np.ndarray, out: np.ndarray,
                     lo: int, hi: int) -> None:  # pragma: no cover
    """Kernel share of candidates ``lo:hi`` (point, segment), summed over the segment's edges,
    into ``out``. ``table`` is :func:`geo.model.kernels.edge_table`; an edge farther than ``h``
    adds exactly 0 and is skipped."""
    for c in range(lo, hi):
        i = cand_pt[c]
        s = cand_seg[c]
        x = px[i]
        y = py[i]
        hh = h[i]
        acc = 0.0
        for e in range(edge_ptr[s], edge_ptr[s + 1]):
            rx = x - table[e, 0]
            ry = y - table[e, 1]
            ux = table[e, 2]
            uy = table[e, 3]
            length = table[e, 4]
            t0 = rx * ux + ry * uy
            perp = abs(rx * uy - ry * ux)
            if perp >= hh:
                continue
            acc += _quartic(perp, -t0, length - t0, hh)
        out[c] = acc


@njit(cache=True, nogil=True)
def segment_sums(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                 n_seg: int) -> np.ndarray:  # pragma: no cover
    """``out[s] = Σ val[p] · weight[inc[p]]`` over the pairs of segment ``s``."""
    out = np.zeros(n_seg)
    for p in range(len(seg)):
        out[seg[p]] += val[p] * weight[inc[p]]
    return out


@njit(cache=True, nogil=True)
def _insert(top_who: np.ndarray, top_val: np.ndarray, top_rank: np.ndarray, count: np.ndarray,
            s: int, who: int, v: float, r: int) -> None:  # pragma: no cover
    """Put (who, v, r) into segment ``s``'s list: value descending, then rank ascending."""
    k = top_who.shape[1]
    c = count[s]
    j = c
    while j > 0 and (v > top_val[s, j - 1] or (v == top_val[s, j - 1] and r < top_rank[s, j - 1])):
        j -= 1
    if j >= k:
        return
    m = min(c, k - 1)
    while m > j:
        top_who[s, m] = top_who[s, m - 1]
        top_val[s, m] = top_val[s, m - 1]
        top_rank[s, m] = top_rank[s, m - 1]
        m -= 1
    top_who[s, j] = who
    top_val[s, j] = v
    top_rank[s, j] = r
    if c < k:
        count[s] = c + 1


@njit(cache=True, nogil=True)
def top_contributors(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                     length: np.ndarray, rank: np.ndarray, baseline: np.ndarray, k: int
                     ) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Running top ``k`` density contributions per segment (pairs, then the baseline)."""
    n_seg = len(length)
    top_who = np.full((n_seg, k), -2, dtype=np.int64)
    top_val = np.zeros((n_seg, k))
    top_rank = np.zeros((n_seg, k), dtype=np.int64)
    count = np.zeros(n_seg, dtype=np.int64)
    for p in range(len(seg)):
        s = seg[p]
        i = inc[p]
        v = 100.0 * (val[p] * weight[i]) / length[s] if length[s] > 0 else 0.0
        if not v > 0:
            continue
        last = top_val[s, k - 1]
        # most pairs do not enter a full list: decide that without a call
        if count[s] == k and (v < last or (v == last and rank[i] > top_rank[s, k - 1])):
            continue
        _insert(top_who, top_val, top_rank, count, s, i, v, rank[i])
    for s in range(n_seg):
        if baseline[s] > 0:
            _insert(top_who, top_val, top_rank, count, s, -1, baseline[s], -1)
    return top_who, top_val


@njit(cache=True, nogil=True)
def sort_by_segment(seg: np.ndarray, inc: np.ndarray, val: np.ndarray, n_seg: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Pairs stably sorted by segment by scattering each to its place; and ``ptr``."""
    ptr = np.zeros(n_seg + 1, dtype=np.int64)
    for p in range(len(seg)):
        ptr[seg[p] + 1] += 1
    for s in range(n_seg):
        ptr[s + 1] += ptr[s]
    pos = ptr[:-1].copy()
    out_seg = np.empty_like(seg)
    out_inc = np.empty_like(inc)
    out_val = np.empty_like(val)
    for p in range(len(seg)):
        s = seg[p]
        d = pos[s]
        out_seg[d] = s
        out_inc[d] = inc[p]
        out_val[d] = val[p]
        pos[s] = d + 1
    return out_seg, out_inc, out_val, ptr


@njit(cache=True, nogil=True)
def segment_sums_csr(ptr: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                     out: np.ndarray, lo: int, hi: int) -> None:  # pragma: no cover
    """:func:`segment_sums` of segments ``lo:hi`` of pairs sorted by segment (``ptr``), into
    ``out``; each segment's sum runs over its pairs in order, as the sequential kernel does."""
    for s in range(lo, hi):
        acc = 0.0
        for p in range(ptr[s], ptr[s + 1]):
            acc += val[p] * weight[inc[p]]
        out[s] = acc


@njit(cache=True, nogil=True)
def segment_sums_dates(ptr: np.ndarray, inc: np.ndarray, val: np.ndarray, weights: np.ndarray,
                       out: np.ndarray, lo: int, hi: int) -> None:  # pragma: no cover
    """:func:`segment_sums_csr` for several dates in one pass: ``weights`` is
    (incidents, dates), ``out`` (segments, dates)."""
    n_dates = weights.shape[1]
    acc = np.zeros(n_dates)
    for s in range(lo, hi):
        acc[:] = 0.0
        for p in range(ptr[s], ptr[s + 1]):
            v = val[p]
            i = inc[p]
            for d in range(n_dates):
                acc[d] += v * weights[i, d]
        out[s, :] = acc


@njit(cache=True, nogil=True)
def top_contributors_csr(ptr: np.ndarray, inc: np.ndarray, val: np.ndarray, weight: np.ndarray,
                         length: np.ndarray, rank: np.ndarray, top_who: np.ndarray,
                         top_val: np.ndarray, top_rank: np.ndarray, count: np.ndarray,
                         lo: int, hi: int) -> None:  # pragma: no cover
    """:func:`top_contributors` (pairs only) of segments ``lo:hi`` of pairs sorted by segment,
    into the lists; each list sees its pairs in the same order, so the result is the same."""
    k = top_who.shape[1]
    for s in range(lo, hi):
        if not length[s] > 0:
            continue
        for p in range(ptr[s], ptr[s + 1]):
            i = inc[p]
            v = 100.0 * (val[p] * weight[i]) / length[s]
            if not v > 0:
                continue
            if count[s] == k and (v < top_val[s, k - 1]
                                  or (v == top_val[s, k - 1] and rank[i] > top_rank[s, k - 1])):
                continue
            _insert(top_who, top_val, top_rank, count, s, i, v, rank[i])


@njit(cache=True, nogil=True)
def insert_baseline(top_who: np.ndarray, top_val: np.ndarray, top_rank: np.ndarray,
                    count: np.ndarray, baseline: np.ndarray) -> None:  # pragma: no cover
    """Put each segment's baseline (who -1, rank -1) into its list."""
    for s in range(len(baseline)):
        if baseline[s] > 0:
            _insert(top_who, top_val, top_rank, count, s, -1, baseline[s], -1)


@njit(cache=True, nogil=True)
def incident_sums(inc: np.ndarray, val: np.ndarray, weight: np.ndarray, n_inc: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Per incident: pairs, Σ val · weight and Σ val, in pair order (one pass)."""
    count = np.zeros(n_inc, dtype=np.int64)
    exposure = np.zeros(n_inc)
    mass = np.zeros(n_inc)
    for p in range(len(inc)):
        i = inc[p]
        count[i] += 1
        exposure[i] += val[p] * weight[i]
        mass[i] += val[p]
    return count, exposure, mass
