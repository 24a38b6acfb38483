"""Where the scoring core runs: ``local`` (this process) or ``dask`` (a dask.distributed cluster).

Both engines compute the same :class:`geo.risk.RiskField`; only the search for point-incident ×
segment pairs (the expensive part) moves. The dask engine cuts the segments into spatial
partitions (dask-geopandas, Hilbert order), sends each partition with the incidents inside its
bounding box grown by the largest bandwidth (the halo) to a worker, and gathers the pairs. Coarse
incidents, the border baseline, dates and top contributors are then computed here exactly as the
local engine does, so results agree to floating-point summation order (``rtol`` 1e-12).

>>> ENGINES
('local', 'dask')
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from geo._errors import UsageError
from geo.risk import RiskField, RiskModel

__all__ = ["ENGINES", "risk_field"]

ENGINES = ("local", "dask")


def risk_field(segments: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *, model: RiskModel,
               engine: str = "local", scheduler: Any = None, partitions: int | None = None
               ) -> RiskField:
    """The :class:`~geo.risk.RiskField` of ``segments`` and ``incidents``, on an engine.

    Parameters
    ----------
    segments
        Output of :func:`geo.segment.segment_corridors`.
    incidents
        Output of :func:`geo.io.read_incidents`.
    model
        Risk model parameters.
    engine
        ``"local"`` (default) or ``"dask"``.
    scheduler
        With ``"dask"``: a scheduler address (``"tcp://host:8786"``) or a
        ``distributed.Client``; ``None`` starts a local cluster for this call.
    partitions
        With ``"dask"``: number of spatial partitions of the segments (default: 4 per worker).

    Returns
    -------
    RiskField
        The same field on either engine; densities agree to floating-point summation order.

    Examples
    --------
    On a running cluster (``dask scheduler`` and ``dask worker`` with routerisk installed)::

        field = risk_field(segments, incidents, model=load_model(), engine="dask",
                           scheduler="tcp://scheduler-host:8786")
        scored = score_segments(segments, incidents, as_of=as_of, model=model, field=field)
    """
    if engine == "local":
        if scheduler is not None:
            raise UsageError("a scheduler needs engine='dask'", field="scheduler")
        return RiskField(segments, incidents, model=model)
    if engine == "dask":
        from geo.engine._dask import check_address, dask_point_pairs

        if isinstance(scheduler, str):
            scheduler = check_address(scheduler)
        finder = dask_point_pairs(scheduler=scheduler, partitions=partitions)
        return RiskField(segments, incidents, model=model, point_pairs=finder)
    raise UsageError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}",
                     field="engine")
