"""Precision-aware, dated, explainable risk on corridor segments.

The model (parameters in ``geo/data/risk_model.toml``):

``contribution(i, s, T) = weight · severity(count) · quality · K_space · K_time``

* ``K_space`` — point incidents (geo_precision 1–2): the quartic kernel
  ``(1 − d²/h²)²`` of the distance ``d`` from the incident to each point of the segment,
  integrated exactly along the segment's straight edges and divided by ``16h/15`` (its integral
  along an infinite line through the incident). An incident on a long corridor therefore adds its
  weighted value exactly once to that corridor's exposure, however the corridor is cut.
  Coarse incidents (3: first-level unit, 4: country) add a flat density on every segment of their
  unit instead of pretending to a point.
* ``K_time`` — ``0.5 ** (age / half_life)``, the age measured from the middle of the date's
  period (a month-precision date stands for its whole month); interval events (``end_date``) have
  age 0 while in force.
* Known-by rule (:func:`geo.model.known.known_by`): an incident counts as of ``T`` only once it
  could have been known — its ``source_date`` when given, otherwise the end of its date's period
  (a month from its last day, a year from 31 December). Before that it counts for nothing.

``risk_density`` = 100 × (summed contributions) / geodesic length in km: an index per 100 km, so
cutting a segment into pieces leaves the corridor's exposure unchanged.

This module holds the pair field (:class:`RiskField`) that every score is read from: the
incident–segment pairs and their kernel values, computed once, then weighted per date.

Why one module of this length: :class:`RiskField` is one class whose pairs, spreads, baseline and
network-kernel variants share private arrays (``_Edges``, ``_Spread``, the pair tables); split,
each part would reach into the others' private state.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo import columns as C
from geo._errors import ConfigError
from geo._names import successors
from geo._progress import stage
from geo.io import WGS84, study_crs
from geo.model import kernels as _kernels
from geo.model.config import RiskModel
from geo.model.known import known_by
from geo.segment import outside_mask

_CHUNK = 50_000  # incidents per STRtree query batch


# The exact quartic line integral; one implementation, in geo.model.kernels (numpy twin of the
# compiled kernel).
_quartic_line_integral = _kernels._quartic_numpy


@dataclass(frozen=True)
class _Edges:
    """The straight edges of every segment in the study CRS, grouped by segment.

    Edges of segment ``s`` are rows ``ptr[s]:ptr[s + 1]``; ``tree`` indexes the segments.
    """

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    ptr: np.ndarray
    tree: shapely.STRtree
    table: np.ndarray  # geo.model.kernels.edge_table of the edges, for the compiled kernels

    @classmethod
    def of(cls, seg_m: np.ndarray) -> _Edges:
        coords, seg_of_coord = shapely.get_coordinates(seg_m, return_index=True)
        same = seg_of_coord[:-1] == seg_of_coord[1:]
        edge_seg = seg_of_coord[:-1][same]
        ptr = np.searchsorted(edge_seg, np.arange(len(seg_m) + 1)).astype(np.int64)
        x0, y0 = coords[:-1][same, 0], coords[:-1][same, 1]
        x1, y1 = coords[1:][same, 0], coords[1:][same, 1]
        return cls(x0=np.ascontiguousarray(x0), y0=np.ascontiguousarray(y0),
                   x1=np.ascontiguousarray(x1), y1=np.ascontiguousarray(y1),
                   ptr=ptr, tree=shapely.STRtree(seg_m),
                   table=_kernels.edge_table(x0, y0, x1, y1))

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.x0, self.y0, self.x1, self.y1


def _point_pairs(px: np.ndarray, py: np.ndarray, h: np.ndarray, edges: _Edges, *,
                 chunks: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point index, segment index, kernel share) for every point × segment within reach.

    Candidates come from one bulk bounding-box query of the segments' STRtree; the exact kernel
    integral over the segment's edges (:mod:`geo.model.kernels`) is zero beyond ``h``, so those
    candidates are dropped. ``chunks``: this is the first of that many similar calls (the
    compiled kernels are loaded if the whole job needs them).
    """
    q_pt, q_seg = edges.tree.query(shapely.box(px - h, py - h, px + h, py + h))
    if chunks:
        _kernels.expect_work(int(len(q_pt) * chunks * len(edges.x0) / max(1, len(edges.ptr) - 1)))
    share = _kernels.candidate_shares(q_pt, q_seg, px, py, h, edges.ptr, edges.table)
    keep = share > 0
    return q_pt[keep], q_seg[keep], share[keep]


