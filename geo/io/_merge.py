"""Several boundary files merged into one coverage.

Files with first-level units come first (in the order given), then country-only files. Each
unit of a later file loses the area already covered by earlier files: a country row whose
provinces came from another file keeps only what lies outside them (nothing, usually), and
where two sources draw a border differently the earlier (finer) file wins. A unit left with
less than :data:`MIN_SHARE` of its area, or a province of a country whose provinces an earlier
file already gave, is left out. What was done is said in ``attrs["read_as"]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.io._vector import _POLYGONAL, _area_km2
from geo.io.crs import WGS84

__all__ = ["MIN_SHARE", "merge_boundaries"]

MIN_SHARE = 0.01  # a remainder smaller than 1 % of the unit (slivers along borders) is dropped


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        return None
    return shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]


def _remainder(geom: shapely.Geometry, covered: list[shapely.Geometry]) -> tuple[
        shapely.Geometry | None, float]:
    """``geom`` minus the covered area, without parts under MIN_SHARE; and the share kept."""
    if not covered:
        return geom, 1.0
    rest = _polygonal(shapely.difference(geom, shapely.union_all(covered)))
    if rest is None:
        return None, 0.0
    total = _area_km2(geom) or 1.0
    kept = [p for p in shapely.get_parts(rest) if _area_km2(p) >= MIN_SHARE * total]
    if not kept:
        return None, 0.0
    rest = shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]
    return rest, _area_km2(rest) / total


def merge_boundaries(parts: Sequence[gpd.GeoDataFrame], names: Sequence[str]
                     ) -> gpd.GeoDataFrame:
    """One coverage from several canonical boundary frames (see the module docstring)."""
    order = sorted(range(len(parts)), key=lambda k: -int((parts[k][C.ADMIN1] != "").any()))
    rows: list[dict[str, object]] = []
    geoms: list[shapely.Geometry] = []
    provinces_of: set[str] = set()
    dropped = clipped = 0
    for k in order:
        part = parts[k]
        tree = shapely.STRtree(geoms) if geoms else None
        given_here: set[str] = set()
        for rec, geom in zip(part.drop(columns="geometry").to_dict("records"),
                             part.geometry.values, strict=True):
            cc, a1 = str(rec[C.COUNTRY]), str(rec[C.ADMIN1])
            if a1 and cc in provinces_of:
                dropped += 1
                continue
            near = [] if tree is None else [geoms[j] for j in tree.query(geom,
                                                                          predicate="intersects")]
            rest, share = _remainder(geom, near)
            if rest is None:
                dropped += 1
                continue
            clipped += share < 1 - 1e-9
            rows.append(rec)
            geoms.append(rest)
            if a1:
                given_here.add(cc)
        provinces_of |= given_here
    out = gpd.GeoDataFrame(pd.DataFrame(rows, columns=[C.COUNTRY, C.ADMIN1, C.ADMIN1_CODE]),
                           geometry=np.array(geoms, dtype=object), crs=WGS84)
    read = "; ".join(f"{names[k]}: {parts[k].attrs.get('read_as', '')}" for k in range(len(parts)))
    out.attrs["read_as"] = (f"{len(parts)} files merged ({read}) into {len(out)} units; "
                            f"{dropped} left out as covered by an earlier file, {clipped} "
                            "clipped where files overlap")
    out.attrs["format"] = "merged"
    return out
