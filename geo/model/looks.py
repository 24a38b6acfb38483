"""How incident types look on maps: the marker shapes (:data:`SYMBOLS`) and colours
(:data:`TYPE_COLOURS`) a type may ask for or is given in turn, checked by :func:`_type_looks`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from geo._errors import ConfigError

#: Marker shapes a type may ask for (``[types.NAME] symbol = ...``), in the order a type
#: without one is given the next unused shape.
SYMBOLS = ("circle", "square", "triangle", "diamond", "star", "cross", "pentagon", "hexagon",
           "triangle-down", "plus")
#: Colours (dark enough for white outlines, apart from the band colours) a type without a
#: ``color`` gets, in turn.
TYPE_COLOURS = ("#1f4e9c", "#6a3d9a", "#1b7837", "#01665e", "#8c510a", "#c51b7d", "#35978f",
                "#525252", "#542788", "#2166ac")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")



def _type_looks(tables: Mapping[str, Any], where: str) -> dict[str, tuple[str, str]]:
    """``(symbol, color)`` of every type: as configured, else the next pair of the fixed
    cycle that no other type uses (so added types never all look the same)."""
    given: dict[str, tuple[str | None, str | None]] = {}
    for name, table in tables.items():
        loc = f"{where} [types.{name}]"
        if not isinstance(table, dict):
            raise ConfigError("must be a table", file=loc)
        symbol = table.get("symbol")
        if symbol is not None and symbol not in SYMBOLS:
            raise ConfigError(f"{symbol!r} is not one of {', '.join(SYMBOLS)}", file=loc,
                              field="symbol")
        colour = table.get("color")
        if colour is not None and not (isinstance(colour, str) and _HEX_COLOUR.match(colour)):
            raise ConfigError(f"{colour!r} is not a colour #rrggbb", file=loc, field="color")
        given[name] = (symbol, colour.lower() if colour else None)
    # counts of the looks in use (assigned ones, and the given parts of those still to come),
    # kept up to date as each type is assigned: linear in the number of types
    shapes: Counter[str] = Counter(sym for sym, _ in given.values() if sym)
    colours: Counter[str] = Counter(col for _, col in given.values() if col)
    taken = {(sym, col) for sym, col in given.values() if sym and col}
    out: dict[str, tuple[str, str]] = {}
    for name, (symbol, colour) in given.items():
        if not (symbol and colour):
            # the least used shape, then the least used colour, in the fixed order
            free = [(sym, col) for sym in SYMBOLS for col in TYPE_COLOURS
                    if (sym, col) not in taken and symbol in (None, sym)
                    and colour in (None, col)]
            free.sort(key=lambda sc: (shapes[sc[0]], colours[sc[1]]))
            if symbol:
                shapes[symbol] -= 1
            if colour:
                colours[colour] -= 1
            symbol, colour = free[0] if free else (symbol or SYMBOLS[0],
                                                    colour or TYPE_COLOURS[0])
            shapes[symbol] += 1
            colours[colour] += 1
            taken.add((symbol, colour))
        out[name] = (symbol, colour)
    return out
