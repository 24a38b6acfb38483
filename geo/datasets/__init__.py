"""The bundled example layers, shipped inside the package (like ``momepy.datasets``).

Three files travel in the wheel next to this module: ``boundaries.geojson`` (first-level units
from the Digital Chart of the World, LGPL-3.0-or-later), ``corridors.geojson`` (city-to-city
escape corridors) and ``incidents.csv`` (incidents digitised from two public news reports).
Sources, licences and how each file was made: ``README.md`` and ``LICENSES/`` in this folder.

They are found by an explicit call, never through the current folder:

>>> from geo import datasets
>>> datasets.get_path("corridors").name
'corridors.geojson'
>>> sorted(p.name for p in datasets.layers().iterdir() if p.name in datasets.FILES.values())
['boundaries.geojson', 'corridors.geojson', 'incidents.csv']

``routerisk build`` without ``--layers`` reads :func:`layers`; pass ``--layers DIR`` (or
``layers=DIR`` in Python) for your own.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["FILES", "available", "get_path", "layers"]

#: Dataset name → file name inside :func:`layers`.
FILES: dict[str, str] = {
    "boundaries": "boundaries.geojson",
    "corridors": "corridors.geojson",
    "incidents": "incidents.csv",
}

#: The names :func:`get_path` accepts.
available: tuple[str, ...] = tuple(FILES)


def layers() -> Path:
    """The folder of the bundled layers, usable as ``--layers`` / ``layers=``.

    Returns
    -------
    Path
        The package folder holding the three files.

    Examples
    --------
    >>> (layers() / "incidents.csv").is_file()
    True
    """
    return Path(__file__).resolve().parent


def get_path(dataset: str) -> Path:
    """Absolute path of one bundled dataset.

    Parameters
    ----------
    dataset
        One of :data:`available`: ``"boundaries"``, ``"corridors"`` or ``"incidents"``.

    Returns
    -------
    Path
        The file inside :func:`layers`.

    Raises
    ------
    ValueError
        For any other name (the message lists the available ones).

    Examples
    --------
    >>> get_path("boundaries").suffix
    '.geojson'
    >>> get_path("roads")
    Traceback (most recent call last):
    ...
    ValueError: the dataset 'roads' is not available; available: boundaries, corridors, incidents
    """
    try:
        name = FILES[dataset]
    except KeyError:
        raise ValueError(f"the dataset {dataset!r} is not available; available: "
                         f"{', '.join(available)}") from None
    return layers() / name
