"""The dask engine's pair search: spatial partitions of segments with a halo of incidents."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from geo import settings
from geo._errors import RouteriskError, UsageError
from geo.risk import PointPairs, local_point_pairs

__all__ = ["dask_point_pairs"]


def _partition_pairs(part: pd.DataFrame, px: np.ndarray, py: np.ndarray, h: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of one spatial partition of segments, on a worker; global indices out.

    Only incidents within the partition's bounding box grown by the largest bandwidth (the halo)
    can reach its segments, so only those are searched.
    """
    geoms = part.geometry.values
    if not len(geoms):
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0)
    minx, miny, maxx, maxy = part.geometry.total_bounds
    halo = float(h.max()) if len(h) else 0.0
    inside = np.flatnonzero((px >= minx - halo) & (px <= maxx + halo)
                            & (py >= miny - halo) & (py <= maxy + halo))
    pt, seg, val = local_point_pairs(px[inside], py[inside], h[inside], np.asarray(geoms))
    rows = part["_row"].to_numpy()
    return inside.astype(np.int32)[pt], rows[seg].astype(np.int32), val


_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$")


def check_address(address: str) -> str:
    """``address`` if it is a dask scheduler address (``tcp://host:port``, ``tls://…``, or an
    ``inproc://``, ``ucx://``, ``ws://`` address, which distributed checks itself).

    >>> check_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_address("10.0.0.5")
    Traceback (most recent call last):
    ...
    geo.UsageError: scheduler: '10.0.0.5' is not a scheduler address; give tcp://HOST:PORT \
(for example tcp://10.0.0.5:8786)
    """
    if re.match(r"^(inproc|ucx|ws|wss)://\S+$", address.strip()):
        return address.strip()  # in-process and other transports: distributed checks them
    found = _ADDRESS.match(address.strip())
    if not found or not 0 < int(found.group(3)) < 65536:
        raise UsageError(f"{address!r} is not a scheduler address; give tcp://HOST:PORT (for "
                         "example tcp://10.0.0.5:8786)", field="scheduler")
    return address.strip()


def _reach(address: str, seconds: float) -> None:
    """Connect and handshake with the scheduler within ``seconds`` in all, or raise one line.

    ``distributed.Client(timeout=…)`` bounds the TCP connect only: a port that accepts and never
    answers the handshake would hang it for good, so the whole handshake is tried first here
    under one deadline.
    """
    from distributed.comm import connect

    async def probe() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=seconds), seconds)
        await comm.close()

    try:
        asyncio.run(probe())
    except (TimeoutError, OSError) as exc:
        why = "no answer" if isinstance(exc, TimeoutError) else \
            (str(exc) or type(exc).__name__)
        raise RouteriskError(f"cannot reach the dask scheduler at {address} within "
                             f"{seconds:g} s ({why}); check that it runs and the address",
                             field="scheduler") from None


@contextlib.contextmanager
def _client(scheduler: Any) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler is None:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
    elif isinstance(scheduler, str):
        address = check_address(scheduler)
        seconds = float(settings.DASK_CONNECT_TIMEOUT)
        _reach(address, seconds)
        with Client(address, timeout=f"{seconds:g}s") as client:
            yield client
    else:
        yield scheduler  # a distributed.Client the caller owns


def dask_point_pairs(*, scheduler: Any = None, partitions: int | None = None) -> PointPairs:
    """A pair finder (see :data:`geo.risk.PointPairs`) that runs on a dask.distributed cluster."""

    def find(px: np.ndarray, py: np.ndarray, h: np.ndarray, seg_m: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        import dask
        import dask_geopandas
        import geopandas as gpd

        frame = gpd.GeoDataFrame({"_row": np.arange(len(seg_m))}, geometry=seg_m)
        with _client(scheduler) as client:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            n_parts = max(1, min(len(seg_m), partitions or 4 * n_workers))
            dseg = dask_geopandas.from_geopandas(frame, npartitions=n_parts)
            # Hilbert order: each partition is a compact patch, so its halo holds few incidents
            dseg = dseg.spatial_shuffle(by="hilbert", npartitions=n_parts)
            # every worker gets the incident coordinates once; a task picks its halo from them
            fx, fy, fh = client.scatter([px, py, h], broadcast=True)
            tasks = [dask.delayed(_partition_pairs)(part, fx, fy, fh)
                     for part in dseg.to_delayed()]
            results = client.compute(tasks, sync=True)
        if not results:
            return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0)
        return (np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results]),
                np.concatenate([r[2] for r in results]))

    return find
