"""A command owns its output folder: complete new set or complete old set, stale files removed,
``build_manifest.json`` last, work files only inside ``--out``, one writer at a time, and every
failure to write one line naming the folder.

The interruption tests kill a real process (SIGKILL) after every step of the swap, then let the
next command recover the folder. The kill is injected by the test (:data:`KILL_AFTER_STEP`
replaces ``geo._outdir._Steps.__call__`` in the child process); the library reads no hook.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import _outdir
from geo._outdir import MANIFEST, WORK_DIR, OutputError, owned_output, settle
from geo.cli import main
from tests._factories import write_layers

ROOT = Path(__file__).resolve().parent.parent

INCIDENTS_CSV = """\
incident_id,date,type,lat,lon,place,admin1,country,count,source_name,source_url,notes,visibility
a1,2020-01-05,arrest,0.3,1.0,,,,15,Test wire,https://example.org/a1,point,public
p1,2020-02,crackdown,,,,East,AA,,Test wire,,province,public
c1,2020,checkpoint,,,,,BB,,Test wire,,country,restricted
"""


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    return write_layers(tmp_path / "layers", INCIDENTS_CSV)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (work folder included) → sha256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(layers: Path, out: Path, *extra: str) -> int:
    return main(["build", "--layers", str(layers), "--out", str(out), *extra])


def assert_manifest_is_true(out: Path, *, mode: str) -> dict:
    doc = json.loads((out / MANIFEST).read_text("utf-8"))
    listed = {f["name"]: f["sha256"] for f in doc["files"]}
    on_disk = snapshot(out)
    on_disk.pop(MANIFEST)
    assert listed == on_disk  # exactly the files there, with their hashes
    assert doc["mode"] == mode
    assert doc["command"] == "build"
    import geo

    assert doc["routerisk"] == geo.__version__
    assert {"boundaries", "corridors", "incidents"} <= set(doc["inputs"]) <= {
        "boundaries", "corridors", "incidents", "gazetteer-500"}
    if mode == "restricted":
        assert all(len(v["sha256"]) == 64 for v in doc["inputs"].values())
    else:  # a hash of a restricted input would confirm a candidate copy of it
        assert all("sha256" not in v for v in doc["inputs"].values())
    return doc


# --------------------------------------------------------------------------- stale files


def test_public_build_after_a_restricted_one_leaves_no_restricted_file(layers, tmp_path,
                                                                       capsys):
    out = tmp_path / "out"
    assert build(layers, out) == 0
    assert {"route_risk_map.svg", "route_risk_map.pdf"} <= set(snapshot(out))
    capsys.readouterr()
    assert build(layers, out, "--public", "--formats", "png") == 0
    wrote = {Path(line.split(" ", 1)[1]).name
             for line in capsys.readouterr().out.splitlines() if line.startswith("wrote ")}
    files = set(snapshot(out))
    assert files == wrote  # what the CLI says it wrote is all there is
    assert "route_risk_map.svg" not in files and "route_risk_map.pdf" not in files
    assert "public_manifest.json" in files
    doc = assert_manifest_is_true(out, mode="public")
    assert not any("path" in v for v in doc["inputs"].values())  # no input path published
    assert str(layers) not in (out / MANIFEST).read_text("utf-8")


def test_restricted_build_after_a_public_one_has_no_public_manifest(layers, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(layers, out, "--public", "--formats", "") == 0
    assert "public_manifest.json" in snapshot(out)
    capsys.readouterr()
    assert build(layers, out, "--formats", "") == 0
    assert "public_manifest.json" not in snapshot(out)
    doc = assert_manifest_is_true(out, mode="restricted")
    assert capsys.readouterr().out.startswith(f"as of {doc['as_of']}: ")
    assert doc["inputs"]["incidents"]["path"] == str(layers / "incidents.csv")


def test_files_no_command_wrote_are_left_alone_even_with_output_names(layers, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("mine\n")
    (out / "route_risk_map.svg").write_text("<svg>an older version's output</svg>")
    assert build(layers, out, "--formats", "png") == 0
    files = set(snapshot(out))
    assert {"README.md", "route_risk_map.svg"} <= files  # no manifest listed them: not ours
    assert (out / "README.md").read_text() == "mine\n"
    assert (out / "route_risk_map.svg").read_text() == "<svg>an older version's output</svg>"


def test_failed_build_changes_nothing_and_leaves_no_work_files(layers, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(layers, out, "--formats", "") == 0
    before = snapshot(out)
    with open(layers / "incidents.csv", "a", encoding="utf-8") as fh:
        fh.write("bad,2020-13-01,arrest,0,0,,,,,,,,public\n")
    assert build(layers, out, "--formats", "") == 1
    assert snapshot(out) == before
    assert not (out / WORK_DIR).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layers", "out"]


def test_work_files_live_only_inside_out(layers, tmp_path, monkeypatch):
    """While the outputs are written, the only new thing outside ``--out`` is nothing."""
    out = tmp_path / "deep" / "out"
    seen: list[list[str]] = []
    real = _outdir._write_manifest

    def spy(staging, command):
        seen.append(sorted(p.name for p in tmp_path.rglob(".routerisk*")))
        assert staging.path.is_relative_to(out)
        return real(staging, command)

    monkeypatch.setattr(_outdir, "_write_manifest", spy)
    assert build(layers, out, "--formats", "") == 0
    assert seen == [[WORK_DIR]]  # out/.routerisk while writing, never in a parent
    assert not list(tmp_path.rglob(".routerisk*"))


def test_compare_uses_the_same_mechanism(layers, tmp_path):
    out = tmp_path / "out"
    assert build(layers, out, "--formats", "") == 0
    assert main(["compare", "--layers", str(layers), "--from", "2020-01-01", "--to",
                 "2020-03-01", "--out", str(out)]) == 0
    files = set(snapshot(out))
    assert files == {"changes.csv", "changes_map.html", MANIFEST}
    doc = json.loads((out / MANIFEST).read_text("utf-8"))
    assert {f["name"] for f in doc["files"]} == {"changes.csv", "changes_map.html"}
    assert doc["command"] == "compare"


# --------------------------------------------------------------------------- interruption

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from geo._outdir import owned_output
    out, version = Path(sys.argv[1]), sys.argv[2]
    names = {"old": ["a.txt", "b.txt", "sub/c.txt", "gone.txt"],
             "new": ["a.txt", "b.txt", "sub/c.txt", "sub/d.txt", "fresh.txt"]}[version]
    with owned_output(out, command=version) as staging:
        tmp = staging.path
        for name in names:
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(version + ":" + name)
        if len(sys.argv) > 3:  # killed while staging, before the commit point
            import os, signal
            os.kill(os.getpid(), signal.SIGKILL)
""")


