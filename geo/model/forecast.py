"""Forecast of a build: calibrated ``p_<H>d``, evidence bands, and coarse shares.

Everything here uses only what was known by the as-of date *T*:

* **Origins**: ``T − H − k·step`` for ``k = 0, 1, …`` (at most ``max_windows``), each with at
  least H days of record before it, so every window (origin, origin + H] closed by *T*.
* **Outcome** of a window: a point incident (geo_precision 1–2) whose whole date period falls
  in the window, known by *T* (:func:`geo.model.known.known_by`), counted on its nearest segment
  within ``capture_km`` (the backtest's rule, :func:`place_incidents`). Incidents known only to
  a province or a country cannot be placed and are not outcomes.
* **Score** at each origin: the model's ``risk_density`` with the incidents known by then.
* :func:`geo.model.calibration.fit_calibration` on the pooled segment-windows gives ``p_<H>d``
  at *T*.

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
from dataclasses import dataclass, replace
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo._errors import Problem
from geo.model.calibration import Calibration, ForecastSettings, fit_calibration
from geo.model.config import RiskModel
from geo.model.field import RiskField
from geo.model.known import known_by
from geo.model.scores import band_of
from geo.model.windows import calibration_origins, place_incidents, window_hits

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
#: a build warns when mostly-coarse segments make up more than this share of the km in bands
#: 3–5 (where the colour says "risk": a faint province-wide score in band 1 misleads no one)
COARSE_KM_WARN = 0.25


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
    positive = density > 0
    values, which = np.unique(density[positive], return_inverse=True)
    # km at or above each distinct positive value, highest value first
    km_at = np.bincount(which, weights=length_km[positive], minlength=len(values))
    values, km_at_or_above = values[::-1], np.cumsum(km_at[::-1])
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

    Examples
    --------
    >>> dens = np.array([[0.0, 0.0], [5.0, 9.0]])  # two segments, two windows
    >>> hits = np.array([[1, 0], [2, 1]])
    >>> t = band_history(dens, hits, np.array([10.0, 10.0]), [1, 2, 3, 4])
    >>> t.loc[t["band"] == 5, ["share_of_km", "share_of_incidents", "incidents"]].values.tolist()
    [[0.5, 0.75, 3.0]]
    """
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


