"""Read a source CSV as text columns: encoding decided by decoding, HXL tag rows dropped.

pyarrow parses the file (multi-threaded, quoted newlines allowed); every column stays text, so
nothing is guessed (``007`` stays ``007``, an empty cell stays empty).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from geo._errors import Problem, ValidationError

__all__ = ["SourceTable", "read_source"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceTable:
    """A source file read as text: ``frame`` holds the wanted columns (matched ignoring case,
    spaces and underscores), ``rows`` the row numbers.

    Row numbers count records after the header from 1 (a HXL tag row is record 1 and is not in
    ``frame``), so ``row N`` is line N + 1 of a file without line breaks inside cells.
    """

    path: Path
    header: tuple[str, ...]
    frame: pd.DataFrame
    rows: np.ndarray
    encoding: str
    hxl: bool


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
                                       block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, include_columns=wanted,
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _decode_label(data: bytes) -> tuple[bytes, str]:
    if data.startswith(_BOM):
        return data[len(_BOM):], "UTF-8 with BOM"
    return data, "UTF-8"


def read_source(path: Path | str, wanted: list[str] | None = None) -> SourceTable:
    """Read a CSV file; ``wanted`` columns only (all when None; missing ones are skipped).

    UTF-8 (with or without BOM) is tried first; a file that is not valid UTF-8 is read as
    cp1252 (Windows Latin-1, a superset of ISO-8859-1's printable characters).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("id,name\\n#x,#y\\n1,Kasaï\\n".encode("cp1252"))
    >>> t = read_source(p)
    >>> t.encoding, t.hxl, t.frame["name"].tolist(), t.rows.tolist()
    ('cp1252 (Windows Latin-1)', True, ['Kasaï'], [2])
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except OSError as exc:
        raise _fail(path, f"cannot read file: {exc.strerror or exc}") from None
    if not raw.strip():
        raise _fail(path, "file is empty")
    data, encoding = _decode_label(raw)
    header = _header(data, path, "utf-8")
    keys = None if wanted is None else {_key(w) for w in wanted}
    cols = [h for h in header if keys is None or _key(h) in keys]
    try:
        table = _parse(data, header, cols)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise _fail(path, f"not a readable CSV: {str(exc).strip().splitlines()[0]}") from None
        data = data.decode("cp1252", errors="strict" if _is_cp1252(data) else "replace"
                           ).encode("utf-8")
        encoding = "cp1252 (Windows Latin-1)"
        header = _header(data, path, "utf-8")
        try:
            table = _parse(data, header, [h for h in header if keys is None or _key(h) in keys])
        except pa.ArrowInvalid as exc2:
            raise _fail(path, f"not a readable CSV: {str(exc2).strip().splitlines()[0]}"
                        ) from None
    frame = table.to_pandas()
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    hxl = _is_hxl(frame)
    if hxl:
        frame, rows = frame.iloc[1:].reset_index(drop=True), rows[1:]
    return SourceTable(path, header, frame, rows, encoding, hxl)


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").casefold().split())


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _is_hxl(frame: pd.DataFrame) -> bool:
    """The first record is a row of HXL hashtags (``#date``, ``#geo+lat`` …), not data."""
    if not len(frame):
        return False
    first = [str(v).strip() for v in frame.iloc[0]]
    tags = [v for v in first if v]
    return bool(tags) and all(v.startswith("#") for v in tags)
