"""Static maps draw the offline basemap and place names: on the right side, framed on every
corridor, in ``Build.plot()`` too."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from matplotlib.figure import Figure
from PIL import Image

import geo
from geo import columns as C
from geo.io import study_crs
from geo.maps import static
from geo.maps._static_context import SEA_COLOUR
from geo.maps.basemap import load_context
from geo.risk import load_model

SVG_NS = "{http://www.w3.org/2000/svg}"
GOMA = (29.2218, -1.6794)  # GeoNames, DR Congo
GISENYI = (29.2564, -1.7028)  # GeoNames, Rwanda: east of Goma across the border
#: Coarse DR Congo corridors, Kinshasa - Kisangani - Goma - Bukavu, and Goma - Gisenyi.
DRC_CORRIDORS = {
    "kin-kis": [(15.31, -4.33), (18.26, 0.05), (22.0, 0.3), (25.19, 0.52)],
    "kis-goma": [(25.19, 0.52), (27.0, 0.0), (29.0, -0.6), GOMA],
    "goma-bukavu": [GOMA, (29.0, -2.0), (28.86, -2.49)],
    "goma-gisenyi": [GOMA, GISENYI],
}


def _units(codes: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Country-only boundaries (no first-level units) cut from the basemap's countries."""
    countries = load_context((10.0, -15.0, 32.0, 6.0))["countries"]
    countries = countries[countries["iso_a2"].isin(codes)]
    return gpd.GeoDataFrame({C.COUNTRY: countries["iso_a2"].to_numpy(), C.ADMIN1: ""},
                            geometry=countries.geometry.values, crs=4326)


def _segments(corridors: dict[str, list[tuple[float, float]]]) -> gpd.GeoDataFrame:
    rows = [(f"{cid}-000", cid, 0, 2, shapely.LineString(pts))
            for cid, pts in corridors.items()]
    return gpd.GeoDataFrame({C.SEGMENT_ID: [r[0] for r in rows],
                             C.CORRIDOR_ID: [r[1] for r in rows], C.SEQ: [r[2] for r in rows],
                             C.RISK_BAND: [r[3] for r in rows]},
                            geometry=[r[4] for r in rows], crs=4326)


NO_INCIDENTS = gpd.GeoDataFrame(geometry=[], crs=4326)


def _figure(corridors, codes=("CD", "RW"), **kw) -> Figure:
    return static.plot_risk_map(_segments(corridors), NO_INCIDENTS, _units(codes),
                                as_of=date(2024, 1, 1), model=load_model(), **kw)


def _svg_texts(path: Path) -> dict[str, list[tuple[float, float, str]]]:
    """Text → [(x, y, text-anchor)] of every <text> in an SVG written by matplotlib."""
    out: dict[str, list[tuple[float, float, str]]] = {}
    for el in ET.parse(path).getroot().iter(f"{SVG_NS}text"):
        anchor = re.search(r"text-anchor:\s*(\w+)", el.get("style", ""))
        out.setdefault("".join(el.itertext()), []).append(
            (float(el.get("x", "nan")), float(el.get("y", "nan")),
             anchor.group(1) if anchor else "start"))
    return out


def _to_svg(fig: Figure, ax, lonlat: tuple[float, float], crs) -> tuple[float, float]:
    """SVG user units (points, y down) of a place drawn on ``ax``."""
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(*lonlat)
    px, py = ax.transData.transform((x, y))
    scale = 72.0 / fig.dpi
    return px * scale, (fig.bbox.height - py) * scale


@pytest.fixture(scope="module")
def kivu(tmp_path_factory):
    """Goma - Gisenyi and Goma - Bukavu on a regional map (Kivu), saved as SVG."""
    corridors = {k: DRC_CORRIDORS[k] for k in ("goma-bukavu", "goma-gisenyi")}
    fig = _figure(corridors)
    path = static.save_figure(fig, tmp_path_factory.mktemp("kivu") / "kivu.svg")
    return fig, path, study_crs(_segments(corridors))


def test_gisenyi_is_named_east_of_goma(kivu):
    fig, path, crs = kivu
    texts = _svg_texts(path)
    assert "Goma" in texts and "Gisenyi" in texts
    ax = fig.axes[0]
    goma_x, _ = _to_svg(fig, ax, GOMA, crs)
    gisenyi_x, _ = _to_svg(fig, ax, GISENYI, crs)
    assert gisenyi_x > goma_x
    for x, _, anchor in texts["Gisenyi"]:  # the name and its halo
        assert anchor == "start" and x > gisenyi_x > goma_x


def test_every_name_stands_beside_its_own_dot_and_covers_no_other(kivu):
    fig, _, _ = kivu
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_gid() == "place-label"]
    assert len(labels) >= 3
    anchors = np.array([ax.transData.transform(t.xy) for t in labels])
    for k, text in enumerate(labels):
        box = text.get_window_extent(renderer)
        x = anchors[k][0]
        # beside its own point: the box starts (or ends) a few points from it, never across it
        assert min(abs(box.x0 - x), abs(box.x1 - x)) < 8 and not box.x0 < x < box.x1
        others = np.delete(anchors, k, axis=0)
        covered = ((others[:, 0] > box.x0) & (others[:, 0] < box.x1)
                   & (others[:, 1] > box.y0) & (others[:, 1] < box.y1))
        assert not covered.any(), text.get_text()


