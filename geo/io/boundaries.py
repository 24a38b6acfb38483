"""Read first-level administrative units (boundaries), as published or in routerisk's layout.

Recognised layouts (:mod:`geo.io._boundary_formats`): routerisk's own (``country``, ``admin1``,
``admin1_code``), GADM 1.0–4.1 levels 0 and 1, OCHA COD-AB, geoBoundaries ADM0/ADM1, Natural
Earth admin-0 and admin-1, and any polygon file with a column of ISO 3166 codes (or country
names) and a column of unit names (``country_column`` / ``admin1_column`` name them when it
cannot be told). Files: GeoJSON, TopoJSON, shapefile (also zipped: ``.zip``, ``.shp.zip``),
GeoPackage (a file of several layers: the level-1 layer is taken, or name one as
``FILE.gpkg:LAYER``). Several files merge into one coverage (:mod:`geo.io._merge`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import shapely.affinity

from geo import columns as C
from geo._errors import Problem, ValidationError
from geo.io._boundary_formats import recognise
from geo.io._common import _CONTROL, _clean_column, _Collector
from geo.io._merge import merge_boundaries
from geo.io._vector import (
    _POLYGONAL,
    _area_km2,
    _check_geometries,
    _read_vector,
    _to_wgs84,
    _validity_reason,
)
from geo.io.crs import WGS84

__all__ = ["import_boundaries", "read_boundaries"]

log = logging.getLogger(__name__)
PathLike = str | os.PathLike[str]


def read_boundaries(path: PathLike | Sequence[PathLike], *, repair: bool = False,
                    country_column: str | None = None, admin1_column: str | None = None
                    ) -> gpd.GeoDataFrame:
    """Read first-level administrative units from one file or several.

    Parameters
    ----------
    path
        A vector file (GeoJSON, shapefile, zipped shapefile, GeoPackage; ``FILE.gpkg:LAYER``
        names a layer), or several: a country layer and a province layer merge into one
        coverage (provinces where they exist, country rows elsewhere; see ``docs/inputs.md``).
    repair
        Repair invalid polygons with :func:`shapely.make_valid` instead of reporting them as
        errors; each repair is reported with an :class:`InputWarning` giving the reason and the
        old and new geodesic area. Published formats (GADM, geoBoundaries, Natural Earth) are
        always repaired this way.
    country_column, admin1_column
        The column of country codes (ISO 3166 alpha-2 or alpha-3) or country names, and the
        column of first-level unit names, for a file whose columns cannot be told apart by
        their content. With several files, each file that has the column uses it; a column no
        file has is an error.

    Returns
    -------
    GeoDataFrame
        Columns ``country``, ``admin1``, ``admin1_code``, geometry; EPSG:4326.
        ``attrs["read_as"]`` says what was read, e.g. ``"GADM level 1: 26 units"``, and
        ``attrs["format"]`` the format's name (``"routerisk"`` for the canonical layout).

    Examples
    --------
    >>> from geo import datasets
    >>> units = read_boundaries(datasets.get_path("boundaries"))
    >>> units.columns[:3].tolist(), units.crs.to_epsg()
    (['country', 'admin1', 'admin1_code'], 4326)
    >>> units.attrs["read_as"]
    'routerisk boundaries: 42 units'
    """
    sources = [path] if isinstance(path, str | os.PathLike) else list(path)
    named = {"country_column": country_column, "admin1_column": admin1_column}
    if len(sources) == 1:
        return _read_one(sources[0], repair=repair, strict_columns=True, **named)
    parts: list[gpd.GeoDataFrame] = []
    problems: list[Problem] = []
    for source in sources:
        try:
            parts.append(_read_one(source, repair=repair, strict_columns=False, **named))
        except ValidationError as exc:
            problems.extend(exc.problems)
    for option, column in named.items():
        if column is not None and not problems and not any(
                column in p.attrs.get("columns_used", ()) for p in parts):
            problems.append(Problem(", ".join(str(s) for s in sources), "-", option,
                                    f"no boundary file has a column {column!r}"))
    if problems:
        raise ValidationError(problems)
    return merge_boundaries(parts, [str(s) for s in sources])


def import_boundaries(sources: Sequence[Path], out: Path, *, country_column: str | None = None,
                      admin1_column: str | None = None) -> str:
    """Read boundary files as published and write them as one canonical GeoJSON file.

    The file is written atomically (a temporary file beside ``out``, then a rename).

    Parameters
    ----------
    sources
        Boundary files in any layout :func:`read_boundaries` reads; several merge into one
        coverage.
    out
        The GeoJSON file to write (columns ``country``, ``admin1``, ``admin1_code``).
    country_column, admin1_column
        As for :func:`read_boundaries`.

    Returns
    -------
    str
        The summary line, e.g. ``"boundaries read as GADM level 1: 26 units; wrote P"``.

    Raises
    ------
    ValidationError
        Listing every problem of every source; nothing is written then.
    """
    gdf = read_boundaries(list(sources), country_column=country_column,
                          admin1_column=admin1_column)
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".geojson", dir=out.parent)
    os.close(fd)
    try:
        Path(tmp).unlink()
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return f"boundaries read as {gdf.attrs['read_as']}; wrote {out}"


def _split_layer(text: str) -> tuple[Path, str | None]:
    """``FILE.gpkg:LAYER`` → (FILE.gpkg, LAYER); any other path → (path, None)."""
    path = Path(text)
    if path.exists() or ":" not in text:
        return path, None
    base, _, layer = text.rpartition(":")
    return (Path(base), layer) if Path(base).exists() and layer else (path, None)


def _layer_by_level(names: list[str]) -> str | None:
    """The level-1 layer of a GeoPackage of several levels (GADM's ``ADM_ADM_1``,
    ``gadm36_COD_1``), else its level-0 layer; None when no name says its level."""
    for level in ("1", "0"):
        for name in names:
            upper = name.upper()
            if upper.endswith((f"_{level}", f"ADM{level}")):
                return name
    return None


def _read_one(source: PathLike, *, repair: bool, strict_columns: bool,
              country_column: str | None, admin1_column: str | None) -> gpd.GeoDataFrame:
    path, layer = _split_layer(os.fspath(source))
    col = _Collector(os.fspath(source))
    gdf = _read_vector(path, col, layer=layer, choose_layer=_layer_by_level)
    names = {str(c) for c in gdf.columns} | {str(c).upper() for c in gdf.columns}
    used = [c for c in (country_column, admin1_column) if c is not None
            and (strict_columns or c in names or c.upper() in names)]
    recognised = recognise(
        gdf, col, country_column=country_column if country_column in used else None,
        admin1_column=admin1_column if admin1_column in used else None)
    if recognised is not None:
        gdf = _wrap_antimeridian(gdf, col)
    _check_geometries(gdf, _POLYGONAL, col)
    wgs = _to_wgs84(gdf, col)
    col.raise_if_any()
    if recognised is not None:
        frame = recognised.frame
        keep = [i for i in range(len(gdf)) if i not in set(recognised.left_out)]
        gdf, wgs, frame = gdf.iloc[keep], wgs.iloc[keep], frame.iloc[keep]
        name = recognised.name
    else:
        frame, name = gdf, "routerisk boundaries"
    out = _canonical(frame, list(wgs.geometry), col, repair=repair or recognised is not None,
                     dissolve=recognised is not None)
    n = len(out)
    where = f" (layer {gdf.attrs['layer']})" if gdf.attrs.get("layer") else ""
    left = f", {len(recognised.left_out)} left out without a country code" if (
        recognised is not None and recognised.left_out) else ""
    out.attrs["read_as"] = f"{name}{where}: {n} unit{'s' if n != 1 else ''}{left}"
    out.attrs["format"] = "routerisk" if recognised is None else name
    out.attrs["columns_used"] = tuple(used)
    return out


def _wrap_antimeridian(gdf: gpd.GeoDataFrame, col: _Collector) -> gpd.GeoDataFrame:
    """Polygons of a published file that run past longitude ±180 (Natural Earth's Fiji to
    -181.4, Russia to 180.00000000000006) have that part moved across the antimeridian."""
    if gdf.crs is None or not gdf.crs.is_geographic:
        return gdf
    world = shapely.box(-180, -90, 180, 90)
    geoms = list(gdf.geometry)
    changed = False
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty or geom.geom_type not in _POLYGONAL:
            continue
        x0, _, x1, _ = geom.bounds
        if (x0 >= -180 and x1 <= 180) or x0 < -360 or x1 > 360:
            continue
        parts = [shapely.intersection(geom, world)]
        for shift, side in ((-360, shapely.box(180, -90, 540, 90)),
                            (360, shapely.box(-540, -90, -180, 90))):
            beyond = shapely.intersection(geom, side)
            if not beyond.is_empty:
                parts.append(shapely.affinity.translate(beyond, xoff=shift))
        polys = [q for p in parts for q in shapely.get_parts(p) if q.geom_type == "Polygon"
                 and q.area > 0]
        geoms[i] = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
        changed = True
        col.warn(f"feature {gdf[C.ROW].iat[i]}", "geometry",
                 f"runs to longitude {x0 if x0 < -180 else x1:.6g}: the part past ±180 is "
                 "moved across the antimeridian")
    return gdf.set_geometry(geoms, crs=gdf.crs) if changed else gdf


def _canonical(frame: Any, geoms: list[Any], col: _Collector, *, repair: bool,
               dissolve: bool) -> gpd.GeoDataFrame:
    """Check codes, names, duplicates and polygons; the canonical frame."""
    rows = frame[C.ROW]
    countries = [v.upper() for v in _clean_column(frame[C.COUNTRY], rows, C.COUNTRY, col,
                                                  free_text=False)]
    admin1 = (_clean_column(frame[C.ADMIN1], rows, C.ADMIN1, col, free_text=True)
              if C.ADMIN1 in frame else [""] * len(frame))
    codes = (_clean_column(frame[C.ADMIN1_CODE], rows, C.ADMIN1_CODE, col, free_text=False)
             if C.ADMIN1_CODE in frame else [""] * len(frame))
    seen: dict[tuple[str, str], int] = {}
    keep = []
    for i, (row, cc, a1) in enumerate(zip(rows, countries, admin1, strict=True)):
        loc = f"feature {row}"
        if len(cc) != 2 or not (cc.isascii() and cc.isalpha()):
            col.add(loc, C.COUNTRY, f"{cc!r} is not an ISO 3166-1 alpha-2 code")
        if _CONTROL.search(a1):
            col.add(loc, C.ADMIN1, f"{a1!r} contains a control character")
        geoms[i] = _valid_polygon(geoms[i], loc, col, repair=repair)
        key = (cc, a1.casefold())
        if key not in seen:
            seen[key] = i
            keep.append(i)
        elif dissolve:
            first = seen[key]
            col.warn(loc, C.ADMIN1, f"unit {cc}/{a1 or '(country)'} appears again (first at "
                                    f"feature {rows.iat[first]}): the two are merged")
            if geoms[first] is not None and geoms[i] is not None:
                geoms[first] = shapely.union(geoms[first], geoms[i])
        else:
            col.add(loc, C.ADMIN1, f"duplicate unit {cc}/{a1 or '(country)'} "
                                   f"(first at feature {rows.iat[seen[key]]})")
    col.raise_if_any()
    return gpd.GeoDataFrame(
        {C.COUNTRY: [countries[i] for i in keep], C.ADMIN1: [admin1[i] for i in keep],
         C.ADMIN1_CODE: [codes[i] for i in keep]},
        geometry=[geoms[i] for i in keep],
        crs=WGS84,
    )


def _valid_polygon(geom: Any, loc: str, col: _Collector, *, repair: bool) -> Any:
    """The polygon, repaired when asked (with a warning giving the areas); else a problem."""
    if geom is None or col.has(loc, "geometry") or geom.is_valid:
        return geom
    reason = _validity_reason(geom)
    if not repair:
        col.add(loc, "geometry", f"invalid polygon: {reason}; the repair option fixes it "
                                 "and logs the change", option="repair=True")
        return geom
    parts = shapely.get_parts(shapely.make_valid(geom))
    polys = [q for p in parts if p.geom_type in _POLYGONAL for q in shapely.get_parts(p)]
    if not polys:
        col.add(loc, "geometry", f"invalid polygon: {reason}; repairing it leaves no area")
        return geom
    new = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    message = (f"repaired invalid polygon ({reason}): area {_area_km2(geom):.6g} km² -> "
               f"{_area_km2(new):.6g} km²")
    log.info("%s:%s: geometry: %s", col.file, loc, message)
    col.warn(loc, "geometry", message)
    return new
