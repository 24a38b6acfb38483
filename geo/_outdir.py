"""A command owns its output folder: the complete new set of files or the complete old one.

Every command that writes a folder (``build``, ``compare``, ``route``) goes through
:func:`owned_output`:

1. **Lock.** ``OUT/.routerisk/lock`` is created exclusively and holds the writer's pid. A second
   command into the same folder fails at once; a lock whose process is gone is stale and taken
   over (after recovering what that process left).
2. **Stage.** Everything is written into ``OUT/.routerisk/new/`` (inside ``--out``, so a mount
   point works and nothing ever appears beside it), then ``build_manifest.json`` (every file
   with its sha256, plus what the command says about itself) is written there last.
3. **Commit.** ``OUT/.routerisk/journal.json`` lists the old set (the files of the previous
   manifest, or the known output names of older versions) and the new set. Writing it (one
   atomic rename) is the commit point.
4. **Apply** (idempotent): remove the old ``build_manifest.json``, remove old files that are not
   in the new set, move each staged file into place (``build_manifest.json`` last), delete the
   journal, the staging folder and the lock.

An interrupted command is recovered by the next one that opens the folder: without a journal the
staging folder is deleted (the old set was never touched); with one, step 4 is run to the end
(the staged files are all there until moved). Either way the folder ends as one complete set.
Files that no routerisk command wrote (a README, notes of your own) are never touched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._version import __version__

__all__ = [
    "LEGACY_NAMES",
    "MANIFEST",
    "WORK_DIR",
    "OutputError",
    "Staging",
    "build_info",
    "owned_output",
    "recover",
    "settle",
]

#: Written last into every output folder.
MANIFEST = "build_manifest.json"
#: Hidden work folder inside ``--out`` (lock, journal, staging); gone after every command.
WORK_DIR = ".routerisk"
_LOCK = "lock"
_JOURNAL = "journal.json"
_STAGE = "new"

#: Files earlier versions wrote without a manifest: treated as the old set of such a folder.
LEGACY_NAMES = (
    "route_risk_map.html", "route_risk_map.embed.html", "route_risk_map.png",
    "route_risk_map.svg", "route_risk_map.pdf", "segments.geojson", "routes.csv",
    "route_families.csv", "incidents_fate.csv", "route_risk.gpkg", "public_manifest.json",
    "changes.csv", "changes_map.html", "paths.geojson", "route_map.html",
)


class OutputError(OSError):
    """The output folder cannot be written (not a folder, no permission, disk full, in use).

    An :class:`OSError` whose ``filename`` is the folder and ``strerror`` says what is wrong,
    so the command line prints it as one line, ``routerisk: error: OUT: what``.

    >>> str(OutputError(Path("out"), "is a file, not a folder"))
    'out: is a file, not a folder'
    """

    def __init__(self, out: Path, message: str, *, code: int = errno.EIO):
        super().__init__(code, message, str(out))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


@dataclass
class Staging:
    """Where a command writes (``path``) and what its manifest says about it (``info``)."""

    path: Path
    info: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[str]:
    """Relative POSIX paths of the files under ``folder`` (sorted)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class _Steps:
    """Counts the durable steps of a swap (journal written, each file removed or moved …).

    Called after each step; the interruption tests replace :meth:`__call__` to kill their
    process at step *k* and check that the next command recovers the folder.
    """

    def __init__(self) -> None:
        self.done = 0

    def __call__(self) -> None:
        self.done += 1


# --------------------------------------------------------------------------- lock


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_lock(lock: Path) -> dict[str, Any]:
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _acquire(out: Path, work: Path) -> Path:
    """Create the lock exclusively; take over a stale one. Raises :class:`OutputError`."""
    lock = work / _LOCK
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _read_lock(lock)
            pid = holder.get("pid")
            same_host = holder.get("host", socket.gethostname()) == socket.gethostname()
            if isinstance(pid, int) and (not same_host or _pid_alive(pid)):
                where = "" if same_host else f" on {holder.get('host')}"
                raise OutputError(out, f"is being written by another routerisk command (pid "
                                       f"{pid}{where}); wait for it to finish, or remove "
                                       f"{lock} if that process is gone") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # stale: its process is gone
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        return lock
    raise OutputError(out, f"could not take the lock {lock}")


