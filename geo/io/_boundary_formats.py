"""Boundary files as published: GADM, geoBoundaries, Natural Earth, and routerisk's own.

Each format is recognised from its columns and turned into the canonical columns ``country``
(ISO 3166-1 alpha-2), ``admin1`` (empty for a country-only row) and ``admin1_code``.
ISO3 codes go to ISO2 with pycountry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from geo import columns as C
from geo.io._common import _Collector, _text

__all__ = ["FORMATS_HINT", "Recognised", "recognise"]

FORMATS_HINT = (
    "give `country` (ISO 3166-1 alpha-2) and `admin1`, or a GADM file (GID_0 and NAME_0 or "
    "COUNTRY; level 1 adds GID_1, NAME_1), a geoBoundaries ADM0/ADM1 file (shapeGroup, "
    "shapeName, shapeType) or a Natural Earth admin-0 (ISO_A2, ADM0_A3) or admin-1 (iso_a2, "
    "name, adm1_code) file"
)
# ISO3 codes that GADM and Natural Earth use outside ISO 3166 for territories with an
# ISO2 code in common use.
_ISO3_EXTRA = {"XKO": "XK", "XKX": "XK", "KOS": "XK"}
_NO_CODE = {"", "-99", "-1", "NONE", "NULL", "NAN"}


@dataclass
class Recognised:
    """A boundary table in canonical columns, and what it was read as."""

    name: str  # e.g. "GADM level 1"
    level: int
    frame: pd.DataFrame  # country, admin1, admin1_code, row (and geometry kept by the caller)
    left_out: list[int]  # positions of features without a country code (warned)


@cache
def _iso3_to_iso2(code: str) -> str:
    import pycountry

    code = code.strip().upper()
    if code in _ISO3_EXTRA:
        return _ISO3_EXTRA[code]
    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2 if found is not None else ""


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Column names by their upper-case form (Natural Earth changed case between vintages)."""
    return {str(c).upper(): str(c) for c in frame.columns}


def _cells(frame: pd.DataFrame, cols: Mapping[str, str], name: str) -> list[str]:
    real = cols.get(name.upper())
    return [_text(v) for v in frame[real]] if real else [""] * len(frame)


def _code(value: str, *, gadm: bool = False) -> str:
    """A code, or '' for the markers of a missing one (GADM also writes 'NA')."""
    text = value.strip()
    return "" if text.upper() in _NO_CODE or (gadm and text == "NA") else text


@dataclass(frozen=True)
class _Format:
    name: str
    marker: tuple[str, ...]  # columns whose presence identifies the format
    required: Callable[[Mapping[str, str]], tuple[str, ...]]
    convert: Callable[[pd.DataFrame, Mapping[str, str], _Collector], Recognised]


def _country_from(iso2: Sequence[str], iso3: Sequence[str]) -> list[str]:
    out = []
    for two, three in zip(iso2, iso3, strict=True):
        two = _code(two).upper()
        out.append(two if len(two) == 2 else _iso3_to_iso2(_code(three)) if _code(three) else "")
    return out


def _finish(name: str, level: int, frame: pd.DataFrame, country: list[str], admin1: list[str],
            code: list[str], col: _Collector, labels: Sequence[str], why: Sequence[str]
            ) -> Recognised:
    left_out = []
    for i, cc in enumerate(country):
        if not cc:
            left_out.append(i)
            col.warn(f"feature {frame[C.ROW].iat[i]}", C.COUNTRY,
                     f"{labels[i] or '(unnamed)'} has no ISO 3166 country code ({why[i]}): left "
                     "out, so its area has no boundary data")
    out = pd.DataFrame({C.COUNTRY: country, C.ADMIN1: admin1 if level else [""] * len(frame),
                        C.ADMIN1_CODE: code if level else [""] * len(frame),
                        C.ROW: frame[C.ROW].to_numpy()})
    return Recognised(name, level, out, left_out)


def _gadm(frame: pd.DataFrame, cols: Mapping[str, str], col: _Collector) -> Recognised:
    level = 1 if "GID_1" in cols else 0
    gid0 = _cells(frame, cols, "GID_0")
    country = [_iso3_to_iso2(g) if _code(g) else "" for g in gid0]
    names0 = _cells(frame, cols, "NAME_0" if "NAME_0" in cols else "COUNTRY")
    admin1 = _cells(frame, cols, "NAME_1")
    iso1, hasc, gid1 = (_cells(frame, cols, k) for k in ("ISO_1", "HASC_1", "GID_1"))
    code = [_code(a, gadm=True) or _code(b, gadm=True) or _code(c, gadm=True)
            for a, b, c in zip(iso1, hasc, gid1, strict=True)]
    return _finish(f"GADM level {level}", level, frame, country, admin1, code, col, names0,
                   [f"GID_0 {g!r}" for g in gid0])


