"""Propose dated, located incidents from text, for review: :func:`extract`.

Reading documents (:mod:`geo.extract._documents`), sentences (``_sentences``), dates
(``_dates``), places (``_places``), types and counts (``_cues``), sources (``_sources``) and
assembling proposals (``_assemble``) each have a module; the review page is
:mod:`geo.extract.review`. The method and its measured agreement with coded event data are in
``docs/extract.md``.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import columns as C
from geo._errors import Problem, UsageError

__all__ = ["PROPOSAL_COLUMNS", "Extraction", "extract", "extract_documents"]

#: columns of ``proposed.csv``: the incident schema (without ``admin1_source``, which only
#: ``import`` writes), then the review columns
PROPOSAL_COLUMNS = (*(c for c in C.INCIDENT_COLUMNS if c != C.ADMIN1_SOURCE),
                    *C.REVIEW_COLUMNS)


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract` found.

    Parameters
    ----------
    proposals
        One row per proposed incident, columns :data:`PROPOSAL_COLUMNS`.
    problems
        Documents reported rather than guessed at (no publication date …).
    documents
        Number of documents read.
    texts
        Each document's text by ``source_id`` (what the evidence offsets count in).
    candidates
        Place candidates of each proposal by ``incident_id``: ``(label, lat, lon)``.

    Examples
    --------
    >>> from geo.extract._documents import Document
    >>> found = extract_documents([Document("a", "Police in Kunming detained 4 people "
    ...                                             "on Sunday.", "2021-05-10"),
    ...                            Document("b", "Police in Kunming detained 2 people "
    ...                                          "last week.")])
    >>> found.documents, len(found.proposals), found.problems[0].message[:26]
    (2, 1, 'no publication date given ')
    """

    proposals: pd.DataFrame
    problems: tuple[Problem, ...]
    documents: int
    texts: dict[str, str] = field(repr=False)
    candidates: dict[str, tuple[tuple[str, float, float], ...]] = field(repr=False)

    def to_csv(self, path: Path | str) -> Path:
        """Write the proposals as an incidents CSV that ``routerisk build`` reads as it is.

        Text cells a spreadsheet would run as a formula get a leading ``'``, as in every CSV
        routerisk writes (:func:`geo.export.write_csv`).

        Parameters
        ----------
        path
            The CSV file to write.

        Returns
        -------
        Path
            ``path``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from geo.extract._documents import Document
        >>> found = extract_documents([Document("a", "Police in Kunming detained 4 people "
        ...                                             "on 2 May 2021.")])
        >>> out = found.to_csv(pathlib.Path(tempfile.mkdtemp()) / "proposed.csv")
        >>> out.read_text().splitlines()[0].startswith("incident_id,date,end_date,type")
        True
        """
        from geo.export import write_csv

        path = Path(path)
        write_csv(self.proposals, path)
        return path

    def review(self, path: Path | str) -> Path:
        """Write the offline review page (:func:`geo.extract.review.write_review`).

        Parameters
        ----------
        path
            The HTML file to write.

        Returns
        -------
        Path
            ``path``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from geo.extract._documents import Document
        >>> found = extract_documents([Document("a", "Police in Kunming detained 4 people "
        ...                                             "on 2 May 2021.")])
        >>> page = found.review(pathlib.Path(tempfile.mkdtemp()) / "review.html")
        >>> "Save accepted" in page.read_text()
        True
        """
        from geo.extract.review import write_review

        return write_review(self, path)


def _boundaries(boundaries: gpd.GeoDataFrame | Path | str | None) -> gpd.GeoDataFrame:
    if isinstance(boundaries, gpd.GeoDataFrame):
        return boundaries.to_crs(4326)
    from geo import datasets
    from geo.io import read_boundaries

    return read_boundaries(boundaries if boundaries is not None
                           else datasets.get_path("boundaries")).to_crs(4326)


