"""JavaScript, CSS and templates inlined into the interactive map.

Leaflet and Leaflet.markercluster come from the installed XStatic packages (pinned by the
package versions, never fetched); our own stylesheet and Jinja templates ship in
``geo/maps/templates``, and the map's script as modules by concern in
``geo/maps/templates/js`` (:data:`JS_MODULES`), assembled here into one function scope at build
time. Files are read on first use, never on import.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from geo.maps._escape import script_safe, style_safe

__all__ = ["JS_MODULES", "inline_css", "inline_js", "routerisk_js", "template_text"]

#: The map's script modules in load order: each defines ``RR.<name>`` from the ones before it
#: (``main`` defines ``RR.api``, the page's ``RouteRisk``). tests/js loads them the same way.
JS_MODULES = ("core", "geometry", "raster", "segments", "labels", "basemap", "popups",
              "incidents", "time", "legend", "panel", "controls", "layers", "main")

# Leaflet's stylesheet points at images next to it; the layer-control icons are inlined as data
# URIs and the default marker icon (never used: every marker is a div icon) is dropped, so the
# page fetches nothing.
_CSS_URL = re.compile(r"url\((['\"]?)images/([\w.-]+\.png)\1\)")
_DEFAULT_ICON_RULE = re.compile(r"\.leaflet-default-icon-path\s*\{[^}]*\}")


def _read(path: Path) -> str:
    return path.read_text("utf-8")


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def _leaflet_css() -> str:
    base = Path(xs_leaflet.BASE_DIR)
    css = _DEFAULT_ICON_RULE.sub("", _read(base / "leaflet.css"))
    return _CSS_URL.sub(lambda m: f"url({_data_uri(base / 'images' / m.group(2))})", css)


def template_text(name: str) -> str:
    """Text of a file in ``geo/maps/templates``."""
    return resources.files("geo.maps").joinpath("templates", name).read_text("utf-8")


@cache
def inline_css(*, leaflet: bool = True) -> str:
    """Every stylesheet of the map, concatenated (Leaflet unless ``leaflet=False``, for a map
    that brings its own; markercluster base; ours)."""
    parts = [
        _leaflet_css() if leaflet else "",
        _read(Path(xs_cluster.BASE_DIR) / "MarkerCluster.css"),
        template_text("routerisk.css"),
    ]
    return style_safe("\n".join(parts))


@cache
def routerisk_js() -> str:
    """The map's own script: :data:`JS_MODULES` in order, inside one function that publishes
    ``RR.api`` as ``window.RouteRisk``."""
    parts = ["/* routerisk map (modules: geo/maps/templates/js) */",
             "(function (global) {", '"use strict";', "var RR = {};"]
    for name in JS_MODULES:
        parts.append(f"/* --- {name}.js --- */")
        parts.append(template_text(f"js/{name}.js"))
    parts.append("global.RouteRisk = RR.api;\n}(window));")
    return "\n".join(parts)


@cache
def inline_js(*, leaflet: bool = True) -> str:
    """Every script of the map, concatenated (Leaflet unless ``leaflet=False``, for a map that
    brings its own; markercluster; ours)."""
    parts = [
        f"/* Leaflet {xs_leaflet.VERSION} (BSD-2-Clause) */" if leaflet else "",
        _read(Path(xs_leaflet.BASE_DIR) / "leaflet.js") if leaflet else "",
        f"/* Leaflet.markercluster {xs_cluster.VERSION} (MIT) */",
        _read(Path(xs_cluster.BASE_DIR) / "leaflet.markercluster.js"),
        routerisk_js(),
    ]
    return script_safe("\n".join(parts))
