"""A user of an installed routerisk finds the documentation: ``routerisk docs`` names it, the
docstrings are readable with pydoc, and the source distribution carries ``docs/``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from geo.cli import main
from geo.cli.docs import START_PAGES, docs_folder

ROOT = Path(__file__).resolve().parent.parent


def test_routerisk_docs_names_the_reference_and_the_guides(capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    assert "python -m pydoc geo.api" in out and "help(geo.build)" in out
    assert docs_folder() == ROOT / "docs"  # an installation from this source tree
    for page in START_PAGES:
        assert str(ROOT / "docs" / page) in out
        assert (ROOT / "docs" / page).is_file()
    assert main(["docs", "--path"]) == 0
    assert capsys.readouterr().out.strip() == str(ROOT / "docs")


def test_routerisk_docs_from_a_wheel_points_to_the_source_distribution(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import docs

    monkeypatch.setattr(docs, "docs_folder", lambda: None)
    assert main(["docs"]) == 0
    assert "docs/ folder of the source distribution routerisk-" in capsys.readouterr().out
    assert main(["docs", "--path"]) == 1


def test_the_reference_is_readable_with_pydoc() -> None:
    out = subprocess.run([sys.executable, "-m", "pydoc", "geo.api"], capture_output=True,
                         text=True, check=True, cwd=ROOT, timeout=300).stdout
    assert "build(" in out and "encoding" in out and "explore(" in out


def test_the_source_distribution_carries_the_docs(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "geo", "docs"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "_build"))
        else:
            shutil.copy2(ROOT / name, src / name)
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_sdist(sys.argv[1]))")
    name = subprocess.run([sys.executable, "-c", code, str(tmp_path / "dist")], cwd=src,
                          capture_output=True, text=True, check=True, timeout=300
                          ).stdout.strip().splitlines()[-1]
    with tarfile.open(tmp_path / "dist" / name) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for page in (*START_PAGES, "conf.py", "guide/read-map.md", "dev/performance-log.md"):
        assert f"docs/{page}" in names, page
