"""``geo.extract`` on short texts written in the style of the reports it is made for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo._dates import Period
from geo._errors import UsageError, ValidationError
from geo.cli import main
from geo.extract import PROPOSAL_COLUMNS, extract_documents
from geo.extract._dates import find_dates, publication_date
from geo.extract._documents import Document, html_text
from geo.extract._sentences import split_sentences

PUB = Period(date(2024, 9, 10), date(2024, 9, 10), "day")  # a Tuesday
PUB_MONTH = Period(date(2024, 9, 1), date(2024, 9, 30), "month")

BUST = ("Police have broken up a smuggling ring near the border with Vietnam. Authorities in the "
        "port city of Fangchenggang in Guangxi Province arrested 139 people allegedly trying to "
        "cross the border, according to China Central TV on September 3. It follows the arrest "
        "of 15 defecting North Koreans last month in Kunming, the capital of Yunnan Province.")


def _one(text: str, **kw: object) -> pd.DataFrame:
    published = str(kw.pop("published", "2024-09-10"))
    return extract_documents([Document("t", text, published)], **kw).proposals  # type: ignore[arg-type]


def _when(text: str, pub: Period | None = PUB) -> list[tuple[str, str, str]]:
    out = []
    for m in find_dates(text, pub):
        end = m.end_period.start.isoformat() if m.end_period else ""
        out.append((m.period.start.isoformat(), m.period.precision, end))
    return out


# ---- dates --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("according to state TV on September 3", [("2024-09-03", "day", "")]),
    ("on 3 Sept. 2004 police said", [("2004-09-03", "day", "")]),
    ("the raid of 21/07/2016", [("2016-07-21", "day", "")]),
    ("between 1 and 5 March police held 40", [("2024-03-01", "day", "2024-03-05")]),
    ("arrested last month", [("2024-08-01", "month", "")]),
    ("detained last week", [("2024-09-02", "week", "")]),
    ("detained on Sunday", [("2024-09-08", "day", "")]),
    ("earlier this year", [("2024-01-01", "year", "")]),
    ("in early September", [("2024-09-01", "month", "")]),
    ("in December", [("2023-12-01", "month", "")]),  # a month after publication: the year before
])
def test_dates_with_precision(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _when(text) == expected


def test_no_false_day_when_the_publication_date_is_a_month() -> None:
    # "on Sunday" in a September article could be 25 August .. 29 September: not one day
    assert _when("detained on Sunday", PUB_MONTH) == [("2024-01-01", "year", "")]
    assert _when("arrested last month", PUB_MONTH) == [("2024-08-01", "month", "")]
    assert _when("the police may detain them") == []  # the verb is not 10 May


def test_relative_dates_need_a_publication_date() -> None:
    assert _when("arrested last month", None) == []
    assert _when("on 3 Sept. 2004", None) == [("2004-09-03", "day", "")]
    assert publication_date("Police arrested 12 people last week.") is None
    assert publication_date("Published: 5 March 2021\nPolice said ...")[0].start == date(2021,
                                                                                         3, 5)


def test_document_without_a_date_is_reported_never_given_today(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Police in Kunming arrested 12 people last week. On 3 May 2021 police in "
                   "Kunming detained 4 people.", "utf-8")
    found = geo.extract(src)
    assert found.proposals["date"].tolist() == ["2021-05-03"]
    assert len(found.problems) == 2 and "publication date" in str(found.problems[0])


# ---- sentences, evidence -----------------------------------------------------------------
def test_evidence_is_the_verbatim_sentence_at_its_offsets(tmp_path: Path) -> None:
    src = tmp_path / "bust.txt"
    src.write_text("Headline\n\n" + BUST, "utf-8")
    rows = geo.extract(src, published="2024-09-10").proposals
    text = src.read_text("utf-8")
    for r in rows.itertuples():
        assert text[r.evidence_start:r.evidence_end] == r.evidence
    assert list(rows.columns) == list(PROPOSAL_COLUMNS)
    assert set(rows["status"]) == {"proposed"}
    assert rows["confidence"].between(0, 1).all()


def test_abbreviations_do_not_end_sentences() -> None:
    text = "On Sept. 3 Mr. Lee said 3.5 tonnes went. Then it rained."
    got = [s.text for s in split_sentences(text)]
    assert got == ["On Sept. 3 Mr. Lee said 3.5 tonnes went.", "Then it rained."]


# ---- places, types, counts, sources --------------------------------------------------------
def test_the_bust_and_the_kunming_arrest() -> None:
    rows = _one(BUST)
    arrests = rows[rows["type"] == "arrest"].set_index("place")
    fcg, kmg = arrests.loc["Fangchenggang"], arrests.loc["Kunming"]
    assert (fcg["date"], fcg["date_precision"], fcg["count"]) == ("2024-09-03", "day", 139)
    assert (fcg["admin1"], fcg["country"], fcg["geo_precision"]) == ("Guangxi", "CN", 1)
    assert fcg["source_name"] == "China Central TV"
    assert (kmg["date"], kmg["date_precision"], kmg["count"]) == ("2024-08", "month", 15)
    assert abs(kmg["lat"] - 25.04) < 0.01 and abs(kmg["lon"] - 102.72) < 0.01
    assert "last month" in kmg["why"] and "Kunming" in kmg["why"]


@pytest.mark.parametrize(("text", "precision", "where"), [
    ("On 2 May 2021 gunmen attacked a convoy near Manono, killing 4 people.", 2, "Manono"),
    ("On 2 May 2021 police arrested 8 people in Guangxi Province.", 3, "Guangxi"),
    ("On 2 May 2021 police arrested 8 people in China.", 4, "CN"),
])
def test_geo_precision_from_the_words(text: str, precision: int, where: str) -> None:
    row = _one(text).iloc[0]
    assert row["geo_precision"] == precision
    assert where in (row["place"], row["admin1"], row["country"])


@pytest.mark.parametrize("text", [
    "No arrests were made in Kunming on 3 May 2021.",
    "Defectors in Kunming could be detained, activists said on 3 May 2021.",
    "Those caught in Kunming face arrest and repatriation, rights groups said on 3 May 2021.",
])
def test_negations_and_possibilities_are_not_events(text: str) -> None:
    assert _one(text).empty


@pytest.mark.parametrize(("text", "count"), [
    ("On 3 May 2021, at least 19 people were killed when gunmen attacked Manono.", 19),
    ("On 3 May 2021 police in Kunming detained 12 North Koreans.", 12),
    ("On 3 May 2021 police in Kunming detained North Koreans.", ""),
])
def test_counts_tied_to_the_cue(text: str, count: object) -> None:
    assert _one(text).iloc[0]["count"] == count


def test_one_sentence_two_incidents_longest_cue_wins() -> None:
    rows = _one("It follows the arrest of 15 North Koreans last month in Kunming and the "
                "subsequent detention of brokers who were guiding them.")
    assert rows["type"].tolist() == ["arrest", "broker_detention"]


def test_cues_come_from_the_model_and_extend(tmp_path: Path) -> None:
    model = tmp_path / "m.toml"
    model.write_text('[types.checkpoint]\ncues = ["paper control*"]\n', "utf-8")
    text = "On 3 May 2021 paper controls began in Kunming."
    assert _one(text).empty
    rows = extract_documents([Document("t", text, "2021-05-10")], config=model).proposals
    assert rows["type"].tolist() == ["checkpoint"]
    # a file's list replaces the type's default list
    other = "On 3 May 2021 a checkpoint went up in Kunming."
    assert _one(other)["type"].tolist() == ["checkpoint"]
    assert extract_documents([Document("t", other, "2021-05-10")], config=model).proposals.empty
    bad = tmp_path / "bad.toml"
    bad.write_text('[types.checkpoint]\ncuez = ["x"]\n', "utf-8")
    with pytest.raises(Exception, match="did you mean 'cues'"):
        extract_documents([Document("t", text, "2021-05-10")], config=bad)


def test_country_narrows_the_places() -> None:
    text = "On 3 May 2021 police arrested 5 people in Kunming."
    assert _one(text, countries=["CN"]).iloc[0]["place"] == "Kunming"
    assert _one(text, countries=["VN"]).iloc[0]["place"] == ""


# ---- reading documents ----------------------------------------------------------------------
def test_html_is_read_as_the_text_a_reader_sees() -> None:
    assert html_text("<html><head><title>T</title><style>p{}</style></head><body><p>Police "
                     "<b>arrested</b> 3&nbsp;people.</p><script>alert(1)</script><div>End"
                     "</div></body></html>") == "Police arrested 3 people.\nEnd"


def test_tables_give_one_document_per_row(tmp_path: Path) -> None:
    table = tmp_path / "notes.csv"
    pd.DataFrame({"id": ["a1", "a2"], "published": ["2024-09-10", "2021-05-10"],
                  "notes": ["Police in Kunming arrested 7 people on Sunday.",
                            "No one was arrested."]}).to_csv(table, index=False)
    rows = geo.extract(table, text_column="notes", id_column="id",
                       date_column="published").proposals
    assert rows[["source_id", "date", "count"]].values.tolist() == [["a1", "2024-09-08", 7]]
    xlsx = tmp_path / "notes.xlsx"
    pd.read_csv(table).to_excel(xlsx, index=False)
    assert geo.extract(xlsx, text_column="notes", id_column="id",
                       date_column="published").proposals["source_id"].tolist() == ["a1"]
    with pytest.raises(ValidationError, match="no column 'text'"):
        geo.extract(table, text_column="text")
    with pytest.raises(UsageError, match="text_column"):
        geo.extract(table)


def test_pdf_is_read(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.05, 0.5, "Police in Kunming arrested 9 people on 3 May 2021.")
    pdf = tmp_path / "report.pdf"
    fig.savefig(pdf)
    plt.close(fig)
    rows = geo.extract(pdf).proposals
    assert rows[["date", "place", "count"]].values.tolist() == [["2021-05-03", "Kunming", 9]]


# ---- command line, end to end ---------------------------------------------------------------
def test_cli_extract_then_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bust.md"
    src.write_text("# Bust\n\n" + BUST, "utf-8")
    out = tmp_path / "proposed.csv"
    assert main(["extract", str(src), "--published", "2024-09-10", "--out", str(out)]) == 0
    assert (tmp_path / "review.html").exists()
    proposed = pd.read_csv(out)
    assert {"arrest"} <= set(proposed["type"])
    assert main(["build", "--incidents", str(out), "--out", str(tmp_path / "b"),
                 "--formats", ""]) == 0
    err = capsys.readouterr().err
    assert "unknown column" not in err
    fate = pd.read_csv(tmp_path / "b" / "incidents_fate.csv")
    assert len(fate) == len(proposed) and set(fate["status"]) <= {"scored", "unassigned"}


def test_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "a.docx"
    bad.write_text("x", "utf-8")
    assert main(["extract", str(bad), "--out", str(tmp_path / "p.csv")]) == 2
    assert "cannot read .docx" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "missing.txt"), "--out",
                 str(tmp_path / "p.csv")]) == 1
    assert not (tmp_path / "p.csv").exists()
    good = tmp_path / "a.txt"
    good.write_text("Police in Kunming detained 4 people on Sunday.", "utf-8")
    assert main(["extract", str(good), "--published", "2024-13", "--out",
                 str(tmp_path / "p.csv")]) == 2
    assert "--published: '2024-13' is not a real month" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()