# --------------------------------------------------------------------------- old set, swap


def _old_set(out: Path) -> list[str]:
    """Files of the previous command: its manifest's list, else the known legacy names."""
    names: set[str] = set()
    manifest = out / MANIFEST
    if manifest.is_file():
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            doc = json.loads(manifest.read_text(encoding="utf-8"))
            names.update(str(f["name"]) for f in doc.get("files", []))
        names.add(MANIFEST)
    names.update(n for n in LEGACY_NAMES if (out / n).is_file())
    safe = {n for n in names if n and not Path(n).is_absolute() and ".." not in Path(n).parts
            and Path(n).parts[0] != WORK_DIR}
    return sorted(safe)


def _remove(out: Path, name: str) -> None:
    path = out / name
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    parent = path.parent
    while parent != out:  # folders a command made and that are now empty
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


def _apply(out: Path, work: Path, journal: Mapping[str, Any], step: _Steps) -> None:
    """Step 4: idempotent, so a recovery can run it again from any point."""
    stage = work / _STAGE
    new = [str(n) for n in journal["new"]]
    if (stage / MANIFEST).is_file():  # else the new manifest is already in place
        _remove(out, MANIFEST)
        step()
    for name in journal["old"]:
        if name not in new:
            _remove(out, str(name))
            step()
    for name in [n for n in new if n != MANIFEST] + [MANIFEST]:
        src = stage / name
        if src.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, out / name)
            step()
    _fsync_dir(out)
    (work / _JOURNAL).unlink()
    step()
    shutil.rmtree(stage, ignore_errors=True)
    step()


def recover(out: Path) -> None:
    """Finish or undo what an interrupted command left in ``out`` (the caller holds the lock).

    Without a journal the staging folder is discarded (the old set is intact); with one the
    swap is completed (the new set wins).
    """
    work = Path(out) / WORK_DIR
    journal = work / _JOURNAL
    if journal.is_file():
        try:
            doc = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:  # a journal is written by rename: a broken one was never committed
            doc = None
        if isinstance(doc, dict) and "new" in doc and "old" in doc:
            _apply(Path(out), work, doc, _Steps())
            return
        journal.unlink()
    shutil.rmtree(work / _STAGE, ignore_errors=True)
    for leftover in work.glob("*.tmp"):
        leftover.unlink()


