"""The offline review page written beside ``proposed.csv``.

One self-contained HTML file: Leaflet inlined from the installed ``xstatic-leaflet`` (no tiles,
no request of any kind), the proposals as JSON in a ``<script type="application/json">`` block
(:func:`geo.maps._escape.json_for_html`), and a small script that builds every element with
``textContent`` — text from documents is never parsed as markup. Each proposal shows its
sentence highlighted in the surrounding text, a map of its place candidates, and accept / edit /
reject controls; "Save accepted" downloads an incidents CSV (accepted and edited rows) that
``routerisk build --incidents`` reads as it is.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import xstatic.pkg.leaflet as xs_leaflet

from geo import columns as C
from geo.maps._escape import json_for_html, script_safe, style_safe

if TYPE_CHECKING:
    from geo.extract import Extraction

__all__ = ["write_review"]

_CONTEXT = 240  # characters of the document shown on each side of the sentence


def _payload(result: Extraction, types: list[str]) -> dict[str, Any]:
    items = []
    for row in result.proposals.to_dict("records"):
        text = result.texts.get(str(row["source_id"]), "")
        start, end = int(row["evidence_start"]), int(row["evidence_end"])
        lo, hi = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
        items.append({
            "row": {k: ("" if v is None or v != v else v) for k, v in row.items()},
            "before": ("…" if lo else "") + text[lo:start],
            "sentence": text[start:end],
            "after": text[end:hi] + ("…" if hi < len(text) else ""),
            "candidates": [list(c) for c in result.candidates.get(str(row["incident_id"]), ())],
        })
    columns = [c for c in C.INCIDENT_COLUMNS if c != C.ADMIN1_SOURCE]  # import writes that one
    return {"items": items, "types": types, "columns": columns,
            "extra": ["source_id", "evidence", "why"]}


def write_review(result: Extraction, path: Path | str) -> Path:
    """Write the review page of ``result`` to ``path`` (written whole, then moved in place).

    Parameters
    ----------
    result
        What :func:`geo.extract.extract` found.
    path
        The HTML file to write.

    Returns
    -------
    Path
        The page written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geo.extract import extract_documents
    >>> from geo.extract._documents import Document
    >>> found = extract_documents([Document("a", "Police in Kunming detained <b>4</b> people "
    ...                                             "on 2 May 2021.")])
    >>> html = write_review(found, pathlib.Path(tempfile.mkdtemp()) / "r.html").read_text()
    >>> "<b>4</b>" in html, "u003cb" in html  # the tag reaches the page as escaped JSON text
    (False, True)
    """
    from geo._config import read_config
    from geo.maps._assets import _leaflet_css

    types = list(read_config()[0]["types"])
    template = jinja2.Template(
        resources.files("geo.extract").joinpath("templates", "review.html.j2")
        .read_text("utf-8"), autoescape=True)
    page = template.render(
        css=style_safe(_leaflet_css()),
        leaflet=script_safe((Path(xs_leaflet.BASE_DIR) / "leaflet.js").read_text("utf-8")),
        script=script_safe(resources.files("geo.extract").joinpath("templates", "review.js")
                           .read_text("utf-8")),
        data=json_for_html(_payload(result, types)),
        count=len(result.proposals), documents=result.documents,
    )
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(page, "utf-8")
    tmp.replace(path)
    return path
