"""Read a source CSV as text columns: encoding decided by decoding, HXL tag rows dropped.

pyarrow parses the file (multi-threaded, quoted newlines allowed); every column stays text, so
nothing is guessed (``007`` stays ``007``, an empty cell stays empty).

The same rows as a vector file — GeoJSON, FlatGeobuf, GeoPackage or a shapefile, as event data
are republished (UCDP GED per country as GeoJSON and FlatGeobuf, for one) — are read with
pyogrio: the properties become the columns, as text (whole numbers without a decimal point,
dates at midnight as ``YYYY-MM-DD``), and a point geometry gives ``latitude`` and ``longitude``
when the properties have none (in WGS 84, whatever the file's CRS). An API response saved as
JSON — a list of rows, or ACLED's ``{"data": [...]}`` and UCDP's ``{"Result": [...]}`` — is read
the same way, each object a row and its keys the columns.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo._errors import Problem, ValidationError

__all__ = ["SourceTable", "read_source"]

_BOM = b"\xef\xbb\xbf"
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_ALLOWED = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 13)) and b != 127)


@dataclass(frozen=True)
class SourceTable:
    """A source file read as text: ``arrow`` holds the wanted columns (matched ignoring case,
    spaces and underscores), ``rows`` the row numbers.

    Row numbers count records after the header from 1 (a HXL tag row is record 1 and is not in
    ``frame``), so ``row N`` is line N + 1 of a file without line breaks inside cells.
    """

    path: Path
    header: tuple[str, ...]
    arrow: pa.Table
    rows: np.ndarray
    encoding: str
    hxl: bool

    @property
    def n(self) -> int:
        """Number of data rows."""
        return int(self.arrow.num_rows)

    def series(self, name: str) -> pd.Series:
        """One column as a pandas string Series backed by the Arrow data (no copy)."""
        return pd.Series(pd.arrays.ArrowStringArray(self.arrow.column(name)))


def _fail(path: Path, message: str, field: str = "-") -> ValidationError:
    return ValidationError([Problem(str(path), "-", field, message)])


def _header(data: bytes, path: Path, encoding: str) -> tuple[str, ...]:
    head = data[: 1 << 16].decode(encoding, errors="replace")
    try:
        first = next(csv.reader(io.StringIO(head)))
    except (StopIteration, csv.Error):
        raise _fail(path, "file is empty or has no header line") from None
    names = tuple(h.strip() for h in first)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _fail(path, "column appears more than once in the header", dupes[0])
    return names


def _parse(data: bytes, header: tuple[str, ...], wanted: list[str]) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=list(header), skip_rows=1,
                                       block_size=1 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, include_columns=wanted,
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _unzip(raw: bytes, path: Path) -> tuple[bytes, str]:
    """The CSV inside a zip archive (UCDP serves ``ged191-csv.zip``), and its name."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()
                       and not i.filename.startswith("__MACOSX/")
                       and i.filename.lower().endswith((".csv", ".txt"))]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members[:5]) or "none"
                raise _fail(path, f"a zip archive holding {len(members)} CSV files ({names}); "
                                  "unzip it and import one CSV file")
            return archive.read(members[0]), members[0].filename
    except zipfile.BadZipFile as exc:
        raise _fail(path, f"a damaged zip archive: {exc}") from None


def _decode_label(data: bytes) -> tuple[bytes, str]:
    if data.startswith(_BOM):
        return data[len(_BOM):], "UTF-8 with BOM"
    return data, "UTF-8"


