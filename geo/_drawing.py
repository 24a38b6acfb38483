"""How :class:`geo.Build` and :class:`geo.PathsResult` draw themselves: the one body behind
``explore`` (same layers with or without ``m``), ``plot``, ``figure`` and the notebook summary.

Map libraries (folium, matplotlib) are imported inside the functions, on first use.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, TypeAlias

from geo import columns as C
from geo._errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import folium
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from xyzservices import TileProvider

    from geo.pipeline import Prepared

    #: Basemaps for ``explore``: an xyzservices name or provider, or several; ``None``: none.
    Tiles: TypeAlias = str | TileProvider | Sequence[str | TileProvider] | None

__all__ = ["check_column", "explore_map", "plot_axes", "report_figure", "summary_html",
           "tile_list"]


def check_column(column: str | None, method: str) -> None:
    """``column`` is ``None`` or ``"risk_band"`` (what the risk map colours by); anything else
    is a :class:`geo.UsageError` naming the geopandas method that maps any column."""
    if column is not None and column != C.RISK_BAND:
        raise UsageError(f"the risk map colours segments by {C.RISK_BAND!r}; for a map of "
                         f"{column!r} use Build.segments.{method}(column={column!r})",
                         field="column")


def tile_list(tiles: Tiles) -> tuple[Any, ...]:
    """``tiles`` as a tuple of names or providers: one name is one basemap, not its letters.

    >>> tile_list("OpenStreetMap"), tile_list(None), tile_list(["A", "B"])
    (('OpenStreetMap',), (), ('A', 'B'))
    """
    from xyzservices import TileProvider

    if tiles is None:
        return ()
    if isinstance(tiles, str | TileProvider):  # a TileProvider is a dict: not a list of keys
        return (tiles,)
    return tuple(tiles)


def explore_map(p: Prepared, m: folium.Map | None, *, tiles: Tiles, title: str,
                column: str | None, cluster_threshold: int | None,
                aggregate_points: int | None, collapsed_layers: bool,
                paths: gpd.GeoDataFrame | None = None) -> folium.Map:
    """:meth:`geo.Build.explore` (and :meth:`geo.PathsResult.explore`, with ``paths``)."""
    from geo.maps._payload import sources_of
    from geo.maps.interactive import build_map

    check_column(column, "explore")
    options: dict[str, Any] = {}
    if cluster_threshold is not None:
        options["cluster_threshold"] = cluster_threshold
    if aggregate_points is not None:
        options["aggregate_points"] = aggregate_points
    return build_map(p.scored, p.incidents, p.boundaries, as_of=p.as_of, model=p.model,
                     timeline=p.timeline, paths=paths, sources=sources_of(p.incidents),
                     public=p.public, title=title, tiles=tile_list(tiles),
                     collapsed_layers=collapsed_layers, m=m, **options)


def plot_axes(p: Prepared, ax: Axes | None, *, legend: bool, title: str | None,
              column: str | None, figsize: tuple[float, float], context: bool = True) -> Axes:
    """:meth:`geo.Build.plot`."""
    from geo.maps.static import draw_risk_map

    check_column(column, "plot")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return draw_risk_map(ax, p.scored, p.incidents, p.boundaries, as_of=p.as_of,
                         model=p.model, public=p.public, legend=legend, title=title,
                         context=context, context_osm=p.context_osm)


def report_figure(p: Prepared, *, title: str | None, route: str | None) -> Figure:
    """:meth:`geo.Build.figure`."""
    from geo.maps._payload import sources_of
    from geo.maps.static import plot_risk_map

    scored = p.scored
    if route is not None:
        scored = scored[scored[C.ROUTE] == route]
        if not len(scored):
            known = ", ".join(sorted(map(str, p.scored[C.ROUTE].unique())))
            raise UsageError(f"no corridor of the route family {route!r}; families: "
                             f"{known}", field="route")
    return plot_risk_map(scored, p.incidents, p.boundaries, as_of=p.as_of, model=p.model,
                         title=title, sources=sources_of(p.incidents), public=p.public,
                         context_osm=p.context_osm)


def summary_html(*, as_of: str, public: bool, n_segments: int, n_routes: int,
                 n_families: int, n_incidents: int, bands: Mapping[int, int],
                 status: Mapping[str, int], worst: Sequence[Mapping[Any, Any]]) -> str:
    """The notebook summary of a build (``Build._repr_html_``): every text escaped."""
    from geo.maps._style import BAND_COLOURS

    esc = html.escape
    band_cells = "".join(
        f'<td style="background:{esc(BAND_COLOURS[b - 1])};padding:0 6px">{b}: {n}</td>'
        for b, n in bands.items())
    rows = "".join(
        f"<tr><td>{esc(str(r[C.CORRIDOR_ID]))}</td><td>{esc(str(r[C.ROUTE]))}</td>"
        f"<td>{float(r[C.LENGTH_KM]):.0f}</td><td>{float(r[C.EXPOSURE]):.3f}</td>"
        f"<td>{float(r[C.EXPOSURE_INDEX]):.2f}</td><td>{int(r[C.MAX_BAND])}</td></tr>"
        for r in worst)
    counts = ", ".join(f"{v} {esc(k)}" for k, v in status.items())
    mark = "PUBLIC (generalised)" if public else "RESTRICTED"
    return (
        f"<div><b>routerisk build</b> as of {esc(as_of)} · {mark}<br>"
        f"{n_segments} segments on {n_routes} corridors "
        f"({n_families} route families); {n_incidents} incidents ({counts})"
        f"<table><tr><td>bands</td>{band_cells}</tr></table>"
        "<table><thead><tr><th>worst corridors</th><th>route</th><th>km</th>"
        "<th>exposure</th><th>exposure index</th><th>max band</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
