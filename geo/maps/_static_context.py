"""The offline basemap under the static maps, and place names placed around each other.

:func:`frame_context` reads :func:`geo.maps.basemap.load_context` for the map window (its
box in degrees) and projects it to the map's CRS; :func:`draw_context` draws sea, land,
neighbouring countries, coast, lakes, rivers, railways and roads under the risk layers.

:func:`draw_place_labels` writes place names as real text. Each name is anchored at its place's
own coordinates (a dot there) and tried at four offsets, east first; an offset is taken only if
its box overlaps no name already placed, covers no other place's dot and stays inside the map,
so a name never reads as belonging to a neighbouring dot and never sits across another
place's side. Places are tried by importance: the corridors' end places first, then capitals
and larger towns (Natural Earth's ranking, then population), as many as the map's scale
admits (:func:`frame_zoom`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import Stroke
from matplotlib.transforms import Bbox

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SEA_COLOUR", "PlaceLabel", "draw_context", "draw_place_labels", "frame_bounds",
           "frame_context", "frame_zoom"]

SEA_COLOUR = "#dce8f1"
CONTEXT_LAND = "#fbfaf7"
WATER_LINE = "#8db4d3"
NEIGHBOUR_BORDER = "#a3a3a3"
ROAD_COLOUR = "#c98b5d"
RAIL_COLOUR = "#6f6f6f"
PLACE_INK = "#111111"
TOWN_INK = "#3a3a3a"
_HALO = [Stroke(linewidth=2.2, foreground="white")]
#: Screen pixels per inch used to compare a printed map with web-map zoom levels.
_PX_PER_IN = 96.0
#: At most this many context places are tried for a label (most important first).
MAX_TRIED = 160
#: Offsets tried, in points: (dx, dy, horizontal alignment, vertical alignment); east first.
OFFSETS: tuple[tuple[float, float, str, str], ...] = (
    (4, 1.5, "left", "bottom"), (4, -1.5, "left", "top"),
    (-4, 1.5, "right", "bottom"), (-4, -1.5, "right", "top"))


@dataclass(frozen=True)
class PlaceLabel:
    """A place to name: projected position, name, and how it is drawn."""

    name: str
    x: float
    y: float
    size: float = 6.8
    bold: bool = False
    corridor_end: bool = False


def frame_bounds(crs: pyproj.CRS, xmin: float, ymin: float, xmax: float, ymax: float
                 ) -> tuple[float, float, float, float]:
    """The map window (projected) as a box in degrees that contains all of it."""
    to_geo = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    t = np.linspace(0.0, 1.0, 33)
    xs = np.concatenate([xmin + t * (xmax - xmin), np.full_like(t, xmax),
                         xmax - t * (xmax - xmin), np.full_like(t, xmin)])
    ys = np.concatenate([np.full_like(t, ymin), ymin + t * (ymax - ymin),
                         np.full_like(t, ymax), ymax - t * (ymax - ymin)])
    lon, lat = to_geo.transform(xs, ys)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    return (max(-180.0, float(lon.min()) - 0.5), max(-90.0, float(lat.min()) - 0.5),
            min(180.0, float(lon.max()) + 0.5), min(90.0, float(lat.max()) + 0.5))


def frame_zoom(map_width_m: float, width_in: float, lat: float = 0.0) -> float:
    """The web-map zoom level whose scale matches a printed map ``width_in`` inches wide
    showing ``map_width_m`` metres (at :data:`_PX_PER_IN` pixels an inch).

    >>> round(frame_zoom(1_800_000, 7.5), 1)  # DR Congo on an A4 page
    6.0
    """
    metres_per_px = map_width_m / max(width_in * _PX_PER_IN, 1.0)
    return math.log2(156_543.03 * math.cos(math.radians(lat)) / metres_per_px)


def frame_context(crs: pyproj.CRS, window: tuple[float, float, float, float], *,
                  zoom: float, osm: str | Path | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The basemap of a projected map window, in the window's CRS, features that matter at
    ``zoom`` only (places one level further)."""
    from geo.maps.basemap import load_context

    ctx = load_context(frame_bounds(crs, *window), osm=osm, max_zoom=math.floor(zoom) + 1)
    # detail finer than ~0.1 mm on the printed page only adds bytes to the SVG and PDF
    tolerance = 0.0005 * (window[2] - window[0])
    out: dict[str, gpd.GeoDataFrame] = {}
    for layer, frame in ctx.items():
        if layer not in ("places", "countries", "land"):
            frame = frame[frame["min_zoom"].to_numpy() <= math.floor(zoom)]
        geoms = frame.geometry.values
        if layer != "places":
            geoms = shapely.segmentize(geoms, 0.5)
        projected = gpd.GeoSeries(geoms, crs=4326).to_crs(crs).values
        if layer != "places":
            projected = shapely.simplify(projected, tolerance, preserve_topology=True)
        keep = ~shapely.is_empty(projected) & shapely.is_valid(projected)  # not past the far side
        out[layer] = gpd.GeoDataFrame(frame.drop(columns="geometry")[keep],
                                      geometry=projected[keep], crs=crs)
    return out


