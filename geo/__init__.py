"""routerisk: explainable, dated, precision-aware risk on overland corridor segments.

Modules: :mod:`geo.io` (read and validate layers), :mod:`geo.segment` (cut corridors),
:mod:`geo.risk` (score segments), :mod:`geo.routes` (route summaries), :mod:`geo.export`
(files), :mod:`geo.maps` (HTML and static maps), :mod:`geo.pipeline` (the whole build).
"""

from geo._version import __version__

__all__ = ["__version__"]
