"""Regenerate ``geo/datasets/boundaries.geojson`` from Debian's ``gmt-dcw`` package.

Usage::

    apt-get install gmt-dcw && pip install netCDF4
    python layers/make_boundaries.py [--dcw /usr/share/gmt-dcw]
        [--out geo/datasets/boundaries.geojson]
    python layers/make_boundaries.py --check   # committed file == fresh build, byte for byte

What it does (details and the reasons in ``layers/README.md``):

1. Decodes the DCW polygons from ``dcw-gmt.nc``: each unit is a pair of uint16 arrays
   ``<KEY>_lon`` / ``<KEY>_lat`` with attributes ``min`` and ``scale``; a coordinate is
   ``min + raw / scale``. A raw value of 65535 in the lon array starts a new ring (the lat
   value at that position is a flag: 1 marks a hole, 0 an outer ring). Holes are decided by
   containment (a ring inside an odd number of the unit's other rings is a hole), because DCW
   leaves the flag at 0 for at least one real hole (the Guizhou exclave inside Hunan).
2. Snaps everything to a 1e-4 degree grid and clips to the study box.
3. Builds a gap-free, overlap-free coverage in two levels. DCW's provinces and countries are
   digitised separately, so neighbours overlap or leave slivers (typically 100-300 m wide).
   Level 1 partitions the land among the countries using DCW's *country* outlines (China =
   country CN + Hong Kong + Macao); level 2 divides China's level-1 area among the provinces.
   Overlaps go to the smaller unit, enclosed slivers to the neighbour sharing the longest
   border, China's area outside every province to the nearest province.
4. Simplifies the coverage with :func:`shapely.coverage_simplify` (shared borders stay
   shared), checks validity and coverage, writes a deterministic GeoJSON (EPSG:4326).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import columns as C

__all__ = [
    "BOX",
    "COUNTRIES",
    "EXCLUDED_STATES",
    "GAP_WIDTH",
    "GRID",
    "MIN_ISLAND",
    "TOLERANCE",
    "build_boundaries",
    "decode_unit",
    "main",
    "read_names",
    "write_geojson",
]

log = logging.getLogger("make_boundaries")

#: Study box (west, south, east, north), degrees. Mongolia reaches 87.75 E and Thailand 5.61 N,
#: Heilongjiang 53.56 N and 134.77 E: all named units are whole; Russia, Xinjiang and Xizang
#: are clipped at the box edge.
BOX: tuple[float, float, float, float] = (87.0, 5.0, 135.0, 54.0)
#: Coordinate grid (degrees): every vertex is snapped to it before any overlay, so the output
#: rounds to 4 decimals without moving a vertex.
GRID = 1e-4
#: Enclosed gaps between units narrower than this (deg, ~0.5 km) are merged into the neighbour
#: with the longest shared border (DCW's neighbours were digitised separately).
GAP_WIDTH = 0.005
#: coverage_simplify tolerance (degrees; ~ square root of the largest triangle removed).
#: 0.01 deg is 1.1 km north-south (0.65-1.1 km east-west across the box): 0.5 mm at
#: 1:2,000,000, the smallest detail such a map shows.
TOLERANCE = 0.01
#: Islands (parts touching no other unit) smaller than this (deg2, ~1 km2) are dropped: at
#: 1:2,000,000 they are under 0.5 mm wide; thousands of DCW's coastal rocks would otherwise
#: outweigh the land borders in the file.
MIN_ISLAND = 1e-4
#: Countries kept as one row each (admin1 ""), besides China's provinces.
COUNTRIES: tuple[str, ...] = ("KP", "KR", "MN", "VN", "LA", "MM", "TH", "KH", "RU")
#: DCW lists Taiwan both as country TW and as state CN.TW; DCW's CN country outline leaves it
#: out, and no corridor touches it, so neither is included.
EXCLUDED_STATES: dict[str, frozenset[str]] = {"CN": frozenset({"TW"})}
#: Extra DCW states that belong to China's level-1 area (DCW's CN outline leaves them out).
_CN_EXTRA = ("HK", "MO")
_BREAK = 65535
_HOLE_FLAG = 1


@dataclass(frozen=True)
class Unit:
    """One output row before simplification."""

    country: str
    admin1: str
    code: str
    geometry: BaseGeometry


# --------------------------------------------------------------------------- decoding


def read_names(path: Path, *, states: bool) -> dict[str, str]:
    """Map DCW keys to English names from ``dcw-states.txt`` or ``dcw-countries.txt``.

    Keys are ``"CNYN"`` for states (country + state code) and ``"CN"`` for countries.
    """
    names: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        first, second, name = line.split(maxsplit=2)
        # states: "CN YN Yunnan"; countries: "AS CN China" (continent first)
        names[first + second if states else second] = name.strip()
    return names


def decode_unit(ds: Any, key: str) -> tuple[list[np.ndarray], list[int]]:
    """Decode the rings of one DCW unit.

    Parameters
    ----------
    ds
        An open ``netCDF4.Dataset`` with auto mask/scale switched off.
    key
        ``"MN"`` (country) or ``"CNYN"`` (state).

    Returns
    -------
    rings, flags
        One ``(n, 2)`` lon/lat array per ring, and the lat value at its break marker
        (1 = hole, 0 = outer ring, as GMT reads it).
    """
    vx, vy = ds[f"{key}_lon"], ds[f"{key}_lat"]
    raw_x = np.asarray(vx[:], dtype=np.int64)
    raw_y = np.asarray(vy[:], dtype=np.int64)
    x = float(vx.getncattr("min")) + raw_x / float(vx.getncattr("scale"))
    y = float(vy.getncattr("min")) + raw_y / float(vy.getncattr("scale"))
    starts = np.flatnonzero(raw_x == _BREAK)
    if len(starts) == 0 or starts[0] != 0:
        raise ValueError(f"{key}: lon array does not start with a ring break ({_BREAK})")
    ends = [*starts[1:].tolist(), len(raw_x)]
    rings = [
        np.column_stack([x[s + 1 : e], y[s + 1 : e]]) for s, e in zip(starts, ends, strict=True)
    ]
    flags = [int(raw_y[s]) for s in starts]
    return rings, flags


def rings_to_geometry(key: str, rings: Sequence[np.ndarray], flags: Sequence[int]) -> BaseGeometry:
    """Polygon(s) from rings; a ring inside an odd number of the others is a hole."""
    polys = []
    for ring in rings:
        if len(ring) < 3:
            continue
        p = shapely.Polygon(ring)
        # quantisation folds tiny islands and spits: "structure" keeps the enclosed area
        polys.append(p if p.is_valid else _make_valid(p))
    arr = np.array(polys, dtype=object)
    # ring i lies inside ring j if a point inside ring i does (rings do not cross);
    # test candidate pairs against prepared polygons, vectorised
    points = shapely.point_on_surface(arr)
    inner, outer = shapely.STRtree(arr).query(points)
    keep = inner != outer
    inner, outer = inner[keep], outer[keep]
    shapely.prepare(arr)
    inside = shapely.contains_properly(arr[outer], points[inner])
    depth = np.bincount(inner[inside], minlength=len(arr))
    for i, (d, f) in enumerate(zip(depth, flags, strict=False)):
        if (d % 2 == 1) != (f == _HOLE_FLAG):
            log.info(
                "%s: ring %d (area %.3g deg2): containment depth %d but DCW flag %d; "
                "using containment",
                key,
                i,
                arr[i].area,
                d,
                f,
            )
    geom: BaseGeometry = shapely.Polygon()
    for level in range(int(depth.max()) + 1 if len(depth) else 0):
        layer = shapely.union_all(arr[depth == level])
        geom = shapely.union(geom, layer) if level % 2 == 0 else shapely.difference(geom, layer)
    return _polygonal(_make_valid(geom))


# --------------------------------------------------------------------------- geometry helpers


def _make_valid(geom: BaseGeometry) -> BaseGeometry:
    """Valid polygonal version of ``geom`` (collapsed lines and points are dropped)."""
    if geom.is_valid:
        return geom
    return _polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygons of ``geom`` (drops lines/points left by overlays), as one geometry."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
    if not parts:
        return shapely.Polygon()
    if len(parts) == 1:
        return parts[0]
    return shapely.MultiPolygon(parts)


def _shared_lengths(parts: Sequence[BaseGeometry], pieces: Sequence[BaseGeometry]) -> np.ndarray:
    """Length of border each part shares with each piece, shape ``(len(parts), len(pieces))``.

    A boundary segment of a part counts for a piece when both its ends lie on that piece
    (within half a grid step). The parts are differences of the pieces, so their vertices lie
    exactly on the pieces' boundaries; prepared geometries make this fast.
    """
    expanded = [shapely.get_parts(shapely.boundary(p)) for p in parts]
    lines = np.concatenate(expanded)
    part_of_line = np.repeat(np.arange(len(parts)), [len(e) for e in expanded])
    coords, line_of_coord = shapely.get_coordinates(lines, return_index=True)
    same = line_of_coord[:-1] == line_of_coord[1:]
    seg_len = np.hypot(*(coords[1:] - coords[:-1]).T)
    seg_part = part_of_line[line_of_coord[:-1]]
    points = shapely.points(coords)
    out = np.zeros((len(parts), len(pieces)))
    for k, piece in enumerate(pieces):
        if piece.is_empty:
            continue
        shapely.prepare(piece)
        on = shapely.dwithin(piece, points, GRID / 2)
        seg = same & on[:-1] & on[1:]
        out[:, k] = np.bincount(seg_part[seg], weights=seg_len[seg], minlength=len(parts))
    return out


def _partition(
    claims: Sequence[tuple[str, BaseGeometry]], area: BaseGeometry | None, *, fill_nearest: bool
) -> dict[str, BaseGeometry]:
    """Split ``area`` (or the union of the claims) into non-overlapping pieces.

    Overlaps go to the smaller claim (ties by key). If ``area`` is given, claims are clipped to
    it and each connected part of the area no claim covers goes to the piece that shares the
    longest border with it (or, with ``fill_nearest``, to the nearest piece when none touches
    it). Without ``area``, only holes of the union (enclosed slivers) are filled that way.
    """
    order = sorted(claims, key=lambda kv: (kv[1].area, kv[0]))
    taken: BaseGeometry = shapely.Polygon()
    pieces: dict[str, BaseGeometry] = {}
    for key, geom in order:
        g = (
            _polygonal(shapely.intersection(geom, area, grid_size=GRID))
            if area is not None
            else geom
        )
        g = _polygonal(shapely.difference(g, taken, grid_size=GRID))
        pieces[key] = g
        taken = _polygonal(shapely.union(taken, g, grid_size=GRID))
    if area is not None:
        rest = _polygonal(shapely.difference(area, taken, grid_size=GRID))
        leftovers = list(shapely.get_parts(rest))
    else:
        # enclosed gaps = the union with its holes filled, minus the union
        outlines = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(_polygonal(taken))))
        filled = shapely.union_all(outlines, grid_size=GRID)
        leftovers = list(
            shapely.get_parts(_polygonal(shapely.difference(filled, taken, grid_size=GRID)))
        )
    leftovers = sorted((p for p in leftovers if p.area > 0), key=lambda p: (p.bounds, p.area))
    keys = sorted(pieces)
    shared = _shared_lengths(leftovers, [pieces[k] for k in keys]) if leftovers else None
    gains: dict[str, list[BaseGeometry]] = {k: [] for k in pieces}
    lost = 0.0
    for i, part in enumerate(leftovers):
        assert shared is not None
        if shared[i].max() > 0:
            best = keys[int(np.argmax(shared[i]))]
        elif fill_nearest:
            dist = {k: g.distance(part) for k, g in pieces.items() if not g.is_empty}
            best = min(dist, key=lambda k: (dist[k], k))
            log.info(
                "unclaimed part %.4g deg2 at (%.3f, %.3f) -> nearest unit %s (%.3f deg)",
                part.area,
                part.centroid.x,
                part.centroid.y,
                best,
                dist[best],
            )
        else:
            lost += part.area
            continue
        gains[best].append(part)
    log.info(
        "%d leftover parts (%.4g deg2) assigned to neighbours",
        sum(map(len, gains.values())),
        sum(g.area for v in gains.values() for g in v),
    )
    if lost:
        log.info("left %.4g deg2 of untouched leftovers unassigned", lost)
    return {
        k: _polygonal(shapely.union_all([pieces[k], *gains[k]], grid_size=GRID))
        if gains[k]
        else pieces[k]
        for k in pieces
    }


def _drop_small_islands(geoms: np.ndarray, *, min_area: float) -> np.ndarray:
    """Drop parts under ``min_area`` that touch no other unit (keep each unit's largest)."""
    tree = shapely.STRtree(geoms)
    out = []
    for i, geom in enumerate(geoms):
        parts = list(shapely.get_parts(geom))
        largest = max(range(len(parts)), key=lambda j: parts[j].area)
        keep = []
        for j, part in enumerate(parts):
            if j == largest or part.area >= min_area:
                keep.append(part)
                continue
            touching = [k for k in tree.query(part, predicate="intersects") if k != i]
            if touching:
                keep.append(part)
        out.append(keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep))
    return np.array(out, dtype=object)


