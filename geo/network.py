"""Corridors along the OpenStreetMap network, kept at their first address.

Where things live now (the ``geo.osm`` package):

* :mod:`geo.osm.extract` — reading ``.osm``/``.pbf`` extracts cheaply (format, size, a box);
* :mod:`geo.osm.graph` — :func:`load_network` and :func:`download_network` (the only module
  that imports osmnx);
* :mod:`geo.osm.corridor` — :func:`corridor_from_graph`, :func:`corridor_from_osm`,
  :func:`corridor_from_download`;
* :mod:`geo.osm.append` — :func:`append_corridor`, splicing a corridor into a GeoJSON file.

New code imports from those modules; this one only re-exports them.
"""

from __future__ import annotations

from geo.osm.append import _features_layout, append_corridor
from geo.osm.corridor import (
    WAYPOINTS,
    corridor_from_download,
    corridor_from_graph,
    corridor_from_osm,
)
from geo.osm.graph import MODE_NETWORK, NETWORK_TYPES, download_network, load_network
from geo.paths import parse_waypoint

__all__ = [
    "MODE_NETWORK",
    "NETWORK_TYPES",
    "WAYPOINTS",
    "_features_layout",
    "append_corridor",
    "corridor_from_download",
    "corridor_from_graph",
    "corridor_from_osm",
    "download_network",
    "load_network",
    "parse_waypoint",
]
