"""OSM PBF extracts, the decompression cap, the box filter, and checks before any parsing."""

from __future__ import annotations

import bz2
import os
from pathlib import Path

import pytest
import shapely

from geo import cli
from geo import columns as C
from geo._errors import PlaceError, RouteriskError
from geo._osm_extract import check_size, decompressed_mb, extract_bbox, osm_format
from geo.export import write_geojson
from geo.io import read_corridors
from geo.network import corridor_from_osm, load_network

DATA = Path(__file__).parent / "data"
XML = DATA / "tiny_network.osm"
# tiny_network.osm written as PBF by libosmium (pyosmium's SimpleWriter), see data/README.md
PBF = DATA / "tiny_network.osm.pbf"
VIA = "40.000,120.000;40.001,120.032;40.012,120.030"


def nodes_of(corridor) -> list[tuple[float, float]]:
    return [tuple(xy) for xy in shapely.get_coordinates(corridor.geometry.iloc[0]).tolist()]


def test_a_pbf_extract_gives_the_same_corridor_as_its_xml():
    via = VIA.split(";")
    from_pbf = corridor_from_osm(PBF, via, corridor_id="P", route="r")
    from_xml = corridor_from_osm(XML, via, corridor_id="P", route="r")
    assert nodes_of(from_pbf) == nodes_of(from_xml)
    assert nodes_of(from_pbf)[0] == (120.0, 40.0) and nodes_of(from_pbf)[-1] == (120.03, 40.012)
    assert from_pbf[C.SOURCE].iat[0] == ("OSM extract tiny_network.osm.pbf (© OpenStreetMap "
                                         "contributors, ODbL)")


def test_load_network_reads_pbf_with_every_way_of_the_type():
    pbf, xml = load_network(PBF), load_network(XML)
    assert sorted(pbf.nodes) == sorted(xml.nodes)
    assert sorted(pbf.edges(keys=False)) == sorted(xml.edges(keys=False))
    rail = load_network(PBF, network_type="rail")
    assert sorted(rail.nodes) == [20, 21, 22]


def test_the_box_keeps_only_ways_with_a_vertex_inside(tmp_path):
    out = tmp_path / "small.osm"
    # a box around node 40-41's tertiary road only (lon 120.1–120.11)
    kept = extract_bbox(PBF, (120.095, 39.995, 120.115, 40.005), out)
    assert (kept.ways, kept.nodes) == (1, 2)
    assert kept.ways_seen == 7  # every road/rail way was looked at (nodes only in C++)
    text = out.read_text(encoding="utf-8")
    assert '<way id="' in text and 'v="tertiary"' in text and 'v="primary"' not in text
    # a way crossing the box edge is kept complete (all its nodes, also those outside)
    kept = extract_bbox(PBF, (119.995, 39.995, 120.005, 40.005), out)
    text = out.read_text(encoding="utf-8")
    assert '<node id="3"' in text  # the far end of way 1-2-3


def test_a_corridor_beyond_the_margin_is_cut_off_clearly():
    with pytest.raises(RouteriskError, match="no path along the network"):
        # 40-41 is 6 km east of node 3; with no margin the box of these waypoints ends at them
        corridor_from_osm(PBF, ["40.0,120.0", "40.0,120.11"], corridor_id="x", route="r",
                          margin_km=0.0, max_snap_km=1.0)


def test_a_box_with_no_ways_says_so():
    with pytest.raises(RouteriskError, match=r"no road or rail ways in the box") as err:
        load_network(PBF, bbox=(10.0, 10.0, 10.1, 10.1))
    assert err.value.problem.file == str(PBF)


