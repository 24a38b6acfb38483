"""Incidents counted per grid cell and zoom level at build time, for maps with many incidents.

Above :data:`AGGREGATE_POINTS` point incidents the page does not carry one marker per
incident: for each zoom level it gets the cells of a grid of :data:`CELL_PX` screen pixels
that hold incidents, each with its mean position and the number of its incidents known at
every slider step (cumulative, little-endian ``uint32``, base64). The page draws the cells in
view as count bubbles; a slider step only changes which count is shown. Levels stop where a
level would hold more than :data:`MAX_CELLS` cells; deeper zooms show the finest level.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

__all__ = ["AGGREGATE_POINTS", "CELL_PX", "MAX_CELLS", "grid_levels", "world_xy"]

#: More point incidents than this are drawn as pre-aggregated grid cells.
AGGREGATE_POINTS = 5_000
#: Grid cell size in screen pixels at its zoom level.
CELL_PX = 60
#: No level holds more cells than this.
MAX_CELLS = 4_000


def world_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator coordinates in a 256-unit world (Leaflet's zoom 0 pixels).

    >>> [float(round(v, 3)) for v in np.concatenate(world_xy(np.array([0.0]), np.array([0.0])))]
    [128.0, 128.0]
    """
    la = np.clip(np.asarray(lat, dtype=float), -85.05112878, 85.05112878)
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * 256.0
    s = np.sin(np.radians(la))
    y = (0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)) * 256.0
    return x, y


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<u4").tobytes()).decode("ascii")


def grid_levels(lon: np.ndarray, lat: np.ndarray, first: np.ndarray, n_steps: int, *,
                min_zoom: int = 2, max_zoom: int = 14) -> list[dict[str, Any]]:
    """Cells per zoom level of the points (``first``: the slider step each becomes known).

    Returns one dict per level: ``z``, ``lat``/``lon`` (cell means, 4 decimals) and
    ``counts`` (base64 ``uint32``, cell-major: ``counts[c * n_steps + k]`` incidents of cell
    ``c`` known at step ``k``).

    >>> lv = grid_levels(np.array([100.0, 100.001, 110.0]), np.array([20.0, 20.0, 25.0]),
    ...                  np.array([0, 1, 1]), 2, min_zoom=6, max_zoom=6)
    >>> lv[0]["z"], lv[0]["lat"], lv[0]["lon"]
    (6, [20.0, 25.0], [100.0005, 110.0])
    >>> np.frombuffer(base64.b64decode(lv[0]["counts"]), "<u4").tolist()
    [1, 2, 0, 1]
    """
    x, y = world_xy(lon, lat)
    first = np.clip(np.asarray(first, dtype=np.int64), 0, n_steps)
    levels: list[dict[str, Any]] = []
    for z in range(min_zoom, max_zoom + 1):
        size = CELL_PX / 2.0**z
        cx = np.floor(x / size).astype(np.int64)
        cy = np.floor(y / size).astype(np.int64)
        keys, cell = np.unique(cx * 10_000_000 + cy, return_inverse=True)
        if len(keys) > MAX_CELLS and levels:
            break
        n = len(keys)
        count = np.bincount(cell, minlength=n).astype(float)
        mean_lon = np.bincount(cell, weights=lon, minlength=n) / count
        mean_lat = np.bincount(cell, weights=lat, minlength=n) / count
        hist = np.bincount(cell * (n_steps + 1) + first,
                           minlength=n * (n_steps + 1)).reshape(n, n_steps + 1)
        cumulative = np.cumsum(hist[:, :n_steps], axis=1)
        levels.append({"z": z, "lat": np.round(mean_lat, 4).tolist(),
                       "lon": np.round(mean_lon, 4).tolist(), "counts": _b64(cumulative)})
        if n == len(lon):  # one point per cell: deeper levels add nothing
            break
    return levels
