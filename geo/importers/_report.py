"""The common end of every importer: staged rows to the canonical incidents table and a report.

A reader stages one row per source row with the canonical columns plus ``row`` (source row
number), ``source_id``, ``category`` (the source category the type comes from), ``drop`` (why
the row cannot be written, first reason wins), ``detail`` and ``note`` (why a written row
deserves a look). :func:`finish` maps the types, fills places from the boundaries, drops
duplicates and returns an :class:`ImportResult`; :func:`write_import` writes it atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo.importers._places import DETAIL, DROP, NOTE, place_rows

__all__ = ["REPORT_COLUMNS", "REPORT_FILE", "ImportResult", "finish", "stage", "write_import"]

REPORT_FILE = "import_report.csv"
REPORT_COLUMNS = ("row", "source_id", "status", "reason", "detail")
CATEGORY = "category"
SOURCE_ID = "source_id"
_TEXT = (C.INCIDENT_ID, C.DATE, C.END_DATE, C.TYPE, C.PLACE, C.ADMIN1, C.COUNTRY,
         C.DATE_PRECISION, C.SOURCE_NAME, C.SOURCE_URL, C.SOURCE_DATE, C.NOTES, C.VISIBILITY)
_NUMBERS = (C.LAT, C.LON, C.GEO_PRECISION, C.COUNT, C.SOURCE_QUALITY)
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


@dataclass(frozen=True)
class ImportResult:
    """What an importer made of a source file.

    Attributes
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
    """

    incidents: pd.DataFrame
    report: pd.DataFrame
    messages: tuple[str, ...]
    rows_read: int
    unmapped: Mapping[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """Rows read and written, per-type counts, per-reason drops and notes."""
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
                lines.append(f"{label}: {reason}: {n} rows")
        for category, n in self.unmapped.items():
            lines.append(f"no type mapping for {category}: {n} rows (add it under [types] in "
                         "a mapping file)")
        return "\n".join(lines)


def stage(n: int) -> dict[str, np.ndarray]:
    """Empty staged columns for ``n`` rows (text empty, numbers NaN)."""
    cols: dict[str, np.ndarray] = {c: np.full(n, "", dtype=object) for c in _TEXT}
    cols.update({c: np.full(n, np.nan) for c in _NUMBERS})
    cols.update({CATEGORY: np.full(n, "", dtype=object), DROP: np.full(n, "", dtype=object),
                 DETAIL: np.full(n, "", dtype=object), NOTE: np.full(n, "", dtype=object)})
    return cols


def flag(df: pd.DataFrame, mask: np.ndarray, reason: str, detail: np.ndarray | str
         ) -> pd.DataFrame:
    """Mark rows as not written (the first reason of a row wins)."""
    drop = df[DROP].to_numpy(object).copy()
    det = df[DETAIL].to_numpy(object).copy()
    sel = np.asarray(mask, dtype=bool) & (drop == "")
    drop[sel] = reason
    det[sel] = detail[sel] if isinstance(detail, np.ndarray) else detail
    return df.assign(**{DROP: drop, DETAIL: det})


def _types(df: pd.DataFrame, type_map: Mapping[str, str], label: str
           ) -> tuple[pd.DataFrame, dict[str, int]]:
    from geo.importers._countries import fold

    cat = df[CATEGORY].to_numpy(object)
    codes, uniques = pd.factorize(pd.Series(cat, dtype=object), sort=False)
    mapped = np.array([type_map.get(fold(u), "") for u in uniques] + [""], dtype=object)
    types = mapped[codes]
    df = df.assign(**{C.TYPE: types})
    missing = (types == "") & (cat != "")
    df = flag(df, (cat == "") & (df[DROP] == "").to_numpy(), "no category",
              f"{label} is empty")
    unmapped: dict[str, int] = {}
    if missing.any():
        counts = pd.Series(cat[missing]).value_counts()
        unmapped = {f"{label} {k!r}": int(v) for k, v in counts.items()}
        df = flag(df, missing, "unmapped category",
                  np.array([f"{label} {c!r} has no type mapping" for c in cat], dtype=object))
    return df, unmapped


def _locations(df: pd.DataFrame) -> pd.DataFrame:
    """Precision the location supports: no point → first-level unit or country, or dropped."""
    prec = df[C.GEO_PRECISION].to_numpy(float).copy()
    point = ~(np.isnan(df[C.LAT].to_numpy(float)) | np.isnan(df[C.LON].to_numpy(float)))
    a1 = df[C.ADMIN1].to_numpy(object) != ""
    cc = df[C.COUNTRY].to_numpy(object) != ""
    prec = np.where(np.isnan(prec), np.where(point, 1, np.where(a1 & cc, 3, 4)), prec)
    prec = np.where((prec <= 2) & ~point, np.where(a1 & cc, 3, 4), prec)
    prec = np.where((prec == 3) & ~(a1 & cc) & ~point, 4, prec)
    df = df.assign(**{C.GEO_PRECISION: prec})
    return flag(df, (prec == 4) & ~cc & ~point, "no location",
                "no coordinates, first-level unit or country")


def _clean_text(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in _TEXT:
        s = pd.Series(df[c].to_numpy(object), dtype=object).fillna("").astype(str)
        out[c] = s.str.replace(_CONTROL, " ", regex=True).str.strip().to_numpy(object)
    url = pd.Series(out[C.SOURCE_URL])
    out[C.SOURCE_URL] = url.where(url.str.match(r"(?i)https?://\S+$"), "").to_numpy(object)
    return df.assign(**out)


def _duplicates(df: pd.DataFrame) -> pd.DataFrame:
    ids = pd.Series(df[C.INCIDENT_ID].to_numpy(object))
    live = (df[DROP] == "").to_numpy()
    dup = ids.duplicated(keep="first").to_numpy() & live & (ids != "").to_numpy()
    if not dup.any():
        return df
    first = pd.Series(df["row"].to_numpy(), index=ids).groupby(level=0).first()
    detail = np.array([f"duplicate id {i!r} (first at row {first.get(i, '?')})" for i in ids],
                      dtype=object)
    return flag(df, dup, "duplicate id", detail)


def finish(staged: Mapping[str, np.ndarray], *, rows: np.ndarray, source_ids: np.ndarray,
           type_map: Mapping[str, str], category_label: str,
           boundaries: gpd.GeoDataFrame | None = None,
           admin1_aliases: Mapping[str, str] | None = None,
           messages: Sequence[str] = ()) -> ImportResult:
    """Turn staged rows into an :class:`ImportResult` (see the module docstring)."""
    df = pd.DataFrame(dict(staged))
    df.insert(0, "row", rows)
    df.insert(1, SOURCE_ID, source_ids)
    df = flag(df, (df[C.INCIDENT_ID] == "").to_numpy(), "no id", df[DETAIL].to_numpy(object))
    df = flag(df, (df[C.DATE] == "").to_numpy(), "bad date", df[DETAIL].to_numpy(object))
    gp = df[C.GEO_PRECISION].to_numpy(float)
    df = flag(df, ~np.isnan(gp) & ~np.isin(gp, [1, 2, 3, 4]), "bad geo_precision",
              "geo_precision is not 1, 2, 3 or 4")
    df, unmapped = _types(df, type_map, category_label)
    df = _clean_text(df)
    df = _locations(df)
    if boundaries is not None:
        df = place_rows(df, boundaries, aliases=admin1_aliases)
    df = _duplicates(df)
    drop = df[DROP].to_numpy(object)
    written = df[drop == ""]
    incidents = pd.DataFrame({c: written[c].to_numpy() for c in C.INCIDENT_COLUMNS})
    incidents[C.GEO_PRECISION] = incidents[C.GEO_PRECISION].astype("int64")
    for c in (C.LAT, C.LON):  # a coarse row's point is not used; keep it for reference
        incidents[c] = incidents[c].round(6)
    dropped = df[drop != ""]
    kept = written[written[NOTE] != ""]
    report = pd.concat([
        pd.DataFrame({"row": dropped["row"], "source_id": dropped[SOURCE_ID],
                      "status": "dropped", "reason": dropped[DROP],
                      "detail": dropped[DETAIL]}),
        pd.DataFrame({"row": kept["row"], "source_id": kept[SOURCE_ID], "status": "kept",
                      "reason": kept[NOTE].str.split(":").str[0], "detail": kept[NOTE]}),
    ]).sort_values(["row", "status"], kind="stable").reset_index(drop=True)
    return ImportResult(incidents.reset_index(drop=True), report, tuple(m for m in messages
                                                                        if m), len(df), unmapped)


def _number_text(values: pd.Series) -> pd.Series:
    text = values.astype(str).where(values.notna(), "")
    return text.str.replace(r"\.0$", "", regex=True)


def _as_text(incidents: pd.DataFrame) -> pd.DataFrame:
    out = incidents.copy()
    for c in (C.LAT, C.LON, C.COUNT, C.SOURCE_QUALITY):
        out[c] = _number_text(out[c].astype(float))
    out[C.GEO_PRECISION] = out[C.GEO_PRECISION].astype("int64").astype(str)
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_import(result: ImportResult, out: Path | str) -> tuple[Path, Path]:
    """Write the incidents CSV and ``import_report.csv`` beside it, atomically.

    Both files are written to temporary files in the target folder and then moved into place,
    so a failed write leaves any earlier files untouched.

    Returns
    -------
    tuple of Path
        The incidents file and the report file.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    report_path = folder / REPORT_FILE
    if out.resolve() == report_path.resolve():
        raise ValueError(f"--out must not be named {REPORT_FILE}")
    temps: list[str] = []
    try:
        for frame, _target in ((_as_text(result.incidents), out), (result.report, report_path)):
            fd, tmp = tempfile.mkstemp(prefix=".routerisk-import-", suffix=".csv", dir=folder)
            os.close(fd)
            temps.append(tmp)
            _write_csv(frame, Path(tmp))
        os.replace(temps[0], out)
        os.replace(temps[1], report_path)
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return out, report_path


def text_of(table: pd.DataFrame, name: str | None, n: int) -> np.ndarray:
    """A source column as stripped text (empty strings when the column is absent)."""
    if not name or name not in table:
        return np.full(n, "", dtype=object)
    return table[name].fillna("").astype(str).str.strip().to_numpy(object)


def number_of(table: pd.DataFrame, name: str | None, n: int) -> np.ndarray:
    """A source column as float (NaN where empty or not a number)."""
    if not name or name not in table:
        return np.full(n, np.nan)
    text = table[name].fillna("").astype(str).str.strip().str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(float)

