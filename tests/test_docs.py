"""The documentation builds clean: Sphinx, numpydoc validation of every documented public
function, every ``docs/*.md`` page included, warnings as errors. Offline (no intersphinx)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _public_modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "geo").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or parts == ("geo",):
            continue
        names.append(".".join(parts))
    return names


def test_every_public_module_is_in_the_reference() -> None:
    reference = (DOCS / "reference" / "api.rst").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: (\S+)", reference, flags=re.MULTILINE))
    # a package documented as a whole (geo.io re-exports its modules' names) covers them
    missing = [m for m in _public_modules()
               if m not in documented and m.rsplit(".", 1)[0] not in documented - {"geo.maps"}]
    assert missing == [], f"add '.. automodule:: NAME' to docs/reference/api.rst: {missing}"


def test_sphinx_builds_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    html = tmp_path / "html"
    pages = {p.relative_to(html).as_posix() for p in html.rglob("*.html")}
    for md in DOCS.glob("*.md"):
        assert f"{md.stem}.html" in pages, f"docs/{md.name} did not join the documentation"
    for guide in ("build", "read-map", "compare", "route", "publish"):
        assert f"guide/{guide}.html" in pages
    api = (tmp_path / "html" / "reference" / "api.html").read_text(encoding="utf-8")
    assert "geo.api.build" in api and "Examples" in api
