"""A CSV incidents table read in batches, so that reading never holds the whole text.

A first pass reads the file's bytes in pieces (:func:`scan_csv`): is the encoding right, is the
file empty, does it hold anything but ASCII, and is it plain enough that pyarrow reads it as
Python's strict ``csv`` module would (no blank lines, no lone CR, no NUL, no quote run the strict
reader refuses)? A plain file is then parsed by pyarrow's streaming reader
(:func:`arrow_batches`); any other by Python's ``csv`` (:func:`python_batches`), which names the
row of every structural problem. Either way the rows come as batches (:class:`Batch`) of text
cells of about :data:`BATCH_BYTES` each, with the number of each row as a spreadsheet counts
them (the header is row 1; blank lines count and are skipped).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.io._common import _Collector
from geo.io._records import _blank_rows, _check_csv_header, _lenient_quotes

BATCH_BYTES = 32 << 20  # text per batch
SCAN_BYTES = 16 << 20  # bytes per read of the first pass
_HEAD = 1 << 16  # characters of the header line looked at
#: Longest run of text a CSV may hold without a row ending (a line, or a quoted cell spanning
#: lines): an incident row is a few hundred bytes; one 500 MB cell would ask pyarrow for 4 GB.
MAX_ROW_BYTES = 32 << 20
#: Most columns an incidents table may have (the schema has about 25).
MAX_COLUMNS = 1000
# every byte but the ASCII controls (and DEL): bytes.translate(None, this) keeps only those
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 and b != 0x7F)


class NotPlainError(Exception):
    """pyarrow refused the file (a row with the wrong number of fields …): read it with csv."""


@dataclass
class Batch:
    """Rows of an incidents table as text cells, with the number of each row."""

    table: pd.DataFrame
    rows: np.ndarray
    suspect: bool = True  # may hold control, invisible or non-NFC characters
    unit: str = "row"


@dataclass
class Scan:
    """What the first pass found out about a CSV file."""

    encoding: str
    utf8: bool
    plain: bool = True
    suspect: bool = False
    header: list[str] | None = None
    _tail_newline: bool = False
    _nonblank: bool = False


def _utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _check_start(chunk: bytes, col: _Collector) -> None:
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        col.fail("-", "-", "is UTF-16 (Excel 'Unicode text'); save as 'CSV UTF-8' or give "
                           "its encoding", option="encoding='utf-16'")
    if chunk.startswith(b"PK\x03\x04"):
        col.fail("-", "-", "is a zip file (an .xlsx/.ods spreadsheet?), not CSV; export it "
                           "as 'CSV UTF-8'")


def _structure(scan: Scan, data: bytes, special: bytes, start: int, end: int) -> None:
    """Update ``scan.plain`` with ``data[start:end]``, a piece that ends after a newline (or at
    the end of the file) and starts after one (or at the start, or with the text carried over).

    ``special`` holds the control bytes of ``data`` in order (a quick first look: ``\n\n`` can
    be in the data only if it is in ``special``). A piece ends right after ``\n``, so a quote
    run or a CRLF never straddles two pieces.
    """
    if not scan.plain or start >= end:
        return
    if ((scan._tail_newline and data.startswith((b"\n", b"\r\n"), start))
            or b"\x00" in special
            or (b"\n\n" in special and data.find(b"\n\n", start, end) >= 0)
            or (b"\n\r\n" in special and data.find(b"\n\r\n", start, end) >= 0)
            or (b"\r" in special
                and data.count(b"\r", start, end) != data.count(b"\r\n", start, end))
            or (data.find(b'"', start, end) >= 0 and _lenient_quotes(data[start:end]))):
        scan.plain = False
    scan._tail_newline = data.endswith(b"\n", start, end)


def _decode_error(exc: UnicodeDecodeError, start: int, lines: int, enc: str,
                  col: _Collector) -> None:
    """Fail naming the line and the offset of the first byte that is not ``enc``."""
    bad: bytes = exc.object
    line = lines + bad[: exc.start].count(b"\n") + 1
    col.fail(f"line {line}", "-", f"not valid {enc}: byte 0x{bad[exc.start]:02X} at offset "
                                  f"{start + exc.start}; save as 'CSV UTF-8' or give its "
                                  "encoding (e.g. cp1252, gb18030)", option="encoding=ENC")


class _Scanner:
    """The first pass over a CSV file, a piece at a time."""

    def __init__(self, scan: Scan, col: _Collector):
        self.scan, self.col = scan, col
        self.decoder = codecs.getincrementaldecoder(scan.encoding)()
        self.offset = 0  # bytes of the file before the decoder's pending bytes
        self.lines = 0  # newlines in those bytes
        self.carry = b""  # UTF-8 text after the last newline, not yet checked
        self.head = ""  # decoded text at the start of the file (for the header)
        self.open_quote = False  # inside a quoted cell at the end of the last piece
        self.run = 0  # bytes since the last row could have ended
        self.run_line = 1  # the line where that run began

    def feed(self, chunk: bytes, final: bool) -> None:
        scan = self.scan
        pending = self.decoder.getstate()[0]
        if scan.utf8 and not pending and chunk.isascii():
            text = None  # ASCII: valid, and already UTF-8
        else:
            try:
                text = self.decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                _decode_error(exc, self.offset - len(pending), self.lines - pending.count(b"\n"),
                              scan.encoding, self.col)
        data = chunk if scan.utf8 else (text or "").encode("utf-8")
        special = data.translate(None, _NOT_CONTROL)
        self.offset += len(chunk)
        self.lines += special.count(b"\n") if scan.utf8 else chunk.count(b"\n")
        if not scan.suspect:
            # in UTF-8 an ASCII control character is never part of another character's bytes
            scan.suspect = not data.isascii() or bool(special.translate(None, b"\t\n\r"))
        self._look(data, text)
        self._bound(data, special)
        self._pieces(data, special, final)

    def _bound(self, data: bytes, special: bytes) -> None:
        """Fail on a row longer than :data:`MAX_ROW_BYTES`, before it is ever held whole.

        Counted per piece: a piece without a newline, or one that ends inside a quoted cell
        (an odd number of quotes so far), adds its length to the run; the run may thus pass
        the limit by up to one piece before it is noticed, never by more.
        """
        was_open = self.open_quote
        self.open_quote ^= bool(data.count(b'"') % 2)
        if (was_open and self.open_quote) or b"\n" not in special:
            self.run += len(data)
        elif self.run + (data.find(b'"') if was_open else data.find(b"\n")) > MAX_ROW_BYTES:
            self.run += len(data)  # the row that ends in this piece was too long already
        elif self.open_quote:  # a quoted cell opened in this piece, at its last quote
            opened = data.rfind(b'"')
            self.run = len(data) - opened
            self.run_line = (self.lines - special.count(b"\n")
                             + data.count(b"\n", 0, opened) + 1)
        else:
            self.run, self.run_line = len(data) - data.rfind(b"\n") - 1, self.lines + 1
        if self.run > MAX_ROW_BYTES:
            self.col.fail(f"line {self.run_line}", "-",
                          f"a row (or a quoted cell) is longer than {MAX_ROW_BYTES >> 20} MB; an "
                          "incidents table holds rows of a few hundred bytes: is this the right "
                          "file, or is a quote left open?")

    def _pieces(self, data: bytes, special: bytes, final: bool) -> None:
        """Check the structure of the text up to its last newline; carry the rest over."""
        cut = len(data) if final else data.rfind(b"\n") + 1
        if not cut and not final:  # no newline in this piece: wait for one
            self.carry += data
            return
        start = 0
        if self.carry:  # the line that straddles the two pieces, on its own
            start = data.find(b"\n", 0, cut) + 1 or cut
            line = self.carry + data[:start]
            _structure(self.scan, line, line.translate(None, _NOT_CONTROL), 0, len(line))
        _structure(self.scan, data, special, start, cut)
        self.carry = data[cut:]

    def _look(self, data: bytes, text: str | None) -> None:
        """The start of the text (for the header), and whether there is any text at all."""
        scan = self.scan
        if scan._nonblank and ("\n" in self.head or len(self.head) > _HEAD):
            return
        if text is None:
            text = data[:_HEAD].decode("utf-8") if scan._nonblank else data.decode("utf-8")
        self.head = self.head + text
        if not scan._nonblank:
            self.head = self.head.lstrip("\ufeff")
            scan._nonblank = bool(self.head.strip())
        self.head = self.head if not scan._nonblank else self.head[:_HEAD + 1]


def _header_line(head: str) -> list[str] | None:
    """The header when it is one line that Python's csv reads with two or more fields."""
    reader = csv.reader(io.StringIO(head.partition("\n")[0], newline=""), strict=True)
    try:
        first = next(reader)
    except (csv.Error, StopIteration):
        return None
    if reader.line_num != 1 or len(first) < 2:
        return None
    return first


