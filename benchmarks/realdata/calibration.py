"""Real-data check of ``p_90d`` and the evidence bands (docs/validation.md).

For one country: its UCDP GED events (a GED CSV as published, or an HDX copy), its outline
from a Natural Earth admin-0 file (public domain) and the main-road corridors of
``make_corridors.py``; then ``routerisk import ucdp``, ``build`` and ``backtest`` (monthly
origins, 90-day horizon), and the reliability diagram copied to ``--png``. The boundaries hold
the country only, so an event known to a province counts for the whole country (the incidents
file is rewritten so: geo_precision 3 → 4, admin1 cleared). Run from the repository root::

    python benchmarks/realdata/calibration.py --ged ged231_CAF.csv --ne ne_110m.geojson \\
        --country caf --origins 2014-01-31:2022-09-30:1m --png docs/reliability_caf.png
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd

ISO = {"caf": ("CAF", "CF"), "bgd": ("BGD", "BD")}


def run(*args: str) -> None:
    print("$ routerisk " + " ".join(args), flush=True)
    subprocess.run(["routerisk", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ged", type=Path, required=True)
    parser.add_argument("--ne", type=Path, required=True, help="Natural Earth admin-0 file")
    parser.add_argument("--country", choices=sorted(ISO), required=True)
    parser.add_argument("--origins", required=True)
    parser.add_argument("--out", type=Path, default=Path("output/realdata"))
    parser.add_argument("--png", type=Path)
    args = parser.parse_args()
    iso3, iso2 = ISO[args.country]
    out = args.out / args.country
    layers = out / "layers"
    layers.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).parent
    subprocess.run(["python", str(here / "make_corridors.py"), args.country], check=True)
    shutil.copy(here / f"{args.country}_corridors.geojson", layers / "corridors.geojson")
    world = gpd.read_file(args.ne)
    shape = world[world["ISO_A3"] == iso3]
    gpd.GeoDataFrame({"country": [iso2], "admin1": [""]}, geometry=shape.geometry.values,
                     crs=shape.crs).to_file(layers / "boundaries.geojson", driver="GeoJSON")
    run("import", "ucdp", str(args.ged), "--out", str(layers / "incidents.csv"),
        "--boundaries", str(layers / "boundaries.geojson"))
    inc = pd.read_csv(layers / "incidents.csv", dtype=str, keep_default_na=False)
    inc.loc[inc["geo_precision"] == "3", "geo_precision"] = "4"
    inc["admin1"] = ""
    inc.to_csv(layers / "incidents.csv", index=False)
    run("build", "--layers", str(layers), "--out", str(out / "build"), "--formats", "")
    run("backtest", "--layers", str(layers), "--origins", args.origins, "--horizons", "90",
        "--baselines", "uniform,count_10km", "--out", str(out / "backtest"))
    seg = gpd.read_file(out / "build" / "segments.geojson")
    km = seg["length_km"]
    shares = (seg.groupby("risk_band")["length_km"].sum() / km.sum()).round(3).to_dict()
    manifest = json.loads((out / "build" / "build_manifest.json").read_text("utf-8"))
    print(json.dumps({"segments": len(seg), "km": round(float(km.sum())),
                      "band_km_shares": shares,
                      "band_segment_shares": seg["risk_band"].value_counts(normalize=True)
                      .sort_index().round(3).to_dict(),
                      "p_90d": seg["p_90d"].describe().round(3).to_dict(),
                      "bands": manifest["bands"],
                      "calibration": manifest["forecast"]["calibration"]}, indent=1))
    if args.png:
        shutil.copy(out / "backtest" / "reliability.png", args.png)


if __name__ == "__main__":
    main()