def extract_documents(documents: Sequence[Any], *, countries: Sequence[str] = (),
                      boundaries: gpd.GeoDataFrame | Path | str | None = None,
                      config: Path | str | Sequence[Path | str] | None = None,
                      today: date | None = None) -> Extraction:
    """:func:`extract` on documents already read (:class:`geo.extract._documents.Document`).

    Parameters
    ----------
    documents
        The documents, each with its ``source_id``, text and publication date.
    countries
        ISO 3166-1 alpha-2 codes to look for places in (empty: anywhere).
    boundaries
        Boundaries layer (path or GeoDataFrame); default the bundled layer.
    config
        Risk model TOML file(s) with the ``cues`` to use.
    today
        Proposals dated after this day are dropped (default the real date).

    Returns
    -------
    Extraction
        The proposals, problems and texts.

    Examples
    --------
    >>> from geo.extract._documents import Document
    >>> doc = Document("a", "No arrests were made. Police in Kunming detained 3 on Sunday.",
    ...                "2024-09-10")
    >>> extract_documents([doc]).proposals[["date", "type", "count"]].values.tolist()
    [['2024-09-08', 'arrest', 3]]
    """
    from geo._config import read_config
    from geo.extract._assemble import propose, today_guard
    from geo.extract._cues import compile_cues, escalations
    from geo.extract._places import PlaceIndex

    paths = [] if config is None else [config] if isinstance(config, str | Path) else config
    data, _, _ = read_config(list(paths))
    cues = compile_cues(data["types"])
    escalation = escalations(data["types"])
    index = PlaceIndex(_boundaries(boundaries), countries=countries)
    rows: list[dict[str, object]] = []
    candidates: dict[str, tuple[tuple[str, float, float], ...]] = {}
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for doc in documents:
        found, trouble = propose(doc, index, cues, escalation)
        found = today_guard(found, today or date.today())
        problems += trouble
        texts[doc.source_id] = doc.text
        for prop in found:
            rows.append(prop.row)
            candidates[str(prop.row["incident_id"])] = prop.candidates
    frame = pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))
    return Extraction(frame, tuple(problems), len(documents), texts, candidates)


def extract(
    sources: Sequence[Path | str] | Path | str,
    *,
    published: str | date | None = None,
    countries: Sequence[str] | str = (),
    boundaries: gpd.GeoDataFrame | Path | str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
    config: Path | str | Sequence[Path | str] | None = None,
) -> Extraction:
    """Propose incidents from news texts, each with its evidence, for a person to review.

    Parameters
    ----------
    sources
        ``.txt``, ``.md``, ``.html``, ``.pdf`` files (one document each) or ``.csv``/``.xlsx``
        tables (one document per row; name the columns below).
    published
        Publication date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) of single documents; without
        it a dated line or dateline in the text is used, and a document with neither is
        reported in ``problems`` (its relative dates are left out, never resolved against
        today).
    countries
        ISO 3166-1 alpha-2 codes: places are looked for in these countries only.
    boundaries
        Boundaries layer (path or GeoDataFrame) whose first-level units are recognised;
        default the bundled layer (:func:`geo.datasets.get_path`).
    text_column, id_column, date_column
        Columns of a table: the text, its id and its publication date.
    config
        Risk model TOML file(s) whose ``[types.NAME] cues`` extend or replace the defaults.

    Returns
    -------
    Extraction
        ``.proposals`` (rows in the incident schema with ``status = "proposed"``,
        ``source_id``, ``evidence``, ``evidence_start``, ``evidence_end``, ``confidence``,
        ``why``), ``.problems``, ``.to_csv()``, ``.review()``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Police in Kunming arrested 12 people on Sunday.")
    >>> found = extract(folder / "a.txt", published="2024-09-10")
    >>> found.proposals[["date", "type", "place", "count"]].values.tolist()
    [['2024-09-08', 'arrest', 'Kunming', 12]]
    """
    from geo.extract._documents import read_documents

    if isinstance(sources, str | Path):
        sources = [sources]
    if not sources:
        raise UsageError("give at least one source file", field="sources")
    if isinstance(countries, str):
        countries = [c for c in countries.split(",") if c]
    pub = published.isoformat() if isinstance(published, date) else (published or "")
    if pub:
        from geo._dates import parse_period

        try:
            parse_period(pub)
        except ValueError as exc:
            raise UsageError(f"{exc} (give YYYY-MM-DD, YYYY-MM or YYYY)",
                             field="published") from None
    docs = read_documents(sources, published=pub, text_column=text_column,
                          id_column=id_column, date_column=date_column)
    return extract_documents(docs, countries=countries, boundaries=boundaries, config=config)


class _CallableModule(types.ModuleType):
    """``geo.extract`` is this package and, called, the function :func:`extract`: importing
    the package makes Python bind the package to ``geo.extract``, where the documented
    ``geo.extract(...)`` must still work."""

    def __call__(self, *args: Any, **kwargs: Any) -> Extraction:
        return extract(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
