"""The risk model's parameters: :class:`IncidentType`, :class:`RiskModel` and
:func:`load_model`, which reads ``geo/data/risk_model.toml`` (or a user's file over it) and checks
every value, naming file and key on error. The TOML reading itself (unknown keys, merging of
several files) is :mod:`geo.model.config_file`; marker looks per type are :mod:`geo.model.looks`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._errors import ConfigError
from geo.model.calibration import ForecastSettings
from geo.model.candidates import CANDIDATES
from geo.model.config_file import band_scheme, read_config
from geo.model.looks import _type_looks


@dataclass(frozen=True)
class IncidentType:
    """Risk parameters of one incident type.

    Parameters
    ----------
    name, label
        Key in the model file and the words shown on maps.
    weight
        Multiplier of the incident's contribution (0: shown, never scored).
    half_life_days
        Time for the contribution to halve.
    bandwidth_km
        Reach of a point incident along the corridors.
    symbol, color
        Marker shape and colour on the maps.

    Examples
    --------
    >>> load_model().types["arrest"].bandwidth_km
    50.0
    """

    name: str
    label: str
    weight: float
    half_life_days: float
    bandwidth_km: float
    symbol: str = "circle"
    color: str = "#252525"


@dataclass(frozen=True)
class RiskModel:
    """All parameters of the risk model; build it with :func:`load_model`.

    Parameters
    ----------
    types
        Incident type name → :class:`IncidentType`.
    band_thresholds, band_labels
        The four fixed density thresholds between bands 1–5, and the five band names.
    segment_km
        Longest segment.
    top_n
        Contributors kept per segment.
    count_scale, quality_factors, quality_missing
        Severity of ``count``; factor of ``source_quality`` 1–5, and the quality assumed when
        missing.
    near_town_extra_km
        Bandwidth added for geo_precision 2.
    admin1_per_100km, country_per_100km
        Flat density of incidents known only to a first-level unit or a country.
    border_crossing_exposure, border_crossing_km
        Baseline exposure of each international crossing and its reach.
    band_scheme
        Name of the band scheme: ``"evidence"`` (thresholds chosen by the build, see
        :mod:`geo.model.forecast`), ``"fixed"``, a preset's name or ``"custom"``.
    band_notes
        What each band meant historically (set by an evidence build; empty otherwise).
    evidence_km_shares
        Km shares of bands 1–5 for the evidence scheme.
    forecast
        The ``[forecast]`` settings of ``p_<H>d``.
    kernel_distance, kernel_access_km
        ``"euclidean"`` or ``"network"`` distance for point incidents, and how far off the
        network an incident may lie to reach it (network distance only).
    fit_bandwidths_km, fit_half_lives_days, fit_horizon_days, fit_capture_km, fit_min_windows, \
