"""The interactive route-risk map: one self-contained, offline, time-aware HTML file.

:func:`build_map` returns a :class:`folium.Map` made of a few small components
(:class:`InlineAssets`, :class:`RiskLayers`, :class:`Legend`, :class:`InfoPanel`,
:class:`TimeSlider`, :class:`LayerSwitcher`). Each is a :class:`branca.element.MacroElement`
whose Jinja template passes its values through ``|tojson``; the drawing is done by the
modules of ``templates/js`` (assembled by :mod:`geo.maps._assets`), which put every data
string on the page with ``textContent``.
Leaflet and Leaflet.markercluster are inlined from the installed XStatic packages and the
basemap (land, countries, water, roads, place names) travels in the page's data, so the page
makes no request at all unless the user picks online tiles (``tiles``).

:func:`save_map` writes the page; the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template

from geo._errors import UsageError
from geo.maps._assets import inline_css, inline_js
from geo.maps._clusters import AGGREGATE_POINTS
from geo.maps._context import context_bounds, context_payload
from geo.maps._escape import json_for_html
from geo.maps._payload import (
    ModelLike,
    build_payload,
    legend_spec,
    panel_spec,
    tile_specs,
)

__all__ = [
    "InfoPanel",
    "InlineAssets",
    "LayerSwitcher",
    "Legend",
    "RiskLayers",
    "TimeSlider",
    "build_map",
    "data_folder",
    "save_map",
]

log = logging.getLogger(__name__)

#: More point incidents than this are clustered (Leaflet.markercluster).
CLUSTER_THRESHOLD = 200
#: Deepest zoom (city-level data: street level is already more than the data supports).
MAX_ZOOM = 14

LAYER_NAMES = {
    "segments": "Corridor segments (risk band)",
    "incidents": "Incidents (symbol by type)",
    "units": "Incidents known only to a province or country",
    "paths": "Least-risk and shortest paths",
    "boundaries": "Country and province boundaries",
}
DISPLAY_TOLERANCE_DEG = 0.02
PLAIN_BASEMAP = "Offline basemap (land, water, roads, names)"
#: Above this many MB of data, :func:`save_map` writes folder mode unless told otherwise.
FOLDER_MODE_MB = 50
#: Characters of JSON text per data file in folder mode (8 MB: each file stays easy to copy,
#: mail or host).
PART_CHARS = 8_000_000
_PART_NAME = re.compile(r"data-\d{3,}\.js")


class Verbatim(Element):
    """Already rendered text, added to the page as it is.

    branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which
    compiles the text as a Jinja template a second time: data holding ``{{ … }}`` or
    ``{% … %}`` would then be evaluated (server-side template injection). This element never
    parses its text.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class SafeMacroElement(MacroElement):
    """A MacroElement whose rendered macros are added verbatim (never templated twice)."""

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Verbatim(str(macro(self, kwargs))),
                                                name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
        return ""