def _json_rows(raw: bytes) -> tuple[str, list]:
    """``("rows", rows)`` for an API response saved as JSON — a list of flat objects, or an
    object holding one non-empty such list (ACLED's ``data``, UCDP's ``Result``) — else
    ``("geojson", [])``, ``("other", [])`` (JSON of another shape) or ``("", [])`` (not JSON)."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return "", []
    if isinstance(doc, dict):
        if doc.get("type") in ("FeatureCollection", "Feature"):
            return "geojson", []
        lists = {k: v for k, v in doc.items() if isinstance(v, list)
                 and all(isinstance(r, dict) for r in v)}
        full = [v for v in lists.values() if v]
        named = [lists[k] for k in ("data", "Result", "results") if k in lists]
        doc = full[0] if len(full) == 1 else (named[0] if not full and named else None)
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        return "other", []
    return "rows", doc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _text_table(path: Path, header: tuple[str, ...], wanted: list[str] | None,
                column: Callable[[str], pa.Array], label: str) -> SourceTable:
    """A :class:`SourceTable` of the ``wanted`` columns of ``header``, each made by
    ``column``; rows numbered from 1, no HXL row."""
    want = None if wanted is None else {_key(w) for w in wanted}
    cols = [c for c in header if want is None or _key(c) in want]
    table = pa.table([column(c) for c in cols], names=cols)
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return SourceTable(path, header, table, rows, label, False)


def _read_json(path: Path, rows: list, wanted: list[str] | None) -> SourceTable:
    if not rows:
        raise _fail(path, "the JSON holds an empty list of rows")
    header = tuple(dict.fromkeys(k for r in rows for k in r))
    return _text_table(path, header, wanted,
                       lambda c: pa.array([_cell(r.get(c)) for r in rows], type=pa.string()),
                       f"a JSON list of {len(rows)} rows")


#: suffixes and leading bytes of the vector formats read through pyogrio
_VECTOR_SUFFIXES = (".geojson", ".geojsonl", ".fgb", ".gpkg", ".shp")
_VECTOR_MAGIC = (b"fgb", b"SQLite format 3\x00")


def _is_vector(path: Path, raw: bytes) -> bool:
    """A vector file by its suffix or leading bytes (a ``.json`` that is not rows: GeoJSON)."""
    if path.suffix.lower() in _VECTOR_SUFFIXES or raw.startswith(_VECTOR_MAGIC):
        return True
    return path.suffix.lower() == ".json" and raw.lstrip(_BOM + b" \t\r\n")[:1] == b"{"


def _text(values: pd.Series) -> pa.Array:
    """One property column as text, as a CSV of the same rows would hold it."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamp = pd.to_datetime(values)
        midnight = bool((stamp.dropna() == stamp.dropna().dt.normalize()).all())
        out = stamp.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
    elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
        out = values.astype("Int64").astype(str)
    elif pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        out = (values.astype("Int64").astype(str) if bool((whole == whole.round()).all())
               and bool((whole.abs() < 2**53).all()) else values.map(repr))
    else:
        out = values.astype(object).map(lambda v: "" if v is None else str(v))
    out = out.where(values.notna(), "").replace({"<NA>": "", "nan": "", "NaT": ""})
    return pa.array(out.tolist(), type=pa.string())


def _read_vector(path: Path, wanted: list[str] | None) -> SourceTable:
    import geopandas as gpd
    import pyogrio
    import shapely

    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError,
            ValueError) as exc:
        raise _fail(path, f"not a readable vector file: {str(exc).strip().splitlines()[0]}"
                    ) from None
    columns = {str(c): frame[c] for c in frame.columns if c != frame.geometry.name}
    keys = {_key(c) for c in columns}
    label = f"a {path.suffix.lstrip('.') or 'vector'} file: {len(frame)} features"
    if "latitude" not in keys and "longitude" not in keys and len(frame):
        geom = frame.geometry
        if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
            geom = geom.to_crs("EPSG:4326")
        points = shapely.get_type_id(geom.values) == 0
        x = pd.Series(np.where(points, shapely.get_x(geom.values), np.nan))
        y = pd.Series(np.where(points, shapely.get_y(geom.values), np.nan))
        columns["latitude"], columns["longitude"] = y, x
        label += ", latitude and longitude from the point geometry"
    return _text_table(path, tuple(columns), wanted,
                       lambda c: _text(columns[c].reset_index(drop=True)), label)


