"""Static risk maps for reports: PNG (300 dpi), SVG and PDF at A4 width, made with matplotlib.

The figure shows every corridor segment in its risk band colour (the same five colours as the
HTML map, from :mod:`geo.maps._style`), the incidents up to the as-of date by type, country
borders (bold) and first-level borders (thin) over the offline basemap (sea, land, neighbouring
countries with their names, lakes, rivers, roads and railways: :mod:`geo.maps.basemap`), the
names of the places at the corridors' ends and of the towns the scale leaves room for
(:mod:`geo.maps.static.context`), a legend with units and thresholds, a scale bar, the title,
the as-of date, the sources, a line on the method and a RESTRICTED / PUBLIC mark.

The map is drawn in :func:`geo.io.study_crs` (azimuthal equidistant, centred on the corridors),
never in plate carrée. Text that comes from data (titles, source and place names, labels from
the model configuration) is drawn as plain text: mathtext is switched off, so ``$`` and ``\\``
show as typed. Nothing here touches pyplot or the global matplotlib backend: figures are plain
:class:`matplotlib.figure.Figure` objects with an Agg canvas, and style settings apply only
inside the functions (``rc_context``). Saved files carry no dates, so the same inputs give the
same bytes.

Where the parts live: :mod:`geo.maps.static.frame` (page layout in inches, style, extent,
graticule, scale bar), :mod:`geo.maps.static.layers` (basemap, boundaries, segments,
incidents), :mod:`geo.maps.static.labels` (country and place names),
:mod:`geo.maps.static.legend` (legends and footer text) and :mod:`geo.maps.static.context`
(the basemap's layers and town labels); this module puts them on one A4 figure and saves it.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from geo import columns as C
from geo.export import STATIC_FORMATS
from geo.io import WGS84, study_crs
from geo.maps._style import BAND_COLOURS
from geo.maps.static import layers as _layers
from geo.maps.static.context import draw_context, draw_place_labels
from geo.maps.static.frame import (
    _FOOTER_LINE,
    _LEGEND_H,
    _MARGIN_L,
    _MARGIN_R,
    _SAVE_METADATA,
    _TOP_BLOCK,
    A4_WIDTH_IN,
    PNG_DPI,
    _draw_graticule,
    _draw_scale_bar,
    _frame,
    _style,
)
from geo.maps.static.frame import _nice_number as _nice_number
from geo.maps.static.labels import _label_countries, _named_countries, _place_labels, city_labels
from geo.maps.static.layers import (
    RASTER_SEGMENTS,
    _basemap,
    _draw_boundaries,
    _draw_coarse_units,
    _draw_incidents,
    _draw_segments,
    _incidents_shown,
)
from geo.maps.static.legend import (
    _band_legend_labels,
    _basemap_credit,
    _clean,
    _counts_text,
    _draw_legends,
    _method_text,
    _sources_text,
)
from geo.model.config import RiskModel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["A4_WIDTH_IN", "PNG_DPI", "RASTER_SEGMENTS", "STATIC_FORMATS", "city_labels",
           "draw_risk_map", "plot_risk_map", "save_figure", "save_static_maps"]



log = logging.getLogger(__name__)


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
        Output of :func:`geo.model.scores.score_segments`.
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
    >>> from geo.model.config import load_model
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
    map_rows = 3 + 2 * (len(shown) > 0) + 2 * (len(scored) > _layers.RASTER_SEGMENTS) + (
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
    from geo._sources import sources_of

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
    >>> from geo.model.config import load_model
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
