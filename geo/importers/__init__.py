"""Import event datasets (ACLED, UCDP GED, IOM Missing Migrants, any CSV with a mapping file)
into the canonical incidents table that ``routerisk build --incidents`` reads.

Every reader returns an :class:`ImportResult` (``.incidents``, ``.report``, ``.summary``);
:func:`write_import` writes the incidents CSV and ``import_report.csv`` beside it atomically.
Every source row is either written or listed in the report with its reason.

>>> sorted(FORMATS)
['acled', 'csv', 'mmp', 'ucdp']
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from geo.importers._countries import country_codes
from geo.importers._report import REPORT_COLUMNS, REPORT_FILE, ImportResult, write_import
from geo.importers.acled import read_acled
from geo.importers.mapping import ImportMapping, load_mapping, read_mapped
from geo.importers.mmp import read_mmp
from geo.importers.ucdp import read_ucdp

__all__ = [
    "FORMATS",
    "REPORT_COLUMNS",
    "REPORT_FILE",
    "ImportMapping",
    "ImportResult",
    "country_codes",
    "import_file",
    "load_mapping",
    "read_acled",
    "read_mapped",
    "read_mmp",
    "read_ucdp",
    "write_import",
]

FORMATS = ("acled", "ucdp", "mmp", "csv")


def import_file(fmt: str, path: Path | str, *, boundaries: Any = None,
                mapping: ImportMapping | None = None,
                countries: Collection[str] | None = None) -> ImportResult:
    """Import ``path`` read as ``fmt`` (one of :data:`FORMATS`).

    Parameters
    ----------
    fmt
        ``acled``, ``ucdp``, ``mmp`` or ``csv``.
    path
        The source file.
    boundaries
        Boundaries layer (see :func:`geo.importers.read_acled`).
    mapping
        A mapping file's content; needed by ``csv``, overrides for the others.
    countries
        Keep only the rows of these countries (ISO2; see :func:`country_codes`); the others
        are listed in the report as ``country not selected``.

    Returns
    -------
    ImportResult
        ``.incidents``, ``.report`` and ``.summary``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "ged.csv"
    >>> _ = p.write_text("id,date_start,date_end,where_prec,type_of_violence,latitude,"
    ...                  "longitude\\n9,2019-03-01,2019-03-01,1,1,0.5,29.5\\n")
    >>> import_file("ucdp", p).incidents["incident_id"].tolist()
    ['ucdp-9']
    """
    if fmt == "csv":
        if mapping is None:
            raise ValueError("the csv format needs a mapping (mapping=…)")
        return read_mapped(path, mapping=mapping, boundaries=boundaries, countries=countries)
    readers = {"acled": read_acled, "ucdp": read_ucdp, "mmp": read_mmp}
    if fmt not in readers:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return readers[fmt](path, boundaries=boundaries, mapping=mapping, countries=countries)
