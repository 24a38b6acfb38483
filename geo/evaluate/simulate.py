"""A simulated region with a known, time-varying hazard along its corridors.

The world is small and synthetic, so that what the model should find is known: two countries
(``AA`` in four first-level units, ``BB`` one) near the equator, a network of corridors (a
bent east–west trunk, a parallel northern road, two north–south links, one crossing into
``BB``), and a hazard made of *hotspots* on the corridors that appear, peak and fade, over a
low background. Incidents are drawn from that hazard (an inhomogeneous Poisson process along the
corridors) and reported the way real reporting is: dates by day, week, month or year, many with a
``source_date`` some days or weeks later; places exact (1), near a town (2), by first-level unit
(3) or country (4). Everything is deterministic given ``seed``.

Examples
--------
>>> world = simulate_world(seed=1, start=date(2020, 1, 1), end=date(2021, 12, 31),
...                        events_per_year=40)
>>> sorted(world.boundaries["country"].unique())
['AA', 'BB']
>>> len(world.incidents) > 40
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C

__all__ = ["World", "simulate_world"]

KM_PER_DEG = 111.32
# corridor polylines (lon, lat) of the simulated region
_CORRIDORS = {
    "trunk": [(0.1, 0.6), (1.0, 0.9), (2.0, 0.7), (3.0, 1.0), (3.9, 0.8)],
    "north": [(0.1, 2.4), (1.2, 2.2), (2.4, 2.5), (3.4, 2.3)],
    "link_w": [(1.0, 0.9), (1.1, 1.6), (1.2, 2.2)],
    "link_e": [(2.0, 0.7), (2.3, 1.5), (2.4, 2.5)],
    "south": [(0.5, 0.75), (0.8, 0.2), (1.6, 0.1)],
}
_ROUTE = {"trunk": "Trunk", "north": "North", "link_w": "Links", "link_e": "Links",
          "south": "South"}
_UNITS = [("AA", "Westland", shapely.box(-0.6, -0.6, 1.5, 1.5)),
          ("AA", "Eastland", shapely.box(1.5, -0.6, 3.0, 1.5)),
          ("AA", "Highland", shapely.box(-0.6, 1.5, 1.5, 3.6)),
          ("AA", "Lakeland", shapely.box(1.5, 1.5, 3.0, 3.6)),
          ("BB", "", shapely.box(3.0, -0.6, 4.6, 3.6))]
_TYPES = ("arrest", "crackdown", "checkpoint", "broker_detention")
_TYPE_P = (0.5, 0.2, 0.2, 0.1)


@dataclass(frozen=True)
class World:
    """A simulated region: input layers and the hazard they were drawn from."""

    boundaries: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    incidents: pd.DataFrame  # rows in the incidents CSV layout (text dates, lat/lon)
    hotspots: pd.DataFrame  # corridor, km, lon, lat, sigma_km, start, peak, fade_days, rate
    events: pd.DataFrame  # the true events: true day, lon, lat, hotspot (-1 = background)

    def write(self, folder: Path | str) -> Path:
        """Write ``boundaries.geojson``, ``corridors.geojson`` and ``incidents.csv``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.boundaries.to_file(folder / "boundaries.geojson", driver="GeoJSON",
                                engine="pyogrio")
        self.corridors.to_file(folder / "corridors.geojson", driver="GeoJSON", engine="pyogrio")
        self.incidents.to_csv(folder / "incidents.csv", index=False)
        return folder


def _layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    bounds = gpd.GeoDataFrame(
        {C.COUNTRY: [u[0] for u in _UNITS], C.ADMIN1: [u[1] for u in _UNITS],
         C.ADMIN1_CODE: [u[1][:2].upper() for u in _UNITS]},
        geometry=[u[2] for u in _UNITS], crs=4326)
    names = list(_CORRIDORS)
    corridors = gpd.GeoDataFrame(
        {C.CORRIDOR_ID: names, C.ROUTE: [_ROUTE[n] for n in names],
         C.NAME: [n.replace("_", " ").title() for n in names],
         C.MODE: ["road"] * len(names), C.SOURCE: ["simulated"] * len(names)},
        geometry=[shapely.LineString(_CORRIDORS[n]) for n in names], crs=4326)
    return bounds, corridors


def _points_along(line: shapely.LineString, frac: np.ndarray) -> np.ndarray:
    pts = shapely.line_interpolate_point(line, np.clip(frac, 0, 1), normalized=True)
    return shapely.get_coordinates(pts)


