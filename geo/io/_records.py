"""Incident rows: CSV header and row helpers, and point GeoJSON features as text records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.io._common import _Collector, _text
from geo.io._geojson import _read_geojson
from geo.io._vector import _check_geometries, _to_wgs84


def _check_csv_header(first: list[str], col: _Collector) -> list[str]:
    header = [h.strip() for h in first]
    if not header or not any(header):
        col.fail("row 1", "-", "the first line must be the header (column names)")
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "';'" if ";" in header[0] else "tabs"
        col.fail("row 1", "-", f"the header has one column; the file seems separated by {sep}: "
                               "save it with commas")
    seen: set[str] = set()
    for name in header:
        if not name:
            col.add("row 1", "-", "empty column name in header")
        elif name in seen:
            col.add("row 1", name, "column appears more than once")
        seen.add(name)
    col.raise_if_any()
    return header


_ORDINARY = np.ones(256, dtype=bool)
_ORDINARY[[ord(","), ord("\r"), ord("\n"), ord('"')]] = False


def _lenient_quotes(data: bytes) -> bool:
    """Whether a run of quotes is one Python's strict csv reader refuses but pyarrow accepts.

    That is an odd run between two ordinary characters (``"abc"def``: text after a closing
    quote) or an even run opening a field and followed by text (``""x``).
    """
    if b'"' not in data:
        return False
    arr = np.frombuffer(data, dtype=np.uint8)
    quote = arr == ord('"')
    edges = np.diff(quote.astype(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    odd = (ends - starts) % 2 == 1
    before = np.where(starts > 0, _ORDINARY[arr[np.maximum(starts - 1, 0)]], False)
    after = np.where(ends < len(arr), _ORDINARY[arr[np.minimum(ends, len(arr) - 1)]], False)
    return bool(((odd & before & after) | (~odd & ~before & after)).any())


def _blank_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or white space (checked only where the first is)."""
    if not len(table.columns):
        return np.zeros(len(table), dtype=bool)
    blank = np.array(table.iloc[:, 0].str.strip() == "", dtype=bool)
    if blank.any():
        idx = np.flatnonzero(blank)
        sub = table.iloc[idx]
        all_blank = np.ones(len(idx), dtype=bool)
        for name in sub.columns:
            all_blank &= (sub[name].str.strip() == "").to_numpy(dtype=bool)
        blank[idx] = all_blank
    return blank


def _read_geojson_records(path: Path, col: _Collector
                          ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Incident rows of a point GeoJSON as dicts, with a locator per row."""
    gdf = _read_geojson(path, col)
    if not len(gdf):
        return [], [], []  # an empty FeatureCollection: no incidents (a baseline map)
    located = gdf.loc[~shapely.is_missing(gdf.geometry.values)]
    _check_geometries(located, {"Point"}, col)
    wgs = _to_wgs84(gdf, col)
    records = []
    for row, geom, rec in zip(wgs[C.ROW], wgs.geometry, gdf.to_dict("records"), strict=True):
        rec = {k: v for k, v in rec.items() if k not in ("geometry", C.ROW)}
        loc = f"feature {row}"
        if geom is not None and geom.geom_type == "Point" and not col.has(loc, "geometry"):
            given = (_text(rec.get(C.LON)), _text(rec.get(C.LAT)))
            if any(given) and given != (_text(geom.x), _text(geom.y)):
                try:
                    same = abs(float(given[0]) - geom.x) + abs(float(given[1]) - geom.y) < 1e-6
                except ValueError:
                    same = False
                if not same:
                    col.add(loc, C.LAT, f"lat/lon properties ({given[1]}, {given[0]}) differ "
                                        f"from the point geometry ({geom.y:g}, {geom.x:g})")
            rec[C.LON], rec[C.LAT] = geom.x, geom.y
        records.append(rec)
    header = [str(c) for c in gdf.columns if c not in ("geometry", C.ROW)]
    return header, records, [f"feature {r}" for r in wgs[C.ROW]]
