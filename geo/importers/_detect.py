"""Which dataset layout a CSV header belongs to (said once: "read as …")."""

from __future__ import annotations

from geo.importers._common import Header

__all__ = ["COORDS", "DATES", "IDS", "acled_layout", "detect_any", "mmp_layout", "ucdp_layout"]

IDS = ("Incident ID", "Main ID", "Web ID")
DATES = ("Incident Date", "Reported Date")
COORDS = ("Coordinates", "Location Coordinates")


def acled_layout(header: tuple[str, ...]) -> str | None:
    """The ACLED layout a header belongs to, or None.

    >>> acled_layout(("event_id_cnty", "event_date", "disorder_type", "latitude"))
    'ACLED export (lower-case, 2023+)'
    >>> acled_layout(("EVENT_ID_CNTY", "EVENT_DATE", "GWNO"))
    'ACLED export (upper-case, before 2019)'
    """
    names = set(header)
    if {"event_id_cnty", "event_date"} <= names:
        era = "2023+" if "disorder_type" in names else "2019–2022"
        return f"ACLED export (lower-case, {era})"
    if {"EVENT_ID_CNTY", "EVENT_DATE"} <= names:
        return "ACLED export (upper-case, before 2019)"
    return None


def ucdp_layout(header: tuple[str, ...]) -> str | None:
    """The UCDP GED layout a header belongs to, or None.

    >>> ucdp_layout(("id", "relid", "year", "date_start", "date_end", "where_prec", "geom_wkt"))
    'UCDP GED CSV (17.1+ layout)'
    """
    names = {h.strip().lower() for h in header}
    if not {"id", "date_start", "date_end", "where_prec"} <= names:
        return None
    return "UCDP GED CSV (17.1+ layout)" if "relid" in names else "UCDP GED CSV"


def mmp_layout(header: tuple[str, ...]) -> str | None:
    """The MMP layout a header belongs to, or None.

    >>> mmp_layout(("Main ID", "Incident ID", "Incident Date", "Coordinates"))
    'IOM Missing Migrants CSV (2021+ layout: Main ID, Incident Date, Coordinates)'
    """
    head = Header(header)
    if head.get(*IDS) is None or head.get(*DATES) is None or head.get(*COORDS) is None:
        return None
    if head.get("Web ID") is not None or head.get("Reported Date") is not None:
        return ("IOM Missing Migrants CSV (2014–2020 layout: Web ID, Reported Date, "
                "Location Coordinates)")
    return "IOM Missing Migrants CSV (2021+ layout: Main ID, Incident Date, Coordinates)"


def detect_any(header: tuple[str, ...], *, exclude: str = "") -> dict[str, bool]:
    """Which dataset layouts a header matches (for "this looks like …" hints)."""
    found = {"ACLED export": acled_layout(header) is not None,
             "UCDP GED CSV": ucdp_layout(header) is not None,
             "MMP Missing Migrants CSV": mmp_layout(header) is not None}
    return {k: v for k, v in found.items() if not k.lower().startswith(exclude)}
