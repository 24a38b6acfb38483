"""Deterministic file writers (GeoJSON, CSV, GeoPackage, an embed snippet) and an all-or-nothing
output folder."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo._cells import (
    csv_cells,
    csv_safe,
    float_reprs,
    json_cells,
    large_text,
    property_tokens,
)

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
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(cols)
    table = frame[cols]
    cells = [csv_cells(table.iloc[:, k], digits) for k in range(len(cols))]
    if len(cols) == 1:  # csv.writer quotes a row that is one empty cell
        cells[0] = [c or '""' for c in cells[0]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(head.getvalue())
        for start in range(0, len(table), _CHUNK):
            rows = zip(*(c[start:start + _CHUNK] for c in cells), strict=True)
            fh.write("".join([",".join(r) + "\n" for r in rows]))


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
    rounded = shapely.set_precision(wgs.geometry.values, 10.0**-coord_digits, mode="pointwise")
    table = wgs[cols]
    props: list[list[str]] = []
    for k, col in enumerate(cols):
        key = json.dumps({col: None}, ensure_ascii=False, separators=(",", ":"))[1:-6]
        lead = ('{"type":"Feature","properties":{' if k == 0 else ",") + key + ":"
        props.append([lead + t for t in property_tokens(table.iloc[:, k], digits)])
    if not cols:
        props.append(['{"type":"Feature","properties":{'] * len(table))
    props.append(['},"geometry":' + g + "}" for g in geometry_texts(rounded)])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write('{"type":"FeatureCollection","features":[')
        for start in range(0, len(table), _CHUNK):
            rows = zip(*(p[start:start + _CHUNK] for p in props), strict=True)
            fh.write(("," if start else "") + ",".join(["".join(r) for r in rows]))
        fh.write("]}\n")


#: Rows written per block by the CSV and GeoJSON writers.
_CHUNK = 65536


def geometry_texts(geoms: np.ndarray) -> list[str]:
    """GeoJSON text of each geometry, as ``json.dumps(shapely.geometry.mapping(g))`` writes it
    (``null`` for a missing one). Points and lines are written from one coordinate array.

    Examples
    --------
    >>> geometry_texts(np.array([shapely.Point(1, 2.5), None]))
    ['{"type":"Point","coordinates":[1.0,2.5]}', 'null']
    """
    geoms = np.asarray(geoms, dtype=object)
    out = ["null"] * len(geoms)
    present = ~shapely.is_missing(geoms)
    kind = shapely.get_type_id(geoms)
    simple = present & ~shapely.is_empty(geoms) & ~shapely.has_z(geoms) & np.isin(kind, (0, 1))
    coords, index = shapely.get_coordinates(geoms[simple], return_index=True)
    if not np.isfinite(coords).all():
        simple[:] = False
        coords, index = coords[:0], index[:0]
    # "x,y" of every coordinate, joined per geometry with "],[" (Arrow; floats as repr)
    pairs = pc.binary_join_element_wise(float_reprs(coords[:, 0]), float_reprs(coords[:, 1]),
                                        large_text(","))
    bounds = np.searchsorted(index, np.arange(int(simple.sum()) + 1))
    joined = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(bounds, pa.int64()), pairs),
                            large_text("],[")).to_pylist()
    for k, is_point, text in zip(np.flatnonzero(simple).tolist(), (kind[simple] == 0).tolist(),
                                 joined, strict=True):
        if is_point:
            out[k] = '{"type":"Point","coordinates":[' + text + "]}"
        else:
            out[k] = '{"type":"LineString","coordinates":[[' + text + "]]}"
    for k in np.flatnonzero(present & ~simple).tolist():
        out[k] = json.dumps(shapely.geometry.mapping(geoms[k]), ensure_ascii=False,
                            separators=(",", ":"))
    return out


@contextlib.contextmanager
def atomic_output(out_dir: Path, *, command: str = "build",
                  info: Mapping[str, Any] | None = None, force: bool = False) -> Iterator[Path]:
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
    force
        Replace files in the way that routerisk did not write (see :mod:`geo._outdir`).

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

    with owned_output(out_dir, command=command, info=info, force=force) as staging:
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
        texts = json_cells(series, digits)
        if texts is not None:
            data[col] = texts
        elif pd.api.types.is_float_dtype(series.dtype):
            data[col] = series.round(digits).to_numpy()
        else:
            data[col] = series.array  # as is: no round trip of text columns through numpy
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(wgs)))
    return gpd.GeoDataFrame(frame, geometry=wgs.geometry.to_numpy(), crs=wgs.crs or 4326)


#: SQLite settings while a GeoPackage is written: no fsync of its own (the output folder
#: syncs every file before the swap, :mod:`geo._outdir`) and a 256 MB page cache. The bytes
#: written are the same.
_SQLITE_SPEED = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_CACHE": "256"}


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
    options = {"OGR_CURRENT_DATE": timestamp, **_SQLITE_SPEED}
    before = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        for name, gdf in layers.items():
            ready = _gpkg_ready(gdf, (columns or {}).get(name), digits)
            pyogrio.write_dataframe(ready, path, layer=name, driver="GPKG", append=path.exists(),
                                    promote_to_multi=None, use_arrow=True)
    finally:
        pyogrio.set_gdal_config_options(before)


def write_geoparquet(gdf: gpd.GeoDataFrame, path: Path, *,
                     columns: Sequence[str] | None = None, digits: int = 6) -> None:
    """Write a layer as GeoParquet (EPSG:4326), for outputs too large for GeoJSON.

    Lists and dicts (e.g. ``top_incidents``) become JSON text and floats are rounded to
    ``digits``, as in the GeoPackage. Needs ``pyarrow``.
    """
    ready = _gpkg_ready(gdf, columns, digits)
    ready.to_parquet(Path(path), index=False, compression="zstd")


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
