"""Legends and footer text: bands with their thresholds, incident types, basemap layers, the
sources, the method line and the counts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from geo import __version__
from geo import columns as C
from geo.io import WGS84
from geo.maps._style import (
    BAND_COLOURS,
    BORDER_COLOUR,
    CASING_COLOUR,
    COARSE_HATCH,
    COUNTRY_BORDER_COLOUR,
    OUTSIDE_COLOUR,
    OUTSIDE_DASH,
    OUTSIDE_LABEL,
    incident_symbol,
)
from geo.maps.static.frame import _degrees, _Frame, _present
from geo.maps.static.layers import _SHOWN_HALF_LIVES, _incidents_until
from geo.model.config import RiskModel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

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
    from geo.maps.static import context as sc

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
