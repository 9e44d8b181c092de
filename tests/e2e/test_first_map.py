"""The map comes first: the chart and lists below it load once it is drawn, or anyway."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.e2e.conftest import MAP_IFRAME
from tools.browser_timing import DRAWN_JS, WHOLE_PAGE_JS, install_probes, wait_whole_page
from views.layout import MAP_DRAWN_FALLBACK_S

pytestmark = pytest.mark.browser

#: In the app page: when the browser asked for the area chart's code (epoch ms), or null.
CHART_CODE_ASKED_JS = """() => { const e = performance.getEntriesByType('resource')
  .find(r => r.name.includes('VegaLiteChart'));
  return e ? performance.timeOrigin + e.startTime : null; }"""


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    install_probes(ctx)  # stamps the map frame's draws (tools/browser_timing.py)
    yield ctx
    ctx.close()


def test_the_chart_loads_after_the_map_is_drawn(context: BrowserContext, app_url: str) -> None:
    page = context.new_page()
    page.goto(f"{app_url}/?date=2018-03-10")
    frame = page.wait_for_selector(MAP_IFRAME, timeout=30_000).content_frame()
    assert frame is not None
    frame.wait_for_function(DRAWN_JS, timeout=30_000)
    drawn = frame.evaluate("window.__mapDraws[0].t")
    wait_whole_page(page, 30_000)
    # the rest of the page is all there: chart, what changed, downloads, exports
    page.locator('[data-testid="stVegaLiteChart"]').wait_for(timeout=30_000)
    for text in ("What changed", "Download snapshot GeoJSON", "Exports for the newsroom"):
        page.get_by_text(text).first.wait_for(timeout=10_000)
    asked = page.evaluate(CHART_CODE_ASKED_JS)
    assert asked is not None and asked >= drawn - 5, (asked, drawn)  # ms, epoch


def test_a_map_that_cannot_draw_does_not_hold_back_the_page(context: BrowserContext,
                                                            app_url: str) -> None:
    context.route("**/leaflet.js", lambda route: route.abort())  # no Leaflet, no map
    page = context.new_page()
    t0 = time.monotonic()
    page.goto(f"{app_url}/?date=2018-03-10")
    page.wait_for_function(WHOLE_PAGE_JS, timeout=(MAP_DRAWN_FALLBACK_S + 20) * 1000)
    assert time.monotonic() - t0 >= MAP_DRAWN_FALLBACK_S - 1
    page.locator('[data-testid="stVegaLiteChart"]').wait_for(timeout=30_000)
    frame = page.wait_for_selector(MAP_IFRAME).content_frame()
    assert frame is not None and not frame.evaluate("!!window.map")