def _hotspots(rng: np.random.Generator, corridors: gpd.GeoDataFrame, start: date, days: int,
              n: int, rate: float) -> pd.DataFrame:
    lengths = shapely.length(corridors.geometry.to_numpy())
    which = rng.choice(len(corridors), size=n, p=lengths / lengths.sum())
    frac = rng.uniform(0.05, 0.95, n)
    xy = np.array([_points_along(corridors.geometry.iat[w], np.array([f]))[0]
                   for w, f in zip(which, frac, strict=True)])
    onset = rng.uniform(-0.2 * days, days, n).round()
    return pd.DataFrame({
        "corridor": corridors[C.CORRIDOR_ID].to_numpy()[which], "frac": frac,
        "lon": xy[:, 0], "lat": xy[:, 1], "sigma_km": rng.uniform(10, 40, n),
        "start": [start + timedelta(days=int(o)) for o in onset],
        "rise_days": rng.uniform(15, 60, n), "fade_days": rng.uniform(60, 240, n),
        "rate": rate * rng.lognormal(0.0, 0.6, n)})


def _intensity(hot: pd.DataFrame, day: np.ndarray, start: date) -> np.ndarray:
    """Expected events per day of each hotspot (rows) on each day offset (columns)."""
    onset = np.array([(d - start).days for d in hot["start"]], dtype=float)[:, None]
    age = day[None, :] - onset
    rise = hot["rise_days"].to_numpy()[:, None]
    fade = hot["fade_days"].to_numpy()[:, None]
    shape = np.where(age < 0, 0.0, np.where(age < rise, age / rise,
                                            np.power(0.5, (age - rise) / fade)))
    return hot["rate"].to_numpy()[:, None] * shape


def _draw_events(rng: np.random.Generator, hot: pd.DataFrame, corridors: gpd.GeoDataFrame,
                 start: date, days: int, background: float) -> pd.DataFrame:
    day = np.arange(days, dtype=float)
    counts = rng.poisson(_intensity(hot, day, start))
    h_idx, d_idx = np.nonzero(counts)
    reps = counts[h_idx, d_idx]
    h_idx, d_idx = np.repeat(h_idx, reps), np.repeat(d_idx, reps)
    lines = dict(zip(corridors[C.CORRIDOR_ID], corridors.geometry, strict=True))
    lons, lats = [], []
    h_corr = hot["corridor"].to_numpy()
    h_frac = hot["frac"].to_numpy(dtype=float)
    h_sigma = hot["sigma_km"].to_numpy(dtype=float)
    for h, g in zip(h_idx.tolist(), rng.standard_normal(len(h_idx)).tolist(), strict=True):
        line = lines[h_corr[h]]
        length_km = line.length * KM_PER_DEG
        f = h_frac[h] + g * h_sigma[h] / length_km
        x, y = _points_along(line, np.array([f]))[0]
        lons.append(x)
        lats.append(y)
    # background: uniform along the whole network
    total = shapely.length(corridors.geometry.to_numpy()).sum() * KM_PER_DEG
    n_bg = rng.poisson(background * total / 1000 * days / 365)
    lengths = shapely.length(corridors.geometry.to_numpy())
    which = rng.choice(len(corridors), size=n_bg, p=lengths / lengths.sum())
    for w, f in zip(which, rng.uniform(0, 1, n_bg), strict=True):
        x, y = _points_along(corridors.geometry.iat[w], np.array([f]))[0]
        lons.append(x)
        lats.append(y)
    days_all = np.concatenate([d_idx, rng.integers(0, days, n_bg)])
    # incidents happen near, not exactly on, the road (a town, a station)
    off = rng.normal(0.0, 3.0 / KM_PER_DEG, (len(lons), 2))
    return pd.DataFrame({"day": [start + timedelta(days=int(d)) for d in days_all],
                         "lon": np.asarray(lons, dtype=float) + off[:, 0],
                         "lat": np.asarray(lats, dtype=float) + off[:, 1],
                         "hotspot": np.concatenate([h_idx, np.full(n_bg, -1)])
                         }).sort_values("day", kind="stable").reset_index(drop=True)


def _unit_of(lon: float, lat: float) -> tuple[str, str]:
    p = shapely.Point(lon, lat)
    dist = [box.distance(p) for _, _, box in _UNITS]
    cc, a1, _ = _UNITS[int(np.argmin(dist))]
    return cc, a1


