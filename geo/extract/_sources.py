"""Who reported it: "according to …", "… reported/said", or the dateline's agency."""

from __future__ import annotations

import re

__all__ = ["dateline_source", "sentence_source"]

_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<src>(?:the\s+|a\s+|an\s+)?[^,.;:()\n]{2,80}?)"
    r"(?=\s+(?:on|in|at|who|which|that|as|from|last|this|earlier|yesterday|today)\b|[,.;:()\n]|$)",
    re.IGNORECASE)
_REPORTED = re.compile(
    r"(?P<src>(?:[A-Z][\w.&'’-]*\s+){0,5}(?:TV|News|Agency|Times|Post|Daily|Radio|Television|"
    r"Press|Network|Xinhua|KCNA|Reuters|AFP|AP|BBC|CCTV|media|officials|police|ministry|"
    r"Ministry))\s+(?:reported|said|says|announced|stated|confirmed)\b")
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,40},?\s+[^()\n]{0,30}\((?P<src>[A-Za-z .&-]{2,30})"
                       r"\)\s*[-–—]")


def sentence_source(sentence: str) -> str:
    """The source a sentence names, or ``""``.

    >>> sentence_source("Police arrested 139 people, according to China Central TV on September 3.")
    'China Central TV'
    >>> sentence_source("State media reported that 4 were held.")
    'State media'
    """
    match = _ACCORDING.search(sentence)
    if match:
        return match.group("src").strip()
    match = _REPORTED.search(sentence)
    return match.group("src").strip() if match else ""


def dateline_source(text: str) -> str:
    """The agency of a dateline such as ``KUNMING, Sept 5 (Reuters) -``, or ``""``.

    >>> dateline_source("HANOI, 3 March (AFP) - Police said ...")
    'AFP'
    """
    match = _DATELINE.match(text[:120])
    return match.group("src").strip() if match else ""
