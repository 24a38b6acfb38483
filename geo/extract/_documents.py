"""Read the documents ``extract`` works on: one text per file, or one per row of a table.

The *document text* is what every offset (``evidence_start``/``evidence_end``) counts in,
in Python characters (code points):

* ``.txt`` / ``.md``: the file as decoded (UTF-8, a byte order mark dropped, line ends made
  ``\\n``); Markdown is kept as written.
* ``.html`` / ``.htm``: the text a reader sees — tags removed, ``<script>``/``<style>`` dropped,
  entities decoded, each block element (p, div, li, h1–h6, br, tr …) ending a line, runs of
  spaces within a line collapsed to one.
* ``.pdf``: the text of each page as pypdf extracts it, pages joined by a blank line.
* ``.csv`` / ``.xlsx``: the cell of the text column, as stored.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from geo._errors import Problem, UsageError, ValidationError

__all__ = ["DOCUMENT_SUFFIXES", "TABLE_SUFFIXES", "Document", "read_documents"]

DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Document:
    """One text to extract incidents from.

    ``published`` is the publication date as given (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``),
    empty when not known; ``origin`` names the file (and row) for messages.
    """

    source_id: str
    text: str
    published: str = ""
    origin: str = ""


def _bad(message: str, *, file: str, row: str = "-", field: str = "-") -> ValidationError:
    return ValidationError([Problem(file, row, field, message)])


_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                     "tr", "table", "section", "article", "header", "footer", "blockquote",
                     "pre", "title", "dd", "dt", "figcaption", "hr"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextOf(HTMLParser):
    """Collect the visible text of an HTML page, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page (see the module docstring for the rules).

    >>> html_text("<p>Police <b>arrested</b> 3&nbsp;people.</p><script>x()</script><p>End</p>")
    'Police arrested 3 people.\\nEnd'
    """
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    raw = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise _bad(f"not a readable PDF ({exc})", file=str(path)) from None
    return "\n\n".join(p.strip() for p in pages)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad(f"not UTF-8 text (byte {exc.start})", file=str(path)
                                     ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _one_document(path: Path, published: str) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in (".html", ".htm"):
        text = html_text(_read_text(path))
    else:
        text = _read_text(path)
    return Document(source_id=path.name, text=text, published=published, origin=str(path))


def _table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _table_documents(path: Path, *, text_column: str | None, id_column: str | None,
                     date_column: str | None, published: str) -> list[Document]:
    if not text_column:
        raise UsageError(f"{path}: a table needs text_column (the column holding the texts)",
                         field="text_column")
    table = _table(path)
    for column in (text_column, id_column, date_column):
        if column and column not in table.columns:
            raise _bad(
                f"no column {column!r} (columns: {', '.join(map(str, table.columns[:12]))})",
                file=str(path), field=column)
    docs = []
    seen: set[str] = set()
    for i, row in enumerate(table.itertuples(index=False), start=1):
        values = dict(zip(table.columns, row, strict=True))
        source_id = str(values[id_column]).strip() if id_column else f"{path.name}:{i}"
        if not source_id or source_id in seen:
            raise _bad(f"empty or repeated id {source_id!r}", file=str(path),
                                         row=f"row {i}", field=str(id_column))
        seen.add(source_id)
        date = str(values[date_column]).strip() if date_column else published
        docs.append(Document(source_id=source_id, text=str(values[text_column]),
                             published=date, origin=f"{path}:{i}"))
    return docs


def read_documents(
    sources: Sequence[Path | str],
    *,
    published: str = "",
    text_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
) -> list[Document]:
    """Read every source into :class:`Document` objects, in the order given.

    Parameters
    ----------
    sources
        Files: ``.txt``, ``.md``, ``.html``, ``.pdf`` (one document each) or ``.csv``,
        ``.xlsx`` (one document per row).
    published
        Publication date of single documents (and of table rows without ``date_column``).
    text_column, id_column, date_column
        Columns of a table: the text, its id (default ``FILE:ROW``) and its publication date.

    Returns
    -------
    list of Document
    """
    docs: list[Document] = []
    for source in sources:
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix not in DOCUMENT_SUFFIXES + TABLE_SUFFIXES:
            raise UsageError(f"{path}: cannot read {suffix or 'a file without a suffix'} "
                             f"(known: {', '.join(DOCUMENT_SUFFIXES + TABLE_SUFFIXES)})",
                             field="sources")
        if not path.is_file():
            raise _bad("file not found", file=str(path))
        if suffix in TABLE_SUFFIXES:
            docs += _table_documents(path, text_column=text_column, id_column=id_column,
                                     date_column=date_column, published=published)
        else:
            docs.append(_one_document(path, published))
    return docs