def scan_csv(path: Path, col: _Collector, encoding: str | None) -> Scan:
    """Check the encoding and emptiness of a CSV file, and whether pyarrow may parse it."""
    try:
        f = path.open("rb")
    except OSError as exc:
        col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
    with f:
        try:
            chunk = f.read(SCAN_BYTES)
        except OSError as exc:
            col.fail("-", "-", f"cannot read file: {exc.strerror or exc}")
        if encoding is None:
            _check_start(chunk, col)
        enc = encoding or "utf-8"
        try:
            scan = Scan(enc, _utf8(enc))
        except LookupError:
            col.fail("-", "-", f"unknown encoding {encoding!r}", option="encoding")
        scanner = _Scanner(scan, col)
        while True:
            following = f.read(SCAN_BYTES) if chunk else b""
            scanner.feed(chunk, final=not following)
            if not following:
                break
            chunk = following
    if not scan._nonblank:
        col.fail("-", "-", "file is empty (no header, no incidents)")
    head = scanner.head
    if head.partition("\n")[0].count(",") >= MAX_COLUMNS:
        col.fail("row 1", "-", f"the header has more than {MAX_COLUMNS:,} columns; an incidents "
                               "table has about 25 (is this the right file?)")
    if scan.plain and ("\n" in head or len(head) <= _HEAD):
        scan.header = _header_line(head)
    scan.plain = scan.plain and scan.header is not None
    return scan


