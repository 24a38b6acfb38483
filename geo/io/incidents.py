"""Read and validate incidents (CSV or point GeoJSON)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import columns as C
from geo import settings
from geo._errors import ValidationError
from geo.io import _fields as F
from geo.io._common import _VECTOR_SUFFIXES, _Collector, _text
from geo.io._fast import fast_incidents
from geo.io._ids import SeenIds
from geo.io._parquet import ParquetIncidents
from geo.io._records import _check_csv_header, _read_geojson_records
from geo.io._stream import (
    Batch,
    NotPlainError,
    Scan,
    arrow_batches,
    check_python,
    drain,
    open_arrow,
    python_batches,
    scan_csv,
)
from geo.io.crs import WGS84

__all__ = ["DEFAULT_TYPES", "read_incidents", "split_coverage"]

_PARQUET_SUFFIXES = {".parquet", ".geoparquet", ".pq"}

DEFAULT_TYPES = (
    "arrest",
    "broker_detention",
    "repatriation",
    "crackdown",
    "checkpoint",
    "border_closure",
    "transit",
)
_ALIASES = {"latitude": C.LAT, "longitude": C.LON, "long": C.LON, "lng": C.LON, "id": C.INCIDENT_ID,
            "url": C.SOURCE_URL, "source": C.SOURCE_NAME, "location": C.PLACE, "province": C.ADMIN1,
            "state": C.ADMIN1, "region": C.ADMIN1, "people": C.COUNT, "category": C.TYPE}

# Output columns and their dtypes.
_OUTPUT: dict[str, Any] = {
    C.INCIDENT_ID: "str", C.DATE: "datetime64[s]", C.PERIOD_END: "datetime64[s]",
    C.DATE_TEXT: "str", C.END_DATE: "datetime64[s]", C.DATE_PRECISION: "str",
    C.TYPE: "str", C.GEO_PRECISION: "int64", C.PLACE: "str", C.ADMIN1: "str",
    C.COUNTRY: "str", C.LAT: "float64", C.LON: "float64", C.COUNT: "float64",
    C.SOURCE_NAME: "str", C.SOURCE_URL: "str", C.SOURCE_DATE: "str",
    C.SOURCE_QUALITY: "float64", C.NOTES: "str", C.VISIBILITY: "str", C.ROW: "str",
    C.COVERAGE: "str",
}


def _check_header(header: Sequence[str], col: _Collector) -> None:
    for name in (C.INCIDENT_ID, C.DATE, C.TYPE):
        if name not in header:
            similar = [h for h in header if h.strip().casefold() == name]
            hint = f" (found {similar[0]!r}: column names are lower case)" if similar else ""
            col.add("-", name, "required column is missing" + hint)
    known = set(C.INCIDENT_COLUMNS) | set(C.REVIEW_COLUMNS)
    for name in header:
        if name in known or name.strip().casefold() in (C.INCIDENT_ID, C.DATE, C.TYPE):
            continue
        folded = name.strip().casefold()
        close = ([_ALIASES[folded]] if folded in _ALIASES else
                 difflib.get_close_matches(folded, sorted(known), n=1, cutoff=0.8))
        if close:
            col.warn("-", name, f"unknown column, ignored; did you mean {close[0]!r}?")



def read_incidents(
    path: Path | str,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
    types: Iterable[str] = DEFAULT_TYPES,
    encoding: str | None = None,
    today: date | None = None,
    resolve_places: bool = True,
) -> gpd.GeoDataFrame:
    """Read and validate incidents from CSV or point GeoJSON.

    Parameters
    ----------
    path
        CSV (UTF-8) or GeoJSON file following the incidents schema (``docs/inputs.md``).
    boundaries
        Boundaries layer; used to check admin1/country names, to resolve places within a unit
        and to fill ``admin1``/``country`` of point incidents.
    types
        Allowed incident types (the risk model's vocabulary).
    encoding
        Text encoding of a CSV that is not UTF-8 (a byte order mark is always dropped).
    today
        Dates after this day are rejected as in the future (default: the real date today).
    resolve_places
        Look ``place`` names up in the gazetteer. ``False`` is for a validation pass whose
        boundaries failed to load (without them ``admin1`` cannot narrow a name, so every
        ``Jining`` would be reported as ambiguous): every other field is still checked, and
        rows located only by a place name are left out of the result, which must then not be
        scored.

    Returns
    -------
    GeoDataFrame
        One row per incident in input order, EPSG:4326; the columns of the data contract.
        A CSV with only its header, or an empty FeatureCollection, gives an empty frame with
        those columns (a map of the border baseline only).

    Examples
    --------
    >>> from geo import datasets
    >>> from geo.io import read_boundaries
    >>> units = read_boundaries(datasets.get_path("boundaries"))
    >>> inc = read_incidents(datasets.get_path("incidents"), boundaries=units)
    >>> inc[["incident_id", "date_text", "date_precision"]].shape[1]
    3
    """
    path = Path(path)
    col = _Collector(path)
    if not path.exists():
        col.fail("-", "-", "file not found")
    ctx = F._Context(col, today or date.today(), tuple(types), boundaries, resolve_places)
    col.hold()  # a CSV read may start over with Python's csv: warnings wait until the end
    try:
        if path.suffix.lower() in _VECTOR_SUFFIXES:
            frame = _geojson_incidents(path, ctx)
        elif path.suffix.lower() in _PARQUET_SUFFIXES:
            frame = _parquet_incidents(path, ctx)
        else:
            frame = _csv_incidents(path, ctx, encoding)
    finally:
        col.release()
    col.raise_if_any()
    if not len(frame):
        col.warn("-", "-", "no incidents: the map shows the border baseline only")
    gdf = _as_geodataframe(frame)
    if boundaries is not None and len(gdf):
        gdf = _place_in_units(gdf, boundaries, col)
    return gdf


def _geojson_incidents(path: Path, ctx: F._Context) -> pd.DataFrame:
    header, records, locs = _read_geojson_records(path, ctx.col)
    if records:  # an empty FeatureCollection has no properties to check
        _check_header(header, ctx.col)
    ctx.col.raise_if_any()
    rows = {i: row for i, (rec, loc) in enumerate(zip(records, locs, strict=True))
            if (row := _incident(rec, loc, ctx)) is not None}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(_OUTPUT))


def _csv_incidents(path: Path, ctx: F._Context, encoding: str | None) -> pd.DataFrame:
    """A CSV in batches: parsed by pyarrow when it reads as Python's csv would, else by csv."""
    col = ctx.col
    scan = scan_csv(path, col, encoding)
    if scan.plain:
        mark = col.mark()
        try:
            return _arrow_csv_incidents(path, scan, ctx)
        except NotPlainError:  # e.g. a row with a stray comma: Python's csv names it
            col.reset(mark)
            ctx.seen_ids.clear()
    header = check_python(path, scan, col)
    _check_header(header, col)
    col.raise_if_any()
    return _batches_incidents(python_batches(path, scan, header), ctx)


def _arrow_csv_incidents(path: Path, scan: Scan, ctx: F._Context) -> pd.DataFrame:
    """The rows of a plain CSV through pyarrow's streaming reader.

    A header problem is reported only once pyarrow has read the whole file: a file pyarrow
    refuses goes to Python's csv, whose structural problems come first.
    """
    assert scan.header is not None
    reader = open_arrow(path, scan)
    try:
        header = _check_csv_header(scan.header, ctx.col)
        _check_header(header, ctx.col)
        ctx.col.raise_if_any()
    except ValidationError:
        drain(reader)
        raise
    return _batches_incidents(arrow_batches(reader, header, scan.suspect), ctx)


def _parquet_incidents(path: Path, ctx: F._Context) -> pd.DataFrame:
    source = ParquetIncidents(path, ctx.col)
    _check_header(source.header, ctx.col)
    ctx.col.raise_if_any()
    return _batches_incidents(source.batches(), ctx)


def _batches_incidents(batches: Iterable[Batch], ctx: F._Context) -> pd.DataFrame:
    """The accepted rows of every batch, in file order (only they are kept)."""
    ids = SeenIds(ctx)
    parts = [part for batch in batches if len(part := _batch_incidents(batch, ctx, ids))]
    if not parts:  # a header and no rows: no incidents (a baseline map)
        return pd.DataFrame(columns=list(_OUTPUT))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _batch_incidents(batch: Batch, ctx: F._Context, ids: SeenIds) -> pd.DataFrame:
    """Plain rows checked a column at a time; the others one by one, with precise messages."""
    table, numbers = batch.table, batch.rows
    if not len(table):
        return pd.DataFrame(columns=list(_OUTPUT))
    fast, slow = fast_incidents(table, ctx, suspect_text=batch.suspect, earlier=ids.earlier)
    fast = fast.assign(**{C.ROW: [f"{batch.unit} {n}" for n in numbers[fast.index.to_numpy()]]})
    ids.add(fast)
    positions = np.flatnonzero(slow)
    records = table.iloc[positions].to_dict("records")
    rows = {}
    for pos, rec in zip(positions, records, strict=True):
        row = _incident({str(k): v for k, v in rec.items()}, f"{batch.unit} {numbers[pos]}", ctx)
        if row is not None:
            rows[int(pos)] = row
    if not rows:
        return fast
    slow_frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(_OUTPUT))
    # in the output dtypes, so that the text columns stay pyarrow strings (not Python objects)
    slow_frame = slow_frame.astype(_OUTPUT)
    return pd.concat([fast, slow_frame]).sort_index()


