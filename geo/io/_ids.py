"""Incident ids of the batches already read, to find a duplicate in a later batch.

Within a batch the vectorised checks send every repeated id to the per-row checks. Across
batches, each batch's ids are looked up among the earlier ones: a hit goes to the per-row checks
too, which report it as a duplicate of the first row with that id (``first at row N``), exactly
as a read of the whole file at once would. The earlier ids are kept as sorted 64-bit hashes (8
bytes each, in a few sorted runs); a hash hit is confirmed on the id itself.
"""

from __future__ import annotations

from itertools import islice

import numpy as np
import pandas as pd

from geo import columns as C
from geo.io._fields import _Context

_SLOW = -1  # an id of a row the per-row checks saw: it is in ctx.seen_ids


def _hash(keys: pd.Series | list[str]) -> np.ndarray:
    return pd.util.hash_array(np.asarray(keys, dtype=object))


class SeenIds:
    """The ids of earlier batches: accepted by the vectorised checks, or seen per row."""

    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted hashes, where)
        self.parts: list[pd.DataFrame] = []  # rows accepted at once (id and row locator)
        self._pending: list[int] = []  # parts not yet hashed
        self._slow_seen = 0  # entries of ctx.seen_ids already hashed

    def add(self, accepted: pd.DataFrame) -> None:
        """After a batch: its rows accepted at once (and, implicitly, its per-row ids)."""
        if not len(accepted):
            return
        self.parts.append(accepted[[C.INCIDENT_ID, C.ROW]])
        self._pending.append(len(self.parts) - 1)

    def _flush(self) -> None:
        """Hash what the batches before this one added (only once a later batch needs it)."""
        for p in self._pending:
            ids = self.parts[p][C.INCIDENT_ID]
            if len(ids):
                self._run(_hash(ids), (p << 32) + np.arange(len(ids), dtype=np.int64))
        self._pending = []
        seen = self.ctx.seen_ids
        if len(seen) > self._slow_seen:
            new = list(islice(seen, self._slow_seen, None))
            self._run(_hash(new), np.full(len(new), _SLOW, dtype=np.int64))
            self._slow_seen = len(seen)

    def _run(self, hashes: np.ndarray, where: np.ndarray) -> None:
        """Add a sorted run; merge runs of like size (a few runs, each lookup a binary search)."""
        while self.runs and len(self.runs[-1][0]) <= 2 * len(hashes):
            last_hashes, last_where = self.runs.pop()
            hashes = np.concatenate([last_hashes, hashes])
            where = np.concatenate([last_where, where])
        order = np.argsort(hashes, kind="stable")
        self.runs.append((hashes[order], where[order]))

    def earlier(self, keys: pd.Series) -> np.ndarray:
        """Which of these ids an earlier batch had; each such id gets its first row in
        ``ctx.seen_ids`` so that the per-row check names it."""
        self._flush()
        found = np.zeros(len(keys), dtype=bool)
        if not self.runs or not len(keys):
            return found
        hashes = _hash(keys)
        for sorted_hashes, where in self.runs:
            pos = np.searchsorted(sorted_hashes, hashes)
            inside = pos < len(sorted_hashes)
            hit = np.zeros(len(keys), dtype=bool)
            hit[inside] = sorted_hashes[pos[inside]] == hashes[inside]
            for r in np.flatnonzero(hit & ~found):
                found[r] = self._confirm(str(keys.iat[int(r)]), sorted_hashes, where, int(pos[r]))
        return found

    def _confirm(self, key: str, sorted_hashes: np.ndarray, where: np.ndarray, j: int) -> bool:
        seen = self.ctx.seen_ids
        if key in seen:
            return True
        target = sorted_hashes[j]
        while j < len(sorted_hashes) and sorted_hashes[j] == target:
            w = int(where[j])
            if w != _SLOW:
                part, pos = self.parts[w >> 32], w & 0xFFFFFFFF
                if part[C.INCIDENT_ID].iat[pos] == key:
                    seen[key] = str(part[C.ROW].iat[pos])
                    return True
            j += 1
        return False
