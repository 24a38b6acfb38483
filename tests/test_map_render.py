"""The interactive map as rendered HTML: self-contained, inert data, lean, deterministic."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from geo import columns as C
from geo._errors import UsageError
from geo.maps import _style
from geo.maps._assets import inline_css, inline_js
from geo.maps._payload import http_url
from geo.maps.interactive import build_map, save_map
from tests import _mapdata as D


def render(**overrides: Any) -> str:
    kwargs = {**D.map_inputs(), **overrides}
    return build_map(**kwargs).get_root().render()


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))


def parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    p.close()
    return p


def payload(page: str) -> dict[str, Any]:
    """The JSON data block of the risk layers."""
    blocks = [text for attrs, text in parse(page).scripts
              if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def control_specs(page: str) -> dict[str, Any]:
    """The spec objects passed to RouteRisk.panel/legend/slider/layerControl (JSON literals)."""
    out = {}
    decoder = json.JSONDecoder()
    for match in re.finditer(r"RouteRisk\.(\w+)\(map_routerisk, risk_layers_\d+,\s*", page):
        out[match.group(1)], _ = decoder.raw_decode(page, match.end())
    return out


# ---------------------------------------------------------------------------- self-contained


def test_page_has_no_external_resource():
    page = render()
    for tag, attrs in parse(page).tags:
        for key in ("src", "href", "data", "srcset", "poster"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, key, value)
        assert tag not in ("img", "iframe", "link", "object", "embed"), tag
    for host in ("jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg", "cartocdn"):
        assert host not in page.lower(), host
    # every url() of the inlined stylesheets is a data URI or a fragment, never a file
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", page):
        assert url.startswith(("data:", "#")), url
    assert "sourceMappingURL" not in page


def test_assets_are_inlined_from_the_xstatic_packages():
    page = render()
    scripts = [text for attrs, text in parse(page).scripts if "src" not in attrs]
    assert inline_js() in scripts
    assert "Leaflet 1.9.3" in inline_js()
    assert "L.MarkerClusterGroup" in inline_js()
    assert inline_css() in page
    assert "images/marker-icon.png" not in page
    assert "jquery" not in page.lower()
    assert "font-awesome" not in page.lower() and "fontawesome" not in page.lower()


def test_tiles_are_off_by_default_and_added_by_name():
    assert control_specs(render())["layerControl"]["tiles"] == []
    spec = control_specs(render(tiles=("OpenStreetMap",)))["layerControl"]
    assert spec["tiles"] == [{
        "name": "OpenStreetMap.Mapnik", "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "(C) OpenStreetMap contributors", "maxZoom": 19, "subdomains": "abc"}]


@pytest.mark.parametrize("name", ["No such tiles", "MapBox"])
def test_unknown_or_keyed_tiles_are_usage_errors(name):
    with pytest.raises(UsageError, match="tile provider"):
        render(tiles=(name,))


# ---------------------------------------------------------------------------- content


def test_legend_and_panel_text():
    specs = control_specs(render())
    legend = specs["legend"]
    assert legend["title"] == "Risk density"
    # load_model() alone: the evidence scheme's fallback thresholds (a build replaces them)
    assert legend["unit"] == ("weighted incidents per 100 km of corridor; band thresholds "
                              "0.1, 0.5, 1.5, 4 (band scheme: evidence)")
    assert [(b["label"], b["range"], b["colour"]) for b in legend["bands"]] == [
        ("1 low", "< 0.1", "#ffffb2"), ("2 guarded", "0.1 – 0.5", "#fecc5c"),
        ("3 elevated", "0.5 – 1.5", "#fd8d3c"), ("4 high", "1.5 – 4", "#f03b20"),
        ("5 severe", "≥ 4", "#bd0026")]
    assert [t["label"] for t in legend["types"]][:2] == ["Arrest", "Broker detention"]
    assert len({t["symbol"] for t in legend["types"]}) == len(legend["types"])
    assert len({t["colour"] for t in legend["types"]}) == len(legend["types"])
    assert legend["outside"] is None  # no coverage column: no "no boundary data" row
    panel = specs["panel"]
    assert panel["title"] == "Tiny test map"
    assert panel["asOf"] == "2020-06-30"
    assert panel["mark"] == "RESTRICTED — not for publication"
    assert panel["method"].startswith("Each corridor segment is coloured by its risk density")
    assert panel["sources"] == D.SOURCES
    assert "<title>Tiny test map</title>" in render()


def test_public_mark_and_generalised_incidents():
    page = render(public=True)
    assert control_specs(page)["panel"]["mark"] == (
        "Public version: locations generalised to province, dates to month")
    data = payload(page)
    inc = data["incidents"]
    assert "a2" not in inc["id"]  # restricted row
    assert all(v is None for v in inc["lat"] + inc["lon"])  # no point location at all
    assert all(u >= 0 for u in inc["unit"])  # each drawn as its province or country
    assert all(len(d) <= 7 for d in inc["date"])  # months at most
    assert set(inc["notes"]) == {""}
    assert set(inc["url"]) == {-1} and set(inc["place"]) == {-1}
    assert "Westtown" not in page and "example.org/a1" not in page


def test_payload_holds_only_what_the_views_need():
    data = payload(render())
    assert set(data["segments"]) == {"id", "corridor", "route", "admin1", "country", "length",
                                     "density", "exposure", "border", "outside", "band",
                                     "steps", "top", "coords"}
    assert set(data["incidents"]) == {"id", "date", "type", "lat", "lon", "unit", "first", "gp",
                                      "count", "place", "admin1", "country", "source", "url",
                                      "notes"}
    page = render()
    for absent in (C.SOURCE_QUALITY, C.VISIBILITY, C.SOURCE_DATE, "restricted"):
        assert absent not in page.replace(inline_js(), "").replace(inline_css(), ""), absent


def decode(part: list[int]) -> list[tuple[float, float]]:
    """A delta-encoded line or ring back to (lat, lon) pairs, as routerisk.js does."""
    lat = lon = 0
    out = []
    for k in range(0, len(part), 2):
        lat, lon = lat + part[k], lon + part[k + 1]
        out.append((lat / 1e4, lon / 1e4))
    return out


def test_coordinates_are_rounded_to_four_decimals():
    seg = D.SEGMENTS.copy()
    seg["geometry"] = seg.geometry.translate(xoff=0.123456789, yoff=0.000049)
    data = payload(render(segments=seg))
    coords = data["segments"]["coords"]
    assert all(isinstance(v, int) for part in coords for v in part)
    # eq-001 shifted by (0.123456789, 0.000049): ends at lat 0.000049 → 0.0, the middle vertex
    # at lat 0.000059 → 0.0001; lon 0.123456789 → 0.1235, 0.873456789 → 0.8735
    assert decode(coords[0]) == [(0.0, 0.1235), (0.0001, 0.4985), (0.0, 0.8735)]
    flat = json.dumps([data["incidents"]["lat"], data["incidents"]["lon"]])
    assert max(len(n.split(".")[1]) for n in re.findall(r"-?\d+\.\d+", flat)) <= 4
    west = data["provinces"]["coords"][data["provinces"]["name"].index(
        data["strings"].index("West"))]
    assert decode(west[0]) == [(-1.0, 0.5), (1.0, 0.5), (1.0, -1.0), (-1.0, -1.0), (-1.0, 0.5)]


def test_time_steps_bands_and_first_visible_step():
    data = payload(render())
    assert data["steps"] == D.MONTH_ENDS
    seg = data["segments"]
    assert seg["steps"][seg["id"].index("eq-003")] == "111555"
    inc = data["incidents"]
    first = dict(zip(inc["id"], inc["first"], strict=True))
    # a1 (Jan 5) from the first step; a3 (Feb) from Feb 29; a6 (Sep, after as-of) never
    assert first == {"a1": 0, "a2": 2, "a3": 1, "a4": 0, "a5": 4, "a6": 6, "a7": 3, "a8": 5}


def test_segment_explanations_refer_to_incidents():
    data = payload(render())
    seg, inc = data["segments"], data["incidents"]
    top = seg["top"][seg["id"].index("eq-003")]
    assert top == [[inc["id"].index("a7"), 0.9], [-1, 0.1]]  # -1: border-crossing baseline


def test_coarse_incidents_are_areas_not_points():
    data = payload(render())
    inc, units, strings = data["incidents"], data["units"], data["strings"]
    a3, a4 = inc["id"].index("a3"), inc["id"].index("a4")
    assert inc["lat"][a3] is None and inc["lat"][a4] is None
    east = units[inc["unit"][a3]]
    assert east["kind"] == "admin1"
    assert strings[data["provinces"]["name"][east["ref"]]] == "East"
    assert units[inc["unit"][a4]] == {"kind": "country",
                                      "ref": data["countries"]["code"].index(
                                          strings.index("BB"))}


def test_paths_layer_data():
    data = payload(render())
    assert data["paths"]["kind"] == ["least-risk", "shortest"]
    assert data["paths"]["length"] == [460, 334]
    assert payload(render(paths=None))["paths"] is None


def test_http_url():
    assert http_url("https://example.org/x?a=1") == "https://example.org/x?a=1"
    assert http_url("HTTP://EXAMPLE.ORG") == "HTTP://EXAMPLE.ORG"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "//x.org",
                "ftp://x.org", "vbscript:x", "example.org", "", None, float("nan")):
        assert http_url(bad) == "", bad


# ---------------------------------------------------------------------------- safety


def _outside_assets(page: str) -> str:
    return page.replace(inline_js(), "").replace(inline_css(), "")


def test_hostile_text_reaches_the_page_only_as_json_strings():
    page = build_map(**D.hostile()).get_root().render()
    rest = _outside_assets(page)
    low = rest.lower()
    # no payload survives as markup anywhere in the page
    assert "<img" not in low
    assert low.count("<script") == low.count("</script>")
    assert "<b>" not in low
    tags = parse(page)
    assert {t for t, _ in tags.tags} <= {"html", "head", "meta", "title", "style", "script",
                                         "body", "div", "svg", "defs", "pattern", "rect", "line"}
    assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")]
    # folium's switches, the inlined assets, the data block, the component calls
    assert [t for t, _ in tags.tags].count("script") == 4
    # the data block and every control spec are JSON and hold the payloads verbatim
    data = payload(page)
    texts = json.dumps(data, ensure_ascii=False)
    for p in D.PAYLOADS:
        assert json.dumps(p, ensure_ascii=False)[1:-1] in texts, p
    specs = control_specs(page)
    hostile = D.hostile()
    assert specs["panel"]["title"] == hostile["title"]
    assert [b["label"] for b in specs["legend"]["bands"]] == list(hostile["model"].band_labels)
    # the only script code outside the data is the component calls; no backtick anywhere in it
    code = [text for attrs, text in tags.scripts if "RouteRisk.layers(" in text]
    assert len(code) == 1
    assert "`" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', code[0])
    # the title is HTML-escaped text
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert html.unescape(title.group(1)) == hostile["title"]


def test_only_http_urls_become_links():
    page = build_map(**D.hostile()).get_root().render()
    data = payload(page)
    urls = [data["strings"][i] for i in data["incidents"]["url"] if i >= 0]
    assert urls == ["https://ok.example/", "https://ok.example/" + D.IMG]
    assert all(not u.lower().lstrip().startswith(("javascript", "data", "vbscript", "//"))
               for u in data["strings"] if ":" in u or u.startswith("//"))
    sources = control_specs(page)["panel"]["sources"]
    assert sources == [{"name": D.IMG, "url": ""}, {"name": D.TICK, "url": "https://ok.example/"},
                       {"name": D.QUOTES, "url": ""}]


# ---------------------------------------------------------------------------- bytes and size


def test_same_inputs_same_bytes(tmp_path: Path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    m = build_map(**D.map_inputs())
    assert m.get_root().render() == m.get_root().render()  # rendering changes nothing
    save_map(m, a)
    shuffled = D.map_inputs()
    for key in ("segments", "incidents", "boundaries"):
        shuffled[key] = shuffled[key].iloc[::-1]
    shuffled["timeline"] = shuffled["timeline"].iloc[::-1, ::-1]
    save_map(build_map(**shuffled), b)
    assert a.read_bytes() == b.read_bytes()
    assert re.search(r"[0-9a-f]{32}", a.read_text("utf-8").replace(inline_js(), "")) is None


def test_inputs_are_not_mutated():
    kwargs = D.map_inputs()
    before = {k: v.copy() for k, v in kwargs.items()
              if hasattr(v, "copy") and k not in ("sources", "context")}
    context = {k: v.copy() for k, v in kwargs["context"].items()}
    build_map(**kwargs)
    for key, frame in before.items():
        assert frame.equals(kwargs[key]), key
    for key, frame in context.items():
        assert frame.equals(kwargs["context"][key]), key


def test_hundred_segments_stay_small(tmp_path: Path):
    big = D.synthetic(100, 300, months=48)
    out = tmp_path / "m.html"
    save_map(build_map(**big, basemap=False), out)
    size = out.stat().st_size
    assert size < 600_000, size  # ~230 kB of Leaflet, markercluster and our own code
    assert payload(out.read_text("utf-8"))["segments"]["id"][:2] == ["C0000-000", "C0000-001"]


def test_without_timeline_incidents_or_paths():
    page = render(timeline=None, paths=None, incidents=D.INCIDENTS.iloc[:0])
    data = payload(page)
    assert data["steps"] == ["2020-06-30"]
    assert data["segments"]["steps"] == []
    assert data["incidents"]["id"] == [] and data["units"] == []
    # explanations that name incidents the map does not hold still show their ids
    assert data["segments"]["top"][0] == [["a1", 0.8], ["a3", 0.2]]
    assert data["paths"] is None


def test_timeline_dates_after_as_of_are_dropped_and_as_of_added():
    timeline = D.TIMELINE.rename(columns={"2020-06-30": "2020-07-31"})
    data = payload(render(timeline=timeline))
    assert data["steps"] == [*D.MONTH_ENDS[:-1], "2020-06-30"]
    # the as-of step takes the scored band
    seg = data["segments"]
    assert [s[-1] for s in seg["steps"]] == [str(b) for b in seg["band"]]


def test_segment_missing_from_timeline_is_unknown_not_guessed(caplog):
    with caplog.at_level("WARNING"):
        data = payload(render(timeline=D.TIMELINE.drop(index="eq-002")))
    seg = data["segments"]
    assert seg["steps"][seg["id"].index("eq-002")] == "000003"
    assert "timeline lacks 1 segment" in caplog.text


def test_legend_lists_only_the_types_in_the_data():
    only_arrests = D.INCIDENTS[D.INCIDENTS[C.TYPE] == "arrest"]
    legend = control_specs(render(incidents=only_arrests))["legend"]
    assert [(t["label"], t["symbol"], t["colour"]) for t in legend["types"]] == [
        ("Arrest", "circle", "#1f4e9c")]


def test_outside_segments_have_their_own_style_and_legend_row():
    seg = D.SEGMENTS.copy()
    seg[C.COVERAGE] = [C.COVERAGE_OUTSIDE if s.startswith("north") else C.COVERAGE_INSIDE
                       for s in seg[C.SEGMENT_ID]]
    page = render(segments=seg)
    legend = control_specs(page)["legend"]
    assert legend["outside"]["label"].startswith("Outside the boundary data (band colour, "
                                                 "purple outline)")
    assert legend["outside"]["colour"] == _style.OUTSIDE_OUTLINE
    data = payload(page)
    flags = dict(zip(data["segments"]["id"], data["segments"]["outside"], strict=True))
    assert flags == {s: int(s.startswith("north")) for s in seg[C.SEGMENT_ID]}


def test_band_scheme_name_on_the_legend():
    model = dataclasses.replace(D.MODEL)
    object.__setattr__(model, "band_scheme", "sparse")
    legend = control_specs(render(model=model))["legend"]
    assert legend["unit"].endswith("(band scheme: sparse)")
