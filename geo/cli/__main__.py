"""``python -m geo.cli``: the ``routerisk`` command."""

from geo.cli import run

if __name__ == "__main__":
    run()
