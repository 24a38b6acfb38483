"""Text hygiene: NFC normalisation and invisible characters.

Two strings that print the same must be the same key. Every text cell is normalised to NFC.
Invisible characters — Unicode format characters (category Cf: zero-width space and joiners,
bidirectional controls such as U+202E, the byte order mark, soft hyphen …) and the line and
paragraph separators U+2028/U+2029 — are an error in identifiers and codes (the message names
the code point) and are removed from free text (notes, source names, place and unit names).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "show_invisible"]

# Unicode 14 code points of categories Cf, Zl and Zp (tests/test_text_hygiene.py checks this
# table against the running Python's unicodedata).
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
INVISIBLE = re.compile(
    "[" + "".join(f"\\U{a:08X}-\\U{b:08X}" for a, b in INVISIBLE_RANGES) + "]"
)


def _label(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def show_invisible(value: str) -> str:
    """``value`` with every invisible character written as ``<U+XXXX>``.

    >>> show_invisible("KMG-ARREST-2024-08\\u200b")
    'KMG-ARREST-2024-08<U+200B>'
    """
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)


def clean_text(value: str, *, free_text: bool) -> tuple[str, str | None]:
    """NFC-normalise a cell; invisible characters removed (free text) or reported.

    Returns the cleaned text and, for an identifier holding an invisible character, the
    problem to report (else None).

    >>> clean_text("Cafe\\u0301", free_text=False)
    ('Café', None)
    >>> clean_text("a\\u202eb", free_text=True)
    ('ab', None)
    >>> print(clean_text("a\\u202eb", free_text=False)[1])  # doctest: +NORMALIZE_WHITESPACE
    contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at position 2 of
    'a<U+202E>b'; retype it without that character
    """
    text = unicodedata.normalize("NFC", value)
    found = INVISIBLE.search(text)
    if found is None:
        return text, None
    if free_text:
        return INVISIBLE.sub("", text), None
    return text, (f"contains the invisible character {_label(found.group())} at position "
                  f"{found.start() + 1} of {show_invisible(text)!r}; retype it without that "
                  "character")
