"""Shared cartographic style of the HTML and static maps: band colours and incident symbols.

Both :mod:`geo.maps.interactive` and :mod:`geo.maps.static` take their colours from here, so a
band looks the same on screen, on paper and in every export.

Band colours are ColorBrewer's 5-class **YlOrRd** (Cynthia Brewer, colorbrewer2.org): a
sequential scheme for ordered classes whose lightness falls monotonically from band 1 to band 5,
so the order still reads in greyscale print and for the common colour-vision deficiencies
(ColorBrewer marks it colour-blind safe and print friendly), and whose red end carries the
conventional meaning of danger. The palest class is hard to see as a thin line on a light
ground, so maps draw every segment over a thin dark casing (:data:`CASING_COLOUR`).

Incidents are told apart by shape first and colour second (each type's ``symbol`` and ``color``
in the risk model), so they stay distinguishable without colour vision; type colours are dark
and drawn with a white outline so they never read as a band colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

__all__ = [
    "BAND_COLOURS",
    "BORDER_COLOUR",
    "CASING_COLOUR",
    "COARSE_HATCH",
    "COUNTRY_BORDER_COLOUR",
    "INK",
    "LAND_COLOUR",
    "MARKERS",
    "OUTSIDE_COLOUR",
    "OUTSIDE_DASH",
    "OUTSIDE_LABEL",
    "OUTSIDE_OUTLINE",
    "OUTSIDE_OUTLINE_LABEL",
    "IncidentSymbol",
    "band_colour",
    "band_legend_labels",
    "band_ranges",
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
#: Segments outside every boundary polygon ("no boundary data"): grey, dashed.
OUTSIDE_COLOUR = "#8c8c8c"
#: Dash pattern of those segments, in line widths (on, off).
OUTSIDE_DASH = (2.0, 1.5)
#: Legend text for them.
OUTSIDE_LABEL = "No boundary data (outside every boundary polygon): not scored for coarse incidents"
#: Interactive map: segments outside every boundary polygon keep their band colour inside a
#: wide outline of this colour (purple: in no band scheme), so a band-5 segment never reads as
#: "no data".
OUTSIDE_OUTLINE = "#7b3294"
#: Legend text of those segments in the interactive map.
OUTSIDE_OUTLINE_LABEL = ("Outside the boundary data (band colour, purple outline): incidents "
                         "known only to a province or country are not counted")
#: Fill of the land covered by the boundaries layer.
LAND_COLOUR = "#f3f1ec"
#: Hatch of a first-level unit holding incidents known only to that unit (geo_precision 3).
COARSE_HATCH = "////"


@dataclass(frozen=True)
class IncidentSymbol:
    """How one incident type is drawn.

    Parameters
    ----------
    name
        Symbol name of the model configuration (``"circle"``, ``"diamond"``, ...).
    marker
        Matplotlib marker code.
    colour
        Colour (hex): the fill, or the outline of a hollow symbol.
    filled
        False for informational types (no risk weight), drawn hollow.
    """

    name: str
    marker: str
    colour: str
    filled: bool = True


#: Matplotlib marker of each symbol name a model may use (see :data:`geo.model.looks.SYMBOLS`).
MARKERS: dict[str, str] = {
    "circle": "o", "square": "s", "triangle": "^", "diamond": "D", "star": "*", "cross": "X",
    "pentagon": "p", "hexagon": "h", "triangle-down": "v", "plus": "P",
}
#: Ink of types that have no colour of their own.
INK = "#252525"


def incident_symbol(incident_type: str, model_types: Mapping[str, Any] | None = None
                    ) -> IncidentSymbol:
    """Symbol of an incident type: its ``symbol`` and ``color`` in the risk model.

    A type the model does not know (it cannot happen in a build: unknown types are refused)
    gets a dark star.

    >>> from geo.model.config import load_model
    >>> s = incident_symbol("broker_detention", load_model().types)
    >>> s.name, s.marker, s.colour, s.filled
    ('diamond', 'D', '#6a3d9a', True)
    >>> incident_symbol("transit", load_model().types).filled
    False
    """
    t = (model_types or {}).get(incident_type)
    if t is None:
        return IncidentSymbol("star", "*", INK)
    name = str(getattr(t, "symbol", "circle"))
    return IncidentSymbol(name, MARKERS.get(name, "*"), str(getattr(t, "color", INK)),
                          filled=float(getattr(t, "weight", 1.0)) > 0)


def band_colour(band: int) -> str:
    """Hex colour of a risk band 1–5.

    >>> band_colour(1), band_colour(5)
    ('#ffffb2', '#bd0026')
    """
    if not 1 <= int(band) <= len(BAND_COLOURS):
        raise ValueError(f"risk band must be 1..{len(BAND_COLOURS)}, got {band!r}")
    return BAND_COLOURS[int(band) - 1]


def band_ranges(thresholds: Sequence[float]) -> list[str]:
    """The density range of each band as legend text, band 1 first: band *k* holds the
    densities from threshold *k − 1* (inclusive) up to threshold *k* (exclusive).

    >>> band_ranges([0.1, 0.5, 1.5, 4.0])
    ['< 0.1', '0.1 – 0.5', '0.5 – 1.5', '1.5 – 4', '≥ 4']
    """
    t = [f"{float(x):.3g}" for x in thresholds]  # evidence thresholds: 3 significant digits
    return [f"< {t[0]}", *(f"{lo} – {hi}" for lo, hi in pairwise(t)),
            f"≥ {t[-1]}"]


def band_legend_labels(labels: Sequence[str], thresholds: Sequence[float]) -> list[str]:
    """``"label: range"`` of each band, as both maps' legends show it.

    >>> band_legend_labels(["1 low", "2 guarded"], [0.1])
    ['1 low: < 0.1', '2 guarded: ≥ 0.1']
    """
    return [f"{label}: {r}" for label, r in zip(labels, band_ranges(thresholds), strict=True)]
