"""Places named in a text: towns from the offline gazetteer, first-level units and countries.

* **Countries**: pycountry names (official and common) plus the short English names news uses
  (``Vietnam``, ``Laos``, ``Burma``, ``North Korea``); ``country`` is ISO 3166-1 alpha-2.
* **First-level units**: the ``admin1`` names of the boundaries layer and pycountry's
  subdivisions (their type words such as ``Sheng`` or ``Zizhiqu`` dropped, and matched to the
  boundary name with rapidfuzz when the boundaries cover that country), plus a few English
  exonyms (``Inner Mongolia``, ``Tibet``).
* **Towns**: capitalised runs of words looked up in the GeoNames gazetteer
  (:mod:`geo._gazetteer`). A run counts only where the text makes it a place — after ``in``,
  ``at``, ``near``, ``outside``, ``city of`` … or before a unit in brackets — or when it is a
  town of 15,000 people or more in a country the document names.

``geo_precision`` follows the words: a town after ``near``/``outside``/``north of`` … is 2,
another town 1, a unit 3, a country 4.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pycountry
import shapely
from rapidfuzz import fuzz, process

from geo import columns as C
from geo import settings
from geo._gazetteer import Candidate, _lookup, normalise_name

__all__ = ["PlaceIndex", "PlaceMention"]

#: short English country names in news use that pycountry spells otherwise
_COUNTRY_ALIASES = {
    "vietnam": "VN", "laos": "LA", "burma": "MM", "north korea": "KP", "south korea": "KR",
    "russia": "RU", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "moldova": "MD", "dr congo": "CD", "drc": "CD",
    "democratic republic of congo": "CD", "democratic republic of the congo": "CD",
    "ivory coast": "CI", "cote d'ivoire": "CI", "turkey": "TR", "palestine": "PS",
    "gaza": "PS", "west bank": "PS", "taiwan": "TW", "hong kong": "HK", "macau": "MO",
    "uk": "GB", "britain": "GB", "united states": "US", "cape verde": "CV", "czech republic": "CZ",
    "east timor": "TL", "swaziland": "SZ", "micronesia": "FM", "brunei": "BN",
}
#: English names of first-level units that neither pycountry nor the boundaries spell
_ADMIN1_ALIASES = {("CN", "inner mongolia"): "Nei Mongol", ("CN", "inner mongolian"): "Nei Mongol",
                   ("CN", "tibet"): "Xizang", ("CN", "xinjiang uyghur"): "Xinjiang"}
_TYPE_WORDS = re.compile(r"\b(?:sheng|shi|zizhiqu|zhuangzu|huizu|uygur|sar|province|region|"
                         r"state|governorate|prefecture|oblast|krai|district|department|"
                         r"special administrative region)\b", re.IGNORECASE)
_UNIT_WORDS = r"(?:province|region|state|governorate|prefecture|district|county|department|" \
              r"oblast|division|autonomous region)"
_NEAR = re.compile(r"(?:near|outside|close to|around|north of|south of|east of|west of|"
                   r"northeast of|northwest of|southeast of|southwest of|km from|kilometres "
                   r"from|kilometers from|miles from|outskirts of|vicinity of)\s+(?:the\s+)?"
                   r"(?:(?:town|city|village|port city|border town|district)\s+of\s+)?$",
                   re.IGNORECASE)
_AT = re.compile(r"(?:\bin|\bat|\bof|\bon|\bnear|\boutside|\baround|\bfrom|\bto|\binto|\bvia|"
                 r"\btowards|\btoward|\bacross|\bcity|\btown|\bvillage|\bcapital|\bhamlet|"
                 r"\blocality|\bport|\bsettlement|\bcamp)\s+(?:the\s+)?$", re.IGNORECASE)
_AWAY = re.compile(r"(?:\bfrom|\bto|\binto|\bvia|\btowards|\btoward|\bacross)\s+(?:the\s+)?$",
                   re.IGNORECASE)
_RUN = re.compile(r"(?<![\w'’-])([A-Z][\w'’.-]*[\w](?:\s+(?:al-|el-|de\s|du\s)?[A-Z][\w'’-]*"
                  r"[\w]){0,2})")
_FEATURE_AFTER = re.compile(r"^\s+(?:River|Mountains?|Lake|Sea|Bay|Ocean|Gulf|Valley|Desert|"
                            r"Street|Road|Avenue|Bridge|Airport|University|Hospital|Prison|"
                            r"Province|Region|State|District|County|Prefecture|Party|Army|"
                            r"Forces?|Police|Front|Movement|Group|TV|News|Times|Post|Daily|"
                            r"Agency|Ministry|Government|Council|Committee|Church|Mosque)\b")
_NOT_TOWNS = frozenset(normalise_name(w) for w in [
    "police", "army", "government", "authorities", "security", "public", "central", "national",
    "state", "local", "human", "rights", "church", "mission", "north", "south", "east", "west",
    "the", "a", "an", "on", "in", "at", "it", "its", "this", "that", "these", "those", "they",
    "he", "she", "we", "most", "many", "some", "several", "all", "both", "after", "before",
    "during", "since", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "president", "minister", "leader",
    "officials", "official", "according", "reuters", "afp", "ap", "xinhua", "kcna", "cctv", "un",
    "eu", "tv", "leave", "reply", "close", "share", "more", "read", "also", "however", "so", "if",
    "but", "and", "meanwhile", "earlier", "later", "today", "yesterday"
])


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence.

    ``kind`` is ``town``, ``admin1`` or ``country``; ``lat``/``lon`` are empty (NaN) for a
    unit or country without boundaries to place it; ``candidates`` are the gazetteer entries a
    town name matched (for the review map); ``local`` says the words make it where something
    happened (``in``, ``at``, ``near``) rather than an origin or destination (``from``,
    ``into``).
    """

    start: int
    end: int
    name: str
    kind: str
    country: str
    admin1: str
    lat: float
    lon: float
    geo_precision: int
    local: bool
    rule: str
    candidates: tuple[Candidate, ...] = field(default=(), compare=False)


