"""The bundled incidents are ``extract`` proposals plus recorded review decisions.

The two reports are not shipped; these tests check the decision file against the bundled
incidents, and the mechanism (``layers/make_incidents.py``) on short texts written in the same
style. ``python layers/make_incidents.py --report … --check`` reproduces the bundled file from
the reports themselves (docs/extract.md).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from geo import columns as C
from geo import datasets
from geo.extract import extract_documents
from geo.extract._documents import Document

LAYERS = Path(__file__).resolve().parent.parent / "layers"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_incidents", LAYERS / "make_incidents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_bundled_incident_has_one_recorded_decision() -> None:
    decisions = _read(LAYERS / "review_decisions.csv")
    bundled = _read(datasets.get_path("incidents")).set_index(C.INCIDENT_ID)
    kept = decisions[decisions["decision"].isin(["accept", "edit", "add"])]
    assert sorted(kept["incident_id"]) == sorted(bundled.index)
    assert set(decisions["decision"]) <= {"accept", "edit", "add", "reject"}
    assert (decisions["why"].str.len() > 10).all()  # every decision says why
    documents = _read(LAYERS / "review_documents.csv").set_index("document")
    for _, row in kept.iterrows():
        incident = bundled.loc[row["incident_id"]]
        for field in ("date", "end_date", "type", "place", "admin1", "country",
                      "geo_precision", "count", "source_quality", "notes"):
            if row[field]:
                assert incident[field] == ("" if row[field] == "-" else row[field]), (
                    row["incident_id"], field)
        cited = row["source_name"] or documents.loc[row["document"], "source_name"]
        assert incident[C.SOURCE_NAME] == cited
        assert incident[C.SOURCE_DATE] == documents.loc[row["document"], "published"]


REPORT = ("Police in the border city of Dandong arrested 12 North Koreans last week, according "
          "to state TV. No arrests were made in Yanji. China sometimes closes the border with "
          "Mongolia, activists said.")


def _proposals() -> dict[str, pd.DataFrame]:
    found = extract_documents([Document("r", REPORT, "2024-09-10")])
    return {"r": found.proposals.astype(object).fillna("").astype(str)}


def test_decisions_turn_proposals_into_incidents() -> None:
    script = _script()
    proposals = _proposals()
    assert proposals["r"]["type"].tolist() == ["arrest", "border_closure"]
    documents = pd.DataFrame({"document": ["r"], "published": ["2024-09"],
                              "source_name": ["Outlet, \"Headline\", September 2024"]})
    decisions = pd.DataFrame([
        {"document": "r", "decision": "accept", "proposed_type": "arrest",
         "evidence": "arrested 12", "incident_id": "DD-1", "source_quality": "3",
         "why": "as proposed"},
        {"document": "r", "decision": "edit", "proposed_type": "border_closure",
         "evidence": "closes the border", "incident_id": "NM-1", "admin1": "Nei Mongol",
         "country": "CN", "geo_precision": "3", "date": "2024-08", "why": "the Mongolian border"},
        {"document": "r", "decision": "add", "proposed_type": "", "evidence": "Yanji",
         "incident_id": "YJ-1", "date": "2024-09", "type": "checkpoint", "place": "Yanji",
         "country": "CN", "geo_precision": "1", "why": "by hand"},
    ]).astype(object).fillna("")
    table = script.apply_decisions(proposals, decisions, documents).set_index(C.INCIDENT_ID)
    assert table.loc["DD-1", ["place", "count", "date", "date_precision"]].tolist() == [
        "Dandong", "12", "2024-09-02", "week"]
    assert table.loc["NM-1", ["admin1", "date", "date_precision", "place"]].tolist() == [
        "Nei Mongol", "2024-08", "", ""]
    assert table.loc["YJ-1", "type"] == "checkpoint"
    assert set(table[C.SOURCE_NAME]) == {"Outlet, \"Headline\", September 2024"}
    # a proposal nobody decided on stops the script
    with pytest.raises(SystemExit, match="proposal without a decision"):
        script.apply_decisions(proposals, decisions.iloc[[0, 2]], documents)
    # a decision whose proposal is gone stops it too
    gone = decisions.copy()
    gone.loc[0, "evidence"] = "arrested 13"
    with pytest.raises(SystemExit, match="0 proposals"):
        script.apply_decisions(proposals, gone, documents)
