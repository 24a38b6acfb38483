"""Static report maps: files that parse, A4 width at 300 dpi, plain text, stable bytes."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pytest
import shapely

from geo import columns as C
from geo import pipeline
from geo.maps import static
from geo.maps._style import BAND_COLOURS, band_colour, incident_symbol
from geo.risk import load_model
from tests._factories import BENT, UNITS

INCIDENTS_CSV = """\
incident_id,date,type,lat,lon,admin1,country,count,source_name,source_url,notes,visibility
a1,2020-01-05,arrest,0.3,1.0,,,15,Wire $x$ ${y},https://example.org/a1,point,public
d1,2020-02-10,broker_detention,0.2,2.6,,,,Other wire,,point,public
p1,2020-02,crackdown,,,East,AA,,Wire $x$ ${y},,province,public
c1,2020,checkpoint,,,,BB,,Wire $x$ ${y},,country,restricted
t1,2020-03-01,transit,0.1,3.2,,,2,Other wire,,passage,public
"""
SVG_NS = "{http://www.w3.org/2000/svg}"


def _layers(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    UNITS.to_file(folder / "boundaries.geojson", driver="GeoJSON", engine="pyogrio")
    BENT.to_file(folder / "corridors.geojson", driver="GeoJSON", engine="pyogrio")
    (folder / "incidents.csv").write_text(INCIDENTS_CSV, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Prepared:
    return pipeline.prepare(layers=_layers(tmp_path_factory.mktemp("layers")))


@pytest.fixture(scope="module")
def written(prepared: pipeline.Prepared, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("static")
    paths = static.save_static_maps(prepared, out / "route_risk_map")
    return {p.suffix.lstrip("."): p for p in paths}


def _png_header(data: bytes) -> tuple[int, int, float]:
    """Width, height and dpi from a PNG's IHDR and pHYs chunks (no imaging library)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    phys = data.find(b"pHYs")
    ppm_x, _, unit = struct.unpack(">IIB", data[phys + 4:phys + 13])
    assert unit == 1  # metres
    return width, height, ppm_x * 0.0254


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


# ------------------------------------------------------------------------- style constants


def test_band_colours_are_five_sequential_hex_colours():
    assert len(BAND_COLOURS) == 5
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in BAND_COLOURS)

    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lum = [luminance(c) for c in BAND_COLOURS]
    assert lum == sorted(lum, reverse=True)  # darker with every band: readable in greyscale
    assert band_colour(3) == BAND_COLOURS[2]
    with pytest.raises(ValueError, match=r"1\.\.5"):
        band_colour(6)
    assert incident_symbol("an_unknown_type").marker == "*"
    types = load_model().types
    looks = {(incident_symbol(t, types).marker, incident_symbol(t, types).colour) for t in types}
    assert len(looks) == len(types)  # every bundled type its own symbol and colour


# ------------------------------------------------------------------------- files


def test_png_is_a4_wide_at_300_dpi(written):
    width, height, dpi = _png_header(written["png"].read_bytes())
    assert width == round(static.A4_WIDTH_IN * 300)  # 2481 px
    assert dpi == pytest.approx(300, abs=0.1)
    assert 0.5 * width < height <= round(11.69 * 300)  # fits on an A4 page


def test_svg_is_xml_with_title_legend_units_and_mark(written):
    root = ET.parse(written["svg"]).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width") == f"{static.A4_WIDTH_IN * 72:g}pt"
    texts = _svg_texts(written["svg"])
    joined = "\n".join(texts)
    assert "Corridor risk as of 2020-12-31" in texts  # c1 (2020) is known by 31 Dec
    assert "weighted incidents per 100 km" in joined
    # evidence bands: the build's thresholds, each band with what it held historically
    assert any(t.startswith("2 guarded: ") and " – " in t for t in texts)
    assert any(t.startswith("5 severe: ≥ ") for t in texts)
    assert any(t.startswith("RESTRICTED") for t in texts)
    assert "km" in texts  # scale bar unit
    assert "Arrest" in texts and "Broker detention" in texts  # incident types drawn
    assert any("Sources:" in t and "Other wire" in t for t in texts)
    assert any(t.startswith("Method:") for t in texts)
    assert "<dc:date>" not in written["svg"].read_text(encoding="utf-8")


