"""Write ``caf_corridors.geojson``: main roads of the Central African Republic, town to town.

Coarse city-to-city polylines along the national roads (RN1, RN2, RN3, RN4, RN6, RN8, RN10),
drawn through the towns they serve; town coordinates rounded to 0.01° from GeoNames (CC BY).
Used only to check the forecast on real UCDP GED events (docs/validation.md). Run from the
repository root: ``python benchmarks/realdata/make_caf_corridors.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

TOWNS = {
    "Bangui": (18.56, 4.36), "Damara": (18.70, 4.96), "Sibut": (19.09, 5.74),
    "Grimari": (20.05, 5.73), "Bambari": (20.68, 5.77), "Ippy": (21.22, 6.26),
    "Bria": (21.99, 6.54), "Alindao": (21.21, 5.03), "Kembe": (21.88, 4.61),
    "Bangassou": (22.82, 4.74), "Rafai": (23.93, 4.96), "Zemio": (25.14, 5.03),
    "Obo": (26.49, 5.40), "Dekoa": (19.07, 6.32), "Kaga-Bandoro": (19.19, 6.99),
    "Ndele": (20.65, 8.41), "Boali": (18.13, 4.80), "Bossembele": (17.65, 5.27),
    "Yaloke": (17.08, 5.32), "Baoro": (16.05, 5.87), "Bouar": (15.60, 5.95),
    "Baboua": (14.82, 5.79), "Bossangoa": (17.46, 6.49), "Bozoum": (16.38, 6.32),
    "Bocaranga": (15.63, 7.02), "Paoua": (16.44, 7.24), "Mbaiki": (17.99, 3.87),
    "Boda": (17.47, 4.32), "Carnot": (15.87, 4.94), "Berberati": (15.79, 4.26),
    "Nola": (16.07, 3.53), "Batangafo": (18.28, 7.30), "Kabo": (18.62, 7.70),
}
ROADS = [
    ("RN3", "West: Bangui to Cameroon", ["Bangui", "Boali", "Bossembele", "Yaloke", "Baoro",
                                         "Bouar", "Baboua"]),
    ("RN1", "North-west: Bossembele to Paoua", ["Bossembele", "Bossangoa", "Bozoum",
                                                 "Bocaranga"]),
    ("RN1b", "North-west: Bozoum to Paoua", ["Bozoum", "Paoua"]),
    ("RN2", "Centre-east: Bangui to Obo", ["Bangui", "Damara", "Sibut", "Grimari", "Bambari",
                                            "Alindao", "Kembe", "Bangassou", "Rafai", "Zemio",
                                            "Obo"]),
    ("RN5", "East: Bambari to Bria", ["Bambari", "Ippy", "Bria"]),
    ("RN8", "North: Sibut to Ndele", ["Sibut", "Dekoa", "Kaga-Bandoro", "Ndele"]),
    ("RN4", "North: Kaga-Bandoro to Kabo", ["Kaga-Bandoro", "Batangafo", "Kabo"]),
    ("RN6", "South-west: Bangui to Berberati", ["Bangui", "Mbaiki", "Boda", "Carnot",
                                                 "Berberati", "Nola"]),
    ("RN6b", "South-west: Baoro to Carnot", ["Baoro", "Carnot"]),
]


def main() -> None:
    features = [{"type": "Feature",
                 "properties": {"corridor_id": cid, "route": route, "name": " - ".join(towns),
                                "mode": "road", "source": "town-to-town along the national "
                                "road; towns from GeoNames (CC BY)"},
                 "geometry": {"type": "LineString",
                              "coordinates": [list(TOWNS[t]) for t in towns]}}
                for cid, route, towns in ROADS]
    out = Path(__file__).with_name("caf_corridors.geojson")
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1)
                   + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