class InlineAssets(SafeMacroElement):
    """Leaflet (unless ``leaflet=False``: a map of the user's brings its own), markercluster
    and routerisk's own script and styles, inlined in ``<head>``."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "<style>{{ this.css }}</style>\n<script>{{ this.js }}</script>\n"
        "{% endmacro %}"
    )

    def __init__(self, *, leaflet: bool = True) -> None:
        super().__init__()
        self._name = "InlineAssets"
        self.css = inline_css(leaflet=leaflet)
        self.js = inline_js(leaflet=leaflet)


class RiskLayers(SafeMacroElement):
    """Boundaries, incidents, coarse-incident units, segments and paths, drawn from JSON data.

    The data sits in a ``<script type="application/json">`` block (compact JSON; ``<``, ``>``,
    ``&`` and ``'`` escaped, see :func:`geo.maps._escape.json_for_html`) and is parsed with
    ``JSON.parse``: it is never executed. In folder mode (:func:`save_map`) the same JSON text
    travels in pieces, as string literals in ``.js`` files beside the page loaded with
    ``<script src>`` (which, unlike ``fetch``, works from ``file://``), and is joined and
    parsed the same way.
    """

    _template = Template("""
{% macro html(this, kwargs) %}
<svg class="rr-defs" width="0" height="0" aria-hidden="true" focusable="false"
     style="position:absolute"><defs>
  <pattern id="rr-hatch" patternUnits="userSpaceOnUse" width="7" height="7"
           patternTransform="rotate(45)">
    <rect width="7" height="7" fill="#252525" fill-opacity="0.05"/>
    <line x1="0" y1="0" x2="0" y2="7" stroke="#252525" stroke-width="1.5"
          stroke-opacity="0.55"/>
  </pattern>
  <pattern id="rr-hatch-wide" patternUnits="userSpaceOnUse" width="14" height="14"
           patternTransform="rotate(-45)">
    <line x1="0" y1="0" x2="0" y2="14" stroke="#252525" stroke-width="1.2"
          stroke-opacity="0.4"/>
  </pattern></defs></svg>
{% if this.parts %}
{% for src in this.parts %}<script src="{{ src|e }}" charset="utf-8"></script>
{% endfor %}
{% else %}
<script type="application/json" id={{ (this.get_name() ~ "_data")|tojson }}>
{{ this.json_text() }}
</script>
{% endif %}
{% endmacro %}
{% macro script(this, kwargs) %}
{% if this.parts %}
var {{ this.get_name() }} = RouteRisk.layers({{ this._parent.get_name() }},
    RouteRisk.joinParts({{ this._parent.get_name() }}, {{ this.get_name()|tojson }},
                        {{ this.parts|tojson }}, {{ this.digest|tojson }}));
{% else %}
var {{ this.get_name() }} = RouteRisk.layers({{ this._parent.get_name() }}, JSON.parse(
    document.getElementById({{ (this.get_name() ~ "_data")|tojson }}).textContent));
{% endif %}
{% endmacro %}
""")

    def __init__(self, data: Mapping[str, Any]):
        super().__init__()
        self._name = "RiskLayers"
        self.data = data
        #: In folder mode: the data files' URLs relative to the page, in order.
        self.parts: list[str] = []
        #: In folder mode: a digest of the JSON text, checked by the page against each part.
        self.digest = ""
        self._json: str | None = None

    def json_text(self) -> str:
        """The data as compact JSON text, safe inside the page (computed once per save)."""
        return self._json if self._json is not None else json_for_html(self.data)


class _Control(SafeMacroElement):
    """A control built by ``RouteRisk.<function>(map, layers, spec)``."""

    _template = Template("""
{% macro script(this, kwargs) %}
RouteRisk.{{ this.function }}({{ this._parent.get_name() }}, {{ this.layers.get_name() }},
    {{ this.spec|tojson }});
{% endmacro %}
""")
    function = ""

    def __init__(self, layers: RiskLayers, spec: Mapping[str, Any]):
        super().__init__()
        self._name = type(self).__name__
        self.layers = layers
        self.spec = spec


class Legend(_Control):
    """Band colours with their density ranges and unit, incident symbols, hatch and paths."""

    function = "legend"


class InfoPanel(_Control):
    """Title, as-of date, one-line method, sources and the publication mark."""

    function = "panel"


class TimeSlider(_Control):
    """A monthly date slider: recolours segments and filters incidents (no-op for one date)."""

    function = "slider"


class LayerSwitcher(_Control):
    """Base maps (plain offline background, optional online tiles) and toggleable overlays."""

    function = "layerControl"


def deterministic_ids(m: folium.Map, *, root: str = "routerisk") -> None:
    """Replace folium's random element ids with ones that depend only on the tree."""
    m._id = root
    count = 0

    def walk(element: Element) -> None:
        nonlocal count
        for child in element._children.values():
            count += 1
            child._id = f"{count:03d}"
            walk(child)

    walk(m)


def display_boundaries(boundaries: gpd.GeoDataFrame, *,
                       tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """Boundaries simplified for the basemap (a new frame; the analysis keeps full detail).

    Douglas–Peucker per unit at ``tolerance_deg`` (0.02° ≈ 2 km: a pixel at zoom 6–7), topology
    of each unit kept. Neighbours may part or overlap by up to the tolerance, which the page
    cannot show at the zooms where the borders are read.
    """
    wgs = boundaries.to_crs(4326) if boundaries.crs is not None else boundaries
    simple = shapely.simplify(wgs.geometry.values, tolerance_deg, preserve_topology=True)
    return wgs.set_geometry(list(simple), crs=wgs.crs)


def build_map(
    segments: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    as_of: date,
    model: ModelLike,
    timeline: pd.DataFrame | None = None,
    paths: gpd.GeoDataFrame | None = None,
    sources: Sequence[Mapping[str, str]] = (),
    title: str = "Route risk",
    public: bool = False,
    tiles: Sequence[str] = (),
    cluster_threshold: int = CLUSTER_THRESHOLD,
    aggregate_points: int = AGGREGATE_POINTS,
    collapsed_layers: bool = False,
    basemap: bool = True,
    context: Mapping[str, gpd.GeoDataFrame] | None = None,
    context_osm: str | Path | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """The interactive risk map of scored segments, incidents and boundaries.

    Parameters
    ----------
    segments
        Scored segments (:func:`geo.model.scores.score_segments`), any CRS.
    incidents
        Incidents as loaded (:func:`geo.io.read_incidents`), future ones included: the page
        shows those dated on or before the slider's date.
    boundaries
        First-level units (:func:`geo.io.read_boundaries`): the vector basemap, and the areas
        of incidents known only to a province (geo_precision 3) or country (4).
    as_of
        Scoring date: the slider's last step and the date the explanations describe.
    model
        Band thresholds and labels, incident type labels (a :class:`geo.model.config.RiskModel`).
    timeline
        Bands per ``segment_id`` (index) per month-end ISO date (columns), from
        :func:`geo.model.scores.band_timeline`; without it the page shows only ``as_of``.
    paths
        Optional least-risk / shortest paths: ``kind`` ("least-risk" | "shortest"),
        ``length_km``, ``exposure``, LineString geometry.
    sources
        ``{"name": ..., "url": ...}`` items listed in the panel (only http(s) URLs are links).
    title
        Page and panel title.
    public
        Mark the page as the public version; also drops restricted incidents, notes, places
        and source URLs and draws every incident as its province or country.
    tiles
        Online basemaps by :mod:`xyzservices` name (e.g. ``("OpenStreetMap",)``); the first is
        shown, the offline plain background stays selectable. Default: none, no request.
    cluster_threshold
        Cluster point incidents when there are more than this many.
    aggregate_points
        Above this many point incidents, count them per grid cell and zoom level at build
        time instead of embedding one marker each (see :mod:`geo.maps._clusters`).
    collapsed_layers
        Show the layer control as an icon that expands on hover.
    basemap
        Draw the offline basemap under the risk layers: land and sea, every country with its
        name, coastlines, rivers, lakes, roads, railways and place names placed by zoom
        (the plain background, selectable against online ``tiles``). ``False``: a plain
        colour only. Onto a map given as ``m`` too, as its offline base layer.
    context
        The basemap's layers (as :func:`geo.maps.basemap.load_context` returns them); default:
        the package's basemap for the map's extent (see :func:`geo.maps._context.context_bounds`).
    context_osm
        An OSM extract (``.osm.pbf``) whose roads and place names are drawn too.
    m
        Draw onto this map (it keeps its own Leaflet, tiles, title and elements; the same
        layers, legend, panel and slider are added) instead of a new self-contained one.

    Returns
    -------
    folium.Map
        ``m``, or the new map; save it with :func:`save_map`.

    Raises
    ------
    geo.UsageError
        For an unknown tile provider or one that needs an API key.

    Examples
    --------
    >>> from geo.pipeline import prepare
    >>> p = prepare()
    >>> m = build_map(p.scored, p.incidents, p.boundaries, as_of=p.as_of, model=p.model)
    >>> "RouteRisk.layers(" in m.get_root().render()
    True
    """
    try:
        tile_layers = tile_specs(tiles)
    except ValueError as exc:
        raise UsageError(str(exc), field="tiles") from None
    data = build_payload(segments, incidents, display_boundaries(boundaries), as_of=as_of,
                         model=model,
                         timeline=timeline, paths=paths, public=public,
                         aggregate_points=aggregate_points)
    data["clusterThreshold"] = int(cluster_threshold)
    if basemap:
        if context is None:
            from geo.maps.basemap import load_context

            context = load_context(context_bounds(data["bounds"]), osm=context_osm)
        data["basemap"] = context_payload(context)
    (s, w), (n, e) = data["bounds"]
    # folium's max_zoom goes to a tile layer; markercluster needs the map's own maxZoom
    own = m is None
    if m is None:
        m = folium.Map(location=[(s + n) / 2, (w + e) / 2], zoom_start=5, tiles=None,
                       control_scale=True, maxZoom=MAX_ZOOM, minZoom=2)
        # per instance, never on the class: folium's CDN links are replaced by inlined files
        m.default_js = []
        m.default_css = []
        figure = m.get_root()
        figure.title = html.escape(title)  # type: ignore[attr-defined]  # branca: no escaping
    else:
        m.fit_bounds([[s, w], [n, e]])
    InlineAssets(leaflet=own).add_to(m)
    layers = RiskLayers(data)
    layers.add_to(m)
    InfoPanel(layers, panel_spec(title=title, as_of=as_of, sources=sources,
                                 public=public)).add_to(m)
    LayerSwitcher(layers, {"plainName": PLAIN_BASEMAP, "tiles": tile_layers,
                           "names": LAYER_NAMES, "collapsed": collapsed_layers}).add_to(m)
    Legend(layers, legend_spec(model, types=data["types"], present=data["incidents"]["type"],
                               outside=any(data["segments"]["outside"]))).add_to(m)
    TimeSlider(layers, {}).add_to(m)
    if own:
        deterministic_ids(m)
    log.info("map: %d segments, %d incidents, %d dates", len(data["segments"]["id"]),
             len(data["incidents"]["id"]), len(data["steps"]))
    return m


def _risk_layers(m: folium.Map) -> RiskLayers | None:
    for child in m._children.values():
        if isinstance(child, RiskLayers):
            return child
    return None


def data_folder(path: Path) -> Path:
    """The folder of a folder-mode map's data files: ``NAME_files`` beside ``NAME.html``.

    >>> data_folder(Path("out/route_risk_map.html")).as_posix()
    'out/route_risk_map_files'
    """
    path = Path(path)
    return path.with_name(path.stem + "_files")


def _write_parts(layers: RiskLayers, text: str, path: Path) -> list[Path]:
    """Write ``text`` in pieces as ``NAME_files/data-NNN.js``; returns the files."""
    folder = data_folder(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; the map's data folder needs that name",
                         field="map_folder")
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    name = layers.get_name()
    files = []
    for k, at in enumerate(range(0, max(len(text), 1), PART_CHARS)):
        piece = text[at:at + PART_CHARS].replace("\\", "\\\\")  # no raw ' in the JSON text
        file = folder / f"data-{k:03d}.js"
        file.write_bytes(f"RouteRisk.part({json.dumps(name)}, {k}, {json.dumps(digest)}, "
                         f"'{piece}');\n".encode())
        files.append(file)
    for stale in folder.glob("data-*.js"):  # pieces of an earlier, larger map
        if stale not in files and _PART_NAME.fullmatch(stale.name):
            stale.unlink()
    layers.parts = [f"{quote(folder.name)}/{f.name}" for f in files]
    layers.digest = digest
    return files


def save_map(m: folium.Map, path: Path, *, folder: bool | None = None) -> list[Path]:
    """Write the map as one HTML file (or, in folder mode, the HTML and its data folder);
    identical inputs give identical bytes.

    Parameters
    ----------
    m
        A map from :func:`build_map`.
    path
        The ``.html`` file.
    folder
        Folder mode: the data (segments, incidents, boundaries …) goes into several ``.js``
        files in ``NAME_files/`` beside the page (:func:`data_folder`), loaded with
        ``<script src>``; everything else stays in the page, and it still works offline from
        ``file://``. Copy the page and its folder together. ``None`` (default): folder mode
        when the data would make the page larger than :data:`FOLDER_MODE_MB` MB.

    Returns
    -------
    list of Path
        The files written (the page first).

    Examples
    --------
    >>> import geo, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_map(geo.build().explore(), Path(tmp) / "map.html")[0].name
    ...     (Path(tmp) / "map.html").read_text().startswith("<!DOCTYPE html>")
    ...     [f.name for f in save_map(geo.build().explore(), Path(tmp) / "f.html", folder=True)]
    'map.html'
    True
    ['f.html', 'data-000.js']
    """
    path = Path(path)
    deterministic_ids(m)
    layers = _risk_layers(m)
    if layers is None:  # a map of other layers only: always one file
        path.write_bytes(m.get_root().render().encode("utf-8"))
        return [path]
    text = json_for_html(layers.data)
    if folder is None:
        folder = len(text) > FOLDER_MODE_MB * 1_000_000
        if folder:
            log.info("map: %.0f MB of data, more than %d MB: written as %s/ beside the page",
                     len(text) / 1e6, FOLDER_MODE_MB, data_folder(path).name)
    layers._json = text
    try:
        parts = _write_parts(layers, text, path) if folder else []
        page = m.get_root().render()
    finally:
        layers._json, layers.parts, layers.digest = None, [], ""
    path.write_bytes(page.encode("utf-8"))
    return [path, *parts]
