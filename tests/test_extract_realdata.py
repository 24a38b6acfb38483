"""``extract`` on 40 real UCDP GED headlines (``tests/realdata/``, CC BY 4.0): measured agreement
with the coded events, pinned so that a change that makes it worse fails."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo._dates import parse_period
from geo.extract import extract_documents
from geo.extract._documents import Document

FILE = Path(__file__).resolve().parent / "realdata" / "ucdp_ged191_headlines.csv"
COUNTRY = {"Bangladesh": "BD", "Myanmar (Burma)": "MM"}
VIOLENT = {"armed_clash", "attack_on_civilians", "explosion_remote_violence", "unrest"}


def _first_proposals() -> pd.DataFrame:
    table = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    found = []
    for country, part in table.groupby("country"):
        docs = [Document(r.id, r.source_headline, r.source_date) for r in part.itertuples()]
        result = extract_documents(docs, countries=[COUNTRY[country]])
        found.append(result.proposals.drop_duplicates("source_id"))
    first = pd.concat(found)[["source_id", "type", "count", "date", "date_precision"]]
    return table.merge(first, left_on="id", right_on="source_id", how="left")


def test_ucdp_headlines_type_count_date() -> None:
    m = _first_proposals()
    proposed = m[m["type"].notna()]
    # 31 of the 40 headlines name an event with a cue; the others are titles of reports
    # ("They Gave Them Long Swords") or name no act ("Fresh violence erupts")
    assert len(proposed) >= 31
    # every GED event is organised violence: the proposal is a violent type for 27 of 31
    # (two "arrests" and two "protests" are the others)
    assert proposed["type"].isin(VIOLENT).sum() >= 27
    # a death toll in the headline equals GED's best estimate in 6 of 15 (GED splits a
    # headline's toll over several events: "Five policemen among 40 killed" is 1 in GED)
    toll = proposed[proposed["count"].astype(str) != ""]
    assert (toll["count"].astype(str) == toll["best"]).sum() >= 6
    # never dated after publication; a day only where the headline states one
    for row in proposed.itertuples():
        period = parse_period(row.date, precision=row.date_precision)
        assert period.start <= parse_period(row.source_date).end
        if period.precision == "day":
            assert row.date == row.date_start and "2015" in row.source_headline
