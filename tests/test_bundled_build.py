"""The main job on the bundled layers: `routerisk build` end to end, then the map in Chromium.

What a person opening the bundled map offline gets: every segment drawn in its band colour, an
explanation on click, the panel and legend, the time slider, and not a single request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo import columns as C
from geo.cli import main
from geo.maps import _style
from geo.pipeline import bundled_layers
from tests._browser import POINT_ON_SEGMENT, SEGMENTS_DRAWN, STROKE_OF, offline_page
from tests.test_map_browser import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled")
    assert main(["build", "--out", str(out)]) == 0
    return out


def test_bundled_build_outputs(built: Path) -> None:
    segments = json.loads((built / "segments.geojson").read_text(encoding="utf-8"))["features"]
    incidents = pd.read_csv(bundled_layers() / "incidents.csv")
    fate = pd.read_csv(built / "incidents_fate.csv")
    assert sorted(fate[C.INCIDENT_ID]) == sorted(incidents[C.INCIDENT_ID])  # nothing dropped
    assert set(fate[C.STATUS]) <= {"scored", "future", "unassigned", "rejected"}
    routes = pd.read_csv(built / "routes.csv")
    corridors = json.loads((bundled_layers() / "corridors.geojson").read_text("utf-8"))
    assert len(routes) == len(corridors["features"])
    bands = {f["properties"][C.RISK_BAND] for f in segments}
    assert bands <= {1, 2, 3, 4, 5} and len(bands) >= 3  # the map is not one flat colour
    # under 2 MB of map and data plus at most 3 MB of offline basemap (China and neighbours)
    assert (built / "route_risk_map.html").stat().st_size < 5_000_000


def test_bundled_map_in_chromium(built: Path) -> None:
    n_segments = len(json.loads((built / "segments.geojson").read_text("utf-8"))["features"])
    with offline_page(built / "route_risk_map.html", viewport=(1400, 900)) as s:
        page = s.page
        page.wait_for_function(f"({SEGMENTS_DRAWN})() === {n_segments}")
        # the colour on the canvas in the middle of every segment in view
        ids = [f["properties"][C.SEGMENT_ID] for f in json.loads(
            (built / "segments.geojson").read_text("utf-8"))["features"]]
        windows = [page.evaluate(STROKE_OF, sid) for sid in ids
                   if page.evaluate(POINT_ON_SEGMENT, sid)]
        assert len(windows) >= n_segments // 3
        outside = any(f["properties"].get(C.COVERAGE) == "outside" for f in json.loads(
            (built / "segments.geojson").read_text("utf-8"))["features"])
        colours = {*_style.BAND_COLOURS, *([_style.OUTSIDE_COLOUR] if outside else [])}
        allowed = {c.lower() for c in colours}
        assert all(set(w) & allowed for w in windows)  # each segment shows a band colour
        assert len({c for w in windows for c in w} & allowed) >= 3
        assert page.get_by_text("RESTRICTED").first.is_visible()
        assert page.get_by_text("weighted incidents per 100 km").first.is_visible()
        # the most dangerous segment that can be clicked at this zoom explains itself
        features = json.loads((built / "segments.geojson").read_text("utf-8"))["features"]
        ranked = sorted((f["properties"] for f in features),
                        key=lambda p: -p[C.RISK_DENSITY])
        worst, xy = next((p, xy) for p in ranked
                         if (xy := page.evaluate(POINT_ON_SEGMENT, p[C.SEGMENT_ID])))
        assert worst[C.RISK_BAND] >= 4
        page.mouse.click(*xy)
        page.wait_for_selector(".leaflet-popup")
        assert worst[C.CORRIDOR_ID] in page.inner_text(".leaflet-popup")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "bundled_map.png"))
    assert s.requests == []
    assert s.errors == []
    assert s.dialogs == []
