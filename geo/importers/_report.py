"""The common end of every importer: staged rows to the canonical incidents table and a report.

A reader stages one row per source row with the canonical columns plus ``row`` (source row
number), ``source_id``, ``category`` (the source category the type comes from), ``drop`` (why
the row cannot be written, first reason wins), ``detail`` and ``note`` (why a written row
deserves a look). :func:`finish` maps the types, fills places from the boundaries, drops
duplicates and returns an :class:`ImportResult`; :func:`write_import` writes it atomically.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo._cells import csv_safe_all
from geo.importers._places import DETAIL, DROP, NOTE, place_rows
from geo.importers._places import OUTSIDE as OUTSIDE_ROWS

__all__ = ["REPORT_COLUMNS", "REPORT_FILE", "ImportResult", "finish", "stage", "write_import"]

REPORT_FILE = "import_report.csv"
REPORT_COLUMNS = ("row", "source_id", "status", "reason", "detail")
CATEGORY = "category"
OUTSIDE = "outside coverage"
SOURCE_ID = "source_id"
_TEXT = (C.INCIDENT_ID, C.DATE, C.END_DATE, C.TYPE, C.PLACE, C.ADMIN1, C.COUNTRY,
         C.DATE_PRECISION, C.SOURCE_NAME, C.SOURCE_URL, C.SOURCE_DATE, C.NOTES, C.VISIBILITY)
_NUMBERS = (C.LAT, C.LON, C.GEO_PRECISION, C.COUNT, C.SOURCE_QUALITY)
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_PLACE_COLUMNS = (C.LAT, C.LON, C.GEO_PRECISION, C.ADMIN1, C.ADMIN1_SOURCE, C.COUNTRY, DROP,
                  DETAIL, NOTE)


@dataclass(frozen=True)
class ImportResult:
    """What an importer made of a source file.

    Parameters
    ----------
    incidents
        The canonical incidents table (columns of :data:`geo.columns.INCIDENT_COLUMNS`, text),
        ready for :func:`geo.io.read_incidents` / ``routerisk build --incidents``.
    report
        One row per source row that was not written (``status`` ``dropped``) or was written but
        deserves a look (``kept``, e.g. outside coverage): ``row``, ``source_id``, ``status``,
        ``reason``, ``detail``.
    messages
        What was decided once for the whole file (layout, encoding, date order …).
    rows_read
        Data rows in the source.
    unmapped
        Source categories with no type mapping, with their row counts.
    outside
        Rows written but outside the boundaries, per country ("" when none is known).

    Examples
    --------
    >>> import tempfile
    >>> from geo.importers import read_mmp
    >>> p = Path(tempfile.mkdtemp()) / "mmp.csv"
    >>> _ = p.write_text('Web ID,Reported Date,Number Dead,Location Coordinates\\n'
    ...                  '7,"January 05, 2020",2,"35.5, 12.6"\\n8,,1,"35.5, 12.6"\\n')
    >>> r = read_mmp(p)
    >>> r.rows_read, len(r.incidents), r.report["reason"].tolist()
    (2, 1, ['bad date'])
    """

    incidents: pd.DataFrame
    report: pd.DataFrame
    messages: tuple[str, ...]
    rows_read: int
    unmapped: Mapping[str, int] = field(default_factory=dict)
    outside: Mapping[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """Rows read and written, per-type counts, per-reason drops and notes.

        Examples
        --------
        >>> import tempfile
        >>> from geo.importers import read_mmp
        >>> p = Path(tempfile.mkdtemp()) / "mmp.csv"
        >>> _ = p.write_text('Web ID,Reported Date,Number Dead,Location Coordinates\\n'
        ...                  '7,"January 05, 2020",2,"35.5, 12.6"\\n8,,1,"35.5, 12.6"\\n')
        >>> r = read_mmp(p)
        >>> print(r.summary.splitlines()[-2])
        types: death_in_transit 1
        """
        lines = list(self.messages)
        dropped = self.report[self.report["status"] == "dropped"]
        kept = self.report[self.report["status"] == "kept"]
        lines.append(f"rows read: {self.rows_read}; written: {len(self.incidents)}; "
                     f"not written: {len(dropped)}")
        types = self.incidents[C.TYPE].value_counts().sort_index()
        if len(types):
            lines.append("types: " + ", ".join(f"{k} {v}" for k, v in types.items()))
        for label, part in (("not written", dropped), ("written with a note", kept)):
            counts = part["reason"].value_counts()
            for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                if reason != OUTSIDE:
                    lines.append(f"{label}: {reason}: {n} rows")
        if self.outside:
            lines.append(self._outside_line(sum(self.outside.values())))
        for category, n in self.unmapped.items():
            lines.append(f"no type mapping for {category}: {n} rows (add it under [types] in "
                         "a mapping file)")
        return "\n".join(lines)


    def _outside_line(self, n: int) -> str:
        named = [c for c in self.outside if c]
        where = f" from {len(named)} countr{'ies' if len(named) != 1 else 'y'}" if named else ""
        return (f"{n:,} rows{where} are outside your boundaries: written, and kept by build "
                "as outside_coverage (not scored); add those countries' boundaries or keep "
                "only yours with --countries")


def stage(n: int) -> dict[str, Any]:
    """Staged columns for ``n`` rows: numbers NaN, bookkeeping empty; text columns a reader
    does not set are filled by :func:`finish` (empty)."""
    cols: dict[str, Any] = {c: np.full(n, np.nan) for c in _NUMBERS}
    cols.update({c: np.full(n, "", dtype=object) for c in (CATEGORY, DROP, DETAIL, NOTE)})
    return cols


def flag(df: dict[str, np.ndarray], mask: np.ndarray, reason: str,
         detail: np.ndarray | str) -> None:
    """Mark rows as not written, in place (the first reason of a row wins)."""
    sel = np.asarray(mask, dtype=bool) & (df[DROP] == "")
    if not sel.any():
        return
    df[DROP][sel] = reason
    df[DETAIL][sel] = detail[sel] if isinstance(detail, np.ndarray) else detail


def _types(df: dict[str, np.ndarray], type_map: Mapping[str, str], label: str
           ) -> dict[str, int]:
    from geo.importers._countries import fold

    cat = df[CATEGORY]
    codes, uniques = pd.factorize(cat, sort=False)
    mapped = np.array([type_map.get(fold(u), "") for u in uniques] + [""], dtype=object)
    df[C.TYPE] = mapped[codes]
    missing = (df[C.TYPE] == "") & (cat != "")
    flag(df, cat == "", "no category", f"{label} is empty")
    if not missing.any():
        return {}
    counts = pd.Series(cat[missing]).value_counts()
    text = np.array([f"{label} {u!r} has no type mapping" for u in uniques] + [""], dtype=object)
    flag(df, missing, "unmapped category", text[codes])
    return {f"{label} {k!r}": int(v) for k, v in counts.items()}


def _locations(df: dict[str, np.ndarray]) -> None:
    """Precision the location supports: no point → first-level unit or country, or dropped."""
    prec = df[C.GEO_PRECISION]
    point = ~(np.isnan(df[C.LAT]) | np.isnan(df[C.LON]))
    a1 = df[C.ADMIN1] != ""
    cc = df[C.COUNTRY] != ""
    prec = np.where(np.isnan(prec), np.where(point, 1, np.where(a1 & cc, 3, 4)), prec)
    prec = np.where((prec <= 2) & ~point, np.where(a1 & cc, 3, 4), prec)
    prec = np.where((prec == 3) & ~(a1 & cc) & ~point, 4, prec)
    df[C.GEO_PRECISION] = prec
    flag(df, (prec == 4) & ~cc & ~point, "no location",
         "no coordinates, first-level unit or country")


def _clean_text(df: dict[str, np.ndarray]) -> None:
    """Only http(s) links stay links (control characters were replaced when reading)."""
    if not (df[C.SOURCE_URL] != "").any():
        return
    url = pd.Series(df[C.SOURCE_URL], dtype="str").fillna("").str.strip()
    ok = url.str.match(r"(?i)https?://\S+$").fillna(False).to_numpy(bool)
    df[C.SOURCE_URL] = np.where(ok, url.to_numpy(object), "").astype(object)


def _select_countries(df: dict[str, np.ndarray], countries: Collection[str]) -> None:
    chosen = sorted({str(c).upper() for c in countries})
    cc = np.asarray(df[C.COUNTRY], dtype=object)
    other = ~np.isin(cc, chosen)
    detail = np.array([f"country {c or '(none)'} is not one of {', '.join(chosen)}"
                       for c in cc[other]], dtype=object)
    full = np.full(len(cc), "", dtype=object)
    full[other] = detail
    flag(df, other, "country not selected", full)


def _duplicates(df: dict[str, np.ndarray]) -> None:
    ids = df[C.INCIDENT_ID]
    live = (df[DROP] == "") & (ids != "")
    codes, uniques = pd.factorize(ids, sort=False)
    first_pos = np.full(len(uniques), -1, dtype=np.int64)
    live_idx = np.flatnonzero(live)
    first_pos[codes[live_idx][::-1]] = live_idx[::-1]
    dup = live & (first_pos[codes] != np.arange(len(ids)))
    if dup.any():
        rows = df["row"]
        idx = np.flatnonzero(dup)
        detail = np.full(len(ids), "", dtype=object)
        detail[idx] = [f"duplicate id {ids[i]!r} (first at row {rows[first_pos[codes[i]]]})"
                       for i in idx]
        flag(df, dup, "duplicate id", detail)


def _report_frame(df: dict[str, np.ndarray]) -> pd.DataFrame:
    drop = df[DROP]
    dropped = np.flatnonzero(drop != "")
    kept = np.flatnonzero((drop == "") & (df[NOTE] != ""))
    notes = df[NOTE][kept]
    codes, uniques = pd.factorize(pd.Series(notes, dtype=object), sort=False)
    reasons = np.array([u.split(":")[0] for u in uniques] + [""], dtype=object)[codes]
    columns = {
        "row": np.concatenate([df["row"][dropped], df["row"][kept]]),
        "source_id": np.concatenate([df[SOURCE_ID][dropped], df[SOURCE_ID][kept]]),
        "status": np.array(["dropped"] * len(dropped) + ["kept"] * len(kept), dtype=object),
        "reason": np.concatenate([drop[dropped], reasons]),
        "detail": np.concatenate([df[DETAIL][dropped], notes]),
    }
    order = np.lexsort((columns["status"].astype(str), columns["row"]))
    return pd.DataFrame({k: pd.Series(v[order], dtype=v.dtype) for k, v in columns.items()})


def _empty(n: int) -> pd.Series:
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(n, pa.string()).fill_null("")))


def _kept(values: Any, keep: np.ndarray) -> pd.Series:
    if isinstance(values, pd.Series):  # pass-through text stays in Arrow (no copy to Python)
        return values[keep].reset_index(drop=True)
    values = values[keep]
    return pd.Series(values, dtype="str" if values.dtype == object else values.dtype)


def _incidents(df: dict[str, Any], keep: np.ndarray) -> pd.DataFrame:
    """The rows kept, in the columns and types of the incidents file."""
    incidents = pd.DataFrame({c: _kept(df[c], keep) if c in df else _empty(int(keep.sum()))
                              for c in C.INCIDENT_COLUMNS})
    incidents[C.GEO_PRECISION] = incidents[C.GEO_PRECISION].astype("int64")
    for c in (C.LAT, C.LON):
        incidents[c] = incidents[c].round(6)
    return incidents


def _would_not_build(df: dict[str, Any], keep: np.ndarray, incidents: pd.DataFrame,
                     boundaries: gpd.GeoDataFrame | None) -> bool:
    """Read the rows to be written exactly as ``build`` will (the same file, the same reader)
    and mark every row it would reject as not written, with build's reason; whether any was.

    The importers' own checks catch what they know of; this is the contract that makes every
    row ``import`` writes build (a NaN latitude beside a longitude, an invisible character in an
    id, a count of -5 or 1e308, a year-1 date …), whatever the source held.
    """
    import tempfile
    import warnings

    from geo._errors import InputWarning, ValidationError
    from geo.io import read_incidents
    from geo.io.incidents import DEFAULT_TYPES

    if not len(incidents):
        return False
    types = tuple(dict.fromkeys([*DEFAULT_TYPES, *incidents[C.TYPE].astype(str).unique()]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incidents.csv"
        _write_csv(incidents, path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InputWarning)
                read_incidents(path, boundaries=boundaries, types=types)
        except ValidationError as exc:
            problems = exc.problems
        else:
            return False
    positions = np.flatnonzero(keep)
    detail = np.full(len(keep), "", dtype=object)
    bad = np.zeros(len(keep), dtype=bool)
    for problem in problems:
        where = problem.location.removeprefix("row ")
        if not where.isdigit() or not 2 <= int(where) < len(positions) + 2:
            raise ValidationError(problems)  # not about a row: the written file itself
        k = positions[int(where) - 2]
        if not bad[k]:
            bad[k] = True
            detail[k] = f"{problem.field}: {problem.message}"
    flag(df, bad, "would not build", detail)
    return True


def finish(staged: Mapping[str, np.ndarray], *, rows: np.ndarray, source_ids: np.ndarray,
           type_map: Mapping[str, str], category_label: str,
           boundaries: gpd.GeoDataFrame | None = None,
           admin1_aliases: Mapping[str, str] | None = None,
           countries: Collection[str] | None = None,
           messages: Sequence[str] = ()) -> ImportResult:
    """Turn staged rows into an :class:`ImportResult` (see the module docstring).

    ``countries`` (ISO2 codes) keeps only the rows of those countries; the others are
    reported as ``country not selected``.
    """
    df: dict[str, Any] = {k: v if isinstance(v, pd.Series) else np.asarray(v)
                          for k, v in staged.items()}
    n = len(rows)
    for c in (C.INCIDENT_ID, C.DATE, C.ADMIN1, C.ADMIN1_SOURCE, C.COUNTRY, C.SOURCE_URL):
        if c not in df:
            df[c] = np.full(n, "", dtype=object)
    df["row"] = np.asarray(rows)
    df[SOURCE_ID] = np.asarray(source_ids, dtype=object)
    flag(df, df[C.INCIDENT_ID] == "", "no id", df[DETAIL])
    flag(df, df[C.DATE] == "", "bad date", df[DETAIL])
    flag(df, df[C.DATE] > date.today().isoformat(), "future date",
         np.char.add("starts after today: ", df[C.DATE].astype(str)).astype(object))
    lat, lon = df[C.LAT], df[C.LON]
    with np.errstate(invalid="ignore"):
        bad = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    flag(df, bad, "bad coordinates", "latitude outside [-90, 90] or longitude outside "
         "[-180, 180]")
    gp = df[C.GEO_PRECISION]
    flag(df, ~np.isnan(gp) & ~np.isin(gp, [1, 2, 3, 4]), "bad geo_precision",
         "geo_precision is not 1, 2, 3 or 4")
    unmapped = _types(df, type_map, category_label)
    _clean_text(df)
    _locations(df)
    if boundaries is not None:
        df.update(place_rows({k: df[k] for k in _PLACE_COLUMNS}, boundaries,
                             aliases=admin1_aliases))
    if countries is not None:
        _select_countries(df, countries)
    _duplicates(df)
    keep = df[DROP] == ""
    incidents = _incidents(df, keep)
    if _would_not_build(df, keep, incidents, boundaries):
        keep = df[DROP] == ""
        incidents = _incidents(df, keep)
    outside = keep & np.asarray(df.get(OUTSIDE_ROWS, np.zeros(len(keep), bool)), dtype=bool)
    per_country = pd.Series(df[C.COUNTRY][outside], dtype=object).value_counts()
    return ImportResult(incidents, _report_frame(df), tuple(m for m in messages if m),
                        len(keep), unmapped, {str(k): int(v) for k, v in per_country.items()})


def _table(frame: pd.DataFrame) -> Any:
    import pyarrow as pa

    arrays = []
    for c in frame.columns:
        col = frame[c]
        if col.dtype.kind in "fi":
            arrays.append(pa.array(col.to_numpy(), from_pandas=True))
        else:  # formula-safe like build's writers (a spreadsheet opens both files)
            texts = csv_safe_all(col.astype("str").tolist())
            arrays.append(pa.array(texts, type=pa.string(), from_pandas=True))
    return pa.table(arrays, names=[str(c) for c in frame.columns])


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with a plain header, quotes only where needed, empty cells for unknown numbers, and
    every text cell a spreadsheet would run as a formula (also once a leading tab or no-break
    space is stripped) given a leading ``'``, as build's writers do."""
    import pyarrow.csv as pacsv

    with open(path, "wb") as fh:
        fh.write((",".join(str(c) for c in frame.columns) + "\n").encode("utf-8"))
        pacsv.write_csv(_table(frame), fh, pacsv.WriteOptions(
            include_header=False, quoting_style="needed"))


