"""No injection: text from data (notes, names, sources, routes, unit names, config labels) reaches
every output as text, never as markup, script or formula.

The layers are the hostile base set with a payload in every free-text field and in the model's
labels; a twin set holds plain words in the same places. Both go through the real pipeline
(``prepare`` + ``write_outputs``). The rendered pages must have exactly the twin's element
structure, links and script code (data may only live inside JSON/JS string literals), no
``javascript:`` link, and the payloads must be present as literal text in the data. The browser
test opens the page in headless Chromium with every request blocked, clicks and hovers every
marker and path, and records dialogs, injected elements and requests.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geo import columns as C
from geo import pipeline
from geo.maps._assets import routerisk_js
from tests._browser import offline_page

BASE = Path(__file__).parent / "data" / "hostile" / "base"
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"
TEMPLATE = "${alert(3)}"
TICK = "`${alert(4)}`"
SLASH = "back\\slash \\u003c \\\\ \\x3c"
QUOTES = "\"'><svg onload=alert(5)>"
COMMENT = "<!-- --><style>*{display:none}</style>"
PAYLOADS = (IMG, CLOSE, TEMPLATE, TICK, SLASH, QUOTES, COMMENT)
JS_URLS = ("javascript:alert(6)", " JaVaScRiPt:alert(7)", "data:text/html,<b>x</b>",
           "vbscript:msgbox(1)", "//evil.example/x")
FORMULAS = ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
            "-2+3")


def _fields(hostile: bool) -> dict[str, str]:
    """The text for each place in the layers: a payload, or a plain word for the twin."""
    names = ["route_gx", "route_yn", "route_mn", "name_gx", "name_yn", "name_mn", "source",
             "id_gx", "guangxi", "notes1", "notes2", "notes3", "notes4", "notes5", "src1",
             "src2", "src3", "place1", "place5", "id1", "label_arrest", "label_crackdown",
             "band1", "band5"]
    if not hostile:
        return {n: f"Plain{i:02d}" for i, n in enumerate(names)}
    values = [TICK, TEMPLATE, FORMULAS[0], IMG + QUOTES, CLOSE, FORMULAS[1], COMMENT,
              "GX-01" + IMG, "Guangxi" + CLOSE, IMG, CLOSE, TEMPLATE + TICK + COMMENT, SLASH,
              QUOTES,
              IMG, TICK, FORMULAS[2], QUOTES + CLOSE, TEMPLATE, "t1" + IMG, "Arrest" + IMG,
              "Crackdown" + TICK, "1 low" + CLOSE, "5 severe" + QUOTES]
    return dict(zip(names, values, strict=True))


def write_layers(d: Path, *, hostile: bool) -> dict[str, Path]:
    """The base layers with ``_fields(hostile)`` put in place; returns the input paths."""
    f = _fields(hostile)
    shutil.copytree(BASE, d)
    bounds = json.loads((d / "boundaries.geojson").read_text(encoding="utf-8"))
    bounds["features"][1]["properties"]["admin1"] = f["guangxi"]
    (d / "boundaries.geojson").write_text(json.dumps(bounds), encoding="utf-8")
    cors = json.loads((d / "corridors.geojson").read_text(encoding="utf-8"))
    for feat, key in zip(cors["features"], ("gx", "yn", "mn"), strict=True):
        feat["properties"].update({"route": f[f"route_{key}"], "name": f[f"name_{key}"],
                                   "source": f["source"]})
    cors["features"][0]["properties"]["corridor_id"] = f["id_gx"]
    (d / "corridors.geojson").write_text(json.dumps(cors), encoding="utf-8")
    with open(d / "incidents.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    urls = list(JS_URLS) if hostile else ["https://example.org/x"] * len(JS_URLS)
    for k, row in enumerate(rows):
        row["visibility"] = "public"
        row["notes"] = f[f"notes{k % 5 + 1}"]
        row["source_name"] = f[f"src{k % 3 + 1}"]
        row["source_url"] = urls[k % len(urls)]
        if row["admin1"] == "Guangxi":
            row["admin1"] = f["guangxi"]
    rows[0]["incident_id"] = f["id1"]
    rows[0]["place"] = f["place1"]
    rows[4]["place"] = f["place5"]
    with open(d / "incidents.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    model = tomllib.loads((Path(pipeline.__file__).parent / "data" / "risk_model.toml")
                          .read_text(encoding="utf-8"))
    model["types"]["arrest"]["label"] = f["label_arrest"]
    model["types"]["crackdown"]["label"] = f["label_crackdown"]
    model["bands"]["labels"][0] = f["band1"]
    model["bands"]["labels"][4] = f["band5"]
    (d / "model.toml").write_text(_toml(model), encoding="utf-8")
    return {"layers": d, "config": d / "model.toml"}


def _toml(doc: dict[str, object], prefix: str = "") -> str:
    """A small TOML writer for the model file (tables of scalars and lists)."""
    lines, tables = [], []
    for key, value in doc.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            # TOML writes infinity as inf (JSON has no word for it)
            text_value = json.dumps(value, ensure_ascii=False).replace("Infinity", "inf")
            lines.append(f"{key} = {text_value}")
    text = "\n".join(lines) + ("\n" if lines else "")
    for key, value in tables:
        name = f"{prefix}{key}"
        if any(not isinstance(v, dict) for v in value.values()):
            text += f"\n[{name}]\n"
        text += _toml(value, prefix=f"{name}.")
    return text


def build(tmp: Path, *, hostile: bool) -> Path:
    paths = write_layers(tmp / "layers", hostile=hostile)
    prepared = pipeline.prepare(layers=paths["layers"], config=paths["config"])
    # non-http source URLs are reported (and later shown as text, never as links)
    assert all("is not an http(s) link" in str(w) for w in prepared.warnings)
    assert len(prepared.warnings) == (8 if hostile else 0)  # one per incident
    pipeline.write_outputs(prepared, tmp / "out", formats=("svg",))
    return tmp / "out"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    hostile = build(tmp_path_factory.mktemp("hostile"), hostile=True)
    twin = build(tmp_path_factory.mktemp("twin"), hostile=False)
    return hostile, twin


# --------------------------------------------------------------------------- HTML


class Page(HTMLParser):
    """Element structure, link targets, event-handler attributes and script texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.links: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[tuple[str, str]] = []
        self._script: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(k for k, _ in attrs))))
        self.links += [v or "" for k, v in attrs if k in {"href", "src", "action", "formaction"}]
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on")]
        if tag == "script":
            self._script = dict(attrs).get("type") or "text/javascript"
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)


