"""The candidate models the fitted default is chosen from (``[fit] candidates``).

Each candidate is a subset of the terms of :mod:`geo.model.fit` (masks over its spatial kernels -
the bandwidths, the own segment, the coarse spread - and over its half-lives), fitted by the same
Poisson likelihood, or fixed weights that need no fit. :func:`geo.model.fit.fit_field` fits every
candidate, scores each at the past month-end windows (each fitted on the history before the
window only) by the log score of what happened next, and keeps the best (docs/validation.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

__all__ = ["CANDIDATES", "Candidate", "choose"]


def _all(values: tuple[float, ...]) -> list[bool]:
    return [True] * len(values)


def _near_25km(bands: tuple[float, ...]) -> int:
    """Index of the bandwidth nearest 25 km (on a log scale)."""
    return int(np.argmin(np.abs(np.log(np.asarray(bands) / 25.0))))


def _kde_25km(bands: tuple[float, ...], halves: tuple[float, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the fixed candidate: the quartic of 25 km (or the bandwidth nearest it), no
    decay (or the longest half-life); ties broken by the widest bandwidth at 1/1000."""
    u = np.zeros(len(bands) + 2)
    main = _near_25km(bands)
    widest = int(np.argmax(bands))
    u[main] = 1.0
    if widest != main:
        u[widest] = 1e-3
    v = np.zeros(len(halves))
    v[int(np.argmax(halves))] = 1.0
    return u / u.sum(), v


def _own_365d(bands: tuple[float, ...], halves: tuple[float, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the fixed candidate ``own_365d``: each segment's own record (the incidents
    that fell on it) fading with a half-life of 365 days (or the finite half-life nearest it);
    ties broken by the quartic nearest 25 km at 1/1000 and the widest at 1/10000."""
    u = np.zeros(len(bands) + 2)
    u[-2] = 1.0
    widest = int(np.argmax(bands))
    u[_near_25km(bands)] += 1e-3
    u[widest] += 1e-4
    finite = [i for i, h in enumerate(halves) if not math.isinf(h)]
    v = np.zeros(len(halves))
    if finite:
        v[min(finite, key=lambda i: abs(math.log(halves[i] / 365.0)))] = 1.0
    else:
        v[:] = 1.0 / len(halves)
    return u / u.sum(), v


@dataclass(frozen=True)
class Candidate:
    """A candidate default model: which terms it fits (masks over the spatial kernels - the
    bandwidths, the own segment, the coarse spread - and over the half-lives), or fixed weights.
    """

    kernels: Callable[[tuple[float, ...]], list[bool]] | None = None
    halves: Callable[[tuple[float, ...]], list[bool]] | None = None
    fixed: Callable[[tuple[float, ...], tuple[float, ...]],
                    tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def verb(self) -> str:
        """How a build names its weights: ``fitted`` or ``fixed``."""
        return "fixed" if self.fixed is not None else "fitted"


#: The candidate models ``[fit] candidates`` names (docs/validation.md): ``full`` fits every
#: term; ``no_coarse`` leaves the coarse spread out (incidents known only to a province or
#: country then count nowhere); ``no_decay`` fits the spatial kernels with no decay (a lasting
#: record); ``kde_25km`` is fixed, not fitted: the quartic of 25 km with no decay, point
#: incidents only; ``own_365d`` is fixed too: each segment's own incidents fading with a
#: half-life of a year (the record of a static front line, docs/validation.md). The fixed ones
#: get only a scale from the history (expected incidents per 100 km in the horizon).
CANDIDATES: dict[str, Candidate] = {
    "full": Candidate(lambda b: [*_all(b), True, True], _all),
    "no_coarse": Candidate(lambda b: [*_all(b), True, False], _all),
    "no_decay": Candidate(lambda b: [*_all(b), True, True],
                          lambda h: [math.isinf(x) or x == max(h) for x in h]),
    "kde_25km": Candidate(fixed=_kde_25km),
    "own_365d": Candidate(fixed=_own_365d),
}


def choose(past: dict[str, dict[date, float]], names: list[str], min_windows: int
           ) -> tuple[str, tuple[tuple[str, float, int], ...]]:
    """The candidate with the best mean past score over the windows every compared one was
    scored on.

    Parameters
    ----------
    past
        Score (higher is better) of each candidate at each past window it could be scored at.
    names
        The candidates, in the order of preference on a tie.
    min_windows
        A candidate scored at fewer windows is not compared; while the windows all compared
        candidates share are fewer, the one scored at the fewest drops out.

    Returns
    -------
    tuple
        The chosen name (the first name when none could be compared) and ``(candidate, mean,
        windows)`` of the compared ones, best first.

    Examples
    --------
    >>> d = [date(2020, m, 28) for m in range(1, 4)]
    >>> choose({"a": dict.fromkeys(d, -2.0), "b": dict.fromkeys(d, -1.0)}, ["a", "b"], 3)
    ('b', (('b', -1.0, 3), ('a', -2.0, 3)))
    """
    compared = [n for n in names if len(past[n]) >= min_windows]
    while len(compared) > 1:
        if len(set.intersection(*(set(past[n]) for n in compared))) >= min_windows:
            break
        compared.remove(min(compared, key=lambda n: len(past[n])))
    if not compared:
        return names[0], ()
    common = sorted(set.intersection(*(set(past[n]) for n in compared)))
    means = {n: float(np.mean([past[n][d] for d in common])) for n in compared}
    order = sorted(compared, key=lambda n: (-means[n], names.index(n)))
    return order[0], tuple((n, means[n], len(common)) for n in order)
