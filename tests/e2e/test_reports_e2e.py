"""Reports page in headless Chromium: hostile reports stay text; accepted claims move the map."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page

from geo.storage import read_csv_rows
from tests.e2e.conftest import ROOT, App, Recorder
from tools.browser_timing import start_app

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[see the map](javascript:alert(1))"
TEXTAREA = "</textarea><script>alert(2)</script>"
RTL = "\u202eelbat\u202c \u200fmark\u200f"
HOSTILE = (
    "date 2018-03-10\n"
    f"source: https://example.org/{SCRIPT}\n"
    f"In Douma a leaflet read {SCRIPT} {IMG} {LINK} {TEXTAREA} {RTL} and nothing else.\n\n"
    + "Douma " + "x" * 10_000 + "\n"
)
#: Text that must show literally wherever the report is displayed.
LITERALS = (SCRIPT, IMG, "javascript:alert(1)", "</textarea>")
ACCEPT = "date 2018-03-05\nSyrian troops captured Douma after weeks of fighting.\n"


@contextmanager
def server(data: Path, seeds: Path, log: Path) -> Iterator[str]:
    """Run ``streamlit run app.py -- --data DATA --seeds SEEDS`` and yield its URL."""
    with log.open("ab") as out:
        proc, url = start_app(out, data=data, seeds=seeds, timeout_s=60)
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A temporary copy of the shipped dataset, an empty reports folder and a server log."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.lock"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (ROOT / "out").mkdir(exist_ok=True)
    return data, seeds, ROOT / "out" / "e2e-reports-server.log"


@contextmanager
def watched_page(browser: Browser, url: str) -> Iterator[tuple[App, list[str]]]:
    """A page of the app that records dialogs (and dismisses them) and errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    rec = Recorder()
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("pageerror", lambda e: rec.errors.append(str(e)))
    try:
        yield App(page, url, rec), dialogs
    finally:
        context.close()


def open_reports(page: Page, url: str) -> str:
    """Open the Reports page, wait until the claims are drawn, and return the main text."""
    page.goto(f"{url}/reports")
    page.wait_for_selector("text=Proposed claims", timeout=60_000)
    page.wait_for_selector('[data-testid="stMarkdownContainer"] >> text=Douma', timeout=30_000)
    return page.locator('[data-testid="stMain"]').inner_text()


def injected(page: Page) -> dict:
    """What a successful injection would have left in the document."""
    return page.evaluate("""() => ({
        scripts: [...document.scripts].filter(s => s.textContent.includes('alert')).length,
        images: document.querySelectorAll('img[src="x"]').length,
        links: document.querySelectorAll('a[href^="javascript"]').length,
        textareas: [...document.querySelectorAll('textarea')]
            .filter(t => t.value.includes('alert')).length,
    })""")


NOTHING = {"scripts": 0, "images": 0, "links": 0, "textareas": 0}


def test_hostile_report_shows_as_literal_text(browser: Browser,
                                              workdir: tuple[Path, Path, Path]) -> None:
    data, seeds, log = workdir
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    with server(data, seeds, log) as url, watched_page(browser, url) as (app, dialogs):
        text = open_reports(app.page, url)
        for literal in LITERALS:
            assert literal in text, literal
        assert "elbat" in text and "x" * 10_000 in text
        assert injected(app.page) == NOTHING
        # the town panel of Douma on the map page shows the same sentence, as text
        app.open("?date=2018-03-12&town=douma")
        app.page.wait_for_selector("text=Report excerpts", timeout=30_000)
        panel = app.panel_text()
        for literal in LITERALS:
            assert literal in panel, literal
        assert injected(app.page) == NOTHING
        assert "douma" in {f["id"] for f in app.features("locality")}
        app.page.wait_for_timeout(500)
        assert dialogs == []
        assert not app.rec.foreign_requests()


def douma_on(app: App, day: str) -> tuple[str | None, str]:
    """The faction of Douma's map marker on ``day`` and the town panel's text."""
    app.open(f"?date={day}&town=douma")
    app.page.wait_for_selector("text=held by", timeout=30_000)
    marker = next(f for f in app.features("locality") if f["id"] == "douma")
    return marker["faction"], app.panel_text()


def test_accepting_a_claim_moves_the_map_and_survives_a_restart(
        browser: Browser, workdir: tuple[Path, Path, Path]) -> None:
    data, seeds, log = workdir
    (seeds / "2018-03-05_douma.txt").write_text(ACCEPT, encoding="utf-8")
    with server(data, seeds, log) as url, watched_page(browser, url) as (app, _dialogs):
        assert douma_on(app, "2018-03-10")[0] == "jaysh-al-islam"
        open_reports(app.page, url)
        app.page.get_by_role("button", name="Accept").first.click()
        app.page.wait_for_selector("text=Accepted: written into the dataset", timeout=30_000)
        faction, panel = douma_on(app, "2018-03-10")
        assert faction == "saa"
        assert "held by Syrian government forces since 2018-03-05" in panel
        assert douma_on(app, "2018-03-04")[0] == "jaysh-al-islam"
    rows = [r for r in read_csv_rows(data / "control.csv", ["date"]) if r["kind"] == "claim"]
    assert [(r["date"], r["locality"], r["faction"]) for r in rows] == [
        ("2018-03-05", "douma", "saa")]
    with server(data, seeds, log) as url, watched_page(browser, url) as (app, _dialogs):
        faction, panel = douma_on(app, "2018-03-10")
        assert faction == "saa"
        assert "held by Syrian government forces since 2018-03-05" in panel
        text = open_reports(app.page, url)
        assert "Accepted: already in the dataset." in text


def test_uploads_are_checked_and_saved_under_a_safe_name(
        browser: Browser, workdir: tuple[Path, Path, Path]) -> None:
    data, seeds, log = workdir
    (seeds / "2018-03-05_douma.txt").write_text(ACCEPT, encoding="utf-8")
    with server(data, seeds, log) as url, watched_page(browser, url) as (app, dialogs):
        page = app.page
        open_reports(page, url)
        page.get_by_text("Add a report (upload or paste)").click()
        upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
        save = page.get_by_role("button", name="Save uploaded report")
        upload.set_input_files(files=[{"name": "latin.txt", "mimeType": "text/plain",
                                       "buffer": "date 2018-03-06\nS\xe9ance".encode("latin-1")}])
        page.wait_for_selector("text=latin.txt", timeout=15_000)
        save.click()
        page.wait_for_selector("text=is not UTF-8 text", timeout=30_000)
        assert sorted(p.name for p in seeds.iterdir()) == ["2018-03-05_douma.txt"]
        upload.set_input_files(files=[{"name": "../../evil <b>.txt", "mimeType": "text/plain",
                                       "buffer": b"date 2018-03-07\nRebels entered Arbin."}])
        page.wait_for_timeout(1_000)
        save.click()
        page.wait_for_selector("text=Saved as evil-b.txt", timeout=30_000)
        assert sorted(p.name for p in seeds.iterdir() if not p.name.startswith(".")) == [
            "2018-03-05_douma.txt", "evil-b.txt"]
        assert not list(seeds.parent.glob("evil*"))
        # the saved report is the one now shown, with its place found
        page.wait_for_selector('[data-testid="stMarkdownContainer"] >> text=Arbin',
                               timeout=30_000)
        assert dialogs == []
