"""The package installs like one: a wheel built from the repository, installed in a fresh
virtual environment, runs ``routerisk build`` from a folder outside the checkout.

Offline: the wheel is built with the installed setuptools (``--no-build-isolation``) and the
venv sees the dependencies of the running interpreter through a ``.pth`` file listing its
site-packages folders (``--system-site-packages`` would point at the *base* Python, which
inside a virtual environment need not hold them); ``routerisk`` itself comes only from the
wheel (``PYTHONPATH`` removed, run from a temporary folder, ``geo.__file__`` checked to be
inside the venv). Plain folder lines in a ``.pth`` file add the folders without running the
``.pth`` files inside them, so an editable install of the checkout is not seen.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import geo
from geo import datasets

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "geo")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INDEX"] = "1"  # nothing may come from a registry
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Build the wheel from a copy of the sources (the checkout stays clean): (path, log)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(src)],
        cwd=tmp, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (path,) = dist.glob("routerisk-*.whl")
    return path, proc.stdout + proc.stderr


def test_wheel_holds_package_data_and_licences(wheel):
    path, log = wheel
    names = set(zipfile.ZipFile(path).namelist())
    for name in datasets.FILES.values():
        assert f"geo/datasets/{name}" in names
    assert {"geo/py.typed", "geo/data/risk_model.toml", "geo/maps/templates/js/core.js",
            "geo/maps/templates/routerisk.css", "geo/datasets/README.md",
            "geo/datasets/LICENSES/LGPL-3.0.txt",
            "geo/datasets/LICENSES/GeoNames-CC-BY-4.0.md"} <= names
    dist_info = f"routerisk-{geo.__version__}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "layers/", "benchmarks/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # setuptools found every package itself and had nothing to warn about
    for bad in ("absent from the `packages`", "SetuptoolsDeprecationWarning",
                "SetuptoolsWarning", "_DeprecatedConfig"):
        assert bad not in log, bad


def test_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", geo.__version__)
    citation = (ROOT / "CITATION.cff").read_text("utf-8")
    assert f'version: "{geo.__version__}"' in citation
    for name in ("LICENSE", "CHANGELOG.md", "CITATION.cff"):
        assert (ROOT / name).is_file(), name
    assert "notebooks/output/" in (ROOT / ".gitignore").read_text("utf-8").splitlines()


def _dependency_folders() -> list[str]:
    """The site-packages folders the running interpreter imports its dependencies from."""
    return [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")
            and Path(p).is_dir()]


def _venv_seeing_our_dependencies(venv: Path) -> Path:
    """A venv of its own (no ``--system-site-packages``) whose ``.pth`` lists our folders."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   env=_env(), timeout=120)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, env=_env(), capture_output=True,
                          text=True, timeout=60).stdout.strip()
    (Path(site) / "routerisk-test-deps.pth").write_text(
        "".join(f"{folder}\n" for folder in _dependency_folders()), encoding="utf-8")
    return py


def test_dependencies_come_from_the_running_interpreter(tmp_path):
    """The venv imports a dependency from where this interpreter does, not from the base."""
    import geopandas

    py = _venv_seeing_our_dependencies(tmp_path / "venv")
    found = subprocess.run([str(py), "-c", "import geopandas; print(geopandas.__file__)"],
                           cwd=tmp_path, env=_env(), capture_output=True, text=True,
                           timeout=120)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()) == Path(geopandas.__file__)
    no_geo = subprocess.run([str(py), "-c", "import geo"], cwd=tmp_path, env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert no_geo.returncode != 0  # the checkout is not importable: only a wheel brings geo


def test_wheel_in_a_fresh_venv_builds_from_any_folder(wheel, tmp_path):
    path, _ = wheel
    venv = tmp_path / "venv"
    py = _venv_seeing_our_dependencies(venv)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                    "--no-deps", "--no-index", str(path)],
                   check=True, env=_env(), cwd=tmp_path, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    # a decoy layers/ folder in the current directory must not be read by accident
    (work / "layers").mkdir(parents=True)
    for name in datasets.FILES.values():
        (work / "layers" / name).write_text("not a layer\n", encoding="utf-8")
    probe = subprocess.run(
        [str(py), "-c", "import json, geo, geo.datasets as d; print(json.dumps("
         "[geo.__file__, str(d.layers()), geo.__version__]))"],
        cwd=work, env=_env(), capture_output=True, text=True, timeout=120, check=True)
    geo_file, layers_dir, version = json.loads(probe.stdout)
    assert Path(geo_file).is_relative_to(venv), geo_file
    assert Path(layers_dir).is_relative_to(venv)
    assert version == geo.__version__
    build = subprocess.run(
        [str(venv / "bin" / "routerisk"), "build", "--formats", "png", "--out", "out"],
        cwd=work, env=_env(), capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    out = work / "out"
    for name in ("route_risk_map.html", "segments.geojson", "routes.csv", "incidents_fate.csv",
                 "route_risk_map.png", "route_risk.gpkg"):
        assert (out / name).stat().st_size > 0, name
    features = json.loads((out / "segments.geojson").read_text("utf-8"))["features"]
    assert len(features) > 30
