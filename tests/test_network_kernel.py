"""The network kernel: mass runs along corridors, is split at junctions and kept at ends."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import columns as C
from geo._errors import ConfigError
from geo.risk import RiskField, incident_fate, load_model
from geo.segment import segment_corridors
from tests._factories import AS_OF, STRAIGHT, UNITS, incident, incidents

EUCLID = replace(load_model(), border_crossing_exposure=0.0, quality_factors=(1.0,) * 5)
NETWORK = replace(EUCLID, kernel_distance="network")


def corridors(lines: dict[str, list[tuple[float, float]]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {C.CORRIDOR_ID: list(lines), C.ROUTE: ["R"] * len(lines), C.NAME: list(lines),
         C.MODE: ["road"] * len(lines), C.SOURCE: ["test"] * len(lines)},
        geometry=[shapely.LineString(v) for v in lines.values()], crs=4326)


def mass(segments, rows, model):
    field = RiskField(segments, incidents(rows), model=model)
    return np.bincount(field.pair_inc, weights=field.pair_val, minlength=len(rows))


STRAIGHT_SEG = segment_corridors(STRAIGHT, UNITS, max_km=25)
# a trunk along the equator and a branch leaving it at 1.5°E to the north (a T junction)
T_SEG = segment_corridors(corridors({"trunk": [(0, 0), (1.5, 0), (3, 0)],
                                     "branch": [(1.5, 0), (1.5, 0.9)]}), UNITS, max_km=25)
# road and rail side by side, 2 km apart, never joined
TWIN_SEG = segment_corridors(corridors({"road": [(0, 0), (3, 0)],
                                        "rail": [(0, 0.018), (3, 0.018)]}), UNITS, max_km=25)


def test_on_a_straight_corridor_both_kernels_agree():
    rows = [incident("a", lon=1.0, lat=0.0), incident("b", lon=1.3, lat=20 / 110.574)]
    e, n = mass(STRAIGHT_SEG, rows, EUCLID), mass(STRAIGHT_SEG, rows, NETWORK)
    assert e[0] == pytest.approx(1.0, abs=1e-9) and n[0] == pytest.approx(1.0, abs=1e-9)
    # 20 km off the road with h = 50 km: (1 - 0.4²)^2.5 under both
    assert n[1] == pytest.approx((1 - 0.4**2) ** 2.5, rel=1e-3)
    assert e[1] == pytest.approx(n[1], rel=5e-3)
    fe = RiskField(STRAIGHT_SEG, incidents(rows[:1]), model=EUCLID)
    fn = RiskField(STRAIGHT_SEG, incidents(rows[:1]), model=NETWORK)
    np.testing.assert_allclose(fe.density(AS_OF), fn.density(AS_OF), rtol=2e-3, atol=1e-9)


def test_junctions_and_ends_conserve_the_mass():
    near_fork = [incident("fork", lon=1.55, lat=0.05)]  # beside the junction
    near_end = [incident("end", lon=2.9, lat=0.0)]  # 11 km from the end of the corridor
    # 5.5 km off the trunk (h = 50 km): the access share, then nothing lost at the fork
    assert mass(T_SEG, near_fork, NETWORK)[0] == pytest.approx(
        (1 - (0.05 * 110.574 / 50) ** 2) ** 2.5, abs=2e-3)
    assert mass(T_SEG, near_fork, EUCLID)[0] > 1.2  # the planar kernel counts the fork twice
    assert mass(STRAIGHT_SEG, near_end, NETWORK)[0] == pytest.approx(1.0, abs=1e-9)
    assert mass(STRAIGHT_SEG, near_end, EUCLID)[0] < 0.8  # cut off by the end


def test_parallel_corridors_do_not_double_count():
    rows = [incident("a", lon=1.5, lat=0.002)]
    assert mass(TWIN_SEG, rows, EUCLID)[0] > 1.9
    assert mass(TWIN_SEG, rows, NETWORK)[0] == pytest.approx(1.0, abs=0.01)


def test_beyond_the_access_distance_an_incident_is_unassigned_and_fate_shows_mass():
    far = replace(NETWORK, kernel_access_km=10.0)
    rows = [incident("near", lon=1.0, lat=5 / 110.574), incident("far", lon=1.0,
                                                                  lat=15 / 110.574),
            incident("unit", admin1="East", country="AA")]
    fate = incident_fate(STRAIGHT_SEG, incidents(rows), as_of=AS_OF, model=far)
    fate = fate.set_index(C.INCIDENT_ID)
    assert fate.loc["near", C.KERNEL_MASS] == pytest.approx((1 - 0.1**2) ** 2.5, abs=1e-3)
    assert fate.loc["far", C.STATUS] == "unassigned" and fate.loc["far", C.KERNEL_MASS] == 0
    # a unit-level incident: its flat density times the corridor length in its unit
    east_km = STRAIGHT_SEG.loc[STRAIGHT_SEG[C.ADMIN1] == "East", C.LENGTH_KM].sum()
    assert fate.loc["unit", C.KERNEL_MASS] == pytest.approx(0.25 * east_km / 100, abs=1e-4)


def test_kernel_settings_are_checked(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('[kernel]\ndistance = "nework"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[kernel\]: distance: 'nework' is not 'euclidean' or"):
        load_model(path)
    path.write_text('[kernel]\ndistance = "network"\naccess_km = 5\n', encoding="utf-8")
    model = load_model(path)
    assert (model.kernel_distance, model.kernel_access_km) == ("network", 5.0)
