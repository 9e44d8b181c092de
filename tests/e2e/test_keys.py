"""Date keys in headless Chromium: ←/→ a day, Shift+←/→ a change date, Space plays and pauses."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo.atlas import Atlas, load_atlas
from tests.e2e.conftest import ROOT, App

pytestmark = pytest.mark.browser

SLIDER_IS = """(v) => document.querySelector('[data-testid="stSlider"] input[type="range"]')
                       .getAttribute('aria-valuetext') === v"""


@cache
def atlas() -> Atlas:
    return load_atlas(ROOT / "data")


def press_and_expect(app: App, key: str, day: dt.date) -> None:
    app.page.keyboard.press(key)
    app.page.wait_for_function(SLIDER_IS, arg=day.isoformat(), timeout=15_000)


def test_arrow_keys_step_days_and_change_dates_from_the_page(app: App) -> None:
    day = dt.date(2018, 3, 1)
    app.open(f"?date={day.isoformat()}")
    app.page.get_by_text(atlas().dataset.meta.name).click()  # page focused, no widget
    press_and_expect(app, "ArrowRight", day + dt.timedelta(days=1))
    press_and_expect(app, "ArrowLeft", day)
    changes = atlas().change_dates()
    after = next(c for c in changes if c > day)
    press_and_expect(app, "Shift+ArrowRight", after)
    before = max(c for c in changes if c < after)
    press_and_expect(app, "Shift+ArrowLeft", before)


def test_keys_pressed_on_the_map_move_the_date_not_the_map(app: App) -> None:
    day = dt.date(2018, 3, 10)
    app.open(f"?date={day.isoformat()}")
    box = app.iframe().bounding_box()
    assert box is not None
    app.page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 60)  # empty corner
    view = app.view()
    updates = app.updates()
    press_and_expect(app, "ArrowRight", day + dt.timedelta(days=1))
    app.wait_map_update(updates)
    assert app.view() == view  # Leaflet did not pan
    nxt = next(c for c in atlas().change_dates() if c > day + dt.timedelta(days=1))
    app.frame().locator("#map_div").focus()
    press_and_expect(app, "Shift+ArrowRight", nxt)


def test_space_plays_and_pauses(app: App) -> None:
    app.open("?date=2018-03-01")
    app.page.get_by_text(atlas().dataset.meta.name).click()  # page focused, no widget
    app.page.keyboard.press("Space")
    app.page.wait_for_function(
        "() => document.querySelector('.st-key-play button').innerText.includes('Pause')",
        timeout=15_000)
    app.page.wait_for_function(
        """() => document.querySelector('[data-testid="stSlider"] input[type="range"]')
                 .getAttribute('aria-valuetext') > '2018-03-02'""", timeout=15_000)
    for _ in range(3):  # a press that lands while a playback step reruns may be dropped
        app.page.keyboard.press("Space")
        try:
            app.page.wait_for_function(
                "() => document.querySelector('.st-key-play button').innerText.includes('Play')",
                timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    assert "Play" in app.button("play").inner_text()
    stopped = app.slider_value()
    app.page.wait_for_timeout(1500)  # two playback steps at the normal speed
    assert app.slider_value() == stopped


def test_typing_in_the_town_search_does_not_move_the_date(app: App) -> None:
    app.open("?date=2018-03-01")
    search = app.page.locator('[data-testid="stSelectbox"] input').first
    search.click()
    search.type("Dou")
    app.page.keyboard.press("ArrowLeft")
    app.page.keyboard.press("Space")
    app.page.wait_for_timeout(800)
    assert app.slider_value() == "2018-03-01"


def test_shift_arrows_on_the_focused_slider_jump_to_change_dates(app: App) -> None:
    day = dt.date(2018, 3, 1)
    app.open(f"?date={day.isoformat()}")
    thumb = app.page.locator('[data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    press_and_expect(app, "ArrowRight", day + dt.timedelta(days=1))  # the slider's own step
    nxt = next(c for c in atlas().change_dates() if c > day + dt.timedelta(days=1))
    thumb.focus()
    press_and_expect(app, "Shift+ArrowRight", nxt)
    prev = max(c for c in atlas().change_dates() if c < nxt)
    thumb.focus()
    press_and_expect(app, "Shift+ArrowLeft", prev)
