"""Incident rows as text records, from CSV or point GeoJSON, each with its locator."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import shapely

from geo import columns as C
from geo.io._common import _VECTOR_SUFFIXES, _Collector, _text
from geo.io._geojson import _read_geojson
from geo.io._vector import _check_geometries, _to_wgs84


def _decode(raw: bytes, path: Path, col: _Collector, encoding: str | None) -> str:
    if encoding is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            col.fail("-", "-", "is UTF-16 (Excel 'Unicode text'); save as 'CSV UTF-8' or pass "
                               "--encoding utf-16")
        if raw.startswith(b"PK\x03\x04"):
            col.fail("-", "-", "is a zip file (an .xlsx/.ods spreadsheet?), not CSV; export it "
                               "as 'CSV UTF-8'")
    enc = encoding or "utf-8"
    try:
        return raw.decode(enc).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.fail(f"line {line}", "-", f"not valid {enc}: byte 0x{raw[exc.start]:02X} at offset "
                                      f"{exc.start}; save as 'CSV UTF-8' or pass --encoding "
                                      "(e.g. cp1252, gb18030)")
    except LookupError:
        col.fail("-", "-", f"unknown encoding {encoding!r} (--encoding)")


def _read_csv_records(path: Path, col: _Collector, encoding: str | None
                      ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
    text = _decode(raw, path, col, encoding)
    if not text.strip():
        col.fail("-", "-", "file is empty (no header, no incidents)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        col.fail(f"row {reader.line_num}", "-", f"malformed CSV: {exc}")
    header = [h.strip() for h in rows[0]]
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
    records: list[dict[str, Any]] = []
    locs: list[str] = []
    for i, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            col.add(f"row {i}", "-", f"has {len(values)} fields, the header has {len(header)} "
                                     "(a stray or missing comma? quote fields that hold commas)")
            continue
        records.append(dict(zip(header, values, strict=True)))
        locs.append(f"row {i}")
    return header, records, locs


def _read_incident_records(path: Path, col: _Collector, encoding: str | None
                           ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Incident rows as dicts, from CSV or point GeoJSON, with a locator per row."""
    if not path.exists():
        col.fail("-", "-", "file not found")
    if path.suffix.lower() not in _VECTOR_SUFFIXES:
        return _read_csv_records(path, col, encoding)
    gdf = _read_geojson(path, col)
    if not len(gdf):
        col.fail("-", "-", "no incidents (the FeatureCollection has no features)")
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
