"""The map's layers: the offline basemap, boundaries, corridor segments in their band colours,
incidents by type and coarse incidents' units.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath

from geo import columns as C
from geo.io import WGS84
from geo.maps._style import (
    BAND_COLOURS,
    BORDER_COLOUR,
    CASING_COLOUR,
    COARSE_HATCH,
    COUNTRY_BORDER_COLOUR,
    LAND_COLOUR,
    OUTSIDE_COLOUR,
    OUTSIDE_DASH,
    incident_symbol,
)
from geo.maps.static.context import (
    _line_parts,
    _polygon_path,
)
from geo.maps.static.frame import _Frame, _present
from geo.model.config import RiskModel
from geo.model.known import known_by

if TYPE_CHECKING:
    from matplotlib.axes import Axes

RASTER_SEGMENTS = 10_000


def _draw_boundaries(ax: Axes, boundaries: gpd.GeoDataFrame, frame: _Frame
                     ) -> gpd.GeoDataFrame:
    """Land, first-level and country borders; returns the countries (dissolved, clipped)."""
    if not len(boundaries):
        return gpd.GeoDataFrame({C.COUNTRY: []}, geometry=[], crs=frame.crs)
    # long straight edges (a layer clipped to a lon/lat box) follow their meridian or parallel
    wgs = boundaries.to_crs(WGS84)
    proj = wgs.set_geometry(shapely.segmentize(wgs.geometry.values, 0.25)).to_crs(frame.crs)
    clipped = shapely.clip_by_rect(proj.geometry.values, *frame.grown(0.2))
    # detail finer than ~0.1 mm on the printed page only adds bytes to the SVG and PDF
    clipped = shapely.simplify(clipped, 0.0005 * (frame.xmax - frame.xmin),
                               preserve_topology=True)
    units = gpd.GeoDataFrame(proj.drop(columns="geometry"), geometry=clipped, crs=frame.crs)
    units = units[_present(units.geometry.values)]
    # land and first-level borders in one pass (country-only rows get no thin edge)
    paths = [_polygon_path(g) for g in units.geometry.values]
    edges = np.where(units[C.ADMIN1].astype(str).to_numpy() != "", BORDER_COLOUR, "none")
    kept = [(path, str(edge)) for path, edge in zip(paths, edges, strict=True)
            if path is not None]
    ax.add_collection(PathCollection([p for p, _ in kept], facecolors=LAND_COLOUR,
                                     edgecolors=[e for _, e in kept], linewidths=0.3, zorder=0))
    countries = units.dissolve(by=C.COUNTRY, sort=True)
    # Close slivers between units simplified apart, narrower than 0.1 % of the map (invisible in
    # print), so that they do not show as country borders inside a country.
    eps = 0.001 * (frame.xmax - frame.xmin)
    countries = countries.set_geometry(
        shapely.buffer(shapely.buffer(countries.geometry.values, eps, quad_segs=2), -eps,
                       quad_segs=2))
    outlines = shapely.boundary(countries.geometry.values)
    # A boundaries layer clipped to a study box ends in straight cuts: those are the edge of the
    # data, not borders, so the country outline is not drawn along the layer's bounding box.
    west, south, east, north = (float(v) for v in wgs.total_bounds)
    edge = shapely.segmentize(shapely.box(west, south, east, north).exterior, 0.25)
    edge_m = gpd.GeoSeries([edge], crs=WGS84).to_crs(frame.crs).values[0]
    outlines = shapely.difference(outlines, shapely.buffer(edge_m, 2 * eps))
    lines, _ = _line_parts(outlines)
    ax.add_collection(LineCollection(lines, colors=COUNTRY_BORDER_COLOUR, linewidths=0.9,
                                     capstyle="round", joinstyle="round", zorder=3))
    return countries



def _band_paths(geoms: np.ndarray, key: np.ndarray) -> dict[int, MplPath]:
    """One compound path (MOVETO at every line part) per value of ``key`` (one per geometry),
    built with array operations: no Python object per segment."""
    parts, index = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    keep = ~(shapely.is_missing(parts) | shapely.is_empty(parts))
    parts, index = parts[keep], index[keep]
    coords, of = shapely.get_coordinates(parts, return_index=True)
    if not len(coords):
        return {}
    starts = np.r_[True, of[1:] != of[:-1]]
    vkey = np.asarray(key)[index][of]
    out = {}
    for k in np.unique(vkey).tolist():
        pick = vkey == k
        codes = np.where(starts[pick], MplPath.MOVETO, MplPath.LINETO).astype(np.uint8)
        out[int(k)] = MplPath(coords[pick], codes)
    return out


def _draw_segments(ax: Axes, scored_m: gpd.GeoDataFrame, *, tolerance: float = 0.0
                   ) -> tuple[bool, bool]:
    """Segments in band colours over a dark casing, one compound path per band (the worst
    drawn last, on top); those outside every boundary polygon grey and dashed. Above
    :data:`RASTER_SEGMENTS` segments the lines are rasterised in SVG/PDF (a vector path per
    segment would make files nobody can open).

    Returns (any segment outside the boundaries, lines rasterised).
    """
    if not len(scored_m):
        return False, False
    from geo.maps._payload import outside_mask

    raster = len(scored_m) > RASTER_SEGMENTS
    bands = np.clip(scored_m[C.RISK_BAND].to_numpy(dtype=int), 1, 5)
    outside = outside_mask(scored_m)
    geoms = scored_m.geometry.values
    if tolerance > 0:  # detail finer than the printed line width adds only work
        geoms = shapely.simplify(np.asarray(geoms, dtype=object), tolerance)
    paths = _band_paths(geoms, np.where(outside, 0, bands))
    line: dict[str, Any] = {"facecolors": "none", "capstyle": "round", "joinstyle": "round",
                            "rasterized": raster}
    casing = [p for k, p in paths.items() if k > 0]
    if casing:
        ax.add_collection(PathCollection(casing, edgecolors=CASING_COLOUR, linewidths=3.3,
                                         zorder=4, **line))
    if 0 in paths:
        ax.add_collection(PathCollection([paths[0]], edgecolors="white", linewidths=2.4,
                                         zorder=4.9, **line))
        ax.add_collection(PathCollection([paths[0]], edgecolors=OUTSIDE_COLOUR, linewidths=2.4,
                                         linestyles=[(0, OUTSIDE_DASH)], zorder=5,
                                         **{**line, "capstyle": "butt"}))
    for k in range(1, 6):
        if k in paths:
            ax.add_collection(PathCollection([paths[k]], edgecolors=BAND_COLOURS[k - 1],
                                             linewidths=2.4, zorder=5 + k / 10, **line))
    return bool(outside.any()), raster


_SHOWN_HALF_LIVES = 4.0  # incidents older than this many half-lives (weight < 1/16) not drawn


def _incidents_until(incidents: gpd.GeoDataFrame, as_of: date) -> gpd.GeoDataFrame:
    if not len(incidents):
        return incidents
    known = known_by(incidents) <= np.datetime64(as_of, "D")  # the known-by rule of geo.model.known
    return incidents[known]


def _incidents_shown(incidents: gpd.GeoDataFrame, as_of: date, model: RiskModel
                     ) -> gpd.GeoDataFrame:
    """Incidents up to ``as_of`` that still weigh on it: their period (or interval) ended less
    than four half-lives of their type before ``as_of``."""
    until = _incidents_until(incidents, as_of)
    if not len(until):
        return until
    end = until[C.PERIOD_END].to_numpy(dtype="datetime64[D]")
    age = (np.datetime64(as_of, "D") - end).astype(float)
    half_life = np.array([model.types[t].half_life_days if t in model.types else np.inf
                          for t in until[C.TYPE].astype(str)], dtype=float)
    return until[age <= _SHOWN_HALF_LIVES * half_life]


def _draw_incidents(ax: Axes, incidents: gpd.GeoDataFrame, frame: _Frame,
                    model: RiskModel) -> list[str]:
    """Point incidents by type; returns the types drawn, in the order of the legend."""
    if not len(incidents):
        return []
    is_point = (incidents[C.GEO_PRECISION].to_numpy(dtype=int) <= 2) & _present(
        incidents.geometry.values)
    points = incidents[is_point]
    if not len(points):
        return []
    proj = points.geometry.to_crs(frame.crs)
    drawn: list[str] = []
    for itype in sorted(points[C.TYPE].astype(str).unique()):
        mask = (points[C.TYPE].astype(str) == itype).to_numpy()
        xy = shapely.get_coordinates(proj.values[mask])
        sym = incident_symbol(itype, model.types)
        ax.plot(xy[:, 0], xy[:, 1], linestyle="none", marker=sym.marker, markersize=4.6,
                markerfacecolor=sym.colour if sym.filled else "white",
                markeredgecolor="white" if sym.filled else sym.colour,
                markeredgewidth=0.5 if sym.filled else 0.8, zorder=7, clip_on=True)
        drawn.append(itype)
    return drawn


def _draw_coarse_units(ax: Axes, incidents: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                       frame: _Frame) -> int:
    """Hatch the first-level units holding incidents known only to that unit (precision 3)."""
    if not len(incidents) or not len(boundaries):
        return 0
    coarse = incidents[incidents[C.GEO_PRECISION].to_numpy(dtype=int) == 3]
    if not len(coarse):
        return 0
    keys = set(zip(coarse[C.COUNTRY].astype(str), coarse[C.ADMIN1].astype(str), strict=True))
    mask = [(c, a) in keys for c, a in zip(boundaries[C.COUNTRY].astype(str),
                                           boundaries[C.ADMIN1].astype(str), strict=True)]
    units = boundaries[np.asarray(mask, dtype=bool)].to_crs(frame.crs)
    clipped = shapely.clip_by_rect(units.geometry.values, *frame.grown(0.2))
    paths = [p for p in (_polygon_path(g) for g in clipped) if p is not None]
    if paths:
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors="#8c8c8c",
                                         linewidths=0.0, hatch=COARSE_HATCH, zorder=1.5))
    return len(paths)



def _basemap(frame: _Frame, width_in: float, *, context: bool,
             context_osm: str | Path | None) -> tuple[dict[str, gpd.GeoDataFrame] | None, float]:
    """The basemap of the frame (None without ``context``) and the frame's web zoom level."""
    from geo.maps.static.context import frame_context, frame_zoom

    lat0 = pyproj.Transformer.from_crs(frame.crs, WGS84, always_xy=True).transform(
        (frame.xmin + frame.xmax) / 2, (frame.ymin + frame.ymax) / 2)[1]
    zoom = frame_zoom(frame.xmax - frame.xmin, width_in, float(lat0))
    if not context:
        return None, zoom
    window = (frame.xmin, frame.ymin, frame.xmax, frame.ymax)
    return frame_context(frame.crs, window, zoom=zoom, osm=context_osm), zoom
