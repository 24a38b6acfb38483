"""Corridor summaries: exposure along each corridor (:func:`summarise_corridors`, also named
:func:`summarise_routes`) and each route family (:func:`summarise_families`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import pairwise
from operator import itemgetter
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo._cells import flat_dict_items as _flat_dict_items

__all__ = ["any_incident", "p_columns", "summarise_corridors", "summarise_families",
           "summarise_routes"]

N_CORRIDORS = "n_corridors"
MEAN_DENSITY = "mean_density"
MAX_EXPOSURE_INDEX = "max_exposure_index"
#: the former name of ``max_exposure_index``, kept (same values) for one release
MAX_INTERCEPTION_INDEX = "max_interception_index"


def p_columns(frame: pd.DataFrame) -> list[str]:
    """The calibrated-probability columns (``p_<H>d``) of a frame, in order.

    Parameters
    ----------
    frame
        Any table.

    Returns
    -------
    list of str
        Its columns named ``p_<digits>d``.

    Examples
    --------
    >>> p_columns(pd.DataFrame(columns=["risk_band", "p_90d", "pace"]))
    ['p_90d']
    """
    return [c for c in frame.columns if re.fullmatch(r"p_[0-9]+d", str(c))]


def any_incident(p: pd.Series) -> float:
    """Probability of at least one incident on any of several segments: ``1 − Π(1 − p)``.

    Treats the segments as independent, which they are not quite (one armed group, one
    campaign, one road closure touches neighbouring segments together): the value is then an
    upper bound of the true chance.

    Parameters
    ----------
    p
        The segments' probabilities.

    Returns
    -------
    float
        ``1 − Π(1 − p)``; NaN when any segment has no probability (or there is none).

    Examples
    --------
    >>> round(any_incident(pd.Series([0.1, 0.2])), 4)
    0.28
    """
    values = p.to_numpy(dtype=float)
    if not len(values) or np.isnan(values).any():
        return float("nan")
    return float(1.0 - np.prod(1.0 - values))


def _top_slow(groups: Iterable[tuple[Any, pd.DataFrame]], top_n: int
              ) -> dict[Any, list[dict[str, Any]]]:
    """:func:`_top` item by item (for cells that are not lists of incident/share dicts)."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for key, frame in groups:
        added: dict[str, float] = defaultdict(float)
        for top, exposure in zip(frame[C.TOP_INCIDENTS], frame[C.EXPOSURE], strict=True):
            for item in top:
                added[item["incident_id"]] += float(item["share"]) * float(exposure)
        total = float(frame[C.EXPOSURE].sum())
        ranked = sorted(added.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
        out[key] = [
            {"incident_id": k, "share": round(v / total, 4) if total > 0 else 0.0}
            for k, v in ranked
        ]
    return out


def _exploded(frame: pd.DataFrame) -> tuple[np.ndarray, list[Any], np.ndarray] | None:
    """Segment position, incident id and share of every top-incident item; None unless every
    cell is a list of dicts with a str ``incident_id`` and a float ``share``."""
    found = _flat_dict_items(frame[C.TOP_INCIDENTS].tolist())
    if found is None:
        return None
    items, sizes = found
    if not all(map(_ITEM_KEYS.issubset, map(dict.keys, items))):
        return None
    ids = list(map(itemgetter("incident_id"), items))
    shares = list(map(itemgetter("share"), items))
    if set(map(type, ids)) - {str} or set(map(type, shares)) - {float, int}:
        return None
    seg = np.repeat(np.arange(len(sizes)), sizes)
    return seg, ids, np.asarray(shares, dtype=float)


def _top(frame: pd.DataFrame, by: str, top_n: int) -> dict[Any, list[dict[str, Any]]]:
    """Top incidents of each group of segments (``by``): the exposure each adds, summed over
    the group's segments in their order, as a share of the group's exposure."""
    groups = frame.groupby(by, sort=True)
    exploded = _exploded(frame)
    exposure = frame[C.EXPOSURE].to_numpy(dtype=float)
    if exploded is None or not np.isfinite(exposure).all():
        return _top_slow(groups, top_n)
    seg, ids, shares = exploded
    codes, keys = pd.factorize(frame[by], sort=True)
    out: dict[Any, list[dict[str, Any]]] = {key: [] for key in keys.tolist()}
    # the group's exposure, summed as pandas sums it (numpy, segments in frame order)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    ordered = exposure[order]
    totals = [float(ordered[a:b].sum()) for a, b in pairwise(bounds)]
    grouped = codes[seg] >= 0
    if not grouped.any():
        return out
    id_codes, id_names = pd.factorize(np.asarray(ids, dtype=object)[grouped], sort=True)
    group = codes[seg][grouped]
    # one sum per (group, incident), added in segment order as the item loop adds them
    pair, inverse = np.unique(group.astype(np.int64) * len(id_names) + id_codes,
                              return_inverse=True)
    added = np.bincount(inverse, weights=shares[grouped] * exposure[seg[grouped]])
    pair_group, pair_id = pair // len(id_names), pair % len(id_names)
    rank = np.lexsort((pair_id, -added, pair_group))  # by group, most added first, then id
    starts = np.searchsorted(pair_group[rank], np.arange(len(keys)))
    position = np.arange(len(rank)) - starts[pair_group[rank]]
    kept = rank[position < top_n]
    names, labels = id_names.tolist(), keys.tolist()
    for g, i, value in zip(pair_group[kept].tolist(), pair_id[kept].tolist(),
                           added[kept].tolist(), strict=True):
        total = totals[g]
        out[labels[g]].append({"incident_id": names[i],
                               "share": round(value / total, 4) if total > 0 else 0.0})
    return out


_ITEM_KEYS = frozenset({"incident_id", "share"})


def summarise_corridors(scored: gpd.GeoDataFrame, *, top_n: int = 5) -> pd.DataFrame:
    """One row per corridor: length, exposure, interception index, maximum band, top incidents.

    ``outside_km`` is the length of the corridor outside every boundary polygon (segments whose
    ``coverage`` is ``"outside"``; 0 when the segments carry no coverage).

    ``exposure`` is the integral of risk density along the corridor (Σ density × km / 100), and
    ``exposure_index = 1 − exp(−exposure)``: a 0–1 rescaling of exposure for ranking, *not* a
    probability (``interception_index``, its former name, holds the same values for one
    release). Where the segments carry ``p_<H>d`` (calibrated, :mod:`geo.model.forecast`), the route
    gets ``p_<H>d = 1 − Π(1 − p)`` over its segments: the probability of at least one incident
    along it, treating segments as independent (:func:`any_incident`). Shares in
    ``top_incidents`` are of the corridor's exposure, from each segment's top contributors (a
    lower bound when segments have more contributors than they keep).

    Parameters
    ----------
    scored
        Scored segments (:func:`geo.model.scores.score_segments`).
    top_n
        Top incidents kept per corridor.

    Returns
    -------
    pandas.DataFrame
        One row per corridor, in order of first appearance.

    Examples
    --------
    >>> import geopandas as gpd
    >>> seg = gpd.GeoDataFrame({"corridor_id": ["a", "a"], "route": ["r", "r"],
    ...     "length_km": [10.0, 30.0], "exposure": [0.5, 0.25], "risk_band": [3, 2],
    ...     "top_incidents": [[{"incident_id": "x", "share": 1.0}], []]}, geometry=[None, None])
    >>> cols = ["corridor_id", "length_km", "exposure", "max_band"]
    >>> summarise_corridors(seg)[cols].values.tolist()
    [['a', 40.0, 0.75, 3]]
    """
    probs = p_columns(scored)
    columns = [C.CORRIDOR_ID, C.ROUTE, C.LENGTH_KM, C.OUTSIDE_KM, C.EXPOSURE, *probs,
               C.EXPOSURE_INDEX, C.MAX_BAND, C.TOP_INCIDENTS, C.INTERCEPTION_INDEX]
    if not len(scored):
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(scored.drop(columns="geometry"))
    frame[C.OUTSIDE_KM] = 0.0
    if C.COVERAGE in frame:
        outside = frame[C.COVERAGE] == C.COVERAGE_OUTSIDE
        frame[C.OUTSIDE_KM] = frame[C.LENGTH_KM].where(outside, 0.0)
    grouped = frame.groupby(C.CORRIDOR_ID, sort=True)
    out = grouped.agg(
        **{
            C.ROUTE: (C.ROUTE, "first"),
            C.LENGTH_KM: (C.LENGTH_KM, "sum"),
            C.OUTSIDE_KM: (C.OUTSIDE_KM, "sum"),
            C.EXPOSURE: (C.EXPOSURE, "sum"),
            C.MAX_BAND: (C.RISK_BAND, "max"),
        }
    ).reset_index()
    out[C.EXPOSURE_INDEX] = 1.0 - np.exp(-out[C.EXPOSURE].to_numpy(dtype=float))
    out[C.INTERCEPTION_INDEX] = out[C.EXPOSURE_INDEX]
    for col in probs:
        out[col] = grouped[col].agg(any_incident).to_numpy(dtype=float)
    tops = _top(frame, C.CORRIDOR_ID, top_n)
    out[C.TOP_INCIDENTS] = pd.Series([tops[c] for c in out[C.CORRIDOR_ID]], index=out.index,
                                     dtype=object)
    out[C.MAX_BAND] = out[C.MAX_BAND].astype("int64")
    return out[columns]


#: The first name of :func:`summarise_corridors` (one row per corridor), kept.
summarise_routes = summarise_corridors


def summarise_families(scored: gpd.GeoDataFrame, *, top_n: int = 5) -> pd.DataFrame:
    """One row per route family: corridors, km, summed exposure, mean density, worst corridor.

    ``max_exposure_index`` is that of the family's most exposed corridor (a family is a set
    of alternatives, so its corridors' indices are not combined; ``max_interception_index`` is
    its former name, same values, kept for one release). ``p_<H>d`` (when the segments carry
    it) is the probability of at least one incident anywhere on the family's corridors,
    ``1 − Π(1 − p)`` over its segments (independence assumed, see :func:`any_incident`), and
    ``max_p_<H>d`` that of its most likely corridor: the chance for one traveller who takes
    one of the alternatives is at most that.

    Parameters
    ----------
    scored
        Scored segments (:func:`geo.model.scores.score_segments`).
    top_n
        Top incidents kept per family.

    Returns
    -------
    pandas.DataFrame
        One row per route family.

    Examples
    --------
    >>> import geopandas as gpd
    >>> seg = gpd.GeoDataFrame({"corridor_id": ["a", "b"], "route": ["r", "r"],
    ...     "length_km": [10.0, 30.0], "exposure": [0.5, 0.25], "risk_band": [3, 2],
    ...     "risk_density": [5.0, 0.8333], "top_incidents": [[], []]}, geometry=[None, None])
    >>> summarise_families(seg)[["route", "n_corridors", "length_km"]].values.tolist()
    [['r', 2, 40.0]]
    """
    routes = summarise_routes(scored, top_n=top_n)
    probs = p_columns(scored)
    columns = [C.ROUTE, N_CORRIDORS, C.LENGTH_KM, C.EXPOSURE, MEAN_DENSITY,
               *[x for c in probs for x in (c, f"max_{c}")], MAX_EXPOSURE_INDEX, C.MAX_BAND,
               C.TOP_INCIDENTS, MAX_INTERCEPTION_INDEX]
    if not len(routes):
        return pd.DataFrame(columns=columns)
    grouped = routes.groupby(C.ROUTE, sort=True)
    out = grouped.agg(
        **{
            N_CORRIDORS: (C.CORRIDOR_ID, "count"),
            C.LENGTH_KM: (C.LENGTH_KM, "sum"),
            C.EXPOSURE: (C.EXPOSURE, "sum"),
            MAX_EXPOSURE_INDEX: (C.EXPOSURE_INDEX, "max"),
            C.MAX_BAND: (C.MAX_BAND, "max"),
            **{f"max_{c}": (c, "max") for c in probs},
        }
    ).reset_index()
    out[MAX_INTERCEPTION_INDEX] = out[MAX_EXPOSURE_INDEX]
    out[MEAN_DENSITY] = 100.0 * out[C.EXPOSURE] / out[C.LENGTH_KM].where(out[C.LENGTH_KM] > 0)
    frame = pd.DataFrame(scored.drop(columns="geometry"))
    by_family = frame.groupby(C.ROUTE, sort=True)
    for c in probs:
        out[c] = by_family[c].agg(any_incident).reindex(out[C.ROUTE]).to_numpy(dtype=float)
        # a family with a corridor without probability has none
        out[f"max_{c}"] = out[f"max_{c}"].where(out[c].notna())
    tops: Mapping[Any, list[dict[str, Any]]] = _top(frame, C.ROUTE, top_n)
    out[C.TOP_INCIDENTS] = pd.Series([tops[r] for r in out[C.ROUTE]], index=out.index,
                                     dtype=object)
    return out[columns]
