"""Boundary files as published, recognised by what their columns hold.

Known layouts (GADM 1.0–4.1, OCHA COD-AB, geoBoundaries, Natural Earth) name the columns to
try first; every column is still checked for what its values are (:mod:`._boundary_columns`),
so GADM 4.0's ``ID_0`` of ISO3 codes is read as GADM 2.8's ``ISO`` is. Any other polygon file
with a column of ISO 3166 codes (or country names) and a column of unit names is read too; when
it cannot be told which column is which, ``country_column`` / ``admin1_column`` say it.
Everything ends in the canonical columns ``country`` (ISO 3166-1 alpha-2), ``admin1`` (empty for
a country-only row) and ``admin1_code``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from geo import columns as C
from geo.io._boundary_columns import (
    MISSING,
    code_share,
    country_codes,
    country_names,
    headers,
    is_text,
    name_columns,
)
from geo.io._common import _Collector, _text

__all__ = ["FORMATS_HINT", "Recognised", "recognise"]

FORMATS_HINT = ("GADM (any version, level 0 or 1), OCHA COD-AB, geoBoundaries and Natural "
                "Earth files are read as downloaded")
_FIX = ("give --country-column COLUMN (ISO 3166 codes or country names) and --admin1-column "
        "COLUMN (unit names)")


@dataclass
class Recognised:
    """A boundary table in canonical columns, and what it was read as."""

    name: str  # e.g. "GADM level 1"
    level: int
    frame: pd.DataFrame  # country, admin1, admin1_code, row (and geometry kept by the caller)
    left_out: list[int]  # positions of features without a country (warned)


@dataclass(frozen=True)
class _Layout:
    """Where a published format keeps each thing; column names are compared upper case."""

    name: str
    marker: Callable[[Mapping[str, str]], bool]
    codes: tuple[str, ...]  # country-code columns, best first
    names0: tuple[str, ...]  # country-name columns
    names1: tuple[str, ...]  # first-level unit names, best first
    codes1: tuple[str, ...]  # first-level unit codes, best first
    title: Callable[[int], str]
    shape_type: bool = False  # geoBoundaries: the level is the shapeType column


def _has(*names: str) -> Callable[[Mapping[str, str]], bool]:
    return lambda cols: all(n in cols for n in names)


def _gadm_marker(cols: Mapping[str, str]) -> bool:
    return "GID_0" in cols or ("ID_0" in cols and any(n in cols for n in
                                                      ("NAME_0", "COUNTRY", "ISO")))


def _cod_marker(cols: Mapping[str, str]) -> bool:
    return any(n in cols for n in ("ADM0_PCODE", "ADMIN0PCODE", "ADM1_PCODE", "ADMIN1PCODE"))


_LAYOUTS = (
    _Layout("GADM", _gadm_marker, ("GID_0", "ISO", "ID_0"), ("COUNTRY", "NAME_0"),
            ("NAME_1",), ("ISO_1", "HASC_1", "GID_1", "ID_1"),
            lambda level: f"GADM level {level}"),
    _Layout("geoBoundaries", _has("SHAPEGROUP"), ("SHAPEGROUP", "SHAPEISO"), ("SHAPENAME",),
            ("SHAPENAME",), ("SHAPEISO", "SHAPEID"), lambda level: f"geoBoundaries ADM{level}",
            shape_type=True),
    _Layout("Natural Earth admin-1", _has("ADM1_CODE"), ("ISO_A2", "ADM0_A3", "GU_A3"),
            ("ADMIN", "GEONUNIT"), ("NAME", "NAME_EN"), ("ISO_3166_2", "ADM1_CODE"),
            lambda level: "Natural Earth admin-1" if level else "Natural Earth admin-0"),
    _Layout("Natural Earth admin-0",
            lambda cols: "ADM0_A3" in cols or ("ISO_A2" in cols and "ADMIN" in cols),
            ("ISO_A2", "ISO_A2_EH", "ADM0_A3", "ISO_A3", "ISO_A3_EH", "GU_A3"),
            ("ADMIN", "NAME_LONG", "NAME"), (), (), lambda level: "Natural Earth admin-0"),
    _Layout("OCHA COD-AB", _cod_marker, ("ADM0_PCODE", "ADMIN0PCODE", "ADM0_ISO3", "ISO3",
                                         "ISO2"),
            ("ADM0_EN", "ADMIN0NAME_EN", "ADM0_FR", "ADMIN0NAME_FR", "ADM0_ES", "ADM0_PT",
             "ADM0_REF", "ADMIN0REFNAME", "ADM0_NAME"),
            ("ADM1_EN", "ADMIN1NAME_EN", "ADM1_FR", "ADMIN1NAME_FR", "ADM1_ES",
             "ADMIN1NAME_ES", "ADM1_PT", "ADMIN1NAME_PT", "ADM1_REF", "ADMIN1REFNAME",
             "ADMIN1NAME", "ADM1_NAME", "NAME_EN"),
            ("ADM1_PCODE", "ADMIN1PCODE", "PCODE"),
            lambda level: f"OCHA COD-AB admin{level}"),
)


def _cells(frame: pd.DataFrame, column: str | None) -> list[str]:
    return [_text(v) for v in frame[column]] if column else [""] * len(frame)


def _column(cols: Mapping[str, str], wanted: str | None) -> str | None:
    """The real name of a column given by the user (exact, else any case)."""
    if wanted is None:
        return None
    if wanted in cols.values():
        return wanted
    return cols.get(wanted.upper())


@dataclass
class _Plan:
    """The columns chosen for each part, and how the file is named in the summary."""

    title: Callable[[int], str]
    code_columns: list[str]
    name0_columns: list[str]
    admin1: str | None
    code1_columns: list[str]
    level: int


def _country(frame: pd.DataFrame, plan: _Plan, col: _Collector, labels: Sequence[str]
             ) -> list[str]:
    """Each feature's ISO2: its first code column with a code, else its country name."""
    codes = [country_codes(_cells(frame, c)) for c in plan.code_columns]
    raw = [_cells(frame, c) for c in plan.code_columns]
    names = [_cells(frame, c) for c in plan.name0_columns]
    by_name = [country_names(n) for n in names]
    out = []
    for i in range(len(frame)):
        cc = next((c[i] for c in codes if c[i]), "")
        if not cc:
            name = next(((n[i], b[i]) for n, b in zip(names, by_name, strict=True) if b[i]),
                        None)
            shown = ", ".join(f"{c} {r[i]!r}" for c, r in zip(plan.code_columns, raw,
                                                                  strict=True))
            if name is not None:
                cc = name[1]
                if shown and any(r[i].strip().upper() not in MISSING for r in raw):
                    col.warn(f"feature {frame[C.ROW].iat[i]}", C.COUNTRY,
                             f"{shown} is not an ISO 3166 code (a disputed area?); taken as "
                             f"{cc} from its country name {name[0]!r}")
            else:
                col.warn(f"feature {frame[C.ROW].iat[i]}", C.COUNTRY,
                         f"{labels[i] or '(unnamed)'} has no ISO 3166 country code "
                         f"({shown or 'no code column'}) and no known country name: left out, "
                         "so its area has no boundary data")
        out.append(cc)
    return out


