"""When an incident could first have been known, and the date its decay is measured from.

The known-by rule: an incident counts in a score as of *T* only once it could have been known by
*T* — on its ``source_date`` when one is given, otherwise at the end of the period its date stands
for (a month from its last day, a year from 31 December, a week from its seventh day, a day on
that day). A ``source_date`` written coarser than a day (``2024-09``) is known by the end of *its*
period, so nothing counts before it is certain to have been published. A source dated before the
event's period started counts from the start of the period. The age used for decay is still
measured from the middle of the event's period (see :mod:`geo.model.field`).
"""

from __future__ import annotations

import contextlib

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import columns as C
from geo._dates import parse_period

__all__ = ["known_by", "period_end_of_start"]


def period_end_of_start(incidents: pd.DataFrame) -> np.ndarray:
    """Last day of the period that each incident's ``date`` (not its ``end_date``) stands for.

    Examples
    --------
    >>> df = pd.DataFrame({C.DATE: pd.to_datetime(["2024-06-01", "2024-01-01", "2024-03-04"]),
    ...                    C.DATE_PRECISION: ["month", "year", "week"]})
    >>> [str(d) for d in period_end_of_start(df)]
    ['2024-06-30', '2024-12-31', '2024-03-10']
    """
    start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
    if C.DATE_PRECISION not in incidents:
        # without a precision column, a point-in-time event's period ends at period_end
        if C.PERIOD_END in incidents:
            end = incidents[C.PERIOD_END].to_numpy(dtype="datetime64[D]")
            interval = (incidents[C.END_DATE].notna().to_numpy() if C.END_DATE in incidents
                        else np.zeros(len(start), dtype=bool))
            return np.where(interval | np.isnat(end), start, end)
        return start
    prec = incidents[C.DATE_PRECISION].astype(str).str.lower().to_numpy()
    month_end = (start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year_end = (start.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    return np.select([prec == "week", prec == "month", prec == "year"],
                     [start + 6, month_end, year_end], default=start)


def _source_known(texts: np.ndarray) -> np.ndarray:
    """Last day of the period each ``source_date`` stands for (NaT when empty or unreadable).

    Each distinct text is parsed once (a million rows hold a few thousand distinct dates).
    """
    values = pd.Series(texts, dtype=object).fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(values, sort=False)
    ends = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[D]")
    for j, text in enumerate(uniques.tolist()):
        if not text:
            continue
        with contextlib.suppress(ValueError):  # unreadable: ignored (the loaders report it)
            ends[j] = np.datetime64(parse_period(text).end, "D")
    return ends[codes] if len(codes) else np.zeros(0, dtype="datetime64[D]")


def known_by(incidents: gpd.GeoDataFrame | pd.DataFrame) -> np.ndarray:
    """The first day on which each incident counts (``datetime64[D]`` array, input order).

    ``source_date`` when given (the end of its period when written coarser than a day, never
    before the event's period starts); otherwise the end of the period of ``date``. An unreadable
    ``source_date`` is ignored (the loaders report it).

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     C.DATE: pd.to_datetime(["2023-06-01", "2023-06-01", "2023-01-01", "2023-06-01"]),
    ...     C.DATE_PRECISION: ["month", "month", "year", "month"],
    ...     C.SOURCE_DATE: ["", "2023-06-03", "", "2023-07"]})
    >>> [str(d) for d in known_by(df)]
    ['2023-06-30', '2023-06-03', '2023-12-31', '2023-07-31']
    """
    if not len(incidents):
        return np.zeros(0, dtype="datetime64[D]")
    start = incidents[C.DATE].to_numpy(dtype="datetime64[D]")
    own = period_end_of_start(incidents)
    if C.SOURCE_DATE not in incidents:
        return own
    source = _source_known(incidents[C.SOURCE_DATE].to_numpy(dtype=object))
    return np.where(np.isnat(source), own, np.maximum(source, start))
