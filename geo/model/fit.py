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
fading fast beside a lasting background), and ``b`` ≥ 0 is a background density on every km.
The own-segment and separate coarse terms raised the 90-day AUC over the best simple baseline
from +0.011 to +0.028 on dense real data (docs/validation.md).

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
from geo.model.known import period_end_of_start

if TYPE_CHECKING:
    from geo.model.field import RiskField

__all__ = ["MAX_PAIRS", "FitResult", "fit_field", "placed_segment", "training_dates"]

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
    log_likelihood: float = field(default=math.nan, compare=False)

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
        'risk model: fitted on 12 month-end windows before 2024-01-31 (40 later incidents): \
space 10 km 1.00; time no decay 0.5; background 0.1 per 100 km'
        """
        if not self.ok:
            return f"risk model: type defaults ({self.reason})"
        kernels = [*(f"{b:g} km" for b in self.bandwidths_km), "own segment", "province/country"]
        weights = [*self.space, self.own_segment, self.coarse]
        sp = ", ".join(f"{k} {w:.2f}" for k, w in zip(kernels, weights, strict=True) if w > 0)
        tm = ", ".join(f"{'no decay' if math.isinf(h) else f'{h:g} d'} {w:.3g}"
                       for h, w in zip(self.half_lives_days, self.time, strict=True) if w > 0)
        return (f"risk model: fitted on {self.n_windows} month-end windows before "
                f"{self.as_of.isoformat()} ({self.n_events} later incidents): space {sp}; "
                f"time {tm}; background {self.background:.3g} per 100 km")


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
    total = z.sum(axis=0)

    def loss(w: np.ndarray) -> float:
        mu = z @ w
        if np.any((mu <= 0) & (y > 0)):
            return math.inf
        return float(mu.sum() - y @ np.log(np.where(mu > 0, mu, 1.0)))

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


def fit_field(field_: RiskField, as_of: date, *, cache: dict[date, np.ndarray] | None = None
              ) -> FitResult:
    """Fit the weights of this module's model on the history of ``field_`` before ``as_of``.

    Parameters
    ----------
    field_
        The risk field of the segments and incidents (its model's ``[fit]`` scales).
    as_of
        Nothing known or happening after this date is used.
    cache
        Densities by month end (reused across as-of dates of one backtest).

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
    dates = training_dates(field_.known, as_of, horizon, model.fit_max_windows)
    t_end = np.datetime64(as_of, "D")
    target = field_.placed(model.fit_capture_km)
    start = field_.start
    end = period_end_of_start(field_.incidents)
    scored = (field_.weight > 0) & (field_.known <= t_end) & (target >= 0)
    ys, events = [], np.zeros(len(start), dtype=bool)
    for d in dates:
        t = np.datetime64(d, "D")
        w = scored & (start > t) & (end <= t + np.timedelta64(horizon, "D"))
        events |= w
        ys.append(np.bincount(target[w], minlength=field_.n_seg))
    n_events = int(events.sum())
    if len(dates) < model.fit_min_windows or n_events < model.fit_min_events:
        return FitResult(False, f"history too short to fit: {len(dates)} month-end windows of "
                         f"{horizon} days closed by {as_of.isoformat()} with {n_events} later "
                         f"point incidents on the corridors (needs {model.fit_min_windows} "
                         f"and {model.fit_min_events})", as_of, n_windows=len(dates),
                         n_events=n_events)
    cache = {} if cache is None else cache
    feats = [cache[d] if d in cache else cache.setdefault(d, term_densities(field_, d))
             for d in dates]
    x = np.concatenate(feats)  # (windows × segments, bandwidths × half-lives)
    y = np.concatenate(ys).astype(float)
    length = np.tile(field_.geo_len_km, len(dates))
    n_a, n_c = len(bands) + 2, len(halves)  # the bandwidths, the own segment, the coarse spread
    u, v = np.full(n_a, 1.0 / n_a), np.full(n_c, 1.0 / n_c)
    grid = x.reshape(len(x), n_a, n_c)
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
        return FitResult(False, "the history gave no weight to any incident term", as_of,
                         n_windows=len(dates), n_events=n_events)
    return FitResult(True, "", as_of, bandwidths_km=tuple(float(b) for b in bands),
                     half_lives_days=tuple(float(h) for h in halves),
                     space=tuple(float(a) for a in u[:-2]), time=tuple(float(c) for c in v),
                     background=float(b0), n_windows=len(dates), n_events=n_events,
                     own_segment=float(u[-2]), coarse=float(u[-1]), log_likelihood=ll)


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