def _as_geodataframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """The output columns in their dtypes, points built from lat/lon (None when not a point)."""
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame({name: frame[name].astype(dtype) for name, dtype in _OUTPUT.items()})
    lat, lon = out[C.LAT].to_numpy(), out[C.LON].to_numpy()
    points = shapely.points(lon, lat)
    points[np.isnan(lat) | np.isnan(lon)] = None
    return gpd.GeoDataFrame(out, geometry=points, crs=WGS84)


def _incident(rec: Mapping[str, Any], loc: str, ctx: F._Context) -> dict[str, Any] | None:
    """One validated output row, or None when the row has a problem (reported to ``ctx``)."""
    row_start = len(ctx.col.problems)
    rec = F.clean_record(rec, loc, ctx)
    F.check_controls(rec, loc, ctx)
    iid = F.check_incident_id(rec, loc, ctx)
    period, end_period = F.check_dates(rec, loc, ctx)
    itype = F.check_type(rec, loc, ctx)
    country, admin1, outside = F.check_units(rec, loc, ctx)
    where = F.check_location(rec, loc, ctx, country=country, admin1=admin1, row_start=row_start)
    count = F.check_count(rec, loc, ctx)
    quality = F.check_quality(rec, loc, ctx)
    visibility = F.check_visibility(rec, loc, ctx)
    url = F.check_url(rec, loc, ctx)
    if len(ctx.col.problems) > row_start or period is None or where.gprec is None \
            or where.unresolved:
        return None
    point = where.gprec in (1, 2) and where.has_point
    return {
        C.INCIDENT_ID: iid,
        C.DATE: pd.Timestamp(period.start),
        C.PERIOD_END: pd.Timestamp(end_period.end if end_period else period.end),
        C.DATE_TEXT: _text(rec.get(C.DATE)),
        C.END_DATE: pd.Timestamp(end_period.end) if end_period else pd.NaT,
        C.DATE_PRECISION: period.precision,
        C.TYPE: itype,
        C.GEO_PRECISION: where.gprec,
        C.PLACE: _text(rec.get(C.PLACE)),
        C.ADMIN1: admin1,
        C.COUNTRY: country,
        C.LAT: where.lat if point else np.nan,
        C.LON: where.lon if point else np.nan,
        C.COUNT: count if count is not None else np.nan,
        C.SOURCE_NAME: _text(rec.get(C.SOURCE_NAME)),
        C.SOURCE_URL: url,
        C.SOURCE_DATE: _text(rec.get(C.SOURCE_DATE)),
        C.SOURCE_QUALITY: quality if quality is not None else np.nan,
        C.NOTES: _text(rec.get(C.NOTES)),
        C.VISIBILITY: visibility,
        C.ROW: loc,
        C.COVERAGE: C.COVERAGE_OUTSIDE if outside else C.COVERAGE_INSIDE,
    }


