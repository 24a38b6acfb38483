"""OpenStreetMap: extracts on disk, road and rail graphs, corridors along them.

* :mod:`geo.osm.extract` — an extract's format and size, and a box cut from a ``.pbf``;
* :mod:`geo.osm.graph` — the network graph (the only module that imports osmnx);
* :mod:`geo.osm.corridor` — waypoints snapped to the graph, joined by shortest paths;
* :mod:`geo.osm.append` — a corridor appended to a corridors GeoJSON file.

The package itself imports nothing, so reading an extract's size never loads osmnx.
"""
