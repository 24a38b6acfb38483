"""Incident rows as text records, from CSV or point GeoJSON, each with its locator."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.io._common import _CONTROL, _Collector, _text
from geo.io._geojson import _read_geojson
from geo.io._vector import _check_geometries, _to_wgs84


def _decode(raw: bytes, path: Path, col: _Collector, encoding: str | None) -> str:
    if encoding is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            col.fail("-", "-", "is UTF-16 (Excel 'Unicode text'); save as 'CSV UTF-8' or give "
                               "its encoding", option="encoding='utf-16'")
        if raw.startswith(b"PK\x03\x04"):
            col.fail("-", "-", "is a zip file (an .xlsx/.ods spreadsheet?), not CSV; export it "
                               "as 'CSV UTF-8'")
    enc = encoding or "utf-8"
    try:
        return raw.decode(enc).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.fail(f"line {line}", "-", f"not valid {enc}: byte 0x{raw[exc.start]:02X} at offset "
                                      f"{exc.start}; save as 'CSV UTF-8' or give its encoding "
                                      "(e.g. cp1252, gb18030)", option="encoding=ENC")
    except LookupError:
        col.fail("-", "-", f"unknown encoding {encoding!r}", option="encoding")


def _read_text(path: Path, col: _Collector, encoding: str | None) -> tuple[bytes, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
    text = _decode(raw, path, col, encoding)
    if not text.strip():
        col.fail("-", "-", "file is empty (no header, no incidents)")
    return raw, text


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


def _read_csv_table(path: Path, col: _Collector, encoding: str | None
                    ) -> tuple[list[str], pd.DataFrame, np.ndarray, bool]:
    """The CSV's header, its rows as a frame of text cells, each row's number, and whether
    the text may hold characters that need a look cell by cell (control characters, or any
    non-ASCII text: invisible characters, text not in NFC).

    Blank lines are skipped; row numbers count records as a spreadsheet does (the header is
    row 1). Large well-formed files are parsed by pyarrow; anything pyarrow might read
    differently from Python's strict ``csv`` module goes through the latter, which names the
    row of every structural problem.
    """
    raw, text = _read_text(path, col, encoding)
    fast = _read_csv_fast(raw, text, encoding)
    if fast is None:
        return (*_read_csv_python(text, col), True)
    first, table, suspect = fast
    header = _check_csv_header(first, col)
    table.columns = pd.Index(header)
    rows = np.arange(2, len(table) + 2)
    blank = _blank_rows(table)
    if blank.any():
        table, rows = table.loc[~blank].reset_index(drop=True), rows[~blank]
    return header, table, rows, suspect


_CONTROL_BYTES = re.compile(_CONTROL.pattern.encode("ascii"))
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


def _read_csv_fast(raw: bytes, text: str, encoding: str | None
                   ) -> tuple[list[str], pd.DataFrame, bool] | None:
    """Parse with pyarrow when the file is plain enough to be read the same way; else None."""
    data = raw if encoding is None else text.encode("utf-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if (b"\x00" in data or b"\n\n" in data or b"\n\r\n" in data
            or data.count(b"\r") != data.count(b"\r\n") or _lenient_quotes(data)):
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader)
    except (csv.Error, StopIteration):
        return None
    if reader.line_num != 1 or len(first) < 2:
        return None
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(len(first))]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = table.to_pandas()
    # in UTF-8 an ASCII control character is never part of another character's bytes
    return first, frame, not data.isascii() or _CONTROL_BYTES.search(data) is not None


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


def _read_csv_python(text: str, col: _Collector) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        col.fail(f"row {reader.line_num}", "-", f"malformed CSV: {exc}")
    header = _check_csv_header(rows[0], col)
    kept: list[list[str]] = []
    numbers: list[int] = []
    for i, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            col.add(f"row {i}", "-", f"has {len(values)} fields, the header has {len(header)} "
                                     "(a stray or missing comma? quote fields that hold commas)")
            continue
        kept.append(values)
        numbers.append(i)
    table = pd.DataFrame(kept, columns=pd.Index(header), dtype=object) if kept else \
        pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    return header, table, np.asarray(numbers, dtype=np.int64)


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
