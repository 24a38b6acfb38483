"""The public incident ids of :mod:`geo.publish`: the secret key, the HMAC rule, the id map.

Re-exported by :mod:`geo.publish` (``geo.publish.public_id`` …), where they are documented.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from geo import columns as C
from geo import settings
from geo._errors import UsageError
from geo._files import read_small_text

__all__ = ["default_key_file", "id_map", "load_id_key", "public_id", "public_ids"]

log = logging.getLogger("geo.publish")

_KEY_HEX = re.compile(r"^[0-9a-f]{64}$")


def public_id(original: str, *, key: bytes) -> str:
    """The opaque public id of an incident, stable for one key and unguessable without it.

    Parameters
    ----------
    original
        The incident's own id.
    key
        Secret key.

    Returns
    -------
    str
        ``inc-`` and the first 16 hex digits of HMAC-SHA256(``key``, ``original`` as UTF-8).

    Examples
    --------
    >>> public_id("KMG-ARREST-2024-08", key=bytes(32))
    'inc-869f8f774787fdaf'
    """
    return public_ids([original], key=key)[0]


def public_ids(originals: Iterable[object], *, key: bytes) -> list[str]:
    """:func:`public_id` of each id (the one implementation of the rule).

    Parameters
    ----------
    originals
        The incidents' own ids.
    key
        Secret key.

    Returns
    -------
    list of str
        The public ids, in order.

    Examples
    --------
    >>> public_ids(["KMG-ARREST-2024-08"], key=bytes(32))
    ['inc-869f8f774787fdaf']
    """
    digest = hmac.digest  # one HMAC per incident, up to millions: no call per id beyond it
    return ["inc-" + digest(key, str(v).encode("utf-8"), "sha256").hex()[:16] for v in originals]


def default_key_file() -> Path:
    """Where the public-id key lives unless told.

    :data:`geo.settings.PUBLIC_ID_KEY_FILE`, else ``$XDG_CONFIG_HOME/routerisk/public-id.key``
    (``~/.config/routerisk/public-id.key``).

    Returns
    -------
    Path
        The key file (it may not exist yet).

    Examples
    --------
    >>> default_key_file().name
    'public-id.key'
"""
    if settings.PUBLIC_ID_KEY_FILE:
        return Path(settings.PUBLIC_ID_KEY_FILE).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "routerisk" / "public-id.key"


def load_id_key(path: Path | str | None = None) -> tuple[bytes, Path]:
    """The secret key of public ids and the file it is kept in.

    The file holds 64 hex digits (32 random bytes). When it does not exist it is created
    (mode 0600) with a new random key, and a warning says where: keep that file, outside every
    output folder, to keep public ids stable from one release to the next.

    Parameters
    ----------
    path
        The key file; default :func:`default_key_file`.

    Returns
    -------
    tuple
        ``(key bytes, the file)``.

    Raises
    ------
    UsageError
        The file exists but is not a key, or cannot be read or created (the message names it).

    Examples
    --------
    >>> import tempfile
    >>> key_file = Path(tempfile.mkdtemp()) / "public-id.key"
    >>> _ = key_file.write_text(bytes(range(32)).hex())
    >>> load_id_key(key_file) == (bytes(range(32)), key_file)
    True
    """
    file = Path(path).expanduser() if path else default_key_file()
    try:
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            log.warning("created a new key for public incident ids in %s; keep it (outside the "
                        "output folders) to keep public ids stable across releases", file)
        text = read_small_text(file, encoding="latin-1", limit=4096).strip().lower()
    except OSError as exc:
        raise UsageError(f"{file}: cannot read or create the public-id key: "
                         f"{exc.strerror or exc}", field="id_key") from None
    except ValueError as exc:  # a FIFO, a device, a large file
        raise UsageError(f"{file}: not a routerisk public-id key: {exc}",
                         field="id_key") from None
    if not _KEY_HEX.match(text):
        raise UsageError(f"{file}: not a routerisk public-id key (64 hex digits on one line)",
                         field="id_key")
    key = bytes.fromhex(text)
    if len(set(key)) < 8:  # all zeros, one byte repeated, a short pattern: guessable
        raise UsageError(f"{file}: the public-id key is not random (a repeated pattern); "
                         "delete the file and routerisk makes a new random one",
                         field="id_key")
    with contextlib.suppress(OSError):
        if file.stat().st_mode & 0o077:
            log.warning("%s: the public-id key can be read by other users of this machine "
                        "(mode %o); make it private: chmod 600 %s", file,
                        file.stat().st_mode & 0o777, file)
    return key, file


def id_map(incidents: pd.DataFrame, *, key: bytes) -> pd.DataFrame:
    """Original id → public id for every incident (for the organisation's own use).

    Parameters
    ----------
    incidents
        Incidents with ``incident_id`` and ``visibility``.
    key
        Secret key of the public ids.

    Returns
    -------
    pandas.DataFrame
        ``incident_id``, ``public_id``, ``visibility``.

    Examples
    --------
    >>> print(id_map(pd.DataFrame({"incident_id": ["a"], "visibility": ["public"]}),
    ...              key=bytes(32)).to_csv(index=False).strip())
    incident_id,public_id,visibility
    a,inc-9615a95d4a336118,public
    """
    ids = [str(v) for v in incidents[C.INCIDENT_ID]]
    return pd.DataFrame({C.INCIDENT_ID: ids, "public_id": public_ids(ids, key=key),
                         C.VISIBILITY: [str(v) for v in incidents[C.VISIBILITY]]})
