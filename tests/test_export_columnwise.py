"""The column-wise writers give the bytes of the value-by-value rules they replaced.

The reference writers below are the former ``write_csv`` and ``write_geojson`` (a
``csv.writer`` row per record; a ``json.dumps`` of the whole feature collection), kept here to
pin the text of every cell: floats rounded with ``round`` and written with ``repr``, NaN/NaT
empty or ``null``, lists as key-sorted JSON text, formula-like text neutralised, quoting where
:mod:`csv` quotes. Route summaries are checked against their item-by-item form the same way.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import columns as C
from geo import summaries as routes
from geo._cells import csv_safe
from geo._json import json_text, plain
from geo.export import write_csv, write_geojson

RNG = np.random.default_rng(7)


def _cell(value: Any, digits: int) -> str:
    value = plain(value, digits)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return csv_safe(str(value))


def reference_csv(frame: pd.DataFrame, path: Path, digits: int = 6) -> None:
    cols = [c for c in frame.columns if c != "geometry"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in frame[cols].itertuples(index=False, name=None):
            writer.writerow([_cell(v, digits) for v in row])


def _property(value: Any, digits: int) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json_text(value, digits)
    return plain(value, digits)


def reference_geojson(gdf: gpd.GeoDataFrame, path: Path, digits: int = 6) -> None:
    cols = [c for c in gdf.columns if c != "geometry"]
    rounded = shapely.set_precision(gdf.geometry.values, 1e-5, mode="pointwise")
    features = [{"type": "Feature",
                 "properties": {k: _property(v, digits) for k, v in props.items()},
                 "geometry": None if geom is None else shapely.geometry.mapping(geom)}
                for props, geom in zip(gdf[cols].to_dict("records"), rounded, strict=True)]
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


TEXTS = ["plain", "=SUM(A1)", "  +1", "-3", "@x", "\tx", "\rx", "a,b", 'say "hi"', "two\nlines",
         "cr\rinside", "", "Ürümqi 乌鲁木齐", "\u2028", "'quoted'", " ", "null"]
FLOATS = [0.0, -0.0, 1.0, 1.2345675, 2.5e-7, -5e-7, 1e-5, 123456.0000005, 1e16, 1e300,
          float("nan"), float("inf"), -float("inf"), 0.1 + 0.2, 5e-324, 4503599627370497.0]


MIXED = [[1, {"b": np.float64(0.5), "a": None}], {"k": 1}, None, 3.5, "=x", np.int64(2),
         float("nan"), (1, 2), True, pd.Timestamp("2020-01-02 10:00")]


def _frame(n: int) -> pd.DataFrame:
    pick = RNG.integers
    tops = [[{"incident_id": TEXTS[pick(0, len(TEXTS))], "share": float(RNG.random())}
             for _ in range(pick(0, 4))] for _ in range(n)]
    return pd.DataFrame({
        "text": [TEXTS[k] for k in pick(0, len(TEXTS), n)],
        "missing_text": pd.Series([None if k % 3 == 0 else TEXTS[k % len(TEXTS)]
                                   for k in range(n)], dtype="str"),
        "float": [FLOATS[k] for k in pick(0, len(FLOATS), n)],
        "random": RNG.normal(0, 10.0 ** pick(-8, 12, n)),
        "int": pick(-10**12, 10**12, n),
        "flag": RNG.random(n) < 0.5,
        "day": pd.to_datetime(pd.Series(["1969-12-31T18:00", "2020-02-29", None, "0999-01-01"]
                                        * (n // 4 + 1))[:n].to_numpy(), format="ISO8601"),
        "top": tops,
        "mixed": [MIXED[k % len(MIXED)] for k in range(n)],
        "npfloats": [[{"b": np.float32(0.25), "a": "x"}] for _ in range(n)],
        "nullable": pd.array([None if k % 4 == 0 else k for k in range(n)], dtype="Int64"),
        "object_text": pd.Series([TEXTS[k % len(TEXTS)] for k in range(n)], dtype=object),
    })


@pytest.mark.parametrize("n", [0, 1, 7, 400])
def test_write_csv_gives_the_bytes_of_the_row_by_row_writer(tmp_path, n):
    frame = _frame(n)
    write_csv(frame, tmp_path / "new.csv")
    reference_csv(frame, tmp_path / "old.csv")
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
    for digits in (0, 3):
        write_csv(frame, tmp_path / "new.csv", digits=digits)
        reference_csv(frame, tmp_path / "old.csv", digits=digits)
        assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()


def test_a_one_column_csv_quotes_its_empty_cells_as_csv_does(tmp_path):
    frame = pd.DataFrame({"only": ["a", "", None, "b,c"]})
    write_csv(frame, tmp_path / "new.csv")
    reference_csv(frame, tmp_path / "old.csv")
    assert (tmp_path / "new.csv").read_text() == (tmp_path / "old.csv").read_text()
    assert (tmp_path / "new.csv").read_text() == 'only\na\n""\n""\n"b,c"\n'


def _geometries(n: int) -> list[Any]:
    kinds = [
        lambda k: shapely.LineString(RNG.uniform(-180, 180, (2 + k % 5, 2))),
        lambda k: shapely.Point(RNG.uniform(-1e-4, 1e-4, 2)),
        lambda k: None,
        lambda k: shapely.LineString(),
        lambda k: shapely.Polygon([(0, 0), (1, 0), (1, 1.123456789)]),
        lambda k: shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3.3)]]),
        lambda k: shapely.LineString([(0, 0, 1.5), (1, 1, 2.5)]),
        lambda k: shapely.GeometryCollection([shapely.Point(1, 2)]),
        lambda k: shapely.Point(-0.0, 45.000004999),
    ]
    return [kinds[k % len(kinds)](k) for k in range(n)]


@pytest.mark.parametrize("n", [0, 1, 9, 300])
def test_write_geojson_gives_the_bytes_of_json_dumps(tmp_path, n):
    frame = _frame(n).drop(columns=["nullable"])  # pd.NA: no JSON for it either way
    gdf = gpd.GeoDataFrame(frame, geometry=_geometries(n), crs=4326)
    write_geojson(gdf, tmp_path / "new.geojson")
    reference_geojson(gdf, tmp_path / "old.geojson")
    assert (tmp_path / "new.geojson").read_bytes() == (tmp_path / "old.geojson").read_bytes()


def test_write_geojson_without_properties(tmp_path):
    gdf = gpd.GeoDataFrame(geometry=_geometries(9), crs=4326)
    write_geojson(gdf, tmp_path / "new.geojson")
    reference_geojson(gdf, tmp_path / "old.geojson")
    assert (tmp_path / "new.geojson").read_bytes() == (tmp_path / "old.geojson").read_bytes()


def _segments(n: int, n_incidents: int) -> gpd.GeoDataFrame:
    ids = [f"i{k}" for k in range(n_incidents)]
    tops = []
    for _ in range(n):
        chosen = RNG.choice(ids, size=min(len(ids), int(RNG.integers(0, 6))), replace=False)
        # shares of a few values only: many ties between incidents, broken by id
        tops.append([{"incident_id": str(i), "share": float(RNG.choice([0.1, 0.25, 0.3]))}
                     for i in chosen])
    return gpd.GeoDataFrame({
        C.CORRIDOR_ID: [f"c{k}" for k in RNG.integers(0, max(1, n // 5), n)],
        C.ROUTE: [f"R{k}" for k in RNG.integers(0, 4, n)],
        C.LENGTH_KM: RNG.uniform(1, 25, n),
        C.EXPOSURE: RNG.choice([0.0, 0.5, 1.0 / 3.0, 2.0], n),
        C.RISK_BAND: RNG.integers(0, 6, n),
        C.RISK_DENSITY: RNG.uniform(0, 10, n),
        C.TOP_INCIDENTS: tops,
    }, geometry=[None] * n)


@pytest.mark.parametrize(("n", "n_incidents"), [(1, 1), (40, 3), (500, 30), (300, 0)])
def test_route_summaries_equal_their_item_by_item_form(monkeypatch, n, n_incidents):
    scored = _segments(n, n_incidents)
    fast_routes = routes.summarise_routes(scored, top_n=3)
    fast_families = routes.summarise_families(scored, top_n=3)
    monkeypatch.setattr(routes, "_exploded", lambda frame: None)
    slow_routes = routes.summarise_routes(scored, top_n=3)
    slow_families = routes.summarise_families(scored, top_n=3)
    pd.testing.assert_frame_equal(fast_routes, slow_routes)
    pd.testing.assert_frame_equal(fast_families, slow_families)
    assert fast_routes[C.TOP_INCIDENTS].tolist() == slow_routes[C.TOP_INCIDENTS].tolist()
    assert fast_families[C.TOP_INCIDENTS].tolist() == slow_families[C.TOP_INCIDENTS].tolist()


def test_float_reprs_are_python_reprs():
    from geo._cells import float_reprs

    size = 50_000
    digits = RNG.integers(0, 12, size)
    values = np.concatenate([
        np.round(RNG.uniform(-180, 180, size), 5),
        np.rint(10 ** RNG.uniform(-4, 9, size) * 10.0**digits) / 10.0**digits,
        RNG.normal(0, 10.0 ** RNG.integers(-8, 20, size)),
        RNG.integers(-10**9, 10**9, size).astype(float),
        np.array(FLOATS),
    ])
    assert float_reprs(values).to_pylist() == list(map(repr, values.tolist()))
