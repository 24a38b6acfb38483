"""GeoJSON lines of plain numbers take a one-pass path; anything else takes the per-position
checks. Both must read the same geometry and report the same problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo._errors import ValidationError
from geo.io import _geojson, read_corridors

GOOD = [[100.0, 20.0], [100.5, 20.25], [101, 21]]
CASES = {
    "plain": GOOD,
    "with z": [[100.0, 20.0, 5.0], [101.0, 21.0, 7.0]],
    "ints": [[100, 20], [101, 21]],
    "bool": [[100.0, 20.0], [True, 21.0]],
    "string": [[100.0, 20.0], ["101.0", 21.0]],
    "short position": [[100.0, 20.0], [101.0]],
    "huge int": [[100.0, 20.0], [10**400, 21.0]],
    "one position": [[100.0, 20.0]],
    "not a list": [[100.0, 20.0], {"x": 1}],
    "multi": None,
}


def _write(folder: Path, coords: list | None) -> Path:
    geometry = ({"type": "MultiLineString", "coordinates": [GOOD, [[102.0, 22.0], [103, 23]]]}
                if coords is None else {"type": "LineString", "coordinates": coords})
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": geometry,
        "properties": {"corridor_id": "c1", "route": "R", "name": "n", "mode": "road",
                       "source": "s"}}]}
    path = folder / "corridors.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _read(path: Path) -> tuple[str, str]:
    try:
        return "ok", read_corridors(path).geometry.iloc[0].wkt
    except ValidationError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("name", list(CASES))
def test_fast_and_checked_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      name: str) -> None:
    path = _write(tmp_path, CASES[name])
    fast = _read(path)
    monkeypatch.setattr(_geojson, "_plain_line", lambda value: None)
    checked = _read(path)
    assert fast == checked
    assert fast[0] == ("ok" if name in {"plain", "with z", "ints", "multi"} else "error")
