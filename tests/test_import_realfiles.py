"""What real files revealed in the importers (tests/realdata): an ACLED Kenya export re-saved by
Excel (dates 31-12-19), and GED as UCDP serves it (a zip holding one CSV)."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from geo._errors import ValidationError
from geo.importers._dates import parse_dates
from geo.importers._source import read_source


def test_dashed_two_digit_year_dates_are_read_day_first_when_a_day_proves_it():
    """carol0128_acled_ken_2019.csv: every one of its 5,725 rows was 'bad date' before."""
    col = parse_dates(pd.Series(["31-12-19", "03-08-19", "2019-07-09"]), np.arange(1, 4),
                      file="acled.csv", field="event_date")
    assert [str(d) for d in col.start] == ["2019-12-31", "2019-08-03", "2019-07-09"]
    assert col.message == "dates read as DD/MM/YYYY: 1 rows prove day-first, none contradict"


def test_mixed_separators_are_not_one_date():
    col = parse_dates(pd.Series(["31-12/19"]), np.arange(1, 2), file="f.csv", field="date",
                      default_order="dmy")
    assert list(col.error) == ["'31-12/19' is not a date"]


def test_a_zip_holding_one_csv_is_read_as_that_csv(tmp_path):
    """UCDP serves GED as ged191-csv.zip; import read its bytes as CSV text before."""
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("ged191.csv", "id,year\n71663,2013\n71664,2013\n")
    table = read_source(archive)
    assert table.series("id").tolist() == ["71663", "71664"]
    assert table.encoding == "UTF-8, ged191.csv in the zip"


def test_a_zip_of_several_csv_files_or_a_broken_zip_is_one_line(tmp_path):
    several = tmp_path / "two.zip"
    with zipfile.ZipFile(several, "w") as z:
        z.writestr("a.csv", "id\n1\n")
        z.writestr("b.csv", "id\n2\n")
    with pytest.raises(ValidationError, match=r"a zip archive holding 2 CSV files \(a.csv, "
                                              r"b.csv\); unzip it and import one CSV file"):
        read_source(several)
    broken = tmp_path / "bad.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match="a damaged zip archive"):
        read_source(broken)


def test_the_2016_asia_exports_plural_event_type_is_an_armed_clash(tmp_path):
    """katehara_acled_asia_2015.csv spells it 'Battle-Non-state actors overtake territory'
    (one row of 10,194 was dropped as an unmapped category); header and row in its layout."""
    from geo.importers import import_file

    src = tmp_path / "acled_asia.csv"
    src.write_text(
        "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
        "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,"
        "ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES\n"
        "750,1IND,1,01-January-2015,2015,1,Battle-Non-state actors overtake territory,A,,2,B,"
        ",2,22,India,Manipur,Imphal West,,Imphal,24.8081,93.9442,1,Src,note,0\n",
        encoding="utf-8")
    result = import_file("acled", src, boundaries=None, mapping=None)
    assert result.incidents["type"].tolist() == ["armed_clash"]