def _refuse(col: _Collector, frame: pd.DataFrame, field: str, what: str) -> None:
    found = ", ".join(str(c) for c in frame.columns if str(c) not in ("geometry", C.ROW))
    col.add("-", field, f"not a recognised boundary file: {what} (columns: {found}); {_FIX}; "
                        f"{FORMATS_HINT}")


def _code_columns(frame: pd.DataFrame, cols: Mapping[str, str], layout: _Layout | None
                  ) -> list[str]:
    """Country-code columns: the layout's own that hold codes, else any column that does."""
    if layout is not None:
        named = [cols[n] for n in layout.codes if n in cols]
        return [c for c in named if code_share(_cells(frame, c)) >= 0.5]
    shares = {c: code_share(_cells(frame, c)) for c in cols.values()
              if is_text(frame[c])}
    return sorted((c for c, s in shares.items() if s >= 0.9), key=lambda c: -shares[c])


def _name0_columns(frame: pd.DataFrame, cols: Mapping[str, str], layout: _Layout | None,
                   exclude: set[str]) -> list[str]:
    if layout is not None:
        return [cols[n] for n in layout.names0 if n in cols]
    out = []
    for c in cols.values():
        values = _cells(frame, c)
        present = [v for v in values if v]
        if c in exclude or not is_text(frame[c]) or not present:
            continue
        if sum(bool(n) for n in country_names(values)) >= 0.9 * len(present):
            out.append(c)
    return out


