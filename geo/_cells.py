"""Column-wise text of table cells, for the writers of :mod:`geo.export`.

Each function turns one column into the text of its cells (a list of ``str``), with the same
bytes as the value-by-value rules of :func:`geo._json.plain`, :func:`geo._json.json_text` and
:func:`geo.export.csv_safe`: floats rounded with :func:`round` and written with :func:`repr`,
NaN/NaT as missing, lists and dicts as compact key-sorted JSON text. Columns of one numpy dtype
(floats, integers, booleans, dates) and columns of lists of flat dicts (``top_incidents``) are
done column by column; any other column falls back to the value-by-value rule, so the text is
the same whatever the path.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo._json import json_text
from geo._json import plain as _plain

__all__ = ["csv_cells", "csv_safe", "csv_safe_all", "flat_dict_items", "float_reprs", "json_cells",
           "json_texts", "large_text", "list_texts", "property_tokens"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: White space and invisible characters a reader may strip before a cell's first character.
_INVISIBLE = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\n\x0b\x0c"
_NEEDS_QUOTES = re.compile('[,"\r\n]')  # a superset of what makes csv.writer quote a cell


def _dumps(value: Any, *, sort_keys: bool = False) -> str:
    """Compact JSON text, non-ASCII kept (the form of every JSON text routerisk writes)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)


