"""Past windows of a forecast: placing incidents on segments and counting hits per window.

The backtest's rule: a point incident (geo_precision 1–2) counts on its nearest segment within
the capture distance; a window (origin, origin + H] holds the incidents whose whole date period
falls in it. Used by :mod:`geo.model.forecast` (a build) and :mod:`geo.evaluate.reliability`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import geopandas as gpd
import numpy as np

from geo import columns as C
from geo.model.calibration import ForecastSettings
from geo.model.fit import placed_segment
from geo.model.known import period_end_of_start

__all__ = ["calibration_origins", "place_incidents", "window_hits"]


def place_incidents(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                    capture_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, period end and nearest segment (within ``capture_km``, else -1) of each incident.

    Only point incidents (geo_precision 1–2 with a location) can be placed.

    Parameters
    ----------
    segments, incidents
        Segments and incidents as the pipeline holds them.
    capture_km
        Farthest distance to the nearest segment.

    Returns
    -------
    tuple of numpy.ndarray
        ``(start, end, target)``.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> start, end, target = place_incidents(p.segments, p.incidents, 10.0)
    >>> len(target) == len(p.incidents) and bool((target >= -1).all())
    True
    """
    start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
    end = period_end_of_start(incidents)
    # the nearest segment within the capture distance: one rule, in geo.model.fit
    return start, end, placed_segment(segments, incidents, capture_km)


def window_hits(placed: tuple[np.ndarray, np.ndarray, np.ndarray], known: np.ndarray,
                origins: Sequence[date], *, horizon_days: int, n_segments: int,
                known_by_date: date) -> np.ndarray:
    """Incidents per segment in each window (origin, origin + H], counting only those known
    by ``known_by_date``.

    Parameters
    ----------
    placed
        :func:`place_incidents` output.
    known
        :func:`geo.model.known.known_by` of the incidents.
    origins
        Window starts.
    horizon_days
        H.
    n_segments
        Number of segments.
    known_by_date
        Incidents known after this day are not counted (no look-ahead).

    Returns
    -------
    numpy.ndarray
        Counts, shape ``(n_segments, len(origins))``.

    Examples
    --------
    >>> day = np.array(["2024-01-10", "2024-02-10"], dtype="datetime64[D]")
    >>> placed = (day, day, np.array([0, 1]))  # start, end, segment
    >>> window_hits(placed, day, [date(2024, 1, 1)], horizon_days=30, n_segments=2,
    ...             known_by_date=date(2024, 3, 1)).ravel().tolist()
    [1, 0]
    """
    start, end, target = placed
    cutoff = np.datetime64(known_by_date, "D")
    usable = (target >= 0) & (known <= cutoff)
    out = np.zeros((n_segments, len(origins)), dtype=np.int64)
    for j, t in enumerate(origins):
        t64 = np.datetime64(t, "D")
        window = usable & (start > t64) & (end <= t64 + np.timedelta64(horizon_days, "D"))
        out[:, j] = np.bincount(target[window], minlength=n_segments)
    return out


def calibration_origins(as_of: date, first_known: date | None, settings: ForecastSettings
                        ) -> list[date]:
    """Origins of the closed windows used at ``as_of``, oldest first.

    Parameters
    ----------
    as_of
        The build's date.
    first_known
        The day the first incident became known (None: no incident).
    settings
        The ``[forecast]`` settings.

    Returns
    -------
    list of datetime.date
        ``as_of − H − k·step`` for k = 0 … while at least H days follow ``first_known``.

    Examples
    --------
    >>> s = ForecastSettings(horizon_days=90, step_days=30, max_windows=3)
    >>> [d.isoformat() for d in calibration_origins(date(2024, 12, 31), date(2020, 1, 1), s)]
    ['2024-08-03', '2024-09-02', '2024-10-02']
    """
    if first_known is None:
        return []
    h, step = timedelta(days=settings.horizon_days), timedelta(days=settings.step_days)
    out: list[date] = []
    t = as_of - h
    while t - first_known >= h and len(out) < settings.max_windows:
        out.append(t)
        t -= step
    return out[::-1]
