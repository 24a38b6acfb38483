"""Small files in the exact column layouts of ACLED, UCDP GED and IOM Missing Migrants.

Invented rows (no real data: the datasets' licences forbid shipping it), around a synthetic
boundaries layer of three DR Congo provinces plus Niger and Libya as country-only units.
"""

from __future__ import annotations

import json
from pathlib import Path

ACLED_2023_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp")
ACLED_2023_ROWS = [
    "COD1001,2023-03-14,2023,1,Political violence,Battles,Armed clash,Militia A,,3,Military "
    "Forces,,1,13,,180,Middle Africa,Democratic Republic of Congo,Nord-Kivu,Beni,,Beni,0.4911,"
    "29.4731,1,Radio Okapi,National,\"Clash near Beni, two dead.\",2,,1679000000",
    "COD1002,2023-03-15,2023,2,Political violence,Violence against civilians,Attack,Militia A,,"
    "3,Civilians,,7,37,Civilian targeting,180,Middle Africa,Democratic Republic of Congo,"
    "Nord-Kivu,Beni,,Oicha,0.7000,29.5200,2,Radio Okapi,National,Attack on a village.,0,,"
    "1679000000",
    "COD1003,2023-02-10,2023,3,Political violence,Strategic developments,Arrests,Police,,1,"
    "Civilians,,7,17,,180,Middle Africa,Democratic Republic of Congo,Kasai-Oriental,Mbuji-Mayi,,"
    "Mbuji-Mayi,-6.1360,23.5897,3,Actualite.cd,National,Arrests reported.,0,,1679000000",
    "COD1004,2023-04-01,2023,1,Demonstrations,Protests,Peaceful protest,Protesters,,6,,,0,60,,"
    "180,Middle Africa,Democratic Republic of Congo,Kinshasa,Kinshasa,,Kinshasa,-4.3250,15.3222,"
    "1,Radio Okapi,National,Peaceful march.,0,crowd size=no report,1679000000",
    "COD1005,2023-04-02,2023,1,Political violence,Battles,New category,Militia B,,3,,,0,30,,180,"
    "Middle Africa,Democratic Republic of Congo,Nord-Kivu,Beni,,Beni,0.4911,29.4731,1,Radio "
    "Okapi,National,Unknown sub-event.,1,,1679000000",
    "COD1006,,2023,1,Political violence,Battles,Armed clash,Militia B,,3,,,0,30,,180,Middle "
    "Africa,Democratic Republic of Congo,Nord-Kivu,Beni,,Beni,0.4911,29.4731,1,Radio Okapi,"
    "National,No date.,0,,1679000000",
]

ACLED_OLD_HEADER = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES")
ACLED_OLD_ROWS = [
    "490,DRC8801,8801,21/07/2016,2016,1,Battle-No change of territory,Militia A,,3,Military "
    "Forces,,1,13,Democratic Republic of Congo,Nord-Kivu,Beni,,Beni,0.4911,29.4731,1,Radio "
    "Okapi,Clash at Beni.,3",
    "490,DRC8802,8802,03/08/2016,2016,2,Violence against civilians,Militia A,,3,Civilians,,7,37,"
    "Democratic Republic of Congo,Kasaï-Oriental,Mbuji-Mayi,,Mbuji-Mayi,-6.1360,23.5897,1,"
    "Actualité,Attack on civilians in Mbuji-Mayi.,0",
    "490,DRC8803,8803,15/08/2016,2016,3,Riots/Protests,Rioters,,5,,,0,50,Democratic Republic of "
    "Congo,Kasai Oriental,Mbuji-Mayi,,Mbuji-Mayi,-6.1360,23.5897,3,Actualité,Riot.,0",
    "490,DRC8804,8804,2 September 2016,2016,1,Remote violence,Unidentified,,3,,,0,30,"
    "Democratic Republic of Congo,Kinshasa,Kinshasa,,Kinshasa,-4.3250,15.3222,1,Radio Okapi,"
    "Explosion.,1",
]

UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low,gwnoa,gwnob")


def _ucdp(id_, tov, wp, adm1, lat, lon, dp, start, end, best):
    return (f"{id_},DRC-2019-1-{id_},2019,TRUE,Clear,{tov},1,1,DR Congo (Zaire): Government,1,1,"
            f"Government of DR Congo (Zaire) - Militia A,1,1,Government of DR Congo (Zaire),2,2,"
            f"Militia A,1,\"Radio Okapi,2019-03-02,Clashes\",Radio Okapi,{start},Clashes,,{wp},"
            f"Beni town,near Beni,{adm1},Beni territory,{lat},{lon},POINT ({lon} {lat}),1,"
            f"DR Congo (Zaire),490,Africa,1,{dp},{start},{end},1,1,0,0,{best},{best},{best},490,")


UCDP_ROWS = [
    _ucdp(300001, 1, 1, "Nord-Kivu province", 0.4911, 29.4731, 1, "2019-03-01", "2019-03-01", 4),
    _ucdp(300002, 3, 4, "Nord-Kivu province", 0.3, 29.0, 2, "2019-03-04", "2019-03-08", 0),
    _ucdp(300003, 2, 3, "Kasaï-Oriental province", -6.1, 23.6, 4, "2019-04-01", "2019-04-30",
          7),
    _ucdp(300004, 1, 6, "", -4.0, 21.0, 5, "2019-01-01", "2019-12-31", 12),
    _ucdp(300005, 1, 1, "Nord-Kivu province", 0.49, 29.47, 5, "2018-12-20", "2019-01-10", 1),
]

