"""Per-corridor summaries, kept at their first address: they live in :mod:`geo.summaries` now
(:func:`~geo.summaries.summarise_corridors`, also named ``summarise_routes``, and
:func:`~geo.summaries.summarise_families`). New code imports from there.
"""

from __future__ import annotations

from geo.summaries import (
    any_incident,
    p_columns,
    summarise_corridors,
    summarise_families,
    summarise_routes,
)

__all__ = ["any_incident", "p_columns", "summarise_corridors", "summarise_families",
           "summarise_routes"]
