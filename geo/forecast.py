"""Forecast of a build: calibrated ``p_<H>d``, evidence bands, and coarse shares.

Everything here uses only what was known by the as-of date *T*:

* **Origins**: ``T − H − k·step`` for ``k = 0, 1, …`` (at most ``max_windows``), each with at
  least H days of record before it, so every window (origin, origin + H] closed by *T*.
* **Outcome** of a window: a point incident (geo_precision 1–2) whose whole date period falls
  in the window, known by *T* (:func:`geo._known.known_by`), counted on its nearest segment
  within ``capture_km`` (the backtest's rule, :func:`place_incidents`). Incidents known only to
  a province or a country cannot be placed and are not outcomes.
* **Score** at each origin: the model's ``risk_density`` with the incidents known by then.
* :func:`geo.calibration.fit_calibration` on the pooled segment-windows gives ``p_<H>d`` at *T*.

**Evidence bands** (``[bands] scheme = "evidence"``): thresholds on ``risk_density`` at *T*
so that band 5 holds at most the top 5 % of corridor km, bands 4–5 the top 15 %, 3–5 the top
35 % and 2–5 the top 60 % (``[bands] evidence_km_shares``); tied densities fall to the lower
band, so a band never holds more than its share. The thresholds are fixed at *T* (the band
timeline of the build uses them at every date, and the build manifest records them, so a later
build can reuse them as ``[bands] thresholds``). Each band's note says what it meant over the
calibration windows: its share of km and of the next-H-day incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo._errors import Problem
from geo._known import known_by, period_end_of_start
from geo.calibration import Calibration, ForecastSettings, fit_calibration
from geo.io import study_crs

__all__ = [
    "COARSE_KM_WARN",
    "COARSE_MAJORITY",
    "EVIDENCE_KM_SHARES",
    "TOP_BANDS_KM_WARN",
    "Forecast",
    "band_history",
    "calibration_origins",
    "coarse_share",
    "evidence_thresholds",
    "forecast",
    "forecast_problems",
    "place_incidents",
    "window_hits",
]

#: km shares of bands 1–5 (bottom to top) of the evidence scheme
EVIDENCE_KM_SHARES = (0.40, 0.25, 0.20, 0.10, 0.05)
#: a build warns when bands 4–5 hold more than this share of corridor km
TOP_BANDS_KM_WARN = 1 / 3
#: a segment's score is "mostly coarse" when coarse incidents give more than this share of it
COARSE_MAJORITY = 0.5
#: a build warns when mostly-coarse segments make up more than this share of corridor km
COARSE_KM_WARN = 0.25


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
    """
    start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
    end = period_end_of_start(incidents)
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
    return start, end, target


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
        :func:`geo._known.known_by` of the incidents.
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


def evidence_thresholds(density: np.ndarray, length_km: np.ndarray,
                        shares: Sequence[float] = EVIDENCE_KM_SHARES
                        ) -> tuple[float, float, float, float]:
    """Density thresholds giving bands 1–5 at most the km ``shares`` from the top down.

    Parameters
    ----------
    density, length_km
        Segments' densities and lengths at the fit date.
    shares
        Km shares of bands 1–5 (summing to 1).

    Returns
    -------
    tuple of float
        Four strictly increasing positive thresholds (a band that cannot be told apart, e.g.
        when every density is 0, gets a threshold no segment reaches).

    Examples
    --------
    >>> d = np.arange(20, dtype=float)  # 20 segments of 1 km, densities 0..19
    >>> evidence_thresholds(d, np.ones(20))
    (8.0, 13.0, 17.0, 19.0)
    """
    density = np.asarray(density, dtype=float)
    length_km = np.asarray(length_km, dtype=float)
    total = float(length_km.sum())
    top = np.cumsum(np.asarray(shares, dtype=float)[::-1])[:4]  # top 5 %, 15 %, 35 %, 60 %
    values = np.unique(density[density > 0])[::-1]  # distinct positive, high to low
    # km at or above each distinct value
    km_at_or_above = np.array([length_km[density >= v].sum() for v in values]) if len(
        values) else np.zeros(0)
    out: list[float] = []
    for s in top[::-1]:  # band 2, 3, 4, 5
        fits = values[km_at_or_above <= s * total + 1e-9] if total > 0 else values[:0]
        out.append(float(fits.min()) if len(fits) else np.inf)
    # strictly increasing and positive; an unreachable band gets a value above every density
    ceiling = float(density.max()) * 2 + 1.0 if len(density) else 1.0
    fixed: list[float] = []
    for v in out:
        v = ceiling if not np.isfinite(v) else v
        if fixed and v <= fixed[-1]:
            v = fixed[-1] * (1 + 1e-6) if v < ceiling else max(ceiling, fixed[-1] * (1 + 1e-6))
        fixed.append(float(v))
    return (fixed[0], fixed[1], fixed[2], fixed[3])


