"""Incidents read in batches (CSV and Parquet) give exactly what one read of the whole file gives.

The batch size is made tiny so that a dozen rows fall into several batches: duplicates, errors
and warnings in different batches must still be reported with the right row numbers and the
same messages. A Parquet file of the same text is read with the same rules (its rows are
numbered from 1: it has no header line); a GeoParquet point layer without lat/lon gives the
coordinates from its geometry.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import columns as C
from geo._errors import ValidationError
from geo.io import _parquet, _stream, read_incidents
from tests.test_io_fast import POOLS, TYPES, _write

TODAY = date(2025, 1, 1)


def _outcome(path: Path, boundaries, **kwargs) -> tuple[object, list[str]]:
    """The frame (or the problems as (row, field, message)) and the warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: object = read_incidents(path, boundaries=boundaries, types=TYPES,
                                            today=TODAY, **kwargs)
        except ValidationError as exc:
            result = [(p.location, p.field, p.message) for p in exc.problems]
    return result, [str(w.message).replace(str(path), "FILE") for w in caught]


def _same(a: tuple[object, list[str]], b: tuple[object, list[str]]) -> None:
    if isinstance(a[0], pd.DataFrame) and isinstance(b[0], pd.DataFrame):
        pd.testing.assert_frame_equal(a[0], b[0])
    else:
        assert a[0] == b[0]
    assert a[1] == b[1]


def _one_shot(monkeypatch, path: Path, boundaries) -> tuple[object, list[str]]:
    with monkeypatch.context() as m:
        m.setattr(_stream, "BATCH_BYTES", 1 << 30)
        m.setattr(_parquet, "_ROWS", (1 << 20, 1 << 20))
        return _outcome(path, boundaries)


def _batched(monkeypatch, path: Path, boundaries) -> tuple[object, list[str]]:
    with monkeypatch.context() as m:
        m.setattr(_stream, "BATCH_BYTES", 1 << 10)
        m.setattr(_stream, "SCAN_BYTES", 64)
        m.setattr(_parquet, "_ROWS", (3, 3))
        return _outcome(path, boundaries)


