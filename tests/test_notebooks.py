"""The notebooks run top to bottom on the bundled data, and are committed without outputs.

Execution runs a kernel of the interpreter running the tests: the test writes a ``python3``
kernelspec for ``sys.executable`` into a temporary directory put first on ``JUPYTER_PATH``, so
no kernel installed on the machine (a stale one under ``~/.local`` pointing at a deleted
virtualenv, say) is used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_the_four_notebooks():
    assert IDS == ["01_explore_incidents", "02_tune_risk_model", "03_report_figures",
                   "04_bring_your_own_data"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.get('id')} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.get('id')} was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_uses_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "geo._" not in code and "from geo import _" not in code


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_top_to_bottom(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("ROUTERISK_FIGURES", str(tmp_path / "figures"))
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(path, as_version=4)
    # run from the repository root, so that the kernel imports this checkout's geo
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    warnings = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"
                and "Warning" in o.text]
    assert warnings == []
    kinds = {k for o in outputs for k in o.get("data", {})}
    assert "text/html" in kinds or "image/png" in kinds  # tables, maps or plots shown inline
    if path.stem == "01_explore_incidents":
        html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
        assert "leaflet" in html.lower()  # the folium map, inline
        assert "image/png" in kinds  # the timeline
    if path.stem == "02_tune_risk_model":
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3
    if path.stem == "04_bring_your_own_data":
        text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert "read as ACLED export (upper-case, before 2019), cp1252 (Windows Latin-1)" in text
        assert "no type mapping for sub_event_type/event_type 'Drone swarm': 1 rows" in text
    if path.stem == "03_report_figures":
        written = {p.name for p in (tmp_path / "figures").iterdir()}
        assert {"route_risk_map.png", "route_risk_map.svg", "route_risk_map.pdf",
                "route_risk_map_public.png", "route_risk_map_family.png"} <= written
