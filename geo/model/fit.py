"""The fitted default model: kernel shapes in space and time learned from the user's own history.

``risk_density = b + Σ_a Σ_c u_a · v_c · D(a, c)`` where ``D(a, c)`` is the density (per
100 km) of the incidents known by the date under the spatial kernel ``a`` and the exponential
decay of half-life ``c`` days (``inf``: no decay, the long memory), every incident of a scored
type counting once. The spatial kernels are the quartic kernels of the ``[fit]`` bandwidths, the
*own segment* (the whole incident on the segment it fell on: nearest within ``capture_km``, the
rule the later incidents are counted by) and the *coarse* spread (incidents known only to a
province or country, shared evenly over its corridor km). The spatial weights ``u`` and the
temporal weights ``v`` are non-negative, so the kernel is a mixture of a segment's own record,
quartics (a peak with long tails) and the coarse spread, times a mixture of decays (near-repeats
fading fast beside a lasting background), and ``b`` ≥ 0 is a background density on every km
(docs/validation.md measures it on real data).

They are fitted by maximum Poisson likelihood of the point incidents that fell on each segment
(nearest within ``capture_km``) in the ``horizon_days`` after each month end whose window closed
by the as-of date, the incidents counted as known by then (:func:`geo.model.known.known_by`), the
densities of each month end from what was known at that month end. Nothing after the as-of date
enters: not the targets (a window must close by it and its incidents be known by it), not the
densities. So ``risk_density`` is the fitted number of point incidents per 100 km expected in the
next ``horizon_days``: a score with a scale, ready to calibrate.

When the history holds fewer than ``min_windows`` closed windows or fewer than ``min_events``
distinct later incidents in them, the fit is refused with its reason and the type-based model
of ``[types]`` applies (see :class:`FitResult`).

Why one module of this length: the fit at the as-of date, the candidates' fits at every past
month end, their past log scores and the term densities all share one cache keyed by month end
and the one definition of the windows; split apart, each part would reach into the others'
private helpers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from geo import columns as C
from geo.model import kernels as _kernels
from geo.model.candidates import CANDIDATES, choose
from geo.model.known import period_end_of_start

if TYPE_CHECKING:
    from geo.model.field import RiskField

__all__ = ["CANDIDATES", "MAX_PAIRS", "FitResult", "fit_field", "placed_segment",
           "training_dates"]

#: Largest number of incident × segment pairs (of the type model) the fit takes on: the fit
#: holds every pair's share at four bandwidths and sums them at up to 120 dates, which at road-
#: network scale (tens of millions of pairs) would take minutes and gigabytes; beyond this the
#: type defaults apply and the build says why.
MAX_PAIRS = 5_000_000


@dataclass(frozen=True)
class FitResult:
    """The fitted weights, or why there are none.

    Parameters
    ----------
    ok
        Whether the fit was made (else ``reason`` says why and the defaults apply).
    reason
        One sentence for the build summary.
    as_of
        The date of the history used (windows closed and incidents known by then).
    bandwidths_km, half_lives_days
        The scales of the terms.
    space, time
        Non-negative weights of the bandwidths and of the half-lives.
    background
        Density per 100 km on every segment.
    n_windows, n_events
        Month-end windows used and distinct later incidents in them.
    own_segment, coarse
        Non-negative weights of the own-segment and the coarse terms (with ``space``, summing
        to 1).
    candidate
        Which of :data:`CANDIDATES` this is (the one with the best past log score).
    scores
        ``(candidate, mean log score, windows)`` of every candidate compared, best first
        (empty when there was nothing to compare).
    log_likelihood
        Poisson log-likelihood of the fit (without the constant log y! terms).

    Examples
    --------
    >>> FitResult(False, "history too short", date(2024, 1, 31)).describe()
    'risk model: type defaults (history too short)'
    """

    ok: bool
    reason: str
    as_of: date
    bandwidths_km: tuple[float, ...] = ()
    half_lives_days: tuple[float, ...] = ()
    space: tuple[float, ...] = ()
    time: tuple[float, ...] = ()
    background: float = 0.0
    n_windows: int = 0
    n_events: int = 0
    own_segment: float = 0.0
    coarse: float = 0.0
    candidate: str = "full"
    scores: tuple[tuple[str, float, int], ...] = ()
    log_likelihood: float = field(default=math.nan, compare=False)

    def record(self) -> dict[str, object]:
        """The fit as JSON-ready values, for ``build_manifest.json``.

        Returns
        -------
        dict
            Which model applied (or why the type defaults did), its weights (an infinite
            half-life as ``null``: no decay) and every candidate's past log score.

        Examples
        --------
        >>> FitResult(False, "history too short", date(2024, 1, 31)).record()["fitted"]
        False
        """
        return {"fitted": self.ok, "summary": self.describe(), "reason": self.reason,
                "candidate": self.candidate if self.ok else "type_defaults",
                "as_of": self.as_of.isoformat(), "windows": self.n_windows,
                "later_incidents": self.n_events, "bandwidths_km": list(self.bandwidths_km),
                "space": list(self.space), "own_segment": self.own_segment,
                "coarse": self.coarse,
                "half_lives_days": [None if math.isinf(h) else h for h in self.half_lives_days],
                "time": list(self.time), "background_per_100km": self.background,
                "scores": [{"candidate": n, "mean_log_score": v, "windows": k}
                           for n, v, k in self.scores]}

    def describe(self) -> str:
        """The fit in one line (for the build summary and file headers).

        Returns
        -------
        str
            Which model applies, and its weights or the reason there are none.

        Examples
        --------
        >>> FitResult(True, "", date(2024, 1, 31), (10.0,), (math.inf,), (1.0,), (0.5,), 0.1,
        ...           12, 40).describe()
        'risk model: full fitted on 12 month-end windows before 2024-01-31 (40 later \
incidents): space 10 km 1.00; time no decay 0.5; background 0.1 per 100 km'
        """
        if not self.ok:
            return f"risk model: type defaults ({self.reason})"
        chosen = ""
        if self.scores:
            chosen = (f"; chosen by log score at {self.scores[0][2]} past windows: "
                      + ", ".join(f"{n} {v:.4f}" for n, v, _ in self.scores))
        kernels = [*(f"{b:g} km" for b in self.bandwidths_km), "own segment", "province/country"]
        weights = [*self.space, self.own_segment, self.coarse]
        sp = ", ".join(f"{k} {w:.2f}" for k, w in zip(kernels, weights, strict=True) if w > 0)
        tm = ", ".join(f"{'no decay' if math.isinf(h) else f'{h:g} d'} {w:.3g}"
                       for h, w in zip(self.half_lives_days, self.time, strict=True) if w > 0)
        return (f"risk model: {self.candidate} {CANDIDATES[self.candidate].verb} on "
                f"{self.n_windows} month-end windows before {self.as_of.isoformat()} "
                f"({self.n_events} later incidents): space {sp}; time {tm}; background "
                f"{self.background:.3g} per 100 km{chosen}")


def placed_segment(segments: pd.DataFrame, incidents: pd.DataFrame, capture_km: float
                   ) -> np.ndarray:
    """Segment index each point incident counts on: its nearest within ``capture_km``.

    Parameters
    ----------
    segments
        Segments (any CRS).
    incidents
        Incidents; those known only to a unit (geo_precision 3, 4) or without a point are never
        placed.
    capture_km
        Farthest distance to the nearest segment.

    Returns
    -------
    numpy.ndarray
        Segment index per incident, -1 for none.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> int((placed_segment(p.segments, p.incidents, 10.0) >= 0).sum()) <= len(p.incidents)
    True
    """
    from geo.io import study_crs

    target = np.full(len(incidents), -1)
    ok = (incidents[C.GEO_PRECISION].to_numpy(dtype=int) <= 2) & incidents.geometry.notna() \
        .to_numpy()
    idx = np.flatnonzero(ok)
    if len(idx) and len(segments):
        crs = study_crs(segments)
        seg = segments.geometry.to_crs(crs).values
        pts = incidents.geometry.iloc[idx].to_crs(crs).values
        q_pt, q_seg = shapely.STRtree(seg).query_nearest(pts, max_distance=capture_km * 1000.0,
                                                         all_matches=False)
        target[idx[q_pt]] = q_seg
    return target


def training_dates(known: np.ndarray, as_of: date, horizon_days: int, max_windows: int
                   ) -> list[date]:
    """The month ends a fit at ``as_of`` learns from.

    Parameters
    ----------
    known
        The day each incident could first be known (:func:`geo.model.known.known_by`).
    as_of
        The date of the fit.
    horizon_days, max_windows
        Window length; most windows.

    Returns
    -------
    list of datetime.date
        Month ends whose window closes by ``as_of``, from the month of the first incident known
        by ``as_of`` on; the latest ``max_windows`` of them.

    Examples
    --------
    >>> known = np.array(["2024-01-10", "2024-09-01"], dtype="datetime64[D]")
    >>> [d.isoformat() for d in training_dates(known, date(2024, 6, 30), 90, 12)]
    ['2024-01-31', '2024-02-29', '2024-03-31']
    """
    t = np.datetime64(as_of, "D")
    seen = known[known <= t]
    if not len(seen):
        return []
    first = pd.Timestamp(seen.min()).to_period("M").to_timestamp()
    last = as_of - timedelta(days=horizon_days)
    ends = [d.date() for d in pd.date_range(first, pd.Timestamp(last), freq="ME")]
    return ends[-max_windows:]


def _poisson_nn(x: np.ndarray, y: np.ndarray, length_km: np.ndarray, *, steps: int = 100
                ) -> tuple[float, np.ndarray, float]:
    """Non-negative ``b, w`` maximising the Poisson likelihood of ``y`` under
    ``length/100 · (b + x @ w)``; returns ``b, w`` and the log-likelihood (without log y!).

    Projected Newton on the (convex) negative log-likelihood: weights at zero whose gradient
    pushes them below stay there, the others take the Newton step, halved until the likelihood
    rises. Deterministic; a handful of steps for the few weights here.
    """
    n, p = x.shape
    scale = x.mean(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    z = np.c_[np.ones(n), x / scale] * (length_km / 100.0)[:, None]
    total = z.sum(axis=0)  # Σ mu = total @ w: only the rows with incidents enter the rest
    hit = y > 0
    z, y = z[hit], y[hit]

    def loss(w: np.ndarray) -> float:
        mu = z @ w
        if np.any(mu <= 0):
            return math.inf
        return float(total @ w - y @ np.log(mu))

    w = np.full(p + 1, y.sum() / max(float(total.sum()), 1e-12))
    f = loss(w)
    for _ in range(steps):
        mu = np.maximum(z @ w, 1e-9)  # mu**2 of a smaller floor underflows to 0
        grad = total - z.T @ (y / mu)
        free = ~((w <= 0) & (grad > 0))
        if not free.any():
            break
        hess = (z[:, free] * (y / mu**2)[:, None]).T @ z[:, free]
        hess += 1e-12 * np.trace(hess) * np.eye(int(free.sum())) + 1e-300
        step = np.zeros(p + 1)
        step[free] = np.linalg.solve(hess, -grad[free])
        if -(grad @ step) < 1e-9 * max(abs(f), 1.0):  # Newton decrement: at the optimum
            break
        t, new_w, new_f = 1.0, w, f
        for _ in range(40):
            cand = np.maximum(w + t * step, 0.0)
            cand_f = loss(cand)
            if cand_f < f:
                new_w, new_f = cand, cand_f
                break
            t /= 2.0
        if new_f >= f or f - new_f <= 1e-12 * abs(f):
            w, f = new_w, min(f, new_f)
            break
        w, f = new_w, new_f
    return float(w[0]), w[1:] / scale, -f


def _windows(field_: RiskField, as_of: date) -> tuple[list[date], list[np.ndarray], int]:
    """The month ends a fit at ``as_of`` learns from, the point incidents of a scored type that
    fell on each segment in the window after each, and how many distinct incidents that is."""
    model = field_.model
    horizon = model.fit_horizon_days
    dates = training_dates(field_.known, as_of, horizon, model.fit_max_windows)
    target = field_.placed(model.fit_capture_km)
    end = period_end_of_start(field_.incidents)
    scored = (field_.weight > 0) & (field_.known <= np.datetime64(as_of, "D")) & (target >= 0)
    ys, events = [], np.zeros(len(field_.start), dtype=bool)
    for d in dates:
        t = np.datetime64(d, "D")
        w = scored & (field_.start > t) & (end <= t + np.timedelta64(horizon, "D"))
        events |= w
        ys.append(np.bincount(target[w], minlength=field_.n_seg))
    return dates, ys, int(events.sum())


def _cached_windows(field_: RiskField, as_of: date, cache: dict
                    ) -> tuple[list[date], list[np.ndarray], int]:
    key = ("windows", as_of)
    if key not in cache:
        cache[key] = _windows(field_, as_of)
    return cache[key]


def _features(field_: RiskField, d: date, cache: dict) -> np.ndarray:
    if d not in cache:
        cache[d] = term_densities(field_, d)
    return cache[d]


def _weights(field_: RiskField, as_of: date, name: str, cache: dict
             ) -> tuple[float, np.ndarray, np.ndarray, float, list[date], int] | None:
    """``(background, spatial weights, temporal weights, log-likelihood, windows, incidents)``
    of the candidate ``name`` at ``as_of`` (kernel-major, zero for the terms it leaves out), or
    None when its history is too short or gives no weight to any incident term. Cached by
    (as_of, name)."""
    key = ("weights", as_of, name)
    if key in cache:
        return cache[key]
    model = field_.model
    bands, halves = model.fit_bandwidths_km, model.fit_half_lives_days
    n_a, n_c = len(bands) + 2, len(halves)  # the bandwidths, the own segment, the coarse spread
    dates, ys, n_events = _cached_windows(field_, as_of, cache)
    out = None
    spec = CANDIDATES[name]
    if len(dates) >= model.fit_min_windows and n_events >= model.fit_min_events:
        if spec.fixed is not None:  # nothing to fit but the scale: expected per 100 km
            u, v = spec.fixed(bands, halves)
            exp = sum(_fixed_total(field_, d, name, u, v, cache) for d in dates)
            v = v * (100.0 * sum(float(y.sum()) for y in ys) / exp if exp > 0 else 1.0)
            out = (0.0, u, v, math.nan, dates, n_events)
        elif spec.kernels is not None and spec.halves is not None:
            ka = np.array(spec.kernels(bands), dtype=bool)
            kc = np.array(spec.halves(halves), dtype=bool)
            x = np.concatenate([_features(field_, d, cache) for d in dates])
            grid = x.reshape(len(x), n_a, n_c)[:, ka][:, :, kc]
            y = np.concatenate(ys).astype(float)
            length = np.tile(field_.geo_len_km, len(dates))
            fitted = _alternate(grid, y, length)
            if fitted is not None:
                b0, u_sel, v_sel, ll = fitted
                u, v = np.zeros(n_a), np.zeros(n_c)
                u[ka], v[kc] = u_sel, v_sel
                out = (b0, u, v, ll, dates, n_events)
    cache[key] = out
    return out


def _fixed_total(field_: RiskField, d: date, name: str, u: np.ndarray, v: np.ndarray,
                 cache: dict) -> float:
    """Σ density × km of the fixed candidate ``name`` at month end ``d``; cached."""
    if ("fixed", d, name) not in cache:
        x = _features(field_, d, cache).reshape(field_.n_seg, len(u), len(v))
        cache[("fixed", d, name)] = float(np.einsum("nac,a,c->n", x, u, v) @ field_.geo_len_km)
    return cache[("fixed", d, name)]


def _alternate(grid: np.ndarray, y: np.ndarray, length: np.ndarray
               ) -> tuple[float, np.ndarray, np.ndarray, float] | None:
    """Separable non-negative Poisson fit of ``grid`` (rows × kernels × half-lives)."""
    n_a, n_c = grid.shape[1:]
    u, v = np.full(n_a, 1.0 / n_a), np.full(n_c, 1.0 / n_c)
    b0, ll = 0.0, -math.inf
    for _ in range(6):  # alternate: space weights given time weights, then time given space
        _, u, _ = _poisson_nn(grid @ v, y, length)
        if u.sum() <= 0:
            break
        u = u / u.sum()
        b0, v, new = _poisson_nn(np.einsum("nac,a->nc", grid, u), y, length)
        if new - ll < 1e-6 * abs(new):
            ll = new
            break
        ll = new
    if not (u.sum() > 0 and v.sum() > 0):
        return None
    return b0, u, v, ll


def _past_scores(field_: RiskField, as_of: date, names: list[str], cache: dict
                 ) -> dict[str, dict[date, float]]:
    """Log score (:func:`geo.evaluate.metrics.log_score`, as ``backtest`` computes it) of every
    candidate at every month-end window closed by ``as_of``, each fitted on the history before
    that month end only."""
    from geo.evaluate import metrics

    model = field_.model
    horizon = model.fit_horizon_days
    dates, ys, _ = _cached_windows(field_, as_of, cache)
    target = field_.placed(model.fit_capture_km)
    n_a, n_c = len(model.fit_bandwidths_km) + 2, len(model.fit_half_lives_days)
    out: dict[str, dict[date, float]] = {n: {} for n in names}
    for d, y in zip(dates, ys, strict=True):
        if y.sum() == 0:
            continue
        t = np.datetime64(d, "D")
        recent = ((field_.known <= t) & (field_.start > t - np.timedelta64(365, "D"))
                  & (target >= 0) & (field_.weight > 0))
        n_hat = max(float(recent.sum()) * horizon / 365.0, 0.5)
        grid = None
        for name in names:
            w = _weights(field_, d, name, cache)
            if w is None:
                continue
            if grid is None:
                x = _features(field_, d, cache)
                grid = x.reshape(len(x), n_a, n_c)
            dens = w[0] + np.einsum("nac,a,c->n", grid, w[1], w[2])
            expected = metrics.expected_counts(dens, field_.geo_len_km, n_hat)
            out[name][d] = metrics.log_score(expected, y)
    return out


def fit_field(field_: RiskField, as_of: date, *, cache: dict | None = None) -> FitResult:
    """Fit the candidate models of this module on the history of ``field_`` before ``as_of``
    and keep the one with the best log score at the past month-end windows.

    Every candidate of ``[fit] candidates`` (:data:`CANDIDATES`) is fitted (or, for a fixed one,
    taken as it is) at ``as_of``; when there are several, each is also fitted at every past
    month end ``d`` of the windows on the history before ``d`` only and scored by the log score
    of what happened in the window after ``d`` (the same log score ``backtest`` reports). The
    candidate with the best mean over the windows where all compared candidates could be scored
    applies; a candidate scored at fewer than ``[fit] min_windows`` windows is not compared, and
    when none is, the first candidate applies.

    Parameters
    ----------
    field_
        The risk field of the segments and incidents (its model's ``[fit]`` scales).
    as_of
        Nothing known or happening after this date is used.
    cache
        Densities by month end and fits by month end and candidate (reused across as-of dates
        of one backtest).

    Returns
    -------
    FitResult
        The weights, or the reason there are none.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example: ten incidents, too few to fit
    >>> fit_field(p.field, p.as_of).ok
    False
    """
    model = field_.model
    bands, halves = model.fit_bandwidths_km, model.fit_half_lives_days
    if not bands or not halves:
        return FitResult(False, "fitting is switched off ([fit] bandwidths_km = [])", as_of)
    if field_.n_pairs > MAX_PAIRS:
        return FitResult(False, f"too large to fit in this version: {field_.n_pairs} incident × "
                         f"segment pairs (at most {MAX_PAIRS})", as_of)
    horizon = model.fit_horizon_days
    cache = {} if cache is None else cache
    dates, _, n_events = _cached_windows(field_, as_of, cache)
    if len(dates) < model.fit_min_windows or n_events < model.fit_min_events:
        return FitResult(False, f"history too short to fit: {len(dates)} month-end windows of "
                         f"{horizon} days closed by {as_of.isoformat()} with {n_events} later "
                         f"point incidents on the corridors (needs {model.fit_min_windows} "
                         f"and {model.fit_min_events})", as_of, n_windows=len(dates),
                         n_events=n_events)
    at_as_of = {n: w for n in model.fit_candidates
                if (w := _weights(field_, as_of, n, cache)) is not None}
    names = list(at_as_of)
    if not names:
        return FitResult(False, "the history gave no weight to any incident term", as_of,
                         n_windows=len(dates), n_events=n_events)
    chosen: str = names[0]
    scores: tuple[tuple[str, float, int], ...] = ()
    if len(names) > 1:
        chosen, scores = choose(_past_scores(field_, as_of, names, cache), names,
                                 model.fit_min_windows)
    b0, u, v, ll, _, _ = at_as_of[chosen]
    return FitResult(True, "", as_of, bandwidths_km=tuple(float(b) for b in bands),
                     half_lives_days=tuple(float(h) for h in halves),
                     space=tuple(float(a) for a in u[:-2]), time=tuple(float(c) for c in v),
                     background=float(b0), n_windows=len(dates), n_events=n_events,
                     own_segment=float(u[-2]), coarse=float(u[-1]), candidate=chosen,
                     scores=scores, log_likelihood=ll)


def term_densities(field_: RiskField, as_of: date) -> np.ndarray:
    """Density per 100 km of every (spatial kernel, half-life) term on every segment as of a
    date: shape ``(segments, (bandwidths + 2) × half-lives)``, kernel-major; the kernels are the
    bandwidths, the own segment and the coarse spread; every incident of a scored type known by
    the date counts once."""
    terms = field_.terms()
    halves = np.asarray(field_.model.fit_half_lives_days, dtype=float)
    age = field_.age_days(as_of)
    known = (field_.known <= np.datetime64(as_of, "D")) & (field_.weight > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        decay = np.where(np.isinf(halves)[None, :], 1.0,
                         np.power(0.5, age[:, None] / halves[None, :]))
    value = np.where(known[:, None], decay, 0.0)  # (incidents, half-lives)
    n_a, n_c = terms.share.shape[1], len(halves)  # bandwidths and the own segment
    per_pair = (terms.share[:, :, None] * value[terms.inc][:, None, :]).reshape(-1, n_a * n_c)
    to_seg = sparse.csr_matrix((np.ones(len(terms.seg)), (terms.seg, np.arange(len(terms.seg)))),
                               shape=(field_.n_seg, len(terms.seg)))
    sums = np.asarray(to_seg @ per_pair)
    out = np.zeros((field_.n_seg, (n_a + 1) * n_c))
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, :n_a * n_c] = np.where(field_.geo_len_km[:, None] > 0,
                                      100.0 * sums / field_.geo_len_km[:, None], 0.0)
    for c in range(n_c):
        out[:, n_a * n_c + c] = field_.spread_density(value[:, c])
    return out


@dataclass(frozen=True)
class Terms:
    """Point incident × segment pairs within the widest fitted bandwidth (or the capture
    distance), with the kernel share of each pair at every bandwidth (columns) and, when asked
    for, a last column: 1 on the segment the incident fell on; sorted by segment."""

    inc: np.ndarray
    seg: np.ndarray
    share: np.ndarray


def term_pairs(px: np.ndarray, py: np.ndarray, extra_km: np.ndarray, bands_km: tuple[float, ...],
               tree: shapely.STRtree, edge_ptr: np.ndarray, table: np.ndarray, *,
               own_segment: np.ndarray | None = None, reach_km: float = 0.0) -> Terms:
    """:class:`Terms` of points ``px, py`` (metric CRS) whose bandwidths widen by ``extra_km``.

    With ``own_segment`` (the segment each point fell on, -1 for none; found within
    ``reach_km``), ``share`` has one more column: 1 on that pair, else 0.
    """
    widest = (max(*bands_km, reach_km) + extra_km) * 1000.0
    q_pt, q_seg = tree.query(shapely.box(px - widest, py - widest, px + widest, py + widest))
    cols = [_kernels.candidate_shares(q_pt, q_seg, px, py, (b + extra_km) * 1000.0, edge_ptr,
                                      table) for b in bands_km]
    if own_segment is not None:
        cols.append((np.asarray(own_segment)[q_pt] == q_seg).astype(float))
    share = np.stack(cols, axis=1) if cols else np.zeros((len(q_pt), 0))
    keep = share.sum(axis=1) > 0 if len(q_pt) else np.zeros(0, dtype=bool)
    order = np.lexsort((q_pt[keep], q_seg[keep]))
    return Terms(inc=q_pt[keep][order].astype(np.int64), seg=q_seg[keep][order].astype(np.int64),
                 share=share[keep][order])