#: Prepended to a child's script: its first argument k kills it with SIGKILL right after step k
#: of the swap (the commit and apply phase of ``geo._outdir``).
KILL_AFTER_STEP = textwrap.dedent("""
    import os, signal, sys
    from geo import _outdir
    _stop = int(sys.argv.pop(1))
    _count = _outdir._Steps.__call__

    def _count_then_kill(self):
        _count(self)
        if self.done == _stop:
            os.kill(os.getpid(), signal.SIGKILL)

    _outdir._Steps.__call__ = _count_then_kill
""")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _write(out: Path, version: str, *args: str, kill_after: int | None = None) -> int:
    script, first = (WRITER, []) if kill_after is None else (
        KILL_AFTER_STEP + WRITER, [str(kill_after)])
    return subprocess.run([sys.executable, "-c", script, *first, str(out), version, *args],
                          env=_env(), timeout=120).returncode


def test_a_kill_after_any_step_of_the_swap_ends_as_one_complete_set(tmp_path):
    reference = {}
    for version in ("old", "new"):
        folder = tmp_path / f"ref-{version}"
        assert _write(folder, version) == 0
        reference[version] = snapshot(folder)
    assert reference["old"] != reference["new"]
    outcomes = []
    for k in range(1, 40):
        out = tmp_path / f"k{k}"
        assert _write(out, "old") == 0
        rc = _write(out, "new", kill_after=k)
        if rc == 0:
            break
        assert rc == -9, rc  # killed by the hook
        settle(out)  # what the next command into the folder does first
        after = snapshot(out)
        assert after in (reference["old"], reference["new"]), (k, after)
        outcomes.append("new" if after == reference["new"] else "old")
        assert not (out / WORK_DIR).exists()
    else:
        pytest.fail("the swap never finished")
    # 11 steps: journal, old manifest, stale gone.txt, 5 files, manifest, journal, staging
    assert k == 12
    assert outcomes == ["new"] * 11  # every kill after the commit point completes the swap
    assert snapshot(out) == reference["new"]


def test_a_kill_while_staging_keeps_the_old_set_and_the_next_build_proceeds(tmp_path):
    out = tmp_path / "out"
    assert _write(out, "old") == 0
    old = snapshot(out)
    assert _write(out, "new", "kill-while-staging") == -9
    assert (out / WORK_DIR / "new").is_dir()  # the dead process left its staging folder
    assert _write(out, "new") == 0  # the stale lock is taken over, staging discarded
    assert not (out / WORK_DIR).exists()
    assert snapshot(out) != old and "fresh.txt" in snapshot(out)


