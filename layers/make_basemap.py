"""Build the offline basemap shipped in ``geo/data/basemap/`` from Natural Earth files.

Natural Earth (https://www.naturalearthdata.com, public domain) vector layers are read as
GeoJSON, shapefile or zipped shapefile (any format OGR reads), cut to the columns the maps use,
simplified for the zoom band they serve and written as one GeoParquet file per layer, with a
bounding-box column so that a map reads only the rows of its region
(:func:`geo.maps.basemap.load_context`). ``manifest.json`` beside them records every input
(file name, sha256, feature count), the Natural Earth version and the source repository and
commit the copies came from.

Run from anywhere, pointing at a folder holding the Natural Earth files named as upstream
(``ne_10m_land.json`` or ``ne_10m_land.shp`` or ``ne_10m_land.zip`` …)::

    python layers/make_basemap.py NE_FOLDER [--version 4.0.0] [--origin REPO@COMMIT]
    python layers/make_basemap.py NE_FOLDER --check   # exit 1 if the committed files differ

Layers and what each keeps:

=============  ====================================  ============================================
layer          Natural Earth file                    kept
=============  ====================================  ============================================
land           ne_10m_land                           polygons, simplified to ``DETAIL_DEG``
countries      ne_50m_admin_0_countries              ``name``, ``iso_a2``, ``label_x/y``
rivers         ne_10m_rivers_lake_centerlines        ``name``, ``min_zoom`` (scalerank ≤ 9)
lakes          ne_10m_lakes                          ``name``, ``min_zoom``
roads          ne_10m_roads                          ``kind`` (major/secondary/…), ``min_zoom``
railways       ne_10m_railroads                      ``min_zoom``
places         ne_10m_populated_places               ``name``, ``population``, ``min_zoom``,
                                                     ``capital``, ``country``, ``geonameid``
=============  ====================================  ============================================

The coastline is not stored: it is the outline of the land polygons, drawn from them when a map
is made (Natural Earth's coastline file is the same line). A layer whose file is absent from
NE_FOLDER is left as it is in the package (the manifest keeps its earlier entry), so one layer
can be refreshed alone. The output is deterministic: same
inputs, same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["DETAIL_DEG", "LAYERS", "OUTPUT", "build_layer", "main"]

OUTPUT = Path(__file__).resolve().parent.parent / "geo" / "data" / "basemap"
#: Simplification tolerance for the detailed layers (degrees; ~550 m at the equator), about a
#: pixel at zoom 8: a map zoomed further in shows the 1:10m lines a little angular.
DETAIL_DEG = 0.005
#: Coordinates rounded to this grid (degrees; ~110 m) so that the files compress.
GRID_DEG = 1e-3
_EXTS = (".json", ".geojson", ".shp", ".zip")
#: ISO 3166-1 alpha-2 codes Natural Earth leaves as -99, by its ADM0_A3.
ISO_FIX = {"FRA": "FR", "NOR": "NO", "KOS": "XK"}


def _find(folder: Path, stem: str) -> Path | None:
    for ext in _EXTS:
        if (folder / (stem + ext)).is_file():
            return folder / (stem + ext)
    return None


def _read(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path)
    frame.columns = [c if c == "geometry" else c.lower() for c in frame.columns]
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(4326)


def _tidy(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify, snap to :data:`GRID_DEG`, drop what vanished; one row per input row kept."""
    geom = frame.geometry.values
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, GRID_DEG, mode="pointwise")
    out = frame.set_geometry(gpd.GeoSeries(geom, index=frame.index, crs=4326))
    keep = ~(out.geometry.is_empty | out.geometry.isna())
    return out[keep.to_numpy()].reset_index(drop=True)


def _zoom(values: pd.Series, default: float) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").fillna(default).apply(
        lambda z: math.ceil(z - 1e-9)).astype("int8")


