#!/bin/sh
# Real-data check of p_90d and the evidence bands (docs/validation.md, "Calibrated p_90d"):
# UCDP GED 23.1, Central African Republic (CC BY 4.0), as a GED CSV at $GED; Natural Earth
# admin-0 countries (public domain) at $NE. Writes into $OUT and copies the reliability diagram
# to docs/reliability_caf.png. Run from the repository root.
set -e
GED=${GED:?path of the GED CSV (Central African Republic)}
NE=${NE:?path of ne_110m_admin_0_countries.geojson}
OUT=${OUT:-output/realdata_caf}
mkdir -p "$OUT/layers"
python benchmarks/realdata/make_caf_corridors.py
cp benchmarks/realdata/caf_corridors.geojson "$OUT/layers/corridors.geojson"
python - "$NE" "$OUT/layers/boundaries.geojson" <<'PY'
import sys, geopandas as gpd
w = gpd.read_file(sys.argv[1])
caf = w[w["ISO_A3"] == "CAF"]
gpd.GeoDataFrame({"country": ["CF"], "admin1": [""]}, geometry=caf.geometry.values,
                 crs=caf.crs).to_file(sys.argv[2], driver="GeoJSON")
PY
routerisk import ucdp "$GED" --out "$OUT/layers/incidents.csv" --boundaries "$OUT/layers/boundaries.geojson"
# the boundaries hold the country only: a province-level event is known to the country
python - "$OUT/layers/incidents.csv" <<'PY'
import sys, pandas as pd
d = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
d.loc[d["geo_precision"] == "3", "geo_precision"] = "4"
d["admin1"] = ""
d.to_csv(sys.argv[1], index=False)
PY
routerisk build --layers "$OUT/layers" --out "$OUT/build" --formats ""
routerisk backtest --layers "$OUT/layers" --origins 2014-01-31:2022-09-30:1m --horizons 90 \
  --baselines uniform,count_10km --out "$OUT/backtest"
cp "$OUT/backtest/reliability.png" docs/reliability_caf.png
