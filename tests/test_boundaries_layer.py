"""The committed boundaries layer (``geo/datasets/boundaries.geojson``), made by
``layers/make_boundaries.py`` from Debian's gmt-dcw. These tests read the committed file only;
checking that the script still reproduces it byte for byte is ``make_boundaries.py --check``.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import columns as C
from geo import datasets
from geo.io import read_boundaries

LAYER = datasets.get_path("boundaries")

#: Chinese first-level units the bundled routes cross or touch, and the ones inside the box.
REQUIRED_CN = (
    "Heilongjiang",
    "Jilin",
    "Liaoning",
    "Nei Mongol",
    "Beijing",
    "Tianjin",
    "Hebei",
    "Shanxi",
    "Shandong",
    "Henan",
    "Hubei",
    "Hunan",
    "Sichuan",
    "Chongqing",
    "Guizhou",
    "Yunnan",
    "Guangxi",
    "Guangdong",
    "Shaanxi",
    "Ningxia",
    "Gansu",
    "Anhui",
    "Jiangsu",
    "Jiangxi",
    "Fujian",
    "Zhejiang",
    "Hainan",
    "Shanghai",
    "Qinghai",
)
REQUIRED_COUNTRIES = ("KP", "KR", "MN", "VN", "LA", "MM", "TH", "KH", "RU")

#: (name, lon, lat, country, admin1): city centres (GeoNames unless noted), written by hand.
CITIES = [
    ("Kunming", 102.71833, 25.03889, "CN", "Yunnan"),
    ("Nanning", 108.31667, 22.81667, "CN", "Guangxi"),
    ("Fangchenggang", 108.35661, 21.76945, "CN", "Guangxi"),
    ("Dongxing", 107.96667, 21.55, "CN", "Guangxi"),
    ("Yanji", 129.50241, 42.88825, "CN", "Jilin"),
    # Dandong's GeoNames point sits 33 m from the simplified Yalu border: too close to test a
    # 1 km generalisation with. This point is in the city, about 2 km from the river.
    ("Dandong", 124.37, 40.14, "CN", "Liaoning"),
    ("Hohhot", 111.65222, 40.81056, "CN", "Nei Mongol"),
    ("Erenhot", 111.97667, 43.6475, "CN", "Nei Mongol"),
    ("Ulaanbaatar", 106.88324, 47.90771, "MN", ""),
    ("Hanoi", 105.84117, 21.0245, "VN", ""),
    ("Vientiane", 102.6, 17.96667, "LA", ""),
    ("Bangkok", 100.50144, 13.75398, "TH", ""),
    ("Pyongyang", 125.75432, 39.03385, "KP", ""),
]

#: Pairs that share a land border, with a lower bound on its length in degrees.
NEIGHBOURS = [
    (("CN", "Yunnan"), ("VN", ""), 3.0),
    (("CN", "Guangxi"), ("VN", ""), 3.0),
    (("CN", "Yunnan"), ("LA", ""), 2.0),
    (("CN", "Jilin"), ("KP", ""), 4.0),
    (("CN", "Liaoning"), ("KP", ""), 1.0),
    (("CN", "Nei Mongol"), ("MN", ""), 15.0),
    (("CN", "Yunnan"), ("CN", "Guangxi"), 2.0),
    (("CN", "Jilin"), ("CN", "Liaoning"), 2.0),
    (("KP", ""), ("KR", ""), 1.5),
]

MAX_BYTES = 3_000_000
#: Overlap allowed between two rows: 1e-8 deg2 is about 0.0001 km2 (numerical noise only).
MAX_OVERLAP_DEG2 = 1e-8


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    return gpd.read_file(LAYER)


def _unit(layer: gpd.GeoDataFrame, country: str, admin1: str) -> shapely.Geometry:
    rows = layer[(layer[C.COUNTRY] == country) & (layer[C.ADMIN1] == admin1)]
    assert len(rows) == 1, (country, admin1)
    return rows.geometry.iloc[0]


def test_crs_is_wgs84(layer: gpd.GeoDataFrame) -> None:
    assert layer.crs is not None
    assert layer.crs.to_epsg() == 4326


def test_file_is_small() -> None:
    assert LAYER.stat().st_size < MAX_BYTES


def test_columns_follow_the_contract(layer: gpd.GeoDataFrame) -> None:
    assert list(layer.columns) == [C.COUNTRY, C.ADMIN1, C.ADMIN1_CODE, "geometry"]
    country_rows = layer[layer[C.ADMIN1] == ""]
    assert (country_rows[C.ADMIN1_CODE] == "").all()
    cn = layer[layer[C.COUNTRY] == "CN"]
    assert (cn[C.ADMIN1] != "").all()
    assert cn[C.ADMIN1_CODE].str.fullmatch(r"[A-Z]{2}").all()
    assert _unit(layer, "CN", "Yunnan") is not None
    assert cn.loc[cn[C.ADMIN1] == "Yunnan", C.ADMIN1_CODE].item() == "YN"
    assert cn.loc[cn[C.ADMIN1] == "Nei Mongol", C.ADMIN1_CODE].item() == "NM"


def test_required_units_present(layer: gpd.GeoDataFrame) -> None:
    cn = set(layer.loc[layer[C.COUNTRY] == "CN", C.ADMIN1])
    assert set(REQUIRED_CN) <= cn, sorted(set(REQUIRED_CN) - cn)
    countries = set(layer.loc[layer[C.ADMIN1] == "", C.COUNTRY])
    assert set(REQUIRED_COUNTRIES) <= countries


def test_units_are_unique(layer: gpd.GeoDataFrame) -> None:
    keys = list(zip(layer[C.COUNTRY], layer[C.ADMIN1], strict=True))
    assert len(keys) == len(set(keys))


def test_geometries_are_valid_polygons(layer: gpd.GeoDataFrame) -> None:
    assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
    reasons = shapely.is_valid_reason(np.asarray(layer.geometry.values))
    bad = {
        f"{c}/{a}": r
        for c, a, r in zip(layer[C.COUNTRY], layer[C.ADMIN1], reasons, strict=True)
        if r != "Valid Geometry"
    }
    assert not bad
    assert not layer.geometry.is_empty.any()


def test_coordinates_have_four_decimals() -> None:
    data = json.loads(LAYER.read_text(encoding="utf-8"))
    coords = np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(f["geometry"])) for f in data["features"]]
    )
    scaled = coords * 1e4
    assert np.abs(scaled - np.round(scaled)).max() < 1e-6
    assert data["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4326"


@pytest.mark.parametrize(
    ("name", "lon", "lat", "country", "admin1"), CITIES, ids=[c[0] for c in CITIES]
)
def test_city_falls_in_its_unit(
    layer: gpd.GeoDataFrame, name: str, lon: float, lat: float, country: str, admin1: str
) -> None:
    hits = layer[layer.geometry.contains(shapely.Point(lon, lat))]
    found = list(zip(hits[C.COUNTRY], hits[C.ADMIN1], strict=True))
    assert found == [(country, admin1)], name


def test_neighbours_do_not_overlap(layer: gpd.GeoDataFrame) -> None:
    geoms = np.asarray(layer.geometry.values)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    areas = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert pairs.sum() > 40  # many neighbours touch: the test looks at real pairs
    worst = float(areas.max())
    assert worst <= MAX_OVERLAP_DEG2


@pytest.mark.parametrize(
    ("a", "b", "min_length"),
    NEIGHBOURS,
    ids=[f"{a[1] or a[0]}-{b[1] or b[0]}" for a, b, _ in NEIGHBOURS],
)
def test_neighbours_share_their_border(
    layer: gpd.GeoDataFrame, a: tuple[str, str], b: tuple[str, str], min_length: float
) -> None:
    ga, gb = _unit(layer, *a), _unit(layer, *b)
    shared = shapely.intersection(ga.boundary, gb.boundary)
    # the border is one line both rows hold (vertex for vertex), not two lines side by side
    assert shared.length >= min_length
    assert shared.length == pytest.approx(
        shapely.intersection(ga.boundary, gb.buffer(1e-6)).length, rel=1e-3
    )


def test_no_slivers_between_units(layer: gpd.GeoDataFrame) -> None:
    union = shapely.union_all(np.asarray(layer.geometry.values))
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    # holes of the union are enclosed gaps between units; real ones (lakes) are none in DCW
    assert max((h.area for h in holes), default=0.0) < 1e-6


def test_project_loader_accepts_the_layer() -> None:
    gdf = read_boundaries(LAYER)
    assert len(gdf) == len(gpd.read_file(LAYER))
    assert gdf.crs.to_epsg() == 4326
