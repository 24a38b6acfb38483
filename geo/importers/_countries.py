"""Country names and codes (names, ISO alpha-3, ISO numeric) to ISO 3166-1 alpha-2.

pycountry knows the ISO names and codes; the event datasets also use their own names
("Democratic Republic of Congo", "Ivory Coast", "eSwatini", UCDP's "DR Congo (Zaire)") and
Kosovo, which has no ISO code (``XK``, the code the EU and most datasets use). A mapping file
may add more (``[countries]``). Each distinct value is looked up once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pycountry

from geo._names import fold

__all__ = ["EXTRA_NAMES", "country_codes", "fold", "to_iso2"]

# The datasets' own spellings that pycountry does not know (folded: lower case, no accents).
EXTRA_NAMES: dict[str, str] = {
    "democratic republic of congo": "CD", "democratic republic of the congo": "CD",
    "dr congo": "CD", "drc": "CD", "congo, dem. rep.": "CD", "zaire": "CD",
    "republic of congo": "CG", "republic of the congo": "CG", "congo, rep.": "CG",
    "congo-brazzaville": "CG", "congo": "CG",
    "ivory coast": "CI", "cote d'ivoire": "CI", "cote divoire": "CI",
    "eswatini": "SZ", "kingdom of eswatini": "SZ", "swaziland": "SZ",
    "kosovo": "XK", "russia": "RU", "soviet union": "RU", "turkey": "TR", "turkiye": "TR",
    "palestine": "PS", "cape verde": "CV", "cabo verde": "CV", "macedonia": "MK",
    "macedonia, fyr": "MK", "north macedonia": "MK", "micronesia": "FM", "brunei": "BN",
    "burma": "MM", "myanmar (burma)": "MM", "east timor": "TL", "timor leste": "TL",
    "bosnia-herzegovina": "BA", "bosnia and herzegovina": "BA", "yemen (north yemen)": "YE",
    "vietnam (north vietnam)": "VN", "cambodia (kampuchea)": "KH", "serbia (yugoslavia)": "RS",
    "zimbabwe (rhodesia)": "ZW", "madagascar (malagasy)": "MG", "russia (soviet union)": "RU",
    "united states of america": "US", "usa": "US", "uk": "GB", "great britain": "GB",
    "vatican city": "VA", "holy see": "VA", "caribbean netherlands": "BQ",
    "saint-martin": "MF", "sint maarten": "SX", "curacao": "CW", "north korea": "KP",
    "south korea": "KR", "laos": "LA", "syria": "SY", "iran": "IR", "taiwan": "TW",
    "the gambia": "GM", "gambia": "GM", "bahamas": "BS", "the bahamas": "BS",
    "somaliland": "SO", "western sahara": "EH", "tanzania": "TZ",
}
_PARENS = re.compile(r"\s*\(([^)]*)\)\s*")


def _lookup(text: str, extra: Mapping[str, str]) -> str:
    key = fold(text)
    if not key:
        return ""
    if key in extra:
        return extra[key]
    if key.isdigit():
        key = key.zfill(3)
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        pass
    for part in (_PARENS.sub(" ", key).strip(), *_PARENS.findall(key)):
        if part and part != key:
            found = _lookup(part, extra)
            if found:
                return found
    return ""


def to_iso2(values: pd.Series, *, extra: Mapping[str, str] | None = None) -> np.ndarray:
    """ISO2 code of each value ("" where unknown or empty); codes pass through.

    >>> to_iso2(pd.Series(["Democratic Republic of Congo", "180", "COD", "DR Congo (Zaire)",
    ...                    "Ivory Coast", "Kosovo", "Atlantis", ""])).tolist()
    ['CD', 'CD', 'CD', 'CD', 'CI', 'XK', '', '']
    """
    table = dict(EXTRA_NAMES)
    table.update({fold(k): str(v).upper() for k, v in (extra or {}).items()})
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    found = np.array([_lookup(u, table) for u in uniques] + [""], dtype=object)
    return found[codes]


def country_codes(text: str | Iterable[str], *, extra: Mapping[str, str] | None = None
                  ) -> tuple[str, ...]:
    """ISO2 codes of a list of countries given as ISO2, ISO3, numeric codes or names.

    Parameters
    ----------
    text
        Comma-separated (``"CD,RWA,Burundi"``) or a list of the same.
    extra
        More names → ISO2 (a mapping file's ``[countries]``).

    Returns
    -------
    tuple of str
        The codes, in the order given, each once.

    Raises
    ------
    ValueError
        Naming every entry that is no country.

    Examples
    --------
    >>> country_codes("CD, RWA,Burundi,Democratic Republic of Congo")
    ('CD', 'RW', 'BI')
    """
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    items = [t for t in items if t]
    codes = to_iso2(pd.Series(items, dtype=object), extra=extra).tolist()
    unknown = [t for t, c in zip(items, codes, strict=True) if not c]
    if unknown or not items:
        raise ValueError(f"not a country: {', '.join(repr(u) for u in unknown)}" if unknown
                         else "no country given")
    return tuple(dict.fromkeys(codes))
