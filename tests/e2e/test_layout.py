"""The page's layout in headless Chromium at two window sizes: room for the map, the legend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import App, Recorder

pytestmark = pytest.mark.browser

SIZES = [(1400, 900), (1024, 768)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized_app(request: pytest.FixtureRequest, browser: Browser, app_url: str) -> Iterator[App]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    rec = Recorder()
    page.on("pageerror", lambda e: rec.errors.append(str(e)))
    yield App(page, app_url, rec)
    context.close()


def test_map_takes_most_of_the_window(sized_app: App) -> None:
    app = sized_app.open("?date=2018-03-22&town=douma")
    vw, vh = app.page.viewport_size["width"], app.page.viewport_size["height"]
    box = app.iframe().bounding_box()
    assert box is not None
    size = app.frame().evaluate("() => window.map.getSize()")
    # the map frame and the Leaflet map inside it both have the room
    assert box["height"] >= 0.70 * vh and size["y"] >= 0.70 * vh - 2, (box, size, vh)
    assert box["width"] >= 0.6 * vw and size["x"] >= 0.6 * vw - 2, (box, size, vw)
    assert box["y"] + box["height"] <= vh, "the whole map is in the first screen"
    # the town panel sits beside the map, not under it
    heading = app.page.get_by_role("heading", name="Douma")
    heading.wait_for(timeout=15_000)
    hb = heading.bounding_box()
    assert hb is not None and hb["x"] >= box["x"] + box["width"] and hb["y"] < box["y"] + 200
    # the area chart sits right below the map: Douma's long panel scrolls on its own
    chart = app.page.locator('[data-testid="stVegaLiteChart"]').bounding_box()
    bottom = box["y"] + box["height"]
    assert chart is not None and bottom <= chart["y"] <= bottom + 150, (chart, bottom)
    assert app.rec.errors == []


def test_legend_folds_and_starts_closed_on_narrow_windows(sized_app: App) -> None:
    app = sized_app.open("?date=2018-03-22")
    frame = app.frame()
    narrow = app.page.viewport_size["width"] < 1200
    body = frame.locator(".map-legend-body")
    assert body.is_visible() is not narrow
    toggle = frame.locator(".map-legend-toggle")
    assert toggle.get_attribute("aria-expanded") == ("false" if narrow else "true")
    toggle.click()
    assert body.is_visible() is narrow
    toggle.click()
    assert body.is_visible() is not narrow
    # the toggle neither moves the map nor picks a town
    assert "town=" not in app.page.url
