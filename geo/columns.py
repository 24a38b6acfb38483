"""Column names used across routerisk: one place, no strings scattered around.

Input layers follow ``docs/inputs.md``; derived columns are added by the pipeline stages.
"""

from __future__ import annotations

__all__ = [
    "ADMIN1",
    "ADMIN1_CODE",
    "ADMIN1_SOURCE",
    "BASELINE_ID",
    "BORDER_CROSSING",
    "COARSE_SHARE",
    "CORRIDOR_ID",
    "COUNT",
    "COUNTRY",
    "COVERAGE",
    "COVERAGE_INSIDE",
    "COVERAGE_OUTSIDE",
    "DATE",
    "DATE_PRECISION",
    "DATE_TEXT",
    "END_DATE",
    "EXPOSURE",
    "EXPOSURE_INDEX",
    "GEO_PRECISION",
    "INCIDENT_COLUMNS",
    "INCIDENT_ID",
    "INTERCEPTION_INDEX",
    "KERNEL_MASS",
    "LAT",
    "LENGTH_KM",
    "LON",
    "MAX_BAND",
    "MODE",
    "NAME",
    "NOTES",
    "OUTSIDE_KM",
    "PERIOD_END",
    "PLACE",
    "REASON",
    "REVIEW_COLUMNS",
    "RISK_BAND",
    "RISK_DENSITY",
    "ROUTE",
    "ROW",
    "SEGMENT_ID",
    "SEQ",
    "SOURCE",
    "SOURCE_DATE",
    "SOURCE_NAME",
    "SOURCE_QUALITY",
    "SOURCE_URL",
    "STATUS",
    "TOP_INCIDENTS",
    "TYPE",
    "VISIBILITY",
]

# Boundaries
COUNTRY = "country"
ADMIN1 = "admin1"
ADMIN1_CODE = "admin1_code"
#: The source's own first-level name when the boundaries give another (written by import)
ADMIN1_SOURCE = "admin1_source"

# Corridors
CORRIDOR_ID = "corridor_id"
ROUTE = "route"
NAME = "name"
MODE = "mode"
SOURCE = "source"

# Incidents (input)
INCIDENT_ID = "incident_id"
DATE = "date"
END_DATE = "end_date"
TYPE = "type"
LAT = "lat"
LON = "lon"
PLACE = "place"
DATE_PRECISION = "date_precision"
GEO_PRECISION = "geo_precision"
COUNT = "count"
SOURCE_NAME = "source_name"
SOURCE_URL = "source_url"
SOURCE_DATE = "source_date"
SOURCE_QUALITY = "source_quality"
NOTES = "notes"
VISIBILITY = "visibility"

INCIDENT_COLUMNS = (
    INCIDENT_ID,
    DATE,
    END_DATE,
    TYPE,
    LAT,
    LON,
    PLACE,
    ADMIN1,
    ADMIN1_SOURCE,
    COUNTRY,
    DATE_PRECISION,
    GEO_PRECISION,
    COUNT,
    SOURCE_NAME,
    SOURCE_URL,
    SOURCE_DATE,
    SOURCE_QUALITY,
    NOTES,
    VISIBILITY,
)

#: columns ``routerisk extract`` adds for review; ``build`` reads a file with them as it is and
#: ignores them (no "unknown column" warning)
REVIEW_COLUMNS = ("status", "source_id", "evidence", "evidence_start", "evidence_end",
                  "confidence", "why")

# Incidents (derived by geo.io)
DATE_TEXT = "date_text"  # the date exactly as written in the input
PERIOD_END = "period_end"  # last day of the period the date stands for (or of end_date)
ROW = "row"  # 1-based data row (CSV line number minus the header) or feature number

# Segments
SEGMENT_ID = "segment_id"
SEQ = "seq"
LENGTH_KM = "length_km"
BORDER_CROSSING = "border_crossing"
# "inside" a boundary polygon, or "outside" every one (no boundary data: country unknown)
COVERAGE = "coverage"
COVERAGE_INSIDE = "inside"
COVERAGE_OUTSIDE = "outside"
RISK_DENSITY = "risk_density"
RISK_BAND = "risk_band"
TOP_INCIDENTS = "top_incidents"
EXPOSURE = "exposure"
# share of risk_density from incidents known only to a province or a country
COARSE_SHARE = "coarse_share"

# Routes
# 1 - exp(-exposure): a 0-1 rescaling of exposure for ranking routes, NOT a probability (the
# calibrated probability is p_<H>d)
EXPOSURE_INDEX = "exposure_index"
# the former name of exposure_index, kept (same values) for one release
INTERCEPTION_INDEX = "interception_index"
MAX_BAND = "max_band"
OUTSIDE_KM = "outside_km"  # km of the corridor outside every boundary polygon

#: ``incident_id`` of the border-crossing baseline in ``top_incidents`` (not an incident).
BASELINE_ID = "baseline"

# Incident fate
STATUS = "status"
REASON = "reason"
KERNEL_MASS = "kernel_mass"  # an incident's spatial kernel summed over every segment