def _map_lines(ax) -> dict[str, list[np.ndarray]]:
    """Line parts drawn on the map axes (not the legends), by their single edge colour: every
    path of every collection, cut where it moves to a new start."""
    from matplotlib.colors import to_hex
    from matplotlib.path import Path as MplPath

    drawn: dict[str, list[np.ndarray]] = {}
    for coll in ax.collections:
        colours = {to_hex(c) for c in coll.get_edgecolor()}
        if len(colours) != 1:
            continue
        parts = drawn.setdefault(colours.pop(), [])
        for path in coll.get_paths():
            codes = path.codes if path.codes is not None else np.full(
                len(path.vertices), MplPath.LINETO)
            starts = np.flatnonzero(codes == MplPath.MOVETO).tolist() or [0]
            parts.extend(np.split(path.vertices, starts[1:]))
    return drawn


def _shape(paths: list[np.ndarray]) -> list[tuple[float, ...]]:
    """Where each line starts and ends (the drawing may drop vertices finer than the pen)."""
    return sorted(tuple(np.round(np.r_[a[0], a[-1]], 1)) for a in paths)


def test_every_segment_is_drawn_on_the_map_in_its_band_colour(prepared):
    """The map axes hold one path per segment, in the colour of its band, at its place
    (read from the axes' collections: the legend, which always shows all five, is no proof)."""
    from geo.io import study_crs
    from geo.maps._payload import outside_mask

    fig = static.plot_risk_map(prepared.scored, prepared.incidents, prepared.boundaries,
                               as_of=prepared.as_of, model=prepared.model)
    drawn = _map_lines(fig.axes[0])
    scored_m = prepared.scored.to_crs(study_crs(prepared.scored))  # the map's projection
    bands = scored_m[C.RISK_BAND].to_numpy()
    inside = ~outside_mask(scored_m)
    assert len(set(bands)) >= 2  # the fixture really has several bands
    for band in range(1, 6):
        expected = [np.asarray(part.coords)
                    for geom in scored_m.geometry[(bands == band) & inside]
                    for part in shapely.get_parts(geom)]
        got = drawn.get(BAND_COLOURS[band - 1], [])
        assert len(got) == len(expected), band
        assert _shape(got) == _shape(expected), band


def test_svg_legend_shows_every_band_colour(written):
    """Only the legend: that segments are drawn is the test above, on the map axes."""
    svg = written["svg"].read_text(encoding="utf-8").lower()
    for band in range(1, 6):
        assert f"stroke: {band_colour(band)}" in svg


def test_pdf_opens_as_one_page_a4_wide(written):
    data = written["pdf"].read_bytes()
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(static.A4_WIDTH_IN * 72, abs=0.01)
    assert b"/CreationDate" not in data
    assert b"/Pages" in data and b"startxref" in data


def test_same_inputs_give_identical_bytes(prepared, written, tmp_path):
    again = static.save_static_maps(prepared, tmp_path / "again")
    for path in again:
        assert path.read_bytes() == written[path.suffix.lstrip(".")].read_bytes(), path.name


def test_formats_can_be_chosen_and_checked(prepared, tmp_path):
    assert static.save_static_maps(prepared, tmp_path / "m", formats=()) == []
    assert [p.name for p in static.save_static_maps(prepared, tmp_path / "m",
                                                     formats=("svg",))] == ["m.svg"]
    with pytest.raises(ValueError, match="gif"):
        static.save_static_maps(prepared, tmp_path / "m", formats=("gif",))


# ------------------------------------------------------------------------- drawing


def test_text_from_data_is_plain_text_not_mathtext(prepared, tmp_path):
    fig = static.plot_risk_map(
        prepared.scored, prepared.incidents, prepared.boundaries, as_of=prepared.as_of,
        model=prepared.model, title="Cost ${x} and $a$ \\alpha",
        sources=[{"name": "Wire $x$ ${y}", "url": ""}], public=True)
    path = static.save_figure(fig, tmp_path / "dollars.svg")
    texts = _svg_texts(path)
    assert "Cost ${x} and $a$ \\alpha" in texts
    assert any("Wire $x$ ${y}" in t for t in texts)
    assert any(t.startswith("PUBLIC") for t in texts)
    assert not any(t.startswith("RESTRICTED") for t in texts)


def test_inputs_are_not_mutated_and_rcparams_restored(prepared):
    before = {k: v.copy() for k, v in (("scored", prepared.scored),
                                        ("incidents", prepared.incidents))}
    rc = dict(mpl.rcParams)
    static.plot_risk_map(prepared.scored, prepared.incidents, prepared.boundaries,
                         as_of=prepared.as_of, model=prepared.model)
    assert dict(mpl.rcParams) == rc
    for name, frame in before.items():
        assert frame.equals(getattr(prepared, name))


