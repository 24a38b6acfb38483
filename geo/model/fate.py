"""What happened to every incident: :func:`incident_fate` (scored, on which segments, or
why not) and :func:`outside_fate` for incidents outside every boundary polygon.
"""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.model.config import RiskModel
from geo.model.field import RiskField

BASELINE_ID = C.BASELINE_ID
#: Fate status of an incident outside every boundary polygon (kept and counted, not scored).
OUTSIDE_COVERAGE = "outside_coverage"



def incident_fate(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *, as_of: date,
                  model: RiskModel, field: RiskField | None = None) -> pd.DataFrame:
    """Status and reason of every incident: scored, future or unassigned.

    Parameters
    ----------
    segments, incidents, as_of, model, field
        As for :func:`score_segments`.

    Returns
    -------
    pandas.DataFrame
        ``incident_id``, ``status``, ``reason`` in the order of ``incidents``.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> fate = incident_fate(p.segments, p.incidents, as_of=p.as_of, model=p.model)
    >>> sorted(set(fate["status"]) - {"scored", "future", "unassigned"})
    []
    """
    field = field or RiskField(segments, incidents, model=model)
    n = len(incidents)
    t = np.datetime64(as_of, "D")
    n_segments, exposure, mass = field.incident_sums(as_of)
    gprec = incidents[C.GEO_PRECISION].to_numpy(dtype=int)
    nearest_km = np.full(n, np.nan)
    lonely = np.flatnonzero((n_segments == 0) & (gprec <= 2) & incidents.geometry.notna()
                            .to_numpy())
    if len(lonely) and field.n_seg:
        pts = incidents.geometry.iloc[lonely].to_crs(field.crs).values
        _, dist = shapely.STRtree(field.seg_m).query_nearest(pts, return_distance=True,
                                                             all_matches=False)
        nearest_km[lonely] = dist / 1000.0
    future = field.known > t
    informational = ~future & (field.weight == 0)
    unassigned = ~future & ~informational & (n_segments == 0)
    scored = ~future & ~informational & (n_segments > 0)
    status = np.where(future, "future", np.where(unassigned, "unassigned", "scored")).astype(object)
    reason = np.empty(n, dtype=object)
    when = as_of.isoformat()
    # one list comprehension per kind of row: a per-row DataFrame lookup cost a minute at 1M
    types = incidents[C.TYPE].to_numpy()
    date_text = incidents[C.DATE_TEXT].to_numpy()
    idx = np.flatnonzero(future)
    reason[idx] = [f"dated {d}, known from {k}, after the as-of date {when}" for d, k in
                   zip(date_text[idx].tolist(),
                       np.datetime_as_string(field.known[idx], unit="D").tolist(), strict=True)]
    idx = np.flatnonzero(informational)
    reason[idx] = [f"informational type {str(x)!r} (weight 0): shown, adds no risk"
                   for x in types[idx].tolist()]
    idx = np.flatnonzero(unassigned)
    cc, a1 = incidents[C.COUNTRY].to_numpy(), incidents[C.ADMIN1].to_numpy()
    reason[idx] = [_unassigned_reason(*row) for row in
                   zip(gprec[idx].tolist(), a1[idx].astype(str).tolist(),
                       cc[idx].astype(str).tolist(), nearest_km[idx].tolist(),
                       field.bandwidth_km[idx].tolist(), types[idx].astype(str).tolist(),
                       strict=True)]
    idx = np.flatnonzero(scored)
    reason[idx] = [f"adds {e:.3f} to the exposure of {k} segment{'s' if k != 1 else ''} as of "
                   f"{when}" for e, k in zip(exposure[idx].tolist(), n_segments[idx].tolist(),
                                             strict=True)]
    # mass: the incident's whole spatial kernel summed over the network (1 = counted once)
    return pd.DataFrame({C.INCIDENT_ID: incidents[C.INCIDENT_ID].to_numpy(),
                         C.STATUS: status.tolist(), C.REASON: reason.tolist(),
                         C.KERNEL_MASS: np.round(mass, 4)})


def outside_fate(incidents: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """Fate of incidents outside every boundary polygon: kept, counted, never scored.

    Parameters
    ----------
    incidents
        Rows of :func:`geo.io.read_incidents` whose ``coverage`` is ``outside``.
    public
        One row with the count instead of one per incident (a public build publishes no
        original identifier).

    Returns
    -------
    pandas.DataFrame
        ``incident_id``, ``status`` (``outside_coverage``), ``reason``, ``kernel_mass`` (0).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"incident_id": ["a"], "country": ["DZ"], "lat": [float("nan")],
    ...                      "lon": [float("nan")]})
    >>> outside_fate(rows)["reason"].tolist()
    ['country DZ is not in the boundaries layer']
    """
    n = len(incidents)
    if public:
        reasons = [f"{n} incident{'s' if n != 1 else ''} outside the boundaries (not published "
                   "one by one)"] if n else []
        return pd.DataFrame({C.INCIDENT_ID: [""] * len(reasons),
                             C.STATUS: [OUTSIDE_COVERAGE] * len(reasons), C.REASON: reasons,
                             C.KERNEL_MASS: [0.0] * len(reasons)})
    lat, lon = incidents[C.LAT].to_numpy(float), incidents[C.LON].to_numpy(float)
    cc = incidents[C.COUNTRY].astype(str).to_numpy()
    reason = [f"the point ({y:g}, {x:g}) lies outside every boundary polygon"
              if not math.isnan(y) else f"country {c} is not in the boundaries layer"
              for y, x, c in zip(lat.tolist(), lon.tolist(), cc.tolist(), strict=True)]
    return pd.DataFrame({C.INCIDENT_ID: incidents[C.INCIDENT_ID].to_numpy(),
                         C.STATUS: [OUTSIDE_COVERAGE] * n, C.REASON: reason,
                         C.KERNEL_MASS: np.zeros(n)})


def _unassigned_reason(prec: int, admin1: str, country: str, nearest_km: float,
                       bandwidth_km: float, itype: str) -> str:
    if prec >= 3:
        unit = f"{admin1}, {country}" if prec == 3 else country
        return f"no corridor segment in {unit}"
    if math.isnan(nearest_km):
        return "no corridor segments to score against"
    return (f"nearest corridor {nearest_km:.0f} km away, beyond the {bandwidth_km:.0f} km "
            f"bandwidth of {itype!r}")
