"""Scores on segments: bands (:func:`band_of`), the dates of a timeline
(:func:`month_ends`), :func:`score_segments` (density, band and top incidents as of a date) and
:func:`band_timeline`, all read from one :class:`geo.model.field.RiskField`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo.model.config import RiskModel
from geo.model.field import RiskField

BASELINE_ID = C.BASELINE_ID
#: words for geo_precision 1–4 in ``top_incidents`` (``"precision"``)
PRECISION_WORDS = ("point", "near", "province", "country")



def band_of(density: np.ndarray | float, thresholds: Sequence[float]) -> np.ndarray:
    """Band 1–5: one plus the number of thresholds at or below the density.

    Parameters
    ----------
    density
        Risk densities.
    thresholds
        The four band thresholds.

    Returns
    -------
    numpy.ndarray
        Integer bands.

    Examples
    --------
    >>> band_of(np.array([0.0, 0.1, 4.0, 9.9]), [0.1, 0.5, 1.5, 4.0]).tolist()
    [1, 2, 5, 5]
    """
    return 1 + np.searchsorted(np.asarray(thresholds), np.asarray(density), side="right")


def month_ends(start: date, end: date) -> list[date]:
    """Last day of every month from ``start``'s month through ``end``'s, ending with ``end``.

    Parameters
    ----------
    start, end
        The first and last dates.

    Returns
    -------
    list of datetime.date
        Month ends, then ``end``.

    Examples
    --------
    >>> [d.isoformat() for d in month_ends(date(2019, 7, 20), date(2019, 9, 3))]
    ['2019-07-31', '2019-08-31', '2019-09-03']
    """
    out: list[date] = []
    for stamp in pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="ME"):
        out.append(stamp.date())
    if not out or out[-1] != end:
        out.append(end)
    return [d for d in out if d <= end]




def _top_incidents(field_: RiskField, as_of: date, density: np.ndarray, top_n: int
                   ) -> list[list[dict[str, Any]]]:
    ids = field_.incidents[C.INCIDENT_ID].to_numpy().astype(str)
    # ties are broken by incident id, so row order never matters; the baseline (-1) ranks first
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    top_who, top_val = field_.top_contributors(as_of, top_n, id_rank)
    filled = top_who > -2
    share = np.zeros_like(top_val)
    np.divide(top_val, density[:, None], out=share, where=filled)
    seg_of, col = np.nonzero(filled)
    who = top_who[seg_of, col]
    names = np.where(who < 0, BASELINE_ID, ids[np.maximum(who, 0)] if len(ids) else "").tolist()
    shares = [round(x, 4) for x in share[seg_of, col].tolist()]
    # how exactly each contributor's place is known (the baseline is not an incident)
    gprec = field_.incidents[C.GEO_PRECISION].to_numpy(dtype=int)
    words = np.array(["baseline", *PRECISION_WORDS], dtype=object)
    level = np.where(who < 0, 0, gprec[np.maximum(who, 0)] if len(ids) else 0)
    precision = words[np.clip(level, 0, len(PRECISION_WORDS))].tolist()
    items = [{"incident_id": name, "share": x, "precision": pr}
             for name, x, pr in zip(names, shares, precision, strict=True)]
    bounds = np.concatenate([[0], np.cumsum(filled.sum(axis=1))]).tolist()
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def score_segments(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *, as_of: date,
                   model: RiskModel, field: RiskField | None = None) -> gpd.GeoDataFrame:
    """Risk density, band, exposure and top contributing incidents of every segment.

    Parameters
    ----------
    segments
        Output of :func:`geo.segment.segment_corridors`.
    incidents
        Output of :func:`geo.io.read_incidents`; incidents not yet known by ``as_of``
        (see :func:`geo.model.known.known_by`) count for nothing.
    as_of
        The date the scores describe.
    model
        Risk model parameters.
    field
        A :class:`RiskField` already computed for these segments and incidents (optional reuse).

    Returns
    -------
    GeoDataFrame
        ``segments`` plus ``risk_density``, ``risk_band``, ``exposure``, ``top_incidents``.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> scored = score_segments(p.segments, p.incidents, as_of=p.as_of, model=p.model)
    >>> int(scored["risk_band"].min()) >= 1
    True
    """
    field = field or RiskField(segments, incidents, model=model)
    density = field.density(as_of)
    out = segments.copy()
    out[C.RISK_DENSITY] = density
    out[C.RISK_BAND] = band_of(density, model.band_thresholds).astype("int64")
    out[C.EXPOSURE] = density * out[C.LENGTH_KM].to_numpy(dtype=float) / 100.0
    out[C.TOP_INCIDENTS] = _top_incidents(field, as_of, density, model.top_n)
    return out


def band_timeline(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
                  dates: Sequence[date], model: RiskModel, field: RiskField | None = None
                  ) -> pd.DataFrame:
    """Band of every segment at each date (columns ``YYYY-MM-DD``, index ``segment_id``).

    Parameters
    ----------
    segments, incidents
        As for :func:`score_segments`.
    dates
        The dates (e.g. :func:`month_ends`).
    model, field
        As for :func:`score_segments`.

    Returns
    -------
    pandas.DataFrame
        Bands, one column per date.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> band_timeline(p.segments, p.incidents, dates=[p.as_of], model=p.model).shape[1]
    1
    """
    field = field or RiskField(segments, incidents, model=model)
    dens = field.densities(list(dates))
    data = {d.isoformat(): band_of(dens[:, j], model.band_thresholds).astype("int64")
            for j, d in enumerate(dates)}
    return pd.DataFrame(data, index=pd.Index(segments[C.SEGMENT_ID], name=C.SEGMENT_ID))