def test_drc_frame_holds_every_corridor_and_kinshasa(tmp_path):
    fig = _figure(DRC_CORRIDORS)
    ax = fig.axes[0]
    crs = study_crs(_segments(DRC_CORRIDORS))
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for pts in DRC_CORRIDORS.values():
        line = gpd.GeoSeries([shapely.LineString(pts)], crs=4326).to_crs(crs)
        bx0, by0, bx1, by1 = line.total_bounds
        assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
    texts = _svg_texts(static.save_figure(fig, tmp_path / "drc.svg"))
    assert {"Kinshasa", "Kisangani", "Goma", "Bukavu"} <= set(texts)
    # a neighbour outside the boundaries layer is named, as is the sea of the basemap
    assert "REPUBLIC OF THE CONGO" in texts
    assert any(t.startswith("Basemap: Natural Earth") for t in texts)


@pytest.mark.parametrize("corridors", [
    {"long-west-east": [(-10.0, 10.0), (40.0, 12.0)]},
    {"long-north-south": [(30.0, 30.0), (31.0, -25.0)]},
    {"two-far-apart": [(100.0, 20.0), (101.0, 21.0)], "other": [(125.0, 45.0), (126.0, 46.0)]},
])
def test_frame_holds_every_corridor_whatever_its_shape(corridors):
    seg = _segments(corridors)
    for ax in (static.plot_risk_map(seg, NO_INCIDENTS, _units(("CD",)), as_of=date(2024, 1, 1),
                                    model=load_model(), context=False).axes[0],
               static.draw_risk_map(Figure(figsize=(6, 6)).add_subplot(), seg, NO_INCIDENTS,
                                    _units(("CD",)), as_of=date(2024, 1, 1),
                                    model=load_model(), context=False)):
        bx0, by0, bx1, by1 = seg.to_crs(study_crs(seg)).total_bounds
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < bx0 and bx1 < x1 and y0 < by0 and by1 < y1


def _drc_layers(folder: Path) -> Path:
    """The DR Congo corridors as a layers folder: boundaries, corridors, three incidents."""
    _units(("CD", "RW")).to_file(folder / "boundaries.geojson", driver="GeoJSON")
    seg = _segments(DRC_CORRIDORS)
    gpd.GeoDataFrame({C.CORRIDOR_ID: seg[C.CORRIDOR_ID], C.ROUTE: "DRC"},
                     geometry=seg.geometry.values, crs=4326).to_file(
        folder / "corridors.geojson", driver="GeoJSON")
    (folder / "incidents.csv").write_text(
        "incident_id,date,type,lat,lon\n1,2023-01-05,arrest,-1.7,29.1\n"
        "2,2023-03-01,checkpoint,-4.3,15.5\n3,2023-02-01,crackdown,0.5,25.0\n",
        encoding="utf-8")
    return folder


def test_build_plot_draws_the_basemap_and_names(tmp_path):
    ax = geo.build(_drc_layers(tmp_path)).plot(ax=Figure(figsize=(8.27, 6)).add_subplot())
    names = {t.get_text() for t in ax.texts}
    assert ax.get_facecolor()[:3] == pytest.approx(
        tuple(int(SEA_COLOUR[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    assert {"Kinshasa", "Kisangani", "Goma", "Bukavu"} <= names
    assert "REPUBLIC OF THE CONGO" in names  # a neighbour outside the boundaries
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    seg = _segments(DRC_CORRIDORS)
    bx0, by0, bx1, by1 = seg.to_crs(study_crs(seg)).total_bounds
    assert x0 < bx0 and bx1 < x1 and y0 < by0 and by1 < y1


def test_bundled_build_plot_names_places_and_neighbours():
    ax = geo.build().plot(ax=Figure(figsize=(8.27, 8)).add_subplot())
    names = {t.get_text() for t in ax.texts}
    assert {"Beijing", "Kunming"} <= names
    assert {"CHINA", "MONGOLIA"} <= names  # MONGOLIA: in the basemap and the boundaries
    assert "RUSSIA" in names  # only in the basemap


def test_png_shows_sea_and_land(tmp_path):
    fig = _figure({"coast": [(120.5, 40.0), (122.0, 40.9)]}, codes=("CN",))
    png = Image.open(static.save_figure(fig, tmp_path / "m.png")).convert("RGB")
    pixels = np.asarray(png).reshape(-1, 3)
    sea = np.array([int(SEA_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(pixels - sea).sum(axis=1) == 0).mean() > 0.05  # the Bohai Sea


def test_without_context_no_basemap_is_drawn(tmp_path):
    corridors = {k: DRC_CORRIDORS[k] for k in ("goma-bukavu",)}
    texts = _svg_texts(static.save_figure(_figure(corridors, context=False),
                                          tmp_path / "plain.svg"))
    assert not any(t.startswith("Basemap:") for t in texts)
    assert "Gisenyi" not in texts
