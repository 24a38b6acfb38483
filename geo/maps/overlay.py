"""Scored segments drawn onto a folium map the user already has (``Build.explore(m=…)``).

One :class:`folium.GeoJson` layer coloured by band, with a tooltip. folium puts tooltip values
into HTML without escaping, and branca renders a layer's output once more as a Jinja template,
so every text value is passed through :func:`geo.maps._escape.html_text` first.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np

from geo import columns as C
from geo.maps._escape import html_text
from geo.maps._style import BAND_COLOURS

__all__ = ["add_segments"]

TOOLTIP_FIELDS = (C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.RISK_BAND, C.RISK_DENSITY)


def add_segments(m: folium.Map, segments: gpd.GeoDataFrame, *,
                 name: str = "Corridor segments (risk band)", weight: float = 4.0
                 ) -> folium.Map:
    """Add the segments to ``m`` as one layer coloured by risk band; returns ``m``.

    Parameters
    ----------
    m
        A folium map (it keeps its own tiles and scripts).
    segments
        Scored segments (``Build.segments``), any CRS.
    name
        Layer name (shown as text in a layer control).
    weight
        Line width in pixels.

    Returns
    -------
    folium.Map
        ``m``, with the layer added.

    Examples
    --------
    >>> import folium, geopandas as gpd, shapely
    >>> seg = gpd.GeoDataFrame({"segment_id": ["<b>a</b>"], "corridor_id": ["c"],
    ...     "route": ["r"], "risk_band": [3], "risk_density": [1.0]},
    ...     geometry=[shapely.LineString([(100, 20), (101, 21)])], crs=4326)
    >>> html = add_segments(folium.Map(tiles=None), seg).get_root().render()
    >>> "lt;b" in html and "<b>a</b>" not in html
    True
    """
    wgs = segments.to_crs(4326) if segments.crs is not None else segments
    fields = [f for f in TOOLTIP_FIELDS if f in wgs.columns]
    data = wgs[[*fields, wgs.geometry.name]].copy()
    bands = np.clip(data[C.RISK_BAND].to_numpy(dtype=int), 1, len(BAND_COLOURS))
    data["_colour"] = [BAND_COLOURS[b - 1] for b in bands]
    for col in fields:
        if col == C.RISK_DENSITY:
            data[col] = [f"{float(v):.3g}" for v in data[col]]
        else:
            data[col] = [html_text(v) for v in data[col]]

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {"color": feature["properties"]["_colour"], "weight": weight, "opacity": 0.9}

    folium.GeoJson(data, name=html_text(name), style_function=style,
                   tooltip=folium.GeoJsonTooltip(fields=fields, aliases=fields)).add_to(m)
    return m
