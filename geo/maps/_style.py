"""Shared cartographic style of the HTML and static maps: band colours and incident symbols.

Both :mod:`geo.maps.interactive` and :mod:`geo.maps.static` take their colours from here, so a
band looks the same on screen, on paper and in every export.

Band colours are ColorBrewer's 5-class **YlOrRd** (Cynthia Brewer, colorbrewer2.org): a
sequential scheme for ordered classes whose lightness falls monotonically from band 1 to band 5,
so the order still reads in greyscale print and for the common colour-vision deficiencies
(ColorBrewer marks it colour-blind safe and print friendly), and whose red end carries the
conventional meaning of danger. The palest class is hard to see as a thin line on a light
ground, so maps draw every segment over a thin dark casing (:data:`CASING_COLOUR`).

Incidents are told apart by shape, not colour (one dark ink), so they never compete with the
band colours and stay distinguishable without colour vision.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BAND_COLOURS",
    "BORDER_COLOUR",
    "CASING_COLOUR",
    "COARSE_HATCH",
    "COUNTRY_BORDER_COLOUR",
    "FALLBACK_SYMBOL",
    "INCIDENT_SYMBOLS",
    "LAND_COLOUR",
    "IncidentSymbol",
    "band_colour",
    "incident_symbol",
]

#: Colour of risk band 1..5 (index 0 is band 1): ColorBrewer YlOrRd, 5 classes.
BAND_COLOURS: tuple[str, str, str, str, str] = (
    "#ffffb2",
    "#fecc5c",
    "#fd8d3c",
    "#f03b20",
    "#bd0026",
)

#: Thin dark outline drawn under each segment so that band 1 (pale yellow) stays visible.
CASING_COLOUR = "#3f3f3f"
#: First-level (province) borders: thin and light.
BORDER_COLOUR = "#8f8f8f"
#: Country borders: bold and dark.
COUNTRY_BORDER_COLOUR = "#3a3a3a"
#: Fill of the land covered by the boundaries layer.
LAND_COLOUR = "#f3f1ec"
#: Hatch of a first-level unit holding incidents known only to that unit (geo_precision 3).
COARSE_HATCH = "////"


@dataclass(frozen=True)
class IncidentSymbol:
    """How one incident type is drawn.

    Parameters
    ----------
    marker
        Matplotlib marker code.
    glyph
        A Unicode character of the same shape, for HTML markers and legends.
    colour
        Fill colour (hex).
    filled
        False for informational types drawn hollow (no risk weight).
    """

    marker: str
    glyph: str
    colour: str
    filled: bool = True


_INK = "#252525"

#: Symbol of each default incident type.
INCIDENT_SYMBOLS: dict[str, IncidentSymbol] = {
    "arrest": IncidentSymbol("o", "\u25cf", _INK),  # ●
    "broker_detention": IncidentSymbol("D", "\u25c6", _INK),  # ◆
    "repatriation": IncidentSymbol("v", "\u25bc", _INK),  # ▼
    "crackdown": IncidentSymbol("s", "\u25a0", _INK),  # ■
    "checkpoint": IncidentSymbol("X", "\u2716", _INK),  # ✖
    "border_closure": IncidentSymbol("P", "\u271a", _INK),  # ✚
    "transit": IncidentSymbol("^", "\u25b3", "#ffffff", filled=False),  # △
}

#: Symbol of a type added by a user's risk model configuration.
FALLBACK_SYMBOL = IncidentSymbol("*", "\u2731", _INK)  # ✱


def band_colour(band: int) -> str:
    """Hex colour of a risk band 1–5.

    >>> band_colour(1), band_colour(5)
    ('#ffffb2', '#bd0026')
    """
    if not 1 <= int(band) <= len(BAND_COLOURS):
        raise ValueError(f"risk band must be 1..{len(BAND_COLOURS)}, got {band!r}")
    return BAND_COLOURS[int(band) - 1]


def incident_symbol(incident_type: str) -> IncidentSymbol:
    """Symbol of an incident type (a generic star for types the defaults do not know).

    >>> incident_symbol("arrest").marker, incident_symbol("my_new_type").marker
    ('o', '*')
    """
    return INCIDENT_SYMBOLS.get(incident_type, FALLBACK_SYMBOL)
