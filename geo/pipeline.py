"""The whole build: load and validate inputs, segment, score, summarise, write outputs.

The engine under :func:`geo.build` (which wraps :class:`Prepared` in a :class:`geo.Build`)::

    from geo import pipeline
    prepared = pipeline.prepare()            # bundled layers, as of the latest incident
    prepared.scored.head()
    pipeline.write_outputs(prepared, Path("output"))
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import columns as C
from geo import settings
from geo._errors import InputWarning, Problem, RouteriskError, UsageError, ValidationError
from geo._progress import stage
from geo._sources import sources_of
from geo.engine import risk_field
from geo.export import STATIC_FORMATS, atomic_output, write_csv, write_geojson
from geo.io import read_boundaries, read_corridors, read_incidents
from geo.io.incidents import split_coverage
from geo.model.config import RiskModel, load_model
from geo.model.fate import incident_fate, outside_fate
from geo.model.field import RiskField
from geo.model.fit import FitResult, fit_field
from geo.model.forecast import Forecast, apply_forecast, prepare_forecast
from geo.model.known import known_by
from geo.model.scores import band_timeline, month_ends, score_segments
from geo.segment import coverage_problems, segment_corridors
from geo.summaries import p_columns, summarise_families, summarise_routes

__all__ = [
    "STATIC_FORMATS",
    "Prepared",
    "bundled_layers",
    "output_columns",
    "prepare",
    "resolve_paths",
    "sources_of",
    "write_outputs",
]

log = logging.getLogger(__name__)

BOUNDARIES_FILE = "boundaries.geojson"
CORRIDORS_FILE = "corridors.geojson"
INCIDENTS_FILE = "incidents.csv"
#: Every warning of a build, beside its outputs (written only when there are any).
PROBLEMS_FILE = "problems.csv"

SEGMENT_COLUMNS = [C.SEGMENT_ID, C.CORRIDOR_ID, C.ROUTE, C.SEQ, C.COUNTRY, C.ADMIN1, C.LENGTH_KM,
                   C.BORDER_CROSSING, C.COVERAGE, C.RISK_DENSITY, C.RISK_BAND, C.EXPOSURE,
                   C.COARSE_SHARE, C.TOP_INCIDENTS]
# p_<H>d follows exposure when the build has it (routes.csv: every column summarise_routes gives)
ROUTE_COLUMNS = [C.CORRIDOR_ID, C.ROUTE, C.LENGTH_KM, C.OUTSIDE_KM, C.EXPOSURE,
                 C.EXPOSURE_INDEX, C.MAX_BAND, C.TOP_INCIDENTS, C.INTERCEPTION_INDEX]


def bundled_layers() -> Path:
    """The bundled example layers shipped with the package (:func:`geo.datasets.layers`).

    Never a ``layers/`` folder of the current directory: that takes an explicit ``layers=``.

    Returns
    -------
    Path
        The folder holding ``boundaries.geojson``, ``corridors.geojson``, ``incidents.csv``.

    Examples
    --------
    >>> (bundled_layers() / "corridors.geojson").is_file()
    True
    """
    from geo import datasets

    return datasets.layers()


@dataclass
class Prepared:
    """Everything a build computes, before anything is written.

    Parameters
    ----------
    boundaries, corridors, incidents
        The layers as read (incidents generalised in a public build).
    segments, scored
        Segments, and the same with their scores as of ``as_of``.
    routes, families, fate, timeline
        Per corridor, per route family, per incident, and bands per segment per month end.
    model, as_of, field
        The risk model, the date, and the :class:`geo.model.field.RiskField` reused for other dates.
    paths
        The input files read.
    warnings
        Suspicious but valid input.
    public, manifest
        Whether the build is public, and what it generalised or suppressed.
    id_key_file, id_map
        Where the key of public incident ids is kept, and original id → public id (restricted
        builds asked for it).
    min_count
        With ``public``: the count threshold applied (recorded in ``public_manifest.json``).
    outside
        Incidents outside every boundary polygon: kept (fate ``outside_coverage``), never
        scored or drawn (empty in a public build, which gives only their count).
    forecast
        The calibration of ``p_<H>d`` and the evidence bands (:mod:`geo.model.forecast`).
    fit
        The fitted model (:mod:`geo.model.fit`), or why the type parameters apply.
    context_osm
        An OpenStreetMap extract whose roads and place names the maps add to their basemap.

    Examples
    --------
    >>> p = prepare()
    >>> len(p.scored) == len(p.segments)
    True
    """

    boundaries: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    scored: gpd.GeoDataFrame
    routes: pd.DataFrame
    families: pd.DataFrame
    fate: pd.DataFrame
    timeline: pd.DataFrame
    model: RiskModel
    as_of: date
    field: RiskField
    paths: dict[str, Path]
    warnings: list[Problem] = dc_field(default_factory=list)
    public: bool = False
    manifest: list[dict[str, Any]] = dc_field(default_factory=list)
    id_key_file: Path | None = None
    id_map: pd.DataFrame | None = None
    min_count: int | None = None
    outside: gpd.GeoDataFrame | None = None
    forecast: Forecast | None = None
    fit: FitResult | None = None
    context_osm: Path | None = None


def resolve_paths(*, layers: Path | None = None,
                  boundaries: Path | Sequence[Path] | None = None,
                  corridors: Path | None = None, incidents: Path | None = None) -> dict[str, Path]:
    """Input file paths from a layers folder and per-file overrides.

    Parameters
    ----------
    layers
        Folder of the three files; default :func:`bundled_layers`.
    boundaries, corridors, incidents
        Single files that override the folder's.

    Returns
    -------
    dict
        ``{"boundaries": Path, "corridors": Path, "incidents": Path}``.

    Examples
    --------
    >>> resolve_paths(layers=Path("x"), incidents=Path("y.csv"))["incidents"].name
    'y.csv'
    """
    base = Path(layers) if layers is not None else bundled_layers()
    return {
        "boundaries": _first(boundaries) if boundaries else base / BOUNDARIES_FILE,
        "corridors": Path(corridors) if corridors else base / CORRIDORS_FILE,
        "incidents": Path(incidents) if incidents else base / INCIDENTS_FILE,
    }


def _first(paths: Path | Sequence[Path]) -> Path:
    return Path(paths) if isinstance(paths, str | os.PathLike) else Path(paths[0])


def prepare(
    *,
    layers: Path | None = None,
    boundaries: Path | Sequence[Path] | None = None,
    corridors: Path | None = None,
    incidents: Path | None = None,
    config: Path | None = None,
    as_of: date | None = None,
    encoding: str | None = None,
    repair: bool = False, country_column: str | None = None, admin1_column: str | None = None,
    strict: bool = False,
    public: bool = False,
    min_count: int | None = None,
    id_key: Path | None = None,
    write_id_map: bool = False,
    today: date | None = None,
    engine: str = "local",
    scheduler: Any = None,
    context_osm: Path | str | None = None,
) -> Prepared:
    """Load, validate and score. Raises one :class:`ValidationError` listing every problem.

    Parameters
    ----------
    layers, boundaries, corridors, incidents
        Input files (see :func:`resolve_paths`).
    config
        Risk model TOML (see :func:`geo.model.config.load_model`).
    as_of
        Scoring date; default: the day by which every incident could be known.
    encoding, repair, country_column, admin1_column
        A non-UTF-8 incidents CSV's encoding; boundary options of :func:`geo.io.read_boundaries`.
    strict
        Raise every warning (for example a corridor running outside every boundary polygon)
        as a problem instead of returning it in ``Prepared.warnings``.
    public
        Generalise and filter the incidents for publication before scoring (see
        :mod:`geo.publish`), so nothing finer than the public data can be read off the scores.
    min_count
        With ``public``: incidents whose ``count`` is below this are suppressed (default from
        :mod:`geo.settings`).
    id_key
        File of the secret key of public incident ids (default
        :func:`geo.publish.default_key_file`); read only by a public build or ``write_id_map``.
    write_id_map
        Restricted builds only: also write ``public_id_map.csv`` (original id → public id) for
        the organisation's own use.
    today
        The date a date "in the future" is judged against (default: the real today).
    engine, scheduler
        Where the incident × segment pairs are found: ``"local"`` or ``"dask"`` (on the
        dask.distributed scheduler at ``scheduler``, or a local cluster); see :mod:`geo.engine`.
    context_osm
        An OpenStreetMap extract (``.osm.pbf``, ``.osm``) whose main roads and place names the
        maps draw in their basemap (:func:`geo.maps.basemap.load_context`); checked here.

    Returns
    -------
    Prepared
        Everything computed; :func:`geo.build` wraps it in a :class:`geo.Build`.

    Raises
    ------
    geo.ValidationError
        Listing every problem of every input.

    Examples
    --------
    >>> prepare(as_of=date(2024, 6, 1)).as_of
    datetime.date(2024, 6, 1)
    """
    if public and write_id_map:
        raise UsageError("a public build never writes the id map; build the map from the "
                         "restricted build", field="write_id_map")
    if public:
        from geo.publish import count_threshold

        count_threshold(min_count)  # a wrong keyword fails before any file is read
    paths = resolve_paths(layers=layers, boundaries=boundaries, corridors=corridors,
                          incidents=incidents)
    problems: list[Problem] = []
    seen_warnings: list[Problem] = []
    model = load_model(config)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        sources = ([paths["boundaries"]] if boundaries is None
                   or isinstance(boundaries, str | os.PathLike) else list(boundaries))
        with stage("reading boundaries and corridors"):
            b = _collect(problems, read_boundaries, sources, repair=repair,
                         country_column=country_column, admin1_column=admin1_column)
            c = _collect(problems, read_corridors, paths["corridors"])
        with stage("reading incidents"):
            i = _collect(problems, read_incidents, paths["incidents"], boundaries=b,
                         types=tuple(model.types), encoding=encoding, today=today,
                         resolve_places=b is not None)
        if context_osm is not None:
            from geo.maps.basemap import check_osm

            _collect(problems, check_osm, Path(context_osm))
    for w in caught:
        if isinstance(w.message, InputWarning):
            seen_warnings.append(w.message.problem)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if problems or b is None or c is None or i is None:
        raise ValidationError(problems)
    i, outside = split_coverage(i)
    manifest: list[dict[str, Any]] = []
    key_file, id_table = None, None
    if public or write_id_map:
        from geo.publish import id_map, load_id_key, make_public

        key, key_file = load_id_key(id_key)
        if write_id_map:
            id_table = id_map(i, key=key)
        else:
            seen_warnings = _public_warnings(seen_warnings, str(paths["incidents"]))
            i, manifest = make_public(i, boundaries=b, key=key, min_count=min_count)
            min_count = settings.PUBLIC_MIN_COUNT if min_count is None else min_count
    if as_of is None and not len(i) and len(outside):
        as_of = known_by(outside).max().item()  # a map of the baseline, as of the data's end
    if as_of is None:
        if not len(i):
            raise UsageError(f"no incidents to take the as-of date from ({paths['incidents']} "
                             "has none to score); give an as-of date", field="as_of")
        # the day by which every incident could be known (known-by rule, geo.model.known)
        as_of = known_by(i).max().item()
    with stage("segmenting corridors"):
        segments = segment_corridors(c, b, max_km=model.segment_km)
    seen_warnings.extend(coverage_problems(segments, c, file=str(paths["corridors"])))
    if strict and seen_warnings:
        raise ValidationError(seen_warnings)
    with stage(f"finding incident × segment pairs ({engine} engine)"):
        fld = risk_field(segments, i, model=model, engine=engine, scheduler=scheduler)
    with stage("fitting the model on the history"):
        # the fitted default model (geo.model.fit) when the history before as_of allows, else the
        # type parameters; the build summary says which
        fit = fit_field(fld, as_of)
        fld = fld.with_fit(fit)
    with stage("calibrating the forecast"):
        model, fc = prepare_forecast(segments, i, field=fld, as_of=as_of, model=model)
    with stage("scoring segments"):
        scored = score_segments(segments, i, as_of=as_of, model=model, field=fld)
    scored, model, found = apply_forecast(scored, fc, field=fld, as_of=as_of, model=model,
                                          file=str(paths["incidents"]))
    seen_warnings.extend(found)
    with stage("incident fate"):
        fate = incident_fate(segments, i, as_of=as_of, model=model, field=fld)
    if len(outside):
        fate = pd.concat([fate, outside_fate(outside, public=public)], ignore_index=True)
    if manifest:
        fate = pd.concat([fate, _suppressed_fate(manifest)], ignore_index=True)
    start = i[C.DATE].min().date() if len(i) else as_of
    dates = month_ends(min(start, as_of), as_of)
    with stage(f"band timeline ({len(dates)} dates)"):
        timeline = band_timeline(segments, i, dates=dates, model=model, field=fld)
    return Prepared(
        boundaries=b, corridors=c, incidents=i, segments=segments, scored=scored,
        routes=summarise_routes(scored, top_n=model.top_n),
        families=summarise_families(scored, top_n=model.top_n), fate=fate, timeline=timeline,
        model=model, as_of=as_of, field=fld, paths=paths, warnings=seen_warnings, public=public,
        manifest=manifest, id_key_file=key_file, id_map=id_table, forecast=fc,
        fit=fit,
        min_count=min_count if public else None,
        outside=outside.iloc[:0] if public else outside,
        context_osm=None if context_osm is None else Path(context_osm),
    )


def _public_warnings(found: Sequence[Problem], incidents_file: str) -> list[Problem]:
    """Warnings of a public build without restricted values: a warning about an incident row can
    quote its coordinates, date or place and names its source row, so those are given only as
    counts per field; warnings about the other layers are kept as they are."""
    kept = [p for p in found if p.file != incidents_file]
    per_field = Counter(p.field for p in found if p.file == incidents_file)
    kept.extend(Problem(incidents_file, "-", fld,
                        f"{n} incident row{'s' if n > 1 else ''} with a warning; details "
                        "withheld in a public build (they can quote restricted values): "
                        "validate the inputs without public=True to see them")
                for fld, n in sorted(per_field.items()))
    return kept


def _warn_other_thresholds(out_dir: Path, min_count: int | None) -> None:
    """Say so when a public output beside this one (the folder itself, its parent, its sibling
    folders) was made with another count threshold: differencing two such outputs can reveal a
    withheld count."""
    candidates = [out_dir / "public_manifest.json", out_dir.parent / "public_manifest.json"]
    with contextlib.suppress(OSError):
        candidates += sorted(out_dir.parent.glob("*/public_manifest.json"))
    for path in candidates:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if path.is_symlink() or not path.is_file():
                continue
            other = json.loads(path.read_text(encoding="utf-8")).get("min_count", 5)
            if other != min_count:
                log.warning("%s was published with min_count %s and this output uses %s: "
                            "differencing the two can reveal withheld counts; publish both with "
                            "the same threshold", path, other, min_count)
                return


def _every_incident(prepared: Prepared) -> gpd.GeoDataFrame:
    """:attr:`Prepared.incidents` then :attr:`Prepared.outside`: every incident read."""
    if prepared.outside is None or not len(prepared.outside):
        return prepared.incidents
    return pd.concat([prepared.incidents, prepared.outside], ignore_index=True)


def output_columns(prepared: Prepared) -> tuple[list[str], list[str]]:
    """Columns of the segment files and of ``routes.csv``: :data:`SEGMENT_COLUMNS` with
    ``p_<H>d`` after ``risk_band``, :data:`ROUTE_COLUMNS` with it after ``exposure``.

    >>> seg, routes = output_columns(prepare())
    >>> seg[seg.index("risk_band") + 1], routes[routes.index("exposure") + 1]
    ('p_90d', 'p_90d')
    """
    seg, routes = list(SEGMENT_COLUMNS), list(ROUTE_COLUMNS)
    a, b = seg.index(C.RISK_BAND) + 1, routes.index(C.EXPOSURE) + 1
    return ([*seg[:a], *p_columns(prepared.scored), *seg[a:]],
            [*routes[:b], *p_columns(prepared.routes), *routes[b:]])


def _suppressed_fate(manifest: Sequence[dict[str, Any]]) -> pd.DataFrame:
    from geo.publish import suppressed_fate

    return suppressed_fate(manifest)


def _collect(problems: list[Problem], func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except RouteriskError as exc:
        problems.extend(exc.problems)
        return None


def write_outputs(prepared: Prepared, out_dir: Path, *, tiles: Sequence[str] = (),
                  formats: Sequence[str] = STATIC_FORMATS, map_name: str = "route_risk_map",
                  geoparquet: bool = False, map_folder: bool | None = None,
                  force: bool = False) -> list[Path]:
    """Write every output into ``out_dir`` as one set, replacing the previous build's set.

    See :func:`geo.export.atomic_output`: all or nothing, stale files removed,
    ``build_manifest.json`` last, a second build into the same folder refused.

    Parameters
    ----------
    prepared
        A :func:`prepare` result.
    out_dir
        Output folder.
    tiles
        Online basemaps of the interactive map (xyzservices names).
    formats
        Static map formats.
    map_name
        File stem of the maps.
    geoparquet
        Also write ``segments.parquet`` and ``incidents.parquet`` (GeoParquet 1.1, EPSG:4326,
        the columns of the GeoPackage layers), for large networks.
    map_folder
        The map's data as files in ``<map_name>_files/`` (see
        :func:`geo.maps.interactive.save_map`); ``None``: only when very large.
    force
        Replace files in ``out_dir`` that routerisk did not write where outputs go (without
        it such a folder is refused and nothing changes).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     names = {p.name for p in write_outputs(prepare(), Path(tmp), formats=())}
    >>> "route_risk_map.html" in names
    True
    """
    from geo._cells import list_texts
    from geo._outdir import build_info
    from geo.export import write_embed_snippet, write_geopackage, write_geoparquet
    from geo.maps.interactive import build_map, save_map

    key_file = prepared.id_key_file
    if key_file is not None and Path(key_file).resolve().is_relative_to(Path(out_dir).resolve()):
        raise UsageError(f"the public-id key {key_file} is inside the output folder {out_dir}; "
                         "keep it outside every output folder", field="id_key")
    written: list[str] = []
    seg_cols, route_cols = output_columns(prepared)
    info = build_info(public=prepared.public, as_of=prepared.as_of, inputs=prepared.paths)
    info["bands"] = {"scheme": prepared.model.band_scheme,
                     "thresholds": [float(t) for t in prepared.model.band_thresholds],
                     "notes": list(prepared.model.band_notes)}
    if prepared.forecast is not None:
        info["forecast"] = prepared.forecast.describe()
    if prepared.fit is not None:
        info["model"] = prepared.fit.record()
    with atomic_output(out_dir, command="build", info=info, force=force) as tmp:
        # the incidents layer of the GeoPackage and GeoParquet: each with its fate
        incidents = _every_incident(prepared).merge(
            prepared.fate[[C.INCIDENT_ID, C.STATUS, C.REASON]], on=C.INCIDENT_ID, how="left")
        # top_incidents as the JSON text every file holds, made once for the three files
        segments = prepared.scored
        texts = list_texts(segments[C.TOP_INCIDENTS])
        if texts is not None:
            segments = segments.assign(**{C.TOP_INCIDENTS: texts})
        with stage("writing segments and tables"):
            write_geojson(segments, tmp / "segments.geojson", columns=seg_cols)
            if geoparquet:
                write_geoparquet(segments, tmp / "segments.parquet", columns=seg_cols)
                write_geoparquet(incidents, tmp / "incidents.parquet")
            write_csv(prepared.routes, tmp / "routes.csv", columns=route_cols)
            write_csv(prepared.families, tmp / "route_families.csv")
            write_csv(prepared.fate, tmp / "incidents_fate.csv")
        with stage("writing the interactive map"):
            m = build_map(
                prepared.scored, prepared.incidents, prepared.boundaries, as_of=prepared.as_of,
                model=prepared.model, timeline=prepared.timeline, sources=sources_of(
                    prepared.incidents), public=prepared.public, tiles=tuple(tiles),
                title="Overland corridor risk", context_osm=prepared.context_osm,
            )
            save_map(m, tmp / f"{map_name}.html", folder=map_folder)
            write_embed_snippet(tmp / f"{map_name}.embed.html", map_file=f"{map_name}.html",
                                title=f"Corridor risk map as of {prepared.as_of.isoformat()}")
        with stage("writing the GeoPackage"):
            write_geopackage({"segments": segments, "incidents": incidents,
                              "boundaries": prepared.boundaries}, tmp / "route_risk.gpkg",
                             columns={"segments": seg_cols})
        if formats:
            from geo.maps.static import save_static_maps

            with stage(f"static images ({', '.join(formats)})"):
                save_static_maps(prepared, tmp / map_name, formats=tuple(formats))
        if prepared.warnings:  # every one; the command line shows ~20 lines
            from geo._problems import write_problems

            write_problems(prepared.warnings, tmp / PROBLEMS_FILE)
        if prepared.id_map is not None and not prepared.public:
            write_csv(prepared.id_map, tmp / "public_id_map.csv")
        if prepared.public:
            from geo.publish import write_manifest

            write_manifest(prepared.manifest, tmp / "public_manifest.json",
                           min_count=prepared.min_count)
            _warn_other_thresholds(Path(out_dir), prepared.min_count)
        written = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
    return [Path(out_dir) / name for name in sorted([*written, "build_manifest.json"])]
