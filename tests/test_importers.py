"""routerisk import: every vintage, encoding and date format of the sample files, the mapping
tables, the report (nothing lost) and the error paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import columns as C
from geo._errors import ValidationError
from geo.importers import (
    import_file,
    load_mapping,
    read_acled,
    read_mapped,
    read_mmp,
    read_ucdp,
)
from geo.io import read_boundaries
from geo.risk import load_model
from tests import _import_samples as S


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return S.samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def bounds(files):
    return read_boundaries(files["boundaries"])


def _by_id(result):
    return result.incidents.set_index(C.INCIDENT_ID)


def _accounted(result):
    dropped = (result.report["status"] == "dropped").sum()
    assert len(result.incidents) + dropped == result.rows_read


# ------------------------------------------------------------------------------ ACLED


def test_acled_2023_lower_case_with_bom(files, bounds):
    r = read_acled(files["acled_2023"], boundaries=bounds)
    assert r.messages[0] == "read as ACLED export (lower-case, 2023+), UTF-8 with BOM"
    inc = _by_id(r)
    assert inc.loc["COD1001", [C.DATE, C.DATE_PRECISION, C.TYPE, C.COUNTRY, C.COUNT]].tolist() \
        == ["2023-03-14", "", "armed_clash", "CD", 2.0]
    # time_precision 2: the 7 days centred on the coded day; geo_precision 2 stays 2
    assert inc.loc["COD1002", [C.DATE, C.DATE_PRECISION, C.GEO_PRECISION]].tolist() == \
        ["2023-03-12", "week", 2]
    # time_precision 3: the month; geo_precision 3: admin1 spelled as in the boundaries
    assert inc.loc["COD1003", [C.DATE, C.TYPE, C.GEO_PRECISION, C.ADMIN1]].tolist() == \
        ["2023-02", "arrest", 3, "Kasaï-Oriental"]
    assert inc.loc["COD1004", C.TYPE] == "protest"
    assert inc.loc["COD1004", C.COUNT] == 0  # 0 fatalities is a real count
    assert inc.loc["COD1001", C.SOURCE_NAME] == "Radio Okapi"
    assert inc.loc["COD1001", C.NOTES].startswith("Armed clash; Militia A vs Military Forces")
    report = r.report.set_index("source_id")
    assert report.loc["COD1005", ["row", "status", "reason"]].tolist() == \
        [5, "dropped", "unmapped category"]
    assert report.loc["COD1006", "reason"] == "bad date"
    assert r.unmapped == {"sub_event_type/event_type 'New category'": 1}
    assert "no type mapping for sub_event_type/event_type 'New category': 1 rows" in r.summary
    assert "rows read: 6; written: 4; not written: 2" in r.summary
    _accounted(r)


def test_acled_old_upper_case_cp1252_day_first(files, bounds):
    r = read_acled(files["acled_old"], boundaries=bounds)
    assert r.messages[0] == ("read as ACLED export (upper-case, before 2019), "
                             "cp1252 (Windows Latin-1)")
    assert "dates read as DD/MM/YYYY: 2 rows prove day-first, none contradict" in r.messages
    inc = _by_id(r)
    assert inc[C.DATE].tolist() == ["2016-07-21", "2016-07-31", "2016-08", "2016-09-02"]
    assert inc.loc["DRC8802", C.SOURCE_NAME] == "Actualité"  # decoded from cp1252
    # "Kasai Oriental" (no accent, no hyphen) matches the boundaries' "Kasaï-Oriental"
    assert inc.loc["DRC8803", C.ADMIN1] == "Kasaï-Oriental"
    assert inc[C.TYPE].tolist() == ["armed_clash", "attack_on_civilians", "unrest",
                                    "explosion_remote_violence"]
    assert inc[C.COUNTRY].unique().tolist() == ["CD"]  # from the name; GWNO is not ISO
    _accounted(r)


def _acled(tmp_path, dates, *, encoding="utf-8"):
    rows = [f"X{i},{d},1,Battles,Armed clash,Somewhere,0.5,29.5,1,S,n,0"
            for i, d in enumerate(dates)]
    header = ("EVENT_ID_CNTY,EVENT_DATE,TIME_PRECISION,EVENT_TYPE,SUB_EVENT_TYPE,LOCATION,"
              "LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES")
    return S.write(tmp_path / "a.csv", header, rows, encoding=encoding)


def test_mixed_day_and_month_first_is_an_error_naming_two_rows(tmp_path):
    path = _acled(tmp_path, ["21/07/2016", "03/08/2016", "07/25/2016"])
    with pytest.raises(ValidationError) as err:
        read_acled(path)
    msg = str(err.value)
    assert "row 1 proves day-first, row 3 proves month-first" in msg
    assert "EVENT_DATE" in msg


def test_unproven_slashed_dates_use_acled_order_and_say_so(tmp_path):
    r = read_acled(_acled(tmp_path, ["03/08/2016", "2016-08-09"]))
    assert r.incidents[C.DATE].tolist() == ["2016-08-03", "2016-08-09"]
    assert any("no row proves either order" in m for m in r.messages)


def test_dates_in_words_and_a_file_without_country(tmp_path):
    r = read_acled(_acled(tmp_path, ["21 July 2016", "2 Sept 2016", "not a date"]))
    assert r.incidents[C.DATE].tolist() == ["2016-07-21", "2016-09-02"]
    assert r.report["detail"].tolist() == ["EVENT_DATE: 'not a date' is not a date"]


# ------------------------------------------------------------------------------ UCDP


def test_ucdp_precisions_and_periods(files, bounds):
    r = read_ucdp(files["ucdp"], boundaries=bounds)
    assert r.messages[0] == "read as UCDP GED CSV (17.1+ layout), UTF-8"
    inc = _by_id(r)
    assert list(inc.index) == ["ucdp-300001", "ucdp-300002", "ucdp-300003", "ucdp-300004"]
    # where_prec 1 → 1, 4 → 3 (admin1 without "province"), 3 → 2, 6 → 4
    assert inc[C.GEO_PRECISION].tolist() == [1, 3, 2, 4]
    assert inc.loc["ucdp-300002", C.ADMIN1] == "Nord-Kivu"
    # date_start..date_end: a day; 5 days → those 5 days (date … end_date); April (date_prec
    # 4) → the month; date_prec 5 over a whole year → the year
    assert inc[C.DATE].tolist() == ["2019-03-01", "2019-03-04", "2019-04", "2019"]
    assert inc[C.END_DATE].tolist() == ["", "2019-03-08", "", ""]
    assert inc[C.DATE_PRECISION].tolist() == ["", "", "", ""]
    assert inc[C.TYPE].tolist() == ["armed_clash", "attack_on_civilians", "armed_clash",
                                    "armed_clash"]
    assert inc[C.COUNT].tolist() == [4, 0, 7, 12]
    assert inc.loc["ucdp-300001", C.SOURCE_NAME] == "Radio Okapi"
    assert inc.loc["ucdp-300001", C.SOURCE_DATE] == "2019-03-01"
    dropped = r.report.set_index("source_id").loc["300005"]
    assert dropped["reason"] == "bad date" and "different years" in dropped["detail"]
    _accounted(r)


def test_ucdp_hdx_copy_skips_the_hxl_row(files, bounds):
    plain = read_ucdp(files["ucdp"], boundaries=bounds)
    hdx = read_ucdp(files["ucdp_hdx"], boundaries=bounds)
    assert "skipped the HXL #tag row under the header (an HDX copy)" in hdx.messages
    pd.testing.assert_frame_equal(plain.incidents, hdx.incidents)
    assert hdx.report["row"].tolist() == [6]  # record 1 is the tag row


def test_ucdp_where_prec_7_is_an_approximate_point_with_a_note(tmp_path):
    row = S._ucdp(9, 1, 7, "", 10.0, 50.0, 1, "2019-03-01", "2019-03-01", 2)
    r = read_ucdp(S.write(tmp_path / "g.csv", S.UCDP_HEADER, [row]))
    assert r.incidents[[C.GEO_PRECISION, C.COUNTRY]].values.tolist() == [[2, ""]]
    assert r.report["status"].tolist() == ["kept"]
    assert "international waters" in r.report["detail"].iloc[0]


# ------------------------------------------------------------------------------ MMP


def test_mmp_2021_layout(files, bounds):
    r = read_mmp(files["mmp_2021"], boundaries=bounds)
    assert r.messages[0].startswith("read as IOM Missing Migrants CSV (2021+ layout")
    inc = _by_id(r)
    assert inc.loc["2021.MMP0001", [C.LAT, C.LON, C.GEO_PRECISION, C.COUNTRY]].tolist() == \
        [17.0, 8.0, 2, "NE"]
    assert inc.loc["2021.MMP0002", [C.DATE, C.TYPE, C.COUNT]].tolist() == \
        ["2021-07-09", "disappearance", 5]
    assert inc.loc["2021.MMP0001", C.SOURCE_URL] == "https://example.org/a"
    assert inc.loc["2021.MMP0002", C.SOURCE_URL] == ""  # only http(s) links
    assert inc[C.SOURCE_QUALITY].tolist() == [3, 4, 2]
    # no coordinates: the country of incident (geo_precision 4)
    assert inc.loc["2021.MMP0003", [C.GEO_PRECISION, C.COUNTRY]].tolist() == [4, "LY"]
    assert "cause: Violence" in inc.loc["2021.MMP0003", C.NOTES]
    _accounted(r)


def test_mmp_2019_layout_month_first_and_wkt(files):
    r = read_mmp(files["mmp_2019"])
    assert "2014–2020 layout" in r.messages[0]
    assert "dates read as MM/DD/YYYY: 1 rows prove month-first, none contradict" in r.messages
    inc = _by_id(r)
    assert inc[C.DATE].tolist() == ["2019-12-19", "2019-12-02"]
    assert inc.loc["mmp-51234", [C.LAT, C.LON]].tolist() == [19.0, 12.9]


def test_mmp_reported_date_in_words(tmp_path):
    header = "Web ID,Reported Date,Total Dead and Missing,Number Dead,Location Coordinates"
    rows = ['7,"January 05, 2020",2,2,"35.5, 12.6"', '8,9-Jul-19,1,0,"35.5, 12.6"']
    r = read_mmp(S.write(tmp_path / "m.csv", header, rows))
    assert r.incidents[C.DATE].tolist() == ["2020-01-05", "2019-07-09"]
    assert r.incidents[C.INCIDENT_ID].tolist() == ["mmp-7", "mmp-8"]


# ------------------------------------------------------------------------------ mapping


MAPPING = """
[columns]
incident_id = "Ref"
date = "When"
type = "Kind"
lat = "Y"
lon = "X"
admin1 = "Province"
country = "Nation"
count = "People"

