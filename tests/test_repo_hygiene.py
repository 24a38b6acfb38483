"""The repository refers only to files it holds: no pointers to team folders, design briefs or
issue trackers, and every repository path the README names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = (".py", ".md", ".ipynb", ".toml", ".cff", ".cfg", ".txt", ".j2", ".js", ".css")
# built by pieces so that this file does not match itself
FORBIDDEN = ("../" + "shared", "DESIGN" + ".md", "issue " + "note", "seeds" + "/")


def _repo_texts() -> dict[Path, str]:
    found = {}
    for folder in ("geo", "tests", "docs", "layers", "benchmarks", "notebooks", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and (path.suffix in TEXT or folder == ".ci") \
                    and "__pycache__" not in path.parts:
                found[path] = path.read_text(encoding="utf-8", errors="replace")
    for name in ("README.md", "CHANGELOG.md", "CITATION.cff", "pyproject.toml"):
        found[ROOT / name] = (ROOT / name).read_text(encoding="utf-8")
    return found


def test_nothing_points_outside_the_repository():
    bad = [(str(p.relative_to(ROOT)), word) for p, text in _repo_texts().items()
           for word in FORBIDDEN if word in text]
    assert bad == []


def test_every_repository_path_the_readmes_name_exists():
    named = set()
    for readme in ("README.md", "layers/README.md", "geo/datasets/README.md"):
        text = (ROOT / readme).read_text(encoding="utf-8")
        base = (ROOT / readme).parent
        for ref in re.findall(r"`([\w./-]+\.(?:md|py|toml|ipynb|geojson|csv|txt|png|cff))`",
                              text):
            generated = ref.startswith(("output/", "~"))
            if generated or ("/" not in ref and not (base / ref).exists()):
                continue  # generated files, or a bare output file name
            named.add(ref)
            assert (ROOT / ref).exists() or (base / ref).exists() or any(
                ROOT.glob(f"*/{ref}")), f"{readme}: {ref}"
    assert {"docs/inputs.md", "layers/README.md", "docs/performance.md"} <= named
