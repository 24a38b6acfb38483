"""Which column of a boundary table holds what, told from the values in it.

A boundary file needs a country for every polygon and, for first-level units, a name. Published
files spell these columns many ways (GADM alone has ``GID_0``, ``ID_0``, ``ISO``; OCHA's COD-AB
``ADM0_PCODE``, ``admin0Pcode``, ``adm0_pcode``), so a column is trusted for what its values
are: ISO 3166 codes, country names, or names of units that vary within a country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

import pandas as pd

from geo.io._common import _text

__all__ = ["MISSING", "code_share", "country_codes", "country_names", "headers", "is_text", "iso2",
           "name_columns", "name_like"]

# Markers of a missing code: GADM writes "NA", Natural Earth "-99"/"-1".
MISSING = frozenset({"", "-99", "-1", "NA", "N/A", "NONE", "NULL", "NAN"})
# ISO3 codes that GADM and Natural Earth use outside ISO 3166 for Kosovo.
_ISO3_EXTRA = {"XKO": "XK", "XKX": "XK", "KOS": "XK"}
_ISO2_EXTRA = {"XK"}
_CODE_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9._\-]*$")
_NAME_HINTS = (re.compile(r"(^|_)(name|nam|nom|nombre)(_|$)|name", re.I),
               re.compile(r"adm(in)?_?1|prov|state|region|governorate|oblast|district|dept",
                          re.I))


@cache
def iso2(code: str) -> str:
    """ISO 3166-1 alpha-2 of an alpha-2 or alpha-3 code, or '' for anything else.

    >>> iso2("cod"), iso2("RW"), iso2("XKO"), iso2("Z07"), iso2("-99")
    ('CD', 'RW', 'XK', '', '')
    """
    import pycountry

    text = code.strip().upper()
    if text in MISSING or not text.isalpha():
        return ""
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text)
        return text if found is not None or text in _ISO2_EXTRA else ""
    if len(text) == 3:
        if text in _ISO3_EXTRA:
            return _ISO3_EXTRA[text]
        found = pycountry.countries.get(alpha_3=text)
        return str(found.alpha_2) if found is not None else ""
    return ""


def country_names(values: Sequence[str]) -> list[str]:
    """ISO2 of each country name ('' where it is not one), as the importers read them."""
    from geo.importers._countries import to_iso2  # the importers' table of dataset spellings

    texts = pd.Series([v if v.strip().upper() not in MISSING else "" for v in values],
                      dtype=object)
    return [str(c) for c in to_iso2(texts)]


def _present(values: Iterable[str]) -> list[str]:
    return [v for v in values if v.strip().upper() not in MISSING]


def code_share(values: Sequence[str]) -> float:
    """Share of the non-missing values that are ISO 3166 alpha-2 or alpha-3 codes.

    >>> code_share(["COD", "Z07", "NA", "RWA"])
    0.6666666666666666
    """
    present = _present(values)
    return sum(bool(iso2(v)) for v in present) / len(present) if present else 0.0


def country_codes(values: Sequence[str]) -> list[str]:
    """ISO2 of each value that is an ISO2/ISO3 code, '' elsewhere."""
    return [iso2(v) for v in values]


def name_like(values: Sequence[str]) -> bool:
    """Whether a column reads as names (words, mostly with lower-case letters), not codes.

    >>> name_like(["Nord-Kivu", "Kasaï"]), name_like(["CD-NK", "CD.KS"]), name_like(["12", "7"])
    (True, False, False)
    """
    present = _present(values)
    if not present:
        return False
    words = [v for v in present if any(ch.isalpha() for ch in v) and not _code_like(v)]
    return len(words) >= 0.8 * len(present)


def name_columns(frame: pd.DataFrame, exclude: Iterable[str], country: Sequence[str]
                 ) -> list[list[str]]:
    """Columns that could name first-level units, best first, in tiers by their header.

    A candidate holds names (:func:`name_like`) that are not country names. The tiers: headers
    that say "name", then headers that say "province", "state", "adm1" …, then the rest; the
    caller takes the first tier with one column and asks when a tier holds several.
    """
    skip = set(exclude)
    tiers: list[list[str]] = [[], [], []]
    for name in frame.columns:
        if name in skip or name == "geometry" or not is_text(frame[name]):
            continue
        values = [_text(v) for v in frame[name]]
        if not name_like(values) or (len(values) > 1 and len(set(values)) == 1):
            continue  # codes, numbers, or one value for every polygon ("Province", "OCHA")
        named = country_names(values)
        present = [(v, n) for v, n in zip(values, named, strict=True) if v]
        if present and sum(bool(n) for _, n in present) >= 0.8 * len(present):
            continue  # a column of country names
        if _constant_within(values, country) and len(set(country)) > 1:
            continue  # one value per country: the country's name in some language
        tier = next((i for i, rx in enumerate(_NAME_HINTS) if rx.search(str(name))), 2)
        tiers[tier].append(str(name))
    return tiers


def _code_like(text: str) -> bool:
    """'CD-NK', 'AF17', 'NGA' are codes; 'BORNO' (a name in capitals) is not."""
    return bool(_CODE_LIKE.match(text)) and (len(text) <= 3 or any(
        not ch.isalpha() for ch in text))


def is_text(series: pd.Series) -> bool:
    return series.dtype == object or str(series.dtype).startswith(("string", "str"))


def _constant_within(values: Sequence[str], country: Sequence[str]) -> bool:
    first: dict[str, str] = {}
    for value, cc in zip(values, country, strict=True):
        if first.setdefault(cc, value) != value:
            return False
    return True


def headers(frame: pd.DataFrame) -> Mapping[str, str]:
    """Column names by their upper-case form (Natural Earth changed case between vintages)."""
    return {str(c).upper(): str(c) for c in frame.columns if str(c) != "geometry"}
