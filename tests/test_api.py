"""The Python API: ``geo.build()`` and the ``Build`` it returns, as a notebook user meets them."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import geo
from geo import columns as C
from geo.pipeline import SEGMENT_COLUMNS
from tests._factories import BENT, UNITS, write_layers

HOSTILE = "<img src=x onerror=alert(1)>${7*7}{{ 7*7 }}`"
CSV = ("incident_id,date,type,lat,lon,source_name\n"
       "a1,2020-05-01,arrest,0.3,1.0,test\n"
       "a2,2020-07-01,crackdown,0.8,2.0,test\n")


@pytest.fixture(scope="module")
def bundled() -> geo.Build:
    return geo.build()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> geo.Build:
    folder = write_layers(tmp_path_factory.mktemp("layers"), CSV)
    corridors = BENT.copy()
    corridors[C.ROUTE] = [HOSTILE, "R2"]
    corridors[C.CORRIDOR_ID] = [HOSTILE, "north"]
    corridors.to_file(folder / "corridors.geojson", driver="GeoJSON", engine="pyogrio")
    return geo.build(folder, as_of="2020-06-15")


def _documented(func: object) -> set[str]:
    """The names in the numpydoc ``Parameters`` section of ``func``'s docstring."""
    lines = inspect.cleandoc(getattr(func, "__doc__", "") or "").splitlines()
    start = lines.index("Parameters") + 2
    names: set[str] = set()
    for line in lines[start:]:
        if line and not line.startswith(" "):
            if line.startswith("---") or not line.replace("_", "").replace(", ", "").isalnum():
                break
            names |= {n.strip() for n in line.split(",")}
    return names


def test_public_names() -> None:
    for name in ("build", "Build", "Comparison", "PathsResult", "RiskModel", "Problem",
                 "RouteriskError", "ValidationError", "UsageError", "PlaceError", "ConfigError",
                 "InputWarning", "__version__"):
        assert name in geo.__all__
        assert getattr(geo, name) is not None
    assert issubclass(geo.RouteriskError, ValueError)
    for error in (geo.ValidationError, geo.UsageError, geo.PlaceError, geo.ConfigError):
        assert issubclass(error, geo.RouteriskError)
        assert f"{error.__module__}.{error.__qualname__}" == f"geo.{error.__name__}"
    assert issubclass(geo.InputWarning, UserWarning)


