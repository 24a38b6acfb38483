"""The sources the incidents cite, listed once each: for the map panels, the static maps'
footers and the output folder's captions."""

from __future__ import annotations

import geopandas as gpd

from geo import columns as C

__all__ = ["sources_of"]


def sources_of(incidents: gpd.GeoDataFrame) -> list[dict[str, str]]:
    """Distinct sources cited by the incidents, for map panels and captions.

    Parameters
    ----------
    incidents
        Incidents with ``source_name`` and ``source_url``.

    Returns
    -------
    list of dict
        ``{"name": ..., "url": ...}`` in order of first citation, each once.

    Examples
    --------
    >>> import pandas as pd
    >>> sources_of(pd.DataFrame({"source_name": ["A", "A", ""], "source_url": ["", "", ""]}))
    [{'name': 'A', 'url': ''}]
    """
    seen: dict[tuple[str, str], None] = {}
    for name, url in zip(incidents[C.SOURCE_NAME], incidents[C.SOURCE_URL], strict=True):
        if name or url:
            seen[(str(name), str(url))] = None
    return [{"name": n, "url": u} for n, u in seen]
