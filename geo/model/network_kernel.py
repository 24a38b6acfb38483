"""The network kernel: an incident's mass spread along the corridors, not across the plane.

``[kernel] distance = "network"`` in the model file. Each point incident is snapped to the nearest
corridor point within ``access_km`` (and within its bandwidth *h*); its mass is the share a
straight corridor would get under the planar kernel, ``(1 − d²/h²)^(5/2)`` for an incident *d*
from the corridor, so the two kernels agree on a straight road. From the snap point the mass
runs both ways along the corridor network with the 1-D quartic kernel
``K(x) = 15/(16h) · (1 − x²/h²)²`` of the *network* distance *x* (half each way).

Junctions follow the discontinuous (equal-split) network kernel of Okabe and Sugihara as used by
spNetwork: at a node where *n* corridor pieces meet, the density continuing on each of the other
``n − 1`` pieces is divided by ``n − 1``, so the mass is neither multiplied at forks (the planar
kernel counts road and rail side by side twice) nor lost. At a dead end (a corridor's last km)
the rest of the kernel is folded back onto the road it came along, so an incident near the end
of a corridor still adds its whole value. Corridors are joined where one's segment end lies
within 1 m of another's line (``geo.segment`` cuts them at shared vertices); crossings without a
shared point are not junctions, as with a bridge over a road.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import shapely

__all__ = ["NetworkGraph", "network_pairs", "quartic_half_mass"]

_TOL_M = 1.0
_MIN_WEIGHT = 1e-9
_MAX_STEPS = 200_000  # per incident: beyond this the rest of the mass is dropped (and shows)


def quartic_half_mass(x: np.ndarray | float, h: float) -> np.ndarray:
    """∫₀ˣ of the 1-D quartic kernel with bandwidth ``h`` (0.5 at ``x ≥ h``).

    >>> round(float(quartic_half_mass(1e9, 10.0)), 12)
    0.5
    """
    u = np.clip(np.asarray(x, dtype=float) / h, 0.0, 1.0)
    return (15.0 / 16.0) * (u - 2.0 * u**3 / 3.0 + u**5 / 5.0)


class NetworkGraph:
    """Corridor segments as a graph: pieces of segments between junctions and ends.

    Parameters
    ----------
    seg_m
        Segment geometries (LineStrings) in a metric CRS.
    """

    def __init__(self, seg_m: np.ndarray):
        self.seg_m = seg_m
        n = len(seg_m)
        self.tree = shapely.STRtree(seg_m)
        length = shapely.length(seg_m)
        ends = np.concatenate([shapely.get_point(seg_m, 0), shapely.get_point(seg_m, -1)])
        owner = np.concatenate([np.arange(n), np.arange(n)])
        keys = [(round(float(x) / _TOL_M), round(float(y) / _TOL_M))
                for x, y in shapely.get_coordinates(ends)]
        # cuts of each segment: (offset along it, node key)
        cuts: list[list[tuple[float, tuple[int, int]]]] = [
            [(0.0, keys[i]), (float(length[i]), keys[i + n])] for i in range(n)]
        q_end, q_seg = self.tree.query(ends, predicate="dwithin", distance=_TOL_M)
        for e, s in zip(q_end.tolist(), q_seg.tolist(), strict=True):
            if s == owner[e]:
                continue
            off = float(shapely.line_locate_point(seg_m[s], ends[e]))
            if _TOL_M < off < length[s] - _TOL_M:  # a junction inside another segment
                cuts[s].append((off, keys[e]))
        self.edge_seg: list[int] = []
        self.edge_a: list[float] = []
        self.edge_len: list[float] = []
        self.adj: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        self.pieces_of: list[list[int]] = [[] for _ in range(n)]
        self._ends: list[tuple[tuple[int, int], tuple[int, int]]] = []
        for s, cut in enumerate(cuts):
            cut.sort()
            for (a, ka), (b, kb) in itertools.pairwise(cut):
                e = len(self.edge_seg)
                self.edge_seg.append(s)
                self.edge_a.append(a)
                self.edge_len.append(b - a)
                self.pieces_of[s].append(e)
                self._ends.append((ka, kb))
                self.adj[ka].append((e, +1))  # leaving node ka along the piece, a -> b
                self.adj[kb].append((e, -1))

    def locate(self, seg: int, offset: float) -> tuple[int, float]:
        """(piece, position from the piece's start) of a point ``offset`` along segment ``seg``."""
        for e in self.pieces_of[seg]:
            if offset <= self.edge_a[e] + self.edge_len[e] + 1e-9:
                return e, max(offset - self.edge_a[e], 0.0)
        e = self.pieces_of[seg][-1]
        return e, self.edge_len[e]

    def spread(self, piece: int, pos: float, h: float) -> dict[int, float]:
        """Share of a unit mass at ``pos`` on ``piece`` that lands on each segment."""
        out: dict[int, float] = defaultdict(float)
        stack = [(piece, pos, +1, 0.0, 1.0), (piece, pos, -1, 0.0, 1.0)]
        steps = 0
        while stack and steps < _MAX_STEPS:
            steps += 1
            e, s_from, direction, d0, w = stack.pop()
            length = self.edge_len[e]
            run = length - s_from if direction > 0 else s_from
            mass = w * float(quartic_half_mass(d0 + run, h) - quartic_half_mass(d0, h))
            if mass > 0:
                out[self.edge_seg[e]] += mass
            d1 = d0 + run
            if d1 >= h:
                continue
            node = self._ends[e][1] if direction > 0 else self._ends[e][0]
            arrival = (e, -direction)
            others = list(self.adj[node])
            others.remove(arrival)
            if not others:  # dead end: the rest of the kernel folds back
                stack.append((e, length if direction > 0 else 0.0, -direction, d1, w))
                continue
            share = w / len(others)
            if share < _MIN_WEIGHT:
                continue
            for e2, d2 in others:
                stack.append((e2, 0.0 if d2 > 0 else self.edge_len[e2], d2, d1, share))
        return out


def network_pairs(seg_m: np.ndarray, px: np.ndarray, py: np.ndarray, h_m: np.ndarray,
                  access_m: float, *, graph: NetworkGraph | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point index, segment index, kernel share) of every point's mass on the network.

    A point farther than ``min(access_m, h)`` from every segment gets no pair.

    Examples
    --------
    A point 10 km from the end of a 100 km road keeps its whole mass (folded at the end):

    >>> road = np.array([shapely.LineString([(0, 0), (50_000, 0)]),
    ...                  shapely.LineString([(50_000, 0), (100_000, 0)])])
    >>> _, seg, val = network_pairs(road, np.array([90_000.0]), np.array([0.0]),
    ...                             np.array([50_000.0]), 25_000.0)
    >>> round(float(val.sum()), 9)
    1.0
    """
    graph = graph or NetworkGraph(seg_m)
    inc_out: list[int] = []
    seg_out: list[int] = []
    val_out: list[float] = []
    pts = shapely.points(px, py)
    reach = np.minimum(access_m, h_m)
    for i in range(len(pts)):
        idx, dist = graph.tree.query_nearest(pts[i], max_distance=float(reach[i]),
                                             return_distance=True, all_matches=False)
        if not len(idx):
            continue
        s, d, h = int(idx[0]), float(dist[0]), float(h_m[i])
        factor = (1.0 - (d / h) ** 2) ** 2.5 if d < h else 0.0
        if factor <= 0:
            continue
        piece, pos = graph.locate(s, float(shapely.line_locate_point(seg_m[s], pts[i])))
        for seg, share in sorted(graph.spread(piece, pos, h).items()):
            inc_out.append(i)
            seg_out.append(seg)
            val_out.append(factor * share)
    return (np.asarray(inc_out, dtype=np.int64), np.asarray(seg_out, dtype=np.int64),
            np.asarray(val_out, dtype=float))
