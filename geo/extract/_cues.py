"""Incident types from cue phrases, with negation, hypotheticals and the count tied to a cue.

Cue lexicons live in the risk model TOML (``[types.arrest] cues = ["arrest*", ...]``): a cue is
words separated by spaces, a word ending in ``*`` takes any ending (``arrest*``: arrest,
arrests, arrested), and ``...`` lets up to five words stand between two parts
(``detention of ... broker*``). Matching ignores case. Where cues of several types overlap,
the longest match wins (``detention of brokers`` is a broker detention, not an arrest).

A cue written ``~killed`` is weak: it counts only in a sentence where no other cue matches
(``killed`` by an IED is an explosion, ``killed`` alone an attack); a weak cue of a violent
type gives way only to a violent type's cue ("beat up residents, arresting 10": an attack and
an arrest).

A cue is not an event when the words just before it deny it (``no arrests were made``,
``denied detaining``) or make it a possibility (``could be detained``, ``face arrest``,
``plans to deport``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Cue", "EventMention", "casualty_count", "compile_cues", "escalations", "find_events",
           "has_cue", "split_toll", "stated_toll"]

_GAP = r"(?:\W+\w+){0,5}?\W+"


@dataclass(frozen=True)
class Cue:
    """One cue phrase of a type, compiled."""

    type: str
    phrase: str
    pattern: re.Pattern[str]
    key: str  # text every match contains (lower case): a cheap test before the pattern
    weak: bool = False  # "~killed": taken only where no other cue matches


@dataclass(frozen=True)
class EventMention:
    """A cue found in a sentence and what the words around it say."""

    type: str
    cue: str
    start: int
    end: int
    count: int | None
    count_text: str
    role: str = ""  # why the parties changed the cue's type (geo/extract/_roles.py)


def _word(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w'’-]*"
    return re.escape(word)


def _compile(phrase: str) -> re.Pattern[str]:
    parts = []
    for chunk in phrase.split("..."):
        words = chunk.split()
        if words:
            parts.append(r"\W+".join(_word(w) for w in words))
    return re.compile(r"(?<![\w-])" + _GAP.join(parts) + r"(?![\w])", re.IGNORECASE)


def compile_cues(types: Mapping[str, Mapping[str, Any]]) -> list[Cue]:
    """The cues of every type of the risk model (``[types.NAME] cues``), in model order.

    >>> cues = compile_cues({"arrest": {"cues": ["arrest*", "taken into custody"]}})
    >>> [c.phrase for c in cues]
    ['arrest*', 'taken into custody']
    """
    out = []
    for name, table in types.items():
        for raw in table.get("cues", ()):
            phrase = raw.lstrip("~")
            out.append(Cue(name, phrase, _compile(phrase),
                           phrase.split()[0].rstrip("*").casefold(), raw.startswith("~")))
    return out


def escalations(types: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, frozenset[str],
                                                                      list[Cue]]]:
    """``(type, types it replaces, cues)`` of every type with ``escalates``: a proposal of a
    replaced type becomes this type when the text holds one of its ``escalation_cues``
    (a protest the police dispersed is unrest)."""
    return [(name, frozenset(table["escalates"]),
             compile_cues({name: {"cues": table.get("escalation_cues", [])}}))
            for name, table in types.items() if table.get("escalates")]


def has_cue(sentence: str, cues: Sequence[Cue]) -> bool:
    """Whether any cue could match (a substring test, no regular expression)."""
    folded = sentence.casefold()
    return any(c.key in folded for c in cues)


_NEGATION = re.compile(
    r"(?:\bno|\bnot|n[’']t|\bnever|\bwithout|\bnobody|\bnone|\bneither|\bnor|\bdenied|"
    r"\bdenies|\bdeny|\bdenying|\bfalse(?:ly)?|\brumou?r(?:s|ed)?\s+of|\bfailed\s+to)"
    r"(?:\W+\w+){0,3}?\W*$", re.IGNORECASE)
_HYPOTHETICAL = re.compile(
    r"(?:\bcould|\bwould|\bmight|\bmay|\bcan|\bwill|\bshall|\bshould|\bmust|\bface[sd]?|"
    r"\bfacing|\brisks?|\brisking|\bthreat(?:s|ened)?\s+(?:of|with)|\bfears?|\bfeared|"
    r"\bfearing|\bplans?\s+to|\bplanned\s+to|\bintends?\s+to|\bvow(?:s|ed)?\s+to|"
    r"\bthreaten(?:s|ed)?\s+to|\bwarn(?:s|ed)?\s+of|\bprevent|\bavoid(?:ed|ing)?|\bescape[sd]?|"
    r"\bescaping|\bevade[sd]?|\bevading|\bunless|\bif)(?:\s+(?:be|been|have\s+been|get|"
    r"getting|being|possible|further|more|new|mass|the|a|an))*\s*$", re.IGNORECASE)

_JOINED = re.compile(r"^\s*(?:,|and|or|,\s*and|,\s*or|and\s+then|or\s+even)\s*$",
                     re.IGNORECASE)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                 "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                 "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
                 "fifty": 50, "a dozen": 12, "hundred": 100, "a hundred": 100}
_NUM = r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+|" + "|".join(
    sorted((w for w in _NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True)) + r")"
# in a death toll "a"/"an" counts one ("shot dead a driver")
_NUM1 = _NUM[:-1] + r"|an|a)"
_QUAL = r"(?:(?:at\s+least|some|about|around|approximately|more\s+than|over|nearly|almost|" \
        r"up\s+to|as\s+many\s+as|an\s+estimated|a\s+total\s+of)\s+)?"
_NOUNS = r"(?:\s+(?:[\w-]+\s+){0,3}?(?:people|persons|civilians|men|women|children|migrants|" \
         r"refugees|defectors|escapees|North\s+Koreans|Koreans|protesters|demonstrators|" \
         r"soldiers|fighters|militants|rebels|police(?:men)?|officers|villagers|students|" \
         r"suspects|members|workers|brokers|smugglers|individuals|others|farmers|troops|" \
         r"combatants|insurgents|gunmen|attackers|militiamen|bodies|dead|killed))"
# a number after the cue: "arrested 139 people", "the arrest of 15 defecting North Koreans"
_AFTER = re.compile(rf"^\W*(?:(?:of|at|on|in|for|the)\s+)?{_QUAL}{_NUM}(?![0-9%])"
                    rf"(?!\s*(?:%|per\s*cent|percent|years?|km|kilomet|miles?|hours?|days?|"
                    rf"weeks?|months?|am|pm|a\.m|p\.m))", re.IGNORECASE)
# a number before it: "139 people were arrested", "at least 19 people were killed"
_BEFORE = re.compile(rf"{_QUAL}{_NUM}{_NOUNS}?(?:\s+(?:[\w-]+\s+){{0,2}}?(?:were|was|have\s+"
                     rf"been|had\s+been|has\s+been|are|being|got))?\s+$", re.IGNORECASE)
_CASUALTY = re.compile(
    rf"{_QUAL}\b{_NUM1}(?:\s+[\w-]+){{0,4}}?\s+(?:(?:were|was|have\s+been|had\s+been|being)\s+)?"
    rf"(?:killed|dead|died|deaths|fatalities|shot\s+dead|lost\s+their\s+lives|succumbed|"
    rf"(?:beaten|hacked|stabbed|burnt|burned|lynched|shot|tortured|stoned)\s+to\s+death|"
    rf"(?:burnt|burned)\s+alive|gunned\s+down)\b|"
    rf"(?:killing|killed|kills|leaving|left|shot\s+dead|shooting\s+dead|gunned\s+down|"
    rf"death\s+toll\s+(?:[\w-]+\s+){{0,4}}?(?:to|at|of|reached|rose\s+to))\s+{_QUAL}"
    rf"{_NUM1.replace('?P<num>', '?P<num2>')}(?![\w])(?!\s+(?:[\w-]+\s+)?(?:injured|wounded|"
    rf"hurt)\b)", re.IGNORECASE)
_YEARISH = re.compile(r"^(?:19|20)[0-9]{2}$")
# "a"/"an" count one person only before a person ("a driver"), not "a mob", "a number of"
_NOT_ONE = re.compile(r"^(?:a|an)\s+(?:number|group|mob|few|lot|total|couple|series|crowd|"
                      r"gang|unit|convoy|vehicle|bus|car|truck|house|village|attack|clash|"
                      r"bomb|blast|person\s+from\s+each|dozen|handful|military|police\s+patrol)\b",
                      re.IGNORECASE)


def _value(text: str) -> int | None:
    key = " ".join(text.casefold().split())
    if key in _NUMBER_WORDS:
        return _NUMBER_WORDS[key]
    digits = key.replace(",", "")
    if not digits.isdigit() or _YEARISH.match(digits):
        return None
    return int(digits)


def _count(sentence: str, start: int, end: int, blocked: Sequence[tuple[int, int]]
           ) -> tuple[int | None, str]:
    """The number tied to the cue at ``start:end``: after it, else before it."""
    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in blocked)

    after = _AFTER.match(sentence[end:end + 60])
    if after and free(end + after.start("num"), end + after.end("num")):
        value = _value(after.group("num"))
        tail = sentence[end + after.end("num"):end + after.end("num") + 40]
        if value is not None and re.match(_NOUNS[:-1] + r"|\s*$|\s*[,.;]|\s+and|\s+in|\s+on|"
                                          r"\s+at|\s+of\s+(?:them|those|the))", tail,
                                          re.IGNORECASE):
            return value, after.group().strip(" ,")
    inside = re.search(rf"\b{_NUM}{_NOUNS}", sentence[start:end], re.IGNORECASE)
    if inside:  # "detained 6 brokers" matched by "detain* ... broker*"
        value = _value(inside.group("num"))
        if value is not None:
            return value, inside.group()
    window = sentence[max(0, start - 80):start]
    before = _BEFORE.search(window)
    if before:
        offset = max(0, start - 80)
        if free(offset + before.start("num"), offset + before.end("num")):
            value = _value(before.group("num"))
            if value is not None:
                return value, before.group().strip()
    return None, ""


# "four men shot dead a priest": the number before an active verb counts the killers
_OBJECT = re.compile(r"\s+(?:a|an|the|his|her|their|two|three|four|five|six|seven|eight|nine|"
                     r"ten|[0-9]+|at\s+least|several|some)\b(?!\s+(?:[\w-]+\s+)?(?:injured|"
                     r"wounded|hurt)\b)", re.IGNORECASE)
# (not "20 people were injured and one was killed")
_AND_BEFORE = re.compile(rf"\b{_NUM}(?:\s+(?!injured|wounded|hurt|arrested)[\w-]+){{1,4}}?\s+"
                         rf"and\s+(?:another\s+|other\s+)?$|"
                         rf"\b{_NUM.replace('?P<num>', '?P<num2>')}\s+(?:[\w-]+\s+)?"
                         rf"(?:civilians|soldiers|policem[ae]n|police|officers?|troops|militants|"
                         rf"people|persons|villagers|fighters|insurgents|rebels|men|women|"
                         rf"children)\s*,\s*$", re.IGNORECASE)
# "Five policemen among 40 killed": the toll is the 40
_AMONG = re.compile(rf"\bamong\s+(?:the\s+)?(?:at\s+least\s+)?{_NUM}\b", re.IGNORECASE)
_AND_NUMBER = re.compile(rf"\s+and\s+(?:another\s+|other\s+)?\b{_NUM}\b", re.IGNORECASE)


def casualty_count(sentence: str, blocked: Sequence[tuple[int, int]]) -> tuple[int | None, str]:
    """People killed, from "19 people were killed" or "killing 5"; ``(None, "")`` if none.

    >>> casualty_count("Three soldiers and one civilian were killed.", [])
    (4, 'Three soldiers and one civilian were killed')
    >>> casualty_count("Four men shot dead a trader.", [])  # four killers, one dead
    (1, 'shot dead a')
    """
    pos = 0
    while match := _CASUALTY.search(sentence, pos):
        group = "num" if match.group("num") else "num2"
        at = pos = match.start(group)
        pos += 1
        if _NOT_ONE.match(sentence[at:at + 40]) or re.search(
                r"\bno\s*$", sentence[max(0, at - 4):at], re.IGNORECASE):
            continue
        if group == "num" and re.search(r"(?:killed|shot\s+dead)$", match.group(),
                                        re.IGNORECASE) and _OBJECT.match(sentence[match.end():]):
            continue
        if not any(s < match.end(group) and at < e for s, e in blocked):
            value = _value(match.group(group))
            among = _AMONG.search(match.group())
            if among and _value(among.group("num")):
                return _value(among.group("num")), match.group().strip()
            if value is not None:
                more, start = _other_number(sentence, match, group)
                return value + more, sentence[start:match.end()].strip()
    return None, ""


def _other_number(sentence: str, match: re.Match[str], group: str) -> tuple[int, int]:
    """The second number of "three soldiers and one civilian were killed" (0 if none), and
    where the words of the toll start."""
    if group == "num":
        inside = _AND_NUMBER.search(sentence[match.end(group):match.end()])
        if inside:
            return _value(inside.group("num")) or 0, match.start()
        at = max(0, match.start(group) - 60)
        before = _AND_BEFORE.search(sentence[at:match.start(group)])
        value = _value(before.group("num") or before.group("num2")) if before else None
        if before and value is not None:
            return value, at + before.start()
    return 0, match.start()


_STATED = re.compile(
    rf"\bfatalit(?:y|ies)\s+(?:(?:were|was|are|is)\s+)?(?:coded|recorded|counted)\s+as\s+"
    rf"{_NUM}\b|\bcoded\s+as\s+{_NUM.replace('?P<num>', '?P<num2>')}\s+(?:here|in\s+this|"
    rf"for\s+this|fatalit)|^\W*{_NUM.replace('?P<num>', '?P<num3>')}\s+(?:fatalit(?:y|ies)|deaths?)"
    rf"(?:\s+(?:coded|reported|in\s+total))?\W*$", re.IGNORECASE)
_SPLIT = re.compile(
    rf"\b(?:split|divided|distributed|spread|coded)\s+(?:evenly\s+|equally\s+)?(?:between|"
    rf"among|across|over)\s+(?:the\s+)?{_NUM}\s+(?:events|incidents|locations|attacks|clashes)",
    re.IGNORECASE)


def stated_toll(sentences: Sequence[str]) -> tuple[int | None, str]:
    """A death toll the text states as such: "Fatalities coded as 3", "(coded as 8 here)", a
    sentence that is only "4 fatalities"; ``(None, "")`` if none.

    >>> stated_toll(["Gunmen attacked a bus.", "Fatalities coded as 3."])
    (3, 'Fatalities coded as 3')
    >>> stated_toll(["Clashes left 9 dead.", "2 fatalities."])
    (2, '2 fatalities.')
    """
    found: list[tuple[int, int, str]] = []
    for sentence in sentences:
        for match in _STATED.finditer(sentence):
            words = next(g for g in (match.group("num"), match.group("num2"),
                                     match.group("num3")) if g)
            value = _value(words)
            if value is not None:
                found.append((_stated_rank(sentence, match), value, match.group().strip()))
    if not found:
        return None, ""
    _, value, words = min(found, key=lambda f: f[0])  # the first of the best rank
    return value, words


def _stated_rank(sentence: str, match: re.Match[str]) -> int:
    """0 for the toll of this event ("coded as 3 for this event", "coded as 8 here"), 2 for a
    part of the toll ("(unspecified fatalities coded as 3)"), 1 for any other."""
    if re.match(r"\s*(?:here|(?:for|in)\s+this)\b", sentence[match.end():]) or re.search(
            r"\b(?:here|(?:for|in)\s+this)\W*$", match.group()):
        return 0
    before = sentence[:match.start()]
    if before.count("(") > before.count(")") or re.search(
            r"\b(?:unspecified|unknown|additional|undetermined)\s*$", before, re.IGNORECASE):
        return 2
    return 1


def split_toll(sentences: Sequence[str], toll: int) -> tuple[int, str]:
    """The toll of one of the events a text says its deaths are split over ("fatalities split
    between 2 events": 9 -> 5, rounded up); the toll itself when the text says nothing.

    >>> split_toll(["Nine were killed.", "Fatalities split between two events."], 9)
    (5, 'split between two events')
    """
    for sentence in sentences:
        match = _SPLIT.search(sentence)
        parts = _value(match.group("num")) if match else None
        if match and parts:
            return -(-toll // parts), match.group()
    return toll, ""


def find_events(sentence: str, cues: Sequence[Cue], *, blocked: Sequence[tuple[int, int]] = (),
                violent: frozenset[str] = frozenset()
                ) -> tuple[list[EventMention], list[str]]:
    """Events a sentence reports, and why other cues in it were not taken.

    Parameters
    ----------
    sentence
        The sentence text.
    cues
        From :func:`compile_cues`.
    blocked
        Character spans (dates): their numbers are not counts, their words not cues.
    violent
        Types of violence: a weak cue of one of them is void only beside a strong cue of one
        of them (``killed`` beside ``IED``), and stays an event of its own beside another
        type's cue ("police beat up residents, arresting 10" is an attack and an arrest); a
        weak cue of any other type is void beside any strong cue.

    Examples
    --------
    >>> cues = compile_cues({"arrest": {"cues": ["arrest*", "detain*"]}})
    >>> events, skipped = find_events("Police arrested 139 people in the city.", cues)
    >>> [(e.type, e.cue, e.count) for e in events]
    [('arrest', 'arrest*', 139)]
    >>> find_events("No arrests were made.", cues)
    ([], ["'arrests' denied by the words before it"])
    >>> find_events("They could be detained.", cues)[1]
    ["'detained' a possibility, not an event"]
    """
    found: list[tuple[int, int, Cue]] = []
    folded = sentence.casefold()
    for cue in cues:
        if cue.key in folded:
            found += [(m.start(), m.end(), cue) for m in cue.pattern.finditer(sentence)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    # a cue inside a date is a month ("march*" in "21 March 2020")
    found = [f for f in found if not any(s <= f[0] < e for s, e in blocked)]
    strong_types = {f[2].type for f in found if not f[2].weak}
    if strong_types:
        voids = bool(strong_types & violent)
        found = [f for f in found if not f[2].weak or (f[2].type in violent and not voids)]
    chosen: list[tuple[int, int, Cue]] = []
    for start, end, cue in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, cue))
    events: list[EventMention] = []
    skipped: list[str] = []
    last_end, last_kind = -1, ""
    for start, end, cue in sorted(chosen, key=lambda f: f[0]):
        before = sentence[max(0, start - 60):start]
        word = sentence[start:end]
        # "face arrest and repatriation": the second cue shares the first one's modality
        joined = last_kind and _JOINED.match(sentence[last_end:start])
        kind = ("denied" if _NEGATION.search(before) else "possible"
                if _HYPOTHETICAL.search(before) else last_kind if joined else "")
        last_end, last_kind = end, kind
        if kind == "denied":
            skipped.append(f"{word!r} denied by the words before it")
            continue
        if kind == "possible":
            skipped.append(f"{word!r} a possibility, not an event")
            continue
        count, count_text = _count(sentence, start, end, blocked)
        events.append(EventMention(cue.type, cue.phrase, start, end, count, count_text))
    return events, skipped
