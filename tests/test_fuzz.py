"""Fuzzing with hypothesis: loaders either accept or raise the project's own error; the map
renderer never turns a random string into live markup.

Settings: ``max_examples`` 200 for each loader property, 60 for the renderer (a map render takes
about 70 ms), ``deadline=None``, derandomised so the suite is reproducible (hypothesis' database
still replays any failure found locally). Input warnings are silenced inside the properties;
every other warning stays an error, as in the rest of the suite.

Each loader target mixes valid files with a few values changed (so the checks on an accepted
frame really run) and random documents (so refusals are exercised), and asserts a floor: at
least :data:`ACCEPTED_FLOOR` of its examples must be accepted, else the strategy has drifted into
testing only the error path.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo._errors import InputWarning, RouteriskError
from geo.io import read_boundaries, read_corridors, read_incidents

BASE = Path(__file__).parent / "data" / "hostile" / "base"
TODAY = date(2024, 1, 1)
LOADER = settings(max_examples=200, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])
RENDER = settings(max_examples=60, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])
#: Share of a loader target's examples that must be accepted.
ACCEPTED_FLOOR = 0.2
TALLY: Counter[str] = Counter()

with warnings.catch_warnings():
    warnings.simplefilter("ignore", InputWarning)
    UNITS = read_boundaries(BASE / "boundaries.geojson")

# --------------------------------------------------------------------------- strategies

TRICKY = ["", " ", "2020-01-05", "2020-02-30", "2020-13", "2020", "03/04/2020", "September 3",
          "2999-01-01", "nan", "NaN", "inf", "-inf", "1e400", "-1", "0", "3", "7", "25.05",
          "102.7", "-95", "200", "Jining", "Kunming", "Dongxing", "Atlantis", "CN", "VN", "ZZ",
          "China", "Yunnan", "Nei Mongol", "Narnia", "arrest", "transit", "murder", "public",
          "restricted", "day", "week", "month", "year", "1", "2", "3", "4", "5", "=1+1", "@x",
          '"', '""', ",", "\n", "\r\n", "\x00", "\ufeff", "٣", "９", "1_000", "true", "9" * 400,
          "<img src=x onerror=alert(1)>", "javascript:alert(1)"]
with open(BASE / "incidents.csv", encoding="utf-8", newline="") as _fh:
    BASE_ROWS = tuple(tuple(r) for r in csv.reader(_fh))
CELL = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))
DAY = st.dates(min_value=date(1890, 1, 1), max_value=date(2025, 12, 31))
PLAUSIBLE = {
    C.DATE: st.one_of(DAY.map(str), DAY.map(lambda d: str(d)[:7]), DAY.map(lambda d: str(d.year))),
    C.END_DATE: st.one_of(st.just(""), DAY.map(str)),
    C.DATE_PRECISION: st.sampled_from(["", "day", "week", "month", "year"]),
    C.TYPE: st.sampled_from(["arrest", "broker_detention", "repatriation", "crackdown",
                             "checkpoint", "border_closure", "transit"]),
    C.LAT: st.floats(-90, 90).map(lambda v: f"{v:.4f}"),
    C.LON: st.floats(-180, 180).map(lambda v: f"{v:.4f}"),
    C.PLACE: st.sampled_from(["", "Kunming", "Nanning", "Jining", "Dongxing", "Hanoi"]),
    C.ADMIN1: st.sampled_from(["", "Yunnan", "Guangxi", "Shandong", "Nei Mongol"]),
    C.COUNTRY: st.sampled_from(["", "CN", "VN", "LA"]),
    C.GEO_PRECISION: st.sampled_from(["", "1", "2", "3", "4"]),
    C.COUNT: st.one_of(st.just(""), st.integers(0, 1000).map(str)),
    C.SOURCE_QUALITY: st.one_of(st.just(""), st.integers(1, 5).map(str)),
    C.VISIBILITY: st.sampled_from(["", "public", "restricted", "PUBLIC"]),
    C.INCIDENT_ID: st.text(min_size=1, max_size=6),
}
COLUMN = st.one_of(st.sampled_from([*C.INCIDENT_COLUMNS, "geometry", "row", "Type", "latitude"]),
                   st.text(max_size=12))


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    """Incident CSVs: usually a plausible header, rows of tricky cells, sometimes ragged,
    sometimes hand-joined (broken quoting), sometimes not UTF-8 at all."""
    kind = draw(st.sampled_from(["mutated"] * 5 + ["valid-header", "random-header", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "mutated":  # the valid base file with a few cells replaced: deep validation
        rows = [list(r) for r in BASE_ROWS]
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
            r = draw(st.integers(1, len(rows) - 1))
            c = draw(st.integers(0, len(rows[0]) - 1))
            plausible = PLAUSIBLE.get(rows[0][c], CELL)
            rows[r][c] = draw(st.one_of(plausible, plausible, CELL))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("utf-8")
    if kind == "valid-header":
        header = [C.INCIDENT_ID, C.DATE, C.TYPE, *draw(st.lists(COLUMN, max_size=8))]
    else:
        header = draw(st.lists(COLUMN, min_size=1, max_size=10))
    width = len(header)
    rows = draw(st.lists(
        st.one_of(st.lists(CELL, min_size=width, max_size=width),
                  st.lists(CELL, max_size=width + 3)),
        max_size=6))
    if draw(st.booleans()):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *rows])
        text = buf.getvalue()
    else:
        text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                        st.floats(allow_nan=True, allow_infinity=True),
                        st.sampled_from(TRICKY))
JSON_VALUE = st.recursive(JSON_SCALAR, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)),
    max_leaves=12)
NUMBER = st.one_of(st.floats(min_value=-200, max_value=200), st.integers(-200, 200),
                   st.sampled_from([float("nan"), float("inf"), 1e308, -0.0]), JSON_SCALAR)
COORDS = st.recursive(st.lists(NUMBER, min_size=0, max_size=3),
                      lambda kids: st.lists(kids, max_size=5), max_leaves=24)
GEOMETRY = st.one_of(
    st.none(),
    st.fixed_dictionaries({
        "type": st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString",
                                 "Polygon", "MultiPolygon", "GeometryCollection", "Curve"]),
        "coordinates": COORDS}),
    JSON_VALUE,
)
PROPERTIES = st.dictionaries(
    st.one_of(st.sampled_from([*C.INCIDENT_COLUMNS, C.COUNTRY, C.ADMIN1, C.CORRIDOR_ID,
                               C.ROUTE, C.MODE, "geometry", "row"]), st.text(max_size=8)),
    st.one_of(st.sampled_from(TRICKY), JSON_SCALAR), max_size=8)
FEATURE = st.one_of(
    st.fixed_dictionaries({"type": st.just("Feature"), "properties": PROPERTIES,
                           "geometry": GEOMETRY}),
    JSON_VALUE,
)


@st.composite
def geojson_documents(draw: st.DrawFn) -> bytes:
    doc: Any
    if draw(st.integers(0, 9)) == 0:
        doc = draw(JSON_VALUE)
    else:
        doc = {"type": draw(st.sampled_from(["FeatureCollection"] * 4 + ["Feature", "Nope"])),
               "features": draw(st.lists(FEATURE, max_size=5))}
        if draw(st.booleans()):
            doc["crs"] = draw(st.one_of(
                st.just({"type": "name", "properties": {"name": "EPSG:3857"}}), JSON_VALUE))
    text = json.dumps(doc, allow_nan=True)
    if draw(st.integers(0, 5)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    return text.encode("utf-8")


def _base_json(name: str) -> dict[str, Any]:
    return json.loads((BASE / name).read_text(encoding="utf-8"))


def _incident_features() -> dict[str, Any]:
    """The base incidents CSV as point GeoJSON (EPSG:4326), same properties."""
    header, *rows = BASE_ROWS
    features = []
    for row in rows:
        rec = dict(zip(header, row, strict=True))
        lat, lon = rec.pop(C.LAT), rec.pop(C.LON)
        geometry = ({"type": "Point", "coordinates": [float(lon), float(lat)]}
                    if lat and lon else None)
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {k: v for k, v in rec.items() if v != ""}})
    return {"type": "FeatureCollection", "features": features}


PLAUSIBLE_CORRIDOR = {
    C.CORRIDOR_ID: st.text(min_size=1, max_size=8),
    C.ROUTE: st.sampled_from(["Mongolia", "Yunnan–Laos", "R", ""]),
    C.MODE: st.sampled_from(["", "rail", "road", "river", "foot", "boat"]),
    C.NAME: st.text(max_size=20),
}
PLAUSIBLE_UNIT = {
    C.COUNTRY: st.sampled_from(["CN", "VN", "LA", "MN", "cn", "ZZ", "", "CHN"]),
    C.ADMIN1: st.sampled_from(["", "Yunnan", "Guangxi", "Nei Mongol", "Somewhere"]),
    C.ADMIN1_CODE: st.sampled_from(["", "CNYN", "X"]),
}


def _first_position(coords: Any) -> list[Any] | None:
    """The innermost list of numbers (a position) of a GeoJSON coordinates array."""
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    return coords if isinstance(coords, list) and coords else None


@st.composite
def mutated_geojson(draw: st.DrawFn, base: dict[str, Any],
                    plausible: dict[str, st.SearchStrategy[Any]]) -> bytes:
    """A valid document with 0–3 changes: a value (usually plausible), a dropped key, a moved
    coordinate, a dropped or duplicated feature."""
    doc = copy.deepcopy(base)
    feats = doc["features"]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        if not feats:
            break
        f = feats[draw(st.integers(0, len(feats) - 1))]
        kind = draw(st.sampled_from(["value", "value", "value", "drop-key", "coordinate",
                                     "drop-feature", "duplicate"]))
        props = f["properties"]
        if kind == "value" and props:
            key = draw(st.sampled_from(sorted(props)))
            strategy = plausible.get(key, CELL)
            props[key] = draw(st.one_of(strategy, strategy, strategy, CELL, JSON_SCALAR))
        elif kind == "drop-key" and props:
            del props[draw(st.sampled_from(sorted(props)))]
        elif kind == "coordinate" and f.get("geometry"):
            position = _first_position(f["geometry"].get("coordinates"))
            if position is not None:
                position[draw(st.integers(0, len(position) - 1))] = draw(NUMBER)
        elif kind == "drop-feature":
            feats.remove(f)
        elif kind == "duplicate":
            feats.append(copy.deepcopy(f))
    return json.dumps(doc, allow_nan=True).encode("utf-8")


@st.composite
def loader_documents(draw: st.DrawFn, base: dict[str, Any],
                     plausible: dict[str, st.SearchStrategy[Any]]) -> bytes:
    """Two in three valid documents with a few changes, the rest random."""
    if draw(st.integers(0, 2)) == 0:
        return draw(geojson_documents())
    return draw(mutated_geojson(base, plausible))


@functools.cache
def _valid_vector(suffix: str) -> bytes:
    """A valid corridors file in a binary format, written by pyogrio."""
    from tests._factories import BENT

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"corridors.{suffix}"
        BENT.to_file(path, engine="pyogrio")
        return path.read_bytes()


@st.composite
def vector_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A valid GeoPackage or FlatGeobuf with 0–3 bytes changed or cut short, or random bytes
    (also as a lone ``.shp``)."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=300)), draw(st.sampled_from(["gpkg", "shp", "fgb"]))
    suffix = draw(st.sampled_from(["gpkg", "fgb"]))
    data = bytearray(_valid_vector(suffix))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.integers(0, 5)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data), suffix


# --------------------------------------------------------------------------- properties


def accepts_or_refuses(load: Callable[[Path], gpd.GeoDataFrame], data: bytes, name: str
                       ) -> gpd.GeoDataFrame | None:
    """Run a loader on ``data``: its result, or None when it refused with RouteriskError."""
    problems: tuple[Any, ...] = ()
    result = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            try:
                result = load(path)
            except RouteriskError as exc:
                problems = exc.problems
        assert data == path.read_bytes()  # input untouched
    outcome = "accepted" if result is not None else "refused"
    event(outcome)
    TALLY[outcome] += 1
    if result is None:
        assert problems
        for problem in problems:
            assert str(problem).startswith(f"{path}:")
            assert "\n" not in problem.field
    return result


def check_incidents(got: gpd.GeoDataFrame) -> None:
    """What an accepted incident frame always satisfies (the data contract)."""
    assert list(got.columns[:3]) == [C.INCIDENT_ID, C.DATE, C.PERIOD_END]
    assert got[C.INCIDENT_ID].is_unique
    assert (got[C.INCIDENT_ID] != "").all()
    assert got[C.GEO_PRECISION].isin([1, 2, 3, 4]).all()
    assert got.geometry.isna().tolist() == (got[C.GEO_PRECISION] >= 3).tolist()
    assert (got[C.DATE] <= got[C.PERIOD_END]).all()
    assert got[C.DATE_PRECISION].isin(["day", "week", "month", "year"]).all()
    assert got[C.VISIBILITY].isin(["public", "restricted"]).all()
    counts = got[C.COUNT].dropna()
    assert ((counts >= 0) & (counts <= 1e9)).all()
    for geom in got.geometry.dropna():
        assert -180 <= geom.x <= 180 and -90 <= geom.y <= 90


def with_floor(prop: Callable[[], None]) -> None:
    """Run a hypothesis property and assert the share of accepted examples."""
    TALLY.clear()
    prop()
    accepted, total = TALLY["accepted"], TALLY["accepted"] + TALLY["refused"]
    assert total >= 20, total
    assert accepted / total >= ACCEPTED_FLOOR, f"only {accepted} of {total} examples accepted"


@LOADER
@given(csv_documents())
def _incident_csv(data: bytes) -> None:
    got = accepts_or_refuses(
        lambda p: read_incidents(p, boundaries=UNITS, today=TODAY), data, "incidents.csv")
    if got is not None:
        check_incidents(got)


def test_incident_csv_is_accepted_or_refused() -> None:
    with_floor(_incident_csv)


@LOADER
@given(loader_documents(_incident_features(), PLAUSIBLE))
def _incident_geojson(data: bytes) -> None:
    got = accepts_or_refuses(
        lambda p: read_incidents(p, boundaries=UNITS, today=TODAY), data, "incidents.geojson")
    if got is not None:
        check_incidents(got)


def test_incident_geojson_is_accepted_or_refused() -> None:
    with_floor(_incident_geojson)


@LOADER
@given(loader_documents(_base_json("corridors.geojson"), PLAUSIBLE_CORRIDOR))
def _corridors(data: bytes) -> None:
    got = accepts_or_refuses(read_corridors, data, "corridors.geojson")
    if got is not None:
        check_corridors(got)


def check_corridors(got: gpd.GeoDataFrame) -> None:
    assert got[C.CORRIDOR_ID].is_unique
    assert (got[C.CORRIDOR_ID] != "").all()
    assert set(got.geom_type) <= {"LineString", "MultiLineString"}
    assert (shapely.length(got.geometry.values) > 0).all()


def test_corridors_are_accepted_or_refused() -> None:
    with_floor(_corridors)


@LOADER
@given(loader_documents(_base_json("boundaries.geojson"), PLAUSIBLE_UNIT), st.booleans())
def _boundaries(data: bytes, repair: bool) -> None:
    got = accepts_or_refuses(lambda p: read_boundaries(p, repair=repair), data,
                             "boundaries.geojson")
    if got is not None:
        assert set(got.geom_type) <= {"Polygon", "MultiPolygon"}
        assert got.geometry.is_valid.all()
        assert got[C.COUNTRY].str.fullmatch(r"[A-Z]{2}").all()


def test_boundaries_are_accepted_or_refused() -> None:
    with_floor(_boundaries)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(vector_files())
def _other_formats(file: tuple[bytes, str]) -> None:
    data, suffix = file
    got = accepts_or_refuses(read_corridors, data, f"corridors.{suffix}")
    if got is not None:
        check_corridors(got)


def test_other_vector_formats_are_accepted_or_refused() -> None:
    with_floor(_other_formats)


# --------------------------------------------------------------------------- renderer


class _Structure(HTMLParser):
    """Tags with their attribute names, and the text of every script, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(k for k, _ in attrs))))
        self.hrefs += [v or "" for k, v in attrs if k in {"href", "src", "action"}]
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _skeleton(script: str) -> str:
    """A script with its string literals blanked: data must only ever live inside those."""
    return _JS_STRING.sub('""', script)


