"""Appending a corridor to a corridors GeoJSON file without touching the bytes of the corridors
already there: :func:`append_corridor` splices the new feature into the file's own JSON layout
and replaces the file only once the result reads back with one more corridor.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geo import columns as C
from geo._errors import RouteriskError, ValidationError
from geo.io import WGS84, read_corridors

__all__ = ["append_corridor"]

log = logging.getLogger(__name__)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')


def _features_layout(text: str) -> tuple[int, int, list[tuple[int, int]]]:
    """Positions of ``[`` and ``]`` of the top-level ``features`` array and of each feature.

    A scan of JSON tokens (strings and punctuation), so that the new feature can be spliced in
    while every byte of the existing text stays where it is.
    """
    stack: list[str] = []
    key = ""
    last_string = ""
    open_at = close_at = -1
    spans: list[tuple[int, int]] = []
    start = -1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        depth = len(stack)
        if tok[0] == '"':
            if depth == 1:
                last_string = tok
            continue
        if tok == ":" and depth == 1:
            key = json.loads(last_string)
        elif tok in "[{":
            if depth == 1 and tok == "[" and key == "features" and open_at < 0:
                open_at = m.start()
            elif depth == 2 and open_at >= 0 and close_at < 0 and tok == "{":
                start = m.start()
            stack.append(tok)
        elif tok in "]}":
            stack.pop()
            if depth == 3 and open_at >= 0 and close_at < 0 and tok == "}":
                spans.append((start, m.end()))
            elif depth == 2 and open_at >= 0 and close_at < 0 and tok == "]":
                close_at = m.start()
    if open_at < 0 or close_at < 0:
        raise ValueError("no top-level features array")
    return open_at, close_at, spans


def _render_like(obj: Mapping[str, Any], sample: str, indent_base: str) -> str:
    """``obj`` as JSON in the style that reproduces ``sample`` (an existing feature's text)."""
    parsed = json.loads(sample)
    styles: list[dict[str, Any]] = []
    for ascii_ in (False, True):
        styles.append({"separators": (",", ":"), "ensure_ascii": ascii_})
        styles.append({"separators": (", ", ": "), "ensure_ascii": ascii_})
        for ind in (2, 4, 1, 3, "\t"):
            styles.append({"indent": ind, "ensure_ascii": ascii_})

    def render(value: Any, style: Mapping[str, Any]) -> str:
        out = json.dumps(value, **style)
        return out.replace("\n", "\n" + indent_base) if "indent" in style else out

    for style in styles:
        if render(parsed, style) == sample:
            return render(obj, style)
    log.info("could not recognise the file's JSON style; appending in compact form")
    fallback = {"indent": 2} if "\n" in sample else {"separators": (", ", ": ")}
    return render(obj, {**fallback, "ensure_ascii": False})


def _plain(value: Any) -> Any:
    """A property value JSON can hold: numpy scalars unwrapped, missing values as ""."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def _feature(row: Mapping[str, Any], geometry: shapely.Geometry,
             template: Mapping[str, Any] | None) -> dict[str, Any]:
    """A GeoJSON feature dict, keys ordered like ``template`` (an existing feature)."""
    props = {k: _plain(v) for k, v in row.items()}
    geom = json.loads(json.dumps(shapely.geometry.mapping(geometry)))
    if template:
        order = list(template.get("properties") or {})
        props = {**{k: props[k] for k in order if k in props},
                 **{k: v for k, v in props.items() if k not in order}}
    feature = {"type": "Feature", "properties": props, "geometry": geom}
    if template:
        feature = {**{k: feature[k] for k in template if k in feature}, **feature}
    return feature


def _check_new(corridor: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not len(corridor):
        raise RouteriskError("no corridor to append", field=C.CORRIDOR_ID)
    for column in (C.CORRIDOR_ID, C.ROUTE):
        if column not in corridor.columns:
            raise RouteriskError("required column is missing", field=column)
    wgs = corridor.to_crs(WGS84) if corridor.crs is not None else corridor.set_crs(WGS84)
    ids = [str(v) for v in wgs[C.CORRIDOR_ID]]
    if len(set(ids)) != len(ids):
        raise RouteriskError("the new corridors repeat an id", field=C.CORRIDOR_ID)
    for cid, route, geom in zip(ids, wgs[C.ROUTE], wgs.geometry, strict=True):
        if not cid.strip() or not str(route).strip():
            raise RouteriskError("corridor id and route must not be empty",
                                 location=f"corridor {cid!r}", field=C.CORRIDOR_ID)
        if geom is None or geom.is_empty or geom.geom_type not in {"LineString",
                                                                   "MultiLineString"}:
            raise RouteriskError("geometry must be a non-empty (Multi)LineString",
                                 location=f"corridor {cid!r}", field="geometry")
        if not shapely.is_valid(geom) or shapely.length(geom) <= 0:
            raise RouteriskError(f"invalid geometry: {shapely.is_valid_reason(geom)}",
                                 location=f"corridor {cid!r}", field="geometry")
    return wgs


def append_corridor(corridor: gpd.GeoDataFrame, into: Path | str) -> None:
    """Append corridor features to a corridors GeoJSON file, atomically.

    The existing file is validated (:func:`geo.io.read_corridors`) and the new corridor ids must
    not be in it. The new features are spliced into the text of the ``features`` array, in the
    JSON style of the features already there, so every existing byte stays as it was; the
    result is validated again, written to a temporary file beside the target and moved into
    place with :func:`os.replace` (a reader sees the old file or the new one, never half).
    A missing file is created.

    Parameters
    ----------
    corridor
        One or more corridor rows (:func:`corridor_from_osm`); every column but the geometry
        becomes a property.
    into
        The corridors GeoJSON file (EPSG:4326).

    Raises
    ------
    RouteriskError
        Invalid new corridor, an id already in the file, or an invalid existing file
        (:class:`ValidationError` listing its problems).

    Examples
    --------
    >>> import tempfile, shapely
    >>> into = Path(tempfile.mkdtemp()) / "corridors.geojson"
    >>> new = gpd.GeoDataFrame({"corridor_id": ["T-1"], "route": ["Test"]},
    ...     geometry=[shapely.LineString([(120.0, 40.0), (120.02, 40.0)])], crs=4326)
    >>> append_corridor(new, into)
    >>> json.loads(into.read_text())["features"][0]["properties"]["corridor_id"]
    'T-1'
    """
    target = Path(into)
    if target.suffix.lower() not in {".geojson", ".json"}:
        raise RouteriskError("corridors can only be appended to a GeoJSON file (.geojson)",
                             file=str(target))
    wgs = _check_new(corridor)
    rows = wgs.drop(columns=wgs.geometry.name).to_dict("records")
    if target.exists():
        raw = target.read_bytes()
        # read_corridors reports every problem of the file (an empty collection has none)
        existing = wgs.iloc[:0] if _is_empty_collection(raw) else read_corridors(target)
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        doc = json.loads(text)
        crs_name = ((doc.get("crs") or {}).get("properties") or {}).get("name")
        if crs_name and not pyproj.CRS.from_user_input(crs_name).equals(WGS84):
            raise RouteriskError(f"the file declares CRS {crs_name}; appending needs WGS84",
                                 file=str(target), field="crs")
        taken = dict(zip(existing[C.CORRIDOR_ID], range(1, len(existing) + 1), strict=True))
        for cid in wgs[C.CORRIDOR_ID]:
            if str(cid) in taken:
                raise RouteriskError(f"corridor id {cid!r} is already in the file "
                                     f"(feature {taken[str(cid)]})", file=str(target),
                                     location=f"feature {taken[str(cid)]}",
                                     field=C.CORRIDOR_ID)
        open_at, _, spans = _features_layout(text)
        template = doc["features"][-1] if doc["features"] else None
        if spans:
            s0, e0 = spans[-1]
            line_start = text.rfind("\n", 0, s0) + 1
            base = text[line_start:s0] if not text[line_start:s0].strip() else ""
            sample = text[s0:e0]
            sep = text[spans[-2][1]:spans[-1][0]] if len(spans) > 1 else (
                "," + text[open_at + 1:spans[0][0]])
            insert_at = e0
        else:
            base, sample, sep, insert_at = "", "", "", open_at + 1
        pieces = []
        for i, (row, geom) in enumerate(zip(rows, wgs.geometry, strict=True)):
            feature = _feature(row, geom, template)
            rendered = (_render_like(feature, sample, base) if sample
                        else json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
            pieces.append((sep if (spans or i) else "") + rendered)
            if not spans and not i:
                sep = ","
        new_text = text[:insert_at] + "".join(pieces) + text[insert_at:]
        expected = len(existing) + len(wgs)
    else:
        features = [_feature(row, geom, None) for row, geom in zip(rows, wgs.geometry,
                                                                     strict=True)]
        body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                          for f in features)
        new_text = '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"
        bom = False
        expected = len(wgs)
    data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    _replace_validated(target, data, expected=expected)


def _is_empty_collection(raw: bytes) -> bool:
    """Whether ``raw`` is a GeoJSON FeatureCollection without features (nothing to validate)."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except ValueError:  # includes UnicodeDecodeError; read_corridors reports it
        return False
    return isinstance(doc, dict) and doc.get("type") == "FeatureCollection" and (
        doc.get("features") == [])


def _replace_validated(target: Path, data: bytes, *, expected: int) -> None:
    """Write ``data`` beside ``target``, check it reads as corridors, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".geojson",
                                    dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            check = read_corridors(tmp)
        except ValidationError as exc:
            raise RouteriskError(f"the appended file would not validate: {exc}",
                                 file=str(target)) from None
        if len(check) != expected:
            raise RouteriskError(f"the appended file would hold {len(check)} corridors, "
                                 f"expected {expected}", file=str(target))
        if target.exists():
            shutil.copymode(target, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("wrote %s (%d corridors)", target, expected)
