"""An incidents table in Parquet (or GeoParquet), read in batches as text cells.

Every column is turned into the text a CSV of the same table would hold, so that the CSV's
checks and messages apply unchanged: numbers as written by pyarrow (``25.05``, ``3``), dates as
``YYYY-MM-DD``, a timestamp at midnight as its date (any other as ``YYYY-MM-DDTHH:MM:SS``, which
the date check refuses), booleans as ``true``/``false``, and a null or NaN cell as empty. Row
``n`` is the n-th data row (1-based). In a GeoParquet file without ``lat`` and ``lon`` columns
the primary geometry column gives them: a point's coordinates (in WGS84, converted from the
file's CRS), nothing for a null or empty geometry, and a problem naming the row for any other
geometry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo import columns as C
from geo.io._common import _CONTROL, _Collector
from geo.io._stream import BATCH_BYTES, Batch

_ROWS = (1024, 1 << 16)  # fewest and most rows per read


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t)
                or pa.types.is_string_view(t))


def _supported(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return _supported(t.value_type)
    return bool(_is_text(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
                or pa.types.is_decimal(t) or pa.types.is_boolean(t) or pa.types.is_date(t)
                or pa.types.is_timestamp(t) or pa.types.is_null(t))


def _as_text(arr: pa.Array) -> pa.Array:
    """A column as the text a CSV would hold ('' for null and NaN)."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return _as_text(arr.dictionary_decode())
    if pa.types.is_null(t):
        return pa.array([""] * len(arr), pa.large_string())
    if pa.types.is_floating(t):
        arr = pc.if_else(pc.is_nan(arr), pa.scalar(None, t), arr)
    if pa.types.is_timestamp(t):
        day = pc.strftime(arr, "%Y-%m-%d")
        midnight = pc.equal(pc.cast(arr, pa.int64()), pc.cast(pc.floor_temporal(arr, unit="day"),
                                                               pa.int64()))
        moment = pc.replace_substring_regex(pc.strftime(arr, "%Y-%m-%dT%H:%M:%S"), r"\.0+$", "")
        arr = pc.if_else(midnight, day, moment)
    if not _is_text(arr.type):
        arr = pc.cast(arr, pa.string())
    return pc.fill_null(pc.cast(arr, pa.large_string()), "")  # pandas keeps large_string


class ParquetIncidents:
    """The columns of a Parquet incidents file and its batches of text rows."""

    def __init__(self, path: Path, col: _Collector):
        import pyarrow.parquet as pq

        self.col = col
        try:
            self.file = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            col.fail("-", "-", f"cannot read as Parquet: {exc}")
        schema = self.file.schema_arrow
        self.geometry, self.crs = self._geometry(schema)
        self.names = [n for n in schema.names if n not in self.geometry_columns(schema)]
        self.header = [n.strip() for n in self.names]
        self._check_columns(schema)

    @staticmethod
    def geometry_columns(schema: pa.Schema) -> set[str]:
        meta = _geo_metadata(schema)
        return set(meta.get("columns", {})) if meta else set()

    def _geometry(self, schema: pa.Schema) -> tuple[str | None, Any]:
        """The primary geometry column when lat/lon are absent, and its CRS."""
        meta = _geo_metadata(schema)
        names = {n.strip() for n in schema.names}
        if not meta or (C.LAT in names or C.LON in names):
            return None, None
        name = meta.get("primary_column")
        spec = meta.get("columns", {}).get(name, {})
        if name not in schema.names:
            return None, None
        if spec.get("encoding", "WKB").upper() != "WKB":
            self.col.fail("-", str(name), f"geometry encoding {spec.get('encoding')!r} is not "
                                          "read; write the file with WKB geometries (the default)")
        return name, spec.get("crs") or "OGC:CRS84"  # absent or null: WGS84 lon/lat

    def _check_columns(self, schema: pa.Schema) -> None:
        seen: set[str] = set()
        for raw, name in zip(self.names, self.header, strict=True):
            t = schema.field(raw).type
            if not name:
                self.col.add("-", "-", "empty column name")
            elif name in seen:
                self.col.add("-", name, "column appears more than once")
            elif not _supported(t):
                self.col.add("-", name, f"has type {t}: give text, numbers, dates or booleans")
            seen.add(name)
        self.col.raise_if_any()

    def batches(self) -> Iterator[Batch]:
        """Batches of about BATCH_BYTES of text (a dictionary-encoded column can be far larger
        in memory than on disk, so the text is measured, not the file)."""
        meta = self.file.metadata
        rows = max(meta.num_rows, 1)
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        per_read = int(np.clip(BATCH_BYTES // max(size // rows, 1), *_ROWS))
        columns = self.names + ([self.geometry] if self.geometry else [])
        start = 1
        pending: list[pa.Table] = []
        for record_batch in self.file.iter_batches(batch_size=per_read, columns=columns):
            pending.append(self._text(record_batch, start))
            start += record_batch.num_rows
            if sum(t.nbytes for t in pending) >= BATCH_BYTES:
                yield self._batch(pending, start)
                pending = []
        if pending:
            yield self._batch(pending, start)

    def _text(self, record_batch: pa.RecordBatch, start: int) -> pa.Table:
        cells = {name: _as_text(record_batch.column(raw))
                 for raw, name in zip(self.names, self.header, strict=True)}
        if self.geometry:
            numbers = np.arange(start, start + record_batch.num_rows)
            cells.update(self._points(record_batch.column(self.geometry), numbers))
        return pa.table(cells)

    @staticmethod
    def _batch(tables: list[pa.Table], end: int) -> Batch:
        table = pa.concat_tables(tables)
        suspect = any(_suspect(table.column(i)) for i in range(table.num_columns))
        return Batch(table.to_pandas(), np.arange(end - table.num_rows, end), suspect)

    def _points(self, wkb: pa.Array, numbers: np.ndarray) -> dict[str, pa.Array]:
        """lat/lon text of the point geometries; other geometries reported."""
        import shapely

        geoms = shapely.from_wkb(np.asarray(wkb.to_numpy(zero_copy_only=False), dtype=object),
                                 on_invalid="ignore")
        kinds = shapely.get_type_id(geoms)
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        for i in np.flatnonzero(~missing & (kinds != 0)):
            self.col.add(f"row {numbers[i]}", "geometry",
                         f"a {geoms[i].geom_type} is not a point; incidents are points")
        point = ~missing & (kinds == 0)
        x = np.where(point, shapely.get_x(geoms), np.nan)
        y = np.where(point, shapely.get_y(geoms), np.nan)
        x, y = _to_wgs84(self.crs, x, y, point)
        return {C.LAT: _as_text(pa.array(y, from_pandas=True)),
                C.LON: _as_text(pa.array(x, from_pandas=True))}


def _to_wgs84(crs: Any, x: np.ndarray, y: np.ndarray, point: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import CRS, Transformer

    source = CRS.from_user_input(crs if isinstance(crs, str) else json.dumps(crs))
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True) or not point.any():
        return x, y
    lon, lat = Transformer.from_crs(source, 4326, always_xy=True).transform(x[point], y[point])
    x, y = x.copy(), y.copy()
    x[point], y[point] = lon, lat
    return x, y


def _geo_metadata(schema: pa.Schema) -> dict[str, Any] | None:
    raw = (schema.metadata or {}).get(b"geo")
    if not raw:
        return None
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None


def _suspect(arr: pa.Array) -> bool:
    """Whether a text column may hold control, invisible or non-NFC characters."""
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        return True
    return bool(pc.any(pc.match_substring_regex(arr, _CONTROL.pattern)).as_py())
