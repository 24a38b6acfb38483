"""``Build.explore(m=...)`` in headless Chromium: the routerisk layers work on a map of the
user's (which brings its own Leaflet), as on the self-contained map."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
import xstatic.pkg.leaflet as xs_leaflet

import geo
from tests._browser import launched_browser

pytestmark = pytest.mark.browser

DRAWN = "(name) => Number(window[name].getContainer().getAttribute('data-rr-drawn'))"


def _open(browser, path: Path, leaflet_js: str) -> tuple[object, list[str], list[str]]:
    """Open ``path``; folium's Leaflet URL is answered with the installed Leaflet, every other
    request aborted (and recorded)."""
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    requests: list[str] = []
    errors: list[str] = []
    url = path.as_uri()

    def route(r):  # type: ignore[no-untyped-def]
        if r.request.url == url:
            r.continue_()
        elif r.request.url == leaflet_js:
            body = (Path(xs_leaflet.BASE_DIR) / "leaflet.js").read_text("utf-8")
            r.fulfill(status=200, content_type="application/javascript", body=body)
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, requests, errors


def test_explore_onto_a_users_map_draws_every_segment(tmp_path: Path) -> None:
    result = geo.build()
    mine = folium.Map(tiles=None)
    leaflet_js = dict(mine.default_js)["leaflet"]
    result.explore(m=mine)
    path = tmp_path / "mine.html"
    mine.save(str(path))
    own = tmp_path / "own.html"
    result.explore().save(str(own))
    with launched_browser() as browser:
        page, _, errors = _open(browser, path, leaflet_js)
        page.wait_for_function(f"({DRAWN})({mine.get_name()!r}) > 0")
        drawn = page.evaluate(DRAWN, mine.get_name())
        assert page.locator(".rr-legend").is_visible()
        assert page.locator(".rr-panel").is_visible()
        assert errors == []
        page2, requests2, errors2 = _open(browser, own, leaflet_js)
        page2.wait_for_function(f"({DRAWN})('map_routerisk') > 0")
        assert page2.evaluate(DRAWN, "map_routerisk") == drawn == len(result.segments)
        assert requests2 == [] and errors2 == []
