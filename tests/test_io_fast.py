"""The vectorised incident checks give exactly what the per-row checks give.

Every CSV row goes either through :func:`geo.io._fast.fast_incidents` (plain rows, whole columns
at once) or through the per-row checks of :mod:`geo.io._fields`. Forcing every row through the
per-row path must change nothing: the same frame, the same errors, the same warnings.
"""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo._errors import ValidationError
from geo.datasets import get_path
from geo.io import incidents as incidents_module
from geo.io import read_boundaries, read_incidents
from geo.io._stream import read_csv_table
from geo.risk import load_model

TYPES = tuple(load_model().types)
TODAY = date(2025, 1, 1)

POOLS = {
    C.INCIDENT_ID: ["<unique>", "<unique>", "<unique>", "dup", "=x", "", "b\tc", "Caf\u00e9",
                    "Cafe\u0301", "z\u200b"],
    C.DATE: ["2020-01-05", "2020-02", "2020", "2020-02-30", "2019-13", "1899", "2030-01-01",
             "05/03/2020", "2020-1-5", " 2020-03 ", "2020-02-29", "2021-02"],
    C.DATE_PRECISION: ["", "", "day", "week", "month", "year", "Month", "hour"],
    C.END_DATE: ["", "", "2020-12", "2019", "2021-01-01", "bad"],
    C.TYPE: ["arrest", "Arrest", "crackdown", "teleport", ""],
    C.LAT: ["", "25.05", "+25.05", "2.5e1", "95", "abc", "nan", " 22.9 ", "-91"],
    C.LON: ["", "102.7", "200", "1_02.7", "-0.5", "105.85"],
    C.PLACE: ["", "", "", "Kunming", "Nowhere"],
    C.ADMIN1: ["", "", "Yunnan", "yunnan", "Atlantis"],
    C.COUNTRY: ["", "", "CN", "cn", "XX", "CHN", "VN"],
    C.GEO_PRECISION: ["", "", "1", "2", "3", "4", "5", "2.0"],
    C.COUNT: ["", "3", "-1", "2.5", "1e10", "x", "1_000", "\u0661\u0662", "+5", "7.0"],
    C.SOURCE_QUALITY: ["", "1", "5", "6", "2.5"],
    C.VISIBILITY: ["", "public", "Restricted", "secret"],
    C.SOURCE_URL: ["", "https://a.example/x", "ftp://x"],
    C.NOTES: ["", "a note", "  spaced  ", "zero\u200bwidth", "Fran\u0063\u0327ais"],
}


@pytest.fixture(scope="module")
def boundaries():
    return read_boundaries(get_path("boundaries"))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(POOLS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _all_slow(table, ctx, **kwargs):
    return pd.DataFrame(index=pd.RangeIndex(0)), np.ones(len(table), dtype=bool)


def _outcome(path: Path, boundaries, monkeypatch=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = read_incidents(path, boundaries=boundaries, types=TYPES, today=TODAY)
        except ValidationError as exc:
            result = str(exc)
    return result, [str(w.message) for w in caught]


def _compare(path: Path, boundaries, monkeypatch) -> object:
    fast, fast_warnings = _outcome(path, boundaries)
    with monkeypatch.context() as m:
        m.setattr(incidents_module, "fast_incidents", _all_slow)
        slow, slow_warnings = _outcome(path, boundaries)
    if isinstance(slow, str):
        assert fast == slow
    else:
        pd.testing.assert_frame_equal(fast, slow)
    assert fast_warnings == slow_warnings
    return fast


rows_strategy = st.lists(
    st.fixed_dictionaries({k: st.sampled_from(v) for k, v in POOLS.items()}),
    min_size=1, max_size=12,
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy)
def test_vectorised_checks_equal_per_row_checks(rows, boundaries, tmp_path_factory, monkeypatch):
    for i, row in enumerate(rows):
        if row[C.INCIDENT_ID] == "<unique>":
            row[C.INCIDENT_ID] = f"r{i}"
    path = tmp_path_factory.mktemp("fast") / "incidents.csv"
    _write(path, rows)
    _compare(path, boundaries, monkeypatch)


def test_plain_rows_take_the_vectorised_path(boundaries, tmp_path, monkeypatch):
    """A valid file of every date precision: all rows accepted, none needs the per-row path."""
    rows = []
    for i, (d, prec) in enumerate([("2020-01-05", ""), ("2020-02", ""), ("2020", ""),
                                   ("2020-03-04", "week"), ("2020-03-04", "month"),
                                   ("2020-03", "year"), ("2020-02-29", "")]):
        rows.append({**dict.fromkeys(POOLS, ""), C.INCIDENT_ID: f"p{i}", C.DATE: d,
                     C.DATE_PRECISION: prec, C.TYPE: "arrest", C.LAT: "25.05", C.LON: "102.7",
                     C.COUNT: "3", C.SOURCE_QUALITY: "4"})
    rows.append({**dict.fromkeys(POOLS, ""), C.INCIDENT_ID: "u1", C.DATE: "2020-05",
                 C.END_DATE: "2020-06", C.TYPE: "crackdown", C.ADMIN1: "yunnan", C.COUNTRY: "cn"})
    path = tmp_path / "plain.csv"
    _write(path, rows)
    called = []
    original = incidents_module._incident
    monkeypatch.setattr(incidents_module, "_incident",
                        lambda *a, **k: called.append(a[1]) or original(*a, **k))
    out = read_incidents(path, boundaries=boundaries, types=TYPES, today=TODAY)
    assert called == []
    assert list(out[C.DATE_PRECISION]) == ["day", "month", "year", "week", "month", "year", "day",
                                           "month"]
    assert [d.isoformat() for d in out[C.PERIOD_END].dt.date] == [
        "2020-01-05", "2020-02-29", "2020-12-31", "2020-03-10", "2020-03-31", "2020-12-31",
        "2020-02-29", "2020-06-30"]
    assert out[C.ADMIN1].iloc[-1] == "Yunnan"
    monkeypatch.undo()
    _compare(path, boundaries, monkeypatch)


@pytest.mark.parametrize("body", [
    'x,"abc"def,2020,arrest\n',          # text after a closing quote: csv refuses it
    'x,""y,2020,arrest\n',               # an empty quoted field followed by text
    "x,a,2020,arrest\n\ny,b,2020,arrest\n",  # a blank line: row numbers still count it
    "x,a,2020,arrest\r\ny,b,2020-13,arrest\r\n",
    'x,"two\nlines",2020,arrest\ny,"say ""hi""",2020,arrest\n',
])
def test_structural_oddities_are_read_as_pythons_csv_reads_them(tmp_path, body):
    from geo.io._common import _Collector

    path = tmp_path / "odd.csv"
    path.write_bytes(b"incident_id,note,date,type\n" + body.encode())
    try:
        reader = list(csv.reader(io.StringIO(path.read_text(), newline=""), strict=True))
    except csv.Error:
        with pytest.raises(ValidationError, match="malformed CSV"):
            read_csv_table(path, _Collector(path), None)
        return
    _, table, numbers = read_csv_table(path, _Collector(path), None)
    expected = [(i, r) for i, r in enumerate(reader[1:], start=2) if any(v.strip() for v in r)]
    assert list(numbers) == [i for i, _ in expected]
    assert table.to_numpy().tolist() == [r for _, r in expected]