def _rows(draw_rows: list[dict[str, str]], reuse: list[str]) -> list[dict[str, str]]:
    """Unique ids, except every fourth row takes one of ``reuse`` (duplicates far apart)."""
    for i, row in enumerate(draw_rows):
        if row[C.INCIDENT_ID] == "<unique>":
            row[C.INCIDENT_ID] = reuse[i // 4 % len(reuse)] if reuse and i % 4 == 0 else f"r{i}"
    return draw_rows


def _parquet_of(rows: list[dict[str, str]], path: Path) -> None:
    pq.write_table(pa.table({k: pa.array([r[k] for r in rows], pa.string()) for k in POOLS}), path)


def _moved(text: str, by: int) -> str:
    return re.sub(r"row (\d+)", lambda m: f"row {int(m.group(1)) + by}", text)


def _shift(problems: object, by: int) -> object:
    """Problems with every row number moved by ``by`` (CSV row n + 1 is Parquet row n)."""
    if not isinstance(problems, list):
        return problems
    return [(_moved(loc, by), fld, _moved(msg, by)) for loc, fld, msg in problems]


rows_strategy = st.lists(
    st.fixed_dictionaries({k: st.sampled_from(v) for k, v in POOLS.items()}),
    min_size=1, max_size=30,
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, reuse=st.lists(st.sampled_from(["a1", "a2", "a3"]), max_size=3))
def test_batches_give_the_one_shot_result(rows, reuse, boundaries, tmp_path_factory,
                                          monkeypatch):
    """Random files with errors and duplicate ids anywhere: batched == one shot, CSV and Parquet."""
    rows = _rows(rows, reuse)
    folder = tmp_path_factory.mktemp("stream")
    csv_path, pq_path = folder / "incidents.csv", folder / "incidents.parquet"
    _write(csv_path, rows)
    _parquet_of(rows, pq_path)
    whole = _one_shot(monkeypatch, csv_path, boundaries)
    _same(_batched(monkeypatch, csv_path, boundaries), whole)
    pq_whole = _one_shot(monkeypatch, pq_path, boundaries)
    _same(_batched(monkeypatch, pq_path, boundaries), pq_whole)
    if isinstance(whole[0], pd.DataFrame):
        assert isinstance(pq_whole[0], pd.DataFrame)
        rows_moved = whole[0][C.ROW].map(lambda r: f"row {int(r[4:]) - 1}").astype("str")
        pd.testing.assert_frame_equal(pq_whole[0], whole[0].assign(**{C.ROW: rows_moved}))
    else:
        assert _shift(pq_whole[0], 1) == whole[0]
    assert [_moved(w, 1) for w in pq_whole[1]] == whole[1]


@pytest.fixture(scope="module")
def boundaries():
    from geo.datasets import get_path
    from geo.io import read_boundaries

    return read_boundaries(get_path("boundaries"))


def _plain(i: int, **kw: str) -> dict[str, str]:
    row = {**dict.fromkeys(POOLS, ""), C.INCIDENT_ID: f"p{i}", C.DATE: "2020-01-05",
           C.TYPE: "arrest", C.LAT: "25.05", C.LON: "102.7", C.COUNT: "3"}
    row.update(kw)
    return row


def test_duplicate_in_a_later_batch_names_the_first_row(tmp_path, boundaries, monkeypatch):
    rows = [_plain(i) for i in range(60)] + [_plain(3)]
    path = tmp_path / "incidents.csv"
    _write(path, rows)
    got, _ = _batched(monkeypatch, path, boundaries)
    assert got == [("row 62", C.INCIDENT_ID, "duplicate 'p3' (first at row 5)")]
    assert got == _one_shot(monkeypatch, path, boundaries)[0]


def test_a_stray_comma_late_in_the_file_is_reported_once(tmp_path, boundaries, monkeypatch):
    """pyarrow refuses the file after some batches: Python's csv reads it again from the
    start and refuses it before any row is checked, so the first attempt's warning is not
    given (a read of the whole file at once gives none either)."""
    rows = [_plain(i) for i in range(60)]
    rows[2][C.SOURCE_URL] = "ftp://x"  # a warning, in the first batch
    path = tmp_path / "incidents.csv"
    _write(path, rows)
    path.write_text(path.read_text() + ",".join(["p99", "2020"] + [""] * 15 + ["extra"]) + "\n")
    got, caught = _batched(monkeypatch, path, boundaries)
    assert got == [("row 62", "-", "has 18 fields, the header has 16 (a stray or missing "
                                    "comma? quote fields that hold commas)")]
    assert not any("ftp://x" in w for w in caught)
    assert (got, caught) == _one_shot(monkeypatch, path, boundaries)


def test_bad_bytes_late_in_the_file_name_their_line_and_offset(tmp_path, monkeypatch):
    data = b"incident_id,date,type\n" + b"".join(b"a%d,2020,arrest\n" % i for i in range(50))
    data += b"bad,2020,caf\xe9\n"
    path = tmp_path / "incidents.csv"
    path.write_bytes(data)
    with monkeypatch.context() as m:
        m.setattr(_stream, "SCAN_BYTES", 7)
        with pytest.raises(ValidationError) as err:
            read_incidents(path, today=TODAY)
    (problem,) = err.value.problems
    assert problem.location == "line 52"
    assert f"byte 0xE9 at offset {data.index(bytes([0xE9]))}" in problem.message


def _points_frame(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    lat = np.round(rng.uniform(22.5, 26.0, n), 5)
    lon = np.round(rng.uniform(100.0, 112.0, n), 5)
    return gpd.GeoDataFrame({
        C.INCIDENT_ID: [f"g{i}" for i in range(n)],
        C.DATE: pd.to_datetime(["2021-03-04"] * n),
        C.TYPE: ["arrest"] * n,
        C.COUNT: np.arange(n, dtype=np.int64) + 1,
        C.SOURCE_QUALITY: np.where(np.arange(n) % 2, np.nan, 4.0),
        C.NOTES: [None if i % 3 else "a note" for i in range(n)],
    }, geometry=shapely.points(lon, lat), crs="EPSG:4326")


def test_geoparquet_points_give_lat_lon(tmp_path, boundaries):
    """A GeoParquet layer written by geopandas (typed columns, point geometry, no lat/lon)
    reads as the CSV with the same values as text."""
    gdf = _points_frame(25)
    gdf.to_parquet(tmp_path / "incidents.parquet")
    as_text = pd.DataFrame(gdf.drop(columns="geometry")).assign(**{
        C.DATE: "2021-03-04", C.COUNT: gdf[C.COUNT].astype(str),
        C.SOURCE_QUALITY: gdf[C.SOURCE_QUALITY].map(lambda q: "" if np.isnan(q) else f"{q:g}"),
        C.NOTES: gdf[C.NOTES].fillna(""),
        C.LAT: [repr(p.y) for p in gdf.geometry], C.LON: [repr(p.x) for p in gdf.geometry]})
    as_text.to_csv(tmp_path / "incidents.csv", index=False)
    from_pq, w1 = _outcome(tmp_path / "incidents.parquet", boundaries)
    from_csv, w2 = _outcome(tmp_path / "incidents.csv", boundaries)
    assert isinstance(from_pq, pd.DataFrame) and isinstance(from_csv, pd.DataFrame)
    assert list(from_pq[C.ROW]) == [f"row {i + 1}" for i in range(25)]
    pd.testing.assert_frame_equal(from_pq.drop(columns=C.ROW), from_csv.drop(columns=C.ROW))
    assert w1 == w2 == []
    assert shapely.equals(from_pq.geometry.values, gdf.geometry.values).all()


def test_geoparquet_in_another_crs_and_bad_geometries(tmp_path, boundaries):
    gdf = _points_frame(6)
    gdf.to_crs(3857).to_parquet(tmp_path / "m.parquet")
    got, _ = _outcome(tmp_path / "m.parquet", boundaries)
    assert isinstance(got, pd.DataFrame)
    np.testing.assert_allclose(shapely.get_coordinates(got.geometry.values),
                               shapely.get_coordinates(gdf.geometry.values), atol=1e-6)
    bad = gdf.copy()
    bad.loc[2, "geometry"] = shapely.LineString([(100, 25), (101, 25)])
    bad.loc[4, "geometry"] = None
    bad.to_parquet(tmp_path / "bad.parquet")
    got, _ = _outcome(tmp_path / "bad.parquet", boundaries)
    no_location = "no location: give lat+lon, a place, admin1+country or country"
    assert got == [("row 3", "geometry", "a LineString is not a point; incidents are points"),
                   ("row 3", C.LAT, no_location), ("row 5", C.LAT, no_location)]


def test_parquet_column_types_and_values(tmp_path, boundaries):
    """Typed columns are read as their text: a NaN or null cell is empty, a timestamp at
    midnight its date; a time of day, a non-whole count and a nested column are errors."""
    table = pa.table({
        C.INCIDENT_ID: pa.array(["a", "b", "c", "d"]).dictionary_encode(),
        C.DATE: pa.array([pd.Timestamp("2020-05-01"), pd.Timestamp("2020-05-01 13:30"),
                          pd.Timestamp("2020-05-02"), pd.Timestamp("2020-05-03")]),
        C.TYPE: ["arrest"] * 4,
        C.LAT: [25.05, 25.05, float("nan"), 25.05],
        C.LON: [102.7, 102.7, None, 102.7],
        C.COUNT: [3.0, 2.5, None, 4.0],
        C.COUNTRY: ["CN", "CN", "CN", "CN"],
        "flag": [True, False, None, True],
    })
    pq.write_table(table, tmp_path / "t.parquet")
    got, _ = _outcome(tmp_path / "t.parquet", boundaries)
    assert got == [
        ("row 2", C.DATE, "'2020-05-01T13:30:00' is not an ISO date; write YYYY-MM-DD, YYYY-MM "
                          "or YYYY"),
        ("row 2", C.COUNT, "'2.5' is not a count: write a whole number with the digits 0-9 only "
                           "(no sign, separator, decimals or exponent)"),
    ]
    ok = table.filter(pa.array([True, False, True, True]))
    pq.write_table(ok, tmp_path / "ok.parquet")
    out, _ = _outcome(tmp_path / "ok.parquet", boundaries)
    assert isinstance(out, pd.DataFrame)
    assert list(out[C.DATE_TEXT]) == ["2020-05-01", "2020-05-02", "2020-05-03"]
    assert list(out[C.GEO_PRECISION]) == [1, 4, 1]
    assert out[C.COUNT].tolist()[0] == 3.0 and np.isnan(out[C.COUNT].tolist()[1])
    pq.write_table(table.append_column("tags", pa.array([[1], [2], [], None])),
                   tmp_path / "nested.parquet")
    got, _ = _outcome(tmp_path / "nested.parquet", boundaries)
    assert got == [("-", "tags", "has type list<element: int64>: give text, numbers, dates "
                                 "or booleans")]


def test_not_a_parquet_file(tmp_path):
    path = tmp_path / "x.parquet"
    path.write_text("incident_id,date,type\n")
    with pytest.raises(ValidationError, match="cannot read as Parquet"):
        read_incidents(path, today=TODAY)


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 64])
@pytest.mark.parametrize("body", [
    'x,"abc"def,2020,arrest\n',
    'x,""y,2020,arrest\n',
    "x,a,2020,arrest\n\ny,b,2020,arrest\n",
    "x,a,2020,arrest\r\ny,b,2020-13,arrest\r\n",
    "x,a,2020,arrest\ry,b,2020,arrest\n",
    'x,"two\nlines",2020,arrest\ny,"say ""hi""",2020,arrest\n',
    "x,a,2020,arrest\n\r\ny,b,2020,arrest",
    "\ufeffx,caf\u00e9,2020,arrest\n",
])
def test_the_first_pass_does_not_depend_on_where_the_file_is_cut(tmp_path, monkeypatch, body,
                                                                   piece):
    """Blank lines, lone CRs and quote runs are found even when they straddle two reads."""
    from geo.io._common import _Collector

    path = tmp_path / "odd.csv"
    path.write_bytes(b"incident_id,note,date,type\n" + body.encode())
    whole = _stream.scan_csv(path, _Collector(path), None)
    monkeypatch.setattr(_stream, "SCAN_BYTES", piece)
    cut = _stream.scan_csv(path, _Collector(path), None)
    assert (cut.plain, cut.suspect, cut.header) == (whole.plain, whole.suspect, whole.header)


