"""The Python API: :func:`build` returns a :class:`Build` to explore, plot, save and question.

>>> import geo
>>> result = geo.build()            # the bundled example, as of its latest incident
>>> result.segments.columns[:3].tolist()
['segment_id', 'corridor_id', 'route']
>>> m = result.explore()            # the interactive map (a folium.Map, shown inline by Jupyter)
>>> ax = result.plot()              # the static map on matplotlib axes

The command line (``routerisk build | validate | compare | route``) is a thin layer over these
calls. Everything is computed by :func:`build`; the methods only draw and write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd

from geo import columns as C
from geo._arguments import check_formats as _check_formats
from geo._arguments import date_of as _date
from geo._arguments import path_of as _path
from geo._errors import Problem, UsageError
from geo._json import JsonList
from geo._results import Comparison, PathsResult
from geo.model.config import RiskModel
from geo.model.fit import FitResult
from geo.model.forecast import Forecast
from geo.pipeline import (
    STATIC_FORMATS,
    Prepared,
    _every_incident,
    output_columns,
    prepare,
    write_outputs,
)

if TYPE_CHECKING:
    import folium
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from geo._drawing import Tiles

__all__ = ["Build", "Comparison", "PathsResult", "build"]


PathLike = str | Path


def build(
    layers: PathLike | None = None,
    *,
    boundaries: PathLike | Sequence[PathLike] | None = None,
    corridors: PathLike | None = None,
    incidents: PathLike | None = None,
    config: PathLike | None = None,
    as_of: date | str | None = None,
    public: bool = False,
    encoding: str | None = None,
    repair: bool = False, country_column: str | None = None, admin1_column: str | None = None,
    strict: bool = False,
    min_count: int | None = None,
    id_key: PathLike | None = None,
    write_id_map: bool = False,
    today: date | str | None = None,
    engine: Literal["local", "dask"] = "local",
    scheduler: Any = None,
    context_osm: PathLike | None = None,
) -> Build:
    """Read, validate and score the layers: every segment's risk as of a date.

    Parameters
    ----------
    layers
        Folder holding ``boundaries.geojson``, ``corridors.geojson`` and ``incidents.csv``;
        default: the bundled example (:mod:`geo.datasets`).
    boundaries, corridors, incidents
        Single files, overriding the ones in ``layers``. ``boundaries`` may also be several
        files (a country layer and a province layer) merged into one coverage, in routerisk's
        layout or as published by GADM, geoBoundaries or Natural Earth.
    config
        Risk model TOML; default: the packaged model (``geo/data/risk_model.toml``). Keys not
        given keep their default.
    as_of
        Score as of this date (a :class:`datetime.date` or ``"YYYY-MM-DD"``); default: the
        day by which every incident could be known (reproducible, never "today").
    public
        Generalise and filter the incidents for publication before scoring (see
        :mod:`geo.publish`): nothing finer than the public data can be read off the result.
    encoding
        Text encoding of a non-UTF-8 incidents CSV (e.g. ``"cp1252"``); default: UTF-8,
        with a clear error naming the first undecodable row.
    repair, country_column, admin1_column
        Repair invalid boundary polygons (each repair logged) instead of reporting them; the
        boundary columns of countries and of unit names (see :func:`geo.io.read_boundaries`).
    strict
        Raise every warning (for example a corridor running outside every boundary polygon)
        as a problem instead of returning it in :attr:`Build.warnings`.
    min_count
        With ``public``: the ``count`` of incidents below this is withheld; default
        :data:`geo.settings.PUBLIC_MIN_COUNT`; 0 publishes every count.
    id_key
        File of the secret key of public incident ids (default
        :func:`geo.publish.default_key_file`, made on first use); read only by a public
        build or ``write_id_map``. Keep it outside every output folder.
    write_id_map
        Restricted builds: :meth:`Build.to_files` also writes ``public_id_map.csv``
        (original id → public id) for the organisation's own use.
    today
        The date a date "in the future" is judged against (a :class:`datetime.date` or
        ``"YYYY-MM-DD"``); default: the real today.
    engine
        Where the incident × segment pairs are found: ``"local"`` (this process) or
        ``"dask"`` (a dask.distributed cluster, see :mod:`geo.engine`).
    scheduler
        With ``engine="dask"``: a ``distributed.Client``, or a scheduler address such as
        ``"tcp://host:8786"``; default: a local cluster of 2 workers.
    context_osm
        An OpenStreetMap extract (``.osm.pbf``, ``.osm``) whose main roads, railways and place
        names the maps add to their offline basemap (:mod:`geo.maps.basemap`); checked with
        the other inputs.

    Returns
    -------
    Build
        The scored segments, route summaries and incidents with their fate.

    Raises
    ------
    geo.ValidationError
        Listing every problem of every input (``exc.problems``), each as
        ``FILE:ROW: field: what``. Nothing is half-computed.
    geo.UsageError
        For an option of the wrong value (e.g. an ``as_of`` that is not a date, an unknown
        ``engine``). A keyword that does not exist is a :class:`TypeError` at the call.

    Examples
    --------
    >>> import geo
    >>> r = geo.build(as_of="2024-06-01")
    >>> r.as_of.isoformat(), int(r.segments["risk_band"].max()) <= 5
    ('2024-06-01', True)
    """
    bounds = ([Path(b) for b in boundaries]
              if boundaries is not None and not isinstance(boundaries, str | Path)
              else _path(boundaries))
    if engine not in ("local", "dask"):
        raise UsageError(f"{engine!r} is not an engine; choose 'local' or 'dask'",
                         field="engine")
    prepared = prepare(layers=_path(layers), boundaries=bounds, corridors=_path(corridors),
                       incidents=_path(incidents), config=_path(config), public=public,
                       as_of=_date(as_of, "as_of"), encoding=encoding, repair=repair,
                       country_column=country_column, admin1_column=admin1_column,
                       strict=strict, min_count=min_count, id_key=_path(id_key),
                       write_id_map=write_id_map, today=_date(today, "today"), engine=engine,
                       scheduler=scheduler, context_osm=_path(context_osm))
    return Build(prepared)


class Build:
    """The result of :func:`build`: scored segments, summaries, incidents and their fate.

    Parameters
    ----------
    prepared
        What :func:`geo.pipeline.prepare` computed; made by :func:`build`, not by hand.

    Attributes
    ----------
    segments : geopandas.GeoDataFrame
        One row per corridor segment (EPSG:4326): ``segment_id``, ``corridor_id``, ``route``,
        ``seq``, ``country``, ``admin1``, ``length_km``, ``border_crossing``, ``coverage``
        (``"inside"`` or ``"outside"`` every boundary polygon), ``risk_density`` (weighted
        incidents per 100 km), ``risk_band`` (1–5), ``p_<H>d`` (calibrated probability of at
        least one incident on the segment in the next H days, NaN when history cannot
        support calibration; :mod:`geo.model.forecast`), ``exposure``, ``coarse_share`` (share of
        the density from incidents known only to a province or a country) and
        ``top_incidents`` (a list of ``{"incident_id", "share", "precision"}``, precision
        one of point, near, province, country, baseline; JSON text in every writer).
    routes : pandas.DataFrame
        One row per corridor: length, exposure, ``p_<H>d`` (calibrated probability of at
        least one incident along it; empty when history cannot support calibration),
        ``exposure_index`` (1 − exp(−exposure), not a probability; ``interception_index`` is
        its former name), worst band.
    families : pandas.DataFrame
        One row per route family.
    incidents : geopandas.GeoDataFrame
        Every incident read, with ``status`` (scored, future, unassigned, rejected) and
        ``reason``.
    fate : pandas.DataFrame
        ``incident_id``, ``status`` and ``reason`` of every input incident, including the
        ones a public build suppressed.
    boundaries, corridors : geopandas.GeoDataFrame
        The layers as read.
    model : geo.model.config.RiskModel
        The risk model used.
    as_of : datetime.date
        The date the scores describe.
    public : bool
        Whether the incidents were generalised for publication.
    warnings : list of geo._errors.Problem
        Suspicious but valid input (for example swapped lat/lon), one line each.
    forecast : geo.model.forecast.Forecast or None
        The calibration of ``p_<H>d`` (or why there is none) and the evidence bands' history.

    Examples
    --------
    >>> import geo
    >>> result = geo.build()
    >>> repr(result).startswith("<geo.Build as of ")
    True
    """

    def __init__(self, prepared: Prepared):
        self._prepared = prepared
        scored = prepared.scored
        seg_cols, route_cols = output_columns(prepared)
        cols = [c for c in seg_cols if c in scored.columns]
        seg = scored[[*cols, scored.geometry.name]].copy()
        seg[C.TOP_INCIDENTS] = pd.Series([JsonList(v) for v in seg[C.TOP_INCIDENTS]],
                                         index=seg.index, dtype=object)
        self.segments: gpd.GeoDataFrame = seg.reset_index(drop=True)
        self.routes: pd.DataFrame = prepared.routes[
            [c for c in route_cols if c in prepared.routes.columns]
        ].reset_index(drop=True)
        self.families: pd.DataFrame = prepared.families.reset_index(drop=True)
        self.fate: pd.DataFrame = prepared.fate.copy()
        self.incidents: gpd.GeoDataFrame = _every_incident(prepared).merge(
            prepared.fate[[C.INCIDENT_ID, C.STATUS, C.REASON]], on=C.INCIDENT_ID, how="left")
        self.boundaries: gpd.GeoDataFrame = prepared.boundaries
        self.corridors: gpd.GeoDataFrame = prepared.corridors
        self.model: RiskModel = prepared.model
        self.as_of: date = prepared.as_of
        self.public: bool = prepared.public
        self.warnings: list[Problem] = list(prepared.warnings)
        self.forecast: Forecast | None = prepared.forecast
        self.fit: FitResult | None = prepared.fit

    # ------------------------------------------------------------------ summaries

    def _band_counts(self) -> dict[int, int]:
        counts = self.segments[C.RISK_BAND].value_counts().to_dict()
        return {b: int(counts.get(b, 0)) for b in range(1, len(self.model.band_labels) + 1)}

    def _status_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in sorted(self.fate[C.STATUS].value_counts().items())}

    def worst_corridors(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` corridors of highest exposure.

        Parameters
        ----------
        n
            How many corridors.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`routes`, highest exposure first.

        Examples
        --------
        >>> import geo
        >>> geo.build().worst_corridors(2).columns.tolist()[:3]
        ['corridor_id', 'route', 'length_km']
        """
        return self.routes.sort_values([C.EXPOSURE, C.CORRIDOR_ID],
                                       ascending=[False, True]).head(n).reset_index(drop=True)

    def __repr__(self) -> str:
        status = ", ".join(f"{v} {k}" for k, v in self._status_counts().items())
        bands = " ".join(f"{b}:{n}" for b, n in self._band_counts().items())
        return (f"<geo.Build as of {self.as_of.isoformat()}: {len(self.segments)} segments on "
                f"{len(self.routes)} corridors, bands {bands}; {len(self.fate)} incidents "
                f"({status}); {'public' if self.public else 'restricted'}>")

    def _repr_html_(self) -> str:
        from geo._drawing import summary_html

        return summary_html(as_of=self.as_of.isoformat(), public=self.public, n_segments=len(
            self.segments), n_routes=len(self.routes), n_families=len(self.families),
            n_incidents=len(self.fate), bands=self._band_counts(), status=self._status_counts(),
            worst=self.worst_corridors().to_dict("records"))

    def explore(self, m: folium.Map | None = None, *, tiles: Tiles = None,
                title: str = "Overland corridor risk", column: str | None = None,
                cluster_threshold: int | None = None, aggregate_points: int | None = None,
                collapsed_layers: bool = False) -> folium.Map:
        """The interactive map (a :class:`folium.Map`, shown inline by Jupyter), after
        :meth:`geopandas.GeoDataFrame.explore`.

        Segments coloured by risk band (with a date slider over the band timeline),
        incidents by type, incidents known only to a province or country as hatched areas,
        boundaries, a legend and a panel with the method and sources. The same layers are
        drawn whether or not ``m`` is given.

        Parameters
        ----------
        m
            Draw onto this existing map (it keeps its own tiles and layers; the view is
            fitted to the corridors). Default: a new, self-contained map that makes no
            request unless ``tiles`` asks for one.
        tiles
            Online basemap(s): an :mod:`xyzservices` provider name (``"OpenStreetMap"``,
            ``"OpenTopoMap"``), a :class:`xyzservices.TileProvider`, or a list of them;
            the first is shown, a plain offline background stays selectable. Default: none.
        title
            Title of the panel (and of the page, for a new map).
        column
            Only ``"risk_band"`` (what the segments are coloured by); any other column is a
            :class:`geo.UsageError` pointing to ``Build.segments.explore(column=…)``, the
            geopandas map of any column.
        cluster_threshold
            Cluster point incidents when there are more than this many (default
            :data:`geo.maps.interactive.CLUSTER_THRESHOLD`).
        aggregate_points
            Above this many point incidents, draw counts per grid cell instead of one marker
            each (default :data:`geo.maps._clusters.AGGREGATE_POINTS`).
        collapsed_layers
            Show the layer control as an icon that expands on hover.

        Returns
        -------
        folium.Map
            ``m``, or the new map; save it with :func:`geo.maps.interactive.save_map` or
            :meth:`to_files`.

        Raises
        ------
        geo.UsageError
            For an unknown tile provider, one that needs an API key, or another ``column``.

        Examples
        --------
        >>> import folium, geo
        >>> result = geo.build()
        >>> type(result.explore(tiles="OpenStreetMap")).__name__
        'Map'
        >>> mine = folium.Map(tiles=None)
        >>> result.explore(m=mine) is mine
        True
        """
        from geo._drawing import explore_map

        return explore_map(self._prepared, m, tiles=tiles, title=title, column=column,
                           cluster_threshold=cluster_threshold,
                           aggregate_points=aggregate_points, collapsed_layers=collapsed_layers)

    def plot(self, ax: Axes | None = None, *, legend: bool = True, title: str | None = None,
             column: str | None = None, figsize: tuple[float, float] = (8.27, 6.5),
             context: bool = True) -> Axes:
        """The static map on matplotlib axes, after :meth:`geopandas.GeoDataFrame.plot`:
        the offline basemap (sea, land, neighbouring countries named, water, roads, place
        names), boundaries, segments by band, incidents that still weigh on :attr:`as_of`.

        Parameters
        ----------
        ax
            Axes to draw into (their limits become the projected map window); default: a new
            pyplot figure of ``figsize`` (shown inline by Jupyter).
        legend
            Add the band legend inside the axes.
        title
            Axes title (default ``"Corridor risk as of YYYY-MM-DD"``), followed by the
            publication mark (``· RESTRICTED`` or ``· PUBLIC``).
        column
            Only ``"risk_band"``; any other column is a :class:`geo.UsageError` pointing to
            ``Build.segments.plot(column=…)``.
        figsize
            Size in inches of a new figure (unused with ``ax``).
        context
            Draw the offline basemap and place names (with the build's ``context_osm``).

        Returns
        -------
        matplotlib.axes.Axes
            ``ax``, or the new axes.

        Examples
        --------
        >>> import geo
        >>> from matplotlib.figure import Figure
        >>> ax = geo.build().plot(ax=Figure().add_subplot())
        >>> len(ax.collections) > 0
        True
        """
        from geo._drawing import plot_axes

        return plot_axes(self._prepared, ax, legend=legend, title=title, column=column,
                         figsize=figsize, context=context)

    def figure(self, *, title: str | None = None, route: str | None = None) -> Figure:
        """The report figure ``to_files`` saves: A4 wide, title, legends, sources, mark.

        Parameters
        ----------
        title
            Title line (plain text); default ``"Corridor risk as of YYYY-MM-DD"``.
        route
            Draw only the corridors of this route family (the map frames them).

        Returns
        -------
        matplotlib.figure.Figure
            Save it with :func:`geo.maps.static.save_figure`; Jupyter shows it inline.

        Examples
        --------
        >>> import geo
        >>> fig = geo.build().figure(route="Mongolia")
        >>> float(round(fig.get_figwidth(), 2))
        8.27
        """
        from geo._drawing import report_figure

        return report_figure(self._prepared, title=title, route=route)

    # ------------------------------------------------------------------ files

    def to_files(self, out: PathLike, *, formats: Sequence[str] = STATIC_FORMATS,
                 tiles: Sequence[str] = (), geoparquet: bool = False,
                 map_folder: bool | None = None, force: bool = False) -> list[Path]:
        """Write the map, tables, GeoPackage and static maps into the folder ``out``.

        All or nothing: the files are written to a temporary folder and moved into place.

        Parameters
        ----------
        out
            Output folder (created if missing).
        formats
            Static map formats, any of ``"png"``, ``"svg"``, ``"pdf"``; ``()`` for none.
        tiles
            Online basemaps for the interactive map, by :mod:`xyzservices` name (the map then
            needs the network for them).
        geoparquet
            Also write ``segments.parquet`` and ``incidents.parquet`` (GeoParquet,
            EPSG:4326), for large networks.
        map_folder
            ``True``: the interactive map's data goes into ``route_risk_map_files/`` beside
            ``route_risk_map.html`` (several ``.js`` files; the page still works offline from
            a shared drive: copy both). ``False``: always one self-contained file. ``None``
            (default): folder mode only when the map's data exceeds 50 MB.
        force
            Replace files in ``out`` that routerisk did not write (a folder holding such files
            where outputs go is otherwise refused, and nothing in it changes).

        Returns
        -------
        list of Path
            The files written.

        Examples
        --------
        >>> import geo, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     files = geo.build().to_files(tmp, formats=())
        >>> "segments.geojson" in {f.name for f in files}
        True
        """
        return write_outputs(self._prepared, Path(out), tiles=tuple(tiles),
                             formats=_check_formats(formats), geoparquet=geoparquet,
                             map_folder=map_folder, force=force)

    # ------------------------------------------------------------------ questions

    def compare(self, date_from: date | str, *, top_n: int = 3) -> Comparison:
        """The segments whose risk band changed between ``date_from`` and :attr:`as_of`.

        Parameters
        ----------
        date_from
            The earlier date (before :attr:`as_of`).
        top_n
            Incidents listed per changed segment.

        Returns
        -------
        Comparison

        Examples
        --------
        >>> import geo
        >>> c = geo.build().compare("2024-06-01")
        >>> bool((c.changes["band_to"] > c.changes["band_from"]).all())
        True
        """
        from geo.compare import compare_dates

        start = _date(date_from, "date_from")
        assert start is not None
        if start >= self.as_of:
            raise UsageError(f"{start.isoformat()} must be earlier than the build's as-of "
                             f"date {self.as_of.isoformat()}", field="date_from")
        if top_n < 1:
            raise UsageError("must be at least 1", field="top_n")
        p = self._prepared
        changes = compare_dates(p.segments, p.incidents, date_from=start, date_to=p.as_of,
                                model=p.model, field=p.field, top_n=top_n)
        return Comparison(changes, self, date_from=start)

    def route(self, from_: str | tuple[float, float], to: str | Sequence[Any], *,
              per_km: float = 0.0, tolerance_m: float = 500.0,
              snap_km: float = 50.0) -> PathsResult:
        """The least-risk and the shortest path from a place to the cheapest of others.

        Parameters
        ----------
        from_
            Origin: a place name (resolved offline), ``"lat,lon"`` or a ``(lat, lon)`` pair.
        to
            One destination, a ``;``-separated string or a list of them; the paths end at
            whichever is cheapest to reach.
        per_km
            Cost per km added to exposure (0: exposure alone).
        tolerance_m
            Segment ends closer than this meet.
        snap_km
            Largest distance from a place to a segment end.

        Returns
        -------
        PathsResult

        Examples
        --------
        >>> import geo
        >>> r = geo.build().route("Shenyang", "Kunming")
        >>> r.paths["kind"].tolist()
        ['least-risk', 'shortest']
        """
        from geo.paths import destination_texts, least_risk_paths, parse_waypoint, waypoint_text

        origin_text = waypoint_text(from_)
        dest_texts = destination_texts(to)
        p = self._prepared
        origin = parse_waypoint(origin_text, boundaries=p.boundaries, field="from_")
        dests = [parse_waypoint(t, boundaries=p.boundaries, location=f"destination {i}",
                                field="to") for i, t in enumerate(dest_texts, start=1)]
        paths = least_risk_paths(p.scored, origin, dests, per_km=per_km,
                                 tolerance_m=tolerance_m, snap_km=snap_km,
                                 origin_name=origin_text, destination_names=dest_texts)
        return PathsResult(paths, self, origin=origin_text, destinations=dest_texts,
                           per_km=per_km)