MMP_2021_HEADER = (
    "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident year,Month,"
    "Number of Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,"
    "Number of Survivors,Number of Females,Number of Males,Number of Children,Country of Origin,"
    "Region of Origin,Cause of Death,Country of Incident,Migration Route,Location of Incident,"
    "Coordinates,UNSD Geographical Grouping,Information Source,URL,Source Quality")
MMP_2021_ROWS = [
    "2021.MMP0001,2021.MMP0001,Incident,Northern Africa,2021-06-03,2021,Jun,3,,3,,,3,,Unknown,"
    "Unknown,Harsh environmental conditions / lack of adequate shelter,Niger,Central "
    "Mediterranean,Desert near Agadez,\"17.0, 8.0\",Sub-Saharan Africa,Local media,"
    "https://example.org/a,3",
    "2021.MMP0002,2021.MMP0002,Incident,Northern Africa,9-Jul-21,2021,Jul,0,5,5,,,,,Unknown,"
    "Unknown,Mixed or unknown,Libya,Central Mediterranean,South of Sabha,\"26.0, 14.4\","
    "Northern Africa,NGO,not a link,4",
    "2021.MMP0003,2021.MMP0003,Incident,Northern Africa,2021-08-01,2021,Aug,1,0,1,,,,,Unknown,"
    "Unknown,Violence,Libya,Central Mediterranean,Unknown,,Northern Africa,NGO,,2",
]

MMP_2019_HEADER = (
    "Web ID,Region of Incident,Reported Date,Reported Year,Reported Month,Number Dead,"
    "Minimum Estimated Number of Missing,Total Dead and Missing,Number of Survivors,"
    "Number of Females,Number of Males,Number of Children,Cause of Death,Location Description,"
    "Information Source,Location Coordinates,Migration Route,URL,UNSD Geographical Grouping,"
    "Source Quality")
MMP_2019_ROWS = [
    "51234,North Africa,\"Thu, 12/19/2019 - 12:00\",2019,Dec,2,,2,,,,,Dehydration,Near Dirkou,"
    "Media,POINT (12.9 19.0),Central Mediterranean,https://example.org/b,Sub-Saharan Africa,1",
    "51235,North Africa,\"Mon, 12/02/2019 - 12:00\",2019,Dec,1,,1,,,,,Vehicle accident,"
    "Near Sabha,Media,POINT (14.4 27.0),Central Mediterranean,,Northern Africa,2",
]


def _box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


UNITS = [("CD", "Kinshasa", (15, -7, 22, 1)), ("CD", "Kasaï-Oriental", (22, -7, 27, 1)),
         ("CD", "Nord-Kivu", (27, -7, 30, 1)), ("NE", "", (5, 12, 16, 23)),
         ("LY", "", (5, 23, 16, 33))]


def write_boundaries(path: Path) -> Path:
    feats = [{"type": "Feature", "properties": {"country": cc, "admin1": a1},
              "geometry": _box(*box)} for cc, a1, box in UNITS]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def write_corridors(path: Path) -> Path:
    lines = [("cd-1", "Congo", [[15.3, -4.3], [23.6, -6.1], [29.4, 0.5]]),
             ("sahara-1", "Sahara", [[8.0, 16.9], [12.9, 19.0], [14.4, 27.0]])]
    feats = [{"type": "Feature", "properties": {"corridor_id": cid, "route": route,
                                                "name": cid, "mode": "road", "source": "test"},
              "geometry": {"type": "LineString", "coordinates": coords}}
             for cid, route, coords in lines]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def write(path: Path, header: str, rows: list[str], *, encoding: str = "utf-8",
          bom: bool = False, extra_lines: tuple[str, ...] = ()) -> Path:
    text = "\n".join([header, *extra_lines, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def samples(folder: Path) -> dict[str, Path]:
    """Write every sample file into ``folder``; name → path."""
    hxl_header = UCDP_HEADER + ",iso3"
    hxl_tags = ",".join("#" + c.replace("_", "+") for c in hxl_header.split(","))
    return {
        "acled_2023": write(folder / "acled_2023.csv", ACLED_2023_HEADER, ACLED_2023_ROWS,
                            bom=True),
        "acled_old": write(folder / "acled_2016.csv", ACLED_OLD_HEADER, ACLED_OLD_ROWS,
                           encoding="cp1252"),
        "ucdp": write(folder / "ged.csv", UCDP_HEADER, UCDP_ROWS),
        "ucdp_hdx": write(folder / "ged_hdx.csv", hxl_header, [r + ",COD" for r in UCDP_ROWS],
                          extra_lines=(hxl_tags,)),
        "mmp_2021": write(folder / "mmp_2021.csv", MMP_2021_HEADER, MMP_2021_ROWS, bom=True),
        "mmp_2019": write(folder / "mmp_2019.csv", MMP_2019_HEADER, MMP_2019_ROWS,
                          encoding="cp1252"),
        "boundaries": write_boundaries(folder / "boundaries.geojson"),
        "corridors": write_corridors(folder / "corridors.geojson"),
    }
