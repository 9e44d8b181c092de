"""In the browser, report text shows URLs and addresses as text; the source line is the link."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.test_reports_e2e import open_reports, server, watched_page, workdir  # noqa: F401

pytestmark = pytest.mark.browser

TEXT = ("date 2018-03-10\nsource: https://example.org/report?id=(7)\n"
        "In Douma see http://evil.example/x.png, www.evil.example or user@evil.example now.\n")
NO_SOURCE = "date 2018-03-11\nsource: javascript:alert(1)\nRebels in Douma met www.evil.example.\n"


def outside_links(page: Page) -> list[list[str]]:
    """(text, href) of every link of the page's main area that leaves the app, but the
    dataset's sources cited in "what changed" (``tests/e2e/test_changes.py``)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] a[href]')]
        .filter(a => new URL(a.href).host !== location.host)
        .filter(a => !a.closest('[class*="st-key-change-"]'))
        .map(a => [a.textContent.replace(/\\u2060/g, ''), a.href])""")


def test_only_the_source_line_is_a_link(browser: Browser,
                                        workdir: tuple[Path, Path, Path]) -> None:  # noqa: F811
    data, seeds, log = workdir
    (seeds / "2018-03-10_links.txt").write_text(TEXT, encoding="utf-8")
    (seeds / "2018-03-11_nosource.txt").write_text(NO_SOURCE, encoding="utf-8")
    with server(data, seeds, log) as url, watched_page(browser, url) as (app, _dialogs):
        page = app.page
        text = open_reports(page, url).replace("\u2060", "")
        for literal in ("http://evil.example/x.png", "www.evil.example", "user@evil.example"):
            assert literal in text
        assert outside_links(page) == [["https://example.org/report?id=(7)",
                                         "https://example.org/report?id=%287%29"]]
        app.open("?date=2018-03-12&town=douma")
        page.wait_for_selector("text=Report excerpts", timeout=30_000)
        panel = app.panel_text().replace("\u2060", "")
        assert "www.evil.example" in panel and "javascript:alert(1)" in panel
        assert outside_links(page) == [["https://example.org/report?id=(7)",
                                        "https://example.org/report?id=%287%29"]]
        assert not app.rec.foreign_requests()
