"""Write ``<cc>_corridors.geojson``: main roads of a country, town to town.

Coarse city-to-city polylines along the national roads of the Central African Republic
(``caf``: RN1–RN8) and Bangladesh (``bgd``: N1, N2, N4–N8 and the Chittagong Hill Tracts
roads), drawn through the towns they serve; town coordinates rounded to 0.01° from GeoNames
(CC BY). Used only to check the forecast on real UCDP GED events (docs/validation.md). Run from
the repository root: ``python benchmarks/realdata/make_corridors.py caf bgd``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CAF_TOWNS = {
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
CAF_ROADS = [
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


BGD_TOWNS = {
    "Dhaka": (90.41, 23.81), "Comilla": (91.18, 23.46), "Feni": (91.40, 23.02),
    "Chittagong": (91.83, 22.34), "Cox's Bazar": (92.01, 21.45), "Teknaf": (92.30, 20.86),
    "Narsingdi": (90.72, 23.92), "Bhairab": (90.98, 24.05), "Habiganj": (91.41, 24.38),
    "Sylhet": (91.87, 24.90), "Tangail": (89.92, 24.25), "Sirajganj": (89.70, 24.45),
    "Bogra": (89.37, 24.85), "Rangpur": (89.25, 25.75), "Natore": (89.00, 24.41),
    "Rajshahi": (88.60, 24.37), "Faridpur": (89.84, 23.61), "Jessore": (89.21, 23.17),
    "Khulna": (89.54, 22.85), "Barisal": (90.37, 22.70), "Rangamati": (92.17, 22.65),
    "Khagrachari": (91.98, 23.12), "Bandarban": (92.22, 22.20), "Gazipur": (90.42, 24.00),
    "Mymensingh": (90.41, 24.75),
}
BGD_ROADS = [
    ("N1", "South-east: Dhaka to Teknaf", ["Dhaka", "Comilla", "Feni", "Chittagong",
                                            "Cox's Bazar", "Teknaf"]),
    ("N2", "North-east: Dhaka to Sylhet", ["Dhaka", "Narsingdi", "Bhairab", "Habiganj",
                                            "Sylhet"]),
    ("N3", "North: Dhaka to Mymensingh", ["Dhaka", "Gazipur", "Mymensingh"]),
    ("N4-N5", "North-west: Dhaka to Rangpur", ["Dhaka", "Tangail", "Sirajganj", "Bogra",
                                                "Rangpur"]),
    ("N6", "West: Sirajganj to Rajshahi", ["Sirajganj", "Natore", "Rajshahi"]),
    ("N7-N8", "South-west: Dhaka to Khulna", ["Dhaka", "Faridpur", "Jessore", "Khulna"]),
    ("N8b", "South: Faridpur to Barisal", ["Faridpur", "Barisal"]),
    ("CHT-R", "Hill Tracts: Chittagong to Rangamati", ["Chittagong", "Rangamati"]),
    ("CHT-K", "Hill Tracts: Feni to Khagrachari", ["Feni", "Khagrachari"]),
    ("CHT-B", "Hill Tracts: Chittagong to Bandarban", ["Chittagong", "Bandarban"]),
]
COUNTRIES = {"caf": (CAF_TOWNS, CAF_ROADS), "bgd": (BGD_TOWNS, BGD_ROADS)}


def write(code: str) -> Path:
    """Write the corridors of ``code`` (``caf`` or ``bgd``) beside this script."""
    towns, roads = COUNTRIES[code]
    features = [{"type": "Feature",
                 "properties": {"corridor_id": cid, "route": route, "name": " - ".join(names),
                                "mode": "road", "source": "town-to-town along the national "
                                "road; towns from GeoNames (CC BY)"},
                 "geometry": {"type": "LineString",
                              "coordinates": [list(towns[t]) for t in names]}}
                for cid, route, names in roads]
    out = Path(__file__).with_name(f"{code}_corridors.geojson")
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1)
                   + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    for name in sys.argv[1:] or list(COUNTRIES):
        write(name)