def csv_safe(text: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP CSV injection).

    Parameters
    ----------
    text
        The cell's text.

    Returns
    -------
    str
        The text, with a leading ``'`` when a spreadsheet would read it as a formula.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe("  =1+1")
    "'  =1+1"
    >>> csv_safe("\u00a0=cmd|' /C calc'!A0")  # a no-break space first
    "'\u00a0=cmd|' /C calc'!A0"
    >>> csv_safe("Kunming")
    'Kunming'
    """
    # spreadsheets skip leading spaces before deciding that a cell is a formula, and a reader
    # may strip any other leading white space (tab, no-break space) or invisible character
    return "'" + text if text.lstrip(_INVISIBLE).startswith(_FORMULA_START) else text


def _round(floats: np.ndarray, digits: int) -> np.ndarray:
    """``round(v, digits)`` of each float, exactly as Python rounds (finite values).

    numpy's ``rint(v * 10**digits) / 10**digits`` gives the same double unless ``v * 10**digits``
    lies within a rounding error of a half (or beyond 2**52); those few use :func:`round`.
    """
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = floats * scale
        out = np.rint(scaled) / scale
        frac = np.abs(scaled - np.floor(scaled) - 0.5)
        risky = ~(frac > 4 * np.spacing(np.abs(scaled))) | ~(np.abs(scaled) < 2.0**52)
    for k in np.flatnonzero(risky & np.isfinite(floats)).tolist():
        out[k] = round(float(floats[k]), digits)
    return out


def _float_texts(values: np.ndarray, digits: int, missing: str) -> list[str]:
    """``repr(round(v, digits))`` of each float; ``missing`` for NaN and ±inf."""
    floats = np.asarray(values, dtype=float)
    if not len(floats):
        return []
    texts = float_reprs(_round(floats, digits)).to_pylist()
    for k in np.flatnonzero(~np.isfinite(floats)).tolist():
        texts[k] = missing
    return texts


#: Arrow writes a float as :func:`repr` does (shortest round trip) from 1e-4 to 1e9, but
#: without ``.0`` after a whole number; outside that range :func:`repr` is used.
_ARROW_RANGE = (1e-4, 1e9)
_PROBE = (0.1, 0.30000000000000004, 1 / 3, 2 / 3, 123.45678, -98.76543, 1e-4, 0.00012345,
          5e8 + 0.5, 999999999.9999999, 2.5, 100.0, -7.0, 0.0, -0.0, 112.10338, 45.000005)


@functools.cache
def _arrow_writes_repr() -> bool:
    """Whether this pyarrow writes the probe floats exactly as :func:`repr` (checked once)."""
    probe = np.array(_PROBE)
    return _arrow_reprs(probe).to_pylist() == [repr(v) for v in _PROBE]


def _arrow_reprs(floats: np.ndarray) -> pa.Array:
    texts = pc.cast(pa.array(floats), pa.large_string())
    whole = floats == np.trunc(floats)  # Arrow writes 3 and -0, repr 3.0 and -0.0
    return pc.if_else(pa.array(whole), pc.binary_join_element_wise(
        texts, large_text(".0"), large_text("")), texts)


def large_text(text: str) -> pa.Scalar:
    """An Arrow ``large_string`` scalar (Arrow kernels want one string type throughout)."""
    return pa.scalar(text, pa.large_string())


def float_reprs(floats: np.ndarray) -> pa.Array:
    """``repr`` of each float (``'nan'``, ``'inf'`` for those), as an Arrow string array.

    Examples
    --------
    >>> float_reprs(np.array([1.0, 0.1 + 0.2, 2e-05, -0.0, 1e20])).to_pylist()
    ['1.0', '0.30000000000000004', '2e-05', '-0.0', '1e+20']
    """
    floats = np.asarray(floats, dtype=float)
    size = np.abs(floats)
    other = ~(((size >= _ARROW_RANGE[0]) & (size < _ARROW_RANGE[1])) | (floats == 0))
    if len(floats) < 64 or other.mean() > 0.5 or not _arrow_writes_repr():
        return pa.array(list(map(repr, floats.tolist())), type=pa.large_string())
    texts = _arrow_reprs(floats)
    if other.any():
        texts = pc.replace_with_mask(texts, pa.array(other), pa.array(
            list(map(repr, floats[other].tolist())), type=pa.large_string()))
    return texts


def _date_texts(values: np.ndarray, missing: str) -> list[str] | None:
    """ISO dates (``YYYY-MM-DD``) of naive datetime64 values, or None outside years 1–9999."""
    days = values.astype("datetime64[D]")
    ok = ~np.isnat(days)
    if ok.any():
        years = days[ok].astype("datetime64[Y]").astype(np.int64) + 1970
        if years.min() < 1 or years.max() > 9999:
            return None
    texts = days.astype(str).tolist()
    for k in np.flatnonzero(~ok).tolist():
        texts[k] = missing
    return texts


def flat_dict_items(cells: Sequence[Any]) -> tuple[list[dict[Any, Any]], list[int]] | None:
    """The dicts of a column of lists of dicts, and each cell's number of them; None if the
    column is anything else."""
    if not _all_of(cells, list):
        return None
    items = [d for c in cells for d in c]
    if not _all_of(items, dict):
        return None
    return items, [len(c) for c in cells]


def _value_texts(values: list[Any], digits: int) -> list[str] | None:
    """JSON text of plain values of one kind (str, float or int), or None for any other mix."""
    types = set(map(type, values))
    if types == {str}:
        return list(map(encode_basestring, values))
    if all(issubclass(t, (float, np.floating)) for t in types):
        return _float_texts(np.asarray(values, dtype=float), digits, "null")
    if all(issubclass(t, (int, np.integer)) and not issubclass(t, bool) for t in types):
        return list(map(repr, map(int, values)))
    return None


def _all_of(values: Sequence[Any], kind: type) -> bool:
    """Whether every value is an instance of ``kind`` (checked once per type present)."""
    return all(issubclass(t, kind) for t in set(map(type, values)))


def _list_texts(cells: Sequence[Any], digits: int) -> list[str] | None:
    """:func:`json_text` of every cell of a column of lists of flat dicts with the same str
    keys (``top_incidents``), column by column; None for any other column."""
    found = flat_dict_items(cells)
    if found is None:
        return None
    items, sizes = found
    if not items:
        return ["[]"] * len(cells)
    keys = items[0].keys()
    if set(map(type, keys)) != {str} or not all(map(keys.__eq__, map(dict.keys, items))):
        return None
    parts: list[list[str]] = []
    for n, key in enumerate(sorted(keys)):
        texts = _value_texts(list(map(itemgetter(key), items)), digits)
        if texts is None:
            return None
        lead = ("{" if n == 0 else ",") + encode_basestring(key) + ":"
        parts.append([lead + t for t in texts])
    item_texts = ["".join(p) + "}" for p in zip(*parts, strict=True)]
    out: list[str] = []
    start = 0
    for size in sizes:
        out.append("[" + ",".join(item_texts[start:start + size]) + "]")
        start += size
    return out


def json_texts(values: Sequence[Any], digits: int = 6) -> list[str | None]:
    """Text of list and dict cells as stored in every file: :func:`json_text`, None for None.

    Examples
    --------
    >>> json_texts([[{"share": 0.1234567, "incident_id": "a"}], [], None])
    ['[{"incident_id":"a","share":0.123457}]', '[]', None]
    """
    fast = _list_texts(values, digits)
    if fast is not None:
        return list(fast)
    return [None if v is None else json_text(v, digits) for v in values]


def list_texts(series: pd.Series, digits: int = 6) -> list[str] | None:
    """:func:`json_text` of every cell of a column of lists (the text every writer stores for
    it), or None when some cell is not a list.

    Examples
    --------
    >>> list_texts(pd.Series([[{"id": "a"}], []])), list_texts(pd.Series([[], None]))
    (['[{"id":"a"}]', '[]'], None)
    """
    values = series.tolist()
    if not _is_list_column(values):
        return None
    fast = _list_texts(values, digits)
    return fast if fast is not None else [json_text(v, digits) for v in values]


def _is_list_column(values: list[Any]) -> bool:
    return bool(values) and _all_of(values, list)


def _typed(series: pd.Series, digits: int, missing: str,
           date: Callable[[str], str]) -> list[str] | None:
    """Cells of a numpy-typed column (bool, int, float, naive datetime), else None."""
    dtype = series.dtype
    if not isinstance(dtype, np.dtype):
        return None
    values = series.to_numpy()
    if dtype.kind == "b":
        return np.where(values, "true", "false").tolist()
    if dtype.kind in "iu":
        return list(map(repr, values.tolist()))
    if dtype.kind == "f":
        return _float_texts(values, digits, missing)
    if dtype.kind == "M":
        texts = _date_texts(values, missing)
        return None if texts is None else [t if t == missing else date(t) for t in texts]
    return None


def _string_column(series: pd.Series) -> list[Any] | None:
    """The values of a pandas string column (missing as None), else None."""
    dtype = series.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.na_value is not np.nan:
        return None  # a missing value of StringDtype("python"/"pyarrow") is pd.NA, kept as is
    values = series.tolist()
    missing = series.isna().to_numpy()
    for k in np.flatnonzero(missing).tolist():
        values[k] = None
    return values


def property_tokens(series: pd.Series, digits: int = 6) -> list[str]:
    """JSON text of each value of a column as a GeoJSON property (lists and dicts as JSON
    text, floats rounded, missing as ``null``).

    Examples
    --------
    >>> property_tokens(pd.Series([1.23456789, float("nan")]))
    ['1.234568', 'null']
    >>> property_tokens(pd.Series([[{"id": "a"}], None]))
    ['"[{\\\\"id\\\\":\\\\"a\\\\"}]"', 'null']
    """
    typed = _typed(series, digits, "null", encode_basestring)
    if typed is not None:
        return typed
    strings = _string_column(series)
    if strings is not None:
        return ["null" if v is None else encode_basestring(v) for v in strings]
    values = series.tolist()
    if _all_str(values):
        return list(map(encode_basestring, values))
    if _is_list_column(values):
        fast = _list_texts(values, digits)
        if fast is not None:
            return list(map(encode_basestring, fast))
    return [_dumps(_property(v, digits)) for v in values]


def _all_str(values: list[Any]) -> bool:
    """Whether every value is exactly a ``str`` (an object column of text)."""
    return bool(values) and set(map(type, values)) == {str}


def json_cells(series: pd.Series, digits: int = 6) -> list[Any] | None:
    """A column of list and dict cells as JSON text (None stays None), else None."""
    if series.dtype != object:
        return None
    values = series.tolist()
    if not any(isinstance(v, (list, tuple, dict)) for v in values):
        return None
    return [None if v is None else _dumps(_plain(v, digits), sort_keys=True)
            for v in values] if not _is_list_column(values) else json_texts(values, digits)


def _property(value: Any, digits: int) -> Any:
    """A GeoJSON property: lists and dicts as JSON text (as in CSV and GeoPackage)."""
    if isinstance(value, (list, tuple, dict)):
        return json_text(value, digits)
    return _plain(value, digits)


def _cell(value: Any, digits: int) -> str:
    """Text of one CSV cell, before quoting."""
    value = _plain(value, digits)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, dict)):
        return _dumps(value, sort_keys=True)
    return csv_safe(str(value))


def _quoted(text: str) -> str:
    """The cell as :class:`csv.writer` writes it among other cells."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])
    return buf.getvalue()[:-2]