def _new_file(folder: Path) -> str:
    """A new empty temporary file in ``folder``, with the mode any new file gets there.

    ``tempfile.mkstemp`` makes files only the owner can read (0600), which ``os.replace`` would
    carry to the output; created with 0666 the umask applies, as for the files of a build
    (0644 under the usual umask 022).
    """
    for _ in range(100):
        name = folder / f".routerisk-import-{secrets.token_hex(8)}.csv"
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return str(name)
    raise FileExistsError(f"no free temporary file name in {folder}")


def write_import(result: ImportResult, out: Path | str) -> tuple[Path, Path]:
    """Write the incidents CSV and ``import_report.csv`` beside it, atomically.

    Both files are written to temporary files in the target folder and then moved into place,
    so a failed write leaves any earlier files untouched.

    Parameters
    ----------
    result
        What an importer returned.
    out
        The incidents CSV to write; ``import_report.csv`` goes into the same folder.

    Returns
    -------
    tuple of Path
        The incidents file and the report file.

    Examples
    --------
    >>> import tempfile
    >>> from geo.importers import read_mmp
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "mmp.csv").write_text(
    ...     'Web ID,Reported Date,Total Dead and Missing,Number Dead,Location Coordinates\\n'
    ...     '7,"January 05, 2020",2,2,"35.5, 12.6"\\n8,,1,1,"35.5, 12.6"\\n')
    >>> incidents, report = write_import(read_mmp(folder / "mmp.csv"), folder / "incidents.csv")
    >>> import csv
    >>> rows = list(csv.DictReader(incidents.read_text().splitlines()))
    >>> [(r["incident_id"], r["date"], r["type"], r["count"]) for r in rows]
    [('mmp-7', '2020-01-05', 'death_in_transit', '2')]
    >>> [(r["row"], r["reason"], r["detail"])
    ...  for r in csv.DictReader(report.read_text().splitlines())]
    [('2', 'bad date', 'Reported Date: is empty')]
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    report_path = folder / REPORT_FILE
    if out.resolve() == report_path.resolve():
        raise ValueError(f"out must not be named {REPORT_FILE}")
    temps: list[str] = []
    try:
        for frame in (result.incidents, result.report):
            tmp = _new_file(folder)
            temps.append(tmp)
            _write_csv(frame, Path(tmp))
        os.replace(temps[0], out)
        os.replace(temps[1], report_path)
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return out, report_path


def _arrow_column(table: Any, name: str | None) -> Any:
    """The column as a pyarrow string array, or None when absent."""
    import pyarrow as pa

    if not name:
        return None
    if isinstance(table, pa.Table):
        return table.column(name) if name in table.column_names else None
    if name not in table:
        return None
    return pa.array(table[name].astype("str").fillna(""), type=pa.string())


def arrow_of(table: Any, name: str | None, n: int) -> Any:
    """A source column as a pyarrow string array (empty strings when absent; not stripped).

    ``table`` is the source's pyarrow table (no copy) or a pandas DataFrame.
    """
    import pyarrow as pa

    col = _arrow_column(table, name)
    return pa.nulls(n, pa.string()).fill_null("") if col is None else col


def series_of(table: Any, name: str | None, n: int) -> pd.Series:
    """A source column as stripped text in a pandas string Series (kept in Arrow)."""
    import pyarrow.compute as pc

    return pd.Series(pd.arrays.ArrowStringArray(pc.utf8_trim_whitespace(arrow_of(table, name,
                                                                                  n))))


def text_of(table: Any, name: str | None, n: int) -> np.ndarray:
    """A source column as stripped text (empty strings when the column is absent)."""
    import pyarrow.compute as pc

    col = _arrow_column(table, name)
    if col is None:
        return np.full(n, "", dtype=object)
    return np.asarray(pc.utf8_trim_whitespace(col).to_numpy(zero_copy_only=False), dtype=object)


def number_of(table: Any, name: str | None, n: int) -> np.ndarray:
    """A source column as float (NaN where empty or not a number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = _arrow_column(table, name)
    if col is None:
        return np.full(n, np.nan)
    arr = pc.utf8_trim_whitespace(col)
    try:  # the fast path: every cell a number or empty
        nums = pc.cast(pc.if_else(pc.equal(arr, ""), None, arr), pa.float64())
        return np.asarray(nums.to_numpy(zero_copy_only=False), dtype=float)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object).str.replace(
        ",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(float)
