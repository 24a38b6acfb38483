"""Maps of scored segments: :mod:`geo.maps.interactive` (offline HTML) and
:mod:`geo.maps.static` (PNG/SVG/PDF for reports), sharing the style of :mod:`geo.maps._style`.

Import the module you need; importing this package loads neither folium nor matplotlib.
"""

__all__: list[str] = []
