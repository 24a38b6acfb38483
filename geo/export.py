"""Deterministic file writers (GeoJSON, CSV) and an all-or-nothing output folder."""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["atomic_output", "csv_safe", "write_csv", "write_geojson"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP CSV injection).

    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe("Kunming")
    'Kunming'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(value: Any, digits: int) -> Any:
    """A JSON-ready value: numpy scalars unwrapped, floats rounded, NaN as null."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else round(f, digits)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v, digits) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, digits) for k, v in value.items()}
    return value


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
    """Write a CSV with stable number formatting and formula-safe text cells."""
    cols = list(columns) if columns is not None else [c for c in frame.columns if c != "geometry"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in frame[cols].itertuples(index=False, name=None):
            writer.writerow([_cell(v, digits) for v in row])


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, *, columns: Sequence[str] | None = None,
                  coord_digits: int = 5, digits: int = 6) -> None:
    """Write a GeoJSON FeatureCollection in EPSG:4326, byte-stable for the same input.

    Coordinates are rounded to ``coord_digits`` decimals (5 ≈ 1 m: far finer than the data).
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
                "properties": {k: _plain(v, digits) for k, v in props.items()},
                "geometry": None if geom is None else shapely.geometry.mapping(geom),
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


@contextlib.contextmanager
def atomic_output(out_dir: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success move its files into ``out_dir``, else discard it.

    A failed run leaves ``out_dir`` exactly as it was.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".routerisk-", dir=out_dir.parent))
    try:
        yield tmp
        for item in sorted(tmp.rglob("*")):
            if item.is_file():
                target = out_dir / item.relative_to(tmp)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