def _ring_codes(n: int) -> list[np.uint8]:
    return [MplPath.MOVETO, *([MplPath.LINETO] * (n - 2)), MplPath.CLOSEPOLY]


def _polygon_path(geom: Any) -> MplPath | None:
    """A compound matplotlib path (holes included) of a Polygon or MultiPolygon."""
    verts: list[np.ndarray] = []
    codes: list[np.uint8] = []
    for poly in shapely.get_parts(geom):
        if not isinstance(poly, shapely.Polygon) or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 4:
                continue
            verts.append(xy)
            codes.extend(_ring_codes(len(xy)))
    if not verts:
        return None
    return MplPath(np.concatenate(verts), codes)


def _line_parts(geoms: Sequence[Any] | np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Coordinate arrays of every line part, and the index of the geometry each came from."""
    parts, index = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    lines: list[np.ndarray] = []
    keep: list[int] = []
    for part, i in zip(parts, index, strict=True):
        if part is None or part.is_empty:
            continue
        if isinstance(part, shapely.LinearRing | shapely.LineString):
            lines.append(np.asarray(part.coords)[:, :2])
            keep.append(int(i))
    return lines, np.asarray(keep, dtype=int)


def _polygon_paths(geoms: Any) -> list[MplPath]:
    paths = [_polygon_path(g) for g in np.asarray(geoms, dtype=object)]
    return [p for p in paths if p is not None]


def _lines(geoms: Any) -> list[np.ndarray]:
    return _line_parts(np.asarray(geoms, dtype=object))[0]


def draw_context(ax: Axes, ctx: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Sea (the axes background), land, neighbouring countries, water, railways and roads,
    under everything else. Returns the names of the layers drawn (for the legend)."""
    ax.set_facecolor(SEA_COLOUR)
    drawn: list[str] = []
    land = _polygon_paths(ctx["land"].geometry.values)
    if land:
        ax.add_collection(PathCollection(land, facecolors=CONTEXT_LAND, edgecolors="none",
                                         zorder=-2))
    borders = _lines(shapely.boundary(ctx["countries"].geometry.values))
    if borders:
        ax.add_collection(LineCollection(borders, colors=NEIGHBOUR_BORDER, linewidths=0.5,
                                         zorder=-1))
    lakes = _polygon_paths(ctx["lakes"].geometry.values)
    if lakes:
        ax.add_collection(PathCollection(lakes, facecolors=SEA_COLOUR, edgecolors=WATER_LINE,
                                         linewidths=0.3, zorder=0.6))
    coast = _lines(ctx["coastline"].geometry.values)
    if coast:
        ax.add_collection(LineCollection(coast, colors=WATER_LINE, linewidths=0.4, zorder=0.6))
    rivers = _lines(ctx["rivers"].geometry.values)
    if rivers:
        ax.add_collection(LineCollection(rivers, colors=WATER_LINE, linewidths=0.6, zorder=0.6))
    if lakes or rivers:
        drawn.append("water")
    rail = _lines(ctx["railways"].geometry.values)
    if rail:
        ax.add_collection(LineCollection(rail, colors=RAIL_COLOUR, linewidths=0.45,
                                         linestyles=(0, (3, 2)), zorder=0.7))
        drawn.append("railways")
    roads = _lines(ctx["roads"].geometry.values)
    if roads:
        ax.add_collection(LineCollection(roads, colors=ROAD_COLOUR, linewidths=0.55,
                                         zorder=0.7))
        drawn.append("roads")
    return drawn


def context_labels(places: gpd.GeoDataFrame, *, zoom: float, skip: set[str]
                   ) -> list[PlaceLabel]:
    """Labels for the basemap's places worth naming at ``zoom``, most important first,
    leaving out the names in ``skip`` (already named as corridor ends)."""
    out: list[PlaceLabel] = []
    shown = places[places["min_zoom"].to_numpy() <= zoom + 0.5]
    for name, geom, capital, min_zoom in zip(shown["name"], shown.geometry.values,
                                             shown["capital"], shown["min_zoom"], strict=True):
        if not name or name in skip or geom is None or geom.is_empty:
            continue
        skip.add(name)
        size = 6.8 if capital or min_zoom <= zoom - 2 else 6.2
        out.append(PlaceLabel(str(name), float(geom.x), float(geom.y), size=size,
                              bold=bool(capital)))
        if len(out) >= MAX_TRIED:
            break
    return out


#: Display units (pixels at 100 dpi) around a dot that no other name may cover.
DOT_PAD = 3.0
#: A place whose dot lies this close to a dot already drawn is not named (the two would read
#: as one place at this scale).
DOT_MIN_GAP = 6.0


def _covers(box: Bbox, dots: np.ndarray, pad: float = DOT_PAD) -> np.ndarray:
    """Which dots (display units) lie inside ``box`` grown by ``pad``."""
    return ((dots[:, 0] > box.x0 - pad) & (dots[:, 0] < box.x1 + pad)
            & (dots[:, 1] > box.y0 - pad) & (dots[:, 1] < box.y1 + pad))


def draw_place_labels(ax: Axes, labels: Sequence[PlaceLabel], placed: list[Bbox]
                      ) -> tuple[int, int]:
    """Dot and name of each place, in order, where the name fits (see the module docstring).

    Corridor ends always get their dot; other places only when their name is drawn, and not
    when their dot would lie under a name already placed. Names are text in SVG and PDF, with a
    white halo drawn as a separate outline beneath. Returns the numbers of corridor-end names
    and of other names drawn.
    """
    if not labels:
        return 0, 0
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    area = ax.get_window_extent(renderer)
    xy = np.array([[lab.x, lab.y] for lab in labels], dtype=float)
    dots = ax.transData.transform(xy)
    visible = ((dots[:, 0] >= area.x0) & (dots[:, 0] <= area.x1)
               & (dots[:, 1] >= area.y0) & (dots[:, 1] <= area.y1))
    shown = np.array([lab.corridor_end for lab in labels], dtype=bool) & visible
    if shown.any():
        ax.plot(xy[shown, 0], xy[shown, 1], marker="o", markersize=2.6,
                markerfacecolor="white", markeredgecolor=PLACE_INK, markeredgewidth=0.7,
                linestyle="none", zorder=8)
    drawn = 0
    towns: list[int] = []
    to_px = ax.figure.dpi / 72.0
    for k, lab in enumerate(labels):
        if not visible[k]:
            continue
        if not lab.corridor_end:
            gap = np.hypot(*(dots[shown] - dots[k]).T) if shown.any() else np.zeros(0)
            if (gap < DOT_MIN_GAP).any() or any(_covers(b, dots[k:k + 1])[0] for b in placed):
                continue
        others = shown.copy()
        others[k] = False
        style: dict[str, Any] = {"textcoords": "offset points", "fontsize": lab.size,
                                 "fontweight": "bold" if lab.bold else "normal",
                                 "annotation_clip": True}
        # one text measured; the four candidate boxes follow from its size and the offsets
        text = ax.annotate(lab.name, (lab.x, lab.y), xytext=(0, 0), ha="left", va="bottom",
                           zorder=9, gid="place-label",
                           color=PLACE_INK if lab.corridor_end else TOWN_INK, **style)
        size = text.get_window_extent(renderer)
        for dx, dy, ha, va in OFFSETS:
            x0 = dots[k, 0] + dx * to_px - (size.width if ha == "right" else 0.0)
            y0 = dots[k, 1] + dy * to_px - (size.height if va == "top" else 0.0)
            box = Bbox.from_bounds(x0, y0, size.width, size.height)
            if (area.contains(box.x0, box.y0) and area.contains(box.x1, box.y1)
                    and not any(box.overlaps(b) for b in placed)
                    and not _covers(box, dots[others]).any()):
                text.set(x=dx, y=dy, ha=ha, va=va)
                placed.append(box)
                drawn += 1
                ax.annotate(lab.name, (lab.x, lab.y), xytext=(dx, dy), ha=ha, va=va,
                            zorder=8.9, color="white", path_effects=_HALO, gid="halo",
                            **style)
                if not lab.corridor_end:
                    towns.append(k)
                    shown[k] = True
                break
        else:
            text.remove()
    if towns:
        ax.plot(xy[towns, 0], xy[towns, 1], marker="o", markersize=1.8,
                markerfacecolor=TOWN_INK, markeredgecolor="white", markeredgewidth=0.3,
                linestyle="none", zorder=7.9, gid="town-dots")
    # later labels (country names) keep off the dots too
    placed.extend(Bbox.from_extents(x - DOT_PAD, y - DOT_PAD, x + DOT_PAD, y + DOT_PAD)
                  for x, y in dots[shown].tolist())
    return drawn - len(towns), len(towns)
