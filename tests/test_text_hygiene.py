"""Input that looks equal is equal: NFC, invisible characters, plain ASCII counts."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from geo import columns as C
from geo._errors import ValidationError
from geo.io import read_boundaries, read_corridors, read_incidents
from geo.io._text import INVISIBLE_RANGES

HEADER = "incident_id,date,type,lat,lon,count,source_name,notes\n"
ZWSP, RLO = "\u200b", "\u202e"


def _read(tmp_path: Path, body: str, name: str = "incidents.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path, read_incidents(path, today=date(2025, 1, 1))


def _problems(tmp_path: Path, body: str) -> tuple[Path, list[str]]:
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_incidents(path, today=date(2025, 1, 1))
    return path, [str(p) for p in info.value.problems]


def test_zero_width_space_in_an_id_is_an_error_naming_row_field_and_code_point(tmp_path):
    path, problems = _problems(tmp_path, (
        "KMG-ARREST-2024-08,2024-08,arrest,25.04,102.72,1,wire,\n"
        f"KMG-ARREST-2024-08{ZWSP},2024-08,arrest,25.04,102.72,1,wire,\n"))
    assert problems == [
        f"{path}:row 3: incident_id: contains the invisible character U+200B (ZERO WIDTH SPACE) "
        "at position 19 of 'KMG-ARREST-2024-08<U+200B>'; retype it without that character"]


def test_right_to_left_override_is_an_error_in_an_id_and_removed_from_a_source_name(tmp_path):
    path, problems = _problems(tmp_path, f"a{RLO}1,2024-08,arrest,25.04,102.72,1,wire,\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:row 2: incident_id: contains the invisible character "
                                  "U+202E (RIGHT-TO-LEFT OVERRIDE)")
    _, out = _read(tmp_path, f"a1,2024-08,arrest,25.04,102.72,1,{RLO}erutaef,n{ZWSP}ote\n")
    assert out[C.SOURCE_NAME].iloc[0] == "erutaef"
    assert out[C.NOTES].iloc[0] == "note"


def test_ids_are_nfc_so_composed_and_decomposed_forms_collide(tmp_path):
    path, problems = _problems(tmp_path, (
        "Caf\u00e9-1,2024-08,arrest,25.04,102.72,1,wire,\n"
        "Cafe\u0301-1,2024-08,arrest,25.04,102.72,1,wire,\n"))
    assert problems == [f"{path}:row 3: incident_id: duplicate 'Café-1' (first at row 2)"]


def test_names_are_stored_in_nfc(tmp_path):
    _, out = _read(tmp_path, "x1,2024-08,arrest,25.04,102.72,1,Agence Fran\u0063\u0327aise,\n")
    assert out[C.SOURCE_NAME].iloc[0] == unicodedata.normalize("NFC", "Agence Française")
    assert out[C.SOURCE_NAME].iloc[0] == "Agence Fran\u00e7aise"


@pytest.mark.parametrize("count", ["1_000", "\u0661\u0662", "+5", "5.0e1", "2.5", "\uff15"])
def test_counts_accept_plain_ascii_digits_only(tmp_path, count):
    path, problems = _problems(tmp_path, f"x1,2024-08,arrest,25.04,102.72,{count},wire,\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:row 2: count: {count!r} is not ")
    assert "digits 0-9" in problems[0]


@pytest.mark.parametrize("count", ["12", "0", "7.0"])
def test_plain_counts_are_read(tmp_path, count):
    _, out = _read(tmp_path, f"x1,2024-08,arrest,25.04,102.72,{count},wire,\n")
    assert out[C.COUNT].iloc[0] == float(count)


def test_other_scripts_digits_are_not_coordinates(tmp_path):
    path, problems = _problems(tmp_path, "x1,2024-08,arrest,\u0662\u0665,102.72,1,wire,\n")
    assert problems == [f"{path}:row 2: lat: '٢٥' is not a plain number: write it with the "
                        "digits 0-9 and a '.' for decimals (no separators such as '_', no other "
                        "scripts)"]


def test_corridor_ids_and_names(tmp_path):
    line = {"type": "LineString", "coordinates": [[102.7, 25.0], [103.0, 25.2]]}
    features = [
        {"type": "Feature", "geometry": line,
         "properties": {"corridor_id": f"c{ZWSP}1", "route": "R", "name": "ok"}},
        {"type": "Feature", "geometry": line,
         "properties": {"corridor_id": "c2", "route": "R", "name": f"Kun{RLO}ming"}},
    ]
    path = tmp_path / "corridors.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ValidationError) as info:
        read_corridors(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:feature 1: corridor_id: contains the invisible character U+200B (ZERO WIDTH "
        "SPACE) at position 2 of 'c<U+200B>1'; retype it without that character"]
    features.pop(0)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert list(read_corridors(path)[C.NAME]) == ["Kunming"]


def test_boundary_unit_names_are_cleaned_and_codes_checked(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    features = [{"type": "Feature", "geometry": square,
                 "properties": {"country": "AA", "admin1": f"Nor{ZWSP}th", "admin1_code": "N"}}]
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert list(read_boundaries(path)[C.ADMIN1]) == ["North"]
    features[0]["properties"]["admin1_code"] = f"N{RLO}"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ValidationError, match=r"feature 1: admin1_code: .*U\+202E"):
        read_boundaries(path)


def test_invisible_table_is_the_unicode_format_and_separator_categories():
    """The hard-coded table equals unicodedata's Cf, Zl and Zp (Unicode 14, Python 3.11)."""
    table = {cp for a, b in INVISIBLE_RANGES for cp in range(a, b + 1)}
    categories = {cp for cp in range(sys.maxunicode + 1)
                  if unicodedata.category(chr(cp)) in {"Cf", "Zl", "Zp"}}
    assert table <= categories
    if unicodedata.unidata_version == "14.0.0":
        assert table == categories
