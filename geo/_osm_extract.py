"""Read OSM extracts with pyosmium, keeping only the ways a corridor's bounding box needs.

PBF (``.osm.pbf``) and XML (``.osm``, ``.osm.gz``, ``.osm.bz2``) are read by libosmium through
pyosmium, in two passes. Node coordinates stay in libosmium's location cache (no Python object a
node); only road and rail ways (``highway``/``railway`` tags, filtered in C++) reach Python. Pass
1 has libosmium draw each of them as a line and tests the lines against the box with shapely;
pass 2 lets only the ways that touch the box through (an id filter in C++) and keeps them,
complete, with their coordinates. They are written as a small OSM XML file that osmnx turns into
a graph (:mod:`geo.network`).

Before anything is parsed, the size the input decompresses to is checked against a cap: a few KB
of ``.bz2`` can expand to gigabytes.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from geo._errors import RouteriskError

__all__ = ["Extract", "check_size", "decompressed_mb", "extract_bbox", "osm_format"]

log = logging.getLogger(__name__)

NETWORK_KEYS = ("highway", "railway")
_CHUNK = 1 << 20
_MB = 1024 * 1024


def osm_format(path: Path) -> tuple[str, str]:
    """``(format, compression)`` of an OSM file from its name: ``("pbf", "")``, ``("xml",
    "bz2")`` …; unknown names are read as XML.

    >>> osm_format(Path("china-latest.osm.pbf"))
    ('pbf', '')
    >>> osm_format(Path("x.osm.bz2"))
    ('xml', 'bz2')
    """
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".pbf":
        return "pbf", ""
    if suffixes and suffixes[-1] in {".gz", ".bz2"}:
        return "xml", suffixes[-1][1:]
    return "xml", ""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7


def _pbf_fields(buf: bytes) -> dict[int, int | bytes]:
    """Top-level fields of a protobuf message: varints as ints, length-delimited as bytes."""
    out: dict[int, int | bytes] = {}
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            out[field], pos = _varint(buf, pos)
        elif wire == 2:
            size, pos = _varint(buf, pos)
            out[field] = buf[pos:pos + size]
            pos += size
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return out


#: libosmium refuses a PBF blob that decompresses to more than this (the format's limit).
_MAX_BLOB = 32 * _MB


def _inflated(data: bytes, kind: int, cap: int) -> int:
    """Bytes ``data`` decompresses to (zlib field 3, lzma field 4), counted in 1 MB steps and
    never more than ``cap`` + 1 MB held: a blob's declared ``raw_size`` can lie."""
    import lzma
    import zlib

    unpack: Any = zlib.decompressobj() if kind == 3 else lzma.LZMADecompressor()
    total = 0
    pending = data
    while total <= cap:
        if kind == 3:
            out = unpack.decompress(pending, _CHUNK)
            pending = unpack.unconsumed_tail
            done = not pending and not out
        else:
            out = unpack.decompress(pending, max_length=_CHUNK)
            pending = b""
            done = unpack.eof or (not out and unpack.needs_input)
        total += len(out)
        if done:
            break
    return total


def _blob_bytes(blob: bytes, cap: int) -> int:
    """Uncompressed size of one PBF Blob: raw data as is, zlib/lzma decompressed and counted,
    other codecs by their declared ``raw_size`` (at most the format's 32 MiB a blob)."""
    fields = _pbf_fields(blob)
    if isinstance(fields.get(1), bytes):
        return len(fields[1])  # type: ignore[arg-type]
    for kind in (3, 4):
        if isinstance(fields.get(kind), bytes):
            return _inflated(fields[kind], kind, min(cap, _MAX_BLOB))  # type: ignore[arg-type]
    declared = fields.get(2, 0)
    return min(int(declared) if isinstance(declared, int) else 0, _MAX_BLOB) or len(blob)


def _pbf_raw_bytes(path: Path, cap: int) -> int:
    """Sum of the uncompressed sizes of a PBF file's blocks, each decompressed and counted
    (nothing kept; stops past ``cap``)."""
    total = 0
    with path.open("rb") as f:
        while total <= cap:
            head = f.read(4)
            if not head:
                return total
            if len(head) < 4:
                raise ValueError("truncated block header length")
            (size,) = struct.unpack(">I", head)
            if size > 64 * 1024:
                raise ValueError("block header too large")
            header = _pbf_fields(f.read(size))
            datasize = int(header.get(3, 0))  # BlobHeader.datasize
            if datasize > _MAX_BLOB:
                raise ValueError(f"a block of {datasize} bytes is larger than the format allows")
            blob = f.read(datasize)
            if len(blob) < datasize:
                raise ValueError("truncated block")
            total += _blob_bytes(blob, cap - total + 1)
    return total


def _stream_bytes(path: Path, compression: str, cap: int) -> int:
    total = 0
    with (gzip.open(path, "rb") if compression == "gz" else bz2.open(path, "rb")) as f:
        while total <= cap:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
    return total