def _render(inputs: dict[str, Any]) -> _Structure:
    from geo.maps.interactive import build_map, save_map

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        save_map(build_map(**inputs), path)
        page = _Structure()
        page.feed(path.read_text(encoding="utf-8"))
        page.close()
    return page


def _with_text(text: str) -> dict[str, Any]:
    """The tiny test map with ``text`` in every free-text field that reaches the page."""
    import dataclasses

    from tests._mapdata import map_inputs

    inputs = map_inputs()
    inc = inputs["incidents"].copy()
    for col in (C.NOTES, C.PLACE, C.SOURCE_NAME):
        inc[col] = [f"x{text}"] * len(inc)
    inputs["incidents"] = inc
    seg = inputs["segments"].copy()
    seg[C.ROUTE] = [f"{r}{text}" for r in seg[C.ROUTE]]
    inputs["segments"] = seg
    model = inputs["model"]
    inputs["model"] = dataclasses.replace(
        model, types={k: dataclasses.replace(t, label=t.label + text)
                      for k, t in model.types.items()})
    # a ';' separates outlets in a source name (geo.maps._payload.outlets): the panel then lists
    # more entries, which is not the text changing the page's structure
    inputs["sources"] = [{"name": f"x{text}".replace(";", ","), "url": "https://example.org/"}]
    inputs["title"] = f"Map {text}"
    return inputs