_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def skeleton(script: str) -> str:
    return _JS_STRING.sub('""', script)


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


@pytest.mark.parametrize("name", ["route_risk_map.html", "route_risk_map.embed.html"])
def test_pages_have_no_markup_from_data(outputs: tuple[Path, Path], name: str) -> None:
    twin_dir = outputs[1]
    if not (twin_dir / name).exists():
        assert name != "route_risk_map.html"
        return
    page, twin = (Page((d / name).read_text(encoding="utf-8")) for d in outputs)
    assert page.tags == twin.tags, "data added or removed elements"
    assert page.handlers == twin.handlers == []
    assert page.links == twin.links
    assert not any(link.strip().lower().startswith(("javascript:", "vbscript:", "data:"))
                   for link in page.links)
    assert [k for k, _ in page.scripts] == [k for k, _ in twin.scripts]
    for (kind, script), (_, clean) in zip(page.scripts, twin.scripts, strict=True):
        if kind == "application/json":
            json.loads(script)  # data blocks stay one well-formed JSON document
        else:
            assert skeleton(script) == skeleton(clean), (
                "data reached a script outside a string literal")


def test_payloads_are_in_the_page_as_literal_text(outputs: tuple[Path, Path]) -> None:
    page = Page((outputs[0] / "route_risk_map.html").read_text(encoding="utf-8"))
    texts: list[str] = []
    for kind, script in page.scripts:
        if kind == "application/json":
            texts += strings_in(json.loads(script))
        else:  # control specs are JSON objects inside the script; code strings are skipped
            for literal in re.findall(r'"(?:[^"\\\n]|\\.)*"', script):
                try:
                    texts.append(json.loads(literal))
                except json.JSONDecodeError:
                    continue
    blob = "\n".join(texts)
    for payload in PAYLOADS:
        assert payload in blob, f"payload {payload!r} not shown as text"
    assert "Arrest" + IMG in blob and "5 severe" + QUOTES in blob  # config labels


def test_non_http_urls_never_become_links(outputs: tuple[Path, Path]) -> None:
    html_text = (outputs[0] / "route_risk_map.html").read_text(encoding="utf-8")
    for url in JS_URLS:
        assert url.strip() not in Page(html_text).links
    # the data may carry the URL only as text; the page's link builder must refuse it
    js = routerisk_js()
    assert "function safeUrl" in js


def test_jinja_syntax_in_data_is_not_evaluated(tmp_path: Path) -> None:
    """folium/branca render a macro's output through Jinja a second time: ``{{ … }}`` in data
    must come out literally, not be evaluated (that would run code during the build)."""
    d = tmp_path / "layers"
    shutil.copytree(BASE, d)
    note = "{{ 7*7 }}ZZ {{ cycler.__init__.__globals__.os.getcwd() }}QQ {% raw %}{#"
    text = (d / "incidents.csv").read_text(encoding="utf-8").replace("point in Kunming", note)
    (d / "incidents.csv").write_text(text.replace(",restricted\n", ",public\n"),
                                     encoding="utf-8")
    prepared = pipeline.prepare(layers=d)
    pipeline.write_outputs(prepared, tmp_path / "out", formats=())
    page = (tmp_path / "out" / "route_risk_map.html").read_text(encoding="utf-8")
    assert "49ZZ" not in page
    assert f"{Path.cwd()}QQ" not in page
    data = [v for kind, script in Page(page).scripts if kind == "application/json"
            for v in strings_in(json.loads(script))]
    assert note in data  # shown exactly as written