@pytest.mark.parametrize("name", ["x.osm.pbf", "x.pbf"])
def test_garbage_pbf_is_not_readable(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf file at all" * 3)
    with pytest.raises(RouteriskError, match="not readable as PBF") as err:
        load_network(path)
    assert err.value.problem.file == str(path)


def test_osm_format_from_the_name():
    assert osm_format(Path("a.osm.pbf")) == ("pbf", "")
    assert osm_format(Path("a.OSM.GZ")) == ("xml", "gz")
    assert osm_format(Path("a.osm")) == ("xml", "")


# --------------------------------------------------------------------------- the cap


@pytest.fixture
def bomb(tmp_path) -> Path:
    """A valid .osm.bz2 of a few KB that expands to about 6 MB (a long XML comment)."""
    text = XML.read_text(encoding="utf-8").replace(
        "<osm ", "<!--" + " " * (6 * 1024 * 1024) + "-->\n<osm ", 1)
    path = tmp_path / "bomb.osm.bz2"
    path.write_bytes(bz2.compress(text.encode("utf-8")))
    assert path.stat().st_size < 10_000
    return path


def test_decompressed_sizes_are_measured_without_keeping_the_data(bomb):
    assert decompressed_mb(bomb, cap_mb=100) == pytest.approx(6.0, abs=0.01)
    assert decompressed_mb(bomb, cap_mb=1) <= 2  # stops one 1 MB chunk past the cap
    assert decompressed_mb(XML, cap_mb=1) == XML.stat().st_size / 2**20
    raw = decompressed_mb(PBF, cap_mb=1) * 2**20  # from the PBF block headers
    assert PBF.stat().st_size < raw < 10 * XML.stat().st_size


def test_the_cap_names_itself_and_the_flag(bomb):
    with pytest.raises(RouteriskError) as err:
        check_size(bomb, max_mb=5)
    assert str(err.value) == (
        f"{bomb}:-: -: the extract decompresses to more than 5 MB (the cap); cut a smaller "
        "extract (osmium extract -b …) or raise the cap with --max-osm-mb")
    check_size(bomb, max_mb=7)  # within the cap
    with pytest.raises(RouteriskError, match=r"more than 0\.0001 MB"):
        load_network(PBF, max_mb=0.0001)


def test_cli_refuses_a_bomb_and_accepts_it_with_a_raised_cap(bomb, tmp_path, capsys):
    into = tmp_path / "c.geojson"
    args = ["corridor", "--osm", str(bomb), "--via", VIA, "--id", "B", "--route", "r",
            "--into", str(into)]
    assert cli.main([*args, "--max-osm-mb", "5"]) == 1
    err = capsys.readouterr().err
    assert "more than 5 MB (the cap)" in err and "--max-osm-mb" in err
    assert not into.exists()
    assert cli.main([*args, "--max-osm-mb", "8"]) == 0
    assert read_corridors(into)[C.CORRIDOR_ID].tolist() == ["B"]


def test_cli_builds_a_corridor_from_a_pbf(tmp_path, capsys):
    into = tmp_path / "corridors.geojson"
    assert cli.main(["corridor", "--osm", str(PBF), "--via", VIA, "--id", "PBF-1", "--route",
                     "Test", "--into", str(into)]) == 0
    assert capsys.readouterr().out.startswith("appended corridor PBF-1 (")
    assert read_corridors(into)[C.CORRIDOR_ID].tolist() == ["PBF-1"]


# --------------------------------------------------------------------------- checks first


@pytest.fixture
def never_parsed(monkeypatch):
    """Fail the test if the extract is parsed or measured at all."""
    import geo.network

    def boom(*args, **kwargs):
        raise AssertionError("the extract was read before the cheap checks")

    monkeypatch.setattr(geo.network, "extract_bbox", boom)
    monkeypatch.setattr(geo.network, "check_size", boom)


def test_an_unknown_place_fails_before_the_extract_is_read(never_parsed):
    with pytest.raises(PlaceError, match="not found"):
        corridor_from_osm(PBF, ["Xqzzyvtown", "40.0,120.0"], corridor_id="x", route="r")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("duplicate", "corridor id 'OLD' is already in the file"),
        ("invalid", "route"),
        ("not-geojson", "only be appended to a GeoJSON file"),
        ("no-folder", "does not exist"),
        ("read-only", "not writable"),
        ("unknown-place", "not found"),
    ],
)
def test_cli_checks_waypoints_id_and_target_before_the_extract(tmp_path, capsys, never_parsed,
                                                               monkeypatch, setup, message):
    into = tmp_path / "corridors.geojson"
    via = VIA
    if setup == "duplicate":
        write_geojson(read_corridors(_one_corridor(tmp_path)), into)
    elif setup == "invalid":
        into.write_text('{"type":"FeatureCollection","features":[{"type":"Feature",'
                        '"properties":{"corridor_id":"A"},"geometry":{"type":"LineString",'
                        '"coordinates":[[0,0],[1,1]]}}]}', encoding="utf-8")
    elif setup == "not-geojson":
        into = tmp_path / "corridors.gpkg"
    elif setup == "no-folder":
        into = tmp_path / "missing" / "corridors.geojson"
    elif setup == "read-only":
        # (tests may run as root, who may write anywhere: the permission answer is simulated)
        real = os.access
        monkeypatch.setattr("geo.cli.corridor.os.access",
                            lambda p, mode: False if Path(p) == tmp_path else real(p, mode))
    elif setup == "unknown-place":
        via = "Xqzzyvtown;40.0,120.0"
    code = cli.main(["corridor", "--osm", str(PBF), "--via", via, "--id", "OLD", "--route",
                     "r", "--into", str(into)])
    assert code == 1
    assert message in capsys.readouterr().err