# ---------------------------------------------------------------------------------------------
# pyarrow: plain files


def open_arrow(path: Path, scan: Scan) -> Any:
    """pyarrow's streaming CSV reader over the data rows, every cell as text."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    assert scan.header is not None
    names = [f"c{i}" for i in range(len(scan.header))]
    try:
        return pcsv.open_csv(
            str(path),
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=names,
                                          block_size=BATCH_BYTES,
                                          encoding="utf8" if scan.utf8 else scan.encoding),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # as pandas keeps text
                strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise NotPlainError from exc


def drain(reader: Any) -> None:
    """Parse the rest of the file (to learn whether pyarrow accepts it): NotPlainError if not."""
    import pyarrow as pa

    try:
        while True:
            reader.read_next_batch()
    except StopIteration:
        return
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise NotPlainError from exc


def arrow_batches(reader: Any, header: list[str], suspect: bool) -> Iterator[Batch]:
    """The batches of pyarrow's reader, blank rows left out (their numbers still count)."""
    import pyarrow as pa

    start = 2
    while True:
        try:
            record_batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            raise NotPlainError from exc
        table = record_batch.to_pandas()
        del record_batch
        table.columns = pd.Index(header)
        rows = np.arange(start, start + len(table))
        start += len(table)
        blank = _blank_rows(table)
        if blank.any():
            table, rows = table.loc[~blank].reset_index(drop=True), rows[~blank]
        yield Batch(table, rows, suspect)


# ---------------------------------------------------------------------------------------------
# Python's csv: every other file


