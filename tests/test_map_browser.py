"""The interactive map in headless Chromium, offline: what a person sees and can do.

Debian's Chromium (``/usr/bin/chromium``) driven by Playwright. Every request other than the
map file itself is recorded and aborted. Without Chromium these tests FAIL (CI installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import columns as C
from geo.maps import _style
from geo.maps._style import band_colour
from geo.maps.interactive import build_map, save_map
from tests import _mapdata as D
from tests._browser import (
    ACROSS,
    POINT_ON_SEGMENT,
    SEGMENTS_DRAWN,
    STROKE_OF,
    OfflinePage,
    launched_browser,
    watch,
)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "test-screenshots"

pytestmark = pytest.mark.browser

Session = OfflinePage


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_browser() as b:
        yield b


@pytest.fixture
def open_map(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Any] = []

    def _open(name: str = "map", viewport: tuple[int, int] = (1280, 800), **kwargs: Any
              ) -> Session:
        path = tmp_path / f"{name}.html"
        save_map(build_map(**{**D.map_inputs(), **kwargs}), path)
        url = path.as_uri()
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        pages.append(page)
        s = watch(page, url)
        page.goto(url)
        page.wait_for_function(f"({SEGMENTS_DRAWN})() > 0")
        return s

    yield _open
    for page in pages:
        page.close()


def close_popups(s: Session) -> None:
    """Close the open popup and wait until its fade-out has removed it from the page."""
    s.page.evaluate("map_routerisk.closePopup()")
    s.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")


def click_segment(s: Session, sid: str) -> None:
    xy = s.page.evaluate(POINT_ON_SEGMENT, sid)
    assert xy is not None, f"segment {sid} is not visible anywhere"
    s.page.mouse.click(*xy)


def test_map_loads_offline_and_shows_everything(open_map):
    s = open_map()
    page = s.page
    # every segment drawn on the canvas, each in its band colour (read from the pixels)
    assert page.evaluate(SEGMENTS_DRAWN) == len(D.SEGMENTS)
    assert page.locator("path.rr-seg").count() == 0  # no DOM element per segment
    for sid, band in zip(D.SEGMENTS[C.SEGMENT_ID], D.SEGMENTS[C.RISK_BAND], strict=True):
        assert band_colour(int(band)) in page.evaluate(STROKE_OF, sid), sid
    legend = page.locator(".rr-legend")
    assert legend.is_visible()
    assert "weighted incidents per 100 km of corridor" in legend.inner_text()
    assert "5 severe" in legend.inner_text()
    panel = page.locator(".rr-panel")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "RESTRICTED — not for publication" in text
    assert "Tiny test map" in text and "Risk as of 2020-06-30" in text
    assert page.locator(".rr-slider input[type=range]").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    # incidents: five point symbols as of June (a6 is later), two hatched areas (East, BB)
    assert page.locator(".rr-symbol").count() == 5
    assert page.locator("path.rr-unit").count() == 2
    assert page.locator(".leaflet-rr-base-pane path.rr-province").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map.png"))
    assert s.requests == []
    assert s.errors == []
    assert s.dialogs == []


def test_clicking_a_segment_explains_its_colour(open_map):
    s = open_map()
    click_segment(s, "eq-001")
    popup = s.page.locator(".leaflet-popup-content").last
    popup.wait_for()
    text = popup.inner_text()
    assert "Segment eq-001" in text
    assert "Band 4 high: risk density 2.4 weighted incidents per 100 km" in text
    assert "Why this colour" in text
    rows = popup.locator("table.rr-top tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "80%" in first and "2020-01-05" in first and "Arrest" in first and "15" in first
    link = rows.nth(0).locator("a")
    assert link.get_attribute("href") == "https://example.org/a1"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "Crackdown" in rows.nth(1).inner_text()
    assert s.errors == [] and s.requests == []


def test_hovering_a_segment_shows_its_tooltip(open_map):
    s = open_map()
    xy = s.page.evaluate(POINT_ON_SEGMENT, "north-002")
    s.page.mouse.move(*xy)
    tip = s.page.locator(".leaflet-tooltip")
    tip.wait_for()
    text = tip.inner_text()
    assert "north" in text and "(Northern)" in text
    assert "Province: East, AA" in text
    assert "Band 4 high on 2020-06-30" in text
    assert "Risk density 1.6 per 100 km" in text


def test_slider_recolours_segments_and_hides_later_incidents(open_map):
    s = open_map()
    page = s.page
    assert "#bd0026" in page.evaluate(STROKE_OF, "eq-003")  # band 5 after the closure
    slider = page.locator(".rr-slider input[type=range]")
    slider.focus()
    page.keyboard.press("Home")
    assert page.locator(".rr-slider output").inner_text() == "2020-01-31"
    assert "#ffffb2" in page.evaluate(STROKE_OF, "eq-003")  # band 1 in January
    assert "#f03b20" in page.evaluate(STROKE_OF, "eq-001")  # band 4 from the January arrest
    assert page.locator(".rr-symbol").count() == 1  # only a1 is known by Jan 31
    assert page.locator("path.rr-unit").count() == 1  # BB (year 2020); East's crackdown is Feb
    assert "2 of 8 incidents known by then" in page.locator(".rr-known").inner_text()
    page.keyboard.press("ArrowRight")
    assert page.locator(".rr-slider output").inner_text() == "2020-02-29"
    assert "#fd8d3c" in page.evaluate(STROKE_OF, "eq-002")
    assert page.locator("path.rr-unit").count() == 2
    page.keyboard.press("End")
    assert "#bd0026" in page.evaluate(STROKE_OF, "eq-003")
    assert page.locator(".rr-symbol").count() == 5
    # the popup says which date the colour is for when it is not the scoring date
    page.keyboard.press("Home")
    click_segment(s, "eq-003")
    note = s.page.locator(".leaflet-popup-content .rr-note").last
    assert "band 1 low on 2020-01-31" in note.inner_text()
    assert s.errors == [] and s.requests == []


def test_the_pixel_writer_of_large_maps_draws_the_same_band_colours(open_map):
    s = open_map()
    page = s.page
    page.evaluate("""() => { const l = map_routerisk._rr.segmentLayer;
                             l.fastVertices = 0; l.redraw(); }""")
    assert page.evaluate("map_routerisk._rr.segmentLayer._fast")
    for sid, band in zip(D.SEGMENTS[C.SEGMENT_ID], D.SEGMENTS[C.RISK_BAND], strict=True):
        assert band_colour(int(band)) in page.evaluate(STROKE_OF, sid), sid
    page.locator(".rr-slider input[type=range]").focus()
    page.keyboard.press("Home")  # a slider step reuses the casing, rewrites the bands
    assert "#ffffb2" in page.evaluate(STROKE_OF, "eq-003")
    assert "#f03b20" in page.evaluate(STROKE_OF, "eq-001")
    page.keyboard.press("End")
    assert "#bd0026" in page.evaluate(STROKE_OF, "eq-003")
    assert s.errors == [] and s.requests == []


def test_incident_and_area_popups(open_map):
    s = open_map()
    page = s.page
    page.locator(".rr-symbol").first.click()
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for()
    assert "Incident a1" in popup.inner_text()
    assert "point in Westtown" in popup.inner_text()
    close_popups(s)
    # the hatched province: click a spot of East away from every line and symbol
    xy = page.evaluate("""() => {
      const p = map_routerisk.latLngToContainerPoint([-0.6, 1.2]);
      const r = map_routerisk.getContainer().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    }""")
    page.mouse.click(*xy)
    popup.wait_for()
    text = popup.inner_text()
    assert "East, AA" in text and "Crackdown" in text and "province-wide" in text
    assert s.errors == [] and s.requests == []


def test_hostile_text_stays_text(open_map):
    s = open_map("hostile", **D.hostile())
    page = s.page
    for sid in ("eq-001", "north-002"):
        close_popups(s)
        xy = page.evaluate(POINT_ON_SEGMENT, sid)
        assert xy is not None, sid
        page.mouse.move(*xy)
        click_segment(s, sid)
        page.locator(".leaflet-popup-content").last.wait_for()
    for k in range(page.locator(".rr-symbol").count()):
        close_popups(s)
        page.locator(".rr-symbol").nth(k).click()
        page.locator(".leaflet-popup-content").last.wait_for()
    page.locator(".rr-slider input[type=range]").focus()
    page.keyboard.press("Home")
    page.keyboard.press("End")
    injected = page.evaluate("""() => ({
      img: document.querySelectorAll("img").length,
      b: document.querySelectorAll("b").length,
      scripts: document.querySelectorAll("script").length,
      jsLinks: [...document.querySelectorAll("a")].filter(
        (a) => !/^https?:$/.test(new URL(a.href, location.href).protocol)
               && !a.classList.contains("leaflet-control-zoom-in")
               && !a.classList.contains("leaflet-control-zoom-out")
               && !a.classList.contains("leaflet-popup-close-button")
               && !a.classList.contains("leaflet-control-layers-toggle")).length,
      title: document.querySelector(".rr-panel h1").textContent,
      docTitle: document.title,
      links: [...document.querySelectorAll(".rr-panel a")].map((a) => a.href),
    })""")
    hostile = D.hostile()
    assert injected["img"] == 0 and injected["b"] == 0
    assert injected["scripts"] == 4
    assert injected["jsLinks"] == 0
    assert injected["title"] == hostile["title"]
    assert injected["docTitle"] == hostile["title"]
    assert injected["links"] == ["https://ok.example/"]
    body = page.locator("body").inner_text()
    assert "<img src=x onerror=alert(1)>" in body
    labels = page.evaluate("[...document.querySelectorAll('.rr-label')].map((e) => e.textContent)")
    assert "Westport" + D.IMG in labels and "Nordland" + D.CLOSE in labels  # basemap names
    assert s.dialogs == []
    assert s.errors == []
    assert s.requests == []


def test_many_incidents_are_clustered(open_map):
    big = D.synthetic(100, 1500, months=12)
    s = open_map("clustered", **big)
    page = s.page
    page.wait_for_function("document.querySelectorAll('.rr-cluster').length > 0")
    assert page.evaluate(SEGMENTS_DRAWN) == 100
    known = page.locator(".rr-known").inner_text()
    page.locator(".rr-slider input[type=range]").focus()
    page.keyboard.press("Home")
    assert page.locator(".rr-known").inner_text() != known
    assert s.errors == [] and s.requests == [] and s.dialogs == []


def test_online_tiles_are_requested_only_when_asked_for(open_map):
    s = open_map("tiles", tiles=("OpenStreetMap",))
    s.page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    assert s.requests
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in s.requests)
    assert s.page.evaluate(SEGMENTS_DRAWN) == len(D.SEGMENTS)


def test_segments_outside_the_boundaries_keep_their_band_colour_with_an_outline(open_map):
    seg = D.SEGMENTS.copy()
    seg[C.COVERAGE] = [C.COVERAGE_OUTSIDE if s.startswith("north") else C.COVERAGE_INSIDE
                       for s in seg[C.SEGMENT_ID]]
    s = open_map("outside", segments=seg)
    page = s.page
    for fast in (False, True):  # the stroked drawing and the pixel writer of large maps
        page.evaluate(f"""() => {{ const l = map_routerisk._rr.segmentLayer;
                                   l.fastVertices = {0 if fast else 60000}; l.redraw(); }}""")
        across = page.evaluate(ACROSS, "north-002")  # band 4, outside
        assert across[7] == "#f03b20", (fast, across)  # its band colour in the middle
        assert _style.OUTSIDE_OUTLINE in across, (fast, across)  # inside a purple outline
        assert _style.OUTSIDE_COLOUR not in across and _style.CASING_COLOUR not in across
        inside = page.evaluate(ACROSS, "eq-003")  # band 5, inside: dark casing, no outline
        assert inside[7] == "#bd0026" and _style.CASING_COLOUR in inside, (fast, inside)
        assert _style.OUTSIDE_OUTLINE not in inside
    legend = page.locator(".rr-legend .rr-outside-row")
    assert "Outside the boundary data (band colour, purple outline)" in legend.inner_text()
    assert page.evaluate("""() => getComputedStyle(
        document.querySelector('.rr-outside-swatch')).borderTopColor""") == "rgb(123, 50, 148)"
    assert "No boundary data" not in page.locator("body").inner_text()
    click_segment(s, "north-002")
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for()
    assert "Outside the boundary data: this segment lies outside every boundary polygon" in \
        popup.inner_text()
    assert "Band 4 high" in popup.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map_outside_coverage.png"))
    assert s.errors == [] and s.requests == []


def test_very_many_incidents_are_counted_per_area_at_build_time(open_map):
    big = D.synthetic(100, 1500, months=12)
    points = int((big["incidents"][C.GEO_PRECISION] <= 2).sum())
    s = open_map("grid", aggregate_points=1000, **big)
    page = s.page
    page.wait_for_function("document.querySelectorAll('.rr-grid-cell').length > 0")
    assert page.locator(".rr-symbol").count() == 0  # no marker per incident
    shown = page.evaluate("""() => [...document.querySelectorAll('.rr-grid-cell')]
        .reduce((a, e) => a + Number(e.textContent), 0)""")
    assert 0 < shown <= points
    assert page.evaluate("map_routerisk._rr.grid.known(map_routerisk._rr.data.steps.length - 1)"
                         ) == points  # every point is in the counts (as of the last step)
    known = page.locator(".rr-known").inner_text()
    assert known.endswith("of 1500 incidents known by then (scoring date)")
    page.locator(".rr-slider input[type=range]").focus()
    page.keyboard.press("Home")
    assert page.locator(".rr-known").inner_text() != known
    early = page.evaluate("""() => [...document.querySelectorAll('.rr-grid-cell')]
        .reduce((a, e) => a + Number(e.textContent), 0)""")
    assert early < shown
    assert s.errors == [] and s.requests == [] and s.dialogs == []


def test_panel_date_follows_the_slider(open_map):
    s = open_map()
    page = s.page
    asof = page.locator(".rr-panel .rr-asof")
    assert asof.inner_text() == "Risk as of 2020-06-30"
    page.locator(".rr-slider input[type=range]").focus()
    page.keyboard.press("Home")
    assert asof.inner_text() == "Risk as of 2020-01-31 (explanations as of 2020-06-30)"
    page.keyboard.press("ArrowRight")
    assert asof.inner_text().startswith("Risk as of 2020-02-29 ")
    page.keyboard.press("End")
    assert asof.inner_text() == "Risk as of 2020-06-30"
    assert s.errors == [] and s.requests == []


SYMBOL_AT = """(iid) => {
  const st = map_routerisk._rr, i = st.data.incidents.id.indexOf(iid);
  const p = map_routerisk.latLngToContainerPoint(st.markers[i].getLatLng());
  const r = map_routerisk.getContainer().getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""


def test_a_click_picks_the_nearest_feature_and_offers_the_others(open_map):
    s = open_map()
    page = s.page
    x, y = page.evaluate(SYMBOL_AT, "a7")  # the border closure lies on segment eq-003
    assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y)"
                         ".closest('.leaflet-marker-icon')", [x + 5, y])
    page.mouse.click(x + 5, y)  # on the line, 5 px from the symbol's centre, over its icon
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for()
    assert popup.locator("h3").inner_text() == "Segment eq-003"
    also = popup.locator(".rr-also button")
    assert also.count() == 1 and "incident a7" in also.inner_text()
    also.click()  # the other feature under the pointer, in the same popup
    assert "Incident a7" in popup.inner_text()
    assert "Segment eq-003" in popup.locator(".rr-also button").inner_text()
    close_popups(s)
    page.mouse.click(x, y)  # on the symbol's centre: the incident first, the segment offered
    popup.wait_for()
    assert "Incident a7" in popup.locator(".rr-id").inner_text()
    assert "Segment eq-003" in popup.locator(".rr-also button").inner_text()
    close_popups(s)
    click_segment(s, "eq-001")  # nothing else near: no list
    popup.wait_for()
    assert popup.locator("h3").inner_text() == "Segment eq-001"
    assert popup.locator(".rr-also").count() == 0
    assert s.errors == [] and s.requests == []


