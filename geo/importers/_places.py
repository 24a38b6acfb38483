"""Places against a boundaries layer: admin1 names matched, points placed in their unit.

admin1 names match with accents and case folded (``Kasai-Oriental`` is ``Kasaï-Oriental``) and
through a mapping file's ``[admin1]`` table (historical names). A geo_precision 3 row with
coordinates whose name does not match takes the unit its point lies in. A name that still does
not match is reported with the closest known names. Rows outside every polygon are kept and
flagged as outside coverage.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process, utils

from geo import columns as C
from geo import settings
from geo.importers._countries import fold

__all__ = ["place_rows"]

NOTE = "note"
DROP = "drop"
DETAIL = "detail"


def _locate(lat: np.ndarray, lon: np.ndarray, boundaries: gpd.GeoDataFrame) -> np.ndarray:
    """Index of the boundary unit each point lies in (or within the tolerance), -1 if none."""
    hit = np.full(len(lat), -1, dtype=np.int64)
    has = ~(np.isnan(lat) | np.isnan(lon))
    if not has.any() or not len(boundaries):
        return hit
    idx = np.flatnonzero(has)
    points = shapely.points(lon[idx], lat[idx])
    tree = shapely.STRtree(boundaries.geometry.values)
    src, unit = tree.query(points, predicate="intersects")
    first = np.full(len(idx), -1, dtype=np.int64)
    first[src[::-1]] = unit[::-1]
    miss = np.flatnonzero(first < 0)
    if len(miss):
        near_src, near_unit = tree.query_nearest(points[miss], max_distance=settings.
                                                 PLACE_TOLERANCE_DEG, all_matches=False)
        first[miss[near_src]] = near_unit
    hit[idx] = first
    return hit


def _key(name: str) -> str:
    """Names compare folded and without punctuation: 'Kasai Oriental' is 'Kasaï-Oriental'."""
    return "".join(ch for ch in fold(name) if ch.isalnum())


def _suggest(name: str, known: list[str]) -> str:
    close = process.extract(fold(name), {k: fold(k) for k in known}, scorer=fuzz.WRatio,
                            processor=utils.default_process, limit=2, score_cutoff=70)
    names = [c[2] for c in close]
    return f"; did you mean {' or '.join(repr(n) for n in names)}?" if names else ""


def _match_names(country: np.ndarray, admin1: np.ndarray, units: pd.DataFrame,
                 aliases: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Boundary spelling of each (country, admin1) ("" if none) and a did-you-mean hint."""
    spelled = {(cc, _key(a1)): a1 for cc, a1 in zip(units[C.COUNTRY], units[C.ADMIN1],
                                                    strict=True) if a1}
    alias = {_key(k): _key(v) for k, v in aliases.items()}
    keys = pd.Series(country, dtype=object) + "\x1f" + pd.Series(admin1, dtype=object)
    codes, uniques = pd.factorize(keys, sort=False)
    found, hint = [], []
    for key in uniques:
        cc, _, a1 = key.partition("\x1f")
        folded = alias.get(_key(a1), _key(a1))
        name = spelled.get((cc, folded), "")
        found.append(name)
        known = [v for (c, _), v in spelled.items() if c == cc]
        hint.append("" if name or not a1 else _suggest(a1, known))
    return (np.array([*found, ""], dtype=object)[codes],
            np.array([*hint, ""], dtype=object)[codes])


def place_rows(cols: Mapping[str, np.ndarray], boundaries: gpd.GeoDataFrame, *,
               aliases: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """Match admin1 names, fill admin1 of geo_precision 3 points, flag rows outside coverage.

    ``df`` has the staged columns ``lat``, ``lon``, ``geo_precision``, ``admin1``, ``country``,
    ``drop``, ``detail`` and ``note`` (numpy arrays); new arrays are returned.
    """
    out = cols
    bounds = boundaries.to_crs(4326) if boundaries.crs is not None else boundaries
    units = pd.DataFrame({C.COUNTRY: bounds[C.COUNTRY].astype(str).str.upper().to_numpy(),
                          C.ADMIN1: bounds[C.ADMIN1].fillna("").astype(str).to_numpy()
                          if C.ADMIN1 in bounds else ""})
    countries = set(units[C.COUNTRY])
    with_admin1 = set(units.loc[units[C.ADMIN1] != "", C.COUNTRY])
    lat, lon = np.asarray(out[C.LAT], dtype=float), np.asarray(out[C.LON], dtype=float)
    hit = _locate(lat, lon, bounds)
    pip_cc = np.where(hit >= 0, units[C.COUNTRY].to_numpy()[hit], "")
    pip_a1 = np.where(hit >= 0, units[C.ADMIN1].to_numpy()[hit], "")
    country = np.asarray(out[C.COUNTRY], dtype=object)
    given_admin1 = np.asarray(out[C.ADMIN1], dtype=object)
    admin1 = given_admin1
    prec = np.asarray(out[C.GEO_PRECISION], dtype=float)
    has_point = ~np.isnan(lat)
    spelled, hint = _match_names(country, admin1, units, aliases or {})
    known_cc = np.isin(country, list(countries)) | ((country == "") & (hit >= 0))
    outside = np.where(has_point, hit < 0, ~known_cc)
    coarse = prec == 3
    matched = coarse & (spelled != "")
    admin1 = np.where(matched, spelled, admin1)
    from_point = coarse & ~matched & has_point & (pip_a1 != "") & (
        (country == "") | (country == pip_cc))
    moved = from_point & (given_admin1 != "")
    admin1 = np.where(from_point, pip_a1, admin1)
    country = np.where(from_point & (country == ""), pip_cc, country)
    no_units = coarse & ~matched & ~from_point & known_cc & ~np.isin(country, list(with_admin1))
    prec = np.where(no_units, 4.0, prec)
    unmatched = coarse & ~matched & ~from_point & ~no_units & ~outside
    notes = np.array(out[NOTE], dtype=object)
    free = notes == ""
    notes[free & outside] = "outside coverage: no boundary polygon holds this row"
    idx = np.flatnonzero(free & ~outside & moved)
    notes[idx] = ["admin1 from the point: " + repr(a) + " is not in the boundaries; took "
                  + repr(b) + h for a, b, h in
                  zip(given_admin1[idx], admin1[idx], hint[idx], strict=True)]
    notes[free & no_units] = "the boundaries have no first-level units for this country: " \
                             "read as geo_precision 4 (country)"
    drop = np.array(out[DROP], dtype=object)
    detail = np.array(out[DETAIL], dtype=object)
    bad = np.flatnonzero(unmatched & (drop == ""))
    drop[bad] = "admin1 not in boundaries"
    detail[bad] = [f"admin1 {a!r} is not a first-level unit of {c} in the boundaries{h}"
                   for a, c, h in zip(admin1[bad], country[bad], hint[bad], strict=True)]
    return {**out, C.ADMIN1: admin1, C.COUNTRY: country, C.GEO_PRECISION: prec, NOTE: notes,
            DROP: drop, DETAIL: detail}