def band_history(dens: np.ndarray, hits: np.ndarray, length_km: np.ndarray,
                 thresholds: Sequence[float]) -> pd.DataFrame:
    """What each band meant over past windows: share of km and of the next incidents.

    Parameters
    ----------
    dens
        Densities at the origins, shape ``(n_segments, n_windows)``.
    hits
        Incidents per segment in each window, same shape.
    length_km
        Segment lengths.
    thresholds
        The band thresholds.

    Returns
    -------
    pandas.DataFrame
        ``band, share_of_km, share_of_incidents, incidents, hit_frequency`` (km share averaged
        over windows; incidents summed; hit frequency = segment-windows with an incident).
    """
    from geo.risk import band_of

    bands = band_of(dens, thresholds)
    km = np.broadcast_to(np.asarray(length_km, dtype=float)[:, None], dens.shape)
    rows = []
    total_km, total_inc = float(km.sum()), float(hits.sum())
    for b in range(1, 6):
        inb = bands == b
        rows.append({"band": b,
                     "share_of_km": float(km[inb].sum() / total_km) if total_km else np.nan,
                     "share_of_incidents": float(hits[inb].sum() / total_inc) if total_inc
                     else np.nan,
                     "incidents": int(hits[inb].sum()),
                     "hit_frequency": float((hits[inb] > 0).mean()) if inb.any() else np.nan})
    return pd.DataFrame(rows)


def coarse_share(field: object, as_of: date, density: np.ndarray) -> np.ndarray:
    """Share of each segment's density from incidents known only to a province or country.

    Parameters
    ----------
    field
        The :class:`geo.risk.RiskField` of the build.
    as_of
        The date.
    density
        The segments' densities at ``as_of`` (from the same field).

    Returns
    -------
    numpy.ndarray
        Shares in [0, 1] (0 where the density is 0).
    """
    value = field.base * field.time_factor(as_of)  # type: ignore[attr-defined]
    coarse = field.spread_density(value)  # type: ignore[attr-defined]
    out = np.zeros(len(density))
    np.divide(coarse, density, out=out, where=density > 0)
    return np.clip(out, 0.0, 1.0)


@dataclass(frozen=True)
class Forecast:
    """What :func:`forecast` found at the as-of date.

    Parameters
    ----------
    settings
        The ``[forecast]`` settings.
    calibration
        The fit (or why there is none).
    p
        Probability per segment (NaN without a fit).
    origins
        The window origins used.
    thresholds
        Evidence band thresholds (``None`` when the scheme is not ``evidence``).
    history
        :func:`band_history` for the thresholds in force (empty without closed windows).
    """

    settings: ForecastSettings
    calibration: Calibration
    p: np.ndarray
    origins: list[date]
    thresholds: tuple[float, float, float, float] | None
    history: pd.DataFrame

    def band_notes(self, shares_now: Sequence[float]) -> tuple[str, ...]:
        """One sentence per band: its km share now, and what it held over the windows."""
        h = self.settings.horizon_days
        span = (f"{self.origins[0].isoformat()[:7]} to {self.origins[-1].isoformat()[:7]}"
                if self.origins else "")
        notes = []
        for b in range(1, 6):
            now = f"{shares_now[b - 1]:.0%} of km"
            held = (float(self.history["share_of_incidents"].to_numpy(dtype=float)[b - 1])
                    if len(self.history) else float("nan"))
            if np.isfinite(held):
                total = int(self.history["incidents"].sum())
                notes.append(f"{now}; held {held:.0%} of the {total} next-{h}-day incidents "
                             f"of windows from {span}")
            else:
                notes.append(f"{now}; no closed {h}-day window to judge it by")
        return tuple(notes)

    def describe(self) -> dict[str, object]:
        """JSON-ready summary (for the build manifest)."""
        return {"column": self.settings.column, "horizon_days": self.settings.horizon_days,
                "capture_km": self.settings.capture_km,
                "origins": [d.isoformat() for d in self.origins[:1] + self.origins[-1:]],
                "calibration": self.calibration.describe(),
                "evidence_thresholds": None if self.thresholds is None else
                [round(t, 6) for t in self.thresholds],
                "band_history": [{k: (None if isinstance(v, float) and not np.isfinite(v)
                                      else v) for k, v in row.items()}
                                 for row in self.history.round(4).to_dict("records")]}


