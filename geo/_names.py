"""How names of places are compared, and first-level units that were renamed or split.

Names compare with accents, case and punctuation folded (:func:`name_key`: ``Kasai Oriental``
is ``Kasaï-Oriental``). A first-level name that no longer exists resolves through the alias
table shipped in ``geo/data/admin1_aliases.csv`` (old name → the current units, with the act
that changed them): :func:`successors`.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable
from importlib import resources

__all__ = ["alias_table", "fold", "match_name", "name_key", "successors"]

#: Words naming the kind of unit, which one source writes and another leaves out
#: (``Donetsk`` / ``Donetsk Oblast``, ``Borno`` / ``Borno State``).
UNIT_WORDS = frozenset({
    "province", "provincia", "region", "state", "district", "governorate", "department",
    "departement", "county", "oblast", "prefecture", "division", "municipality", "territory",
    "krai", "kray", "raion", "rayon", "okrug", "wilaya", "muhafazah", "estado", "regiao",
    "voivodeship", "canton", "emirate", "parish", "autonomous", "republic", "of",
    "the", "city"})


def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed.

    Examples
    --------
    >>> fold("  Kasaï-Oriental ")
    'kasai-oriental'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("’", "'").split())


def name_key(text: str) -> str:
    """The key two names are compared by: folded, letters and digits only.

    Examples
    --------
    >>> name_key("Kasai Oriental") == name_key("Kasaï-Oriental") == name_key("KASAI-ORIENTAL")
    True
    """
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _bare_key(text: str) -> str:
    """The key without the words naming the kind of unit (``Donetsk Oblast`` → ``donetsk``)."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    kept = [w for w in words if w not in UNIT_WORDS]
    return "".join(kept or words)


def match_name(name: str, known: Iterable[str]) -> str | None:
    """The name of ``known`` that ``name`` is: folded, then (only when that finds none and the
    answer is unique) without the words naming the kind of unit.

    Parameters
    ----------
    name
        The name as given.
    known
        One country's first-level names.

    Returns
    -------
    str or None
        The name in the spelling of ``known``; None when none, or several, match.

    Examples
    --------
    >>> match_name("KASAI ORIENTAL", ["Kasaï-Oriental", "Kinshasa"])
    'Kasaï-Oriental'
    >>> match_name("Donetsk", ["Donetsk Oblast", "Kyiv Oblast", "Kyiv"])
    'Donetsk Oblast'
    >>> kyiv = ["Kyiv Oblast", "Kyiv"]
    >>> match_name("Kyiv", kyiv), match_name("Kyiv City", kyiv)  # the second: which one?
    ('Kyiv', None)
    """
    names = list(known)
    key = name_key(name)
    exact = [k for k in names if name_key(k) == key]
    if exact:
        return exact[0]
    bare = _bare_key(name)
    loose = {k for k in names if _bare_key(k) == bare}
    return loose.pop() if len(loose) == 1 else None


@functools.cache
def alias_table() -> dict[tuple[str, str], tuple[str, ...]]:
    """``(ISO2, name_key(old name))`` → the current units' names, from the shipped table.

    Returns
    -------
    dict
        One entry per row of ``geo/data/admin1_aliases.csv``.

    Examples
    --------
    >>> alias_table()[("CD", name_key("Katanga"))]
    ('Haut-Katanga', 'Haut-Lomami', 'Lualaba', 'Tanganyika')
    """
    text = resources.files("geo.data").joinpath("admin1_aliases.csv").read_text("utf-8")
    return {(row["country"], name_key(row["name"])): tuple(row["current"].split(";"))
            for row in csv.DictReader(text.splitlines())}


@functools.cache
def _rows() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    text = resources.files("geo.data").joinpath("admin1_aliases.csv").read_text("utf-8")
    return tuple((row["country"], row["name"], tuple(row["current"].split(";")))
                 for row in csv.DictReader(text.splitlines()))


def successors(country: str, name: str, known: Iterable[str]) -> tuple[str, ...]:
    """The units of ``known`` (one country's names) that ``name`` stands for, by the alias table.

    An old name gives the current units it became; with boundaries older than the name (they
    still hold the old unit), a current name gives the old unit it lies in. Empty when the name
    is in no row or none of the units is known.

    Parameters
    ----------
    country
        ISO2 code.
    name
        The name as given.
    known
        The country's first-level names in the boundaries layer.

    Returns
    -------
    tuple of str
        Units in the spelling of ``known``, sorted.

    Examples
    --------
    >>> successors("CD", "Kasai-Occidental", ["Kasaï", "Kasaï-Central", "Kinshasa"])
    ('Kasaï', 'Kasaï-Central')
    >>> successors("CD", "Lualaba", ["Katanga", "Kinshasa"])  # boundaries before 2015
    ('Katanga',)
    >>> successors("CD", "Kinshasa", ["Kinshasa"])
    ()
    """
    spelled = {name_key(k): k for k in known}
    key = name_key(name)
    current = alias_table().get((country, key))
    if current:
        return tuple(sorted(spelled[k] for c in current if (k := name_key(c)) in spelled))
    older = {spelled[k] for cc, old, after in _rows() if cc == country
             and key in {name_key(a) for a in after} and (k := name_key(old)) in spelled}
    return tuple(sorted(older)) if len(older) == 1 else ()
