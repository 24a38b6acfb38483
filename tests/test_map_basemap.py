"""The offline basemap of the interactive map: payload (geo.maps._context) and what a person
sees in headless Chromium with every request blocked: land, sea and lakes by pixels, country,
place and water names as text on the page, placed by zoom without overlap."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.maps._context import CAPITAL, COUNTRY, PLACE, WATER, context_bounds, context_payload
from geo.maps._escape import json_for_html
from geo.maps.basemap import load_context
from geo.maps.interactive import build_map, save_map
from tests import _mapdata as D
from tests._browser import SEGMENTS_DRAWN, launched_browser, watch


def _names(payload: dict[str, Any]) -> list[tuple[str, int, int]]:
    L = payload["labels"]
    return [(payload["strings"][t], k, z)
            for t, k, z in zip(L["text"], L["kind"], L["minZoom"], strict=True)]


def test_label_table_in_priority_order():
    names = _names(context_payload(D.context()))
    first = {}
    for i, (name, kind, zoom) in enumerate(names):
        first.setdefault((name, kind), (i, zoom))
    # countries first (largest first), then the capital, then places by population, then water
    assert [n for n, k, _ in names[:3]] == ["Nordland", "Aland", "Beeland"]
    assert names[3] == ("Westport", CAPITAL, 3)
    assert [n for n, k, _ in names[4:7]] == ["Northcity", "Eastville", "Smallplace"]
    assert all(k == PLACE for _, k, _ in names[4:7])
    assert first[("Smallplace", PLACE)][1] == 9
    assert {("Lake Test", WATER), ("Blue River", WATER)} <= set(first)
    # the country names repeat inside the country from zoom 6 on, after everything else
    repeats = [z for n, k, z in names[9:] if k == COUNTRY]
    assert repeats and min(repeats) >= 6


def test_basemap_size_of_real_regions():
    # the bundled region (China and its neighbours) and a region of its own (DR Congo)
    for bounds, limit in (([[17.97, 97.75], [47.91, 129.99]], 3_000_000),
                          ([[-11.0, 12.0], [5.0, 31.0]], 1_000_000)):
        payload = context_payload(load_context(context_bounds(bounds)))
        size = len(json_for_html(payload))
        assert 50_000 < size < limit, (bounds, size)
        assert len(payload["countries"]["coords"]) >= 8
        assert payload["credit"].startswith("Basemap: Natural Earth")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_browser() as b:
        yield b


def _open(browser: Any, path: Path, **kwargs: Any) -> Any:
    save_map(build_map(**{**D.map_inputs(), **kwargs}), path)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    s = watch(page, path.as_uri())
    page.goto(path.as_uri())
    page.wait_for_function(f"({SEGMENTS_DRAWN})() > 0")
    return s


LABELS = "() => [...document.querySelectorAll('.rr-label')].map((e) => e.textContent)"
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('.rr-label')].map((e) => e.getBoundingClientRect());
  const controls = [...document.querySelectorAll('.leaflet-control')]
    .map((e) => e.getBoundingClientRect());
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
    && b.top < a.bottom;
  let n = 0;
  boxes.forEach((a, i) => {
    boxes.slice(i + 1).forEach((b) => { if (meet(a, b)) { n++; } });
    controls.forEach((c) => { if (meet(a, c)) { n++; } });
  });
  return n;
}"""


def _view(page: Any, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"() => {{ map_routerisk.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
    page.wait_for_function(f"map_routerisk.getZoom() === {zoom}")


def test_names_are_text_on_the_page_placed_by_zoom(browser: Any, tmp_path: Path):
    s = _open(browser, tmp_path / "basemap.html")
    page = s.page
    labels = page.evaluate(LABELS)
    # every country with its name, also the one outside the boundary file; the capital
    assert {"Nordland", "Aland", "Beeland", "Westport"} <= set(labels), labels
    assert "Smallplace" not in labels  # a village only from zoom 9
    assert page.evaluate(OVERLAPS) == 0
    # real text: in the page's text, found by the browser's find (Ctrl+F), not hidden from
    # screen readers
    assert "Nordland" in page.locator("body").inner_text()
    assert page.evaluate("() => window.find('Nordland')")
    group = page.locator(".rr-labels")
    assert group.get_attribute("role") == "group" and group.get_attribute("aria-label")
    assert page.locator(".rr-label[aria-hidden]").count() == 0
    # zoomed in at Eastville: the village beside it shows too, still without overlap
    _view(page, 0.31, 1.73, 11)
    labels = page.evaluate(LABELS)
    assert {"Eastville", "Smallplace"} <= set(labels), labels
    assert page.evaluate(OVERLAPS) == 0
    _view(page, 0.31, 1.73, 4)  # zoomed out: towns give way, countries stay
    labels = page.evaluate(LABELS)
    assert "Smallplace" not in labels and "Eastville" not in labels
    assert "Nordland" in labels
    assert s.requests == [] and s.errors == [] and s.dialogs == []


def _colour_at(page: Any, lat: float, lon: float) -> str:
    """The most common colour of the 5 x 5 screen pixels at a place (a screenshot's pixels)."""
    from PIL import Image

    x, y = page.evaluate(f"""() => {{ const p = map_routerisk.latLngToContainerPoint(
        [{lat}, {lon}]); return [Math.round(p.x), Math.round(p.y)]; }}""")
    img = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    pixels = [img.getpixel((x + dx, y + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    r, g, b = Counter(pixels).most_common(1)[0][0]
    return f"#{r:02x}{g:02x}{b:02x}"


def test_land_sea_and_lakes_by_pixels(browser: Any, tmp_path: Path):
    s = _open(browser, tmp_path / "pixels.html", segments=D.SEGMENTS.iloc[:1],
              incidents=D.INCIDENTS.iloc[:0], timeline=None, paths=None)
    page = s.page
    _view(page, 0.0, 1.5, 7)
    land = _colour_at(page, 1.6, -0.3)  # Nordland: a neighbour outside the boundary file
    sea = _colour_at(page, -1.5, 1.5)  # south of the coast
    lake = _colour_at(page, -0.55, 3.08)  # Lake Test (in BB of the boundary file), off its name
    assert land == "#ece9e2", land
    assert sea == "#c9dcea", sea
    assert lake == "#bcd3e5", lake
    assert s.requests == [] and s.errors == []


def test_online_tiles_replace_the_basemap(browser: Any, tmp_path: Path):
    s = _open(browser, tmp_path / "tiles.html", tiles=("OpenStreetMap",))
    page = s.page
    assert page.locator(".rr-label").count() == 0  # the tiles carry their own names
    page.locator(".leaflet-control-layers-base input").first.check()  # back to offline
    page.wait_for_function("document.querySelectorAll('.rr-label').length > 0")
    assert "Nordland" in page.evaluate(LABELS)
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in s.requests)
