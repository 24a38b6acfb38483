"""What :meth:`geo.Build.compare` and :meth:`geo.Build.route` return (``geo.Comparison``,
``geo.PathsResult``): a table plus ``explore()`` and ``to_files()``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from geo import columns as C

if TYPE_CHECKING:
    import folium

    from geo._drawing import Tiles
    from geo.api import Build

__all__ = ["Comparison", "PathsResult"]

PathLike = str | Path


class Comparison:
    """The result of :meth:`Build.compare`.

    Parameters
    ----------
    changes
        Output of :func:`geo.compare.compare_dates`.
    result
        The build compared (its as-of date is ``date_to``).
    date_from
        The earlier date.

    Attributes
    ----------
    changes : geopandas.GeoDataFrame
        One row per segment whose band changed (see :func:`geo.compare.compare_dates`).
    date_from, date_to : datetime.date
        The compared dates.

    Examples
    --------
    >>> import geo
    >>> geo.build().compare("2024-06-01").date_from.isoformat()
    '2024-06-01'
    """

    def __init__(self, changes: gpd.GeoDataFrame, result: Build, *, date_from: date):
        self.changes = changes
        self.date_from = date_from
        self.date_to = result.as_of
        self._result = result

    def __repr__(self) -> str:
        rose = int((self.changes["change"] == "rose").sum()) if len(self.changes) else 0
        return (f"<geo.Comparison {self.date_from.isoformat()} → {self.date_to.isoformat()}: "
                f"{len(self.changes)} segments changed band ({rose} rose, "
                f"{len(self.changes) - rose} fell)>")

    def explore(self, *, title: str | None = None) -> folium.Map:
        """The change map: rose in red, fell in blue, other segments grey (self-contained,
        offline).

        Parameters
        ----------
        title
            Title of the page and panel; default ``"Risk band changes FROM → TO"``.

        Returns
        -------
        folium.Map

        Examples
        --------
        >>> import geo
        >>> type(geo.build().compare("2024-06-01").explore()).__name__
        'Map'
        """
        from geo.maps.changes import build_changes_map

        p = self._result._prepared
        return build_changes_map(self.changes, p.segments, p.boundaries,
                                 date_from=self.date_from, date_to=self.date_to,
                                 public=p.public, title=title)

    def to_files(self, out: PathLike, *, force: bool = False) -> list[Path]:
        """Write ``changes.csv`` and ``changes_map.html`` into ``out`` (all or nothing).

        Parameters
        ----------
        out
            Output folder (created if missing).
        force
            Replace files in ``out`` that routerisk did not write (refused otherwise).

        Returns
        -------
        list of Path
            The files written.

        Examples
        --------
        >>> import geo, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     names = [f.name for f in geo.build().compare("2024-06-01").to_files(tmp)]
        >>> names
        ['changes.csv', 'changes_map.html']
        """
        from geo.compare import CHANGE_COLUMNS
        from geo.export import atomic_output, write_csv
        from geo.maps.changes import save_changes_map

        m = self.explore()
        with atomic_output(Path(out), command="compare", force=force) as tmp:
            write_csv(self.changes, tmp / "changes.csv", columns=CHANGE_COLUMNS)
            save_changes_map(m, tmp / "changes_map.html")
        return [Path(out) / "changes.csv", Path(out) / "changes_map.html"]


class PathsResult:
    """The result of :meth:`Build.route`.

    Parameters
    ----------
    paths
        Output of :func:`geo.paths.least_risk_paths`.
    result
        The build whose segments were searched.
    origin, destinations
        The places as given.
    per_km
        Cost per km added to exposure.

    Attributes
    ----------
    paths : geopandas.GeoDataFrame
        Two rows, ``least-risk`` and ``shortest`` (see :func:`geo.paths.least_risk_paths`).
    origin : str
        The origin as given.
    destinations : list of str
        The destinations as given.

    Examples
    --------
    >>> import geo
    >>> geo.build().route("Shenyang", "Kunming").destinations
    ['Kunming']
    """

    def __init__(self, paths: gpd.GeoDataFrame, result: Build, *, origin: str,
                 destinations: Sequence[str], per_km: float):
        self.paths = paths
        self.origin = origin
        self.destinations = list(destinations)
        self.per_km = per_km
        self._result = result

    def __repr__(self) -> str:
        rows = "; ".join(f"{r['kind']} to {r['destination']}: {float(r[C.LENGTH_KM]):.0f} km, "
                         f"exposure {float(r[C.EXPOSURE]):.3f}"
                         for r in self.paths.to_dict("records"))
        return f"<geo.PathsResult from {self.origin}: {rows}>"

    def explore(self, m: folium.Map | None = None, *, tiles: Tiles = None,
                title: str = "Least-risk path", column: str | None = None,
                cluster_threshold: int | None = None, aggregate_points: int | None = None,
                collapsed_layers: bool = False) -> folium.Map:
        """The risk map of :meth:`geo.Build.explore` with both paths highlighted.

        Parameters
        ----------
        m, tiles, title, column, cluster_threshold, aggregate_points, collapsed_layers
            As for :meth:`geo.Build.explore`.

        Returns
        -------
        folium.Map

        Examples
        --------
        >>> import geo
        >>> type(geo.build().route("Shenyang", "Kunming").explore()).__name__
        'Map'
        """
        from geo._drawing import explore_map

        return explore_map(self._result._prepared, m, tiles=tiles, title=title, column=column,
                           cluster_threshold=cluster_threshold,
                           aggregate_points=aggregate_points, collapsed_layers=collapsed_layers,
                           paths=self.paths)

    def to_files(self, out: PathLike, *, force: bool = False) -> list[Path]:
        """Write ``paths.geojson`` and ``route_map.html`` into ``out`` (all or nothing).

        Parameters
        ----------
        out
            Output folder (created if missing).
        force
            Replace files in ``out`` that routerisk did not write (refused otherwise).

        Returns
        -------
        list of Path
            The files written.

        Examples
        --------
        >>> import geo, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     files = geo.build().route("Shenyang", "Kunming").to_files(tmp)
        >>> [f.name for f in files]
        ['paths.geojson', 'route_map.html']
        """
        from geo.export import atomic_output, write_geojson
        from geo.maps.interactive import save_map
        from geo.paths import CORRIDOR_IDS, DESTINATION, KIND, ORIGIN, SEGMENT_IDS

        m = self.explore()
        with atomic_output(Path(out), command="route", force=force) as tmp:
            write_geojson(self.paths, tmp / "paths.geojson", columns=[
                KIND, ORIGIN, DESTINATION, CORRIDOR_IDS, SEGMENT_IDS, C.LENGTH_KM, C.EXPOSURE,
                C.EXPOSURE_INDEX, C.INTERCEPTION_INDEX])
            save_map(m, tmp / "route_map.html")
        return [Path(out) / "paths.geojson", Path(out) / "route_map.html"]
