"""Strict model configuration: typos are errors with a hint; `routerisk config` shows origins."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo._config import effective_toml
from geo._errors import ConfigError
from geo.cli import main
from geo.risk import load_model


def write(tmp_path: Path, text: str, name: str = "model.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("[segment]\nmax_km = 5\n", r"model.toml:\[segment\]: -: unknown section \[segment\]; "
                                r"did you mean 'segments'\?"),
    ("[bands]\nthreshold = [1, 2, 3, 4]\n",
     r"model.toml:\[bands\]: threshold: unknown key 'threshold' in \[bands\]; did you mean "
     r"'thresholds'\?"),
    ("[types.arest]\nweight = 1\nhalf_life_days = 10\nbandwidth_km = 5\n",
     r"model.toml:\[types.arest\]: -: unknown type 'arest'; did you mean 'arrest'\?"),
    ("[types.Border-Closure]\nweight = 1\nhalf_life_days = 10\nbandwidth_km = 5\n",
     r"did you mean 'border_closure'\?"),
    ("[types.arrest]\nhalflife_days = 90\n",
     r"\[types.arrest\]: halflife_days: unknown key 'halflife_days' of a type; did you mean "
     r"'half_life_days'\?"),
    ("[types.arrest]\nweight = \"high\"\n", r"\[types.arrest\]: weight: 'high' is not a number"),
    ("[segments]\ntop_incidents = 2.5\n", r"\[segments\]: top_incidents: 2.5 is not a whole"),
    ("[segments]\nmax_km = true\n", r"\[segments\]: max_km: True is not a number"),
    ("[bands]\nlabels = [1, 2, 3, 4, 5]\n", r"labels: \[1, 2, 3, 4, 5\] is not a list of texts"),
    ("max_km = 5\n", r"unknown key 'max_km' outside any section"),
    ("[types]\narrest = 5\n", r"\[types.arrest\]: -: must be a table"),
    ("[types.smuggling]\nweight = 1\nbandwidth_km = 5\n",
     r"\[types.smuggling\]: half_life_days: a new type needs half_life_days"),
    ("[types.arrest]\nsymbol = 4\n", r"symbol: 4 is not a text"),
    ("[bands]\npreset = \"medium\"\n", r"preset: 'medium' is not a band preset \(known: fixed, "
                                       r"dense, sparse\)"),
    ("[bands]\npreset = \"dense\"\nthresholds = [1, 2, 3, 4]\n",
     r"thresholds: give either preset or thresholds, not both"),
    ("[segments\n", r"model.toml:-: -: not valid TOML"),
])
def test_typos_and_wrong_kinds_are_errors_naming_file_section_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected):
        load_model(path)


def test_a_genuinely_new_type_with_every_required_key_is_accepted(tmp_path):
    path = write(tmp_path, "[types.smuggling]\nlabel = \"Smuggling\"\nweight = 0.8\n"
                           "half_life_days = 200\nbandwidth_km = 40\n")
    model = load_model(path)
    assert model.types["smuggling"].weight == 0.8
    assert model.types["arrest"].half_life_days == 180  # the rest untouched


def test_band_presets_name_the_scheme(tmp_path):
    assert load_model().band_scheme == "evidence"
    fixed = load_model(write(tmp_path, "[bands]\nscheme = \"fixed\"\n", "f.toml"))
    assert (fixed.band_scheme, fixed.band_thresholds) == ("fixed", (0.1, 0.5, 1.5, 4.0))
    dense = load_model(write(tmp_path, "[bands]\npreset = \"dense\"\n"))
    assert dense.band_scheme == "dense"
    assert dense.band_thresholds == (5.0, 15.0, 30.0, 50.0)
    custom = load_model(write(tmp_path, "[bands]\nthresholds = [0.2, 1, 2, 5]\n", "c.toml"))
    assert (custom.band_scheme, custom.band_thresholds) == ("custom", (0.2, 1.0, 2.0, 5.0))
    # a later file's thresholds win over an earlier file's preset
    both = load_model([tmp_path / "model.toml", tmp_path / "c.toml"])
    assert both.band_scheme == "custom"


def test_config_command_prints_the_effective_model_with_origins(tmp_path, capsys):
    path = write(tmp_path, "[segments]\nmax_km = 10\n[types.checkpoint]\nweight = 0.7\n")
    assert main(["config", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"max_km = 10  # {path}" in out
    assert f"weight = 0.7  # {path}" in out
    assert "half_life_days = 365  # packaged default" in out  # checkpoint's other keys
    assert "top_incidents = 5  # packaged default" in out
    # the printed text is a model file itself: read back, it gives the same model
    again = write(tmp_path, out, "again.toml")
    assert load_model(again) == load_model(path)
    assert effective_toml().count("# packaged default") > 30


def test_config_command_reports_a_typo_in_one_line(tmp_path, capsys):
    path = write(tmp_path, "[segment]\nmax_km = 5\n")
    assert main(["config", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:[segment]: -: unknown section [segment]; did you mean 'segments'?" in err
    assert "Traceback" not in err


def test_effective_model_of_a_preset_shows_its_thresholds_and_reads_back(tmp_path):
    path = write(tmp_path, "[bands]\npreset = \"dense\"\n")
    text = effective_toml([path])
    assert f"thresholds = [5.0, 15.0, 30.0, 50.0]  # {path} (preset)" in text
    assert load_model(write(tmp_path, text, "again.toml")) == load_model(path)


def test_a_config_with_20000_types_loads_in_linear_time(tmp_path) -> None:
    """Type looks were assigned with a quadratic loop: 65 s (up to 300 s on a loaded machine)
    for 20,000 types. Linear now: about 3 s; the bound is loose, for a busy machine."""
    import time

    from geo.risk import load_model

    path = tmp_path / "many.toml"
    path.write_text("".join(f"[types.t{i}]\nweight = 1.0\nhalf_life_days = 30\n"
                            f"bandwidth_km = 10\n" for i in range(20_000)))
    started = time.monotonic()
    model = load_model(path)
    assert len(model.types) >= 20_000
    assert time.monotonic() - started < 45
    looks = {(t.symbol, t.color) for t in model.types.values()}
    assert len(looks) > 20  # added types still spread over the shapes and colours