ACLED_SOURCES = ["Agence France Presse;Agence France Presse;Radio Okapi;Radio Okapi",
                 "Radio Okapi", "Radio Okapi; Actualite.cd", "radio okapi",
                 "Kivu Security Tracker;Radio Okapi;Agence France Presse"]

# Every word of the popups' headers, labels and first column on one line (a word broken
# across lines has two client rects).
BROKEN_WORDS = """() => {
  const out = [];
  document.querySelectorAll(".leaflet-popup-content :is(th, h3, dt, .rr-share)")
    .forEach((e) => {
      const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (const m of n.data.matchAll(/\\S+/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          if (r.getClientRects().length > 1) { out.push(m[0]); }
        }
      }
    });
  return out;
}"""


def test_popups_have_no_empty_separators_or_broken_words_and_sources_once_each(open_map):
    from geo._sources import sources_of

    seg = D.SEGMENTS.copy()
    last = seg[C.SEGMENT_ID] == "eq-004"  # outside coverage: no country, no province
    seg[C.COVERAGE] = [C.COVERAGE_OUTSIDE if b else C.COVERAGE_INSIDE for b in last]
    seg.loc[last, C.COUNTRY] = ""
    seg.loc[last, C.ADMIN1] = ""
    incidents = D.INCIDENTS.copy()
    incidents[C.SOURCE_NAME] = [*ACLED_SOURCES, "", "Agence France Presse", ""]
    s = open_map("acled", segments=seg, incidents=incidents,
                 sources=sources_of(incidents))
    page = s.page
    for sid in ("eq-004", "eq-001", "eq-003"):
        close_popups(s)
        click_segment(s, sid)
        popup = page.locator(".leaflet-popup-content").last
        popup.wait_for()
        text = popup.inner_text()
        assert f"Segment {sid}" in text
        assert not re.search(r"·\s*·|^\s*·|·\s*$|\(\s*\)|,\s*,", text, re.M), text
        assert page.evaluate(BROKEN_WORDS) == [], sid
        assert page.evaluate("""() => [...document.querySelectorAll(
            '.leaflet-popup-content th')].every((e) => e.scrollWidth <= e.clientWidth)""")
    close_popups(s)
    page.locator(".rr-symbol").first.click()
    page.locator(".leaflet-popup-content").last.wait_for()
    assert page.evaluate(BROKEN_WORDS) == []
    items = page.locator(".rr-panel .rr-sources li").all_inner_texts()
    assert items == ["Agence France Presse (3 incidents)", "Radio Okapi (5 incidents)",
                     "Actualite.cd", "Kivu Security Tracker"]
    assert page.locator(".rr-panel .rr-sources summary").inner_text() == "Sources (4)"
    assert s.errors == [] and s.requests == []