def test_no_pyplot_and_no_backend_switch():
    code = (
        "import sys\n"
        "from datetime import date\n"
        "import geopandas as gpd, shapely\n"
        "from geo.maps.static import plot_risk_map, save_figure\n"
        "from geo.risk import load_model\n"
        "u = gpd.GeoDataFrame({'country': ['AA'], 'admin1': ['']},\n"
        "    geometry=[shapely.box(0, 0, 2, 2)], crs=4326)\n"
        "s = gpd.GeoDataFrame({'segment_id': ['c-000'], 'corridor_id': ['c'], 'seq': [0],\n"
        "    'risk_band': [2]}, geometry=[shapely.LineString([(0.5, 1), (1.5, 1)])], crs=4326)\n"
        "fig = plot_risk_map(s, gpd.GeoDataFrame(geometry=[], crs=4326), u,\n"
        "    as_of=date(2020, 1, 1), model=load_model())\n"
        "import io\n"
        "fig.savefig(io.BytesIO(), format='png')\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_city_labels_name_corridor_ends_from_the_gazetteer():
    line = gpd.GeoDataFrame(
        {C.SEGMENT_ID: ["k-000", "k-001"], C.CORRIDOR_ID: ["k", "k"], C.SEQ: [0, 1]},
        geometry=[shapely.LineString([(102.71, 25.04), (105.5, 24.0)]),
                  shapely.LineString([(105.5, 24.0), (108.32, 22.82)])], crs=4326)
    names = [name for name, _, _ in static.city_labels(line)]
    assert names == ["Kunming", "Nanning"]
    units = gpd.GeoDataFrame({C.COUNTRY: ["CN"], C.ADMIN1: [""]},
                             geometry=[shapely.box(100, 20, 111, 27)], crs=4326)
    fig = static.plot_risk_map(line.assign(**{C.RISK_BAND: [2, 4]}),
                               gpd.GeoDataFrame(geometry=[], crs=4326), units,
                               as_of=date(2020, 1, 1), model=load_model())
    drawn = {t.get_text() for t in fig.axes[0].texts}
    assert {"Kunming", "Nanning", "CHINA"} <= drawn
    # in the middle of an ocean there is no city to name: no label, nothing invented
    sea = line.set_geometry([shapely.LineString([(-30.0, -40.0), (-29.0, -40.0)])] * 2)
    assert static.city_labels(sea) == []


def test_scale_bar_length_is_a_round_number_measured_on_the_ground():
    assert [static._nice_number(x) for x in (0.7, 3.0, 7.9, 10.0, 480.0)] == \
        [0.5, 2.0, 5.0, 10.0, 200.0]
    model = load_model()
    units = gpd.GeoDataFrame({C.COUNTRY: ["AA"], C.ADMIN1: [""]},
                             geometry=[shapely.box(99, 59, 121, 71)], crs=4326)
    seg = gpd.GeoDataFrame({C.SEGMENT_ID: ["c-000"], C.CORRIDOR_ID: ["c"], C.SEQ: [0],
                            C.RISK_BAND: [1]},
                           geometry=[shapely.LineString([(100, 65), (120, 65)])], crs=4326)
    fig = static.plot_risk_map(seg, gpd.GeoDataFrame(geometry=[], crs=4326), units,
                               as_of=date(2020, 1, 1), model=model)
    ax = fig.axes[0]
    ticks = [float(t.get_text()) for t in ax.texts
             if re.fullmatch(r"\d+(\.\d+)?", t.get_text())]
    # 0, half and full length of the bar; 20° of longitude at 65°N are ~940 km
    assert ticks[0] == 0 and ticks[2] == 2 * ticks[1]
    assert ticks[2] in (100, 200, 500)


def test_long_title_is_fitted_beside_the_mark_and_far_units_do_not_warn():
    units = gpd.GeoDataFrame({C.COUNTRY: ["AA", "CC"], C.ADMIN1: ["", ""]},
                             geometry=[shapely.box(0, 0, 2, 2), shapely.box(60, 60, 61, 61)],
                             crs=4326)
    seg = gpd.GeoDataFrame({C.SEGMENT_ID: ["c-000"], C.CORRIDOR_ID: ["c"], C.SEQ: [0],
                            C.RISK_BAND: [5]},
                           geometry=[shapely.LineString([(0.5, 1), (1.5, 1)])], crs=4326)
    fig = static.plot_risk_map(seg, gpd.GeoDataFrame(geometry=[], crs=4326), units,
                               as_of=date(2020, 1, 1), model=load_model(),
                               title="A very long title about the corridor risk " * 4)
    renderer = fig.canvas.get_renderer()
    title, mark = fig.texts[1], fig.texts[0]
    assert mark.get_text().startswith("RESTRICTED")
    assert title.get_window_extent(renderer).x1 < mark.get_window_extent(renderer).x0
    assert title.get_fontsize() == 9 and title.get_text().endswith("…")