def coarse_share(field: RiskField, as_of: date, density: np.ndarray) -> np.ndarray:
    """Share of each segment's density from incidents known only to a province or country.

    Parameters
    ----------
    field
        The :class:`geo.model.field.RiskField` of the build.
    as_of
        The date.
    density
        The segments' densities at ``as_of`` (from the same field).

    Returns
    -------
    numpy.ndarray
        Shares in [0, 1] (0 where the density is 0).

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> share = coarse_share(p.field, p.as_of, p.field.density(p.as_of))
    >>> bool(((share >= 0) & (share <= 1)).all())
    True
    """
    coarse = field.spread_density(field.base * field.time_factor(as_of))
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

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> fc = prepare().forecast  # the bundled example: too little history for a fit
    >>> fc.settings.column, fc.calibration.fitted, len(fc.origins)
    ('p_90d', False, 60)
    """

    settings: ForecastSettings
    calibration: Calibration
    p: np.ndarray
    origins: list[date]
    thresholds: tuple[float, float, float, float] | None
    history: pd.DataFrame

    def band_notes(self, shares_now: Sequence[float]) -> tuple[str, ...]:
        """One sentence per band: its km share now, and what it held over the windows.

        Parameters
        ----------
        shares_now
            Share of corridor km in bands 1–5 at the as-of date.

        Returns
        -------
        tuple of str
            Five notes, band 1 first.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> fc = prepare().forecast  # the bundled example
        >>> fc.band_notes([0.4, 0.25, 0.2, 0.1, 0.05])[4].split(";")[0]
        '5% of km'
        """
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

    def summary(self) -> str:
        """One line for the build's summary: the fit, or why ``p_<H>d`` is empty.

        Returns
        -------
        str
            The line.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> prepare().forecast.summary().startswith("p_90d left empty: ")
        True
        """
        col, cal = self.settings.column, self.calibration
        if not cal.fitted:
            return f"{col} left empty: {cal.reason}"
        return (f"{col} calibrated on {cal.n_windows} windows from "
                f"{self.origins[0].isoformat()} ({cal.n_rows} segment-windows, {cal.n_hits} "
                "with an incident)")

    def describe(self) -> dict[str, object]:
        """JSON-ready summary (for the build manifest).

        Returns
        -------
        dict
            Column, horizon, capture distance, first and last origin, the calibration, the
            evidence thresholds and the bands' history.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> sorted(prepare().forecast.describe())[:3]
        ['band_history', 'calibration', 'capture_km']
        """
        return {"column": self.settings.column, "horizon_days": self.settings.horizon_days,
                "capture_km": self.settings.capture_km,
                "origins": [d.isoformat() for d in self.origins[:1] + self.origins[-1:]],
                "calibration": self.calibration.describe(),
                "evidence_thresholds": None if self.thresholds is None else
                [round(t, 6) for t in self.thresholds],
                "band_history": [{k: (None if isinstance(v, float) and not np.isfinite(v)
                                      else v) for k, v in row.items()}
                                 for row in self.history.round(4).to_dict("records")]}


def forecast(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *, field: RiskField,
             as_of: date, settings: ForecastSettings, evidence_bands: bool = True,
             shares: Sequence[float] = EVIDENCE_KM_SHARES,
             thresholds: Sequence[float] | None = None) -> Forecast:
    """Calibrate ``p_<H>d`` at ``as_of`` and choose evidence band thresholds.

    Parameters
    ----------
    segments, incidents
        As the pipeline holds them.
    field
        The build's :class:`geo.model.field.RiskField`.
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

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> fc = forecast(p.segments, p.incidents, field=p.field, as_of=p.as_of,
    ...               settings=p.model.forecast)
    >>> fc.calibration.reason.endswith("calibration needs at least 10")
    True
    """
    length = segments[C.LENGTH_KM].to_numpy(dtype=float)
    known = known_by(incidents)
    cut = np.datetime64(as_of, "D")
    known_now = known[known <= cut]
    first = known_now.min().astype(object) if len(known_now) else None
    origins = calibration_origins(as_of, first, settings)
    density_now = field.density(as_of)
    if origins:
        placed = place_incidents(segments, incidents, settings.capture_km)
        hits = window_hits(placed, known, origins, horizon_days=settings.horizon_days,
                           n_segments=len(segments), known_by_date=as_of)
        dens = field.densities(origins)
    else:
        hits = np.zeros((len(segments), 0), dtype=np.int64)
        dens = np.zeros((len(segments), 0))
    cal = fit_calibration(dens.ravel(), np.repeat(length, dens.shape[1]), hits.ravel() > 0,
                          n_windows=len(origins), min_windows=settings.min_windows,
                          min_hits=settings.min_hits)
    p = cal.predict(density_now, length)
    chosen = evidence_thresholds(density_now, length, shares) if evidence_bands else None
    in_force = chosen or tuple(float(t) for t in thresholds or ())
    history = (band_history(dens, hits, length, in_force) if origins and len(in_force) == 4
               else pd.DataFrame())
    return Forecast(settings=settings, calibration=cal, p=p, origins=origins, thresholds=chosen,
                    history=history)


def forecast_problems(scored: pd.DataFrame, fc: Forecast, model: RiskModel, *, file: str
                      ) -> list[Problem]:
    """Warnings of a build about its forecast, bands and coarse incidents.

    * bands 4–5 holding more than a third of corridor km (:data:`TOP_BANDS_KM_WARN`);
    * segments whose score comes mostly (:data:`COARSE_MAJORITY`) from incidents known only to
      a province or a country making up more than :data:`COARSE_KM_WARN` of the km in bands
      3–5.

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

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example: 10 incidents, most known only to a province
    >>> [x.field for x in forecast_problems(p.scored, p.forecast, p.model, file="x.csv")]
    ['geo_precision']
    """
    out: list[Problem] = []
    km = scored[C.LENGTH_KM].to_numpy(dtype=float)
    total = float(km.sum())
    if total <= 0:
        return out
    top = float(km[scored[C.RISK_BAND].to_numpy(dtype=int) >= 4].sum() / total)
    if top > TOP_BANDS_KM_WARN:
        scheme = model.band_scheme
        out.append(Problem(model.source, "[bands]", "scheme",
                           f"bands 4-5 hold {top:.0%} of corridor km (more than a third) with "
                           f"the {scheme!r} scheme: the map says almost everything is "
                           "dangerous; scheme = \"evidence\" bands by share of km"))
    coloured = scored[C.RISK_BAND].to_numpy(dtype=int) >= 3
    if C.COARSE_SHARE in scored and km[coloured].sum() > 0:
        coarse = coloured & (scored[C.COARSE_SHARE].to_numpy(dtype=float) > COARSE_MAJORITY)
        share = float(km[coarse].sum() / km[coloured].sum())
        if share > COARSE_KM_WARN:
            out.append(Problem(file, "-", C.GEO_PRECISION,
                               f"on {share:.0%} of the km in bands 3-5 most of the score comes "
                               "from incidents known only to a province or a country "
                               f"(coarse_share > {COARSE_MAJORITY:.0%}): there the colour says "
                               "where the unit is, not where on the road the incidents were"))
    return out


def prepare_forecast(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
                     field: RiskField, as_of: date, model: RiskModel
                     ) -> tuple[RiskModel, Forecast]:
    """The build's :func:`forecast`, and ``model`` with the evidence thresholds in force.

    Parameters
    ----------
    segments, incidents, field, as_of
        As for :func:`forecast`.
    model
        The risk model (its ``[forecast]`` and ``[bands]`` settings).

    Returns
    -------
    tuple
        The model to score with, and the forecast.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> from geo.model.config import load_model
    >>> p = prepare()  # the bundled example
    >>> m, fc = prepare_forecast(p.segments, p.incidents, field=p.field, as_of=p.as_of,
    ...                          model=load_model())
    >>> m.band_thresholds == fc.thresholds
    True
    """
    fc = forecast(segments, incidents, field=field, as_of=as_of, settings=model.forecast,
                  evidence_bands=model.band_scheme == "evidence",
                  shares=model.evidence_km_shares, thresholds=model.band_thresholds)
    if fc.thresholds is not None:
        model = replace(model, band_thresholds=fc.thresholds)
    return model, fc


def apply_forecast(scored: gpd.GeoDataFrame, fc: Forecast, *, field: RiskField, as_of: date,
                   model: RiskModel, file: str
                   ) -> tuple[gpd.GeoDataFrame, RiskModel, list[Problem]]:
    """Add ``p_<H>d`` (after ``risk_band``) and ``coarse_share``; note what each band held.

    Parameters
    ----------
    scored
        :func:`geo.model.scores.score_segments` output.
    fc
        The build's forecast.
    field, as_of
        The build's risk field and date.
    model
        The model the segments were scored with.
    file
        The incidents file (named in warnings).

    Returns
    -------
    tuple
        The segments, the model with its ``band_notes``, and :func:`forecast_problems`.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> scored, m, _ = apply_forecast(p.scored.drop(columns=["p_90d", "coarse_share"]),
    ...     p.forecast, field=p.field, as_of=p.as_of, model=p.model, file="x.csv")
    >>> scored.columns[scored.columns.get_loc("risk_band") + 1], len(m.band_notes)
    ('p_90d', 5)
    """
    density = scored[C.RISK_DENSITY].to_numpy(dtype=float)
    out = scored.copy()
    out.insert(int(out.columns.get_loc(C.RISK_BAND)) + 1, fc.settings.column, fc.p)
    out[C.COARSE_SHARE] = np.round(coarse_share(field, as_of, density), 4)
    km = out[C.LENGTH_KM].to_numpy(dtype=float)
    band = out[C.RISK_BAND].to_numpy(dtype=int)
    total = float(km.sum())
    shares = [float(km[band == b].sum() / total) if total > 0 else 0.0 for b in range(1, 6)]
    model = replace(model, band_notes=fc.band_notes(shares))
    return out, model, forecast_problems(out, fc, model, file=file)
