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
   manifest, each with the sha256 routerisk recorded when it wrote it) and the new set. Writing
   it (one atomic rename) is the commit point.
4. **Apply** (idempotent): remove the old ``build_manifest.json``, remove old files that are not
   in the new set, move each staged file into place (``build_manifest.json`` last), delete the
   journal, the staging folder and the lock.

An interrupted command is recovered by the next one that opens the folder: without a journal the
staging folder is deleted (the old set was never touched); with one, step 4 is run to the end
(the staged files are all there until moved). Either way the folder ends as one complete set.
Files that no routerisk command wrote (a README, notes of your own) are never touched.

**The folder is a jail.** Every name read from a journal or a manifest (files another person may
have planted) must be relative, without ``..``, outside ``.routerisk`` and, once resolved, inside
``OUT``; no symbolic link under ``OUT`` (``.routerisk`` included) is followed, written through or
removed through. A file is deleted or replaced only when it is a regular file whose current sha256
equals the one routerisk recorded when it wrote it; any other file in the way of a new output
(your own ``routes.csv``, a file you edited since) stops the command before anything changes,
unless ``force=True`` (``--force``). The root folder, the home folder and the folders above the
current one are refused as ``OUT``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._outdir_checks import (
    MANIFEST,
    WORK_DIR,
    file_sha256,
    in_the_way,
    old_set,
    ours,
    refused,
    safe_name,
)
from geo._version import __version__

__all__ = [
    "MANIFEST",
    "WORK_DIR",
    "OutputError",
    "Staging",
    "build_info",
    "owned_output",
    "recover",
    "settle",
]

_LOCK = "lock"
_JOURNAL = "journal.json"
_STAGE = "new"

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


def _remove(out: Path, name: str, sha256: str | None) -> None:
    """Delete ``out/name`` only if it is safe and still the file routerisk wrote."""
    if safe_name(out, name) != name or not ours(out, name, sha256):
        return
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


def _journal_entries(out: Path, doc: Mapping[str, Any]) -> tuple[list[dict[str, str]], list[str]]:
    """The journal's old and new sets with every unsafe name left out (a journal may be planted)."""
    old = [{"name": o["name"], "sha256": o["sha256"]} for o in doc.get("old", [])
           if isinstance(o, dict) and isinstance(o.get("sha256"), str)
           and safe_name(out, o.get("name")) == o.get("name")]
    new = [n for n in doc.get("new", []) if safe_name(out, n) == n]
    return old, new


