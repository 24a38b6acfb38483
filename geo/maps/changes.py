"""The change map: segments whose risk band rose (red) or fell (blue) between two dates.

Built from the output of :func:`geo.compare.compare_dates`; drawn by ``templates/compare.js``
from a JSON block that is parsed, never executed. Leaflet is inlined: no request at all.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.template import Template

from geo._json import plain
from geo.compare import CHANGE, CHANGE_COLOURS, CHANGE_COLUMNS
from geo.maps._assets import template_text
from geo.maps._escape import json_for_html, script_safe, style_safe
from geo.maps._payload import outside_mask
from geo.maps._style import OUTSIDE_COLOUR, OUTSIDE_LABEL
from geo.maps.interactive import InlineAssets, SafeMacroElement, deterministic_ids

__all__ = ["ChangeLayers", "build_changes_map", "save_changes_map"]


def _lines(geoms: Sequence[Any] | np.ndarray, digits: int = 5) -> list[Any]:
    out: list[Any] = []
    for g in geoms:
        if g is None or g.is_empty:
            out.append(None)
            continue
        out.append(shapely.geometry.mapping(shapely.set_precision(g, 10.0**-digits)))
    return out


def _polygons(boundaries: gpd.GeoDataFrame, tolerance: float = 0.01) -> list[Any]:
    simple = shapely.simplify(boundaries.to_crs(4326).geometry.values, tolerance,
                              preserve_topology=True)
    return [shapely.geometry.mapping(shapely.set_precision(g, 1e-4)) for g in simple
            if g is not None and not g.is_empty]


class ChangeLayers(SafeMacroElement):
    """Boundaries, all segments (grey) and the changed ones (red rose, blue fell).

    Drawn by ``templates/compare.js`` from a JSON block that is parsed, never executed.

    Parameters
    ----------
    data
        The page's data (see :func:`build_changes_map`).

    Examples
    --------
    >>> print(ChangeLayers({"title": "<b>x</b>"}).data_json)
    {"title":"\\u003cb\\u003ex\\u003c/b\\u003e"}
    """

    _template = Template("""
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
<script>{{ this.js }}</script>
{% endmacro %}
{% macro html(this, kwargs) %}
<script type="application/json" id={{ (this.get_name() ~ "_data")|tojson }}>
{{ this.data_json }}
</script>
{% endmacro %}
{% macro script(this, kwargs) %}
RouteRiskCompare({{ this._parent.get_name() }}, JSON.parse(
    document.getElementById({{ (this.get_name() ~ "_data")|tojson }}).textContent));
{% endmacro %}
""")

    def __init__(self, data: Mapping[str, Any]):
        super().__init__()
        self._name = "ChangeLayers"
        self.data = data
        self.data_json = json_for_html(data)
        self.js = script_safe(template_text("compare.js"))
        self.css = style_safe(template_text("compare.css"))


def build_changes_map(changes: gpd.GeoDataFrame, segments: gpd.GeoDataFrame,
                      boundaries: gpd.GeoDataFrame, *, date_from: date, date_to: date,
                      title: str | None = None, public: bool = False) -> folium.Map:
    """A self-contained map of the segments whose band rose (red) or fell (blue).

    Parameters
    ----------
    changes
        Output of :func:`geo.compare.compare_dates`.
    segments
        All segments, drawn thin and grey for context.
    boundaries
        Boundaries layer, drawn as a plain background.
    date_from, date_to
        The compared dates (shown in the title panel).
    title
        Panel title; default ``"Risk band changes DATE_FROM → DATE_TO"``. Shown as text.
    public
        Label the map PUBLIC instead of RESTRICTED.

    Returns
    -------
    folium.Map
        Leaflet is inlined (from the XStatic package): the page makes no network request.

    Examples
    --------
    >>> import geo
    >>> c = geo.build().compare("2024-06-01")
    >>> m = build_changes_map(c.changes, c._result.segments, c._result.boundaries,
    ...                       date_from=c.date_from, date_to=c.date_to)
    >>> "RouteRiskCompare(" in m.get_root().render()
    True
    """
    seg = segments.to_crs(4326) if segments.crs is not None else segments
    outside = outside_mask(seg)
    ch = changes.to_crs(4326) if len(changes) and changes.crs is not None else changes
    bounds_src = ch if len(ch) else seg
    if len(bounds_src):
        w, s, e, n = (float(v) for v in bounds_src.total_bounds)
    else:
        w, s, e, n = -10.0, -10.0, 10.0, 10.0
    props = [
        {k: plain(v) for k, v in row.items()}
        for row in ch[[c for c in CHANGE_COLUMNS if c in ch.columns]].to_dict("records")
    ] if len(ch) else []
    heading = title or f"Risk band changes {date_from.isoformat()} → {date_to.isoformat()}"
    data: dict[str, Any] = {
        "title": heading,
        "dateFrom": date_from.isoformat(),
        "dateTo": date_to.isoformat(),
        "mark": "PUBLIC" if public else "RESTRICTED",
        "colours": CHANGE_COLOURS,
        "bounds": [[s, w], [n, e]],
        "boundaries": _polygons(boundaries) if len(boundaries) else [],
        "context": _lines(seg.geometry.values[~outside], digits=4),
        "outside": _lines(seg.geometry.values[outside], digits=4),
        "outsideStyle": {"colour": OUTSIDE_COLOUR, "label": OUTSIDE_LABEL},
        "changes": {"geometry": _lines(ch.geometry.values) if len(ch) else [],
                    "properties": props},
        "counts": {"rose": int((ch[CHANGE] == "rose").sum()) if len(ch) else 0,
                   "fell": int((ch[CHANGE] == "fell").sum()) if len(ch) else 0},
    }
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2], zoom_start=5, tiles=None,
                   control_scale=True)
    m.default_js = []  # per instance: folium's CDN links replaced by inlined Leaflet
    m.default_css = []
    m.get_root().title = html.escape(heading)  # type: ignore[attr-defined]
    InlineAssets().add_to(m)
    ChangeLayers(data).add_to(m)
    deterministic_ids(m, root="routerisk_compare")
    return m


def save_changes_map(m: folium.Map, path: Path) -> None:
    """Write the change map as one HTML file (same inputs, same bytes).

    Parameters
    ----------
    m
        A map from :func:`build_changes_map`.
    path
        The ``.html`` file.

    Examples
    --------
    >>> import geo, tempfile
    >>> c = geo.build().compare("2024-06-01")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_changes_map(c.explore(), Path(tmp) / "changes.html")
    ...     (Path(tmp) / "changes.html").stat().st_size > 10_000
    True
    """
    deterministic_ids(m, root="routerisk_compare")
    Path(path).write_bytes(m.get_root().render().encode("utf-8"))
