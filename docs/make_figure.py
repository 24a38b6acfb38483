"""Regenerate the README's report figure, ``docs/route_risk_map.png``.

Run from the repository root::

    python docs/make_figure.py           # rewrite docs/route_risk_map.png
    python docs/make_figure.py --check   # exit 1 if the committed figure is out of date

It runs exactly ``routerisk build --formats png`` on the bundled layers (as of the latest
incident date, so the result does not depend on the day it is run) into a temporary folder
and keeps only the static map.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from geo.cli import main as routerisk

FIGURE = Path(__file__).resolve().parent / "route_risk_map.png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed figure instead of writing it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        code = routerisk(["build", "--out", tmp, "--formats", "png"])
        if code != 0:
            return code
        made = Path(tmp) / "route_risk_map.png"
        if args.check:
            same = FIGURE.exists() and FIGURE.read_bytes() == made.read_bytes()
            print(f"{FIGURE}: {'up to date' if same else 'OUT OF DATE: run docs/make_figure.py'}")
            return 0 if same else 1
        shutil.copyfile(made, FIGURE)
    print(f"wrote {FIGURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
