"""The sources the incidents cite, listed once per outlet: for the map panels, the static
maps' footers and the output folder's captions."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from geo import columns as C
from geo.maps._payload import _texts, http_url, outlets

__all__ = ["sources_of"]


def sources_of(incidents: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Distinct outlets cited by the incidents, for map panels and captions.

    A source name listing several outlets (``"A;B"``) counts for each; an outlet is listed
    once however many incidents or spellings cite it.

    Parameters
    ----------
    incidents
        Incidents with ``source_name`` and ``source_url``.

    Returns
    -------
    list of dict
        ``{"name": ..., "url": ..., "count": ...}`` in order of first citation, each outlet
        once; ``url`` is the first http(s) URL of an incident citing that outlet alone (or
        ``""``), ``count`` the number of incidents citing it.

    Examples
    --------
    >>> import pandas as pd
    >>> sources_of(pd.DataFrame({"source_name": ["A", "A;B;A", ""],
    ...                          "source_url": ["", "", "https://x.org/1"]}))
    [{'name': 'A', 'url': '', 'count': 2}, {'name': 'B', 'url': '', 'count': 1}, \
{'name': 'https://x.org/1', 'url': 'https://x.org/1', 'count': 1}]
    """
    pairs = pd.DataFrame({"name": _texts(incidents[C.SOURCE_NAME]),
                          "url": _texts(incidents[C.SOURCE_URL])})
    counts = pairs.groupby(["name", "url"], sort=False).size()
    merged: dict[str, dict[str, Any]] = {}
    for key, count in counts.items():
        name, url = str(key[0]), str(key[1])  # type: ignore[index]
        names = outlets(name) or ([url.strip()] if url.strip() else [])
        for outlet in names:
            entry = merged.setdefault(outlet.casefold(), {"name": outlet, "url": "", "count": 0})
            entry["count"] += int(count)
            if not entry["url"] and len(names) == 1:
                entry["url"] = http_url(url)
    return list(merged.values())
