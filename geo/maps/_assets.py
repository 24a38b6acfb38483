"""JavaScript, CSS and templates inlined into the interactive map.

Leaflet and Leaflet.markercluster come from the installed XStatic packages (pinned by the
package versions, never fetched); our own small script, stylesheet and Jinja templates ship in
``geo/maps/templates``. Files are read on first use, never on import.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

__all__ = ["inline_css", "inline_js", "template_text"]

# Leaflet's stylesheet points at images next to it; the layer-control icons are inlined as data
# URIs and the default marker icon (never used: every marker is a div icon) is dropped, so the
# page fetches nothing.
_CSS_URL = re.compile(r"url\((['\"]?)images/([\w.-]+\.png)\1\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.MULTILINE)
_DEFAULT_ICON_RULE = re.compile(r"\.leaflet-default-icon-path\s*\{[^}]*\}")


def _read(path: Path) -> str:
    return path.read_text("utf-8")


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def _leaflet_css() -> str:
    base = Path(xs_leaflet.BASE_DIR)
    css = _DEFAULT_ICON_RULE.sub("", _read(base / "leaflet.css"))
    return _CSS_URL.sub(lambda m: f"url({_data_uri(base / 'images' / m.group(2))})", css)


def _script_safe(js: str) -> str:
    """Drop source-map comments; make sure nothing can close the inline ``<script>``."""
    js = _SOURCE_MAP.sub("", js)
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def template_text(name: str) -> str:
    """Text of a file in ``geo/maps/templates``."""
    return resources.files("geo.maps").joinpath("templates", name).read_text("utf-8")


@cache
def inline_css() -> str:
    """Every stylesheet of the map, concatenated (Leaflet, markercluster base, ours)."""
    parts = [
        _leaflet_css(),
        _read(Path(xs_cluster.BASE_DIR) / "MarkerCluster.css"),
        template_text("routerisk.css"),
    ]
    css = "\n".join(parts)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


@cache
def inline_js() -> str:
    """Every script of the map, concatenated (Leaflet, markercluster, ours)."""
    parts = [
        f"/* Leaflet {xs_leaflet.VERSION} (BSD-2-Clause) */",
        _read(Path(xs_leaflet.BASE_DIR) / "leaflet.js"),
        f"/* Leaflet.markercluster {xs_cluster.VERSION} (MIT) */",
        _read(Path(xs_cluster.BASE_DIR) / "leaflet.markercluster.js"),
        template_text("routerisk.js"),
    ]
    return _script_safe("\n".join(parts))