[dates]
order = "dmy"

[types]
"Road block" = "checkpoint"
"Detention" = "arrest"

[admin1]
"Kasai Occidental" = "Kasaï-Oriental"

[countries]
"Congo Kinshasa" = "CD"

[ids]
prefix = "ngo-"
"""


def test_csv_with_a_mapping_file(tmp_path, bounds):
    (tmp_path / "m.toml").write_text(MAPPING, "utf-8")
    rows = ["1,02/03/2020,Road block,,,Kasai Occidental,Congo Kinshasa,3",
            "2,05/03/2020,Detention,0.5,29.5,,DR Congo,1",
            "3,06/03/2020,Detention,,,Kasai Orientale,CD,",
            "4,07/03/2020,Detention,,,Kivu du Nord,CD,",
            "5,08/03/2020,Unknown thing,,,,CD,"]
    src = S.write(tmp_path / "t.csv", "Ref,When,Kind,Y,X,Province,Nation,People", rows)
    r = read_mapped(src, mapping=load_mapping(tmp_path / "m.toml"), boundaries=bounds)
    inc = _by_id(r)
    assert inc.loc["ngo-1", [C.DATE, C.TYPE, C.ADMIN1, C.COUNTRY, C.GEO_PRECISION]].tolist() \
        == ["2020-03-02", "checkpoint", "Kasaï-Oriental", "CD", 3]
    assert inc.loc["ngo-2", C.GEO_PRECISION] == 1
    report = r.report.set_index("source_id")
    assert report.loc["4", "reason"] == "admin1 not in boundaries"
    assert "did you mean 'Nord-Kivu'" in report.loc["4", "detail"]
    assert "did you mean 'Kasaï-Oriental'" in report.loc["3", "detail"]
    assert report.loc["5", "reason"] == "unmapped category"
    _accounted(r)


def test_mapping_file_errors_name_the_key(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[colums]\nx = "y"\n[types]\n"A" = "armed_clsh"\n[dates]\norder = "ymd"\n', "utf-8")
    with pytest.raises(ValidationError) as err:
        load_mapping(tmp_path / "bad.toml")
    text = str(err.value)
    assert "[colums]: -: unknown table" in text and "did you mean 'columns'" in text
    assert "did you mean 'armed_clash'" in text
    assert "'ymd' is not 'dmy' or 'mdy'" in text


def test_csv_dates_without_proof_need_an_order(tmp_path):
    (tmp_path / "m.toml").write_text(
        '[columns]\nincident_id = "id"\ndate = "d"\ntype = "t"\ncountry = "c"\n'
        '[types]\nx = "arrest"\n', "utf-8")
    src = S.write(tmp_path / "t.csv", "id,d,t,c", ["1,02/03/2020,x,CD"])
    with pytest.raises(ValidationError, match="set \\[dates\\] order"):
        read_mapped(src, mapping=load_mapping(tmp_path / "m.toml"))


def test_outside_coverage_rows_are_kept_and_reported(tmp_path, bounds):
    rows = ["Y1,2020-01-01,1,Battles,Armed clash,Far,40.0,-3.0,1,S,n,0"]
    header = ("event_id_cnty,event_date,time_precision,event_type,sub_event_type,location,"
              "latitude,longitude,geo_precision,source,notes,fatalities")
    r = read_acled(S.write(tmp_path / "o.csv", header, rows), boundaries=bounds)
    assert len(r.incidents) == 1
    assert r.report[["status", "reason"]].values.tolist() == [["kept", "outside coverage"]]


def test_duplicate_ids_keep_the_first(tmp_path):
    r = read_acled(_acled(tmp_path, ["2016-01-01", "2016-01-02"]).with_name("a.csv"))
    assert len(r.incidents) == 2
    path = tmp_path / "d.csv"
    path.write_text(path.with_name("a.csv").read_text().replace("X1,", "X0,"), "utf-8")
    r = read_acled(path)
    assert r.report["detail"].tolist() == ["duplicate id 'X0' (first at row 1)"]


def test_default_type_maps_point_to_model_types():
    from geo.importers._types import ACLED_TYPES, MMP_TYPES, UCDP_TYPES, check_types

    model = load_model()
    for table in (ACLED_TYPES, UCDP_TYPES, MMP_TYPES):
        assert check_types(table, model.types) == []
    for name in set(ACLED_TYPES.values()) | set(UCDP_TYPES.values()) | set(MMP_TYPES.values()):
        t = model.types[name]
        assert t.half_life_days > 0 and t.bandwidth_km > 0


def test_import_file_rejects_unknown_formats(files):
    with pytest.raises(ValueError, match="unknown format"):
        import_file("gdelt", files["ucdp"])
    with pytest.raises(ValueError, match="needs a mapping"):
        import_file("csv", files["ucdp"])


def test_numbers_stay_numbers_in_the_frame(files):
    r = read_ucdp(files["ucdp"])
    assert r.incidents[C.LAT].dtype == np.float64
    assert r.incidents[C.GEO_PRECISION].dtype == np.int64


def test_future_dates_and_impossible_coordinates_are_reported(tmp_path):
    header = ("event_id_cnty,event_date,time_precision,event_type,sub_event_type,location,"
              "latitude,longitude,geo_precision,source,notes,fatalities")
    rows = ["F1,2999-01-01,1,Battles,Armed clash,X,0.5,29.5,1,S,n,0",
            "F2,2020-01-01,1,Battles,Armed clash,X,95.0,29.5,1,S,n,0",
            "F3,2020-01-01,1,Battles,Armed clash,X,5.0,29.5,1,S,n,0"]
    r = read_acled(S.write(tmp_path / "f.csv", header, rows))
    assert r.incidents[C.INCIDENT_ID].tolist() == ["F3"]
    assert r.report["reason"].tolist() == ["future date", "bad coordinates"]


def test_a_header_only_file_gives_a_header_only_table(tmp_path):
    r = read_ucdp(S.write(tmp_path / "h.csv", S.UCDP_HEADER, []))
    assert len(r.incidents) == 0 and tuple(r.incidents.columns) == C.INCIDENT_COLUMNS
    assert r.rows_read == 0 and len(r.report) == 0


def test_an_empty_file_is_an_error(tmp_path):
    (tmp_path / "e.csv").write_text("\n", "utf-8")
    with pytest.raises(ValidationError, match="file is empty"):
        read_mmp(tmp_path / "e.csv")
