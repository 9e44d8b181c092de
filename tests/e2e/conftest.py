"""One app server and one headless Chromium per test session; helpers to read the Leaflet map."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ElementHandle, Frame, Locator, Page, sync_playwright

from tools.browser_timing import start_app, wait_whole_page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

#: JavaScript run inside the map frame: the Leaflet features now on the map.
FEATURES_JS = """() => { const out = [];
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.kind)
    out.push({kind: l.feature.properties.kind, id: l.feature.properties.id || null,
              faction: l.feature.properties.faction || null,
              fill: (l.options && l.options.fillColor) || null}); });
  return out; }"""
VIEW_JS = """() => { const c = window.map.getCenter();
  return {lat: c.lat, lng: c.lng, zoom: window.map.getZoom()}; }"""
#: How many sets of date-dependent layers the map frame has drawn (views/mapview.py).
UPDATES_JS = "() => window.__mapUpdates || 0"


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Start the app as the README does and yield its URL; stop it afterwards."""
    (ROOT / "out").mkdir(exist_ok=True)
    log = open(ROOT / "out" / "e2e-server.log", "wb")  # noqa: SIM115 - open while the server runs
    try:
        proc, url = start_app(log, timeout_s=60)
    except RuntimeError:
        raise RuntimeError("the app server did not start; see out/e2e-server.log") from None
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Recorder:
    """What a page asked the network for and what it logged as errors."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlparse(u).scheme in ("http", "https", "ws", "wss")
                and urlparse(u).hostname not in LOCAL_HOSTS]


@dataclass
class App:
    """A page of the app with its map frame."""

    page: Page
    base: str
    rec: Recorder

    def open(self, query: str = "") -> App:
        t0 = time.monotonic()
        self.page.goto(f"{self.base}/{query}")
        self.frame().wait_for_function(
            "window.map && window.feature_group && window.feature_group.length > 0 "
            "&& document.querySelector('canvas')", timeout=30_000)
        self.first_map_s = time.monotonic() - t0
        wait_whole_page(self.page, 30_000)  # the chart and lists come once the map is drawn
        return self

    def iframe(self) -> ElementHandle:
        return self.page.wait_for_selector(MAP_IFRAME, timeout=30_000)

    def frame(self) -> Frame:
        frame = self.iframe().content_frame()
        assert frame is not None
        return frame

    def features(self, kind: str | None = None) -> list[dict]:
        feats = self.frame().evaluate(FEATURES_JS)
        return [f for f in feats if kind is None or f["kind"] == kind]

    def colours(self) -> dict[str, str]:
        return {f["id"]: f["fill"] for f in self.features("locality")}

    def view(self) -> dict:
        return self.frame().evaluate(VIEW_JS)

    def slider_value(self) -> str:
        return self.page.locator('[data-testid="stSlider"] input[type="range"]').get_attribute(
            "aria-valuetext") or ""

    def wait_map_update(self, updates_before: int, timeout_ms: int = 15_000) -> None:
        self.frame().wait_for_function(
            f"({UPDATES_JS.removeprefix('() => ')}) > {updates_before}", timeout=timeout_ms)

    def updates(self) -> int:
        return self.frame().evaluate(UPDATES_JS)

    def click_locality(self, locality_id: str) -> None:
        """Click the town's circle where Leaflet draws it (canvas renderer: by pixel)."""
        frame = self.frame()
        pt = frame.evaluate(
            """(id) => { let p = null; window.map.eachLayer(l => {
                 if (l.feature && l.feature.properties.kind === 'locality'
                     && l.feature.properties.id === id) p = window.map.latLngToContainerPoint(
                       l.getLatLng()); }); return p; }""", locality_id)
        assert pt is not None, f"{locality_id} is not on the map"
        box = self.iframe().bounding_box()
        assert box is not None
        self.page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])

    def button(self, key: str) -> Locator:
        """The app's button with this Streamlit ``key`` (icon buttons have no text name)."""
        # Streamlit keeps a hidden copy of a button with help text (to measure it)
        return self.page.locator(f".st-key-{key} button").first

    def panel_text(self) -> str:
        return self.page.locator('[data-testid="stMain"]').inner_text()


@pytest.fixture
def app(browser: Browser, app_url: str) -> Iterator[App]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    rec = Recorder()
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("console", lambda m: rec.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: rec.errors.append(str(e)))
    yield App(page, app_url, rec)
    context.close()
