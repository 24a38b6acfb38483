"""Folder mode: the map's data as ``.js`` files beside the page, opened from ``file://``.

Debian's headless Chromium, offline: only the page and the files of its data folder may load
(``<script src>`` from ``file://``); any other request is recorded and aborted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import columns as C
from geo.maps import interactive
from geo.maps.interactive import build_map, data_folder, save_map
from tests import _mapdata as D
from tests._browser import SEGMENTS_DRAWN, STROKE_OF, OfflinePage, launched_browser

HOSTILE = "it's \\ a </script> \u2028 {{ 7*7 }} \"q\" Ünïcödé"


@pytest.fixture
def folder_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Path]]:
    """A folder-mode map of the test data cut into many small data files."""
    monkeypatch.setattr(interactive, "PART_CHARS", 500)  # many pieces, cut anywhere
    inputs = D.map_inputs()
    incidents = inputs["incidents"].copy()
    incidents[C.NOTES] = HOSTILE
    path = tmp_path / "route_risk_map.html"
    files = save_map(build_map(**{**inputs, "incidents": incidents}), path, folder=True)
    return path, files


def open_offline(browser: Any, path: Path) -> OfflinePage:
    """Open ``path``; the page and files in its data folder load, everything else is aborted."""
    url = path.resolve().as_uri()
    allowed = data_folder(path).resolve().as_uri() + "/"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    s = OfflinePage(page)
    loaded: list[str] = []

    def route(r: Any) -> None:
        u = r.request.url
        if u == url or (u.startswith(allowed) and "/" not in u[len(allowed):]):
            loaded.append(u)
            r.continue_()
        else:
            s.requests.append(u)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: s.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: s.errors.append(str(e)))
    page.goto(url)
    s.loaded = loaded  # type: ignore[attr-defined]
    return s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_browser() as b:
        yield b


def test_folder_mode_writes_the_data_beside_the_page(folder_map):
    path, files = folder_map
    page = path.read_text("utf-8")
    parts = sorted(data_folder(path).iterdir())
    assert files == [path, *parts] and len(parts) > 5
    assert [p.name for p in parts] == [f"data-{k:03d}.js" for k in range(len(parts))]
    assert 'type="application/json"' not in page  # the data is not in the page
    # the data files are the only scripts loaded; everything else is inline
    assert re.findall(r"<script[^>]*\ssrc=\"([^\"]*)\"", page) == [
        f"route_risk_map_files/{p.name}" for p in parts]
    assert "<link" not in page and "RouteRisk.legend(" in page and "RouteRisk.panel(" in page
    # the pieces joined are the single-file page's JSON, byte for byte
    text = "".join(p.read_text("utf-8").split(", '", 1)[1][:-4].replace("\\\\", "\\")
                   for p in parts)
    single = path.with_name("single.html")
    save_map(build_map(**{**D.map_inputs(), "incidents": _hostile_incidents()}), single)
    assert text in single.read_text("utf-8")


def _hostile_incidents() -> Any:
    incidents = D.map_inputs()["incidents"].copy()
    incidents[C.NOTES] = HOSTILE
    return incidents


def test_folder_mode_map_works_offline_from_file_urls(folder_map, browser):
    path, files = folder_map
    s = open_offline(browser, path)
    page = s.page
    page.wait_for_function(f"({SEGMENTS_DRAWN})() > 0")
    assert page.evaluate(SEGMENTS_DRAWN) == len(D.SEGMENTS)
    assert sorted(s.loaded) == sorted(f.resolve().as_uri() for f in files)  # type: ignore
    notes = page.evaluate("map_routerisk._rr.data.incidents.notes")
    assert notes and all(n == HOSTILE for n in notes)  # escapes survive the cuts
    assert "Risk as of" in page.locator(".rr-panel").inner_text()
    assert "per 100 km" in page.locator(".rr-legend").inner_text()
    # the slider recolours the segments, as in a single-file map
    assert "#bd0026" in page.evaluate(STROKE_OF, "eq-003")
    slider = page.locator(".rr-slider input[type=range]")
    slider.focus()
    page.keyboard.press("Home")
    assert page.locator(".rr-slider output").inner_text() == "2020-01-31"
    assert "#ffffb2" in page.evaluate(STROKE_OF, "eq-003")
    page.keyboard.press("End")
    assert "#bd0026" in page.evaluate(STROKE_OF, "eq-003")
    assert s.errors == [] and s.requests == []
    page.close()


def test_a_missing_or_foreign_data_file_is_said_on_the_page(folder_map, browser, tmp_path):
    path, files = folder_map
    files[3].unlink()
    s = open_offline(browser, path)
    alert = s.page.locator(".rr-error")
    alert.wait_for()
    assert "route_risk_map_files/data-002.js is missing" in alert.inner_text()
    assert any("data-002.js is missing" in e for e in s.errors)
    s.page.close()
    # a piece of another build of the map (same name, other data)
    other = tmp_path / "other" / "route_risk_map.html"
    other.parent.mkdir()
    save_map(build_map(**D.map_inputs()), other, folder=True)
    files[3].write_bytes((data_folder(other) / "data-000.js").read_bytes())
    s = open_offline(browser, path)
    alert = s.page.locator(".rr-error")
    alert.wait_for()
    assert "data-002.js is missing or belongs to another build" in alert.inner_text()
    s.page.close()


def test_single_file_unless_asked_or_large(tmp_path, monkeypatch):
    m = build_map(**D.map_inputs())
    assert save_map(m, tmp_path / "a.html") == [tmp_path / "a.html"]
    assert not data_folder(tmp_path / "a.html").exists()
    monkeypatch.setattr(interactive, "FOLDER_MODE_MB", 0)  # "large" now
    files = save_map(m, tmp_path / "b.html")
    assert [f.name for f in files] == ["b.html", "data-000.js"]
    assert save_map(m, tmp_path / "c.html", folder=False) == [tmp_path / "c.html"]
    # the same map saved twice gives the same bytes; fewer pieces remove the extra ones
    first = {f: f.read_bytes() for f in save_map(m, tmp_path / "b.html", folder=True)}
    monkeypatch.setattr(interactive, "PART_CHARS", 1000)
    assert len(save_map(m, tmp_path / "b.html", folder=True)) > 3
    monkeypatch.setattr(interactive, "PART_CHARS", 8_000_000)
    again = save_map(m, tmp_path / "b.html", folder=True)
    assert {f: f.read_bytes() for f in again} == first
    assert sorted(data_folder(tmp_path / "b.html").iterdir()) == again[1:]


def test_the_build_owns_the_data_folder(tmp_path):
    import geo

    result = geo.build()
    out = tmp_path / "out"
    files = result.to_files(out, formats=(), map_folder=True)
    data = out / "route_risk_map_files" / "data-000.js"
    assert data in files
    manifest = json.loads((out / "build_manifest.json").read_text("utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    import hashlib

    assert listed["route_risk_map_files/data-000.js"] == hashlib.sha256(
        data.read_bytes()).hexdigest()
    # the next build writes one file: the data folder of the earlier build is gone
    files = result.to_files(out, formats=())
    assert not (out / "route_risk_map_files").exists()
    assert all("route_risk_map_files" not in str(f) for f in files)
    assert 'type="application/json"' in (out / "route_risk_map.html").read_text("utf-8")


def test_cli_map_folder_flag(tmp_path):
    from geo.cli import main

    out = tmp_path / "o"
    assert main(["build", "--out", str(out), "--formats", "", "--map-folder", "--quiet"]) == 0
    assert (out / "route_risk_map_files" / "data-000.js").is_file()
    assert "route_risk_map_files/data-000.js" in (out / "route_risk_map.html").read_text()
