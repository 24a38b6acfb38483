"""Mapping files: ``routerisk import csv SOURCE --map mapping.toml``, and overrides for the rest.

A mapping file is TOML with up to six tables (all optional except ``[columns]`` for ``csv``)::

    [columns]            # routerisk column = source column
    incident_id = "Event ID"
    date = "Date"
    type = "Category"    # the source category, translated by [types]
    lat = "Lat"
    lon = "Lon"

    [dates]
    order = "dmy"        # slashed dates day-first ("dmy") or month-first ("mdy")

    [types]              # source category = routerisk type (adds to / overrides the default)
    "Armed clash" = "armed_clash"

    [admin1]             # another or historical name = the name in the boundaries
    "Kasai-Oriental" = "Kasaï-Oriental"

    [countries]          # a name the country lookup does not know = ISO2
    "Somaliland" = "SO"

    [ids]
    prefix = "acme-"     # put before every id
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo import columns as C
from geo._errors import Problem, ValidationError
from geo.importers._common import Header, apply_dates
from geo.importers._countries import to_iso2
from geo.importers._dates import parse_dates
from geo.importers._places import DETAIL
from geo.importers._report import CATEGORY, ImportResult, finish, number_of, stage, text_of
from geo.importers._source import read_source
from geo.importers._types import merged

__all__ = ["ImportMapping", "load_mapping", "read_mapped"]

_SECTIONS = ("columns", "dates", "types", "admin1", "countries", "ids")
_COLUMN_KEYS = tuple(c for c in C.INCIDENT_COLUMNS)
_NUMERIC = (C.LAT, C.LON, C.GEO_PRECISION, C.COUNT, C.SOURCE_QUALITY)


@dataclass(frozen=True)
class ImportMapping:
    """A parsed mapping file (see the module docstring).

    Parameters
    ----------
    columns
        ``[columns]``: routerisk column → source column.
    types
        ``[types]``: source category → routerisk type.
    admin1
        ``[admin1]``: other or historical name → name in the boundaries.
    countries
        ``[countries]``: name → ISO2 code.
    date_order
        ``[dates] order``: ``"dmy"``, ``"mdy"`` or None (decided from the file).
    id_prefix
        ``[ids] prefix``.
    source
        The file it came from (for messages).

    Examples
    --------
    >>> ImportMapping(types={"Road block": "checkpoint"}).date_order is None
    True
    """

    columns: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    admin1: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    id_prefix: str = ""
    source: str = "-"


def _strings(table: Any, section: str, where: str, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(table, dict):
        problems.append(Problem(where, f"[{section}]", "-", "must be a table"))
        return {}
    out = {}
    for key, value in table.items():
        if not isinstance(value, str):
            problems.append(Problem(where, f"[{section}]", str(key), f"{value!r} is not text"))
        else:
            out[str(key)] = value
    return out


def _close(word: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_tables(tables: dict[str, dict[str, str]], where: str,
                  known_types: tuple[str, ...]) -> list[Problem]:
    problems = []
    for key in tables["columns"]:
        if key not in _COLUMN_KEYS:
            problems.append(Problem(where, "[columns]", key, "not a routerisk incident column"
                                    + _close(key, _COLUMN_KEYS)))
    by_source: dict[str, list[str]] = {}
    for key, source in tables["columns"].items():
        by_source.setdefault(source.strip().casefold(), []).append(key)
    for keys in by_source.values():
        # one source column can feed one field (notes and source_name may share free text,
        # but lat/lon, dates or ids read from the same cell are a slip of the pen)
        if len(keys) > 1 and not set(keys) <= {C.NOTES, C.SOURCE_NAME, C.PLACE}:
            problems.append(Problem(where, "[columns]", keys[1], f"reads the same source column "
                                    f"{tables['columns'][keys[1]]!r} as {keys[0]!r}; give each "
                                    "field its own column"))
    order = tables["dates"].get("order")
    if order is not None and order not in ("dmy", "mdy"):
        problems.append(Problem(where, "[dates]", "order", f"{order!r} is not 'dmy' or 'mdy'"))
    for key in tables["dates"]:
        if key != "order":
            problems.append(Problem(where, "[dates]", key, "unknown key (known: order)"))
    for key, value in tables["types"].items():
        if value not in known_types:
            problems.append(Problem(where, "[types]", key, f"{value!r} is not a type of the risk "
                                    f"model{_close(value, known_types)}"))
    for key, value in tables["countries"].items():
        if len(value) != 2 or not value.isalpha():
            problems.append(Problem(where, "[countries]", key, f"{value!r} is not an ISO2 code"))
    for key in tables["ids"]:
        if key != "prefix":
            problems.append(Problem(where, "[ids]", key, "unknown key (known: prefix)"))
    return problems


def load_mapping(path: Path | str, *, known_types: tuple[str, ...] | None = None
                 ) -> ImportMapping:
    """Read and check a mapping file; every problem is reported at once.

    Parameters
    ----------
    path
        The TOML file.
    known_types
        Types of the risk model (default: the packaged model's); ``[types]`` may only point to
        these.

    Returns
    -------
    ImportMapping
        The checked tables.

    Raises
    ------
    ValidationError
        Every problem of the file, each naming its table and key.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "map.toml"
    >>> _ = p.write_text('[types]\\n"Road block" = "checkpoint"\\n[dates]\\norder = "dmy"\\n')
    >>> m = load_mapping(p)
    >>> m.types, m.date_order
    ({'Road block': 'checkpoint'}, 'dmy')
    """
    where = str(path)
    from geo._files import read_small_text

    try:
        data = tomllib.loads(read_small_text(path))
    except FileNotFoundError:
        raise ValidationError([Problem(where, "-", "-", "file not found")]) from None
    except IsADirectoryError:
        raise ValidationError([Problem(where, "-", "-", "is a folder, not a TOML file")]
                              ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(where, "-", "-", f"not valid TOML: {exc}")]) from None
    except ValueError as exc:  # a FIFO, a device, a huge file
        raise ValidationError([Problem(where, "-", "-", str(exc))]) from None
    problems: list[Problem] = []
    for key in data:
        if key not in _SECTIONS:
            problems.append(Problem(where, f"[{key}]", "-", "unknown table (known: "
                                    f"{', '.join(_SECTIONS)}){_close(key, _SECTIONS)}"))
    tables = {s: _strings(data.get(s, {}), s, where, problems) for s in _SECTIONS}
    if known_types is None:
        from geo.risk import load_model

        known_types = tuple(load_model().types)
    problems += _check_tables(tables, where, known_types)
    order = tables["dates"].get("order")
    if problems:
        raise ValidationError(problems)
    return ImportMapping(columns=tables["columns"], types=tables["types"],
                         admin1=tables["admin1"], countries=tables["countries"],
                         date_order=order, id_prefix=tables["ids"].get("prefix", ""),
                         source=where)


def _stage_columns(table: Any, cols: dict[str, str], n: int) -> dict[str, np.ndarray]:
    staged = stage(n)
    for key, source in cols.items():
        if key in _NUMERIC:
            staged[key] = number_of(table, source, n)
        elif key not in (C.DATE, C.TYPE, C.COUNTRY, C.END_DATE):
            staged[key] = text_of(table, source, n)
    return staged


def read_mapped(path: Path | str, *, mapping: ImportMapping, boundaries: Any = None,
                countries: Collection[str] | None = None) -> ImportResult:
    """Import any CSV through a mapping file's ``[columns]``, ``[types]`` and ``[dates]``.

    Parameters
    ----------
    path
        The CSV.
    mapping
        Its mapping (:func:`load_mapping`); ``[columns]`` must name ``incident_id``, ``date``
        and ``type``.
    boundaries
        Boundaries layer (see :func:`geo.importers.read_acled`).
    countries
        Keep only rows of these countries (ISO2 codes, from :func:`geo.importers.country_codes`);
        the others are listed in the report as ``country not selected``.

    Returns
    -------
    ImportResult
        The canonical incidents, the report and the summary.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("Ref,When,Kind,Nation\\n1,02/03/2020,Road block,DR Congo\\n")
    >>> m = ImportMapping(columns={"incident_id": "Ref", "date": "When", "type": "Kind",
    ...                            "country": "Nation"}, types={"Road block": "checkpoint"},
    ...                   date_order="dmy")
    >>> read_mapped(p, mapping=m).incidents[["date", "type", "country"]].values.tolist()
    [['2020-03-02', 'checkpoint', 'CD']]
    """
    cols = mapping.columns
    missing = [k for k in (C.INCIDENT_ID, C.DATE, C.TYPE) if k not in cols]
    if missing:
        raise ValidationError([Problem(mapping.source, "[columns]", k, "required for import csv")
                               for k in missing])
    src = read_source(path, list(cols.values()))
    head = Header(src.header)
    absent = [Problem(str(path), "-", v, f"column named in {mapping.source} [columns] {k} is "
                      "not in the file" + _close(v, head.names))
              for k, v in cols.items() if v not in src.header]
    if absent:
        raise ValidationError(absent)
    table, frame, n = src.arrow, src, src.n
    staged = _stage_columns(table, cols, n)
    dates = parse_dates(frame.series(cols[C.DATE]), src.rows, file=str(path), field=cols[C.DATE],
                        order=mapping.date_order)
    apply_dates(staged, dates.start, dates.precision, dates.error, cols[C.DATE])
    if C.DATE_PRECISION in cols:
        staged[C.DATE_PRECISION] = np.char.lower(
            text_of(table, cols[C.DATE_PRECISION], n).astype(str)).astype(object)
    if C.COUNTRY in cols:
        staged[C.COUNTRY] = to_iso2(frame.series(cols[C.COUNTRY]), extra=mapping.countries)
    staged[CATEGORY] = text_of(table, cols[C.TYPE], n)
    ids = text_of(table, cols[C.INCIDENT_ID], n)
    staged[C.INCIDENT_ID] = np.where(ids != "", np.char.add(mapping.id_prefix, ids.astype(str)),
                                     "").astype(object)
    staged[DETAIL] = np.where(ids == "", f"{cols[C.INCIDENT_ID]} is empty", staged[DETAIL])
    return finish(staged, rows=src.rows, source_ids=ids, type_map=merged({}, mapping.types),
        category_label=cols[C.TYPE], boundaries=boundaries, admin1_aliases=mapping.admin1,
        countries=countries,
        messages=(f"read as CSV through {mapping.source}, {src.encoding}", dates.message))
