"""The review page in headless Chromium, offline: accept two, edit one, reject one, save,
and build the saved file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main
from tests._browser import launched_browser, watch

pytestmark = pytest.mark.browser

REPORT = (
    "Authorities in the port city of Fangchenggang in Guangxi Province arrested 139 people "
    "allegedly trying to cross the border, according to China Central TV on September 3. "
    "It follows the arrest of 15 defecting North Koreans last month in Kunming, the capital of "
    "Yunnan Province. Police in Dandong detained 6 brokers <script>alert('x')</script> on "
    "Sunday. Border guards near Hekou set up a checkpoint on 2 September ${alert(1)}.")


def test_accept_edit_reject_save_build(tmp_path: Path) -> None:
    src = tmp_path / "report.txt"
    src.write_text(REPORT, "utf-8")
    proposed = tmp_path / "proposed.csv"
    assert main(["extract", str(src), "--published", "2024-09-10", "--out", str(proposed)]) == 0
    rows = pd.read_csv(proposed)
    assert len(rows) >= 4
    page_file = tmp_path / "review.html"
    url = page_file.resolve().as_uri()
    with launched_browser() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        s = watch(page, url)
        page.goto(url)
        cards = page.locator("section.proposal")
        assert cards.count() == len(rows)
        # the sentence is highlighted, text from the document stays text
        first = cards.nth(0)
        assert "Fangchenggang" in first.locator("mark").inner_text()
        assert page.locator("script", has_text="alert('x')").count() == 0
        assert "<script>alert('x')</script>" in page.locator("body").inner_text()
        assert s.dialogs == []
        # a map of the place candidates
        assert first.locator(".leaflet-interactive").count() >= 1
        ids = rows["incident_id"].tolist()

        def choose(i: int, what: str) -> None:
            cards.nth(i).locator(f"input[type=radio][value={what}]").check()

        choose(0, "accept")
        choose(1, "accept")
        choose(2, "edit")
        cards.nth(2).locator("[data-field=count]").fill("7")
        cards.nth(2).locator("[data-field=type]").select_option("broker_detention")
        choose(3, "reject")
        assert "2 accepted, 1 edited, 1 rejected" in page.locator("#summary").inner_text()
        with page.expect_download() as info:
            page.locator("#save").click()
        saved = tmp_path / "accepted.csv"
        info.value.save_as(saved)
        assert s.requests == [] and s.errors == []
        context.close()
    got = pd.read_csv(saved)
    assert got["incident_id"].tolist() == ids[:3]
    assert got["status"].tolist() == ["accepted", "accepted", "edited"]
    edited = got.iloc[2]
    assert (edited["count"], edited["type"]) == (7, "broker_detention")
    assert got.iloc[0]["count"] == rows.iloc[0]["count"]
    out = tmp_path / "build"
    assert main(["build", "--incidents", str(saved), "--out", str(out), "--formats", ""]) == 0
    fate = pd.read_csv(out / "incidents_fate.csv")
    assert fate["incident_id"].tolist() == ids[:3]