fit_min_events, fit_max_windows, fit_candidates
        The fitted default model (:mod:`geo.model.fit`): its scales (empty: no fitting, the type
        parameters apply), the horizon and capture distance of its targets, the history it
        needs, the latest month-end windows it uses, and the candidate models it chooses from
        by past log score (:data:`geo.model.candidates.CANDIDATES`).
    source
        Where the values came from.

    Examples
    --------
    >>> load_model().band_thresholds
    (0.1, 0.5, 1.5, 4.0)
    """

    types: Mapping[str, IncidentType]
    band_thresholds: tuple[float, float, float, float]
    band_labels: tuple[str, str, str, str, str]
    segment_km: float = 25.0
    top_n: int = 5
    count_scale: float = 1.0
    quality_factors: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9, 1.0)
    quality_missing: int = 3
    near_town_extra_km: float = 25.0
    admin1_per_100km: float = 0.25
    country_per_100km: float = 0.05
    border_crossing_exposure: float = 0.1
    border_crossing_km: float = 25.0
    band_scheme: str = "fixed"
    band_notes: tuple[str, ...] = ()
    evidence_km_shares: tuple[float, ...] = (0.40, 0.25, 0.20, 0.10, 0.05)
    forecast: ForecastSettings = field(default_factory=ForecastSettings)
    kernel_distance: str = "euclidean"
    kernel_access_km: float = 25.0
    fit_bandwidths_km: tuple[float, ...] = ()
    fit_half_lives_days: tuple[float, ...] = ()
    fit_horizon_days: int = 90
    fit_capture_km: float = 10.0
    fit_min_windows: int = 12
    fit_min_events: int = 30
    fit_max_windows: int = 120
    fit_candidates: tuple[str, ...] = ("full",)
    source: str = field(default="defaults", compare=False)


def _get(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"missing key {key!r}", file=where, field=key)
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{value!r} is not a {kind.__name__}", file=where, field=key)
    return value




def _kernel_distance(kernel: Mapping[str, Any], where: str) -> str:
    value = str(kernel.get("distance", "euclidean"))
    if value not in ("euclidean", "network"):
        raise ConfigError(f"{value!r} is not 'euclidean' or 'network'", file=where,
                          location="[kernel]", field="distance")
    return value


def load_model(path: Path | str | Sequence[Path | str] | None = None) -> RiskModel:
    """Read a risk model TOML file (default: the packaged ``risk_model.toml``).

    A user file may hold only the keys it changes; the rest come from the defaults. Several
    files are merged in order. Unknown sections, keys and misspelt types are errors
    (:mod:`geo.model.config_file`).

    Parameters
    ----------
    path
        A TOML file; ``None`` for the packaged defaults.

    Returns
    -------
    RiskModel
        The model.

    Examples
    --------
    >>> load_model().types["arrest"].half_life_days
    180.0
    """
    paths = [] if path is None else [path] if isinstance(path, str | Path) else list(path)
    data, origin, where = read_config(paths)
    types: dict[str, IncidentType] = {}
    tables = data.get("types", {})
    looks = _type_looks(tables, where)
    for name, table in tables.items():
        loc = f"{where} [types.{name}]"
        t = IncidentType(
            name=name,
            label=str(table.get("label", name)),
            weight=_get(table, "weight", float, loc),
            half_life_days=_get(table, "half_life_days", float, loc),
            bandwidth_km=_get(table, "bandwidth_km", float, loc),
            symbol=looks[name][0],
            color=looks[name][1],
        )
        if t.weight < 0 or t.half_life_days <= 0 or t.bandwidth_km <= 0:
            raise ConfigError("weight must be >= 0, half_life_days and bandwidth_km > 0",
                              file=loc)
        types[name] = t
    bands = data.get("bands", {})
    scheme, thresholds = band_scheme(data, origin, [str(p) for p in paths])
    if len(thresholds) != 4 or list(thresholds) != sorted(set(thresholds)) or thresholds[0] <= 0:
        raise ConfigError("needs 4 increasing positive numbers", file=f"{where} [bands]",
                          field="thresholds")
    labels = tuple(str(x) for x in bands.get("labels", ()))
    if len(labels) != 5:
        raise ConfigError("needs 5 labels", file=f"{where} [bands]", field="labels")
    quality = data.get("quality", {})
    factors = tuple(float(x) for x in quality.get("factors", ()))
    if len(factors) != 5 or any(f < 0 for f in factors):
        raise ConfigError("needs 5 factors >= 0 (source_quality 1..5)",
                          file=f"{where} [quality]", field="factors")
    prec = data.get("precision", {})
    seg = data.get("segments", {})
    return RiskModel(
        types=types,
        band_thresholds=thresholds,
        band_labels=labels,
        segment_km=_get(seg, "max_km", float, f"{where} [segments]"),
        top_n=_get(seg, "top_incidents", int, f"{where} [segments]"),
        count_scale=_get(data.get("severity", {}), "count_scale", float, f"{where} [severity]"),
        quality_factors=factors,
        quality_missing=_get(quality, "missing", int, f"{where} [quality]"),
        near_town_extra_km=_get(prec, "near_town_extra_km", float, f"{where} [precision]"),
        admin1_per_100km=_get(prec, "admin1_per_100km", float, f"{where} [precision]"),
        country_per_100km=_get(prec, "country_per_100km", float, f"{where} [precision]"),
        border_crossing_exposure=_get(data.get("baseline", {}), "border_crossing_exposure",
                                      float, f"{where} [baseline]"),
        border_crossing_km=_get(data.get("baseline", {}), "border_crossing_km", float,
                                f"{where} [baseline]"),
        band_scheme=scheme,
        evidence_km_shares=_shares(bands, where),
        forecast=_forecast(data.get("forecast", {}), where),
        kernel_distance=_kernel_distance(data.get("kernel", {}), where),
        kernel_access_km=_get(data.get("kernel", {}), "access_km", float, f"{where} [kernel]"),
        **_fit_settings(data.get("fit", {}), f"{where} [fit]"),
        source=where,
    )


def _shares(bands: Mapping[str, Any], where: str) -> tuple[float, ...]:
    shares = tuple(float(x) for x in bands.get("evidence_km_shares", (0.4, 0.25, 0.2, 0.1, 0.05)))
    if len(shares) != 5 or any(x <= 0 for x in shares) or abs(sum(shares) - 1.0) > 1e-6:
        raise ConfigError("needs 5 positive shares of km (bands 1..5) summing to 1",
                          file=f"{where} [bands]", field="evidence_km_shares")
    return shares


def _forecast(table: Mapping[str, Any], where: str) -> ForecastSettings:
    loc = f"{where} [forecast]"
    out = ForecastSettings(
        horizon_days=_get(table, "horizon_days", int, loc),
        capture_km=_get(table, "capture_km", float, loc),
        step_days=_get(table, "step_days", int, loc),
        min_windows=_get(table, "min_windows", int, loc),
        min_hits=_get(table, "min_hits", int, loc),
        max_windows=_get(table, "max_windows", int, loc))
    for key in ("horizon_days", "step_days", "min_windows", "max_windows"):
        if getattr(out, key) < 1:
            raise ConfigError("must be a whole number >= 1", file=loc, field=key)
    if out.capture_km <= 0 or out.min_hits < 1:
        raise ConfigError("capture_km must be > 0 and min_hits >= 1", file=loc)
    return out


def _fit_settings(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The ``[fit]`` section as :class:`RiskModel` keywords (checked)."""
    bands = tuple(float(x) for x in table.get("bandwidths_km", ()))
    halves = tuple(float(x) for x in table.get("half_lives_days", ()))
    if any(not b > 0 or math.isinf(b) for b in bands):
        raise ConfigError("bandwidths must be positive numbers of km", file=where,
                          field="bandwidths_km")
    if any(not h > 0 for h in halves):
        raise ConfigError("half-lives must be positive (inf: no decay)", file=where,
                          field="half_lives_days")
    if bool(bands) != bool(halves):
        raise ConfigError("give both bandwidths_km and half_lives_days, or neither (no fit)",
                          file=where, field="bandwidths_km")
    out: dict[str, Any] = {"fit_bandwidths_km": bands, "fit_half_lives_days": halves}
    if "candidates" in table:
        names = table["candidates"]
        if (not isinstance(names, list) or not names
                or any(not isinstance(n, str) or n not in CANDIDATES for n in names)
                or len(set(names)) != len(names)):
            raise ConfigError(f"candidates must be a list of distinct names from "
                              f"{', '.join(CANDIDATES)}; got {names!r}", file=where,
                              field="candidates")
        out["fit_candidates"] = tuple(names)
    for key, kind in (("horizon_days", int), ("capture_km", float), ("min_windows", int),
                      ("min_events", int), ("max_windows", int)):
        if key in table:
            value = _get(table, key, kind, where)
            if value <= 0:
                raise ConfigError(f"{value!r} must be positive", file=where, field=key)
            out[f"fit_{key}"] = value
    return out