def settle(out_dir: Path | str) -> None:
    """Recover an interrupted command's folder now (as the next command would), under the lock.

    Does nothing when ``out_dir`` holds no work folder.

    Raises
    ------
    OutputError
        Another command is writing the folder.
    """
    out = Path(out_dir)
    work = out / WORK_DIR
    if not work.is_dir():
        return
    lock = _acquire(out, work)
    try:
        recover(out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        with contextlib.suppress(OSError):
            work.rmdir()


def _write_manifest(staging: Staging, command: str) -> list[str]:
    names = [n for n in _files(staging.path) if n != MANIFEST]
    doc = {
        "routerisk": __version__,
        "command": command,
        **staging.info,
        "files": [{"name": n, "sha256": _sha256(staging.path / n),
                   "bytes": (staging.path / n).stat().st_size} for n in names],
    }
    _write_atomic(staging.path / MANIFEST,
                  json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n")
    for n in names:  # durable before the commit point
        with open(staging.path / n, "rb") as fh:
            os.fsync(fh.fileno())
    return [*names, MANIFEST]


def _swap(out: Path, work: Path, new: list[str]) -> None:
    step = _Steps()
    journal = {"old": _old_set(out), "new": new}
    try:
        _write_atomic(work / _JOURNAL, json.dumps(journal, indent=1) + "\n")
    except OSError:
        shutil.rmtree(work / _STAGE, ignore_errors=True)  # not committed: the old set stays
        raise
    step()
    try:
        _apply(out, work, journal, step)
    except OSError as exc:  # committed: the next command into the folder completes the swap
        raise _describe(out, exc, committed=True) from None


def build_info(*, public: bool, as_of: Any, inputs: Mapping[str, Path]) -> dict[str, Any]:
    """What ``build_manifest.json`` says about a build besides its files.

    The mode (``public`` / ``restricted``), the as-of date and the sha256 of each input file;
    a restricted build also gives the input paths, a public one does not (a path can name a
    person or a place).

    >>> import tempfile, pathlib, datetime
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "incidents.csv"
    >>> _ = f.write_text("x")
    >>> info = build_info(public=True, as_of=datetime.date(2024, 9, 3), inputs={"incidents": f})
    >>> info["mode"], info["as_of"], sorted(info["inputs"]["incidents"])
    ('public', '2024-09-03', ['sha256'])
    """
    described: dict[str, dict[str, str]] = {}
    for role, path in sorted(inputs.items()):
        entry = {"sha256": _sha256(Path(path))} if Path(path).is_file() else {}
        if not public:
            entry["path"] = str(path)
        described[role] = entry
    return {"mode": "public" if public else "restricted",
            "as_of": as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of),
            "inputs": described}


# --------------------------------------------------------------------------- errors, entry


def _describe(out: Path, exc: OSError, *, committed: bool = False) -> OutputError:
    if exc.errno == errno.ENOSPC:
        why = "no space left on the device"
    elif exc.errno == errno.EDQUOT:
        why = "disk quota exceeded"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        why = "permission denied"
    elif exc.errno == errno.EROFS:
        why = "read-only file system"
    elif exc.errno == errno.ENOTDIR:
        why = "a part of this path is a file, not a folder"
    else:
        why = exc.strerror or str(exc)
    if committed:
        return OutputError(out, f"the new outputs were written but could not all be moved into "
                                f"place: {why}; the next routerisk command into this folder "
                                "completes the move")
    return OutputError(out, f"cannot write the outputs here: {why}; the folder was left as it "
                            "was", code=exc.errno or errno.EIO)


def _prepare(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise OutputError(out, "is a file, not a folder; give a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
        work = out / WORK_DIR
        work.mkdir(exist_ok=True)
    except FileExistsError:
        raise OutputError(out, f"{WORK_DIR} inside it is a file; remove it") from None
    except OSError as exc:
        raise _describe(out, exc) from None
    return work


@contextlib.contextmanager
def owned_output(out_dir: Path | str, *, command: str = "build",
                 info: Mapping[str, Any] | None = None) -> Iterator[Staging]:
    """Write a complete set of files into ``out_dir``, replacing the previous command's set.

    Yields a :class:`Staging`: write every file under ``staging.path`` and add what the
    manifest should say to ``staging.info``. On success the folder holds exactly the new set
    (plus files no routerisk command wrote) and ``build_manifest.json``; on an exception it is
    left as it was.

    Raises
    ------
    OutputError
        ``out_dir`` is a file, is in use by another command, or cannot be written (permission,
        disk full); the message names the folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with owned_output(out, command="demo", info={"mode": "restricted"}) as staging:
    ...     _ = (staging.path / "a.txt").write_text("one")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt', 'build_manifest.json']
    >>> with owned_output(out, command="demo") as staging:
    ...     _ = (staging.path / "b.txt").write_text("two")
    >>> sorted(p.name for p in out.iterdir())  # a.txt was the previous command's: removed
    ['b.txt', 'build_manifest.json']
    """
    out = Path(out_dir)
    work = _prepare(out)
    try:
        lock = _acquire(out, work)
    except OutputError:
        raise
    except OSError as exc:
        raise _describe(out, exc) from None
    try:
        recover(out)
        stage = work / _STAGE
        stage.mkdir()
        staging = Staging(stage, dict(info or {}))
        try:
            yield staging
            new = _write_manifest(staging, command)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        _swap(out, work, new)
    except OutputError:
        raise
    except OSError as exc:
        raise _describe(out, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        with contextlib.suppress(OSError):
            work.rmdir()