def _gadm_required(cols: Mapping[str, str]) -> tuple[str, ...]:
    base = ("GID_0",) if "COUNTRY" in cols else ("GID_0", "NAME_0")
    return (*base, "NAME_1") if "GID_1" in cols else base


def _geoboundaries(frame: pd.DataFrame, cols: Mapping[str, str], col: _Collector) -> Recognised:
    types = {t.upper() for t in _cells(frame, cols, "shapeType") if t}
    level = 1 if "ADM1" in types else 0
    if types - {"ADM0", "ADM1"}:
        col.add("-", cols["SHAPETYPE"], f"shapeType {', '.join(sorted(types))}: routerisk reads "
                                        "ADM0 (countries) or ADM1 (first-level units)")
    group = _cells(frame, cols, "shapeGroup")
    country = [_iso3_to_iso2(g) if _code(g) else "" for g in group]
    names = _cells(frame, cols, "shapeName")
    iso, ids = _cells(frame, cols, "shapeISO"), _cells(frame, cols, "shapeID")
    code = [_code(a) or _code(b) for a, b in zip(iso, ids, strict=True)]
    return _finish(f"geoBoundaries ADM{level}", level, frame, country, names, code, col, names,
                   [f"shapeGroup {g!r}" for g in group])


def _natural_earth_0(frame: pd.DataFrame, cols: Mapping[str, str], col: _Collector
                     ) -> Recognised:
    iso2 = _cells(frame, cols, "ISO_A2")
    eh = _cells(frame, cols, "ISO_A2_EH")
    a3 = _cells(frame, cols, "ADM0_A3")
    country = _country_from([a if _code(a) else b for a, b in zip(iso2, eh, strict=True)], a3)
    names = _cells(frame, cols, "ADMIN" if "ADMIN" in cols else "NAME")
    return _finish("Natural Earth admin-0", 0, frame, country, [""] * len(frame),
                   [""] * len(frame), col, names,
                   [f"ISO_A2 {a!r}, ADM0_A3 {b!r}" for a, b in zip(iso2, a3, strict=True)])


def _natural_earth_1(frame: pd.DataFrame, cols: Mapping[str, str], col: _Collector
                     ) -> Recognised:
    iso2 = _cells(frame, cols, "iso_a2")
    a3 = _cells(frame, cols, "adm0_a3")
    country = _country_from(iso2, a3)
    names = _cells(frame, cols, "name")
    iso, adm1 = _cells(frame, cols, "iso_3166_2"), _cells(frame, cols, "adm1_code")
    code = [_code(a) if _code(a) and not a.endswith("~") else _code(b)
            for a, b in zip(iso, adm1, strict=True)]
    admins = _cells(frame, cols, "admin")
    return _finish("Natural Earth admin-1", 1, frame, country, names, code, col,
                   [f"{n} ({a})" for n, a in zip(names, admins, strict=True)],
                   [f"iso_a2 {a!r}" for a in iso2])


_FORMATS = (
    _Format("GADM", ("GID_0",), _gadm_required, _gadm),
    _Format("geoBoundaries", ("SHAPEGROUP",),
            lambda cols: ("shapeGroup", "shapeName", "shapeType"), _geoboundaries),
    _Format("Natural Earth admin-1", ("ADM1_CODE",),
            lambda cols: ("iso_a2", "name", "adm1_code"), _natural_earth_1),
    _Format("Natural Earth admin-0", ("ADM0_A3",), lambda cols: ("ISO_A2", "ADM0_A3"),
            _natural_earth_0),
)


def recognise(frame: pd.DataFrame, col: _Collector) -> Recognised | None:
    """The table in canonical columns, or None when it has none of the known layouts.

    A table that has routerisk's own ``country`` column is read as it is (None). Missing
    columns of a recognised format are all reported at once.
    """
    if C.COUNTRY in frame.columns:
        return None
    cols = _columns(frame)
    for fmt in _FORMATS:
        if not all(m in cols for m in fmt.marker):
            continue
        missing = [name for name in fmt.required(cols) if name.upper() not in cols]
        for name in missing:
            col.add("-", name, f"required column of a {fmt.name} file is missing")
        if missing:
            return None
        return fmt.convert(frame, cols, col)
    return None


def is_recognised_marker(columns: Sequence[Any]) -> bool:
    """Whether the columns carry a marker of a known published format."""
    cols = {str(c).upper() for c in columns}
    return any(all(m in cols for m in fmt.marker) for fmt in _FORMATS)
