"""Rules the code holds in one place, each checked against a value the test computes itself:
the public incident id (HMAC-SHA256, not a plain hash), the band ranges of the static legend,
and a border crossing shared by several corridors counted once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.legend import Legend

import geo
from geo import columns as C
from geo.maps import static
from geo.publish import id_map, public_id, public_ids
from geo.risk import band_of, load_model, score_segments
from geo.segment import segment_corridors
from tests._factories import UNITS, incidents

# ------------------------------------------------------------------ public incident ids

KEYS_AND_IDS = [(bytes(32), "KMG-ARREST-2024-08"), (bytes(range(32)), "事件-7 (Tumen)"),
                (b"\xff" * 32, ""), (bytes(range(100, 132)), "a,b;c\nd")]


def _expected_id(key: bytes, original: str) -> str:
    """The documented rule, computed here: ``inc-`` + the first 16 hex digits of
    HMAC-SHA256(key, id as UTF-8)."""
    return "inc-" + hmac.new(key, original.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize(("key", "original"), KEYS_AND_IDS)
def test_public_id_is_an_hmac_of_the_id_under_the_key(key: bytes, original: str) -> None:
    expected = _expected_id(key, original)
    assert public_id(original, key=key) == expected
    assert public_ids([original], key=key) == [expected]
    # not a hash of key and id together, in either order
    assert expected != "inc-" + hashlib.sha256(key + original.encode()).hexdigest()[:16]


def test_the_id_map_and_a_public_build_use_the_same_rule(tmp_path: Path) -> None:
    key = bytes(range(7, 39))
    frame = pd.DataFrame({C.INCIDENT_ID: [o for _, o in KEYS_AND_IDS],
                          C.VISIBILITY: ["public"] * len(KEYS_AND_IDS)})
    assert id_map(frame, key=key)["public_id"].tolist() == [
        _expected_id(key, o) for _, o in KEYS_AND_IDS]
    key_file = tmp_path / "public-id.key"
    key_file.write_text(key.hex() + "\n", encoding="utf-8")
    restricted = geo.build(as_of="2024-06-01")
    public = geo.build(as_of="2024-06-01", public=True, id_key=key_file)
    visible = restricted.incidents[restricted.incidents[C.VISIBILITY] == "public"]
    expected = {_expected_id(key, str(i)) for i in visible[C.INCIDENT_ID]}
    assert len(expected) >= 5
    assert set(public.incidents[C.INCIDENT_ID]) == expected


# ------------------------------------------------------------------ band legend ranges

THRESHOLDS = [0.2, 0.7, 2.5, 6.0]  # not the packaged ones: a copied legend would not match


def _static_legend_texts(model) -> list[str]:  # type: ignore[no-untyped-def]
    line = gpd.GeoDataFrame({C.CORRIDOR_ID: ["c"], C.ROUTE: ["r"]},
                            geometry=[shapely.LineString([(0, 0), (3, 0)])], crs=4326)
    seg = segment_corridors(line, UNITS, max_km=25)
    scored = score_segments(seg, incidents([]), as_of=date(2020, 6, 1), model=model)
    fig = static.plot_risk_map(scored, incidents([]), UNITS, as_of=date(2020, 6, 1),
                               model=model)
    legends = [a for ax in fig.axes for a in ax.get_children() if isinstance(a, Legend)]
    legends += list(fig.legends)
    return [t.get_text() for lg in legends for t in lg.get_texts()]


def test_the_static_legend_gives_each_band_the_densities_it_holds() -> None:
    model = replace(load_model(), band_thresholds=tuple(THRESHOLDS))
    texts = [t for t in _static_legend_texts(model)
             if any(t.startswith(f"{label}:") for label in model.band_labels)]
    assert len(texts) == 5
    # computed here: band k holds [t(k-1), t(k)); written "< a", "a – b", "≥ b"
    bounds = [(None, THRESHOLDS[0]), *pairwise(THRESHOLDS),
              (THRESHOLDS[-1], None)]
    for k, (text, (lo, hi)) in enumerate(zip(texts, bounds, strict=True), start=1):
        label, _, shown = text.partition(": ")
        assert label == model.band_labels[k - 1]
        if lo is None:
            assert shown == f"< {hi:g}"
        elif hi is None:
            assert shown == f"≥ {lo:g}"
        else:
            assert shown == f"{lo:g} – {hi:g}"
        # and the scoring rule agrees: the range's ends fall in band k
        numbers = [float(x) for x in re.findall(r"[0-9.]+", shown)]
        if lo is not None:
            assert int(band_of(numbers[0], model.band_thresholds)) == k
        if hi is not None:
            below = np.nextafter(numbers[-1], -np.inf)
            assert int(band_of(below, model.band_thresholds)) == k


# ------------------------------------------------------------------ shared border crossing

# Two straight corridors from AA into BB that cross the border (2°E) at the same point.
X1 = shapely.LineString([(1.0, -0.5), (2.0, 0.0), (3.0, 0.5)])
X2 = shapely.LineString([(1.0, 0.5), (2.0, 0.0), (3.0, -0.5)])


def _baseline_exposure(lines: dict[str, shapely.LineString]) -> dict[str, float]:
    corridors = gpd.GeoDataFrame({C.CORRIDOR_ID: list(lines), C.ROUTE: ["r"] * len(lines)},
                                 geometry=list(lines.values()), crs=4326)
    seg = segment_corridors(corridors, UNITS, max_km=25)
    scored = score_segments(seg, incidents([]), as_of=date(2020, 6, 1), model=load_model())
    exposure = scored[C.RISK_DENSITY] * scored[C.LENGTH_KM] / 100.0
    return exposure.groupby(scored[C.CORRIDOR_ID]).sum().to_dict()


def test_corridors_sharing_a_border_crossing_count_it_once() -> None:
    value = load_model().border_crossing_exposure
    alone = {**_baseline_exposure({"x1": X1}), **_baseline_exposure({"x2": X2})}
    together = _baseline_exposure({"x1": X1, "x2": X2})
    for cid in ("x1", "x2"):
        # one crossing's exposure, spread along a straight corridor through it: the kernel
        # integrates to 1 along any line through its centre
        assert alone[cid] == pytest.approx(value, rel=0.02)
        # sharing the crossing with another corridor does not make it two crossings
        assert together[cid] == pytest.approx(alone[cid], rel=1e-9)
