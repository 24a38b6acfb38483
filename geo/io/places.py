"""Place names to coordinates through the offline gazetteer."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from geo import columns as C
from geo import settings
from geo._errors import PlaceError
from geo._gazetteer import Candidate, find_candidates

__all__ = ["resolve_place"]


def _describe(found: Sequence[Candidate]) -> str:
    return "; ".join(f"{c.name} {c.country} ({c.lat:.2f}, {c.lon:.2f}) pop {c.population:,}"
                     for c in found[:4])


def resolve_place(
    name: str,
    *,
    country: str = "",
    admin1: str = "",
    boundaries: gpd.GeoDataFrame | None = None,
) -> tuple[float, float]:
    """Resolve a place name to ``(lat, lon)`` through the offline GeoNames gazetteer.

    Candidates are narrowed by country, then by first-level unit (tested against
    ``boundaries``), then by population: the most populous one wins only when it has
    :data:`geo.settings.PLACE_POPULATION_RATIO` times the population of the next.

    Parameters
    ----------
    name
        The place name (GeoNames name or alternate name).
    country
        ISO 3166-1 alpha-2 code to narrow by.
    admin1
        First-level unit to narrow by (needs ``boundaries``).
    boundaries
        Boundaries layer, to test candidates against ``admin1``.

    Returns
    -------
    tuple of float
        ``(lat, lon)`` of the place.

    Raises
    ------
    PlaceError
        When nothing matches, or several places match and population does not settle it.

    Examples
    --------
    >>> resolve_place("Kunming", country="CN")
    (25.03889, 102.71833)
    >>> resolve_place("Jining", country="CN")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.PlaceError: place: place 'Jining' is ambiguous: ...
    """
    found = find_candidates(name, country=country, admin1=admin1, boundaries=boundaries)
    where = ", ".join(x for x in (admin1, country) if x)
    if not found:
        elsewhere = find_candidates(name) if where else []
        if elsewhere:
            raise PlaceError(f"place {name!r} is not in {where} in the offline gazetteer; "
                             f"places of that name: {_describe(elsewhere)}; fix admin1/country "
                             "or give lat and lon", field=C.PLACE)
        raise PlaceError(f"place {name!r} not found in the offline gazetteer (GeoNames places "
                         f"of {settings.GAZETTEER_MIN_POPULATION:,} people or more); give lat "
                         "and lon", field=C.PLACE)
    ratio = settings.PLACE_POPULATION_RATIO
    if len(found) > 1 and found[0].population < ratio * found[1].population:
        hint = "add admin1" if not admin1 else "give lat and lon"
        raise PlaceError(f"place {name!r} is ambiguous: {_describe(found)}; {hint}"
                         f"{' or country' if not country else ''}", field=C.PLACE)
    best = found[0]
    return best.lat, best.lon
