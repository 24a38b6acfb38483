"""``geo.datasets``: the bundled layers are package data found by an explicit call."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo
from geo import datasets, pipeline


def test_every_dataset_is_a_file_inside_the_package():
    package = Path(geo.__file__).resolve().parent
    for name in datasets.available:
        path = datasets.get_path(name)
        assert path.is_file() and path.stat().st_size > 0
        assert path.is_relative_to(package / "datasets")
    assert (datasets.layers() / "LICENSES" / "LGPL-3.0.txt").is_file()


def test_unknown_dataset_names_the_available_ones():
    with pytest.raises(ValueError, match="'roads' is not available; available: boundaries, "
                                         "corridors, incidents"):
        datasets.get_path("roads")


def test_a_layers_folder_in_the_current_directory_is_never_picked(tmp_path, monkeypatch):
    decoy = tmp_path / "layers"
    decoy.mkdir()
    for name in datasets.FILES.values():
        (decoy / name).write_text("not a layer\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert pipeline.bundled_layers() == datasets.layers()
    paths = pipeline.resolve_paths()
    assert paths == {k: datasets.get_path(k) for k in datasets.available}
    # an explicit --layers still reads that folder
    assert pipeline.resolve_paths(layers=Path("layers"))["corridors"] == Path(
        "layers/corridors.geojson")
