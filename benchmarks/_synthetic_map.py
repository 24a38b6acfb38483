"""Large synthetic map inputs for the map benchmarks, made with numpy (no row loops).

Road-like segments (10 vertices each, wiggling) on a grid of corridors over a 6 x 4 grid of
provinces, incidents spread over the same box, a monthly band timeline, two contributors per
segment. Shares the shape of ``tests/_mapdata.synthetic`` but scales to 100k x 1M.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo.risk import load_model

MODEL = load_model()
VERTICES = 10
PER_CORRIDOR = 25


def synthetic(n_segments: int, n_incidents: int, *, months: int = 48, seed: int = 0,
              outside_share: float = 0.0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    cells = [shapely.box(100 + 2 * i, 20 + 2 * j, 102 + 2 * i, 22 + 2 * j)
             for i in range(6) for j in range(4)]
    boundaries = gpd.GeoDataFrame(
        {C.COUNTRY: ["AA" if k < 12 else "BB" for k in range(24)],
         C.ADMIN1: [f"P{k:02d}" for k in range(24)], C.ADMIN1_CODE: [f"{k}" for k in range(24)]},
        geometry=cells, crs=4326)
    n = n_segments
    n_corr = max(1, -(-n // PER_CORRIDOR))
    corr = np.arange(n) // PER_CORRIDOR
    k = np.arange(n) % PER_CORRIDOR
    y = 20.05 + 7.9 * (corr + 0.5) / n_corr
    x0 = 100.05 + 11.9 * k / PER_CORRIDOR
    t = np.linspace(0, 1, VERTICES)
    xs = x0[:, None] + (11.9 / PER_CORRIDOR) * t[None, :]
    ys = y[:, None] + 0.01 * np.sin(7 * xs + corr[:, None]) + rng.normal(0, 0.002, xs.shape)
    geoms = shapely.linestrings(np.stack([xs, ys], axis=-1))
    density = rng.gamma(0.6, 1.5, n)
    band = 1 + np.searchsorted(np.asarray(MODEL.band_thresholds), density, side="right")
    cell = ((x0 - 100) // 2).astype(int) * 4 + ((y - 20) // 2).astype(int)
    ids = np.char.add(np.char.add("C", np.char.zfill(corr.astype(str), 5)),
                      np.char.add("-", np.char.zfill(k.astype(str), 3)))
    picks = rng.integers(0, max(n_incidents, 1), (n, 2))
    tops = [[{"incident_id": f"i{a:07d}", "share": 0.5}, {"incident_id": f"i{b:07d}",
                                                          "share": 0.3}]
            for a, b in picks.tolist()] if n_incidents else [[] for _ in range(n)]
    segments = gpd.GeoDataFrame({
        C.SEGMENT_ID: ids, C.CORRIDOR_ID: np.char.add("C", np.char.zfill(corr.astype(str), 5)),
        C.ROUTE: np.char.add("R", (corr % 7).astype(str)), C.SEQ: k + 1,
        C.COUNTRY: np.where(cell < 12, "AA", "BB"),
        C.ADMIN1: np.char.add("P", np.char.zfill(cell.astype(str), 2)),
        C.LENGTH_KM: 50.0, C.BORDER_CROSSING: False, C.RISK_DENSITY: density,
        C.RISK_BAND: band, C.EXPOSURE: density / 2, C.TOP_INCIDENTS: tops,
        C.COVERAGE: np.where(rng.random(n) < outside_share, C.COVERAGE_OUTSIDE,
                             C.COVERAGE_INSIDE),
    }, geometry=geoms, crs=4326)
    start = pd.Timestamp("2017-01-01")
    as_of = (start + pd.offsets.MonthEnd(months)).date()
    types = np.array(list(MODEL.types))
    m = n_incidents
    lon, lat = rng.uniform(100, 112, m), rng.uniform(20, 28, m)
    icell = ((lon - 100) // 2).astype(int) * 4 + ((lat - 20) // 2).astype(int)
    day = start + pd.to_timedelta(rng.integers(0, months * 30, m), unit="D")
    gp = np.where(np.arange(m) % 50 == 0, 3, 1)
    date_text = day.strftime("%Y-%m-%d")
    incidents = gpd.GeoDataFrame({
        C.INCIDENT_ID: np.char.add("i", np.char.zfill(np.arange(m).astype(str), 7)),
        C.DATE: day.values.astype("datetime64[s]"), C.DATE_TEXT: date_text,
        C.END_DATE: day.values.astype("datetime64[s]"), C.DATE_PRECISION: "day",
        C.TYPE: types[np.arange(m) % len(types)], C.GEO_PRECISION: gp,
        C.PLACE: "", C.ADMIN1: np.char.add("P", np.char.zfill(icell.astype(str), 2)),
        C.COUNTRY: np.where(icell < 12, "AA", "BB"), C.COUNT: rng.integers(1, 20, m) * 1.0,
        C.SOURCE_NAME: np.char.add("Source ", (np.arange(m) % 40).astype(str)),
        C.SOURCE_URL: np.char.add("https://example.org/", (np.arange(m) % 40).astype(str)),
        C.SOURCE_DATE: "", C.SOURCE_QUALITY: 3.0, C.NOTES: "", C.VISIBILITY: "public",
        C.ROW: np.arange(m) + 1,
    }, geometry=shapely.points(lon, lat), crs=4326)
    dates = [d.date().isoformat() for d in pd.date_range(start, as_of, freq="ME")]
    bands = rng.integers(1, 6, size=(n, len(dates)))
    bands[:, -1] = band
    timeline = pd.DataFrame(bands, index=pd.Index(ids, name=C.SEGMENT_ID), columns=dates)
    return {"segments": segments, "incidents": incidents, "boundaries": boundaries,
            "as_of": as_of, "model": MODEL, "timeline": timeline,
            "sources": [{"name": f"Source {k}", "url": f"https://example.org/{k}"}
                        for k in range(40)], "title": "Synthetic benchmark map"}
