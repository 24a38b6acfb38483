"""JSON-ready values and list cells stored as JSON text.

``top_incidents`` (and other list or dict cells) are lists of dicts in memory and JSON text in
every file: CSV cells, GeoPackage fields and — through :class:`JsonList`, whose ``str`` and
``repr`` are that JSON text — whatever a user writes with ``gdf.to_file()`` or ``to_csv()``.
GeoJSON keeps them as a JSON array inside the feature (it *is* JSON; OGR readers hand it back
as the same JSON text as the other formats).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["JsonList", "json_text", "plain"]


def plain(value: Any, digits: int = 6) -> Any:
    """A JSON-ready value: numpy scalars unwrapped, floats rounded, NaN/NaT as ``None``.

    >>> plain({"a": np.float64(1.23456789), "b": [np.int64(2), float("nan")]})
    {'a': 1.234568, 'b': [2, None]}
    """
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else round(f, digits)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v, digits) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v, digits) for k, v in value.items()}
    return value


def json_text(value: Any, digits: int = 6) -> str:
    """Compact, key-sorted JSON text of a value (the form of list cells in every file).

    >>> json_text([{"share": 0.5, "incident_id": "a"}])
    '[{"incident_id":"a","share":0.5}]'
    """
    return json.dumps(plain(value, digits), separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False)


class JsonList(list[Any]):
    """A list whose text form is JSON, so that any writer stores JSON text, never a repr.

    >>> cell = JsonList([{"incident_id": "a", "share": 1.0}])
    >>> cell[0]["share"], str(cell)
    (1.0, '[{"incident_id":"a","share":1.0}]')
    """

    def __str__(self) -> str:
        return json_text(self)

    __repr__ = __str__
