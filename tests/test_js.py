"""The map's script modules: syntax-checked with ``node --check`` (each module and the page's
assembled script) and unit-tested with Node's own test runner (``tests/js/*.test.js``: label
collision, band repaint on a slider step, hit-testing, time steps, picking). No npm package is
needed. Without Node the tests FAIL (CI installs it), never skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from geo.maps._assets import JS_MODULES, routerisk_js

JS_DIR = Path(__file__).resolve().parent.parent / "geo" / "maps" / "templates" / "js"
TESTS = sorted((Path(__file__).resolve().parent / "js").glob("*.test.js"))


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: the map's script tests cannot run; "
                    "apt-get install nodejs")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node(), *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_every_module_file_is_assembled_in_order():
    assert sorted(p.stem for p in JS_DIR.glob("*.js")) == sorted(JS_MODULES)
    text = routerisk_js()
    at = [text.index(f"/* --- {name}.js --- */") for name in JS_MODULES]
    assert at == sorted(at)


@pytest.mark.parametrize("name", JS_MODULES)
def test_module_syntax(name: str):
    proc = run("--check", str(JS_DIR / f"{name}.js"))
    assert proc.returncode == 0, proc.stderr


def test_assembled_script_syntax_and_strict_mode(tmp_path: Path):
    script = tmp_path / "routerisk.js"
    script.write_text(routerisk_js(), encoding="utf-8")
    proc = run("--check", str(script))
    assert proc.returncode == 0, proc.stderr
    for name in JS_MODULES:
        module = (JS_DIR / f"{name}.js").read_text("utf-8")
        assert '"use strict";' in module or name == "main", name


def test_node_unit_tests_pass():
    assert len(TESTS) >= 4
    proc = run("--test", *map(str, TESTS))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "# fail 0" in out and "# pass 0" not in out, out[-2000:]
