"""Strict reading of risk model TOML files, and where every effective value came from.

A user's model file holds only the keys it changes; the packaged ``geo/data/risk_model.toml``
supplies the rest. Every section, key and type table of a user file is checked before anything
is merged: an unknown section or key is an error with a "did you mean" suggestion, a new type
whose name is a close misspelling of a known one (``[types.arest]``) is an error, and a value of
the wrong kind names file, section and key. A genuinely new type must give every required key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from geo._errors import ConfigError

__all__ = ["DEFAULT_ORIGIN", "TYPE_KEYS", "TYPE_REQUIRED", "band_scheme", "dump_toml",
           "effective_toml", "read_config"]

DEFAULT_ORIGIN = "packaged default"

#: keys of a ``[types.NAME]`` table and the kind of value each takes
TYPE_KEYS: dict[str, str] = {"label": "text", "weight": "number", "half_life_days": "number",
                             "bandwidth_km": "number", "symbol": "text", "color": "text",
                             "cues": "texts", "escalates": "texts", "escalation_cues": "texts"}
TYPE_REQUIRED = ("weight", "half_life_days", "bandwidth_km")

# kinds of the keys of the other sections; keys only in the packaged file take the kind of
# their packaged value, so a key added there is accepted without a change here
_KINDS: dict[str, dict[str, str]] = {
    "severity": {"count_scale": "number"},
    "quality": {"factors": "numbers", "missing": "integer"},
    "precision": {"near_town_extra_km": "number", "admin1_per_100km": "number",
                  "country_per_100km": "number"},
    "baseline": {"border_crossing_exposure": "number", "border_crossing_km": "number"},
    "bands": {"thresholds": "numbers", "labels": "texts", "preset": "text", "scheme": "text",
              "evidence_km_shares": "numbers"},
    "segments": {"max_km": "number", "top_incidents": "integer"},
    "kernel": {"distance": "text", "access_km": "number"},
    "forecast": {"horizon_days": "integer", "capture_km": "number", "step_days": "integer",
                 "min_windows": "integer", "min_hits": "integer", "max_windows": "integer"},
    "fit": {"bandwidths_km": "numbers", "half_lives_days": "numbers", "horizon_days": "integer",
            "capture_km": "number", "min_windows": "integer", "min_events": "integer",
            "max_windows": "integer", "candidates": "texts"},
}
_SIMILAR = 0.8  # difflib ratio from which a new type name is taken for a misspelling
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "texts" if value and all(isinstance(v, str) for v in value) else "numbers"
    return "table" if isinstance(value, dict) else type(value).__name__


def _fits(value: Any, kind: str) -> bool:
    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    return {
        "number": lambda: number(value),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "text": lambda: isinstance(value, str),
        "numbers": lambda: isinstance(value, list) and all(number(v) for v in value),
        "texts": lambda: isinstance(value, list) and all(isinstance(v, str) for v in value),
        "boolean": lambda: isinstance(value, bool),
    }.get(kind, lambda: True)()


_KIND_WORDS = {"number": "a number", "integer": "a whole number", "text": "a text in quotes",
               "numbers": "a list of numbers", "texts": "a list of texts in quotes",
               "boolean": "true or false", "table": "a table"}


def _hint(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (known: {', '.join(sorted(choices))})"


def _check_value(value: Any, kind: str, where: str, section: str, key: str) -> None:
    if not _fits(value, kind):
        raise ConfigError(f"{value!r} is not {_KIND_WORDS.get(kind, kind)}", file=where,
                          location=f"[{section}]", field=key)


def _check_type(name: str, table: Any, known_types: Sequence[str], where: str) -> None:
    section = f"types.{name}"
    if not isinstance(table, dict):
        raise ConfigError("must be a table of keys (label, weight, half_life_days, ...)",
                          file=where, location=f"[{section}]")
    for key, value in table.items():
        if key not in TYPE_KEYS:
            raise ConfigError(f"unknown key {key!r} of a type{_hint(key, list(TYPE_KEYS))}",
                              file=where, location=f"[{section}]", field=key)
        _check_value(value, TYPE_KEYS[key], where, section, key)
    if name in known_types:
        return
    folded = {k.casefold().replace("-", "_").replace(" ", "_"): k for k in known_types}
    close = difflib.get_close_matches(name, list(known_types), n=1, cutoff=_SIMILAR)
    same = folded.get(name.casefold().replace("-", "_").replace(" ", "_"))
    if same or close:
        raise ConfigError(f"unknown type {name!r}; did you mean {(same or close[0])!r}? (a new "
                          "type needs a name that is not a near-copy of a known one)",
                          file=where, location=f"[{section}]")
    if not _NAME.match(name):
        raise ConfigError(f"type name {name!r} must be lower-case letters, digits and _",
                          file=where, location=f"[{section}]")
    missing = [k for k in TYPE_REQUIRED if k not in table]
    if missing:
        raise ConfigError(f"a new type needs {', '.join(missing)} (it has no default to fall "
                          "back on)", file=where, location=f"[{section}]", field=missing[0])


def check_user_config(user: Mapping[str, Any], base: Mapping[str, Any], where: str) -> None:
    """Raise :class:`ConfigError` for the first unknown or ill-typed entry of ``user``.

    ``base`` is what ``user`` is merged onto (the packaged defaults, plus earlier files).
    """
    sections = sorted(set(base) | set(_KINDS) | {"types"})
    for section, table in user.items():
        if section not in sections:
            raise ConfigError(f"unknown section [{section}]{_hint(section, sections)}"
                              if isinstance(table, dict) else
                              f"unknown key {section!r} outside any section"
                              f"{_hint(section, sections)}", file=where, location=f"[{section}]")
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}] must be a section (a table), not "
                              f"{_KIND_WORDS.get(_kind_of(table), 'a value')}", file=where,
                              location=f"[{section}]")
        if section == "types":
            for name, type_table in table.items():
                _check_type(name, type_table, list(base.get("types", {})), where)
            continue
        kinds = {**{k: _kind_of(v) for k, v in base.get(section, {}).items()},
                 **_KINDS.get(section, {})}
        for key, value in table.items():
            if key not in kinds:
                raise ConfigError(f"unknown key {key!r} in [{section}]{_hint(key, list(kinds))}",
                                  file=where, location=f"[{section}]", field=key)
            _check_value(value, kinds[key], where, section, key)


def _parse(path: Path | str) -> dict[str, Any]:
    from geo._files import read_small_text

    try:
        return tomllib.loads(read_small_text(path))
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a TOML file", file=str(path)) from None
    except ValueError as exc:
        if isinstance(exc, tomllib.TOMLDecodeError | UnicodeDecodeError):
            raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None
        raise ConfigError(str(exc), file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None


def _merge(data: dict[str, Any], origin: dict[tuple[str, ...], str], user: Mapping[str, Any],
           label: str) -> None:
    for section, table in user.items():
        target = data.setdefault(section, {})
        for key, value in table.items():
            if section == "types":
                target.setdefault(key, {}).update(value)
                for sub in value:
                    origin[(section, key, sub)] = label
            else:
                target[key] = value
                origin[(section, key)] = label


def read_config(paths: Sequence[Path | str] = ()
                ) -> tuple[dict[str, Any], dict[tuple[str, ...], str], str]:
    """The packaged model with ``paths`` merged on in order, checked strictly.

    Returns the merged data, the origin of every value (``"packaged default"`` or the file that
    set it, keyed by ``(section, key)`` or ``("types", name, key)``) and a label naming the
    files for error messages.

    >>> data, origin, where = read_config()
    >>> data["segments"]["max_km"], origin[("segments", "max_km")]
    (25, 'packaged default')
    """
    data = _packaged()
    origin: dict[tuple[str, ...], str] = {}
    for section, table in data.items():
        for key, value in table.items():
            if section == "types":
                for sub in value:
                    origin[(section, key, sub)] = DEFAULT_ORIGIN
            else:
                origin[(section, key)] = DEFAULT_ORIGIN
    where = "risk_model.toml (packaged)"
    for path in paths:
        user = _parse(path)
        check_user_config(user, data, str(path))
        _merge(data, origin, user, str(path))
        where = str(path)
    return data, origin, where


def _packaged() -> dict[str, Any]:
    text = resources.files("geo").joinpath("data/risk_model.toml").read_text("utf-8")
    return tomllib.loads(text)


def band_scheme(data: Mapping[str, Any], origin: Mapping[tuple[str, ...], str],
                files: Sequence[str]) -> tuple[str, tuple[float, ...]]:
    """Name and thresholds of the band scheme.

    ``[bands] scheme`` names it: ``evidence`` (thresholds chosen at build time from the data,
    :mod:`geo.model.forecast`; the ``thresholds`` returned are then only the fallback), ``fixed``
    (the ``thresholds`` of ``[bands]``) or one of ``[band_presets]``. The older key ``preset``
    and a file's own ``thresholds`` still choose a fixed scheme when set after ``scheme``
    (a later file, or the same file without ``scheme``); a file that sets thresholds itself gets
    the scheme ``custom`` unless they equal the preset's; a file that sets a preset and other
    thresholds is an error (beside ``scheme = "evidence"`` they are only its fallback).
    """
    bands = data.get("bands", {})
    rank = {DEFAULT_ORIGIN: -1, **{f: i for i, f in enumerate(files)}}
    s_from = origin.get(("bands", "scheme"), DEFAULT_ORIGIN)
    p_from = origin.get(("bands", "preset"), DEFAULT_ORIGIN)
    t_from = origin.get(("bands", "thresholds"), DEFAULT_ORIGIN)
    scheme = str(bands.get("scheme", "fixed"))
    given = tuple(float(x) for x in bands.get("thresholds", ()))
    later = max(rank.get(p_from, -1), rank.get(t_from, -1))
    if "scheme" in bands and rank.get(s_from, -1) >= later:
        if scheme == "evidence":  # thresholds of the same file are the fallback
            return "evidence", given
        return _fixed_scheme(data, scheme, s_from, t_from, rank, given, key="scheme")
    return _fixed_scheme(data, str(bands.get("preset", "fixed")), p_from, t_from, rank, given,
                         key="preset")


def _fixed_scheme(data: Mapping[str, Any], preset: str, p_from: str, t_from: str,
                  rank: Mapping[str, int], given: tuple[float, ...], *, key: str
                  ) -> tuple[str, tuple[float, ...]]:
    presets = data.get("band_presets", {})
    if preset == "fixed":
        fixed = tuple(float(x) for x in _packaged()["bands"]["thresholds"])
        return ("fixed" if given == fixed else "custom"), given
    if preset not in presets:
        known = ("evidence, " if key == "scheme" else "") + "fixed, " + ", ".join(
            sorted(presets))
        raise ConfigError(f"{preset!r} is not a band {key} (known: {known})", file=p_from,
                          location="[bands]", field=key)
    values = tuple(float(x) for x in presets[preset])
    if rank.get(t_from, -1) < rank.get(p_from, -1) or given == values:
        return preset, values
    if t_from == p_from:
        raise ConfigError(f"give either {key} or thresholds, not both ({key} {preset!r} "
                          f"has {list(values)})", file=t_from, location="[bands]",
                          field="thresholds")
    return "custom", given


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def dump_toml(data: Mapping[str, Any]) -> str:
    """Model data as TOML text (sections of scalars and lists, ``types`` as sub-tables)."""
    lines: list[str] = []
    for section, table in data.items():
        if section == "types":
            for name, ttable in table.items():
                lines.append(f"[types.{name}]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in ttable.items()]
            continue
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def effective_toml(paths: Sequence[Path | str] = ()) -> str:
    """The effective model as TOML text, each value commented with where it came from.

    >>> print(effective_toml().splitlines()[3])
    label = "Arrest"  # packaged default
    """
    data, origin, _ = read_config(paths)
    # the thresholds in force (a preset's, when a preset chose them)
    name, thresholds = band_scheme(data, origin, [str(p) for p in paths])
    if list(thresholds) != [float(x) for x in data["bands"]["thresholds"]]:
        data["bands"]["thresholds"] = list(thresholds)
        origin[("bands", "thresholds")] = origin[("bands", "preset")] + " (preset)"
    if name != data["bands"].get("scheme"):  # the scheme in force, so the text reads back
        data["bands"]["scheme"] = "fixed" if name == "custom" else name
        origin[("bands", "scheme")] = origin.get(("bands", "thresholds"), DEFAULT_ORIGIN) \
            if name == "custom" else origin.get(("bands", "preset"), DEFAULT_ORIGIN)
    lines = ["# effective routerisk risk model; each value says where it came from",
             f"# files: {', '.join(str(p) for p in paths) or 'none (packaged defaults only)'}"]
    for section, table in data.items():
        if section == "types":
            for name, ttable in table.items():
                lines.append(f"[types.{name}]")
                lines += [f"{k} = {_toml_value(v)}  # {origin[('types', name, k)]}"
                          for k, v in ttable.items()]
            continue
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml_value(v)}  # {origin[(section, k)]}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
