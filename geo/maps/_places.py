"""Names for corridor ends: the GeoNames place a corridor actually ends at.

The gazetteer's places are loaded once per process as unit vectors on the sphere (so chord
distance orders like distance on the ground) and sorted by latitude. Each corridor end is
compared only with the places in its band of latitude (a place further north or south than
the search radius cannot be within it), with array operations: no loop over the cities, and no
spatial-index library to import (a k-d tree cost more to import than a build's look-ups).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

__all__ = ["EARTH_KM", "TIE_KM", "end_place_names", "end_places", "place_lonlat", "population"]

EARTH_KM = 6371.0088
#: Places no further than this beyond the nearest one count as ties; the most populous wins
#: (a district centre next to a village is named, not the village).
TIE_KM = 3.0


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord(km: float) -> float:
    return 2.0 * math.sin(min(km / EARTH_KM, math.pi) / 2.0)


class _Search(NamedTuple):
    """The gazetteer's places for a radius search."""

    xyz: np.ndarray  # unit vectors, in gazetteer order
    lat_sorted: np.ndarray  # latitudes, ascending
    by_lat: np.ndarray  # gazetteer indexes in that order


@functools.cache
def _index() -> tuple[_Search, list[str], np.ndarray, np.ndarray]:
    """(search structure, names, populations, geonameids) of the gazetteer's places, once."""
    from geo._gazetteer import _big_places

    ids, names, lat_list, lon_list, pop = _big_places()
    lat = np.asarray(lat_list, dtype=float)
    lon = np.asarray(lon_list, dtype=float)
    order = np.argsort(lat, kind="stable")
    return (_Search(_unit(lon, lat), lat[order], order), list(names),
            np.asarray(pop, dtype=np.int64), np.asarray(ids, dtype=np.int64))


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
    search, _, pop, gid = _index()
    xyz = _unit(pts[:, 0], pts[:, 1])
    bound = _chord(max_km)
    # a place within the radius differs by at most the radius' angle in latitude
    reach = math.degrees(min((max_km + tie_km) / EARTH_KM, math.pi)) + 1e-6
    lo = np.searchsorted(search.lat_sorted, pts[:, 1] - reach, side="left")
    hi = np.searchsorted(search.lat_sorted, pts[:, 1] + reach, side="right")
    out: list[int] = []
    for k in range(len(pts)):
        cand = search.by_lat[lo[k]:hi[k]]
        diff = search.xyz[cand] - xyz[k]
        dist = np.sqrt((diff * diff).sum(axis=1))  # chord lengths on the unit sphere
        near = int(np.argmin(dist)) if len(cand) else -1
        if near < 0 or not dist[near] < bound:
            out.append(-1)
            continue
        km = 2.0 * EARTH_KM * math.asin(min(float(dist[near]) / 2.0, 1.0))
        ties = cand[dist <= _chord(km + tie_km)].tolist()
        best = max(ties, key=lambda i: (pop[i], -gid[i])) if ties else int(cand[near])
        out.append(int(best))
    return out


def population(index: int) -> int:
    """Population of the gazetteer place ``index`` (from :func:`end_places`)."""
    return int(_index()[2][index])


def place_lonlat(index: int) -> tuple[float, float]:
    """(lon, lat) of the gazetteer place ``index`` (from :func:`end_places`).

    >>> k = end_places(np.array([[29.14, -3.40]]), max_km=25)[0]
    >>> [round(v, 2) for v in place_lonlat(k)]
    [29.14, -3.4]
    """
    x, y, z = _index()[0].xyz[index]
    return (math.degrees(math.atan2(float(y), float(x))),
            math.degrees(math.asin(max(-1.0, min(1.0, float(z))))))