def _first_hits(inputs: np.ndarray, hits: np.ndarray, n: int) -> np.ndarray:
    """The first tree index per input of a bulk STRtree query; -1 where there is none."""
    first = np.full(n, -1, dtype=np.int64)
    uniq, pos = np.unique(inputs, return_index=True)
    first[uniq] = hits[pos]
    return first


def _containing_unit(units: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the first unit each point (x, y) intersects; -1 where there is none.

    A bounding-box filter, then a point-in-polygon test against each prepared unit: far
    faster than a tree query on large, detailed polygons.
    """
    found = np.full(len(x), -1, dtype=np.int64)
    for j, (unit, (minx, miny, maxx, maxy)) in enumerate(zip(units, shapely.bounds(units),
                                                             strict=True)):
        if unit is None or unit.is_empty:
            continue
        sel = np.flatnonzero((found < 0) & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        if len(sel):
            prepared = shapely.from_wkb(shapely.to_wkb(unit))  # prepare a copy, not the input
            shapely.prepare(prepared)
            found[sel[shapely.intersects_xy(prepared, x[sel], y[sel])]] = j
    return found


def _place_in_units(incidents: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                    col: _Collector) -> gpd.GeoDataFrame:
    """Fill admin1/country of point incidents from the boundaries; warn on suspicious points.

    The analyst's ``country``/``admin1`` win over the polygons (simplified borders misplace
    border towns); a point far outside the unit it is said to be in gets a warning. A point
    within :data:`geo.settings.PLACE_TOLERANCE_DEG` of a unit but outside every polygon takes
    the nearest unit.
    """
    tol = settings.PLACE_TOLERANCE_DEG
    tree = shapely.STRtree(boundaries.geometry.values)
    points = incidents.geometry.values
    idx = np.flatnonzero(~shapely.is_missing(points))
    unit = np.full(len(points), -1, dtype=np.int64)
    unit[idx] = _containing_unit(boundaries.geometry.values, shapely.get_x(points[idx]),
                                 shapely.get_y(points[idx]))
    near = idx[unit[idx] < 0]
    if len(near):
        inputs, hits = tree.query_nearest(points[near], max_distance=tol, all_matches=False)
        unit[near] = _first_hits(inputs, hits, len(near))
    cc_of = np.append(boundaries[C.COUNTRY].to_numpy(dtype=object), "")
    layer_cc = set(cc_of[:-1].tolist())
    a1_of = np.append(boundaries[C.ADMIN1].to_numpy(dtype=object), "")
    given_cc = incidents[C.COUNTRY].to_numpy(dtype=object)
    given_a1 = incidents[C.ADMIN1].to_numpy(dtype=object)
    found_cc, found_a1 = cc_of[unit], a1_of[unit]
    located = unit >= 0
    take_all = located & (given_cc == "")
    take_a1 = located & (given_cc == found_cc) & (given_a1 == "")
    countries = np.where(take_all, found_cc, given_cc)
    admins = np.where(take_all | take_a1, found_a1, given_a1)
    outside = np.zeros(len(points), dtype=bool)
    outside[idx] = ~located[idx]
    differs = located & ~take_all & (given_cc != "") & (
        (given_cc != found_cc) | ((given_a1 != "") & (given_a1 != found_a1)))
    for i in np.flatnonzero(outside | differs):
        if outside[i]:
            if given_cc[i] == "" or given_cc[i] in layer_cc:  # else a country of its own
                _warn_swapped(points[i], incidents[C.ROW].iat[i], tree, col)
        elif given_cc[i] in layer_cc:
            _warn_elsewhere(points[i], incidents[C.ROW].iat[i], boundaries, col,
                            found=(str(found_cc[i]), str(found_a1[i])),
                            given=(str(given_cc[i]), str(given_a1[i])))
    # a point decides its own coverage, whatever country the row names
    coverage = incidents[C.COVERAGE].to_numpy(dtype=object).copy()
    coverage[idx] = np.where(outside[idx], C.COVERAGE_OUTSIDE, C.COVERAGE_INSIDE)
    return incidents.assign(**{C.COUNTRY: countries.astype(str), C.ADMIN1: admins.astype(str),
                               C.COVERAGE: coverage.astype(str)})


def _warn_swapped(p: shapely.Point, loc: str, tree: shapely.STRtree, col: _Collector) -> None:
    """A point outside every unit is kept as outside coverage; a swap is worth a warning when
    the swapped point lies in a unit and the point itself is far (10°) from every unit: a point
    just beyond partial boundaries (a neighbouring country) is no sign of a swap."""
    swapped = shapely.Point(p.y, p.x)
    if -90 <= p.x <= 90 and len(tree.query(swapped, predicate="intersects")) \
            and not len(tree.query(p, predicate="dwithin", distance=10.0)):
        col.warn(loc, C.LAT, f"({p.y:g}, {p.x:g}) lies outside every boundary but "
                             f"(lat {p.x:g}, lon {p.y:g}) lies inside: are lat and lon "
                             "swapped?")


def _warn_elsewhere(p: shapely.Point, loc: str, boundaries: gpd.GeoDataFrame, col: _Collector,
                    *, found: tuple[str, str], given: tuple[str, str]) -> None:
    """Warn when the point lies far from the unit the row names."""
    (cc, a1), (given_cc, given_a1) = found, given
    mask = (boundaries[C.COUNTRY] == given_cc).to_numpy()
    if given_a1:
        mask = mask & (boundaries[C.ADMIN1] == given_a1).to_numpy()
    unit = shapely.union_all(boundaries.geometry.values[mask]) if mask.any() else None
    if unit is not None and not shapely.dwithin(unit, p, settings.PLACE_TOLERANCE_DEG):
        said = f"{given_a1}, {given_cc}" if given_a1 else given_cc
        col.warn(loc, C.ADMIN1 if given_a1 else C.COUNTRY,
                 f"the point ({p.y:g}, {p.x:g}) lies in {a1 + ', ' if a1 else ''}{cc}, "
                 f"not in {said}; check lat/lon or {C.COUNTRY}/{C.ADMIN1}")


def split_coverage(incidents: gpd.GeoDataFrame
                   ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Incidents inside the boundaries, and those outside every polygon (never scored).

    Parameters
    ----------
    incidents
        As read by :func:`geo.io.read_incidents`.

    Returns
    -------
    inside, outside : GeoDataFrame
        The rows of each, index reset.

    Examples
    --------
    >>> from geo import datasets
    >>> inside, outside = split_coverage(read_incidents(datasets.get_path("incidents")))
    >>> len(outside)
    0
    """
    out = (incidents[C.COVERAGE] == C.COVERAGE_OUTSIDE).to_numpy() if C.COVERAGE in \
        incidents else np.zeros(len(incidents), dtype=bool)
    return (incidents.loc[~out].reset_index(drop=True),
            incidents.loc[out].reset_index(drop=True))