def _report(rng: np.random.Generator, events: pd.DataFrame, end: date) -> pd.DataFrame:
    """Turn true events into incident rows with realistic date and place precision."""
    n = len(events)
    dprec = rng.choice(["day", "week", "month", "year"], size=n, p=[0.55, 0.05, 0.3, 0.1])
    gprec = rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.25, 0.18, 0.07])
    has_source = rng.uniform(size=n) < 0.6
    lag = rng.geometric(1 / 12, size=n)  # reported a few days to weeks later
    itype = rng.choice(_TYPES, size=n, p=_TYPE_P)
    count = np.where(rng.uniform(size=n) < 0.5, np.ceil(rng.lognormal(1.2, 1.0, n)), np.nan)
    quality = rng.integers(2, 6, size=n)
    rows = []
    ev_lon = events["lon"].to_numpy(dtype=float)
    ev_lat = events["lat"].to_numpy(dtype=float)
    for i, day in enumerate(events["day"].tolist()):
        text = {"day": day.isoformat(), "week": day.isoformat(),
                "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[dprec[i]]
        if dprec[i] == "week":  # a week stated by its first day, which is at or before the event
            text = (day - timedelta(days=int(rng.integers(0, 7)))).isoformat()
        src = min(day + timedelta(days=int(lag[i])), end)
        cc, a1 = _unit_of(float(ev_lon[i]), float(ev_lat[i]))
        g = int(gprec[i])
        lon, lat = float(ev_lon[i]), float(ev_lat[i])
        if g == 2:  # "near a town": the stated point is up to ~15 km off
            lon += rng.normal(0, 8 / KM_PER_DEG)
            lat += rng.normal(0, 8 / KM_PER_DEG)
        rows.append({
            C.INCIDENT_ID: f"SIM-{i:05d}", C.DATE: text, C.END_DATE: "", C.TYPE: itype[i],
            C.LAT: round(lat, 5) if g <= 2 else "", C.LON: round(lon, 5) if g <= 2 else "",
            C.PLACE: "", C.ADMIN1: a1 if g == 3 else "", C.COUNTRY: cc,
            C.DATE_PRECISION: "week" if dprec[i] == "week" else "",
            C.GEO_PRECISION: g if g != 3 or a1 else 4,
            C.COUNT: "" if np.isnan(count[i]) else int(count[i]),
            C.SOURCE_NAME: "simulated", C.SOURCE_URL: "",
            C.SOURCE_DATE: src.isoformat() if has_source[i] else "",
            C.SOURCE_QUALITY: int(quality[i]), C.NOTES: "", C.VISIBILITY: "public",
        })
    return pd.DataFrame(rows, columns=list(C.INCIDENT_COLUMNS))


def simulate_world(*, seed: int, start: date, end: date, events_per_year: float = 200.0,
                   n_hotspots: int = 12, background_share: float = 0.15) -> World:
    """A simulated region and its reported incidents, deterministic given ``seed``.

    Parameters
    ----------
    seed
        Random seed: the same seed gives the same world, byte for byte.
    start, end
        The period over which events happen.
    events_per_year
        About how many events a year the whole region sees (``dense`` worlds: hundreds;
        ``sparse``: a few dozen).
    n_hotspots
        Hotspots over the period; each appears at a random day, rises over weeks and fades with
        a half-life of three months to a year.
    background_share
        Share of events spread uniformly along the network, from no hotspot.

    Returns
    -------
    World
        Layers (``boundaries``, ``corridors``, ``incidents`` as CSV rows), the hotspots and the
        true events.
    """
    rng = np.random.default_rng(seed)
    boundaries, corridors = _layers()
    days = (end - start).days + 1
    hot = _hotspots(rng, corridors, start, days, n_hotspots, 1.0)
    # scale the hotspot rates so the expected number of hotspot events matches the request
    expected = _intensity(hot, np.arange(days, dtype=float), start).sum()
    target = events_per_year * days / 365 * (1 - background_share)
    hot["rate"] = hot["rate"] * (target / expected if expected > 0 else 0.0)
    total_km = shapely.length(corridors.geometry.to_numpy()).sum() * KM_PER_DEG
    background = events_per_year * background_share / (total_km / 1000)
    events = _draw_events(rng, hot, corridors, start, days, background)
    return World(boundaries=boundaries, corridors=corridors,
                 incidents=_report(rng, events, end), hotspots=hot, events=events)
