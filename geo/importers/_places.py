"""Places against a boundaries layer: admin1 names matched, points placed in their unit.

admin1 names match with accents, case and punctuation folded (``Kasai Oriental`` is
``Kasaï-Oriental``), through a mapping file's ``[admin1]`` table and through the shipped alias
table of renamed and split units (:mod:`geo._names`). See :func:`place_rows` for each
precision. Rows outside every polygon are kept and flagged as outside coverage.
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
from geo._names import fold, match_name, name_key, successors

__all__ = ["place_rows"]

NOTE = "note"
DROP = "drop"
DETAIL = "detail"
OUTSIDE_NOTE = "outside coverage: no boundary polygon holds this row"
OUTSIDE = "outside"  # staged: the row is outside the boundaries (whatever its note)


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


def _suggest(name: str, known: list[str]) -> str:
    close = process.extract(fold(name), {k: fold(k) for k in known}, scorer=fuzz.WRatio,
                            processor=utils.default_process, limit=2, score_cutoff=70)
    names = [c[2] for c in close]
    return f"; did you mean {' or '.join(repr(n) for n in names)}?" if names else ""


def _match_names(country: np.ndarray, admin1: np.ndarray, units: pd.DataFrame,
                 aliases: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the boundary spelling of (country, admin1) ("" if none), the successors of a
    split unit joined by ``;`` ("" if none), and a did-you-mean hint.

    A name in the boundaries wins; then a mapping file's ``[admin1]``; then the shipped alias
    table (:func:`geo._names.successors`): a renamed unit gets its new name, a split one its
    successors.
    """
    spelled = {(cc, name_key(a1)): a1 for cc, a1 in zip(units[C.COUNTRY], units[C.ADMIN1],
                                                        strict=True) if a1}
    names: dict[str, list[str]] = {}
    for (cc, _), a1 in spelled.items():
        names.setdefault(cc, []).append(a1)
    alias = {name_key(k): name_key(v) for k, v in aliases.items()}
    keys = pd.Series(country, dtype=object) + "\x1f" + pd.Series(admin1, dtype=object)
    codes, uniques = pd.factorize(keys, sort=False)
    found, split, hint = [], [], []
    for key in uniques:
        cc, _, a1 = key.partition("\x1f")
        name = spelled.get((cc, alias.get(name_key(a1), name_key(a1))), "") or (
            match_name(a1, names.get(cc, [])) or "" if a1 else "")
        after = () if name or not a1 else successors(cc, a1, names.get(cc, []))
        if len(after) == 1:
            name, after = after[0], ()
        found.append(name)
        split.append(";".join(after))
        hint.append("" if name or after or not a1 else _suggest(a1, names.get(cc, [])))
    return (np.array([*found, ""], dtype=object)[codes],
            np.array([*split, ""], dtype=object)[codes],
            np.array([*hint, ""], dtype=object)[codes])


def place_rows(cols: Mapping[str, np.ndarray], boundaries: gpd.GeoDataFrame, *,
               aliases: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """Reconcile admin1 with the boundaries for every precision; flag rows outside coverage.

    ``cols`` has the staged columns ``lat``, ``lon``, ``geo_precision``, ``admin1``,
    ``admin1_source``, ``country``, ``drop``, ``detail`` and ``note`` (numpy arrays); new
    arrays are returned, and ``outside`` (the rows build keeps as outside coverage):

    - a point (geo_precision 1, 2) takes the admin1 of the unit it lies in (none outside
      every unit, or in a unit of another country than the row's);
    - a first-level row (3) keeps a name of the boundaries (folded, or through ``[admin1]``
      and the shipped alias table); a split unit keeps its old name, which spreads over its
      successors at build; else the unit its point lies in; else it is dropped with a hint;
    - a country row (4), and a first-level row of a country without first-level units, has
      no admin1;
    - the source's name goes to ``admin1_source`` whenever admin1 changed.
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
    given = np.asarray(out[C.ADMIN1], dtype=object)
    prec = np.asarray(out[C.GEO_PRECISION], dtype=float)
    has_point = ~np.isnan(lat)
    spelled, split, hint = _match_names(country, given, units, aliases or {})
    known_cc = np.isin(country, list(countries)) | ((country == "") & (hit >= 0))
    point = (prec <= 2) & has_point
    # as build decides: a point row by its point, a unit or country row by its country
    outside = np.where(point, hit < 0, ~known_cc)
    same_cc = (country == "") | (country == pip_cc)
    coarse = prec == 3
    matched = coarse & ((spelled != "") | (split != ""))
    from_point = coarse & ~matched & has_point & (pip_a1 != "") & same_cc
    no_units = coarse & ~matched & ~from_point & known_cc & ~np.isin(country, list(with_admin1))
    prec = np.where(no_units, 4.0, prec)
    admin1 = np.where(point, np.where(same_cc, pip_a1, ""), given)
    admin1 = np.where(matched, np.where(spelled != "", spelled, given), admin1)
    admin1 = np.where(from_point, pip_a1, admin1)
    admin1 = np.where(prec == 4, "", admin1).astype(object)
    country = np.where((point | from_point) & (country == ""), pip_cc, country)
    source = np.asarray(out[C.ADMIN1_SOURCE], dtype=object)
    source = np.where((source == "") & (given != admin1), given, source).astype(object)
    unmatched = coarse & ~matched & ~from_point & ~no_units & ~outside
    notes = np.array(out[NOTE], dtype=object)
    free = notes == ""
    notes[free & outside] = OUTSIDE_NOTE
    idx = np.flatnonzero(free & ~outside & from_point & (given != ""))
    notes[idx] = ["admin1 from the point: " + repr(a) + " is not in the boundaries; took "
                  + repr(b) + h for a, b, h in
                  zip(given[idx], admin1[idx], hint[idx], strict=True)]
    idx = np.flatnonzero(free & ~outside & matched & (split != ""))
    notes[idx] = [f"split unit: {a!r} spreads over its successors {b.replace(';', ', ')}"
                  for a, b in zip(given[idx], split[idx], strict=True)]
    notes[free & no_units] = "the boundaries have no first-level units for this country: " \
                             "read as geo_precision 4 (country)"
    drop = np.array(out[DROP], dtype=object)
    detail = np.array(out[DETAIL], dtype=object)
    bad = np.flatnonzero(unmatched & (drop == ""))
    drop[bad] = "admin1 not in boundaries"
    detail[bad] = [f"admin1 {a!r} is not a first-level unit of {c} in the boundaries{h}"
                   for a, c, h in zip(given[bad], country[bad], hint[bad], strict=True)]
    return {**out, C.ADMIN1: admin1, C.ADMIN1_SOURCE: source, C.COUNTRY: country,
            C.GEO_PRECISION: prec, NOTE: notes, DROP: drop, DETAIL: detail, OUTSIDE: outside}
