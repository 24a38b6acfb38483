"""The figure's frame: page layout in inches, the style applied while drawing, the map's extent
in the study CRS (:class:`_Frame`), the graticule and the scale bar.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pyproj
import shapely
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from geo import __version__
from geo.io import WGS84

if TYPE_CHECKING:
    from matplotlib.axes import Axes

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
