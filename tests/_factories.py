"""Tiny inputs built in code, following the data contract of geo.io (spaghetti style)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo._dates import parse_period

# Two countries side by side on the equator, AA split into two first-level units.
UNITS = gpd.GeoDataFrame(
    {
        C.COUNTRY: ["AA", "AA", "BB"],
        C.ADMIN1: ["West", "East", ""],
        C.ADMIN1_CODE: ["W", "E", ""],
    },
    geometry=[shapely.box(-1, -1, 0.5, 1), shapely.box(0.5, -1, 2, 1), shapely.box(2, -1, 4, 1)],
    crs=4326,
)

# A straight corridor along the equator, 0°E to 3°E (~334 km), crossing from AA into BB at 2°E.
STRAIGHT = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["eq"], C.ROUTE: ["Equator"], C.NAME: ["Equator line"], C.MODE: ["road"],
     C.SOURCE: ["test"]},
    geometry=[shapely.LineString([(0, 0), (3, 0)])],
    crs=4326,
)

# A bent corridor (three vertices) and a second corridor, for order and network properties.
BENT = gpd.GeoDataFrame(
    {C.CORRIDOR_ID: ["bent", "north"], C.ROUTE: ["R1", "R2"], C.NAME: ["Bent", "North"],
     C.MODE: ["rail", "road"], C.SOURCE: ["test", "test"]},
    geometry=[shapely.LineString([(-0.5, -0.5), (1.0, 0.3), (3.5, 0.1)]),
              shapely.LineString([(-0.5, 0.8), (3.5, 0.8)])],
    crs=4326,
)


def incident(incident_id: str, *, date_text: str = "2020-06-01", itype: str = "arrest",
             lon: float | None = None, lat: float | None = None, admin1: str = "",
             country: str = "", count: float = np.nan, quality: float = np.nan,
             end_date: str = "", geo_precision: int | None = None,
             visibility: str = "public", notes: str = "", source_url: str = "",
             source_name: str = "test", source_date: str = "",
             date_precision: str = "") -> dict[str, Any]:
    """One incident row as geo.io.read_incidents returns it."""
    period = parse_period(date_text, precision=date_precision)
    end = parse_period(end_date) if end_date else None
    has_point = lon is not None and lat is not None
    gp = geo_precision or (1 if has_point else 3 if admin1 else 4)
    return {
        C.INCIDENT_ID: incident_id,
        C.DATE: pd.Timestamp(period.start),
        C.PERIOD_END: pd.Timestamp(end.end if end else period.end),
        C.DATE_TEXT: date_text,
        C.END_DATE: pd.Timestamp(end.end) if end else pd.NaT,
        C.DATE_PRECISION: period.precision,
        C.TYPE: itype,
        C.GEO_PRECISION: gp,
        C.PLACE: "",
        C.ADMIN1: admin1,
        C.COUNTRY: country,
        C.LAT: lat if has_point else np.nan,
        C.LON: lon if has_point else np.nan,
        C.COUNT: count,
        C.SOURCE_NAME: source_name,
        C.SOURCE_URL: source_url,
        C.SOURCE_DATE: source_date,
        C.SOURCE_QUALITY: quality,
        C.NOTES: notes,
        C.VISIBILITY: visibility,
        C.ROW: f"row {incident_id}",
        "geometry": shapely.Point(lon, lat) if has_point and gp <= 2 else None,
    }


def incidents(rows: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """A GeoDataFrame of incident rows (possibly empty)."""
    if not rows:
        return gpd.GeoDataFrame([incident("x")], geometry="geometry", crs=4326).iloc[:0]
    gdf = gpd.GeoDataFrame(list(rows), geometry="geometry", crs=4326)
    gdf[C.GEO_PRECISION] = gdf[C.GEO_PRECISION].astype("int64")
    return gdf


AS_OF = date(2020, 6, 1)


def write_layers(folder: Path, incidents_csv: str) -> Path:
    """Write UNITS, BENT and an incidents CSV as a layers folder for the CLI."""
    folder.mkdir(parents=True, exist_ok=True)
    UNITS.to_file(folder / "boundaries.geojson", driver="GeoJSON", engine="pyogrio")
    BENT.to_file(folder / "corridors.geojson", driver="GeoJSON", engine="pyogrio")
    (folder / "incidents.csv").write_text(incidents_csv, encoding="utf-8")
    return folder
