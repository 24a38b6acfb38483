"""The checks that keep a command inside its output folder (see :mod:`geo._outdir`).

Names read from a manifest or a journal may have been planted, so each is checked before any
file is touched: relative, no ``..``, outside the work folder, no symbolic link on the way and
inside ``OUT`` once resolved; a file is routerisk's only while its sha256 is the one recorded
when it was written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "WORK_DIR", "file_sha256", "in_the_way", "old_set", "ours", "refused",
           "safe_name"]

#: Written last into every output folder.
MANIFEST = "build_manifest.json"
#: Hidden work folder inside ``--out`` (lock, journal, staging); gone after every command.
WORK_DIR = ".routerisk"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_name(out: Path, name: Any) -> str | None:
    """``name`` if it may be touched inside ``out``: relative, no ``..``, not in the work folder,
    no symbolic link on the way, inside ``out`` once resolved; else ``None``.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> [safe_name(out, n) for n in ("a.csv", "sub/b.js", "../x", "/etc/passwd", ".routerisk/x")]
    ['a.csv', 'sub/b.js', None, None, None]
    """
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return None
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or rel.parts[0] in (WORK_DIR, ".") \
            or rel.as_posix() != name:
        return None
    here = out
    for part in rel.parts[:-1]:
        here = here / part
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            return None
    try:
        inside = (out / rel).resolve(strict=False).is_relative_to(out.resolve())
    except (OSError, RuntimeError):
        return None
    return name if inside else None


def recorded(out: Path) -> dict[str, str]:
    """Files the previous command's manifest lists (safe names only) → recorded sha256."""
    manifest = out / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return {}
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        files = doc.get("files", []) if isinstance(doc, dict) else []
        recorded = {f["name"]: f["sha256"] for f in files
                    if isinstance(f, dict) and isinstance(f.get("sha256"), str)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    safe = {n: h for n, h in recorded.items() if safe_name(out, n) == n}
    safe[MANIFEST] = file_sha256(manifest)
    return safe


def ours(out: Path, name: str, sha256: str | None) -> bool:
    """Whether ``out/name`` is a regular file with the content routerisk recorded."""
    path = out / name
    if sha256 is None or path.is_symlink() or not path.is_file():
        return False
    try:
        return file_sha256(path) == sha256
    except OSError:
        return False


def old_set(out: Path) -> list[dict[str, str]]:
    """Files of the previous command that are still as it wrote them: ``[{name, sha256}]``."""
    return [{"name": n, "sha256": h} for n, h in sorted(recorded(out).items())
            if ours(out, n, h)]


def in_the_way(out: Path, new: list[str], old: list[dict[str, str]]) -> list[str]:
    """New output names whose place holds something routerisk did not write (or was changed)."""
    ours = {o["name"] for o in old}
    blocked = []
    for name in new:
        path = out / name
        if name in ours or not (path.exists() or path.is_symlink()):
            continue
        blocked.append(name)
    return blocked


def refused(out: Path) -> str | None:
    """Why ``out`` may never be an output folder (the root, the home folder, a parent of the
    current folder), or ``None``."""
    try:
        real = out.resolve(strict=False)
        cwd = Path.cwd().resolve()
        home = Path.home().resolve()
    except (OSError, RuntimeError):
        return None
    if real == Path(real.anchor):
        return "is the root folder; give a folder of its own for the outputs"
    if real == home:
        return "is your home folder; give a folder of its own for the outputs"
    if real != cwd and cwd.is_relative_to(real):
        return "contains the current folder; give a folder of its own for the outputs"
    return None