def _strip_bom(f: Any) -> Iterator[str]:
    at_start = True
    for line in f:
        if at_start:
            line = line.lstrip("\ufeff")
            at_start = not line
        yield line


def check_python(path: Path, scan: Scan, col: _Collector) -> list[str]:
    """First pass of Python's reader: structure (fatal), header, and each row's field count.

    Blank lines are skipped; a row with another number of fields than the header is reported
    (and left out by :func:`python_batches`).
    """
    with path.open(encoding=scan.encoding, newline="") as f:
        reader = csv.reader(_strip_bom(f), strict=True)
        try:
            first = next(reader)
            rows = list(_wrong_lengths(reader, len(first)))
        except csv.Error as exc:
            col.fail(f"row {reader.line_num}", "-", f"malformed CSV: {exc}")
    header = _check_csv_header(first, col)
    for i, n in rows:
        col.add(f"row {i}", "-", f"has {n} fields, the header has {len(header)} "
                                 "(a stray or missing comma? quote fields that hold commas)")
    return header


def _blank(values: list[str]) -> bool:
    return not (values and values[0].strip()) and not any(v.strip() for v in values)


def _wrong_lengths(reader: Any, width: int) -> Iterator[tuple[int, int]]:
    for i, values in enumerate(reader, start=2):
        if len(values) != width and not _blank(values):
            yield i, len(values)


def python_batches(path: Path, scan: Scan, header: list[str]) -> Iterator[Batch]:
    """The rows of the header's length in batches (blank lines and other rows left out).

    A batch holds about BATCH_BYTES of text, estimated from its first rows.
    """
    kept: list[list[str]] = []
    numbers: list[int] = []
    target, size = 0, 0
    with path.open(encoding=scan.encoding, newline="") as f:
        rows = csv.reader(_strip_bom(f), strict=True)
        next(rows)
        for i, values in enumerate(rows, start=2):
            if len(values) != len(header) or _blank(values):
                continue  # blank, or reported by check_python
            kept.append(values)
            numbers.append(i)
            if not target:
                size += sum(map(len, values))
                target = max(len(kept), BATCH_BYTES // max(size // len(kept), 1)) \
                    if len(kept) >= 256 or size >= BATCH_BYTES else 0
            if target and len(kept) >= target:
                yield _python_batch(kept, numbers, header, scan.suspect)
                kept, numbers, target, size = [], [], 0, 0
    if kept:
        yield _python_batch(kept, numbers, header, scan.suspect)


def _python_batch(kept: list[list[str]], numbers: list[int], header: list[str],
                  suspect: bool) -> Batch:
    """Rows as a frame of pyarrow text columns (as pyarrow's own reader gives them)."""
    import pyarrow as pa

    columns = list(zip(*kept, strict=True))
    table = pa.table({f"c{j}": pa.array(col, pa.large_string())
                      for j, col in enumerate(columns)}).to_pandas()
    table.columns = pd.Index(header)
    return Batch(table, np.asarray(numbers, dtype=np.int64), suspect)


def read_csv_table(path: Path, col: _Collector, encoding: str | None = None
                   ) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """The whole table at once: header, text cells and row numbers (for tests)."""
    scan = scan_csv(path, col, encoding)
    if scan.plain:
        assert scan.header is not None
        try:
            header = _check_csv_header(scan.header, col)
            batches = list(arrow_batches(open_arrow(path, scan), header, scan.suspect))
        except NotPlainError:
            batches = None
        if batches is not None:
            return header, _concat(batches, header), _numbers(batches)
    header = check_python(path, scan, col)
    batches = list(python_batches(path, scan, header))
    return header, _concat(batches, header), _numbers(batches)


def _concat(batches: list[Batch], header: list[str]) -> pd.DataFrame:
    if not batches:
        return pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    return pd.concat([b.table for b in batches], ignore_index=True)


def _numbers(batches: list[Batch]) -> np.ndarray:
    return np.concatenate([b.rows for b in batches] or [np.empty(0, dtype=np.int64)])
