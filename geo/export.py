"""Deterministic file writers (GeoJSON, CSV, GeoPackage, an embed snippet) and an all-or-nothing
output folder."""

from __future__ import annotations

import contextlib
import csv
import html
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo._json import json_text
from geo._json import plain as _plain

__all__ = [
    "GPKG_TIMESTAMP",
    "STATIC_FORMATS",
    "atomic_output",
    "csv_safe",
    "embed_snippet",
    "write_csv",
    "write_embed_snippet",
    "write_geojson",
    "write_geopackage",
]

#: Formats of the static maps a build writes (see :mod:`geo.maps.static`).
STATIC_FORMATS = ("png", "svg", "pdf")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP CSV injection).

    Parameters
    ----------
    text
        The cell's text.

    Returns
    -------
    str
        The text, with a leading ``'`` when a spreadsheet would read it as a formula.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe("  =1+1")
    "'  =1+1"
    >>> csv_safe("Kunming")
    'Kunming'
    """
    # spreadsheets skip leading spaces before deciding that a cell is a formula
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def _cell(value: Any, digits: int) -> str:
    value = _plain(value, digits)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return csv_safe(str(value))


def write_csv(frame: pd.DataFrame, path: Path, *, columns: Sequence[str] | None = None,
              digits: int = 6) -> None:
    """Write a CSV with stable number formatting and formula-safe text cells.

    Lists and dicts (``top_incidents``) are JSON text; numbers are rounded to ``digits``.

    Parameters
    ----------
    frame
        The table (a geometry column is left out unless named in ``columns``).
    path
        The ``.csv`` file.
    columns
        Columns to write, in this order (default: all but the geometry).
    digits
        Decimals kept of floats.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_csv(pd.DataFrame({"a": [1.23456789], "b": [[{"x": 1}]]}), Path(tmp) / "t.csv")
    ...     print((Path(tmp) / "t.csv").read_text())
    a,b
    1.234568,"[{""x"":1}]"
    <BLANKLINE>
    """
    cols = list(columns) if columns is not None else [c for c in frame.columns if c != "geometry"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in frame[cols].itertuples(index=False, name=None):
            writer.writerow([_cell(v, digits) for v in row])


def _property(value: Any, digits: int) -> Any:
    """A GeoJSON property: lists and dicts as JSON text (as in CSV and GeoPackage)."""
    if isinstance(value, (list, tuple, dict)):
        return json_text(value, digits)
    return _plain(value, digits)


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, *, columns: Sequence[str] | None = None,
                  coord_digits: int = 5, digits: int = 6) -> None:
    """Write a GeoJSON FeatureCollection in EPSG:4326, byte-stable for the same input.

    Coordinates are rounded to ``coord_digits`` decimals (5 ≈ 1 m: far finer than the data).
    Lists and dicts (``top_incidents``) are JSON text, as in every file routerisk writes, so
    a reader gets the same string from GeoJSON, CSV and GeoPackage.

    Parameters
    ----------
    gdf
        Features, any CRS.
    path
        The ``.geojson`` file.
    columns
        Properties to write (default: all).
    coord_digits
        Decimals of coordinates.
    digits
        Decimals of float properties.

    Examples
    --------
    >>> import json, tempfile, shapely
    >>> gdf = gpd.GeoDataFrame({"top": [[{"id": "a"}]]}, geometry=[shapely.Point(1, 2)],
    ...                        crs=4326)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_geojson(gdf, Path(tmp) / "x.geojson")
    ...     doc = json.loads((Path(tmp) / "x.geojson").read_text())
    >>> doc["features"][0]["properties"]
    {'top': '[{"id":"a"}]'}
    """
    wgs = gdf.to_crs(4326) if gdf.crs is not None and not gdf.crs.equals(4326) else gdf
    cols = list(columns) if columns is not None else [c for c in wgs.columns if c != "geometry"]
    geoms = wgs.geometry.values
    rounded = shapely.set_precision(geoms, 10.0**-coord_digits, mode="pointwise")
    features = []
    for props, geom in zip(wgs[cols].to_dict("records"), rounded, strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {k: _property(v, digits) for k, v in props.items()},
                "geometry": None if geom is None else shapely.geometry.mapping(geom),
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


@contextlib.contextmanager
def atomic_output(out_dir: Path, *, command: str = "build",
                  info: Mapping[str, Any] | None = None) -> Iterator[Path]:
    """Yield a folder to write into; on success its files become the whole output set of
    ``out_dir``, else nothing in ``out_dir`` changes.

    The mechanism is :func:`geo._outdir.owned_output`: staging and lock inside ``out_dir``,
    files of the previous command removed, ``build_manifest.json`` (files with sha256, plus
    ``info``) written last, an interrupted swap completed or undone by the next command.

    Parameters
    ----------
    out_dir
        The output folder (created if missing).
    command
        The command whose output set this is (recorded in the manifest).
    info
        Extra entries of ``build_manifest.json``.

    Yields
    ------
    Path
        The staging folder to write into.

    Raises
    ------
    geo._outdir.OutputError
        ``out_dir`` is a file, in use by another command, or not writable (message names it).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_output(out) as tmp:
    ...     _ = (tmp / "a.txt").write_text("a")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt', 'build_manifest.json']
    """
    from geo._outdir import owned_output

    with owned_output(out_dir, command=command, info=info) as staging:
        yield staging.path


#: ``gpkg_contents.last_change`` of every layer: fixed, so the same inputs give the same file.
GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def _gpkg_ready(gdf: gpd.GeoDataFrame, columns: Sequence[str] | None, digits: int
                ) -> gpd.GeoDataFrame:
    """A copy fit for OGR: EPSG:4326, lists and dicts as JSON text, floats rounded."""
    wgs = gdf.to_crs(4326) if gdf.crs is not None and not gdf.crs.equals(4326) else gdf
    geom_col = wgs.geometry.name
    cols = list(columns) if columns is not None else [c for c in wgs.columns if c != geom_col]
    data: dict[str, Any] = {}
    for col in cols:
        series = wgs[col]
        if series.dtype == object and series.map(
                lambda v: isinstance(v, (list, tuple, dict))).any():
            data[col] = [None if v is None else json.dumps(
                _plain(v, digits), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
                for v in series]
        elif pd.api.types.is_float_dtype(series.dtype):
            data[col] = series.round(digits).to_numpy()
        else:
            data[col] = series.to_numpy()
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(wgs)))
    return gpd.GeoDataFrame(frame, geometry=wgs.geometry.to_numpy(), crs=wgs.crs or 4326)


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: Path, *,
                     columns: Mapping[str, Sequence[str]] | None = None, digits: int = 6,
                     timestamp: str = GPKG_TIMESTAMP) -> None:
    """Write several layers into one GeoPackage (EPSG:4326), for QGIS and other GIS.

    Lists and dicts (e.g. ``top_incidents``) become JSON text, dates stay dates, floats are
    rounded to ``digits``. Layer timestamps are fixed to ``timestamp``, so the same inputs
    give the same bytes. An existing file at ``path`` is replaced.

    Parameters
    ----------
    layers
        Layer name → GeoDataFrame, written in this order.
    path
        The ``.gpkg`` file.
    columns
        Per layer, the columns to keep (default: all).
    digits
        Decimals kept of floats.
    timestamp
        ``last_change`` recorded for every layer.

    Examples
    --------
    >>> import pyogrio, tempfile, shapely
    >>> gdf = gpd.GeoDataFrame({"top": [[{"id": "a"}]]}, geometry=[shapely.Point(1, 2)],
    ...                        crs=4326)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_geopackage({"points": gdf}, Path(tmp) / "x.gpkg")
    ...     back = pyogrio.read_dataframe(Path(tmp) / "x.gpkg", layer="points")
    >>> back["top"].tolist()
    ['[{"id":"a"}]']
    """
    import pyogrio

    path = Path(path)
    if path.exists():
        path.unlink()
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": timestamp})
    try:
        for name, gdf in layers.items():
            ready = _gpkg_ready(gdf, (columns or {}).get(name), digits)
            pyogrio.write_dataframe(ready, path, layer=name, driver="GPKG", append=path.exists(),
                                    promote_to_multi=None)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def embed_snippet(map_file: str, *, title: str, width: int = 960, height: int = 640) -> str:
    """An HTML fragment that puts the interactive map into a report page (an ``iframe``).

    The iframe is sandboxed: the map's scripts run, but it cannot reach the page around it.

    Parameters
    ----------
    map_file
        Address of the map relative to the page (escaped).
    title
        Accessible title and caption (escaped).
    width, height
        Size in pixels (the width shrinks with the page).

    Returns
    -------
    str
        The HTML fragment.

    Examples
    --------
    >>> print(embed_snippet("m.html", title="A <b>map</b>").splitlines()[-5])
      <iframe src="m.html" title="A &lt;b&gt;map&lt;/b&gt;" width="960" height="640"
    """
    src = html.escape(map_file, quote=True)
    label = html.escape(title, quote=True)
    return (
        f"<!-- routerisk: the interactive map {src}, to paste into a report page.\n"
        f"     {src} is self-contained: its scripts, styles and data are inline and it makes\n"
        "     no network request (unless it was built with --tiles). Copy it next to the page\n"
        "     that holds this snippet, or change src to where it is served. -->\n"
        '<figure class="routerisk-map" style="margin:0">\n'
        f'  <iframe src="{src}" title="{label}" width="{int(width)}" height="{int(height)}"\n'
        f'          style="width:100%;max-width:{int(width)}px;height:{int(height)}px;border:0"\n'
        '          loading="lazy" sandbox="allow-scripts allow-popups '
        'allow-popups-to-escape-sandbox"></iframe>\n'
        f"  <figcaption>{label} (<a href=\"{src}\">open full screen</a>)</figcaption>\n"
        "</figure>\n"
    )


def write_embed_snippet(path: Path, *, map_file: str, title: str, width: int = 960,
                        height: int = 640) -> None:
    """Write :func:`embed_snippet` to ``path`` (UTF-8).

    Parameters
    ----------
    path
        The file to write.
    map_file, title, width, height
        As for :func:`embed_snippet`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_embed_snippet(Path(tmp) / "e.html", map_file="m.html", title="Map")
    ...     "<iframe" in (Path(tmp) / "e.html").read_text()
    True
    """
    Path(path).write_text(embed_snippet(map_file, title=title, width=width, height=height),
                          encoding="utf-8")