def test_a_huge_quoted_cell_is_one_line_before_it_is_held(tmp_path, capsys) -> None:
    """One quoted cell of 100 MB (pyarrow asked for about 8 times that) stops at the scan."""
    from geo.cli import main

    path = tmp_path / "cell.csv"
    with path.open("w") as f:
        f.write("incident_id,date,type,country,notes\nb,2020-01,arrest,CN,\n")
        f.write('a,2020-01,arrest,CN,"' + ("x" * 1000 + "\n") * 100_000 + '"\n')
    assert main(["validate", "--incidents", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:line 3: -: a row (or a quoted cell) is longer than 32 MB" in err


def test_a_very_long_line_is_one_line(tmp_path, capsys) -> None:
    from geo.cli import main

    path = tmp_path / "line.csv"
    path.write_text("incident_id,date,type,country,notes\na,2020-01,arrest,CN,"
                    + "x" * (40 << 20) + "\n")
    assert main(["validate", "--incidents", str(path)]) == 1
    assert "line 2: -: a row (or a quoted cell) is longer than 32 MB" in capsys.readouterr().err


def test_a_header_of_a_million_columns_is_one_line(tmp_path, capsys) -> None:
    from geo.cli import main

    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n"
                    + ",".join("1" for _ in range(1_000_000)) + "\n")
    assert main(["validate", "--incidents", str(path)]) == 1
    assert "the header has more than 1,000 columns" in capsys.readouterr().err


def test_long_notes_within_the_limit_still_read(tmp_path) -> None:
    from geo.io import read_incidents

    path = tmp_path / "ok.csv"
    note = ("a long note, with commas and\nline breaks " * 20_000)  # about 1 MB in one cell
    path.write_text('incident_id,date,type,country,notes\na,2020-01,arrest,CN,"' + note + '"\n')
    assert read_incidents(path)["notes"].iloc[0] == note.strip()
