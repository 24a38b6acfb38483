"""Debian's Chromium, headless and offline, for the browser tests.

Every request other than the page itself is recorded and aborted; console errors, page errors
and dialogs are recorded. Without Chromium the tests FAIL (CI installs it), never skip.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is not installed at {CHROMIUM} (which chromium: "
                    f"{shutil.which('chromium')}): the browser tests cannot run; "
                    "apt-get install chromium")


@dataclass
class OfflinePage:
    """A loaded page and everything it tried to do."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(page: Any, url: str) -> OfflinePage:
    """Block every request but ``url`` and record requests, errors and dialogs of ``page``."""
    s = OfflinePage(page)

    def route(r: Any) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            s.requests.append(r.request.url)
            r.abort()

    def dialog(d: Any) -> None:
        s.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("console", lambda m: s.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: s.errors.append(str(e)))
    page.on("dialog", dialog)
    return s


@contextlib.contextmanager
def launched_browser() -> Iterator[Any]:
    """Debian's Chromium, headless, launched through Playwright and closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def offline_page(path: Path, *, viewport: tuple[int, int] = (1280, 800)
                 ) -> Iterator[OfflinePage]:
    """Open the HTML file ``path`` in a fresh headless Chromium with the network cut off."""
    url = Path(path).resolve().as_uri()
    with launched_browser() as browser:
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        s = watch(page, url)
        page.goto(url)
        yield s


# The segments are drawn on one canvas (no element per segment). These read what a person
# sees there: a point in the middle of a segment that nothing covers, and the colour of the
# canvas pixel at that point.
POINT_ON_SEGMENT = """(sid) => {
  const st = map_routerisk._rr, s = st.data.segments.id.indexOf(sid);
  if (s < 0 || !map_routerisk.hasLayer(st.segmentLayer)) { return null; }
  const q = st.segmentLayer.pointOf(s), size = map_routerisk.getSize();
  const p = L.point(Math.round(q.x), Math.round(q.y));  // where a mouse event lands
  if (p.x < 0 || p.y < 0 || p.x >= size.x || p.y >= size.y) { return null; }
  if (st.segmentLayer.segmentAt(p) !== s) { return null; }
  const r = map_routerisk.getContainer().getBoundingClientRect();
  const x = r.left + p.x, y = r.top + p.y, hit = document.elementFromPoint(x, y);
  if (!hit || hit.closest(".leaflet-control, .leaflet-marker-icon, .leaflet-popup")) {
    return null;
  }
  return [x, y];
}"""

# The colours of the 3 x 3 canvas pixels around the middle of a segment.
STROKE_OF = """(sid) => {
  const st = map_routerisk._rr, s = st.data.segments.id.indexOf(sid);
  const p = st.segmentLayer.pointOf(s);
  const c = document.querySelector("canvas.rr-seg-canvas");
  const r = c.getBoundingClientRect(), m = map_routerisk.getContainer().getBoundingClientRect();
  const k = c.width / r.width;
  const x = Math.round((m.left + p.x - r.left) * k), y = Math.round((m.top + p.y - r.top) * k);
  const d = c.getContext("2d").getImageData(x - 1, y - 1, 3, 3).data, out = [];
  for (let i = 0; i < d.length; i += 4) {
    out.push("#" + [d[i], d[i + 1], d[i + 2]].map((v) => v.toString(16).padStart(2, "0"))
      .join(""));
  }
  return out;
}"""

# The colours of the canvas pixels across a segment (horizontal in the test data): from 7 px
# above its middle to 7 px below.
ACROSS = STROKE_OF.replace("getImageData(x - 1, y - 1, 3, 3)", "getImageData(x, y - 7, 1, 15)")

SEGMENTS_DRAWN = """() => Number(map_routerisk.getContainer().getAttribute("data-rr-drawn"))"""