def _plan(frame: pd.DataFrame, col: _Collector, country_column: str | None,
          admin1_column: str | None) -> _Plan | None:
    cols = headers(frame)
    layout = next((lay for lay in _LAYOUTS if lay.marker(cols)), None)
    given = {"--country-column": (country_column, _column(cols, country_column)),
             "--admin1-column": (admin1_column, _column(cols, admin1_column))}
    for flag, (wanted, real) in given.items():
        if wanted is not None and real is None:
            _refuse(col, frame, C.COUNTRY if flag.startswith("--country") else C.ADMIN1,
                    f"{flag} {wanted!r} is not a column")
    if col.problems:
        return None
    if country_column is not None:
        real = given["--country-column"][1]
        assert real is not None
        codes = [real] if code_share(_cells(frame, real)) >= 0.5 else []
        names0 = [] if codes else [real]
    else:
        codes = _code_columns(frame, cols, layout)
        names0 = _name0_columns(frame, cols, layout, set(codes))
    if not codes and not names0:
        _refuse(col, frame, C.COUNTRY, "no column of ISO 3166 country codes or country names")
        return None
    title = layout.title if layout is not None else (
        lambda level: f"boundary file (country from {(codes or names0)[0]!r}"
                      + (f", admin1 from {admin1!r})" if level else ")"))
    if admin1_column is not None:
        admin1: str | None = given["--admin1-column"][1]
    elif layout is not None:
        admin1 = next((cols[n] for n in layout.names1 if n in cols
                       and any(_cells(frame, cols[n]))), None)
        if layout.shape_type:
            admin1 = admin1 if _shape_level(frame, cols, col) == 1 else None
    else:
        first = _cells(frame, (codes or names0)[0])
        admin1 = _generic_admin1(frame, col, set(codes) | set(names0),
                                 country_codes(first) if codes else country_names(first))
        if col.problems:
            return None
    code1 = [cols[n] for n in (layout.codes1 if layout else ()) if n in cols]
    if layout is not None and admin1 is None and not layout.shape_type and any(
            any(_cells(frame, c)) for c in code1):
        _refuse(col, frame, C.ADMIN1, f"a {layout.name} file of first-level units (codes in "
                f"{code1[0]!r}) without their names ({', '.join(layout.names1[:2])})")
        return None
    return _Plan(title, codes, names0, admin1, code1, 1 if admin1 is not None else 0)


def _shape_level(frame: pd.DataFrame, cols: Mapping[str, str], col: _Collector) -> int:
    types = {t.upper() for t in _cells(frame, cols.get("SHAPETYPE")) if t}
    if types - {"ADM0", "ADM1"}:
        col.add("-", cols.get("SHAPETYPE", "shapeType"),
                f"shapeType {', '.join(sorted(types))}: routerisk reads ADM0 (countries) or "
                "ADM1 (first-level units)")
    return 1 if "ADM1" in types or not types else 0


def _generic_admin1(frame: pd.DataFrame, col: _Collector, exclude: set[str],
                    country: Sequence[str]) -> str | None:
    """The one column naming units, or None for a country file; ambiguity is a problem."""
    tiers = name_columns(frame, exclude | {C.ROW}, country)
    for tier in tiers:
        if len(tier) == 1:
            return tier[0]
        english = [c for c in tier if c.lower().endswith(("_en", "en"))]
        if len(english) == 1:
            return english[0]
        if tier:
            _refuse(col, frame, C.ADMIN1, "cannot tell which column names the units: "
                                          f"{', '.join(repr(c) for c in tier)} all could")
            return None
    per_country = pd.Series(country).value_counts()
    if len(per_country) and per_country.max() > 1:
        _refuse(col, frame, C.ADMIN1, f"{per_country.max()} polygons of one country but no "
                                      "column of unit names")
    return None


def recognise(frame: pd.DataFrame, col: _Collector, *, country_column: str | None = None,
              admin1_column: str | None = None) -> Recognised | None:
    """The table in canonical columns; None when it is routerisk's own layout or refused.

    A table with routerisk's ``country`` column is read as it is (None), unless a column is
    named. A refused table has one problem in ``col`` naming what was found and what would do.
    """
    if C.COUNTRY in frame.columns and country_column is None and admin1_column is None:
        return None
    plan = _plan(frame, col, country_column, admin1_column)
    if plan is None:
        return None
    labels = _cells(frame, plan.admin1) if plan.admin1 else (
        _cells(frame, plan.name0_columns[0]) if plan.name0_columns else [""] * len(frame))
    country = _country(frame, plan, col, labels)
    level = plan.level
    admin1 = _cells(frame, plan.admin1) if level else [""] * len(frame)
    code_cols = [_cells(frame, c) for c in plan.code1_columns]
    code = [next((c[i] for c in code_cols if c[i].strip().upper() not in MISSING
                  and not c[i].endswith("~")), "") if level else ""
            for i in range(len(frame))]
    out = pd.DataFrame({C.COUNTRY: country, C.ADMIN1: admin1, C.ADMIN1_CODE: code,
                        C.ROW: frame[C.ROW].to_numpy()})
    return Recognised(plan.title(level), level, out, [i for i, cc in enumerate(country)
                                                     if not cc])
