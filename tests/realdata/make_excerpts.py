"""Cut the committed excerpts (``files/``) from the real files in the cache.

Rows are copied byte for byte (header, the HDX ``#hxl`` row when there is one, then the chosen
records); boundary excerpts keep whole features, except the geoBoundaries file, whose polygons
are simplified because the file is 0.76 MB. Run from the repository root with the cache in
``ROUTERISK_REALDATA``: ``python tests/realdata/make_excerpts.py``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))
from tests.realdata._manifest import cache_dir  # noqa: E402

OUT = HERE / "files"


def records(text: str) -> Iterator[str]:
    """CSV records with their line ends, as in the file (quoted fields may hold newlines)."""
    pending = ""
    for line in text.splitlines(keepends=True):
        pending += line
        if pending.count('"') % 2 == 0:
            yield pending
            pending = ""
    if pending:
        yield pending


def cut_csv(source: str, target: str, keep: Callable[[dict[str, str]], bool]) -> None:
    import csv

    text = (cache_dir() / source).read_text(encoding="utf-8")
    rows = list(records(text))
    header = next(csv.reader([rows[0]]))
    out = [rows[0]]
    body = rows[1:]
    if body and body[0].lstrip(",").startswith("#"):
        out.append(body[0])
        body = body[1:]
    for raw in body:
        values = next(csv.reader([raw]))
        if keep(dict(zip(header, values, strict=False))):
            out.append(raw)
    (OUT / target).write_text("".join(out), encoding="utf-8", newline="")


def cut_features(source: str, target: str, keep: Callable[[dict], bool],
                 simplify: float = 0.0) -> None:
    doc = json.loads((cache_dir() / source).read_text(encoding="utf-8"))
    feats = [f for f in doc["features"] if keep(f["properties"])]
    if simplify:
        for f in feats:
            geom = shapely.set_precision(shape(f["geometry"]).simplify(simplify), 1e-4)
            f["geometry"] = mapping(geom)
    doc["features"] = feats
    (OUT / target).write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


NE_COUNTRIES = {"UA", "RU", "BY", "PL", "MD", "RO", "BD", "MM", "IN", "CN", "NP", "BT", "TH",
                "LA", "NG", "NE", "TD", "CM", "BJ", "BF", "ML", "GH", "TG", "CI", "KE", "SO",
                "ET", "TZ", "UG", "AF", "PK", "IR", "TM", "UZ", "TJ", "YE", "SA", "OM", "TL",
                "ID", "FJ"}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    cut_csv("ucdp/hdx_2023/conflict_data_ukr.csv", "ucdp_hdx2023_ukr_2017-2018.csv",
            lambda r: r["year"] in ("2017", "2018"))
    cut_csv("ucdp/hdx_2021/conflict_data_ukr.csv", "ucdp_hdx2021_ukr_2016.csv",
            lambda r: r["year"] == "2016")
    cut_csv("ucdp/hdx_2025/conflict_data_BGD.csv", "conflict_data_BGD.csv", lambda r: True)
    cut_csv("ucdp/ged191/ged191.csv", "ged191_mmr_bgd_2016-2018.csv",
            lambda r: r["year"] in ("2016", "2017", "2018"))
    cut_csv("ucdp/hdx_nga/conflict_data_nga.csv", "ucdp_hdx_nga_2019h1.csv",
            lambda r: r["date_start"][:7] in {f"2019-0{m}" for m in range(1, 7)})
    cut_features("ucdp/ged231_caf/GEDEvent_v23_1.geojson", "ucdp_ged231_caf_2022.geojson",
                 lambda p: p["year"] == 2022)
    cut_features("boundaries/geoboundaries/geoBoundaries-UKR-ADM1_simplified.geojson",
                 "geoBoundaries-UKR-ADM1_simplified_0.01.geojson", lambda p: True, 0.01)
    cut_features("boundaries/naturalearth/ne_110m_admin_0_countries.geojson",
                 "ne_110m_admin_0_countries_excerpt.geojson",
                 lambda p: p["ISO_A2"] in NE_COUNTRIES or p["ADMIN"] == "Somaliland")
    cut_features("boundaries/naturalearth/ne_10m_admin_1_states_provinces_wyatt.geojson",
                 "ne_10m_admin_1_timor_excerpt.geojson",
                 lambda p: p["admin"] in ("East Timor", "Coral Sea Islands"))
    for ext in ("shp", "shx", "dbf", "prj", "cpg"):
        data = (cache_dir() / f"boundaries/codab/yem_2017/yem_admin1.{ext}").read_bytes()
        (OUT / f"yem_admin1.{ext}").write_bytes(data)


if __name__ == "__main__":
    if not os.environ.get("ROUTERISK_REALDATA"):
        raise SystemExit("set ROUTERISK_REALDATA to the folder of the real files")
    main()
