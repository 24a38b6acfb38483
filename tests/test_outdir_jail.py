"""The output folder is a jail: names planted in a journal or a manifest, symbolic links under
``OUT`` and files routerisk did not write are never followed, deleted or replaced; the root, the
home folder and the parents of the current folder are refused.

Each test reproduces one attack on the earlier folder logic (a planted journal deleting a file
outside ``OUT``, legacy output names deleting a user's own files, a tampered manifest with a
symlinked sub-folder, ``.routerisk`` as a symlink) and checks the victim is intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from geo._outdir import MANIFEST, WORK_DIR, OutputError, owned_output, settle


def _write(out: Path, files: dict[str, str], **kw) -> None:
    with owned_output(out, command="demo", **kw) as staging:
        for name, text in files.items():
            (staging.path / name).parent.mkdir(parents=True, exist_ok=True)
            (staging.path / name).write_text(text)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_planted_journal_touches_nothing_outside_out(tmp_path):
    victim = tmp_path / "home" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("precious")
    out = tmp_path / "shared" / "out"
    _write(out, {"a.txt": "a"})
    work = out / WORK_DIR
    (work / "new").mkdir(parents=True)
    (work / "new" / "bashrc").write_text("evil")
    (work / ".bashrc").write_text("evil")
    journal = {"old": [str(victim), {"name": str(victim), "sha256": _sha(victim)},
                       {"name": "../../home/victim.txt", "sha256": _sha(victim)}],
               "new": ["../.bashrc", "/tmp/x", "bashrc"]}
    (work / "journal.json").write_text(json.dumps(journal))
    settle(out)
    assert victim.read_text() == "precious"
    assert not (out.parent / ".bashrc").exists()
    assert (out / "bashrc").read_text() == "evil"  # a safe name inside OUT: moved as staged
    assert sorted(p.name for p in work.iterdir()) == [".bashrc"]  # planted: not ours to delete


def test_users_own_files_with_output_names_are_never_deleted(tmp_path):
    out = tmp_path / "mywork"
    out.mkdir()
    for name in ("routes.csv", "segments.geojson", "changes.csv"):
        (out / name).write_text(f"my own {name}")
    _write(out, {"paths.geojson": "{}", "route_map.html": "<p>"})
    for name in ("routes.csv", "segments.geojson", "changes.csv"):
        assert (out / name).read_text() == f"my own {name}"
    # the same even after a manifest exists: only files routerisk wrote are replaced
    _write(out, {"paths.geojson": "{ }"})
    assert (out / "routes.csv").read_text() == "my own routes.csv"
    assert not (out / "route_map.html").exists()  # ours, and not in the new set


def test_a_file_in_the_way_is_refused_unless_forced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "routes.csv").write_text("my own table")
    with pytest.raises(OutputError, match=r"routes\.csv, which routerisk did not write"):
        _write(out, {"routes.csv": "new"})
    assert (out / "routes.csv").read_text() == "my own table"
    assert sorted(p.name for p in out.iterdir()) == ["routes.csv"]
    _write(out, {"routes.csv": "new"}, force=True)
    assert (out / "routes.csv").read_text() == "new"


def test_an_output_edited_by_hand_is_not_replaced_without_force(tmp_path):
    out = tmp_path / "out"
    _write(out, {"routes.csv": "v1", "notes.csv": "v1"})
    (out / "routes.csv").write_text("v1 with my corrections")
    with pytest.raises(OutputError, match=r"routes\.csv"):
        _write(out, {"routes.csv": "v2"})
    assert (out / "routes.csv").read_text() == "v1 with my corrections"
    _write(out, {"other.csv": "v2"})  # not in the way: the edited file is left alone, not deleted
    assert (out / "routes.csv").read_text() == "v1 with my corrections"
    assert not (out / "notes.csv").exists()


def test_a_tampered_manifest_and_a_symlinked_folder_delete_nothing_outside(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep")
    out = tmp_path / "out"
    _write(out, {"a.txt": "a"})
    (out / "thesis.docx").write_text("my thesis")
    os.symlink(outside, out / "link")
    doc = json.loads((out / MANIFEST).read_text())
    doc["files"] += [{"name": "link/precious.txt", "sha256": _sha(outside / "precious.txt")},
                     {"name": "thesis.docx", "sha256": "0" * 64},
                     {"name": "../elsewhere/precious.txt",
                      "sha256": _sha(outside / "precious.txt")}]
    (out / MANIFEST).write_text(json.dumps(doc))
    _write(out, {"b.txt": "b"})
    assert (outside / "precious.txt").read_text() == "keep"
    assert (out / "thesis.docx").read_text() == "my thesis"
    assert (out / "link").is_symlink()


def test_a_new_output_is_not_written_through_a_symlinked_folder(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside, out / "route_risk_map_files")
    with pytest.raises(OutputError, match="route_risk_map_files"):
        _write(out, {"route_risk_map_files/data-000.js": "x"})
    assert list(outside.iterdir()) == []


def test_work_folder_as_symlink_is_refused_and_not_followed(tmp_path):
    victim = tmp_path / "victim"
    (victim / "new").mkdir(parents=True)
    (victim / "new" / "keep.txt").write_text("keep")
    (victim / "old.tmp").write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / WORK_DIR)
    with pytest.raises(OutputError, match="symbolic link"):
        _write(out, {"a.txt": "restricted"})
    assert (victim / "new" / "keep.txt").read_text() == "keep"
    assert (victim / "old.tmp").read_text() == "keep"
    assert sorted(p.name for p in victim.iterdir()) == ["new", "old.tmp"]


@pytest.mark.parametrize("which", ["root", "home", "parent"])
def test_root_home_and_parents_of_the_current_folder_are_refused(tmp_path, monkeypatch, which):
    cwd = tmp_path / "project" / "sub"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    target = {"root": Path("/"), "home": tmp_path / "home", "parent": Path("..")}[which]
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(OutputError, match=r"root folder|home folder|contains the current"):
        _write(target, {"a.txt": "a"})
    assert sorted(p.name for p in target.iterdir()) == before


def test_the_current_folder_itself_is_allowed_and_its_files_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "analysis.py").write_text("mine")
    _write(Path("."), {"a.txt": "a"})
    assert (tmp_path / "analysis.py").read_text() == "mine"
    assert (tmp_path / "a.txt").read_text() == "a"


def test_every_writing_command_refuses_a_foreign_file_and_force_replaces_it(tmp_path, capsys):
    from geo.cli import main
    from tests._factories import write_layers

    layers = write_layers(tmp_path / "layers", (
        "incident_id,date,type,lat,lon,country,count,visibility\n"
        "a1,2020-01-05,arrest,0.3,1.0,,15,public\n"))
    common = ["--layers", str(layers)]
    commands = {
        "build": (["build", *common, "--formats", ""], "routes.csv"),
        "compare": (["compare", *common, "--from", "2020-01-01", "--to", "2020-06-30"],
                    "changes.csv"),
    }
    for name, (args, victim) in commands.items():
        out = tmp_path / name
        out.mkdir()
        (out / victim).write_text("my own work")
        assert main([*args, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"{victim}, which routerisk did not write" in err and "--force" in err
        assert (out / victim).read_text() == "my own work"
        assert sorted(p.name for p in out.iterdir()) == [victim]
        assert main([*args, "--out", str(out), "--force"]) == 0
        assert (out / victim).read_text() != "my own work"


def test_route_and_compare_take_the_same_publication_options_as_build(tmp_path, capsys):
    from geo.cli import main

    for command in ("build", "compare", "route"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        for flag in ("--public", "--min-count", "--id-key", "--force"):
            assert flag in text, (command, flag)
