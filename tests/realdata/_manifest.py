"""The real-file corpus: ``manifest.toml`` read, and where each file is on this machine.

Committed excerpts are in ``files/``; the whole files (and every GADM, ACLED and IOM file, which
are never committed) are looked up in the cache folder ``ROUTERISK_REALDATA``, by default
``$XDG_CACHE_HOME/routerisk/realdata`` (``~/.cache/routerisk/realdata``), at the entry's
``cache`` path. A cached file whose sha256 differs from the manifest's is not used.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.toml"


def cache_dir() -> Path:
    """The folder of the real files: ``ROUTERISK_REALDATA``, else the user cache folder."""
    if os.environ.get("ROUTERISK_REALDATA"):
        return Path(os.environ["ROUTERISK_REALDATA"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routerisk" / "realdata"


@cache
def manifest() -> dict[str, Any]:
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))


def files() -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in manifest()["file"]}


def cases() -> list[dict[str, Any]]:
    return list(manifest()["case"])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Located:
    """A file of the manifest on this machine, or why it is not here."""

    entry: dict[str, Any]
    path: Path | None
    missing: str = ""


def committed(entry: dict[str, Any]) -> Path | None:
    """The committed excerpt (or whole file) of an entry, if there is one."""
    excerpt = entry.get("excerpt")
    return HERE / excerpt["file"] if excerpt else None


def locate(file_id: str, *, whole: bool = False) -> Located:
    """The committed excerpt, or (``whole``, or nothing committed) the cached whole file."""
    entry = files()[file_id]
    mine = committed(entry)
    if mine is not None and not whole:
        return Located(entry, mine)
    path = cache_dir() / entry["cache"]
    if not path.exists():
        return Located(entry, None, f"{file_id}: {path} is absent (from {entry['repo']} "
                                    f"{entry['path']} @ {entry['commit'][:12]})")
    found = sha256(path)
    if found != entry["sha256"]:
        return Located(entry, None, f"{file_id}: {path} has sha256 {found[:12]}…, not the "
                                    f"manifest's {entry['sha256'][:12]}…")
    return Located(entry, path)