def forecast(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *, field: object,
             as_of: date, settings: ForecastSettings, evidence_bands: bool = True,
             shares: Sequence[float] = EVIDENCE_KM_SHARES,
             thresholds: Sequence[float] | None = None) -> Forecast:
    """Calibrate ``p_<H>d`` at ``as_of`` and choose evidence band thresholds.

    Parameters
    ----------
    segments, incidents
        As the pipeline holds them.
    field
        The build's :class:`geo.risk.RiskField`.
    as_of
        The build's date; nothing known after it is used.
    settings
        The ``[forecast]`` settings.
    evidence_bands
        Choose evidence thresholds (else ``thresholds`` are the ones in force).
    shares
        Km shares of bands 1–5 for the evidence thresholds.
    thresholds
        The thresholds in force when ``evidence_bands`` is False.

    Returns
    -------
    Forecast
        Probabilities, the fit and the band evidence.
    """
    length = segments[C.LENGTH_KM].to_numpy(dtype=float)
    known = known_by(incidents)
    cut = np.datetime64(as_of, "D")
    known_now = known[known <= cut]
    first = known_now.min().astype(object) if len(known_now) else None
    origins = calibration_origins(as_of, first, settings)
    density_now = field.density(as_of)  # type: ignore[attr-defined]
    if origins:
        placed = place_incidents(segments, incidents, settings.capture_km)
        hits = window_hits(placed, known, origins, horizon_days=settings.horizon_days,
                           n_segments=len(segments), known_by_date=as_of)
        dens = field.densities(origins)  # type: ignore[attr-defined]
    else:
        hits = np.zeros((len(segments), 0), dtype=np.int64)
        dens = np.zeros((len(segments), 0))
    cal = fit_calibration(dens.ravel(), np.repeat(length, dens.shape[1]), hits.ravel() > 0,
                          n_windows=len(origins), min_windows=settings.min_windows,
                          min_hits=settings.min_hits)
    p = cal.predict(density_now, length)
    chosen = (evidence_thresholds(density_now, length, shares) if evidence_bands
              else tuple(float(t) for t in thresholds or ()))
    history = (band_history(dens, hits, length, chosen) if origins and len(chosen) == 4
               else pd.DataFrame())
    return Forecast(settings=settings, calibration=cal, p=p, origins=origins,
                    thresholds=chosen if evidence_bands else None,  # type: ignore[arg-type]
                    history=history)


def forecast_problems(scored: pd.DataFrame, fc: Forecast, model: object, *, file: str
                      ) -> list[Problem]:
    """Warnings of a build about its forecast, bands and coarse incidents.

    * ``p_<H>d`` left empty, and why;
    * bands 4–5 holding more than a third of corridor km (:data:`TOP_BANDS_KM_WARN`);
    * segments whose score comes mostly (:data:`COARSE_MAJORITY`) from incidents known only to
      a province or a country making up more than :data:`COARSE_KM_WARN` of corridor km.

    Parameters
    ----------
    scored
        Scored segments with ``coarse_share``.
    fc
        The build's :class:`Forecast`.
    model
        The risk model in force (its ``band_scheme`` and ``source``).
    file
        The incidents file (named in the warnings about data).

    Returns
    -------
    list of Problem
        One per finding.
    """
    out: list[Problem] = []
    if not fc.calibration.fitted:
        out.append(Problem(file, "-", fc.settings.column,
                           f"left empty: {fc.calibration.reason} (no calibrated probability "
                           "is given without the history to support it)"))
    km = scored[C.LENGTH_KM].to_numpy(dtype=float)
    total = float(km.sum())
    if total <= 0:
        return out
    top = float(km[scored[C.RISK_BAND].to_numpy(dtype=int) >= 4].sum() / total)
    if top > TOP_BANDS_KM_WARN:
        scheme = getattr(model, "band_scheme", "")
        out.append(Problem(str(getattr(model, "source", "config")), "[bands]", "scheme",
                           f"bands 4-5 hold {top:.0%} of corridor km (more than a third) with "
                           f"the {scheme!r} scheme: the map says almost everything is "
                           "dangerous; scheme = \"evidence\" bands by share of km"))
    if C.COARSE_SHARE in scored:
        coarse = scored[C.COARSE_SHARE].to_numpy(dtype=float) > COARSE_MAJORITY
        share = float(km[coarse].sum() / total)
        if share > COARSE_KM_WARN:
            out.append(Problem(file, "-", C.GEO_PRECISION,
                               f"on {share:.0%} of corridor km most of the score comes from "
                               "incidents known only to a province or a country (coarse_share "
                               f"> {COARSE_MAJORITY:.0%}): there the colour says where the "
                               "unit is, not where on the road the incidents were"))
    return out
