"""Read and validate the three input layers: boundaries, corridors and incidents.

Every loader returns a new GeoDataFrame in EPSG:4326 or raises one
:class:`~geo._errors.ValidationError` holding every problem of the file, each as
``FILE:ROW_OR_FEATURE: field: what is wrong``. Suspicious but acceptable input (coordinates
that look swapped, a repaired polygon, a link that is not http(s)) is reported with an
:class:`~geo._errors.InputWarning`.

GeoJSON is parsed by :mod:`geo.io._geojson` rather than through GDAL so that every problem names
its feature; other vector formats (GeoPackage, shapefile …) go through pyogrio.

Modules: :mod:`geo.io.boundaries`, :mod:`geo.io.corridors`, :mod:`geo.io.incidents`,
:mod:`geo.io.places` (gazetteer look-up), :mod:`geo.io.crs` (WGS84 and the study CRS).
"""

from __future__ import annotations

from geo.io.boundaries import read_boundaries
from geo.io.corridors import read_corridors
from geo.io.crs import WGS84, study_crs
from geo.io.incidents import DEFAULT_TYPES, read_incidents
from geo.io.places import resolve_place

__all__ = [
    "DEFAULT_TYPES",
    "WGS84",
    "read_boundaries",
    "read_corridors",
    "read_incidents",
    "resolve_place",
    "study_crs",
]