def decompressed_mb(path: Path, *, cap_mb: float) -> float:
    """Size in MB that ``path`` decompresses to, counted up to just past ``cap_mb``.

    Plain XML: the file size; ``.gz``/``.bz2``: decompressed in a stream, nothing kept; PBF:
    every block decompressed in a stream and counted (the sizes a file declares can lie).
    """
    fmt, compression = osm_format(path)
    cap = int(cap_mb * _MB)
    if fmt == "pbf":
        return _pbf_raw_bytes(path, cap) / _MB
    if compression:
        return _stream_bytes(path, compression, cap) / _MB
    return path.stat().st_size / _MB


def check_size(path: Path, *, max_mb: float, flag: str = "--max-osm-mb") -> None:
    """Refuse an extract that decompresses to more than ``max_mb`` MB, naming the flag."""
    try:
        size = decompressed_mb(path, cap_mb=max_mb)
    except (OSError, EOFError, ValueError) as exc:
        kind = "PBF" if osm_format(path)[0] == "pbf" else "OSM XML"
        raise RouteriskError(f"not readable as {kind}: {exc}", file=str(path)) from None
    if size > max_mb:
        raise RouteriskError(
            f"the extract decompresses to more than {max_mb:g} MB (the cap); cut a smaller "
            f"extract (osmium extract -b …) or raise the cap with {flag}", file=str(path))


@dataclass
class Extract:
    """What :func:`extract_bbox` kept."""

    ways: int
    nodes: int
    ways_seen: int


def _ways_in_box(path: Path, bbox: tuple[float, float, float, float], storage: str
                 ) -> tuple[set[int], int]:
    """Pass 1: ids of the road/rail ways with a vertex in ``bbox``, and how many were seen.

    libosmium builds each way's line from its location cache (one call a way, no Python object
    a node); shapely tests them against the box in batches.
    """
    import osmium
    import shapely

    box = shapely.box(*bbox)
    factory = osmium.geom.WKBFactory()
    kept: set[int] = set()
    ids: list[int] = []
    wkbs: list[str] = []
    seen = 0

    def flush() -> None:
        if ids:
            hit = shapely.intersects(shapely.from_wkb(wkbs), box)
            kept.update(i for i, h in zip(ids, hit.tolist(), strict=True) if h)
            ids.clear()
            wkbs.clear()

    for way in _road_ways(path, storage):
        seen += 1
        try:
            wkbs.append(factory.create_linestring(way))
        except RuntimeError:  # fewer than two distinct points: no edge to follow
            continue
        ids.append(way.id)
        if len(ids) >= 50_000:
            flush()
    flush()
    return kept, seen


def _road_ways(path: Path, storage: str, ids: set[int] | None = None) -> Iterator[Any]:
    """The ways tagged highway/railway (filtered in C++), with node locations."""
    import osmium

    proc = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations(storage)
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter(*NETWORK_KEYS)))
    if ids is not None:
        proc = proc.with_filter(osmium.filter.IdFilter(ids))
    for way in proc:
        if isinstance(way, osmium.osm.Way):
            yield way


def extract_bbox(path: Path, bbox: tuple[float, float, float, float], out: Path, *,
                 storage: str = "flex_mem") -> Extract:
    """Write the road and rail ways of ``path`` that have a vertex in ``bbox`` (west, south,
    east, north; degrees) to ``out`` as OSM XML, complete, with their nodes.

    Parameters
    ----------
    path
        OSM PBF or XML (optionally ``.gz``/``.bz2``).
    storage
        libosmium's node location cache (``"flex_mem"``; ``"dense_file_array,FILE"`` keeps it
        on disk for very large extracts).

    Raises
    ------
    RouteriskError
        The file is not OSM data, or a kept way refers to a node the file does not hold.
    """
    import osmium

    fmt = "PBF" if osm_format(path)[0] == "pbf" else "OSM XML"
    nodes: dict[int, tuple[float, float]] = {}
    try:
        wanted, seen = _ways_in_box(path, bbox, storage)
        ways: list[str] = []
        for way in _road_ways(path, storage, wanted) if wanted else ():
            refs = [(n.ref, n.lon, n.lat) for n in way.nodes]
            for ref, lon, lat in refs:
                nodes[ref] = (lon, lat)
            tags = "".join(f"<tag k={quoteattr(t.k)} v={quoteattr(t.v)}/>" for t in way.tags)
            nds = "".join(f'<nd ref="{r[0]}"/>' for r in refs)
            ways.append(f'<way id="{way.id}">{nds}{tags}</way>\n')
    except osmium.InvalidLocationError:
        raise RouteriskError(
            "ways refer to nodes the file does not hold (a clipped extract?); cut extracts "
            "with complete ways (osmium extract --strategy complete_ways)",
            file=str(path)) from None
    except RuntimeError as exc:
        raise RouteriskError(f"not readable as {fmt}: {exc}", file=str(path)) from None
    with out.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" '
                'generator="routerisk">\n')
        f.writelines(f'<node id="{i}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n'
                     for i, (lon, lat) in sorted(nodes.items()))
        f.writelines(ways)
        f.write("</osm>\n")
    kept = len(ways)
    log.info("%s: kept %d of %d road/rail ways (%d nodes) in %s", path.name, kept, seen,
             len(nodes), bbox)
    return Extract(ways=kept, nodes=len(nodes), ways_seen=seen)
