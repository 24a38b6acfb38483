"""Re-derive the bundled incidents: ``routerisk extract`` on the two reports, then the recorded
review decisions.

The reports are not part of the repository (copyright stays with their publishers); give the
text of each as the command line shows. ``layers/review_documents.csv`` says how each report is
cited and when it was published; ``layers/review_decisions.csv`` holds one row per proposal of
the extractor (``accept``, ``edit`` or ``reject``, found by its proposed type and a few words of
its evidence) and one per incident added by hand (``add``), each with its reason in ``why``. In
an ``edit`` or ``add`` row an empty field keeps the proposal's value and ``-`` empties it (a
new ``date`` without a ``date_precision`` takes the precision its string says).

Every proposal must have a decision: when the extractor changes and proposes something new,
the script stops and names it, so the bundled file never changes unreviewed.

    python layers/make_incidents.py --report report-2004=FILE --report report-2024=FILE
    python layers/make_incidents.py ... --check   # compare with geo/datasets/incidents.csv
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "geo" / "datasets" / "incidents.csv"
DECISIONS = HERE / "review_decisions.csv"
DOCUMENTS = HERE / "review_documents.csv"
FIELDS = ("date", "end_date", "type", "lat", "lon", "place", "admin1", "country",
          "date_precision", "geo_precision", "count", "source_name", "source_quality", "notes")
_DERIVED = {4: "year", 7: "month", 10: "day"}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _find(proposals: pd.DataFrame, row: pd.Series) -> int:
    match = proposals[(proposals["type"] == row["proposed_type"])
                      & proposals["evidence"].str.contains(row["evidence"], regex=False)]
    if len(match) != 1:
        raise SystemExit(f"{DECISIONS.name}: {row['document']}: {len(match)} proposals of type "
                         f"{row['proposed_type']!r} with evidence {row['evidence']!r} (need 1)")
    return int(match.index[0])


def _incident(base: dict[str, str], row: pd.Series, document: pd.Series) -> dict[str, str]:
    out = dict(base)
    out["source_name"] = document["source_name"]
    out["source_date"] = document["published"]
    out["source_url"] = ""
    out["visibility"] = "public"
    for field in FIELDS:
        value = row.get(field, "")
        if value == "-":
            out[field] = ""
        elif value:
            out[field] = value
    if row.get("date") and not row.get("date_precision"):
        out["date_precision"] = ""  # a new date says its own precision
    out["incident_id"] = row["incident_id"]
    if out.get("date_precision") == _DERIVED.get(len(out["date"])):
        out["date_precision"] = ""  # said by the date string itself
    return out


def apply_decisions(proposals: dict[str, pd.DataFrame], decisions: pd.DataFrame,
                    documents: pd.DataFrame) -> pd.DataFrame:
    """Incidents from the proposals of each document and the review decisions.

    ``proposals`` maps a document key to its ``Extraction.proposals`` (as text). Raises
    ``SystemExit`` naming a proposal without a decision or a decision without its proposal.
    """
    from geo import columns as C

    columns = [c for c in C.INCIDENT_COLUMNS if c != C.ADMIN1_SOURCE]  # import writes that one
    docs = documents.set_index("document")
    rows: list[dict[str, str]] = []
    decided: set[tuple[str, int]] = set()
    for _, row in decisions.iterrows():
        key = row["document"]
        if row["decision"] == "add":
            rows.append(_incident(dict.fromkeys(columns, ""), row, docs.loc[key]))
            continue
        index = _find(proposals[key], row)
        decided.add((key, index))
        if row["decision"] in ("accept", "edit"):
            base = {c: str(proposals[key].at[index, c]) for c in columns}
            rows.append(_incident(base, row, docs.loc[key]))
        elif row["decision"] != "reject":
            raise SystemExit(f"{DECISIONS.name}: unknown decision {row['decision']!r}")
    for key, frame in proposals.items():
        for index in frame.index:
            if (key, index) not in decided:
                raise SystemExit(f"{key}: proposal without a decision: {frame.at[index, 'type']}"
                                 f" {frame.at[index, 'evidence'][:80]!r}")
    return pd.DataFrame(rows, columns=columns)


def main() -> None:
    from geo.extract import extract

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="append", required=True, metavar="KEY=FILE")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    documents = _read(DOCUMENTS)
    paths = dict(item.split("=", 1) for item in args.report)
    missing = set(documents["document"]) - set(paths)
    if missing:
        raise SystemExit(f"give --report for {', '.join(sorted(missing))}")
    proposals = {}
    for doc in documents.itertuples():
        found = extract(paths[doc.document], published=doc.published)
        proposals[doc.document] = found.proposals.astype(object).fillna("").astype(str)
    table = apply_decisions(proposals, _read(DECISIONS), documents)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    if args.check:
        same = buffer.getvalue() == TARGET.read_text("utf-8")
        print("identical" if same else f"differs from {TARGET}")
        sys.exit(0 if same else 1)
    TARGET.write_text(buffer.getvalue(), "utf-8")
    print(f"wrote {TARGET} ({len(table)} incidents)")


if __name__ == "__main__":
    main()
