"""``routerisk docs``: where the documentation of this installation is, and how to read it
offline.

The reference of every public function and class is its docstring, installed with the package
(``python -m pydoc geo.api``, ``help(geo.build)``). The guides, topic pages and the Sphinx
sources of the HTML reference are the ``docs/`` folder of the source tree and of the source
distribution (``routerisk-VERSION.tar.gz``); an installation made from a source tree (``pip
install -e .``) finds them there.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "docs_folder"]

#: The pages a reader starts from, relative to ``docs/``.
START_PAGES = ("index.rst", "guide/build.md", "inputs.md", "performance.md",
               "reference/api.rst")


def add_parser(subparsers: Any) -> None:
    """Register ``docs`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "docs", help="say where the documentation is and how to read it offline",
        description="Print where the API reference (docstrings, installed with the package) "
                    "and the guides (the docs/ folder of the source tree or source "
                    "distribution) are, with the commands that show or build them offline.")
    parser.add_argument("--path", action="store_true",
                        help="print only the docs/ folder of this installation (exit 1 when "
                             "it was installed without one, e.g. from a wheel)")
    parser.set_defaults(func=run_docs)


def docs_folder() -> Path | None:
    """The ``docs/`` folder beside the installed ``geo`` package (a source tree or an unpacked
    source distribution), or ``None`` (an installation from a wheel has none)."""
    import geo

    folder = Path(geo.__file__).resolve().parent.parent / "docs"
    return folder if (folder / "index.rst").is_file() and (folder / "conf.py").is_file() else None


def run_docs(args: argparse.Namespace) -> int:
    """Print the documentation's whereabouts; the exit code."""
    from geo import __version__

    folder = docs_folder()
    if args.path:
        if folder is None:
            print("routerisk: this installation has no docs/ folder (installed from a wheel); "
                  "run `routerisk docs` for where the documentation is")
            return 1
        print(folder)
        return 0
    print(f"routerisk {__version__} documentation")
    print("API reference (installed, offline): every public function's docstring")
    print("  python -m pydoc geo.api         # geo.build, geo.Build and its methods")
    print("  python -m pydoc -b              # browse every module in a local web page")
    print("  in Python: help(geo.build), help(geo.Build.explore)")
    if folder is not None:
        print(f"Guides, topics and the HTML reference (Sphinx sources): {folder}")
        for page in START_PAGES:
            if (folder / page).is_file():
                print(f"  {folder / page}")
        built = folder / "_build" / "html" / "index.html"
        if built.is_file():
            print(f"  built: {built}")
        else:
            print(f"  build them: python -m sphinx -b html {folder} {folder / '_build' / 'html'}")
    else:
        print("Guides, topics and the HTML reference: the docs/ folder of the source "
              f"distribution routerisk-{__version__}.tar.gz (or of the source repository); "
              "unpack it and run: python -m sphinx -b html docs docs/_build/html")
    return 0
