"""What changed between two dates: segments whose risk band rose or fell, and why.

One :class:`geo.model.field.RiskField` serves both dates (the pairs incident × segment do not
depend on the date), so a comparison costs two vector evaluations. Each changed segment lists the
incidents that moved it, largest first, with the reason in words: a new incident dated after
``date_from``, or an older one whose weight has decayed (or whose interval has ended).

The map of the changes is :func:`geo.maps.changes.build_changes_map`; from a build,
``geo.build().compare(date_from)`` gives both.

>>> from geo import pipeline
>>> p = pipeline.prepare()  # the bundled layers, as of the latest incident
>>> changes = compare_dates(p.segments, p.incidents, date_from=date(2024, 6, 1),
...                         date_to=p.as_of, model=p.model, field=p.field)
>>> bool(len(changes)) and bool((changes["band_to"] > changes["band_from"]).all())
True
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo.model.config import RiskModel
from geo.model.field import RiskField
from geo.model.scores import BASELINE_ID, band_of

__all__ = [
    "BAND_CHANGE",
    "BAND_FROM",
    "BAND_TO",
    "CHANGE",
    "CHANGE_COLOURS",
    "CHANGE_COLUMNS",
    "DATE_FROM",
    "DATE_TO",
    "DENSITY_FROM",
    "DENSITY_TO",
    "DRIVERS",
    "EXPLANATION",
    "compare_dates",
]

log = logging.getLogger(__name__)

# Columns of the comparison (in addition to the segment's own).
DATE_FROM = "date_from"
DATE_TO = "date_to"
BAND_FROM = "band_from"
BAND_TO = "band_to"
BAND_CHANGE = "band_change"
CHANGE = "change"  # "rose" | "fell"
DENSITY_FROM = "density_from"
DENSITY_TO = "density_to"
DRIVERS = "drivers"  # list of dicts, largest effect first
EXPLANATION = "explanation"  # the drivers in one line of words

CHANGE_COLUMNS = [C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.SEQ, C.COUNTRY, C.ADMIN1, C.LENGTH_KM,
                  DATE_FROM, DATE_TO, BAND_FROM, BAND_TO, BAND_CHANGE, CHANGE, DENSITY_FROM,
                  DENSITY_TO, DRIVERS, EXPLANATION]

#: Rise and fall colours of the change map: ColorBrewer RdBu ends (colour-blind safe pair).
CHANGE_COLOURS = {"rose": "#b2182b", "fell": "#2166ac"}


def _pair_density(field: RiskField, pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
                  as_of: date) -> np.ndarray:
    """Risk density each (incident, segment) pair adds to its segment as of a date."""
    inc, seg, val = pairs
    contrib = val * (field.base * field.time_factor(as_of))[inc]
    length = field.geo_len_km[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(length > 0, 100.0 * contrib / length, 0.0)


def _reason(field: RiskField, i: int, d_from: float, d_to: float, date_from: date,
            date_to: date) -> str:
    """Why incident ``i``'s contribution to a segment differs between the two dates."""
    text = str(field.incidents[C.DATE_TEXT].iat[i])
    half_life = float(field.half_life[i])
    if d_from <= 0.0 < d_to:
        return f"new: dated {text}, after {date_from.isoformat()}"
    if d_to <= 0.0 < d_from:
        return f"not yet in force on {date_to.isoformat()} (dated {text})"
    if field.is_interval[i]:
        end = pd.Timestamp(field.end[i]).date()
        if end < date_to:
            return (f"ended {end.isoformat()}: fading with a half-life of {half_life:g} days")
        return f"in force until {end.isoformat()}"
    return f"older (dated {text}): fading with a half-life of {half_life:g} days"