_CLEAN: list[_Structure] = []

PAYLOAD = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["<", ">", "</script>", "<script>", "<!--", "-->", "${", "}",
                              "`", "\\", "\\u003c", '"', "'", "&", "&lt;", "<img src=x "
                              "onerror=alert(1)>", "</textarea>", "]]>", "\u2028", "\u2029",
                              "\x00", "{{ 7*7 }}", "{% if %}", "javascript:", "%", "\n"]),
             max_size=8).map("".join),
)


@RENDER
@given(PAYLOAD)
def test_random_text_never_becomes_markup(text: str) -> None:
    if not _CLEAN:
        _CLEAN.append(_render(_with_text("plain")))
    clean = _CLEAN[0]
    page = _render(_with_text(text))
    assert page.tags == clean.tags, "the text changed the page's element structure"
    assert page.hrefs == clean.hrefs
    assert not any(h.strip().lower().startswith("javascript:") for h in page.hrefs)
    assert [_skeleton(s) for s in page.scripts] == [_skeleton(s) for s in clean.scripts], (
        "the text reached a script outside a string literal")


def test_clean_render_is_stable() -> None:
    """The structural comparison above is meaningful: two clean renders are identical."""
    a, b = _render(_with_text("plain")), _render(_with_text("other words"))
    assert a.tags == b.tags
    assert [_skeleton(s) for s in a.scripts] == [_skeleton(s) for s in b.scripts]
    assert len(a.scripts) >= 2
