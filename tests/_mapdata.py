"""Tiny map inputs built in code, following the data contract exactly (spaghetti style).

Two countries on the equator (AA cut into West and East, BB without first-level data), two
corridors cut into four segments each, eight incidents covering every precision and a future
one, a month-end band timeline and a least-risk / shortest path pair. ``hostile()`` returns the
same inputs with script-injection payloads in every text that reaches the page.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.risk import IncidentType, RiskModel, load_model

AS_OF = date(2020, 6, 30)
MONTH_ENDS = ["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30", "2020-05-31", "2020-06-30"]

BOUNDARIES = gpd.GeoDataFrame(
    {C.COUNTRY: ["AA", "AA", "BB"], C.ADMIN1: ["West", "East", ""], C.ADMIN1_CODE: ["W", "E", ""]},
    geometry=[shapely.box(-1, -1, 0.5, 1), shapely.box(0.5, -1, 2, 1), shapely.box(2, -1, 4, 1)],
    crs=4326,
)


def _segment(sid: str, corridor: str, route: str, seq: int, x0: float, x1: float, y: float,
             *, country: str, admin1: str, density: float, band: int, border: bool = False,
             top: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    length = 111.32 * abs(x1 - x0)
    return {C.SEGMENT_ID: sid, C.CORRIDOR_ID: corridor, C.ROUTE: route, C.SEQ: seq,
            C.COUNTRY: country, C.ADMIN1: admin1, C.LENGTH_KM: length,
            C.BORDER_CROSSING: border, C.RISK_DENSITY: density, C.RISK_BAND: band,
            C.EXPOSURE: density * length / 100, C.TOP_INCIDENTS: top or [],
            "geometry": shapely.LineString([(x0, y), ((x0 + x1) / 2, y + 0.00001), (x1, y)])}


# Corridor "eq" along the equator 0°E→3°E; corridor "north" along 0.6°N, -0.5°E→3.5°E.
SEGMENT_ROWS = [
    _segment("eq-001", "eq", "Equator", 1, 0.0, 0.75, 0.0, country="AA", admin1="West",
             density=2.4, band=4, top=[{"incident_id": "a1", "share": 0.8},
                                       {"incident_id": "a3", "share": 0.2}]),
    _segment("eq-002", "eq", "Equator", 2, 0.75, 1.5, 0.0, country="AA", admin1="East",
             density=0.7, band=3, top=[{"incident_id": "a3", "share": 1.0}]),
    _segment("eq-003", "eq", "Equator", 3, 1.5, 2.25, 0.0, country="AA", admin1="East",
             density=5.2, band=5, border=True,
             top=[{"incident_id": "a7", "share": 0.9}, {"incident_id": "baseline",
                                                          "share": 0.1}]),
    _segment("eq-004", "eq", "Equator", 4, 2.25, 3.0, 0.0, country="BB", admin1="",
             density=0.3, band=2, top=[{"incident_id": "a4", "share": 1.0}]),
    _segment("north-001", "north", "Northern", 1, -0.5, 0.5, 0.6, country="AA", admin1="West",
             density=0.05, band=1),
    _segment("north-002", "north", "Northern", 2, 0.5, 1.5, 0.6, country="AA", admin1="East",
             density=1.6, band=4, top=[{"incident_id": "a2", "share": 0.7},
                                       {"incident_id": "a3", "share": 0.3}]),
    _segment("north-003", "north", "Northern", 3, 1.5, 2.5, 0.6, country="BB", admin1="",
             density=0.12, band=2, border=True, top=[{"incident_id": "baseline", "share": 1.0}]),
    _segment("north-004", "north", "Northern", 4, 2.5, 3.5, 0.6, country="BB", admin1="",
             density=0.0, band=1),
]
SEGMENTS = gpd.GeoDataFrame(SEGMENT_ROWS, geometry="geometry", crs=4326)

# Bands per month end: eq-003 is band 1 until the April border closure, then 5; eq-001 turns 4
# with the January arrest.
TIMELINE = pd.DataFrame(
    {
        "2020-01-31": [4, 1, 1, 1, 1, 1, 1, 1],
        "2020-02-29": [4, 3, 1, 1, 1, 1, 1, 1],
        "2020-03-31": [4, 3, 1, 2, 1, 4, 2, 1],
        "2020-04-30": [4, 3, 5, 2, 1, 4, 2, 1],
        "2020-05-31": [4, 3, 5, 2, 1, 4, 2, 1],
        "2020-06-30": [4, 3, 5, 2, 1, 4, 2, 1],
    },
    index=pd.Index([r[C.SEGMENT_ID] for r in SEGMENT_ROWS], name=C.SEGMENT_ID),
)


def incident_row(iid: str, date_text: str, itype: str, *, lon: float | None = None,
                 lat: float | None = None, admin1: str = "", country: str = "",
                 geo_precision: int = 1, count: float = np.nan, end_date: str = "",
                 place: str = "", source_name: str = "Test wire", source_url: str = "",
                 notes: str = "", visibility: str = "public", row: int = 1,
                 source_date: str = "") -> dict[str, Any]:
    """One incident as geo.io.read_incidents returns it."""
    period = pd.Period(date_text, freq={4: "Y", 7: "M"}.get(len(date_text), "D"))
    end = pd.Period(end_date, freq="D") if end_date else None
    precision = {4: "year", 7: "month"}.get(len(date_text), "day")
    point = lon is not None and lat is not None and geo_precision <= 2
    return {
        C.INCIDENT_ID: iid, C.DATE: period.start_time,
        C.PERIOD_END: (end or period).end_time.normalize(),
        C.DATE_TEXT: date_text, C.END_DATE: end.start_time if end else pd.NaT,
        C.DATE_PRECISION: precision, C.TYPE: itype, C.GEO_PRECISION: geo_precision,
        C.PLACE: place, C.ADMIN1: admin1, C.COUNTRY: country, C.COUNT: count,
        C.SOURCE_NAME: source_name, C.SOURCE_URL: source_url, C.SOURCE_DATE: source_date,
        C.SOURCE_QUALITY: 3.0, C.NOTES: notes, C.VISIBILITY: visibility, C.ROW: row,
        "geometry": shapely.Point(lon, lat) if point else None,
    }


INCIDENT_ROWS = [
    incident_row("a1", "2020-01-05", "arrest", lon=0.3, lat=0.05, count=15, place="Westtown",
                 admin1="West", country="AA", source_url="https://example.org/a1",
                 notes="point in Westtown", row=1),
    incident_row("a2", "2020-03", "broker_detention", lon=1.2, lat=0.62, count=2,
                 admin1="East", country="AA", visibility="restricted",
                 source_url="https://example.org/a2", row=2),
    incident_row("a3", "2020-02", "crackdown", admin1="East", country="AA", geo_precision=3,
                 source_url="https://example.org/a3", notes="province-wide", row=3),
    # a year-precision report published on 20 Jan: known from then (the known-by rule)
    incident_row("a4", "2020", "checkpoint", country="BB", geo_precision=4, row=4,
                 source_date="2020-01-20"),
    incident_row("a5", "2020-05", "transit", lon=2.6, lat=0.1, count=450, geo_precision=2,
                 country="BB", row=5),
    incident_row("a6", "2020-09-01", "arrest", lon=1.0, lat=0.01, country="AA", row=6,
                 notes="after the as-of date: never shown"),
    incident_row("a7", "2020-04-01", "border_closure", lon=2.0, lat=0.0, country="AA",
                 end_date="2020-04-30", source_name="Other paper",
                 source_url="http://example.com/a7", row=7),
    incident_row("a8", "2020-06-15", "repatriation", lon=0.2, lat=0.55, country="AA", row=8),
]
INCIDENTS = gpd.GeoDataFrame(INCIDENT_ROWS, geometry="geometry", crs=4326)

PATHS = gpd.GeoDataFrame(
    {"kind": ["least-risk", "shortest"], C.LENGTH_KM: [460.0, 334.0], C.EXPOSURE: [0.9, 4.1]},
    geometry=[shapely.LineString([(-0.5, 0.6), (1.5, 0.6), (2.25, 0.0), (3.0, 0.0)]),
              shapely.LineString([(0.0, 0.0), (3.0, 0.0)])],
    crs=4326,
)

SOURCES = [{"name": "Test wire", "url": "https://example.org/"},
           {"name": "Other paper", "url": "http://example.com/"}]

MODEL = load_model()

# The offline basemap's layers in the shape geo.maps.basemap.load_context returns: land north
# of 0.8°S (sea south of it), the two countries of the boundary file and a neighbour outside it
# (Nordland, CC), a river, a lake, two roads, a railway and places by size; Smallplace sits
# beside Eastville and may show only from zoom 9.
CONTEXT_PLACES = ["Westport", "Eastville", "Smallplace", "Northcity"]


def context() -> dict[str, gpd.GeoDataFrame]:
    """Fresh copies of the tiny basemap layers."""
    def frame(columns: dict[str, list[Any]], geoms: list[Any]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(columns, geometry=geoms, crs=4326)

    return {
        "land": frame({}, [shapely.box(-6, -0.8, 9, 5)]),
        "countries": frame({"name": ["Aland", "Beeland", "Nordland"], "iso_a2": ["AA", "BB", "CC"]},
                           [shapely.box(-1, -0.8, 2, 1), shapely.box(2, -0.8, 4, 1),
                            shapely.box(-6, 1, 9, 5)]),
        "coastline": frame({}, [shapely.LineString([(-6, -0.8), (9, -0.8)])]),
        "rivers": frame({"name": ["Blue River"]},
                        [shapely.LineString([(-0.5, 0.9), (1.5, 0.4), (3.5, 0.3)])]),
        "lakes": frame({"name": ["Lake Test"]}, [shapely.box(3.0, -0.6, 3.6, -0.3)]),
        "roads": frame({"kind": ["Major Highway", "Road"]},
                       [shapely.LineString([(-1, 0.3), (4, 0.3)]),
                        shapely.LineString([(1, -0.5), (1, 0.9)])]),
        "railways": frame({}, [shapely.LineString([(-1, -0.3), (4, -0.3)])]),
        "places": frame({"name": CONTEXT_PLACES, "population": [500_000, 100_000, 600, 300_000],
                         "min_zoom": [3, 5, 9, 4], "capital": [True, False, False, False],
                         "country": ["AA", "AA", "AA", "CC"]},
                        [shapely.Point(0.2, 0.3), shapely.Point(1.7, 0.3),
                         shapely.Point(1.76, 0.31), shapely.Point(1.0, 2.0)]),
    }


def map_inputs() -> dict[str, Any]:
    """Keyword arguments of ``build_map`` for the clean tiny map (fresh copies)."""
    return {"segments": SEGMENTS.copy(), "incidents": INCIDENTS.copy(),
            "boundaries": BOUNDARIES.copy(), "as_of": AS_OF, "model": MODEL,
            "timeline": TIMELINE.copy(), "paths": PATHS.copy(), "sources": list(SOURCES),
            "title": "Tiny test map", "context": context()}


# ----------------------------------------------------------------------------- hostile data

IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"
TEMPLATE = "${alert(3)}"
TICK = "`${alert(4)}`"
SLASH = "back\\slash \\u003c\\\\"
QUOTES = "\"'</title><b>"
JS_URL = "javascript:alert(5)"
PAYLOADS = (IMG, CLOSE, TEMPLATE, TICK, SLASH, QUOTES)


def hostile() -> dict[str, Any]:
    """The tiny map with a payload in every text field that reaches the page."""
    boundaries = BOUNDARIES.copy()
    boundaries[C.ADMIN1] = ["West" + IMG, "East" + CLOSE, ""]
    segments = SEGMENTS.copy()
    segments[C.CORRIDOR_ID] = [c + TEMPLATE for c in segments[C.CORRIDOR_ID]]
    segments[C.ROUTE] = [r + TICK for r in segments[C.ROUTE]]
    segments[C.ADMIN1] = [a + IMG if a == "West" else a + CLOSE if a == "East" else a
                          for a in segments[C.ADMIN1]]
    incidents = INCIDENTS.copy()
    incidents[C.NOTES] = [IMG, CLOSE, TEMPLATE, TICK, SLASH, QUOTES, IMG + TICK, CLOSE]
    incidents[C.PLACE] = [QUOTES, TICK, "", "", SLASH, "", IMG, TEMPLATE]
    incidents[C.SOURCE_NAME] = [IMG, TEMPLATE, TICK, CLOSE, SLASH, QUOTES, IMG, TEMPLATE]
    incidents[C.SOURCE_URL] = [JS_URL, "JaVaScRiPt:alert(6)", "data:text/html,<b>x</b>",
                               " javascript:alert(7)", "vbscript:x", "https://ok.example/",
                               "//evil.example/x", "https://ok.example/" + IMG]
    incidents[C.ADMIN1] = ["West" + IMG, "East" + CLOSE, "East" + CLOSE, "", "", "",
                           "", ""]
    incidents[C.DATE_TEXT] = [d + TEMPLATE if i == 0 else d
                              for i, d in enumerate(incidents[C.DATE_TEXT])]
    types = {k: dataclasses.replace(t, label=t.label + (IMG if i % 2 else TICK))
             for i, (k, t) in enumerate(MODEL.types.items())}
    model: RiskModel = dataclasses.replace(
        MODEL, types=types, band_labels=tuple(lab + CLOSE for lab in MODEL.band_labels))
    return {"segments": segments, "incidents": incidents, "boundaries": boundaries,
            "as_of": AS_OF, "model": model, "timeline": TIMELINE.copy(), "paths": PATHS.copy(),
            "sources": [{"name": IMG, "url": JS_URL}, {"name": TICK, "url": "https://ok.example/"},
                        {"name": QUOTES, "url": "data:text/html,x"}],
            "title": "Title " + IMG + CLOSE + TEMPLATE + QUOTES, "context": hostile_context()}


def hostile_context() -> dict[str, gpd.GeoDataFrame]:
    """The tiny basemap with a payload in every name the page shows."""
    ctx = context()
    ctx["places"]["name"] = [n + p for n, p in zip(CONTEXT_PLACES, (IMG, CLOSE, TICK, QUOTES),
                                                   strict=True)]
    ctx["countries"]["name"] = ["Aland" + TEMPLATE, "Beeland" + IMG, "Nordland" + CLOSE]
    ctx["lakes"]["name"] = ["Lake" + QUOTES]
    ctx["rivers"]["name"] = ["River" + SLASH]
    ctx["roads"]["kind"] = [IMG, TICK]
    return ctx


def synthetic(n_segments: int, n_incidents: int, *, months: int = 36, seed: int = 0
              ) -> dict[str, Any]:
    """A large random map (for the benchmark): a grid of corridors over a 6 × 4 province grid."""
    rng = np.random.default_rng(seed)
    cells = [shapely.box(100 + 2 * i, 20 + 2 * j, 102 + 2 * i, 22 + 2 * j)
             for i in range(6) for j in range(4)]
    boundaries = gpd.GeoDataFrame(
        {C.COUNTRY: ["AA" if k < 12 else "BB" for k in range(24)],
         C.ADMIN1: [f"P{k:02d}" for k in range(24)], C.ADMIN1_CODE: [f"{k}" for k in range(24)]},
        geometry=cells, crs=4326)
    per_corridor = 25
    n_corr = max(1, n_segments // per_corridor)
    rows = []
    for c in range(n_corr):
        y = 20.05 + 7.9 * (c + 0.5) / n_corr
        xs = np.linspace(100.05, 111.95, per_corridor + 1)
        for k in range(per_corridor):
            if len(rows) >= n_segments:
                break
            ys = y + rng.normal(0, 0.01, 3)
            geom = shapely.LineString([(xs[k], ys[0]), ((xs[k] + xs[k + 1]) / 2, ys[1]),
                                       (xs[k + 1], ys[2])])
            density = float(rng.gamma(0.6, 1.5))
            band = int(1 + np.searchsorted(MODEL.band_thresholds, density, side="right"))
            cell = int((xs[k] - 100) // 2) * 4 + int((y - 20) // 2)
            rows.append({
                C.SEGMENT_ID: f"C{c:04d}-{k:03d}", C.CORRIDOR_ID: f"C{c:04d}",
                C.ROUTE: f"R{c % 7}", C.SEQ: k + 1, C.COUNTRY: "AA" if cell < 12 else "BB",
                C.ADMIN1: f"P{cell:02d}", C.LENGTH_KM: 50.0, C.BORDER_CROSSING: False,
                C.RISK_DENSITY: density, C.RISK_BAND: band, C.EXPOSURE: density / 2,
                C.TOP_INCIDENTS: [
                    {"incident_id": f"i{int(rng.integers(n_incidents)):06d}", "share": 0.5},
                    {"incident_id": f"i{int(rng.integers(n_incidents)):06d}", "share": 0.3}],
                "geometry": geom})
    segments = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    start = pd.Timestamp("2017-01-01")
    as_of = (start + pd.offsets.MonthEnd(months)).date()
    types = list(MODEL.types)
    inc_rows = []
    for i in range(n_incidents):
        day = start + pd.Timedelta(days=int(rng.integers(0, months * 30)))
        gp = 3 if i % 50 == 0 else 1
        lon, lat = float(rng.uniform(100, 112)), float(rng.uniform(20, 28))
        cell = int((lon - 100) // 2) * 4 + int((lat - 20) // 2)
        inc_rows.append(incident_row(
            f"i{i:06d}", day.date().isoformat(), types[i % len(types)], lon=lon, lat=lat,
            geo_precision=gp, admin1=f"P{cell:02d}", country="AA" if cell < 12 else "BB",
            count=float(rng.integers(1, 20)), source_url=f"https://example.org/{i % 40}",
            source_name=f"Source {i % 40}", row=i + 1))
    incidents = gpd.GeoDataFrame(inc_rows, geometry="geometry", crs=4326)
    dates = [d.date().isoformat() for d in pd.date_range(start, as_of, freq="ME")]
    bands = rng.integers(1, 6, size=(len(segments), len(dates)))
    bands[:, -1] = segments[C.RISK_BAND].to_numpy()
    timeline = pd.DataFrame(bands, index=pd.Index(segments[C.SEGMENT_ID], name=C.SEGMENT_ID),
                            columns=dates)
    return {"segments": segments, "incidents": incidents, "boundaries": boundaries,
            "as_of": as_of, "model": MODEL, "timeline": timeline,
            "sources": [{"name": f"Source {k}", "url": f"https://example.org/{k}"}
                        for k in range(40)], "title": "Synthetic benchmark map"}


__all__ = ["AS_OF", "BOUNDARIES", "INCIDENTS", "MODEL", "PATHS", "PAYLOADS", "SEGMENTS",
           "SOURCES", "TIMELINE", "IncidentType", "hostile", "map_inputs", "synthetic"]