def read_source(path: Path | str, wanted: list[str] | None = None) -> SourceTable:
    """Read a CSV file (or a vector file of the same rows, see the module docstring);
    ``wanted`` columns only (all when None; missing ones are skipped).

    UTF-8 (with or without BOM) is tried first; a file that is not valid UTF-8 is read as
    cp1252 (Windows Latin-1, a superset of ISO-8859-1's printable characters).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("id,name\\n#x,#y\\n1,Kasaï\\n".encode("cp1252"))
    >>> t = read_source(p)
    >>> t.encoding, t.hxl, t.series("name").tolist(), t.rows.tolist()
    ('cp1252 (Windows Latin-1)', True, ['Kasaï'], [2])
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except OSError as exc:
        raise _fail(path, f"cannot read file: {exc.strerror or exc}") from None
    if not raw[:4096].strip() and not raw.strip():
        raise _fail(path, "file is empty")
    if (path.suffix.lower() not in _VECTOR_SUFFIXES  # a .geojson is parsed once, by pyogrio
            and raw.lstrip(_BOM + b" \t\r\n")[:1] in (b"{", b"[")):
        kind, json_rows = _json_rows(raw)
        if kind == "rows":
            return _read_json(path, json_rows, wanted)
        if kind == "other":
            raise _fail(path, "a JSON file that is neither a list of rows (an API response's "
                              "data) nor GeoJSON")
    if _is_vector(path, raw):
        return _read_vector(path, wanted)
    member = ""
    if raw.startswith(b"PK\x03\x04"):
        raw, member = _unzip(raw, path)
    data, encoding = _decode_label(raw)
    if member:
        encoding = f"{encoding}, {member} in the zip"
    header = _header(data, path, "utf-8")
    keys = None if wanted is None else {_key(w) for w in wanted}
    cols = [h for h in header if keys is None or _key(h) in keys]
    try:
        table = _parse(data, header, cols)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise _fail(path, f"not a readable CSV: {str(exc).strip().splitlines()[0]}") from None
        data, encoding = _per_line(data)
        encoding += f", {member} in the zip" if member else ""
        header = _header(data, path, "utf-8")
        try:
            table = _parse(data, header, [h for h in header if keys is None or _key(h) in keys])
        except pa.ArrowInvalid as exc2:
            raise _fail(path, f"not a readable CSV: {str(exc2).strip().splitlines()[0]}"
                        ) from None
    if data.translate(None, _ALLOWED):  # control characters become spaces (rare: checked once)
        table = pa.table([pc.replace_substring_regex(c, _CONTROL, " ") for c in table.columns],
                         names=table.column_names)
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    hxl = _is_hxl(table)
    if hxl:
        table, rows = table.slice(1), rows[1:]
    return SourceTable(path, header, table, rows, encoding, hxl)


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").casefold().split())


def _per_line(data: bytes) -> tuple[bytes, str]:
    """``data`` as UTF-8 when it is not valid UTF-8: cp1252 (Windows Latin-1), or, for a file
    that mixes the two (rows pasted from two sources), each line in the encoding it is valid
    in, said in the label, so that neither half becomes mojibake.

    >>> _per_line("Kasaï\\n".encode("cp1252") + "Kasaï\\n".encode("utf-8"))[1]
    'mixed: 1 line UTF-8, 1 line cp1252 (Windows Latin-1); each line read in its own'
    """
    lines = data.split(b"\n")
    out, utf8, latin = [], 0, 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            latin += 1
            out.append(line.decode("cp1252", errors="replace").encode("utf-8"))
            continue
        utf8 += not line.isascii()
        out.append(line)
    if not utf8:
        label = "cp1252 (Windows Latin-1)"
    else:
        label = (f"mixed: {utf8} line{'s' if utf8 > 1 else ''} UTF-8, {latin} "
                 f"line{'s' if latin > 1 else ''} cp1252 (Windows Latin-1); each line read in "
                 "its own")
    return b"\n".join(out), label


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _is_hxl(table: pa.Table) -> bool:
    """The first record is a row of HXL hashtags (``#date``, ``#geo+lat`` …), not data."""
    if not table.num_rows:
        return False
    first = [str(c[0].as_py()).strip() for c in table.columns]
    tags = [v for v in first if v]
    return bool(tags) and all(v.startswith("#") for v in tags)
