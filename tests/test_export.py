"""GeoPackage and embed snippet: they read back with the same rows, parse, and stay stable."""

from __future__ import annotations

import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import columns as C
from geo import pipeline
from geo.export import GPKG_TIMESTAMP, embed_snippet, write_embed_snippet, write_geopackage
from tests._factories import BENT, UNITS

INCIDENTS_CSV = """\
incident_id,date,type,lat,lon,admin1,country,count,source_name,source_url,notes,visibility
a1,2020-01-05,arrest,0.3,1.0,,,15,Test wire,https://example.org/a1,point,public
p1,2020-02,crackdown,,,East,AA,,Test wire,,province,public
c1,2020,checkpoint,,,,BB,,Test wire,,country,restricted
b1,2020-01-10,border_closure,0.0,2.0,,,,Test wire,,"closed, then open",public
"""
LAYERS = ("segments", "incidents", "boundaries")


@pytest.fixture(scope="module")
def layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layers")
    UNITS.to_file(folder / "boundaries.geojson", driver="GeoJSON", engine="pyogrio")
    BENT.to_file(folder / "corridors.geojson", driver="GeoJSON", engine="pyogrio")
    (folder / "incidents.csv").write_text(INCIDENTS_CSV, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def prepared(layers: Path) -> pipeline.Prepared:
    return pipeline.prepare(layers=layers)


def _gpkg(prepared: pipeline.Prepared, path: Path) -> Path:
    write_geopackage({"segments": prepared.scored, "incidents": prepared.incidents,
                      "boundaries": prepared.boundaries}, path,
                     columns={"segments": pipeline.SEGMENT_COLUMNS})
    return path


# ------------------------------------------------------------------------- GeoPackage


def test_geopackage_layers_read_back_with_the_same_rows(prepared, tmp_path):
    path = _gpkg(prepared, tmp_path / "route_risk.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == list(LAYERS)
    for name, original in (("segments", prepared.scored), ("incidents", prepared.incidents),
                           ("boundaries", prepared.boundaries)):
        back = pyogrio.read_dataframe(path, layer=name)
        assert len(back) == len(original), name
        assert back.crs.equals(4326)
        key = {"segments": C.SEGMENT_ID, "incidents": C.INCIDENT_ID}.get(name)
        if key:
            assert back[key].tolist() == original[key].tolist()
        a = back.geometry.to_numpy()
        b = original.geometry.to_numpy()
        both = ~(shapely.is_missing(a) | shapely.is_missing(b))
        assert (shapely.is_missing(a) == shapely.is_missing(b)).all(), name
        assert shapely.equals_exact(a[both], b[both], tolerance=1e-9).all(), name


def test_geopackage_values_survive_the_round_trip(prepared, tmp_path):
    path = _gpkg(prepared, tmp_path / "route_risk.gpkg")
    seg = pyogrio.read_dataframe(path, layer="segments")
    assert list(seg.columns[:-1]) == pipeline.SEGMENT_COLUMNS
    assert seg[C.RISK_BAND].tolist() == prepared.scored[C.RISK_BAND].tolist()
    assert seg[C.BORDER_CROSSING].tolist() == prepared.scored[C.BORDER_CROSSING].tolist()
    np.testing.assert_allclose(seg[C.RISK_DENSITY], prepared.scored[C.RISK_DENSITY], atol=1e-6)
    # lists of dicts are JSON text that parses back to the same contributions
    assert [json.loads(v) for v in seg[C.TOP_INCIDENTS]] == [
        [{"incident_id": d["incident_id"], "share": d["share"],
          "precision": d["precision"]} for d in top]
        for top in prepared.scored[C.TOP_INCIDENTS]]
    inc = pyogrio.read_dataframe(path, layer="incidents")
    assert inc[C.DATE].dt.date.tolist() == prepared.incidents[C.DATE].dt.date.tolist()
    assert inc[C.NOTES].tolist() == prepared.incidents[C.NOTES].tolist()
    assert inc[C.END_DATE].isna().tolist() == prepared.incidents[C.END_DATE].isna().tolist()
    # coarse incidents (province, country) keep no point
    coarse = (prepared.incidents[C.GEO_PRECISION] >= 3).to_numpy()
    assert inc.geometry.isna().to_numpy()[coarse].all()
    bnd = pyogrio.read_dataframe(path, layer="boundaries")
    assert bnd.geometry.geom_type.nunique() == 1  # one geometry type per layer for QGIS
    assert bnd[C.ADMIN1].tolist() == prepared.boundaries[C.ADMIN1].tolist()


def test_geopackage_is_byte_stable_and_replaced(prepared, tmp_path):
    a = _gpkg(prepared, tmp_path / "a.gpkg")
    b = _gpkg(prepared, tmp_path / "b.gpkg")
    assert a.read_bytes() == b.read_bytes()
    with sqlite3.connect(a) as con:
        stamps = {row[0] for row in con.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {GPKG_TIMESTAMP}
    write_geopackage({"only": prepared.boundaries}, a)  # an existing file is replaced
    assert [name for name, _ in pyogrio.list_layers(a)] == ["only"]
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None  # global state restored


# ------------------------------------------------------------------------- embed snippet


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_embed_snippet_is_an_iframe_with_size_title_and_sandbox():
    hostile = 'Map "as of" <script>alert(1)</script>'
    text = embed_snippet("route_risk_map.html", title=hostile, width=800, height=500)
    parser = _Tags()
    parser.feed(text)
    tags = dict(parser.tags)
    assert [t for t, _ in parser.tags] == ["figure", "iframe", "figcaption", "a"]
    frame = tags["iframe"]
    assert frame["src"] == "route_risk_map.html"
    assert frame["title"] == hostile  # escaped in the markup, the same text once parsed
    assert (frame["width"], frame["height"]) == ("800", "500")
    assert "allow-scripts" in (frame["sandbox"] or "")
    assert "allow-same-origin" not in (frame["sandbox"] or "")
    assert "<script>" not in text
    assert "self-contained" in text


def test_build_writes_geopackage_and_embed_snippet_next_to_the_map(layers, tmp_path):
    out = tmp_path / "out"
    written = pipeline.write_outputs(pipeline.prepare(layers=layers), out, formats=("png",))
    names = {p.name for p in written}
    assert {"route_risk_map.html", "route_risk_map.embed.html", "route_risk.gpkg",
            "route_risk_map.png"} <= names
    parser = _Tags()
    parser.feed((out / "route_risk_map.embed.html").read_text(encoding="utf-8"))
    src = dict(parser.tags)["iframe"]["src"]
    assert src is not None and (out / src).is_file()
    inc = pyogrio.read_dataframe(out / "route_risk.gpkg", layer="incidents")
    fate = pd.read_csv(out / "incidents_fate.csv")
    assert inc[C.STATUS].tolist() == fate[C.STATUS].tolist()  # fate joined for QGIS users


def test_public_build_geopackage_holds_only_the_generalised_incidents(layers, tmp_path):
    prepared = pipeline.prepare(layers=layers, public=True)
    out = tmp_path / "public"
    pipeline.write_outputs(prepared, out, formats=())
    inc = pyogrio.read_dataframe(out / "route_risk.gpkg", layer="incidents")
    assert sorted(inc[C.INCIDENT_ID]) == sorted(prepared.incidents[C.INCIDENT_ID])
    assert "c1" not in set(inc[C.INCIDENT_ID])  # restricted row not published
    assert inc.geometry.isna().all()  # no point finer than the first-level unit
    assert (inc[C.GEO_PRECISION] >= 3).all()
    assert set(inc[C.DATE_TEXT].str.len()) <= {4, 7}  # no date finer than a month
    for col in (C.NOTES, C.SOURCE_URL):
        assert not inc[col].fillna("").astype(bool).any(), col


def test_write_embed_snippet_writes_utf8(tmp_path):
    path = tmp_path / "m.embed.html"
    write_embed_snippet(path, map_file="m.html", title="Carte — risque")
    assert "Carte — risque" in path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------- GeoParquet


def test_geoparquet_segments_and_incidents_read_back_with_geopandas(layers, tmp_path):
    import geopandas as gpd
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    names = {p.name for p in pipeline.write_outputs(pipeline.prepare(layers=layers), out,
                                                   formats=(), geoparquet=True)}
    assert {"segments.parquet", "incidents.parquet"} <= names
    manifest = json.loads((out / "build_manifest.json").read_text(encoding="utf-8"))
    assert {"segments.parquet", "incidents.parquet"} <= {f["name"] for f in manifest["files"]}
    for layer in ("segments", "incidents"):
        path = out / f"{layer}.parquet"
        geo = json.loads(pq.read_metadata(path).metadata[b"geo"])
        assert geo["version"].startswith("1.") and geo["primary_column"] == "geometry"
        table = gpd.read_parquet(path)
        gpkg = pyogrio.read_dataframe(out / "route_risk.gpkg", layer=layer)
        assert table.crs.to_epsg() == 4326
        assert list(table.columns) == list(gpkg.columns), layer
        for col in table.columns.drop("geometry"):  # the same values as the GeoPackage layer
            a, b = table[col], gpkg[col]
            if pd.api.types.is_datetime64_any_dtype(a):
                a, b = a.dt.strftime("%Y-%m-%d"), b.dt.strftime("%Y-%m-%d")
            assert a.astype(object).where(a.notna(), None).tolist() == \
                b.astype(object).where(b.notna(), None).tolist(), (layer, col)
        missing = shapely.is_missing(table.geometry.values)
        assert (missing == shapely.is_missing(gpkg.geometry.values)).all()
        assert shapely.equals_exact(table.geometry.values[~missing],
                                    gpkg.geometry.values[~missing], tolerance=1e-9).all()
    segments = gpd.read_parquet(out / "segments.parquet")
    assert json.loads(segments[C.TOP_INCIDENTS].iat[0]) == json.loads(
        pyogrio.read_dataframe(out / "route_risk.gpkg", layer="segments")[C.TOP_INCIDENTS].iat[0])
    incidents = gpd.read_parquet(out / "incidents.parquet")
    assert incidents[C.STATUS].notna().all() and incidents.geometry.isna().any()  # p1, c1