PointPairs = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                      tuple[np.ndarray, np.ndarray, np.ndarray]]
"""``(px, py, h, segments) -> (point, segment, share)``: finds the point × segment pairs."""


def local_point_pairs(px: np.ndarray, py: np.ndarray, h: np.ndarray, seg_m: np.ndarray, *,
                      edges: _Edges | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (point, segment, kernel share > 0) of points ``px, py`` with bandwidths ``h``.

    ``seg_m`` are the segment geometries in the same metric CRS. Points are taken in chunks, so
    the candidate arrays (and memory) stay bounded. This is the ``local`` engine; see
    :mod:`geo.engine` for the others. ``edges``: the segments' edges if already prepared.

    >>> pt, seg, share = local_point_pairs(np.array([0.0]), np.array([0.0]), np.array([5e3]),
    ...                                    np.array([shapely.LineString([(-1e4, 0), (1e4, 0)])]))
    >>> pt.tolist(), seg.tolist(), round(float(share[0]), 9)
    ([0], [0], 1.0)
    """
    edges = edges or _Edges.of(seg_m)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if not len(edges.x0):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0)
    with contextlib.ExitStack() as stack:
        advance = (stack.enter_context(stage("matching incidents to segments", total=len(px),
                                             unit="incidents"))
                   if len(px) > _CHUNK else None)
        for lo in range(0, len(px), _CHUNK):
            sl = slice(lo, lo + _CHUNK)
            q_pt, seg, val = _point_pairs(px[sl], py[sl], h[sl], edges,
                                          chunks=-(-len(px) // _CHUNK) if lo == 0 else 0)
            parts.append(((q_pt + lo).astype(np.int32), seg.astype(np.int32), val))
            if advance is not None:
                advance(len(px[sl]))
    if not parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0)
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))


@dataclass(frozen=True)
class _Spread:
    """Coarse incidents of one precision level (3: first-level unit, 4: country), each spread
    evenly over every segment of its unit: ``per_100km`` × the incident's value on each.

    Kept per unit instead of as (incident, segment) pairs: a country-level incident in a road
    network would make one pair per segment of its country (hundreds of millions at 1M incidents).
    """

    per_100km: float
    seg_unit: np.ndarray  # unit of every segment, -1 for none (outside every boundary)
    inc: np.ndarray  # the coarse incidents of this level whose unit has segments
    inc_unit: np.ndarray  # their unit
    unit_n_seg: np.ndarray  # segments per unit
    unit_len_km: np.ndarray  # geodesic km of corridor per unit

    def unit_value(self, value: np.ndarray) -> np.ndarray:
        """Summed ``value`` (one per incident of the whole table) of each unit's incidents."""
        return np.bincount(self.inc_unit, weights=value[self.inc],
                           minlength=len(self.unit_n_seg)).astype(float)

    def pairs(self, geo_len_km: np.ndarray, seg_mask: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The spread as (incident, segment, share) pairs, of the segments in ``seg_mask`` only
        (every incident's pairs in segment order, incidents in table order)."""
        unit_order = np.argsort(self.seg_unit, kind="stable")
        starts = np.searchsorted(self.seg_unit[unit_order], np.arange(len(self.unit_n_seg)))
        members = [unit_order[a:a + n] for a, n in zip(starts, self.unit_n_seg, strict=True)]
        if seg_mask is not None:
            members = [m[seg_mask[m]] for m in members]
        counts = np.array([len(m) for m in members], dtype=np.int64)[self.inc_unit]
        inc = np.repeat(self.inc, counts).astype(np.int32)
        seg = (np.concatenate([members[u] for u in self.inc_unit]).astype(np.int32)
               if len(self.inc) else np.zeros(0, dtype=np.int32))
        return inc, seg, self.per_100km * geo_len_km[seg] / 100.0


class RiskField:
    """The date-independent part of the model, computed once for a set of segments and incidents.

    Pairs (incident, segment) within reach and their spatial kernel integrals are found once
    (STRtree + compiled kernels); any number of as-of dates is then a matter of vector arithmetic.

    Parameters
    ----------
    segments
        Output of :func:`geo.segment.segment_corridors`.
    incidents
        Output of :func:`geo.io.read_incidents`.
    model
        Risk model parameters.
    crs
        Metric CRS to measure in; default :func:`geo.io.study_crs` of the segments.
    point_pairs
        Finds the point-incident × segment pairs (default :func:`local_point_pairs`; the dask
        engine in :mod:`geo.engine` passes its own); everything else is computed here.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()  # the bundled example
    >>> field = RiskField(p.segments, p.incidents, model=p.model)
    >>> bool((field.density(p.as_of) == p.scored["risk_density"].to_numpy()).all())
    True
    """

    _pt_inc: np.ndarray  # point incidents' pairs, sorted by segment: incident,
    _pt_seg: np.ndarray  # segment,
    _pt_val: np.ndarray  # kernel share
    _seg_ptr: np.ndarray  # segment s's pairs are _seg_ptr[s]:_seg_ptr[s + 1]

    def __init__(self, segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
                 model: RiskModel, crs: pyproj.CRS | None = None,
                 point_pairs: PointPairs | None = None):
        self.model = model
        # a large job: numba loads in the background while the geometry work below runs
        _kernels.warm_up(len(incidents) * len(segments) // 100)
        self._point_pairs = point_pairs or local_point_pairs
        self.segments = segments
        self.incidents = incidents
        crs = crs or study_crs(segments)
        seg_m = segments.geometry.to_crs(crs).values
        self.n_seg = len(segments)
        self.geo_len_km = segments[C.LENGTH_KM].to_numpy(dtype=float)
        types = incidents[C.TYPE].to_numpy()
        unknown = sorted(set(types) - set(model.types))
        if unknown:
            raise ConfigError(f"incident types {unknown} have no parameters in the model",
                              file=model.source, field="types")
        type_idx, names = pd.factorize(types)  # one hash pass (a sort of 1M strings took 1 s)
        params = [model.types[str(n)] for n in names]
        self.weight = np.array([t.weight for t in params], dtype=float)[type_idx]
        self.half_life = np.array([t.half_life_days for t in params], dtype=float)[type_idx]
        self.bandwidth_km = np.array([t.bandwidth_km for t in params], dtype=float)[type_idx]
        gprec = incidents[C.GEO_PRECISION].to_numpy(dtype=int)
        self.bandwidth_km = np.where(gprec == 2, self.bandwidth_km + model.near_town_extra_km,
                                     self.bandwidth_km)
        count = incidents[C.COUNT].to_numpy(dtype=float)
        severity = 1.0 + model.count_scale * np.log10(np.where(count >= 1, count, 1.0))
        quality = incidents[C.SOURCE_QUALITY].to_numpy(dtype=float)
        qidx = np.where(np.isnan(quality), model.quality_missing, quality).round().astype(int)
        qfac = np.asarray(model.quality_factors)[np.clip(qidx, 1, 5) - 1]
        self.base = self.weight * severity * qfac  # value before space and time kernels
        self.start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
        end_period = incidents[C.PERIOD_END].to_numpy(dtype="datetime64[D]")
        self.is_interval = incidents[C.END_DATE].notna().to_numpy()
        self.end = end_period
        # for point-in-time events the reference date is the middle of the date's period
        self.mid = self.start + (end_period - self.start) // 2
        # the first day each incident could have been known (source_date, else its period's end)
        self.known = known_by(incidents)
        self.crs, self.seg_m = crs, seg_m  # the segments in the metric CRS
        self._points: tuple[np.ndarray, np.ndarray, np.ndarray, _Edges] | None = None
        self._decay: tuple[np.ndarray, np.ndarray] | None = None  # fitted (weights, half-lives)
        self._cache: dict[str, Any] = {}
        self.fit: Any = None  # the geo.model.fit.FitResult applied (with_fit), else None
        self._pairs(incidents, gprec, crs, seg_m)
        if model.kernel_distance == "network":
            self._network_kernel(incidents, gprec, crs, seg_m)
        # pairs sorted by segment (stably): every per-segment sum adds the same numbers in the
        # same order as before, and compiled kernels can run the segments in parallel
        self._pt_seg, self._pt_inc, self._pt_val, self._seg_ptr = _kernels.sort_by_segment(
            self._pt_seg, self._pt_inc, self._pt_val, self.n_seg)

    def _pairs(self, incidents: gpd.GeoDataFrame, gprec: np.ndarray, crs: pyproj.CRS,
               seg_m: np.ndarray) -> None:
        # --- point incidents against the straight edges of every segment
        edges = _Edges.of(seg_m)
        is_point = (gprec <= 2) & ~incidents.geometry.isna().to_numpy()
        pt_idx = np.flatnonzero(is_point & (self.base > 0))
        inc_list: list[np.ndarray] = []
        seg_list: list[np.ndarray] = []
        val_list: list[np.ndarray] = []
        if len(pt_idx) and len(edges.x0):
            wgs = incidents.geometry.iloc[pt_idx]
            wgs = wgs if wgs.crs is None or wgs.crs.equals(WGS84) else wgs.to_crs(WGS84)
            to_metric = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
            px_all, py_all = to_metric.transform(shapely.get_x(wgs.values),
                                                 shapely.get_y(wgs.values))
            h_all = self.bandwidth_km[pt_idx] * 1000.0
            self._points = (pt_idx, np.asarray(px_all), np.asarray(py_all), edges)
            q_pt, seg, val = (local_point_pairs(px_all, py_all, h_all, seg_m, edges=edges)
                              if self._point_pairs is local_point_pairs else
                              self._point_pairs(px_all, py_all, h_all, seg_m))
            # the kernel integral is dimensionless: the incident's share on the segment
            inc_list.append(pt_idx.astype(np.int32)[q_pt])
            seg_list.append(seg.astype(np.int32, copy=False))
            val_list.append(val)
        # --- coarse incidents spread evenly over their unit: kept per unit, never as pairs
        # (a country-level incident would otherwise make one pair per segment of the country)
        self._spreads = [sp for sp in (self._spread(incidents, gprec, level) for level in (3, 4))
                         if sp is not None] + self._split_spreads(incidents, gprec)
        if len(inc_list) == 1:  # no copy
            self._pt_inc, self._pt_seg, self._pt_val = inc_list[0], seg_list[0], val_list[0]
        elif inc_list:
            self._pt_inc = np.concatenate(inc_list)
            self._pt_seg = np.concatenate(seg_list)
            self._pt_val = np.concatenate(val_list)
        else:
            self._pt_inc = np.zeros(0, dtype=np.int32)
            self._pt_seg = np.zeros(0, dtype=np.int32)
            self._pt_val = np.zeros(0)
        self.baseline_density = self._baseline(seg_m, edges)

    def _spread(self, incidents: gpd.GeoDataFrame, gprec: np.ndarray, level: int
                ) -> _Spread | None:
        """The coarse incidents of ``level`` (3 or 4) and the units they spread over."""
        idx = np.flatnonzero((gprec == level) & (self.base > 0))
        if not len(idx) or not self.n_seg:
            return None
        seg_cc = self.segments[C.COUNTRY].to_numpy().astype(str)
        inc_cc = incidents[C.COUNTRY].to_numpy().astype(str)[idx]
        if level == 3:
            seg_keys = np.char.add(np.char.add(seg_cc, "\x1f"),
                                   self.segments[C.ADMIN1].to_numpy().astype(str))
            inc_keys = np.char.add(np.char.add(inc_cc, "\x1f"),
                                   incidents[C.ADMIN1].to_numpy().astype(str)[idx])
        else:
            seg_keys, inc_keys = seg_cc, inc_cc
        # a segment outside every boundary polygon belongs to no unit: nothing coarse spreads there
        units, seg_unit = np.unique(seg_keys, return_inverse=True)
        seg_unit = np.where(outside_mask(self.segments), -1, seg_unit)
        pos = np.clip(np.searchsorted(units, inc_keys), 0, len(units) - 1)
        inc_unit = np.where(units[pos] == inc_keys, pos, -1)
        unit_n_seg = np.bincount(seg_unit[seg_unit >= 0], minlength=len(units))
        has = (inc_unit >= 0) & (unit_n_seg[np.maximum(inc_unit, 0)] > 0)
        per_100km = (self.model.admin1_per_100km if level == 3
                     else self.model.country_per_100km)
        inside = seg_unit >= 0
        return _Spread(per_100km=float(per_100km), seg_unit=seg_unit, inc=idx[has],
                       inc_unit=inc_unit[has],
                       unit_n_seg=unit_n_seg,
                       unit_len_km=np.bincount(seg_unit[inside], weights=self.geo_len_km[inside],
                                               minlength=len(units)).astype(float))

    def _split_spreads(self, incidents: gpd.GeoDataFrame, gprec: np.ndarray) -> list[_Spread]:
        """First-level incidents named by a unit that split (``Katanga``): each spread over the
        union of its successors (:func:`geo._names.successors`), one spread per union."""
        idx = np.flatnonzero((gprec == 3) & (self.base > 0))
        if not len(idx) or not self.n_seg:
            return []
        seg_cc = self.segments[C.COUNTRY].to_numpy().astype(str)
        seg_a1 = self.segments[C.ADMIN1].to_numpy().astype(str)
        inside = ~outside_mask(self.segments)
        known = {cc: set(seg_a1[seg_cc == cc].tolist()) for cc in np.unique(seg_cc).tolist()}
        inc_cc = incidents[C.COUNTRY].to_numpy().astype(str)[idx]
        inc_a1 = incidents[C.ADMIN1].to_numpy().astype(str)[idx]
        groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for i, cc, a1 in zip(idx.tolist(), inc_cc.tolist(), inc_a1.tolist(), strict=True):
            if a1 in known.get(cc, ()):
                continue  # a unit of its own (see _spread)
            after = successors(cc, a1, known.get(cc, ()))
            if after:
                groups.setdefault((cc, after), []).append(i)
        spreads = []
        for (cc, after), members in groups.items():
            in_union = inside & (seg_cc == cc) & np.isin(seg_a1, list(after))
            if not in_union.any():
                continue
            seg_unit = np.where(in_union, 0, -1)
            spreads.append(_Spread(
                per_100km=float(self.model.admin1_per_100km), seg_unit=seg_unit,
                inc=np.array(members, dtype=np.int64),
                inc_unit=np.zeros(len(members), dtype=np.int64),
                unit_n_seg=np.array([int(in_union.sum())]),
                unit_len_km=np.array([float(self.geo_len_km[in_union].sum())])))
        return spreads

    def _all_pairs(self, seg_mask: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        on = slice(None) if seg_mask is None else seg_mask[self._pt_seg]
        parts = [(self._pt_inc[on], self._pt_seg[on], self._pt_val[on])]
        parts += [sp.pairs(self.geo_len_km, seg_mask) for sp in self._spreads]
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                np.concatenate([p[2] for p in parts]))

    @property
    def n_pairs(self) -> int:
        """Number of (incident, segment) pairs within reach, coarse incidents' spreads included.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> p.field.n_pairs == len(p.field.pair_inc)
        True
        """
        return len(self._pt_inc) + sum(int(sp.unit_n_seg[sp.inc_unit].sum())
                                       for sp in self._spreads)

    @property
    def pair_inc(self) -> np.ndarray:
        """Incident of every pair (:attr:`pair_seg`, :attr:`pair_val`): point incidents first,
        then the spreads of coarse ones. Built on each access; at road-network scale coarse
        spreads make this large (use :meth:`pairs_of_segments` for a few segments).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> bool((p.field.pair_inc < len(p.incidents)).all())
        True
        """
        return self._all_pairs()[0]

    @property
    def pair_seg(self) -> np.ndarray:
        """Segment of every pair (see :attr:`pair_inc`).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> bool((p.field.pair_seg < len(p.segments)).all())
        True
        """
        return self._all_pairs()[1]

    @property
    def pair_val(self) -> np.ndarray:
        """Kernel share of every pair: the fraction of the incident's value on the segment.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> bool((p.field.pair_val >= 0).all())
        True
        """
        return self._all_pairs()[2]

    def pairs_of_segments(self, seg_mask: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(incident, segment, share) of every pair on the segments where ``seg_mask`` is true.

        Parameters
        ----------
        seg_mask
            One boolean per segment.

        Returns
        -------
        tuple of numpy.ndarray
            Incident indices, segment indices and kernel shares, point incidents first.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> inc, seg, share = p.field.pairs_of_segments(np.ones(len(p.segments), dtype=bool))
        >>> len(inc) == p.field.n_pairs
        True
        """
        return self._all_pairs(np.asarray(seg_mask, dtype=bool))

    def _baseline(self, seg_m: np.ndarray, edges: _Edges) -> np.ndarray:
        """Density from international crossings: each crossing point carries
        ``border_crossing_exposure`` spread by the quartic kernel over ``border_crossing_km``,
        so the baseline does not depend on how long the segments at the border are."""
        out = np.zeros(self.n_seg)
        value = self.model.border_crossing_exposure
        if not self.n_seg or value <= 0 or not len(edges.x0):
            return out
        seg = self.segments
        order = np.lexsort((seg[C.SEQ].to_numpy(), seg[C.CORRIDOR_ID].to_numpy().astype(str)))
        cid = seg[C.CORRIDOR_ID].to_numpy().astype(str)[order]
        cc = seg[C.COUNTRY].to_numpy().astype(str)[order]
        # a change of country where both pieces are crossings: leaving the boundaries (country
        # "") counts unless the corridor comes back into the country it left (see geo.segment)
        bc = (seg[C.BORDER_CROSSING].to_numpy(dtype=bool)[order] if C.BORDER_CROSSING in seg
              else cc != "")
        change = (cid[1:] == cid[:-1]) & (cc[1:] != cc[:-1]) & bc[1:] & bc[:-1]
        after = order[1:][change]
        if not len(after):
            return out
        starts = shapely.get_coordinates(shapely.get_point(seg_m[after], 0))
        # corridors that cross at the same place share one crossing
        pts = np.unique(np.round(starts, 0), axis=0)
        h = np.full(len(pts), self.model.border_crossing_km * 1000.0)
        _, seg_idx, val = _point_pairs(pts[:, 0], pts[:, 1], h, edges)
        contrib = np.bincount(seg_idx, weights=val * value, minlength=self.n_seg)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.geo_len_km > 0, 100.0 * contrib / self.geo_len_km, 0.0)

    def _network_kernel(self, incidents: gpd.GeoDataFrame, gprec: np.ndarray, crs: pyproj.CRS,
                        seg_m: np.ndarray) -> None:
        """Replace the planar pairs of point incidents by their network-kernel pairs
        (:mod:`geo.model.network_kernel`); coarse incidents keep their spread over the unit."""
        from geo.model.network_kernel import network_pairs

        is_point = (gprec <= 2) & incidents.geometry.notna().to_numpy() & (self.base > 0)
        idx = np.flatnonzero(is_point)
        if not len(idx) or not self.n_seg:
            return
        wgs = incidents.geometry.iloc[idx]
        wgs = wgs if wgs.crs is None or wgs.crs.equals(WGS84) else wgs.to_crs(WGS84)
        to_metric = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
        px, py = to_metric.transform(shapely.get_x(wgs.values), shapely.get_y(wgs.values))
        q, seg, val = network_pairs(seg_m, np.asarray(px), np.asarray(py),
                                    self.bandwidth_km[idx] * 1000.0,
                                    self.model.kernel_access_km * 1000.0)
        self._pt_inc = idx[q].astype(np.int32)
        self._pt_seg = seg.astype(np.int32)
        self._pt_val = np.asarray(val, dtype=float)

    def time_factor(self, as_of: date) -> np.ndarray:
        """K_time of every incident as of ``as_of`` (0 for incidents not yet known by then).

        Parameters
        ----------
        as_of
            The date.

        Returns
        -------
        numpy.ndarray
            One factor in [0, 1] per incident.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> k = p.field.time_factor(p.as_of)
        >>> bool(((k >= 0) & (k <= 1)).all())
        True
        """
        t = np.datetime64(as_of, "D")
        age = self.age_days(as_of)
        if self._decay is None:
            factor = np.power(0.5, age / self.half_life)
        else:  # the fitted mixture of decays (geo.model.fit); an infinite half-life never decays
            weights, halves = self._decay
            factor = np.zeros(len(age))
            for w, h in zip(weights.tolist(), halves.tolist(), strict=True):
                if w > 0:
                    factor += w * (1.0 if math.isinf(h) else np.power(0.5, age / h))
        return np.where(self.known <= t, factor, 0.0)

    def age_days(self, as_of: date) -> np.ndarray:
        """Age in days of every incident as of a date.

        Parameters
        ----------
        as_of
            The date.

        Returns
        -------
        numpy.ndarray
            Days from the middle of each incident's date period (0 while an interval event is
            in force; 0 for incidents after the date).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> bool((p.field.age_days(p.as_of) >= 0).all())
        True
        """
        t = np.datetime64(as_of, "D")
        ref = np.where(self.is_interval, np.minimum(self.end, t), np.minimum(self.mid, t))
        return (t - ref).astype(float)

    def placed(self, capture_km: float) -> np.ndarray:
        """Segment each point incident counts on when it happens; cached.

        Parameters
        ----------
        capture_km
            Farthest distance from the nearest segment.

        Returns
        -------
        numpy.ndarray
            Segment index per incident, -1 for none (see :func:`geo.model.fit.placed_segment`).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> len(p.field.placed(10.0)) == len(p.incidents)
        True
        """
        from geo.model.fit import placed_segment

        key = f"placed {capture_km!r}"
        if key not in self._cache:
            self._cache[key] = placed_segment(self.segments, self.incidents, capture_km)
        return np.asarray(self._cache[key])

    def terms(self) -> Any:
        """The point incident × segment pairs at every fitted bandwidth; cached.

        Returns
        -------
        geo.model.fit.Terms
            Incident (index in the whole table) and segment of each pair, and its kernel share
            at each of the model's ``fit_bandwidths_km``, then 1 on the pair of the segment the
            incident fell on (nearest within ``fit_capture_km``), else 0.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> t = p.field.terms()
        >>> t.share.shape[1] == len(p.model.fit_bandwidths_km) + 1
        True
        """
        from geo.model.fit import Terms, term_pairs

        if "terms" not in self._cache:
            bands = self.model.fit_bandwidths_km
            if self._points is None or not bands:
                terms = Terms(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                              np.zeros((0, len(bands) + 1)))
            else:
                # no widening for "near a town": the fitted mixture of bandwidths carries the
                # imprecision of the places (widened, Myanmar's AUC fell by 0.03)
                idx, px, py, edges = self._points
                own = self.placed(self.model.fit_capture_km)[idx]
                found = term_pairs(px, py, np.zeros(len(px)), bands, edges.tree, edges.ptr,
                                   edges.table, own_segment=own,
                                   reach_km=self.model.fit_capture_km)
                terms = Terms(idx[found.inc].astype(np.int64), found.seg, found.share)
            self._cache["terms"] = terms
        return self._cache["terms"]

    def with_fit(self, fit: Any) -> RiskField:
        """This field with the fitted model (:func:`geo.model.fit.fit_field`) in place of the type
        parameters: every incident of a scored type counts 1, its kernel is the fitted mixture
        of bandwidths times the fitted mixture of decays, and the fitted background replaces the
        border-crossing baseline.

        Parameters
        ----------
        fit
            A :class:`geo.model.fit.FitResult` of this field.

        Returns
        -------
        RiskField
            A new field sharing this one's arrays, or this field itself when the fit was
            refused.

        Examples
        --------
        >>> from geo.model.fit import fit_field
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example: too little history to fit
        >>> p.field.with_fit(fit_field(p.field, p.as_of)) is p.field
        True
        """
        if not fit.ok:
            return self
        out = copy.copy(self)
        out._cache = self._cache
        terms = self.terms()
        out.base = (self.weight > 0).astype(float)
        val = terms.share @ np.asarray([*fit.space, fit.own_segment], dtype=float)
        keep = val > 0
        out._pt_seg, out._pt_inc, out._pt_val, out._seg_ptr = _kernels.sort_by_segment(
            terms.seg[keep].astype(np.int32), terms.inc[keep].astype(np.int32), val[keep],
            self.n_seg)
        out._decay = (np.asarray(fit.time, dtype=float), np.asarray(fit.half_lives_days))
        out.baseline_density = np.full(self.n_seg, float(fit.background))
        # coarse incidents: their own fitted weight in the spatial mixture
        out._spreads = [dataclasses.replace(sp, per_100km=sp.per_100km * float(fit.coarse))
                        for sp in self._spreads]
        out.fit = fit
        return out

    def pair_contributions(self, as_of: date) -> np.ndarray:
        """Each pair's contribution to its segment's integral (weighted incident units).

        Parameters
        ----------
        as_of
            The date.

        Returns
        -------
        numpy.ndarray
            One value per (incident, segment) pair.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> bool((p.field.pair_contributions(p.as_of) >= 0).all())
        True
        """
        inc, _, val = self._all_pairs()
        return val * (self.base * self.time_factor(as_of))[inc]

    def density(self, as_of: date) -> np.ndarray:
        """Risk density of every segment (weighted incidents per 100 km).

        Parameters
        ----------
        as_of
            The date.

        Returns
        -------
        numpy.ndarray
            One value per segment.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> len(p.field.density(p.as_of)) == len(p.segments)
        True
        """
        value = self.base * self.time_factor(as_of)
        contrib = _kernels.segment_sums(self._pt_seg, self._pt_inc, self._pt_val, value,
                                        self.n_seg, self._seg_ptr)
        return self._density_of(contrib, value)

    def _density_of(self, contrib: np.ndarray, value: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            from_incidents = np.where(self.geo_len_km > 0,
                                      100.0 * contrib / self.geo_len_km, 0.0)
        from_incidents += self.spread_density(value)
        return from_incidents + self.baseline_density


    def densities(self, dates: Sequence[date]) -> np.ndarray:
        """:meth:`density` at several dates, in one pass over the pairs per block of dates.

        Parameters
        ----------
        dates
            The dates.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_segments, len(dates))``; column ``j`` equals ``density(dates[j])``.

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> both = p.field.densities([p.as_of, p.as_of])
        >>> bool((both[:, 1] == p.field.density(p.as_of)).all())
        True
        """
        out = np.zeros((self.n_seg, len(dates)))
        block = 32  # dates per pass: (incidents × 32) weights at a time
        for lo in range(0, len(dates), block):
            part = list(dates[lo:lo + block])
            values = np.stack([self.base * self.time_factor(d) for d in part], axis=1)
            contrib = _kernels.segment_sums_dates(self._pt_seg, self._pt_inc, self._pt_val,
                                                  values, self.n_seg, self._seg_ptr)
            for j in range(len(part)):
                out[:, lo + j] = self._density_of(contrib[:, j],
                                                  np.ascontiguousarray(values[:, j]))
        return out

    def spread_density(self, value: np.ndarray) -> np.ndarray:
        """Density per segment from coarse incidents worth ``value`` (one per incident).

        Parameters
        ----------
        value
            Each incident's weighted value on the date (``base × K_time``).

        Returns
        -------
        numpy.ndarray
            One density per segment (0 outside every unit and on zero-length segments).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> f = p.field
        >>> bool((f.spread_density(f.base * f.time_factor(p.as_of)) >= 0).all())
        True
        """
        out = np.zeros(self.n_seg)
        for sp in self._spreads:
            unit = sp.unit_value(value)
            inside = (sp.seg_unit >= 0) & (self.geo_len_km > 0)
            out[inside] += sp.per_100km * unit[sp.seg_unit[inside]]
        return out

    def top_contributors(self, as_of: date, k: int, rank: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` largest density contributions of every segment as of a date.

        Parameters
        ----------
        as_of
            The date.
        k
            How many per segment.
        rank
            A unique rank per incident that breaks ties (smaller first); the border baseline
            ranks before every incident.

        Returns
        -------
        tuple of numpy.ndarray
            ``(who, density)`` of shape ``(n_segments, k)``, largest first: ``who`` is the
            incident index, -1 for the baseline, -2 for an empty place (density 0).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> who, dens = p.field.top_contributors(p.as_of, 3, np.arange(len(p.incidents)))
        >>> who.shape == (len(p.segments), 3) and bool((np.diff(dens, axis=1) <= 0).all())
        True
        """
        value = self.base * self.time_factor(as_of)
        who, val = _kernels.top_contributors(self._pt_seg, self._pt_inc, self._pt_val, value,
                                             self.geo_len_km, rank, np.zeros(self.n_seg), k,
                                             self._seg_ptr)
        live = self.geo_len_km > 0
        padded = np.append(np.asarray(rank, dtype=np.int64), 0)  # who < 0 reads the pad

        def rank_of(w: np.ndarray) -> np.ndarray:
            return padded[np.where(w >= 0, w, len(rank))]

        segs, whos, vals, ranks = ([np.repeat(np.arange(self.n_seg), k)], [who.ravel()],
                                   [val.ravel()], [rank_of(who.ravel())])
        for sp in self._spreads:
            # the top k of each unit, then on every segment of the unit
            u_who, u_val = _kernels.top_k(sp.inc_unit, sp.inc, sp.per_100km * value[sp.inc],
                                          rank[sp.inc], len(sp.unit_n_seg), k)
            on = np.flatnonzero((sp.seg_unit >= 0) & live)
            u_who, u_val = u_who[sp.seg_unit[on]], u_val[sp.seg_unit[on]]
            segs.append(np.repeat(on, k))
            whos.append(u_who.ravel())
            vals.append(u_val.ravel())
            ranks.append(rank_of(u_who.ravel()))
        segs.append(np.arange(self.n_seg))
        whos.append(np.full(self.n_seg, -1))
        vals.append(self.baseline_density)
        ranks.append(np.full(self.n_seg, -1))
        if len(segs) == 2 and not self.baseline_density.any():
            return who, val
        return _kernels.top_k(np.concatenate(segs), np.concatenate(whos), np.concatenate(vals),
                              np.concatenate(ranks), self.n_seg, k)

    def incident_sums(self, as_of: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per incident: segments reached, exposure added as of a date, and kernel mass.

        Parameters
        ----------
        as_of
            The date.

        Returns
        -------
        tuple of numpy.ndarray
            ``n_segments`` (int), ``exposure`` (weighted incident units summed over the
            segments) and ``mass`` (the kernel shares summed: 1 = the incident counted once).

        Examples
        --------
        >>> from geo.pipeline import prepare
        >>> p = prepare()  # the bundled example
        >>> n, exposure, mass = p.field.incident_sums(p.as_of)
        >>> len(n) == len(p.incidents) and bool((mass >= 0).all())
        True
        """
        n = len(self.base)
        value = self.base * self.time_factor(as_of)
        count, exposure, mass = _kernels.incident_sums(self._pt_inc, self._pt_val, value, n)
        for sp in self._spreads:
            share = sp.per_100km * sp.unit_len_km[sp.inc_unit] / 100.0
            count[sp.inc] += sp.unit_n_seg[sp.inc_unit]
            exposure[sp.inc] += share * value[sp.inc]
            mass[sp.inc] += share
        return count, exposure, mass