def test_every_error_the_library_raises_is_public_under_one_base() -> None:
    """Each routerisk error class raised anywhere in ``geo`` is importable from ``geo`` and a
    :class:`geo.RouteriskError` (read from the source: every ``raise Name(…)``)."""
    import ast

    from geo import _errors

    ours = {n for n, v in vars(_errors).items() if isinstance(v, type)
            and issubclass(v, Exception)}
    raised = set()
    for path in Path(geo.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(
                    node.exc.func, ast.Name) and node.exc.func.id in ours:
                raised.add(node.exc.func.id)
    assert {"ValidationError", "UsageError", "PlaceError", "ConfigError"} <= raised
    for name in raised:
        assert name in geo.__all__ and issubclass(getattr(geo, name), geo.RouteriskError)


def test_returned_objects_are_the_public_types(bundled: geo.Build) -> None:
    assert isinstance(bundled, geo.Build) and isinstance(bundled.model, geo.RiskModel)
    assert isinstance(bundled.compare("2024-06-01"), geo.Comparison)
    assert isinstance(bundled.route("Shenyang", "Kunming"), geo.PathsResult)
    assert all(isinstance(w, geo.Problem) for w in bundled.warnings)


def test_build_lists_every_option_and_a_typo_fails_at_the_call() -> None:
    from geo.pipeline import prepare

    params = inspect.signature(geo.build).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
    assert set(inspect.signature(prepare).parameters) <= set(params)
    assert all(p.kind is p.KEYWORD_ONLY for n, p in params.items() if n != "layers")
    assert set(params) <= _documented(geo.build)
    with pytest.raises(TypeError, match="encodng"):
        geo.build(layers="/nonexistent", encodng="cp1252")  # type: ignore[call-arg]


def test_import_geo_loads_nothing_heavy() -> None:
    code = ("import sys, geo; heavy = [m for m in ('geopandas', 'pandas', 'folium', "
            "'matplotlib', 'shapely', 'pyproj') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_segments_are_tidy(bundled: geo.Build) -> None:
    seg = bundled.segments
    assert isinstance(seg, gpd.GeoDataFrame)
    assert seg.crs.equals(4326)
    assert seg[C.SEGMENT_ID].is_unique
    assert list(seg.index) == list(range(len(seg)))
    # as in segments.geojson: p_90d after risk_band
    at = SEGMENT_COLUMNS.index(C.RISK_BAND) + 1
    assert seg.columns.tolist() == [*SEGMENT_COLUMNS[:at], "p_90d", *SEGMENT_COLUMNS[at:],
                                    "geometry"]
    assert seg[C.RISK_BAND].between(1, 5).all()
    top = seg[C.TOP_INCIDENTS].iloc[0]
    assert isinstance(top, list) and isinstance(top[0], dict)
    assert {"incident_id", "share"} <= set(top[0])
    head = seg.head()
    assert len(head) == 5 and isinstance(head, gpd.GeoDataFrame)


def test_summaries_and_incidents(bundled: geo.Build) -> None:
    assert isinstance(bundled.routes, pd.DataFrame) and bundled.routes[C.CORRIDOR_ID].is_unique
    assert set(bundled.segments[C.CORRIDOR_ID]) == set(bundled.routes[C.CORRIDOR_ID])
    assert len(bundled.families) == bundled.routes[C.ROUTE].nunique()
    inc = bundled.incidents
    assert {C.STATUS, C.REASON} <= set(inc.columns)
    assert inc[C.STATUS].notna().all() and (inc[C.REASON].str.len() > 0).all()
    assert set(inc[C.STATUS]) <= {"scored", "future", "unassigned", "rejected"}
    assert bundled.as_of >= max(d.date() for d in inc[C.DATE])


def test_top_incidents_are_json_text_in_every_file(bundled: geo.Build, tmp_path: Path) -> None:
    seg = bundled.segments
    expected = [list(t) for t in seg[C.TOP_INCIDENTS]]
    seg.to_file(tmp_path / "s.gpkg", engine="pyogrio")
    seg.drop(columns="geometry").to_csv(tmp_path / "s.csv", index=False)
    back = pyogrio.read_dataframe(tmp_path / "s.gpkg")
    assert [json.loads(v) for v in back[C.TOP_INCIDENTS]] == expected
    assert [json.loads(v) for v in pd.read_csv(tmp_path / "s.csv")[C.TOP_INCIDENTS]] == expected
    files = bundled.to_files(tmp_path / "out", formats=())
    names = {f.name for f in files}
    assert {"segments.geojson", "routes.csv", "route_risk.gpkg", "route_risk_map.html"} <= names
    csv_cells = pd.read_csv(tmp_path / "out" / "routes.csv")[C.TOP_INCIDENTS]
    assert all(isinstance(json.loads(v), list) for v in csv_cells)
    gpkg = pyogrio.read_dataframe(tmp_path / "out" / "route_risk.gpkg", layer="segments")
    assert [json.loads(v) for v in gpkg[C.TOP_INCIDENTS]] == expected
    # GeoJSON holds the same JSON as an array; OGR readers give it back as the same JSON text
    gj = pyogrio.read_dataframe(tmp_path / "out" / "segments.geojson")
    assert [json.loads(v) for v in gj[C.TOP_INCIDENTS]] == expected


def test_explore_is_the_interactive_map(bundled: geo.Build) -> None:
    m = bundled.explore(title="My map")
    assert isinstance(m, folium.Map)
    page = m.get_root().render()
    assert "RouteRisk.layers(" in page and "My map" in page
    assert "leaflet" in m._repr_html_().lower()  # what Jupyter shows inline


def _risk_data(m: folium.Map) -> str:
    from geo.maps.interactive import RiskLayers

    layers = [c for c in m._children.values() if isinstance(c, RiskLayers)]
    assert len(layers) == 1
    return layers[0].json_text()


def test_explore_onto_an_existing_map_draws_the_same_layers(hostile: geo.Build) -> None:
    """``m=`` changes where the layers go, not what is drawn: the same data, legend, panel and
    slider as a new map; the user's map keeps its own Leaflet (not inlined a second time)."""
    from geo.maps.interactive import InfoPanel, Legend, TimeSlider

    base = folium.Map(tiles=None)
    assert hostile.explore(m=base) is base
    own = hostile.explore()
    assert _risk_data(base) == _risk_data(own)
    for control in (Legend, InfoPanel, TimeSlider):
        assert any(isinstance(c, control) for c in base._children.values()), control
    page = base.get_root().render()
    assert "RouteRisk.layers(" in page
    assert page.count("Leaflet 1.") == 0  # the inlined copy's banner: only in a new map
    assert own.get_root().render().count("/* Leaflet 1.") == 1
    # hostile text stays data: escaped in the JSON, run by neither JavaScript nor Jinja
    assert "<img src=x" not in page and "\\u003cimg src=x" in page
    assert "{{ 7*7 }}" not in page and "\\u007b{ 7*7 }}" in page  # JSON.parse gives it back


def test_explore_tiles_take_a_name_or_a_provider_never_letters(bundled: geo.Build) -> None:
    import xyzservices.providers as xyz

    def tile_names(m: folium.Map) -> list[str]:
        from geo.maps.interactive import LayerSwitcher

        switch = next(c for c in m._children.values() if isinstance(c, LayerSwitcher))
        return [t["name"] for t in switch.spec["tiles"]]

    assert tile_names(bundled.explore(tiles="OpenStreetMap")) == ["OpenStreetMap.Mapnik"]
    assert tile_names(bundled.explore(tiles=xyz.OpenTopoMap)) == ["OpenTopoMap"]
    assert tile_names(bundled.explore(tiles=["Esri.WorldImagery", xyz.OpenStreetMap.Mapnik])
                      ) == ["Esri.WorldImagery", "OpenStreetMap.Mapnik"]
    assert tile_names(bundled.explore()) == []  # offline unless asked
    with pytest.raises(geo.UsageError, match="unknown tile provider 'NoSuchTiles'") as info:
        bundled.explore(tiles="NoSuchTiles")
    assert info.value.problem.field == "tiles"


def test_explore_and_plot_keywords_are_explicit(bundled: geo.Build) -> None:
    with pytest.raises(TypeError, match="titel"):
        bundled.explore(titel="typo")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="legnd"):
        bundled.plot(ax=Figure().add_subplot(), legnd=False)  # type: ignore[call-arg]
    for method in (bundled.explore, bundled.plot):
        params = inspect.signature(method).parameters
        assert not any(p.kind is p.VAR_KEYWORD for p in params.values()), method
        assert set(params) <= _documented(method), method


def test_explore_and_plot_column_is_risk_band_or_a_clear_error(bundled: geo.Build) -> None:
    assert isinstance(bundled.explore(column="risk_band"), folium.Map)
    with pytest.raises(geo.UsageError, match=r"segments\.explore\(column='exposure'\)") as info:
        bundled.explore(column="exposure")
    assert str(info.value).startswith("column: the risk map colours segments by 'risk_band'")
    with pytest.raises(geo.UsageError, match=r"segments\.plot\(column='exposure'\)"):
        bundled.plot(ax=Figure().add_subplot(), column="exposure")
    ax = bundled.plot(ax=Figure().add_subplot(), legend=False, title="Mine")
    assert ax.get_legend() is None and ax.get_title(loc="left") == "Mine · RESTRICTED"


def test_plot_draws_the_static_map(bundled: geo.Build) -> None:
    ax = Figure().add_subplot()
    assert bundled.plot(ax=ax) is ax
    assert len(ax.collections) >= 3  # boundaries, borders, segments
    assert ax.get_legend() is not None
    own = bundled.plot()
    assert isinstance(own, Axes)
    import matplotlib.pyplot as plt

    plt.close(own.figure)


def test_repr_is_short_and_html_escaped(hostile: geo.Build) -> None:
    text = repr(hostile)
    assert text.startswith("<geo.Build as of 2020-06-15:") and "\n" not in text
    assert len(text) < 200
    page = hostile._repr_html_()
    assert "2020-06-15" in page and "worst corridors" in page
    assert "<img" not in page and "&lt;img" in page


def test_validation_error_is_public(tmp_path: Path) -> None:
    folder = write_layers(tmp_path / "layers", "incident_id,date,type,lat,lon\n"
                                               "a,2020-13-45,arrest,0.3,1.0\n")
    with pytest.raises(geo.ValidationError) as info:
        geo.build(folder)
    assert any(p.field == C.DATE for p in info.value.problems)
    assert "incidents.csv:" in str(info.value)


def test_usage_errors_speak_python_not_flags(tmp_path: Path) -> None:
    with pytest.raises(geo.UsageError, match="not a date") as info:
        geo.build(as_of="June 2024")
    assert info.value.problem.field == "as_of"
    folder = write_layers(tmp_path / "layers", CSV)  # every row restricted (the default)
    with pytest.raises(geo.UsageError) as empty:
        geo.build(folder, public=True)  # nothing left to take the as-of date from
    assert "--" not in str(empty.value) and empty.value.problem.field == "as_of"
    with pytest.raises(geo.UsageError, match="gif"):
        geo.build(folder).to_files(tmp_path / "o", formats=("gif",))


def test_compare_and_route(bundled: geo.Build, tmp_path: Path) -> None:
    c = bundled.compare("2024-06-01")
    assert len(c.changes) and c.date_to == bundled.as_of
    assert "segments changed band" in repr(c)
    assert isinstance(c.explore(), folium.Map)
    assert [f.name for f in c.to_files(tmp_path / "c")] == ["changes.csv", "changes_map.html"]
    with pytest.raises(geo.UsageError):
        bundled.compare(bundled.as_of)
    r = bundled.route("Shenyang", ["Kunming"])
    assert r.paths["kind"].tolist() == ["least-risk", "shortest"]
    assert (r.paths[C.EXPOSURE].iloc[0] <= r.paths[C.EXPOSURE].iloc[1] + 1e-9)
    assert isinstance(r.explore(), folium.Map)


def test_units_fixture_is_what_the_hostile_build_reads(hostile: geo.Build) -> None:
    assert len(hostile.boundaries) == len(UNITS)
    assert HOSTILE in set(hostile.segments[C.CORRIDOR_ID])


def test_library_errors_name_keywords_not_flags(tmp_path: Path) -> None:
    folder = write_layers(tmp_path / "layers", "")
    (folder / "incidents.csv").write_bytes(CSV.encode("utf-16"))
    with pytest.raises(geo.ValidationError) as info:
        geo.build(folder)
    text = str(info.value)
    assert "give its encoding (encoding='utf-16')" in text and "--" not in text
    assert info.value.problems[0].option == "encoding='utf-16'"