def _quote_all(cells: list[str]) -> list[str]:
    """The cells, those that :mod:`csv` quotes quoted (found with one Arrow regex pass)."""
    if not cells:
        return cells
    marked = pc.match_substring_regex(pa.array(cells, type=pa.large_string()),
                                      _NEEDS_QUOTES.pattern)
    for k in np.flatnonzero(marked.to_numpy(zero_copy_only=False)).tolist():
        cells[k] = _quoted(cells[k])
    return cells


def csv_safe_all(texts: list[str]) -> list[str]:
    """:func:`csv_safe` of every text (formula-like ones found with one Arrow pass)."""
    if not texts:
        return texts
    first = pc.utf8_slice_codeunits(pc.utf8_ltrim(pa.array(texts, type=pa.large_string()),
                                                  characters=_INVISIBLE), 0, 1)
    formula = pc.is_in(first, value_set=pa.array(_FORMULA_START, type=pa.large_string()))
    for k in np.flatnonzero(formula.to_numpy(zero_copy_only=False)).tolist():
        texts[k] = "'" + texts[k]
    return texts


def csv_cells(series: pd.Series, digits: int = 6) -> list[str]:
    """Text of each cell of a column in a CSV file (quoted where :mod:`csv` quotes).

    Examples
    --------
    >>> csv_cells(pd.Series([1.23456789, float("nan")]))
    ['1.234568', '']
    >>> csv_cells(pd.Series(["=1+1", "a,b", None]))
    ["'=1+1", '"a,b"', '']
    """
    typed = _typed(series, digits, "", csv_safe)
    if typed is not None:
        return typed  # numbers, true/false and ISO dates: nothing to quote
    strings = _string_column(series)
    if strings is not None:
        return _quote_all(csv_safe_all(["" if v is None else v for v in strings]))
    values = series.tolist()
    if _all_str(values):
        return _quote_all(csv_safe_all(values))
    if _is_list_column(values):
        fast = _list_texts(values, digits)
        if fast is not None:
            return _quote_all(fast)
    return _quote_all([_cell(v, digits) for v in values])