# --------------------------------------------------------------------------- main builder


def build_boundaries(
    dcw_dir: Path,
    *,
    box: tuple[float, float, float, float] = BOX,
    tolerance: float = TOLERANCE,
) -> gpd.GeoDataFrame:
    """Build the bundled boundaries layer from the DCW files in ``dcw_dir``.

    Returns
    -------
    GeoDataFrame
        ``country``, ``admin1``, ``admin1_code``, geometry (EPSG:4326), sorted by country and
        code; China's provinces that intersect ``box`` plus :data:`COUNTRIES`.
    """
    import netCDF4  # only this script needs it (optional extra "layers")

    states = read_names(dcw_dir / "dcw-states.txt", states=True)
    bbox = shapely.box(*box)
    with netCDF4.Dataset(dcw_dir / "dcw-gmt.nc") as ds:
        ds.set_auto_maskandscale(False)

        def load(key: str) -> BaseGeometry:
            rings, flags = decode_unit(ds, key)
            geom = rings_to_geometry(key, rings, flags)
            return _polygonal(shapely.intersection(geom, bbox, grid_size=GRID))

        provinces: dict[str, BaseGeometry] = {}
        for key in sorted(k for k in states if k.startswith("CN")):
            code = key[2:]
            if code in EXCLUDED_STATES["CN"] or f"{key}_lon" not in ds.variables:
                continue
            geom = load(key)
            if not geom.is_empty:
                provinces[code] = geom
        countries = {cc: load(cc) for cc in ("CN", *COUNTRIES)}

    # level 1: countries (China = DCW's CN outline + Hong Kong + Macao)
    countries["CN"] = shapely.union_all(
        [countries["CN"], *(provinces[c] for c in _CN_EXTRA if c in provinces)], grid_size=GRID
    )
    level1 = _partition(sorted(countries.items()), None, fill_nearest=False)
    # level 2: provinces inside China's level-1 area
    level2 = _partition(sorted(provinces.items()), level1["CN"], fill_nearest=True)

    units = [Unit("CN", states["CN" + code], code, g) for code, g in level2.items()]
    units += [Unit(cc, "", "", level1[cc]) for cc in COUNTRIES]
    units.sort(key=lambda u: (u.country, u.code))
    for u in units:
        if u.geometry.is_empty:
            raise ValueError(f"{u.country}/{u.code}: empty geometry after clipping")
    geoms = np.array([u.geometry for u in units], dtype=object)
    # snap-rounded overlays leave shared edges with extra nodes on one side: make every
    # shared edge vertex-for-vertex identical (GEOS CoverageCleaner, shapely >= 2.2)
    geoms = shapely.coverage_clean(
        geoms, gap_width=GAP_WIDTH, snapping_distance=GRID, merge_strategy="longest_border"
    )
    geoms = _drop_small_islands(geoms, min_area=MIN_ISLAND)
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("coverage not edge-matched after cleaning")
    simple = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    # simplifying a coastline can pinch a narrow bay between two units shut: merge such new
    # enclosed gaps into the neighbour sharing the longest border (no snapping: no vertex moves)
    simple = shapely.coverage_clean(
        simple, gap_width=GAP_WIDTH, snapping_distance=0.0, merge_strategy="longest_border"
    )
    simple = shapely.transform(simple, lambda xy: np.round(xy, 4))
    for u, g in zip(units, simple, strict=True):
        if not g.is_valid or g.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"{u.country}/{u.code}: invalid result: {shapely.is_valid_reason(g)}")
    if not shapely.coverage_is_valid(simple):
        raise ValueError("coverage broken by simplification/rounding")
    return gpd.GeoDataFrame(
        {
            C.COUNTRY: [u.country for u in units],
            C.ADMIN1: [u.admin1 for u in units],
            C.ADMIN1_CODE: [u.code for u in units],
        },
        geometry=list(simple),
        crs="EPSG:4326",
    )