def _fold(text: str) -> str:
    return normalise_name(text.replace(".", ""))


@functools.cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                names[_fold(value)] = c.alpha_2
    names.update(_COUNTRY_ALIASES)
    return names


_WORD = re.compile(r"[\w'’.]+")


def _phrases(text: str, longest: int) -> Iterable[tuple[int, int, str]]:
    """``(start, end, folded)`` of every run of 1..``longest`` words that starts with a
    capital letter, longest first at each position (names are looked up in dictionaries
    rather than matched by one huge regular expression)."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    for i, (start, _) in enumerate(words):
        if not text[start].isupper():
            continue
        for j in range(min(len(words), i + longest), i, -1):
            end = words[j - 1][1]
            if text[end - 1] == ".":
                end -= 1
            yield start, end, _fold(text[start:end])


class PlaceIndex:
    """Everything needed to find places in text, built once per extraction.

    Parameters
    ----------
    boundaries
        Boundaries layer (EPSG:4326) whose ``admin1`` names are recognised and whose polygons
        place units and test which unit a town lies in; ``None`` for pycountry names only.
    countries
        ISO codes to keep places to (``--country``); empty for anywhere.
    """

    def __init__(self, boundaries: gpd.GeoDataFrame | None, *, countries: Sequence[str] = ()
                 ) -> None:
        self.countries = tuple(c.upper() for c in countries)
        self.boundaries = boundaries
        self._units: dict[tuple[str, str], shapely.Geometry] = {}
        self._admin1: dict[str, list[tuple[str, str]]] = {}
        if boundaries is not None and len(boundaries):
            for (cc, name), part in boundaries.groupby([C.COUNTRY, C.ADMIN1], sort=True):
                if name:
                    self._units[(str(cc), str(name))] = shapely.union_all(part.geometry.values)
        self._add_admin1_names()
        self._longest = max((len(k.split()) for k in [*self._admin1, *_country_names()]),
                            default=1)
        self._towns: dict[str, tuple[Candidate, ...]] = {}

    def _add_admin1_names(self) -> None:
        by_country: dict[str, list[str]] = {}
        for cc, name in self._units:
            by_country.setdefault(cc, []).append(name)
            self._admin1.setdefault(_fold(name), []).append((cc, name))
        for sub in pycountry.subdivisions:
            if getattr(sub, "parent_code", None) or (self.countries and
                                                     sub.country_code not in self.countries):
                continue
            cc = sub.country_code
            plain = " ".join(_TYPE_WORDS.sub(" ", sub.name).split())
            target = plain
            if by_country.get(cc):
                best = process.extractOne(plain, by_country[cc], scorer=fuzz.WRatio)
                if best is None or best[1] < 85:
                    continue  # a unit the boundaries do not have: leave it to them
                target = best[0]
            for key in {_fold(plain), _fold(sub.name)}:
                if len(key) >= 4 and (cc, target) not in self._admin1.get(key, []):
                    self._admin1.setdefault(key, []).append((cc, target))
        for (cc, alias), target in _ADMIN1_ALIASES.items():
            if not self.countries or cc in self.countries:
                self._admin1.setdefault(alias, []).append((cc, target))

    # ---- look-ups -------------------------------------------------------------------------
    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one index per extraction)
    def _unit_point(self, country: str, admin1: str) -> tuple[float, float]:
        shape = self._units.get((country, admin1))
        if shape is None and self.boundaries is not None and not admin1:
            part = self.boundaries[self.boundaries[C.COUNTRY] == country]
            if len(part):
                shape = shapely.union_all(part.geometry.values)
        if shape is None:
            return float("nan"), float("nan")
        point = shapely.point_on_surface(shape)
        return round(point.y, 4), round(point.x, 4)

    def town_candidates(self, name: str) -> tuple[Candidate, ...]:
        """Gazetteer entries for ``name`` (cached), kept to the chosen countries."""
        key = normalise_name(name)
        if key not in self._towns:
            found = _lookup(name) if key not in _NOT_TOWNS else ()
            if self.countries:
                found = tuple(c for c in found if c.country in self.countries)
            self._towns[key] = tuple(sorted(found, key=lambda c: (-c.population, c.geonameid)))
        return self._towns[key]

    @functools.lru_cache(maxsize=65536)  # noqa: B019 (one index per extraction)
    def admin1_of(self, lat: float, lon: float) -> tuple[str, str]:
        """``(country, admin1)`` of the unit holding a point, ``("", "")`` outside all."""
        point = shapely.Point(lon, lat)
        for (cc, name), shape in self._units.items():
            if shapely.dwithin(shape, point, settings.PLACE_TOLERANCE_DEG):
                return cc, name
        return "", ""

    # ---- finding mentions -----------------------------------------------------------------
    def countries_and_units(self, text: str, *, context: set[str] | None = None
                            ) -> list[PlaceMention]:
        """Country and first-level unit mentions in ``text``.

        A unit only pycountry knows (not in the boundaries) counts when its country is in
        ``context`` (the countries the document names) or its unit word follows ("Mopti
        region"), so that "North" or "Central" alone are not taken for a unit.
        """
        out: list[PlaceMention] = []
        names = _country_names()
        taken_to = -1
        for start, end, key in _phrases(text, self._longest):
            if start < taken_to or (key not in names and key not in self._admin1):
                continue
            if end < len(text) and (text[end].isalnum() or text[end] == "-"):
                continue
            taken_to = end
            if key in names:
                cc = names[key]
                if self.countries and cc not in self.countries:
                    continue
                lat, lon = self._unit_point(cc, "")
                out.append(PlaceMention(start, end, text[start:end], "country", cc, "", lat,
                                        lon, 4, _local(text, start), "country name"))
                continue
            mention = self._unit(text, start, end, key, context)
            if mention is not None:
                out.append(mention)
        return out

    def _unit(self, text: str, start: int, end: int, key: str, context: set[str] | None
              ) -> PlaceMention | None:
        options = self._admin1.get(key, [])
        if options:
            unit_word = re.match(rf"\s+{_UNIT_WORDS}\b", text[end:], re.IGNORECASE)
            if context is not None:
                known = [o for o in options if (o[0], o[1]) in self._units or o[0] in context]
                options = known or (options if unit_word else [])
            if not options:
                return None
            cc, name = options[0]
            lat, lon = self._unit_point(cc, name)
            end = end + (unit_word.end() if unit_word else 0)
            return PlaceMention(start, end, text[start:end], "admin1", cc, name, lat, lon, 3,
                                _local(text, start), "first-level unit"
                                + (" named with its unit word" if unit_word else ""))
        return None

    def towns(self, text: str, *, context: set[str], units: Sequence[PlaceMention]
              ) -> list[PlaceMention]:
        """Town mentions in ``text``; ``context`` holds the countries the document names and
        ``units`` its unit mentions (a town inside a named unit is preferred)."""
        # a unit named with its unit word ("Yunnan Province") is not a town; "Beijing" alone
        # may be both, and the town (the finer place) is kept beside the unit
        taken = [(u.start, u.end) for u in units if u.kind == "country" or "unit word" in u.rule]
        out: list[PlaceMention] = []
        for match in _RUN.finditer(text):
            name = match.group(1).rstrip(".")
            start, end = match.start(1), match.start(1) + len(name)
            if any(s <= start < e or s < end <= e for s, e in taken):
                continue
            if _FEATURE_AFTER.match(text[end:]):
                continue
            mention = self._town(text, name, start, end, context, units)
            if mention is not None:
                out.append(mention)
        return out

    def _town(self, text: str, name: str, start: int, end: int, context: set[str],
              units: Sequence[PlaceMention]) -> PlaceMention | None:
        found = self.town_candidates(name) if len(name) >= 3 else ()
        if not found:
            return None
        before = text[max(0, start - 40):start]
        placed = bool(_AT.search(before)) or bool(
            re.match(r"\s*(?:\(|,\s*(?:in\s+)?(?:the\s+)?[A-Z])", text[end:end + 3]))
        local_ctx = [c for c in found if c.country in context] if context else []
        if not placed and not any(c.population >= 15000 for c in local_ctx):
            return None
        pool = local_ctx or list(found)
        unit_names = {(u.country, u.admin1) for u in units if u.kind == "admin1"}
        if unit_names and self._units:
            inside = [c for c in pool if self.admin1_of(c.lat, c.lon) in unit_names]
            pool = inside or pool
        best = pool[0]
        ratio = settings.PLACE_POPULATION_RATIO
        if len(pool) > 1 and best.population < ratio * pool[1].population and not local_ctx:
            return None  # ambiguous and nothing in the document settles it
        cc, admin1 = self.admin1_of(best.lat, best.lon) if self._units else ("", "")
        if cc != best.country:  # a border town within the tolerance of a neighbour's unit
            cc, admin1 = "", ""
        near = bool(_NEAR.search(before))
        rule = ("town after 'near'" if near else "town") + (
            " in a country the document names" if local_ctx else "")
        return PlaceMention(start, end, name, "town", best.country, admin1 if cc else "",
                            round(best.lat, 4), round(best.lon, 4), 2 if near else 1,
                            _local(text, start), rule, tuple(pool[:5]))


def _local(text: str, start: int) -> bool:
    """Whether the words before a place make it where something happened (not ``from X``)."""
    return not _AWAY.search(text[max(0, start - 20):start])
