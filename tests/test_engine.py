"""The dask engine gives the local engine's results (a 2-worker LocalCluster, in-process)."""

from __future__ import annotations

import numpy as np
import pytest

from geo import columns as C
from geo._errors import UsageError
from geo.engine import risk_field
from geo.risk import band_timeline, incident_fate, load_model, score_segments
from geo.segment import segment_corridors
from tests._factories import AS_OF, BENT, UNITS, incident, incidents

MODEL = load_model()
RNG = np.random.default_rng(3)
SEGMENTS = segment_corridors(BENT, UNITS, max_km=10)
ROWS = incidents([
    incident(f"r{k}", lon=float(x), lat=float(y), itype=str(t), date_text=f"2020-0{1 + k % 5}")
    for k, (x, y, t) in enumerate(zip(RNG.uniform(-0.5, 3.5, 80), RNG.uniform(-0.8, 0.8, 80),
                                      RNG.choice(["arrest", "crackdown", "checkpoint"], 80),
                                      strict=True))
] + [incident("a1", admin1="East", country="AA", date_text="2020-01"),
     incident("far", lon=60.0, lat=50.0, date_text="2020-02")])


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


def _outputs(field):  # type: ignore[no-untyped-def]
    scored = score_segments(SEGMENTS, ROWS, as_of=AS_OF, model=MODEL, field=field)
    fate = incident_fate(SEGMENTS, ROWS, as_of=AS_OF, model=MODEL, field=field)
    timeline = band_timeline(SEGMENTS, ROWS, dates=[AS_OF.replace(month=3), AS_OF], model=MODEL,
                             field=field)
    return scored, fate, timeline


def test_dask_engine_equals_local(client) -> None:  # type: ignore[no-untyped-def]
    local = _outputs(risk_field(SEGMENTS, ROWS, model=MODEL))
    # more partitions than workers: segments and halos really are split
    remote = _outputs(risk_field(SEGMENTS, ROWS, model=MODEL, engine="dask", scheduler=client,
                                 partitions=5))
    np.testing.assert_allclose(remote[0][C.RISK_DENSITY], local[0][C.RISK_DENSITY],
                               rtol=1e-9, atol=0)
    assert local[0][C.RISK_DENSITY].gt(0).sum() > 20
    assert remote[0][C.RISK_BAND].tolist() == local[0][C.RISK_BAND].tolist()
    assert remote[0][C.TOP_INCIDENTS].tolist() == local[0][C.TOP_INCIDENTS].tolist()
    assert remote[1][C.STATUS].tolist() == local[1][C.STATUS].tolist()
    assert remote[2].equals(local[2])
    assert len(client.scheduler_info()["workers"]) == 2


def test_unknown_engine_and_stray_scheduler_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown engine 'spark'") as info:
        risk_field(SEGMENTS, ROWS, model=MODEL, engine="spark")
    assert info.value.problem.field == "engine"
    with pytest.raises(UsageError, match="needs engine='dask'") as info:
        risk_field(SEGMENTS, ROWS, model=MODEL, scheduler="tcp://127.0.0.1:8786")
    assert str(info.value) == "scheduler: a scheduler needs engine='dask'"


def _write_layers(folder):  # type: ignore[no-untyped-def]
    folder.mkdir()
    UNITS.to_file(folder / "boundaries.geojson", driver="GeoJSON")
    BENT.to_file(folder / "corridors.geojson", driver="GeoJSON")
    lines = ["incident_id,date,type,lat,lon,admin1,country"]
    lines += [f"p{k},2020-0{1 + k % 5}-15,{t},{y:.4f},{x:.4f},," for k, (x, y, t) in enumerate(
        zip(RNG.uniform(-0.5, 3.5, 40), RNG.uniform(-0.8, 0.8, 40),
            RNG.choice(["arrest", "crackdown"], 40), strict=True))]
    lines.append("c1,2020-02,crackdown,,,East,AA")
    (folder / "incidents.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_cli_build_on_dask_writes_what_local_writes(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import geopandas as gpd

    from geo.cli import main

    layers = str(_write_layers(tmp_path / "layers"))
    common = ["build", "--layers", layers, "--formats", "", "--quiet"]
    assert main([*common, "--out", str(tmp_path / "local")]) == 0
    assert main([*common, "--geoparquet", "--engine", "dask", "--scheduler",
                 client.scheduler.address, "--out", str(tmp_path / "dask")]) == 0
    for name in ("segments.geojson", "routes.csv", "incidents_fate.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    table = gpd.read_parquet(tmp_path / "dask" / "segments.parquet")
    geojson = gpd.read_file(tmp_path / "local" / "segments.geojson")
    assert table.crs.to_epsg() == 4326
    assert table[C.SEGMENT_ID].tolist() == geojson[C.SEGMENT_ID].tolist()
    assert geojson[C.RISK_DENSITY].gt(0).sum() > 5
    np.testing.assert_allclose(table[C.RISK_DENSITY], geojson[C.RISK_DENSITY], rtol=1e-9)


@pytest.mark.parametrize("address", ["10.0.0.5", "tcp://host", "tcp://127.0.0.1:notaport",
                                     "http://x:1", "tcp://127.0.0.1:99999"])
def test_a_malformed_scheduler_address_is_one_usage_line(address, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from geo.cli import main

    layers = str(_write_layers(tmp_path / "layers"))
    rc = main(["build", "--layers", layers, "--formats", "", "--engine", "dask",
               "--scheduler", address, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "is not a scheduler address" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_scheduler_that_never_answers_stops_within_the_deadline(tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                                  monkeypatch) -> None:
    import socket
    import threading
    import time

    from geo import settings
    from geo.cli import main

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:  # accepts every connection and never says a word
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setattr(settings, "DASK_CONNECT_TIMEOUT", 3.0)
    layers = str(_write_layers(tmp_path / "layers"))
    started = time.monotonic()
    try:
        rc = main(["build", "--layers", layers, "--formats", "", "--engine", "dask",
                   "--scheduler", f"tcp://127.0.0.1:{server.getsockname()[1]}",
                   "--out", str(tmp_path / "out")])
    finally:
        server.close()
        for conn in held:
            conn.close()
    took = time.monotonic() - started
    err = capsys.readouterr().err
    assert rc == 1 and took < 60, (rc, took)
    assert "cannot reach the dask scheduler" in err and "within 3 s" in err
    assert "Traceback" not in err
    assert held  # it did connect: the hang was in the handshake