def compare_dates(
    segments: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    date_from: date,
    date_to: date,
    model: RiskModel,
    field: RiskField | None = None,
    top_n: int = 3,
) -> gpd.GeoDataFrame:
    """Segments whose risk band differs between two dates, with the incidents that moved them.

    Parameters
    ----------
    segments
        Output of :func:`geo.segment.segment_corridors` (or scored segments).
    incidents
        Output of :func:`geo.io.read_incidents`.
    date_from, date_to
        The two as-of dates, ``date_from`` earlier.
    model
        Risk model (bands are its fixed thresholds, so the two dates compare).
    field
        A :class:`geo.model.field.RiskField` of these segments and incidents, to reuse.
    top_n
        Drivers kept per segment.

    Returns
    -------
    GeoDataFrame
        One row per changed segment, in the order of ``segments``: the segment's identifying
        columns, ``date_from``, ``date_to``, ``band_from``, ``band_to``, ``band_change``
        (``band_to - band_from``), ``change`` (``"rose"`` or ``"fell"``), ``density_from``,
        ``density_to``, ``drivers`` (list of ``{"incident_id", "type", "date", "density_from",
        "density_to", "delta", "share_from", "share_to", "reason"}``, the incidents whose
        contribution moved in the direction of the change, largest first) and
        ``explanation`` (the same in one line). EPSG:4326.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()
    >>> changes = compare_dates(p.segments, p.incidents, date_from=date(2024, 6, 1),
    ...                         date_to=p.as_of, model=p.model, field=p.field)
    >>> sorted(set(changes["change"]))
    ['rose']
    """
    if date_from >= date_to:
        raise ValueError(f"date_from ({date_from}) must be earlier than date_to ({date_to})")
    field = field or RiskField(segments, incidents, model=model)
    dens_from = field.density(date_from)
    dens_to = field.density(date_to)
    band_from = band_of(dens_from, model.band_thresholds).astype("int64")
    band_to = band_of(dens_to, model.band_thresholds).astype("int64")
    changed = np.flatnonzero(band_from != band_to)

    # per (segment, incident): density at both dates, duplicates (several edges) merged
    n_inc = len(incidents)
    on_changed = np.zeros(len(segments), dtype=bool)
    on_changed[changed] = True
    pairs = field.pairs_of_segments(on_changed)
    key = pairs[1].astype(np.int64) * (n_inc + 1) + pairs[0].astype(np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    p_seg = uniq // (n_inc + 1)
    p_inc = uniq % (n_inc + 1)
    p_from = np.bincount(inv, weights=_pair_density(field, pairs, date_from),
                         minlength=len(uniq))
    p_to = np.bincount(inv, weights=_pair_density(field, pairs, date_to), minlength=len(uniq))
    by_seg = pd.Series(np.arange(len(uniq))).groupby(p_seg).indices if len(uniq) else {}

    ids = incidents[C.INCIDENT_ID].to_numpy().astype(str)
    types = incidents[C.TYPE].to_numpy().astype(str)
    texts = incidents[C.DATE_TEXT].to_numpy().astype(str)
    drivers: list[list[dict[str, Any]]] = []
    explanations: list[str] = []
    for s in changed:
        rose = band_to[s] > band_from[s]
        rows = np.asarray(by_seg.get(s, np.zeros(0, dtype=int)), dtype=int)
        delta = p_to[rows] - p_from[rows]
        # incidents that moved the density the way the band moved (ignoring negligible ones)
        floor = 0.01 * abs(dens_to[s] - dens_from[s])
        moving = rows[((delta > 0) if rose else (delta < 0)) & (np.abs(delta) >= floor)]
        moving_delta = p_to[moving] - p_from[moving]
        order = np.lexsort((ids[p_inc[moving]], -np.abs(moving_delta)))[:top_n]
        items: list[dict[str, Any]] = []
        for r in moving[order]:
            i = int(p_inc[r])
            d0, d1 = float(p_from[r]), float(p_to[r])
            items.append({
                "incident_id": str(ids[i]),
                "type": str(types[i]),
                "date": str(texts[i]),
                "density_from": round(d0, 6),
                "density_to": round(d1, 6),
                "delta": round(d1 - d0, 6),
                "share_from": round(d0 / dens_from[s], 4) if dens_from[s] > 0 else 0.0,
                "share_to": round(d1 / dens_to[s], 4) if dens_to[s] > 0 else 0.0,
                "reason": _reason(field, i, d0, d1, date_from, date_to),
            })
        drivers.append(items)
        head = (f"band {band_from[s]}→{band_to[s]} (density {dens_from[s]:.3g}→"
                f"{dens_to[s]:.3g} per 100 km)")
        parts = [f"{it['incident_id']} {it['type']} {it['date']} ({it['delta']:+.3g}): "
                 f"{it['reason']}" for it in items]
        if not parts and field.baseline_density[s] > 0:
            parts = [f"{BASELINE_ID}: border-crossing baseline"]
        explanations.append(head + ("; " + "; ".join(parts) if parts else ""))

    keep = [c for c in (C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.SEQ, C.COUNTRY, C.ADMIN1,
                        C.LENGTH_KM) if c in segments.columns]
    out = segments.iloc[changed][keep].copy()
    out[DATE_FROM] = date_from.isoformat()
    out[DATE_TO] = date_to.isoformat()
    out[BAND_FROM] = band_from[changed]
    out[BAND_TO] = band_to[changed]
    out[BAND_CHANGE] = (band_to - band_from)[changed]
    out[CHANGE] = np.where(band_to[changed] > band_from[changed], "rose", "fell")
    out[DENSITY_FROM] = dens_from[changed]
    out[DENSITY_TO] = dens_to[changed]
    out[DRIVERS] = pd.Series(drivers, index=out.index, dtype=object)
    out[EXPLANATION] = explanations
    result = gpd.GeoDataFrame(out, geometry=segments.geometry.iloc[changed].to_numpy(),
                              crs=segments.crs)
    if result.crs is not None and not result.crs.equals(4326):
        result = result.to_crs(4326)
    log.info("%d of %d segments changed band between %s and %s (%d rose)", len(result),
             len(segments), date_from, date_to, int((result[CHANGE] == "rose").sum()))
    return result