def _one_corridor(tmp_path: Path) -> Path:
    path = tmp_path / "old.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    '{"corridor_id":"OLD","route":"r"},"geometry":{"type":"LineString",'
                    '"coordinates":[[0,0],[1,1]]}}]}', encoding="utf-8")
    return path


def test_a_pbf_way_with_missing_nodes_fails_clearly(tmp_path):
    import osmium
    from osmium.osm import mutable

    path = tmp_path / "clipped.osm.pbf"
    with osmium.SimpleWriter(str(path)) as w:
        w.add_node(mutable.Node(id=1, location=(120.0, 40.0)))
        w.add_node(mutable.Node(id=2, location=(120.01, 40.0)))
        w.add_way(mutable.Way(id=9, nodes=[1, 2, 3], tags={"highway": "primary"}))
    with pytest.raises(RouteriskError, match="ways refer to nodes the file does not hold"):
        load_network(path)


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _varint_bytes(number << 3) + _varint_bytes(payload)
    return _varint_bytes(number << 3 | 2) + _varint_bytes(len(payload)) + payload


def test_a_pbf_whose_blob_lies_about_its_size_is_measured_by_decompressing(tmp_path):
    """zlib_data before raw_size, and raw_size declaring 100 bytes: the header alone says the
    file is tiny, the data inflates to 20 MB (the earlier check read the compressed length)."""
    import struct
    import zlib

    data = zlib.compress(bytes(20 * 2**20), 9)
    blob = _field(3, data) + _field(2, 100)
    header = _field(1, b"OSMData") + _field(3, len(blob))
    path = tmp_path / "liar.osm.pbf"
    path.write_bytes(struct.pack(">I", len(header)) + header + blob)
    assert path.stat().st_size < 100_000
    assert decompressed_mb(path, cap_mb=100) == pytest.approx(20.0, abs=0.01)
    with pytest.raises(RouteriskError, match=r"more than 1 MB \(the cap\)"):
        check_size(path, max_mb=1)
    with pytest.raises(RouteriskError, match=r"more than 1 MB \(the cap\)"):
        load_network(path, max_mb=1)


def test_the_default_osm_cap_leaves_room_for_memory():
    from geo import settings

    cap = settings.osm_max_mb()
    memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    assert cap <= 2048 and cap * 11 < memory_mb  # reading takes about 11x the data
