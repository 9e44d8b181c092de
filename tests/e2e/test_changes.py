""""What changed" in headless Chromium: a click moves the map to the place and opens its panel."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from geo.atlas import Atlas, load_atlas
from tests.e2e.conftest import ROOT, App

pytestmark = pytest.mark.browser


@cache
def atlas() -> Atlas:
    return load_atlas(ROOT / "data")


def test_a_click_on_a_change_shows_the_place_and_its_panel(app: App) -> None:
    app.open("?date=2018-03-23")
    before = app.view()
    entry = app.page.get_by_role("button", name="Harasta: Ahrar al-Sham → Syrian government")
    entry.first.click()
    harasta = atlas().dataset.locality("harasta")
    app.frame().wait_for_function(
        "([lat, lon]) => { const c = window.map.getCenter();"
        " return Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lon) < 1e-4; }",
        arg=[harasta.lat, harasta.lon], timeout=15_000)
    after = app.view()
    assert (after["lat"], after["lng"]) != (before["lat"], before["lng"])
    assert after["zoom"] >= before["zoom"]
    app.page.get_by_role("heading", name="Harasta").wait_for(timeout=15_000)
    app.page.wait_for_url("**town=harasta**", timeout=10_000)
    assert app.slider_value() == "2018-03-23"  # the date stays


def test_change_sources_link_only_to_web_pages(app: App) -> None:
    app.open("?date=2018-03-23")
    app.page.get_by_text("What changed").wait_for(timeout=15_000)
    hrefs = app.page.locator('[class*="st-key-change-"] a').evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "the entries cite no linked source"
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    app.page.get_by_text("Since the previous change").click()
    prev = max(d for d in atlas().change_dates() if d < dt.date(2018, 3, 23))
    first = (prev + dt.timedelta(days=1)).isoformat()
    app.page.get_by_text(f"{first} – 2018-03-23").wait_for(timeout=15_000)