# --------------------------------------------------------------------------- writing


def _rounded(coords: Any) -> Any:
    """Coordinates from a GeoJSON mapping, rounded to 4 decimals (lists, not tuples)."""
    if isinstance(coords, Iterable) and not isinstance(coords, (str, bytes)):
        items = list(coords)
        if items and isinstance(items[0], (int, float)):
            return [round(float(v), 4) + 0.0 for v in items]
        return [_rounded(c) for c in items]
    raise TypeError(f"unexpected coordinate value {coords!r}")


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write ``gdf`` as GeoJSON: EPSG:4326 named, 4 decimals, one feature per line.

    Same input, same bytes: no timestamps, fixed key order, shortest float repr.
    """
    header = {
        "type": "FeatureCollection",
        "name": "boundaries",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}},
    }
    lines = []
    for row in gdf.itertuples(index=False):
        geom = shapely.geometry.mapping(row.geometry)
        feature = {
            "type": "Feature",
            "properties": {
                C.COUNTRY: getattr(row, C.COUNTRY),
                C.ADMIN1: getattr(row, C.ADMIN1),
                C.ADMIN1_CODE: getattr(row, C.ADMIN1_CODE),
            },
            "geometry": {"type": geom["type"], "coordinates": _rounded(geom["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps(header, separators=(",", ":"))[:-1]
    text = head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def _vertex_count(gdf: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(np.asarray(gdf.geometry.values)).sum())


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dcw",
        type=Path,
        default=Path("/usr/share/gmt-dcw"),
        help="folder with dcw-gmt.nc and dcw-states.txt",
    )
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).resolve().parent.parent / "geo" / "datasets" / "boundaries.geojson",
    )
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary file and exit 1 unless it equals --out byte for byte",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    t0 = time.perf_counter()
    gdf = build_boundaries(args.dcw, tolerance=args.tolerance)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "boundaries.geojson"
            write_geojson(gdf, fresh)
            same = fresh.read_bytes() == args.out.read_bytes()
        print(
            f"{args.out}: {'identical to' if same else 'DIFFERS from'} a fresh build "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        return 0 if same else 1
    write_geojson(gdf, args.out)
    size = args.out.stat().st_size
    areas = gdf.to_crs("+proj=aea +lat_1=15 +lat_2=45 +lon_0=111").area / 1e6
    print(
        f"{args.out}: {len(gdf)} rows, {_vertex_count(gdf)} vertices, "
        f"{size} bytes ({size / 1e6:.2f} MB), tolerance {args.tolerance} deg, box {BOX}, "
        f"{time.perf_counter() - t0:.1f} s"
    )
    for (cc, a1, code), km2 in zip(
        gdf[[C.COUNTRY, C.ADMIN1, C.ADMIN1_CODE]].itertuples(index=False, name=None),
        areas,
        strict=True,
    ):
        print(f"  {cc} {code or '--':3} {a1 or '(country)':24} {math.floor(km2):>10,d} km2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
