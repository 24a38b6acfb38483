"""Names for corridor ends: the GeoNames place a corridor actually ends at.

A k-d tree over the gazetteer's places (as unit vectors on the sphere, so chord distance
orders like distance on the ground) is built once per process and queried for all corridor
ends at once: no loop over the cities.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

__all__ = ["EARTH_KM", "TIE_KM", "end_place_names", "end_places", "population"]

EARTH_KM = 6371.0088
#: Places no further than this beyond the nearest one count as ties; the most populous wins
#: (a district centre next to a village is named, not the village).
TIE_KM = 3.0


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord(km: float) -> float:
    return 2.0 * math.sin(min(km / EARTH_KM, math.pi) / 2.0)


@functools.cache
def _index() -> tuple[Any, list[str], np.ndarray, np.ndarray]:
    """(k-d tree, names, populations, geonameids) of the gazetteer's places, built once."""
    from scipy.spatial import cKDTree

    from geo._gazetteer import _cities

    places = [c for c, _ in _cities()]
    lon = np.fromiter((c.lon for c in places), float, len(places))
    lat = np.fromiter((c.lat for c in places), float, len(places))
    pop = np.fromiter((c.population for c in places), np.int64, len(places))
    gid = np.fromiter((c.geonameid for c in places), np.int64, len(places))
    return cKDTree(_unit(lon, lat)), [c.name for c in places], pop, gid


def end_place_names(lonlat: np.ndarray, *, max_km: float, tie_km: float = TIE_KM
                    ) -> list[str | None]:
    """Name of the place at each point: the nearest gazetteer place within ``max_km``, or
    the most populous of the places at most ``tie_km`` further than that one.

    ``None`` where no place is that close: nothing is invented.

    >>> end_place_names(np.array([[29.14, -3.40], [-30.0, -40.0]]), max_km=25)
    ['Uvira', None]
    """
    return [None if k < 0 else _index()[1][k]
            for k in end_places(lonlat, max_km=max_km, tie_km=tie_km)]


def end_places(lonlat: np.ndarray, *, max_km: float, tie_km: float = TIE_KM) -> list[int]:
    """Like :func:`end_place_names`, as indexes into the gazetteer (-1: none)."""
    pts = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    if not len(pts):
        return []
    tree, _, pop, gid = _index()
    xyz = _unit(pts[:, 0], pts[:, 1])
    d, nearest = tree.query(xyz, k=1, distance_upper_bound=_chord(max_km))
    out: list[int] = []
    for k, (dist, near) in enumerate(zip(d, nearest, strict=True)):
        if not np.isfinite(dist):
            out.append(-1)
            continue
        km = 2.0 * EARTH_KM * math.asin(min(dist / 2.0, 1.0))
        ties = tree.query_ball_point(xyz[k], _chord(km + tie_km))
        best = max(ties, key=lambda i: (pop[i], -gid[i])) if ties else int(near)
        out.append(int(best))
    return out


def population(index: int) -> int:
    """Population of the gazetteer place ``index`` (from :func:`end_places`)."""
    return int(_index()[2][index])