def test_a_killed_real_build_is_completed_by_the_next_command(layers, tmp_path):
    out = tmp_path / "out"
    assert build(layers, out, "--formats", "svg,pdf") == 0
    cmd = [sys.executable, "-c", KILL_AFTER_STEP + "from geo.cli import run\nrun()\n", "4",
           "build", "--layers", str(layers), "--out", str(out), "--public", "--formats", "png"]
    proc = subprocess.run(cmd, env=_env(), timeout=300, capture_output=True)
    assert proc.returncode == -9
    assert (out / WORK_DIR / "journal.json").is_file()
    assert not (out / MANIFEST).exists()  # a reader never sees a manifest over a mixed folder
    settle(out)
    assert_manifest_is_true(out, mode="public")
    assert "route_risk_map.svg" not in snapshot(out)


# --------------------------------------------------------------------------- one writer


def test_a_second_command_into_a_folder_being_written_fails_at_once(layers, tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys
            from pathlib import Path
            from geo._outdir import owned_output
            with owned_output(Path(sys.argv[1])) as staging:
                (staging.path / "x.txt").write_text("x")
                print("ready", flush=True)
                sys.stdin.readline()
        """), str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        assert build(layers, out, "--formats", "") == 1
        err = [x for x in capsys.readouterr().err.strip().splitlines()
               if not x.startswith("warning: ")]
        assert err == [f"routerisk: error: {out}: is being written by another routerisk "
                       f"command (pid {holder.pid}); wait for it to finish, or remove "
                       f"{out / WORK_DIR / 'lock'} if that process is gone"]
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
        if holder.stdout is not None:
            holder.stdout.close()
    assert holder.returncode == 0
    assert set(snapshot(out)) == {"x.txt", MANIFEST}  # the first writer was not disturbed


def test_a_stale_lock_of_a_dead_process_is_taken_over(layers, tmp_path):
    out = tmp_path / "out"
    (out / WORK_DIR).mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (out / WORK_DIR / "lock").write_text(json.dumps({"pid": int(dead.stdout)}))
    assert build(layers, out, "--formats", "") == 0
    assert not (out / WORK_DIR).exists()


# --------------------------------------------------------------------------- cannot write


@contextlib.contextmanager
def tmpfs(path: Path, *options: str) -> Iterator[bool]:
    """A small tmpfs mounted at ``path`` (True), or False where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    ok = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(path)],
        capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", str(path)], check=True)


def one_error_line(capsys) -> str:
    # the input's warnings come first (the simulated layers' coarse incidents); one error line
    err = [x for x in capsys.readouterr().err.strip().splitlines()
           if not x.startswith("warning: ")]
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_out_that_is_a_file_is_one_line_naming_it(layers, tmp_path, capsys):
    out = tmp_path / "out.html"
    out.write_text("mine")
    assert build(layers, out, "--formats", "") == 1
    assert one_error_line(capsys) == (f"routerisk: error: {out}: is a file, not a folder; give "
                                      "a folder for the outputs")
    assert out.read_text() == "mine"


def test_out_on_a_mount_point_works(layers, tmp_path):
    mnt = tmp_path / "mnt"
    with tmpfs(mnt, "size=64m") as mounted:
        assert build(layers, mnt, "--formats", "png") == 0
        assert_manifest_is_true(mnt, mode="restricted")
        assert not list(tmp_path.glob(".routerisk*"))
    assert mounted or os.geteuid() != 0  # as root (CI) the mount point case really ran


def test_full_disk_is_one_line_and_changes_nothing(layers, tmp_path, capsys, monkeypatch):
    mnt = tmp_path / "small"
    with tmpfs(mnt, "size=256k") as mounted:
        with owned_output(mnt, command="old") as staging:
            (staging.path / "old.txt").write_text("old")
        before = snapshot(mnt)
        if not mounted:  # without root: the writer fails as a full disk does
            import errno

            from geo import pipeline

            def full(*_a, **_k):
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(pipeline, "write_geojson", full)
        capsys.readouterr()
        assert build(layers, mnt, "--formats", "png") == 1
        line = one_error_line(capsys)
        assert line == (f"routerisk: error: {mnt}: cannot write the outputs here: no space left "
                        "on the device; the folder was left as it was")
        assert snapshot(mnt) == before
    assert mounted or os.geteuid() != 0


def test_unwritable_out_is_one_line(layers, tmp_path, capsys):
    ro = tmp_path / "ro"
    with tmpfs(ro, "size=1m", "ro") as mounted:
        if not mounted:
            ro.chmod(0o500)
        out = ro / "out"
        assert build(layers, out, "--formats", "") == 1
        line = one_error_line(capsys)
        assert line.startswith(f"routerisk: error: {out}: cannot write the outputs here: ")
        assert line.endswith(("read-only file system; the folder was left as it was",
                              "permission denied; the folder was left as it was"))
    assert mounted or os.geteuid() != 0


def test_output_error_is_an_oserror_naming_the_folder(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(OutputError) as info, owned_output(f):
        pass
    assert info.value.filename == str(f)
