"""Suite-wide rule: a run in which any browser test was skipped fails.

The browser tests drive Debian's Chromium; they fail (not skip) when it is missing, and this hook
makes sure no future skip marker can hide them either.
"""

from __future__ import annotations

import pytest

_skipped_browser: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_browser:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"browser tests were skipped: {', '.join(_skipped_browser)}",
                                red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True, scope="session")
def _public_id_key_outside_home(tmp_path_factory: pytest.TempPathFactory):
    """Public builds in the tests keep their id key in a temporary folder, not in ~/.config."""
    from geo import settings

    before = settings.PUBLIC_ID_KEY_FILE
    settings.PUBLIC_ID_KEY_FILE = str(tmp_path_factory.mktemp("keys") / "public-id.key")
    yield
    settings.PUBLIC_ID_KEY_FILE = before
