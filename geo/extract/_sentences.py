"""Split a document text into sentences, keeping each one's character offsets.

A sentence ends at ``.``, ``!`` or ``?`` (and closing quotes or brackets after it) followed by
white space and a capital letter, digit or opening quote, or at a blank line or a line end.
Not at abbreviations (``Sept.``, ``Mr.``, ``U.S.``, ``No.``), initials (``J. Smith``) or
decimals (``3.5``). Each sentence is the exact slice ``text[start:end]`` with its surrounding
white space left out, so it is quoted verbatim as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """``text == document[start:end]``."""

    start: int
    end: int
    text: str


_ABBREVIATIONS = frozenset([
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr",
    "mrs", "ms", "dr", "prof", "gen", "col", "lt", "capt", "sgt", "st", "no", "nos", "vs", "etc",
    "approx", "est", "dept", "gov", "sen", "rep", "inc", "ltd", "co", "corp", "jr", "sr", "u.s",
    "u.n", "u.k", "e.g", "i.e", "a.m", "p.m"
])
# a candidate end: terminal punctuation, optional closing quotes/brackets, then white space
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n\s*\n|\n")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the ``.`` at ``dot`` closes an abbreviation or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].casefold()
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and text[start].isupper()  # an initial: "J. Smith", "U. Bator"


def _starts_sentence(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos >= len(text):
        return True
    char = text[pos]
    return char.isupper() or char.isdigit() or char in "\"'“‘(\n[" or not char.isascii()


def _ends(text: str) -> Iterator[int]:
    for match in _END.finditer(text):
        token = match.group()
        if token.startswith("\n"):
            yield match.start()
            continue
        if token[0] == "." and _is_abbreviation(text, match.start()):
            continue
        if _starts_sentence(text, match.end()):
            yield match.end()


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets.

    >>> [s.text for s in split_sentences("Police held 3 people on Sept. 3. No one was hurt.")]
    ['Police held 3 people on Sept. 3.', 'No one was hurt.']
    >>> s = split_sentences("Title\\n\\nIt rained.")[1]
    >>> (s.start, s.end, s.text)
    (7, 17, 'It rained.')
    """
    out: list[Sentence] = []
    start = 0
    for end in [*_ends(text), len(text)]:
        if end <= start:
            continue
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            s = start + lead
            out.append(Sentence(s, s + len(body), body))
        start = end
    return out