def _name(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def make_land(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Land polygons, exploded to parts (so a region reads only its parts)."""
    parts = src[["geometry"]].explode(index_parts=False, ignore_index=True)
    parts["min_zoom"] = np.int8(0)
    return _tidy(parts, DETAIL_DEG)


def _iso_a2(src: gpd.GeoDataFrame) -> pd.Series:
    code = src["iso_a2"].fillna("").astype(str)
    fixed = src["adm0_a3"].map(ISO_FIX).fillna("")
    return code.where(code.str.fullmatch("[A-Z]{2}"), fixed)


def make_countries(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Countries (1:50m) with their names and a label point inside each."""
    out = gpd.GeoDataFrame({"name": _name(src["name"]), "iso_a2": _iso_a2(src),
                            "min_zoom": _zoom(src.get("min_label", pd.Series(2, src.index)), 2)},
                           geometry=src.geometry.values, crs=4326)
    out = _tidy(out, DETAIL_DEG)
    label = shapely.point_on_surface(out.geometry.values)
    out["label_x"] = np.round(shapely.get_x(label), 3)
    out["label_y"] = np.round(shapely.get_y(label), 3)
    return out.sort_values(["iso_a2", "name"], kind="stable").reset_index(drop=True)


def make_rivers(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    src = src[src["featurecla"].fillna("").str.contains("River|Lake Centerline", regex=True)]
    out = gpd.GeoDataFrame({"name": _name(src["name"]), "min_zoom": _zoom(src["min_zoom"], 6),
                            "scalerank": pd.to_numeric(src["scalerank"]).astype("int8")},
                           geometry=src.geometry.values, crs=4326)
    return _tidy(out, DETAIL_DEG)


def make_lakes(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame({"name": _name(src["name"]), "min_zoom": _zoom(src["min_zoom"], 6)},
                           geometry=src.geometry.values, crs=4326)
    return _tidy(out, DETAIL_DEG)


def make_roads(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    kind = src["type"].fillna("").astype(str).str.lower()
    kind = kind.str.replace("highway", "major", regex=False).str.replace(" ", "_", regex=False)
    out = gpd.GeoDataFrame({"kind": kind, "min_zoom": _zoom(src["min_zoom"], 7)},
                           geometry=src.geometry.values, crs=4326)
    return _tidy(out[~src["featurecla"].fillna("").str.contains("Ferry").to_numpy()], DETAIL_DEG)


def make_railways(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame({"min_zoom": _zoom(src.get("min_zoom", pd.Series(7, src.index)), 7)},
                           geometry=src.geometry.values, crs=4326)
    return _tidy(out, DETAIL_DEG)


def make_places(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Natural Earth's populated places: its curated ``min_zoom`` ranks labels by importance."""
    cla = src["featurecla"].fillna("")
    src = src[~cla.isin(["Scientific station", "Meteorological Station", "Historic place"])]
    gid = pd.to_numeric(src["geonameid"], errors="coerce").fillna(-1).astype("int64")
    out = gpd.GeoDataFrame({
        "name": _name(src["name"]),
        "population": pd.to_numeric(src["pop_max"], errors="coerce").fillna(0).astype("int64"),
        "min_zoom": _zoom(src["min_zoom"], 8),
        "capital": src["featurecla"].fillna("").str.startswith("Admin-0 capital").to_numpy(),
        "country": src["iso_a2"].fillna("").astype(str).where(
            src["iso_a2"].fillna("").str.fullmatch("[A-Z]{2}"), ""),
        "geonameid": gid.where(gid > 0, -1),
    }, geometry=gpd.points_from_xy(src["longitude"], src["latitude"]), crs=4326)
    out = _tidy(out, 0.0)
    return out.sort_values(["min_zoom", "population", "name"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


#: layer → (Natural Earth file stem, maker)
LAYERS: dict[str, tuple[str, Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]]] = {
    "land": ("ne_10m_land", make_land),
    "countries": ("ne_50m_admin_0_countries", make_countries),
    "rivers": ("ne_10m_rivers_lake_centerlines", make_rivers),
    "lakes": ("ne_10m_lakes", make_lakes),
    "roads": ("ne_10m_roads", make_roads),
    "railways": ("ne_10m_railroads", make_railways),
    "places": ("ne_10m_populated_places", make_places),
}


def build_layer(name: str, source: Path) -> gpd.GeoDataFrame:
    """One package layer from its Natural Earth file."""
    return LAYERS[name][1](_read(source))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(frame: gpd.GeoDataFrame, target: Path) -> None:
    frame.to_parquet(target, index=False, compression="zstd", compression_level=19,
                     write_covering_bbox=True, schema_version="1.1.0")


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="folder of Natural Earth files")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--version", default="4.0.0", help="Natural Earth version of the files")
    parser.add_argument("--origin", default="", help="where the copies came from (REPO@COMMIT)")
    parser.add_argument("--check", action="store_true",
                        help="compare with the files in --out instead of writing")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = (json.loads(manifest_path.read_text(encoding="utf-8"))
                if manifest_path.exists() else {"layers": {}})
    stale = []
    for layer, (stem, _) in LAYERS.items():
        source = _find(args.folder, stem)
        if source is None:
            print(f"{layer}: no {stem}.* in {args.folder}; kept as it is", file=sys.stderr)
            continue
        frame = build_layer(layer, source)
        target = args.out / f"{layer}.parquet"
        entry = {"file": source.name, "sha256": _sha256(source), "features": len(frame),
                 "natural_earth_version": args.version, "origin": args.origin,
                 "licence": "public domain (Natural Earth terms of use)"}
        if args.check:
            old = gpd.read_parquet(target) if target.exists() else None
            if old is None or not old.drop(columns="bbox", errors="ignore").equals(frame):
                stale.append(layer)
            continue
        _write(frame, target)
        manifest["layers"][layer] = entry
        print(f"{layer}: {len(frame)} features, {target.stat().st_size / 1e6:.2f} MB")
    if args.check:
        for layer in stale:
            print(f"{layer}: the committed file differs from its source", file=sys.stderr)
        return 1 if stale else 0
    manifest["grid_deg"] = GRID_DEG
    manifest["detail_deg"] = DETAIL_DEG
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
