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

import numpy as np

__all__ = ["CANDIDATES", "Candidate"]


def _all(values: tuple[float, ...]) -> list[bool]:
    return [True] * len(values)


def _kde_25km(bands: tuple[float, ...], halves: tuple[float, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the fixed candidate: the quartic of 25 km (or the bandwidth nearest it), no
    decay (or the longest half-life); ties broken by the widest bandwidth at 1/1000."""
    u = np.zeros(len(bands) + 2)
    main = int(np.argmin(np.abs(np.log(np.asarray(bands) / 25.0))))
    widest = int(np.argmax(bands))
    u[main] = 1.0
    if widest != main:
        u[widest] = 1e-3
    v = np.zeros(len(halves))
    v[int(np.argmax(halves))] = 1.0
    return u / u.sum(), v


@dataclass(frozen=True)
class Candidate:
    """A candidate default model: which terms it fits (masks over the spatial kernels - the
    bandwidths, the own segment, the coarse spread - and over the half-lives), or fixed weights.
    """

    verb: str
    kernels: Callable[[tuple[float, ...]], list[bool]]
    halves: Callable[[tuple[float, ...]], list[bool]]
    fixed: Callable[[tuple[float, ...], tuple[float, ...]],
                    tuple[np.ndarray, np.ndarray]] | None = None


#: The candidate models ``[fit] candidates`` names (docs/validation.md): ``full`` fits every
#: term; ``no_coarse`` leaves the coarse spread out (incidents known only to a province or
#: country then count nowhere); ``no_decay`` fits the spatial kernels with no decay (a lasting
#: record); ``kde_25km`` is fixed, not fitted: the quartic of 25 km with no decay, point
#: incidents only.
CANDIDATES: dict[str, Candidate] = {
    "full": Candidate("fitted", lambda b: [*_all(b), True, True], _all),
    "no_coarse": Candidate("fitted", lambda b: [*_all(b), True, False], _all),
    "no_decay": Candidate("fitted", lambda b: [*_all(b), True, True],
                          lambda h: [math.isinf(x) or x == max(h) for x in h]),
    "kde_25km": Candidate("fixed", lambda b: [*_all(b), True, True], _all, _kde_25km),
}
