"""Sphinx configuration: API reference from the numpydoc docstrings, guides in Markdown.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` (the test suite does, into a
temporary folder, with warnings as errors). Offline: no intersphinx, no remote images.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import __version__  # noqa: E402

project = "routerisk"
author = "routerisk contributors"
copyright = "routerisk contributors"
release = version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# docs/dev: the development log, for developers (shipped in the sdist, not in the HTML)
exclude_patterns = ["_build", "**.ipynb_checkpoints", "dev", "screens"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []

# API reference: numpydoc renders the sections and validates every public docstring; the
# annotations give the types (docstrings do not repeat them).
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": False}
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = {
    "all",
    "ES01",  # an extended summary is welcome, not required
    "SA01",  # "See Also" is optional
    "PR04",  # parameter types come from the annotations
    "RT03",  # a return type alone may say it all
    "GL08",  # attributes and private helpers documented where they are used
    "SS05",  # summaries may start "The ..." rather than with an infinitive verb
    "SS06",  # a summary may wrap onto a second line
    "PR02",  # dataclass fields appear as parameters
    "YD01",
}
numpydoc_validation_exclude = {
    r"\.__init__$",
    r"\.__repr__$",
    r"\._repr_html_$",
    r"\.[A-Z][A-Z0-9_]*$",  # module constants, documented by their ``#:`` comment
    r"^geo\.datasets\.available$",
}

# Markdown pages (the guides, and every docs/*.md written next to the code they describe).
myst_enable_extensions = ["deflist"]
myst_heading_anchors = 3
# Pages link to files of the repository (``layers/README.md``, scripts) that are not part of
# the documentation; those links stay plain links instead of failing the build.
suppress_warnings = ["myst.xref_missing", "myst.header"]
