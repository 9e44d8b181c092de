"""The app in headless Chromium: slider-to-map latency, cold start to first map, server memory.

Starts ``streamlit run app.py -- --data DIR --seeds DIR`` as the README does, drives the date
slider with the keyboard and times each move until the map frame has drawn the new layers
(``window.feature_group`` is pushed to; ``window.__mapUpdates`` counts the updates), on the
shipped dataset and on the country-scale one.
Peak resident memory is the server process's ``VmHWM`` after the run (Linux).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.browser_timing import (  # noqa: E402
    click_ms,
    install_probes,
    slider_press_ms,
    start_app,
    wait_whole_page,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SLIDER = '[data-testid="stSlider"] input[type="range"]'
DRAWN = ("window.map && window.feature_group && window.feature_group.length > 0 "
         "&& document.querySelector('canvas')")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _p95(values: list[float]) -> float:
    if len(values) < 2:  # too few moves (a quick run at country scale): the one value
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


#: The floor under a cold start: Streamlit launched on a one-line script, to its text drawn.
BARE_SCRIPT = 'import streamlit as st\nst.write("ready")\n'


def bare_cold_start(browser: Any) -> float:
    """Seconds from ``streamlit run`` of ``BARE_SCRIPT`` to its text in the page."""
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as log:
        script = Path(folder) / "bare.py"
        script.write_text(BARE_SCRIPT, encoding="utf-8")
        t0 = time.monotonic()
        proc, url = start_app(log, script=str(script))
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("ready").wait_for(timeout=120_000)
            took = time.monotonic() - t0
            page.close()
            return took
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def first_map(context: Any, url: str, t0: float, launched_ms: float
              ) -> tuple[Any, Any, float, float]:
    """Open ``url`` in a new page of ``context`` (with probes) until the map is drawn.

    Returns (page, map frame, seconds from ``t0`` (``time.monotonic``) to Playwright seeing
    the drawn map, seconds from ``launched_ms`` (``time.time`` in ms) to the browser's own
    stamp of the first draw).
    """
    page = context.new_page()
    page.goto(url)
    frame = page.wait_for_selector(FRAME, timeout=120_000).content_frame()
    frame.wait_for_function(DRAWN, timeout=120_000)
    seen = time.monotonic() - t0
    drawn = frame.evaluate("window.__mapDraws[0].t")
    return page, frame, seen, (drawn - launched_ms) / 1000.0


def cold_start(browser: Any, root: Path) -> tuple[float, float]:
    """``streamlit run app.py`` of the checkout ``root`` on its shipped data to the first map.

    Returns (Playwright saw it, the browser drew it), in seconds from the launch.
    """
    with tempfile.TemporaryFile() as log:
        t0, launched_ms = time.monotonic(), time.time() * 1000.0
        proc, url = start_app(log, root=root)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            install_probes(context)
            _, _, seen, drawn = first_map(context, url, t0, launched_ms)
            context.close()
            return seen, drawn
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def cold_starts(res: Any, *, rounds: int, against: Path | None = None) -> None:
    """Cold starts alone, each round interleaved: the floor (``BARE_SCRIPT``), this checkout's
    app and, with ``against``, another checkout's (the code before a change), in turn first.

    Figures: ``app.coldstart.{bare_to_text,this_to_drawn_map,this_to_first_map}`` per round
    (the app's against the round's floor), ``against_*`` the same for the other checkout,
    and the medians, this checkout's against the other's when given.
    """
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[float]] = {"this": [], "against": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for i in range(rounds):
                floor = bare_cold_start(browser)
                res.add("app.coldstart.bare_to_text", floor, "s")
                order = [("this", ROOT)] + ([("against", against)] if against else [])
                for name, root in order if i % 2 == 0 else order[::-1]:
                    seen, drawn = cold_start(browser, root)
                    runs[name].append(drawn)
                    res.add(f"app.coldstart.{name}_to_drawn_map", drawn, "s", floor)
                    res.add(f"app.coldstart.{name}_to_first_map", seen, "s", floor)
        finally:
            browser.close()
    if runs["against"]:
        res.add("app.coldstart.against_to_drawn_map_median", statistics.median(runs["against"]),
                "s")
    res.add("app.coldstart.this_to_drawn_map_median", statistics.median(runs["this"]), "s",
            statistics.median(runs["against"]) if runs["against"] else None)


def measure(browser: Any, label: str, data: Path, seeds: Path, moves: int,
            res: Any, baseline_s: float | None = None) -> None:
    """Cold start, first map and slider latency for one dataset; peak server memory."""
    with tempfile.TemporaryFile() as log:
        t0 = time.monotonic()
        launched_ms = time.time() * 1000.0  # the wall clock the browser's stamps use
        proc, url = start_app(log, data=data, seeds=seeds)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            install_probes(context)  # key-down and map-drawn stamps taken inside the page
            page, frame, seen, drawn_s = first_map(context, url, t0, launched_ms)
            # baseline: the same launch of Streamlit on a one-line script (the floor)
            res.add(f"app.{label}.cold_start_to_first_map", seen, "s", baseline_s)
            # the same, to the moment the browser drew the map (its own stamp, not Playwright
            # noticing it, which waits while the page goes on with the chart below the map)
            res.add(f"app.{label}.cold_start_to_drawn_map", drawn_s, "s", baseline_s)
            # the first visit to the fresh server, clocked by the browser from navigation
            # start to the drawn map (the clock above also counts the server's own start)
            first = (launched_ms / 1000.0 + drawn_s
                     - page.evaluate("performance.timeOrigin") / 1000.0)
            res.add(f"app.{label}.first_visit_to_drawn_map", first, "s")
            warm = []
            for _ in range(3):
                t1 = time.monotonic()
                page.goto(url)
                frame = page.wait_for_selector(FRAME, timeout=60_000).content_frame()
                frame.wait_for_function(DRAWN, timeout=60_000)
                warm.append(time.monotonic() - t1)
            res.add(f"app.{label}.page_open_to_first_map", statistics.median(warm), "s")
            wait_whole_page(page, 60_000)  # the chart and lists below the map come after it
            thumb = page.locator(SLIDER)

            # one-day steps (scrubbing) and whole-period jumps (the worst case), timed by the
            # browser from key-down to the drawn map (tools/browser_timing.py); every date's
            # layers differ (features carry their date), so every move redraws
            slide: list[float] = []
            keys = (["ArrowRight"] * 3 + ["End"] + ["ArrowLeft"] * 3 + ["Home"]) * moves
            for key in keys[:moves]:
                thumb.focus()
                ms = slider_press_ms(page, key)
                if ms is not None:  # None: at a bound, nothing to redraw
                    slide.append(ms)
            res.add(f"app.{label}.slider_to_map_p50", statistics.median(slide), "ms")
            res.add(f"app.{label}.slider_to_map_p95", _p95(slide), "ms")
            # stepping to the next change date, as a user scrubbing through the period does,
            # clocked by the browser from the click to the drawn map like the slider; the
            # same clicks clocked by the test driver (its round trips and Playwright's checks
            # before the click count there, as they did in this figure before) for comparison
            button = page.locator(".st-key-next button").first  # the next-change-date button
            step, driver = [], []
            for _ in range(moves):
                if button.is_disabled():  # the last change date
                    break
                t1 = page.evaluate("performance.now()")
                step.append(click_ms(page, button))
                driver.append(page.evaluate("performance.now()") - t1)
            if step:
                res.add(f"app.{label}.next_change_to_map_p50", statistics.median(step), "ms")
                res.add(f"app.{label}.next_change_to_map_p95", _p95(step), "ms")
                res.add(f"app.{label}.next_change_driver_clock_p95", _p95(driver), "ms")
            res.add(f"app.{label}.server_peak_rss", _peak_rss_mb(proc.pid), "MB")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def run(res: Any, *, country: Path, quick: bool) -> None:
    """Shipped dataset, then the country-scale one, in one headless Chromium."""
    from playwright.sync_api import sync_playwright

    if not (ROOT / "app.py").is_file():
        res.note("app benchmark skipped: app.py is missing")
        return
    with tempfile.TemporaryDirectory() as empty, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            # cold starts interleaved with the floor (a bare Streamlit script), then the rest
            starts = 1 if quick else 3
            for _ in range(starts):
                floor = bare_cold_start(browser)
                res.add("app.bare_streamlit.cold_start_to_text", floor, "s")
                measure(browser, "shipped", ROOT / "data", ROOT / "seeds", 8 if quick else 24,
                        res, baseline_s=floor)
            measure(browser, "country", country, Path(empty), 6 if quick else 24, res,
                    baseline_s=floor)
        finally:
            browser.close()