def _apply(out: Path, work: Path, journal: Mapping[str, Any], step: _Steps,
           *, force: bool = False) -> None:
    """Step 4: idempotent, so a recovery can run it again from any point."""
    stage = work / _STAGE
    old, new = _journal_entries(out, journal)
    hashes = {o["name"]: o["sha256"] for o in old}
    if (stage / MANIFEST).is_file() and not (stage / MANIFEST).is_symlink():
        _remove(out, MANIFEST, hashes.get(MANIFEST))  # else the new one is already in place
        step()
    for name in hashes:
        if name not in new:
            _remove(out, name, hashes[name])
            step()
    for name in [n for n in new if n != MANIFEST] + [MANIFEST]:
        src = stage / name
        if safe_name(stage, name) != name or src.is_symlink() or not src.is_file():
            continue
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if safe_name(out, name) != name:
            continue
        if target.is_symlink() or (target.exists() and not target.is_file()):
            if not force:
                continue  # never replace a link or a folder through a rename
            if target.is_symlink():
                target.unlink()
        os.replace(src, target)
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
        if isinstance(doc, dict) and isinstance(doc.get("new"), list) \
                and isinstance(doc.get("old"), list):
            _apply(Path(out), work, doc, _Steps())
            return
        journal.unlink()
    shutil.rmtree(work / _STAGE, ignore_errors=True)
    for leftover in work.glob("*.tmp"):
        if leftover.is_file() and not leftover.is_symlink():
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
        "files": [{"name": n, "sha256": file_sha256(staging.path / n),
                   "bytes": (staging.path / n).stat().st_size} for n in names],
    }
    _write_atomic(staging.path / MANIFEST,
                  json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n")
    for n in names:  # durable before the commit point
        with open(staging.path / n, "rb") as fh:
            os.fsync(fh.fileno())
    return [*names, MANIFEST]


def _swap(out: Path, work: Path, new: list[str], *, force: bool = False) -> None:
    step = _Steps()
    old = old_set(out)
    linked = [n for n in new if safe_name(out, n) != n]
    if linked:
        shutil.rmtree(work / _STAGE, ignore_errors=True)
        raise OutputError(out, f"{linked[0]} would be written through a symbolic link or over a "
                               "file where a folder belongs; routerisk does not write through "
                               "links: remove it", code=errno.ELOOP)
    blocked = in_the_way(out, new, old)
    if blocked and not force:
        shutil.rmtree(work / _STAGE, ignore_errors=True)  # not committed: nothing changed
        shown = ", ".join(blocked[:3]) + (f" and {len(blocked) - 3} more" if len(blocked) > 3
                                          else "")
        raise OutputError(out, f"holds {shown}, which routerisk did not write (or which changed "
                               "since); nothing was replaced: choose another folder, or give "
                               "--force (force=True) to replace them", code=errno.EEXIST)
    journal = {"old": old, "new": new}
    try:
        _write_atomic(work / _JOURNAL, json.dumps(journal, indent=1) + "\n")
    except OSError:
        shutil.rmtree(work / _STAGE, ignore_errors=True)  # not committed: the old set stays
        raise
    step()
    try:
        _apply(out, work, journal, step, force=force)
    except OSError as exc:  # committed: the next command into the folder completes the swap
        raise _describe(out, exc, committed=True) from None


def build_info(*, public: bool, as_of: Any, inputs: Mapping[str, Path]) -> dict[str, Any]:
    """What ``build_manifest.json`` says about a build besides its files.

    The mode (``public`` / ``restricted``), the as-of date and, for a restricted build, the
    sha256 and path of each input file and the sha256 of the gazetteer index the place names
    resolved through; a public one names the input roles only (a hash would confirm a candidate
    copy of the restricted data, a path can name a person or a place).

    >>> import tempfile, pathlib, datetime
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "incidents.csv"
    >>> _ = f.write_text("x")
    >>> info = build_info(public=True, as_of=datetime.date(2024, 9, 3), inputs={"incidents": f})
    >>> info["mode"], info["as_of"], info["inputs"]["incidents"]
    ('public', '2024-09-03', {})
    """
    described: dict[str, dict[str, str]] = {}
    for role, path in sorted(inputs.items()):
        # a public manifest names the roles only: a hash of the restricted input would let
        # whoever holds a candidate copy confirm it, a path can name a person or a place
        entry = {"sha256": file_sha256(Path(path))} if Path(path).is_file() and not public else {}
        if not public:
            entry["path"] = str(path)
        described[role] = entry
    if not public:
        from geo._gazetteer import index_checksums

        described.update({name: {"sha256": digest}
                          for name, digest in index_checksums().items()})
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
    why = refused(out)
    if why:
        raise OutputError(out, why, code=errno.EINVAL)
    if out.exists() and not out.is_dir():
        raise OutputError(out, "is a file, not a folder; give a folder for the outputs")
    work = out / WORK_DIR
    if work.is_symlink():
        raise OutputError(out, f"{WORK_DIR} inside it is a symbolic link; routerisk does not "
                               "write through links: remove it", code=errno.ELOOP)
    try:
        out.mkdir(parents=True, exist_ok=True)
        work.mkdir(exist_ok=True)
    except FileExistsError:
        raise OutputError(out, f"{WORK_DIR} inside it is a file; remove it") from None
    except OSError as exc:
        raise _describe(out, exc) from None
    for name in (_LOCK, _JOURNAL, _STAGE):
        if (work / name).is_symlink():
            raise OutputError(out, f"{WORK_DIR}/{name} inside it is a symbolic link; routerisk "
                                   "does not write through links: remove it", code=errno.ELOOP)
    return work


@contextlib.contextmanager
def owned_output(out_dir: Path | str, *, command: str = "build",
                 info: Mapping[str, Any] | None = None, force: bool = False
                 ) -> Iterator[Staging]:
    """Write a complete set of files into ``out_dir``, replacing the previous command's set.

    Yields a :class:`Staging`: write every file under ``staging.path`` and add what the
    manifest should say to ``staging.info``. On success the folder holds exactly the new set
    (plus files no routerisk command wrote) and ``build_manifest.json``; on an exception it is
    left as it was. ``force=True`` replaces files in the way that routerisk did not write.

    Raises
    ------
    OutputError
        ``out_dir`` is a file, is in use by another command, or cannot be written (permission,
        disk full), holds files routerisk did not write where outputs go (without ``force``),
        or is the root, the home folder or a parent of the current folder; the message names
        the folder.

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
        _swap(out, work, new, force=force)
    except OutputError:
        raise
    except OSError as exc:
        raise _describe(out, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        with contextlib.suppress(OSError):
            work.rmdir()