# --------------------------------------------------------------------------- CSV and SVG


def test_csv_cells_never_start_a_formula(outputs: tuple[Path, Path]) -> None:
    hostile_dir, _ = outputs
    seen = 0
    for path in sorted(hostile_dir.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        float(cell)  # only numbers may start like a formula
                    if cell.startswith("'") and cell[1:2] in ("=", "+", "@"):
                        seen += 1
    assert seen >= 2, "the formula-like route name should be in the CSVs, neutralised"
    with open(hostile_dir / "routes.csv", encoding="utf-8", newline="") as fh:
        routes = list(csv.DictReader(fh))
    assert {r[C.ROUTE] for r in routes} >= {"'" + FORMULAS[0]}


def test_static_svg_has_no_markup_from_data(outputs: tuple[Path, Path]) -> None:
    svg = outputs[0] / "route_risk_map.svg"
    root = ET.parse(svg).getroot()
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        assert tag not in {"script", "foreignObject", "img", "iframe", "a"}, tag
        assert not [k for k in element.attrib if k.rpartition("}")[2].startswith("on")]


# --------------------------------------------------------------------------- browser


OPEN_EVERYTHING = """
async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const targets = [...document.querySelectorAll('.leaflet-marker-icon, ' +
      'path.leaflet-interactive, .leaflet-control input')];
  let opened = 0;
  const seen = new Set();
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    const at = {bubbles: true, cancelable: true, view: window,
                clientX: box.x + box.width / 2, clientY: box.y + box.height / 2};
    for (const kind of ['mouseover', 'mousemove', 'mousedown', 'mouseup', 'click']) {
      el.dispatchEvent(new MouseEvent(kind, at));
    }
    await sleep(5);
    const shown = [...document.querySelectorAll('.leaflet-popup-content, .leaflet-tooltip')];
    opened += shown.length > 0;
    shown.forEach((e) => seen.add(e.textContent));
    el.dispatchEvent(new MouseEvent('mouseout', at));
  }
  const slider = document.querySelector('input[type=range]');
  if (slider) {
    for (let v = Number(slider.min); v <= Number(slider.max); v++) {
      slider.value = String(v);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
    }
  }
  return {targets: targets.length, opened: opened, texts: [...seen].join('\\n')};
}
"""

INJECTED = """
() => ({
  img: document.querySelectorAll('img[src="x"], img[onerror]').length,
  svg: document.querySelectorAll('svg[onload]').length,
  handlers: [...document.querySelectorAll('*')].filter(
      (e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
  badLinks: [...document.querySelectorAll('a[href]')].filter(
      (a) => !/^https?:$/.test(new URL(a.href, location.href).protocol)
             && !a.getAttribute('href').startsWith('#')).length,
  scripts: document.querySelectorAll('script').length,
  styles: [...document.querySelectorAll('style')].filter(
      (s) => s.textContent.includes('display:none')).length,
  popupText: [...document.querySelectorAll('.leaflet-popup-content, .leaflet-tooltip')]
      .map((e) => e.textContent).join('\\n'),
  bodyText: document.body.innerText,
})
"""


@pytest.mark.browser
def test_payload_map_in_chromium(outputs: tuple[Path, Path]) -> None:
    with offline_page(outputs[0] / "route_risk_map.html", viewport=(1200, 800)) as s:
        page = s.page
        page.wait_for_selector(".leaflet-interactive")
        scripts_before = page.evaluate("document.querySelectorAll('script').length")
        clicked = page.evaluate(OPEN_EVERYTHING)
        # open one incident popup by a real mouse click too
        marker = page.locator(".leaflet-marker-icon").first
        if marker.count():
            marker.click(force=True)
        page.wait_for_timeout(200)
        found = page.evaluate(INJECTED)
    dialogs, requests, errors = s.dialogs, s.requests, s.errors
    assert clicked["targets"] >= 10 and clicked["opened"] >= 5, clicked
    assert dialogs == []
    assert requests == [], "the map made requests (injected or not self-contained)"
    assert errors == []
    assert found["img"] == found["svg"] == found["handlers"] == found["badLinks"] == 0, found
    assert found["styles"] == 0
    assert found["scripts"] == scripts_before
    shown = clicked["texts"] + found["popupText"] + found["bodyText"]
    for payload in (IMG, CLOSE, TEMPLATE, QUOTES, "Arrest" + IMG, "Guangxi" + CLOSE):
        assert payload in shown, f"{payload!r} not shown as text in a popup, tooltip or panel"
