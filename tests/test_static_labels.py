"""Static map: names of corridor ends (as real text), outside-coverage style, rasterising."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pypdf import PdfReader

from geo import columns as C
from geo.maps import static
from geo.maps._places import end_place_names
from geo.risk import load_model

SVG_NS = "{http://www.w3.org/2000/svg}"
# Bukavu (DR Congo) down the lake shore to Uvira; Bujumbura (Burundi, far more populous) lies
# 24 km east of Uvira: the corridor ends at Uvira and must be labelled so.
BUKAVU_UVIRA = [(28.8617, -2.5085), (29.00, -2.90), (29.1395, -3.3953)]
UNITS = gpd.GeoDataFrame({C.COUNTRY: ["CD", "BI"], C.ADMIN1: ["Sud-Kivu", ""]},
                         geometry=[shapely.box(27.5, -4.5, 29.22, -1.5),
                                   shapely.box(29.22, -4.5, 30.9, -2.3)], crs=4326)


def _segments(coverage: list[str] | None = None) -> gpd.GeoDataFrame:
    seg = gpd.GeoDataFrame(
        {C.SEGMENT_ID: ["k-000", "k-001"], C.CORRIDOR_ID: ["k", "k"], C.SEQ: [0, 1],
         C.RISK_BAND: [2, 4]},
        geometry=[shapely.LineString(BUKAVU_UVIRA[:2]), shapely.LineString(BUKAVU_UVIRA[1:])],
        crs=4326)
    if coverage is not None:
        seg[C.COVERAGE] = coverage
    return seg


def _figure(seg: gpd.GeoDataFrame, *, context: bool = True) -> object:
    return static.plot_risk_map(seg, gpd.GeoDataFrame(geometry=[], crs=4326), UNITS,
                                as_of=date(2024, 1, 1), model=load_model(), context=context)


def test_a_corridor_ending_at_uvira_is_labelled_uvira():
    assert end_place_names(np.array([BUKAVU_UVIRA[-1]]), max_km=25) == ["Uvira"]
    labels = static.city_labels(_segments())
    assert [name for name, _, _ in labels] == ["Bukavu", "Uvira"]
    # drawn at the place's own point (GeoNames' Uvira), not at the corridor's end beside it
    assert labels[1][1:] == pytest.approx((29.13779, -3.39534), abs=1e-6)


def test_a_populous_place_next_to_the_nearest_one_wins_the_tie():
    # 1 km from a village, 2 km from a city: the city is named (within the tie margin)
    from geo.maps import _places

    _, names, pop, _ = _places._index()
    kunming = names.index("Kunming")
    assert pop[kunming] > 1_000_000
    assert end_place_names(np.array([[102.72, 25.04]]), max_km=25) == ["Kunming"]
    assert end_place_names(np.array([[102.72, 25.04]]), max_km=0.001) == [None]


def test_labels_are_searchable_text_in_svg_and_pdf(tmp_path: Path):
    # without the basemap's towns, the only names are the corridor ends'
    fig = _figure(_segments(), context=False)
    svg = static.save_figure(fig, tmp_path / "m.svg")
    pdf = static.save_figure(fig, tmp_path / "m.pdf")
    texts = ["".join(t.itertext()) for t in ET.parse(svg).getroot().iter(f"{SVG_NS}text")]
    assert "Uvira" in texts and "Bukavu" in texts
    assert "Bujumbura" not in texts
    pdf_text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Uvira" in pdf_text and "Bukavu" in pdf_text
    assert b"/FontFile2" in pdf.read_bytes()  # TrueType (Type 42) fonts embedded


def test_outside_segments_are_grey_dashed_with_a_legend_entry(tmp_path: Path):
    fig = _figure(_segments([C.COVERAGE_INSIDE, C.COVERAGE_OUTSIDE]))
    svg = static.save_figure(fig, tmp_path / "m.svg").read_text("utf-8")
    assert "No boundary data" in svg
    assert "stroke: #8c8c8c" in svg and "stroke-dasharray" in svg
    inside_only = static.save_figure(_figure(_segments()), tmp_path / "n.svg").read_text("utf-8")
    assert "No boundary data" not in inside_only


def test_many_segments_are_rasterised_and_the_legend_says_so(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(static, "RASTER_SEGMENTS", 1)
    svg = static.save_figure(_figure(_segments()), tmp_path / "m.svg").read_text("utf-8")
    assert "<image" in svg
    assert "drawn as an image" in svg
    assert "Uvira" in svg  # text stays text
