"""Incident type symbols and colours: configured per type, distinct when not configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo._errors import ConfigError
from geo.risk import SYMBOLS, load_model

NEW_TYPES = """
[types.smuggling]
label = "Smuggling"
weight = 1.0
half_life_days = 90
bandwidth_km = 30

[types.extortion]
label = "Extortion"
weight = 0.5
half_life_days = 90
bandwidth_km = 30

[types.kidnap]
label = "Kidnap"
weight = 1.0
half_life_days = 90
bandwidth_km = 30
symbol = "star"

[types.raid]
label = "Raid"
weight = 1.0
half_life_days = 90
bandwidth_km = 30
symbol = "hexagon"
color = "#AA0000"
"""


def test_bundled_types_have_their_own_symbol_and_colour():
    types = load_model().types
    assert {t.symbol for t in types.values()} <= set(SYMBOLS)
    # ten shapes for sixteen bundled types: every type its own colour, no two look alike
    assert len({(t.symbol, t.color) for t in types.values()}) == len(types)
    assert len({t.color for t in types.values()}) == len(types)
    original = ["arrest", "broker_detention", "repatriation", "crackdown", "checkpoint",
                "border_closure", "transit"]
    assert len({types[n].symbol for n in original}) == len(original)
    assert (types["arrest"].symbol, types["arrest"].color) == ("circle", "#1f4e9c")


def test_added_types_never_look_alike(tmp_path: Path):
    cfg = tmp_path / "model.toml"
    cfg.write_text(NEW_TYPES, "utf-8")
    types = load_model(cfg).types
    looks = [(t.symbol, t.color) for t in types.values()]
    assert len(set(looks)) == len(looks)
    # the least used shapes come first; a configured symbol or colour is kept
    assert types["smuggling"].symbol == "pentagon"
    assert types["smuggling"].color not in {t.color for t in load_model().types.values()}
    assert types["kidnap"].symbol == "star" and types["kidnap"].color != types["extortion"].color
    assert (types["raid"].symbol, types["raid"].color) == ("hexagon", "#aa0000")
    assert types["arrest"].symbol == "circle"  # the defaults are untouched


@pytest.mark.parametrize(("line", "field"), [('symbol = "heart"', "symbol"),
                                             ('color = "red"', "color"),
                                             ("color = 3", "color")])
def test_bad_symbol_or_colour_is_a_config_error(tmp_path: Path, line: str, field: str):
    cfg = tmp_path / "model.toml"
    cfg.write_text(f"[types.arrest]\n{line}\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_model(cfg)
    assert "[types.arrest]" in str(err.value) and f": {field}: " in str(err.value)
