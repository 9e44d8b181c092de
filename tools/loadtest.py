"""Concurrent users: N browser sessions move their date sliders against one app server.

Each session (its own browser context, so its own Streamlit session) opens the app on its
own start date and moves its slider with the keyboard through its own random sequence of
dates for a bounded time. After every move it checks what it sees: the slider shows the
date the session chose, every drawn feature carries that date and the town colours are that
date's colours in the dataset. It also collects console errors, page errors and Streamlit
exception boxes. The server's resident memory (``VmRSS``) is sampled throughout.

Output: one JSON line per figure (``{"name", "value", "unit", "baseline", "ratio"}`` as the
benchmarks print them), then one ``{"summary": ...}`` line with the errors and mismatches.
Exit status 1 when a session saw an error or another session's date.

    python tools/loadtest.py                 # 10 sessions, 60 s, own server on the shipped data
    python tools/loadtest.py --seconds 30 --sessions 4
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.atlas import Atlas, load_atlas
from tools.browser_timing import (
    CHROMIUM_ARGS,
    DRAWN_JS,
    EXCEPTIONS_JS,
    MAP_IFRAME,
    MAP_STATE_JS,
    PROBE_JS,
    ROOT,
    SLIDER,
    WHOLE_PAGE_JS,
    cpu_seconds,
    descendants,
    rss_mb,
    start_app,
    summary,
)

CHROMIUM = "/usr/bin/chromium"


@dataclass
class Session:
    """What one browser session did and saw."""

    index: int
    moves: int = 0
    first_map_s: float = float("nan")
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    """The outcome of a load run: per-session records and the server's memory samples."""

    sessions: list[Session]
    rss_mb: list[float]
    seconds: float
    server_cpu_s: float = float("nan")
    browser_cpu_s: float = float("nan")

    @property
    def times_ms(self) -> list[float]:
        return [t for s in self.sessions for t in s.times_ms]

    @property
    def errors(self) -> list[str]:
        return [f"session {s.index}: {e}" for s in self.sessions for e in s.errors]

    @property
    def mismatches(self) -> list[str]:
        return [f"session {s.index}: {m}" for s in self.sessions for m in s.mismatches]

    def figures(self) -> list[dict[str, Any]]:
        """The JSON-line figures: slider-to-map p50/p95 under load, moves, errors, memory."""
        t = summary(self.times_ms)
        first = summary([s.first_map_s for s in self.sessions if s.first_map_s == s.first_map_s])
        rows = [("loadtest.sessions", len(self.sessions), "count"),
                ("loadtest.first_map_max", round(first["max"], 2), "s"),
                ("loadtest.moves", len(self.times_ms), "count"),
                ("loadtest.slider_to_map_p50", round(t["p50"], 1), "ms"),
                ("loadtest.slider_to_map_p95", round(t["p95"], 1), "ms"),
                ("loadtest.slider_to_map_max", round(t["max"], 1), "ms"),
                ("loadtest.errors", len(self.errors), "count"),
                ("loadtest.own_date_mismatches", len(self.mismatches), "count"),
                ("loadtest.server_rss_start", round(self.rss_mb[0], 1), "MB"),
                ("loadtest.server_rss_peak", round(max(self.rss_mb), 1), "MB"),
                ("loadtest.server_rss_end", round(self.rss_mb[-1], 1), "MB"),
                ("loadtest.server_cpu", round(self.server_cpu_s, 1), "s"),
                ("loadtest.browser_cpu", round(self.browser_cpu_s, 1), "s")]
        return [{"name": n, "value": v if v == v else None, "unit": u, "baseline": None,
                 "ratio": None} for n, v, u in rows]


def expected_colours(atlas: Atlas, day: dt.date) -> dict[str, str]:
    """Locality id -> fill colour the map must show on ``day`` (the snapshot's colours)."""
    return {f["properties"]["id"]: f["properties"]["color"]
            for f in atlas.snapshot(day)["features"] if f["properties"]["kind"] == "locality"}


def next_move(rng: random.Random, day: dt.date, start: dt.date,
              end: dt.date) -> tuple[str, dt.date]:
    """A key that changes the date, and the date it leads to (one day, or a bound)."""
    options = []
    if day < end:
        options += [("ArrowRight", day + dt.timedelta(days=1))] * 4 + [("End", end)]
    if day > start:
        options += [("ArrowLeft", day - dt.timedelta(days=1))] * 4 + [("Home", start)]
    return rng.choice(options)


async def _frame(page: Any, timeout_ms: float) -> Any:
    handle = await page.wait_for_selector(MAP_IFRAME, timeout=timeout_ms)
    frame = await handle.content_frame()
    if frame is None:
        raise RuntimeError("the map iframe has no content frame")
    return frame


async def run_session(browser: Any, url: str, atlas: Atlas, index: int, sessions: int,
                      seconds: float, pause_s: float, seed: int) -> Session:
    """One user: open the app on its own date, then move the slider for ``seconds``."""
    out = Session(index)
    meta = atlas.dataset.meta
    days = (meta.end - meta.start).days
    day = meta.start + dt.timedelta(days=(index * days) // max(sessions, 1))
    rng = random.Random(seed * 1000 + index)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(PROBE_JS)
    page = await context.new_page()
    page.on("console", lambda m: out.errors.append(f"console: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: out.errors.append(f"page error: {e}"))
    colours: dict[dt.date, dict[str, str]] = {}
    try:
        await page.goto(f"{url}/?date={day.isoformat()}", timeout=120_000)
        frame = await _frame(page, 120_000)
        await frame.wait_for_function(DRAWN_JS, timeout=120_000)
        out.first_map_s = (await frame.evaluate("window.__mapDraws[0].t")
                           - await page.evaluate("performance.timeOrigin")) / 1000.0
        await page.wait_for_function(WHOLE_PAGE_JS, timeout=120_000)  # then the rest
        await _check(page, frame, atlas, day, colours, out)
        deadline = time.monotonic() + seconds
        thumb = page.locator(SLIDER)
        await thumb.focus()
        while time.monotonic() < deadline:
            key, want = next_move(rng, day, meta.start, meta.end)
            draws = await frame.evaluate("window.__mapDraws.length")
            keys = await page.evaluate("window.__keys.length")
            await thumb.press(key)
            frame = await _frame(page, 60_000)
            await frame.wait_for_function(f"window.__mapDraws.length > {draws}",
                                          timeout=60_000)
            drawn = await frame.evaluate(f"window.__mapDraws[{draws}].t")
            pressed = await page.evaluate(f"window.__keys[{keys}]")
            out.times_ms.append(float(drawn - pressed))
            day = want
            out.moves += 1
            await _check(page, frame, atlas, day, colours, out)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * pause_s)
        for text in await page.evaluate(EXCEPTIONS_JS):
            out.errors.append(f"exception box: {text}")
    except Exception as exc:  # a stuck or broken session is a finding, not a crash
        out.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    finally:
        await context.close()
    return out


async def _check(page: Any, frame: Any, atlas: Atlas, day: dt.date,
                 colours: dict[dt.date, dict[str, str]], out: Session) -> None:
    """Compare the slider and the drawn map with ``day``; record any difference."""
    shown = await page.locator(SLIDER).get_attribute("aria-valuetext")
    state = await frame.evaluate(MAP_STATE_JS)
    if day not in colours:
        colours[day] = expected_colours(atlas, day)
    if shown != day.isoformat():
        out.mismatches.append(f"slider shows {shown}, the session chose {day}")
    if state["dates"] != [day.isoformat()]:
        out.mismatches.append(f"map features carry {state['dates']}, the session chose {day}")
    if state["colours"] != colours[day]:
        out.mismatches.append(f"town colours differ from {day}'s")


async def _sample_rss(pid: int | None, samples: list[float], stop: asyncio.Event,
                      every_s: float) -> None:
    while pid is not None:
        samples.append(rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=every_s)
            samples.append(rss_mb(pid))
            return
        except TimeoutError:
            continue


async def run_load(url: str, *, atlas: Atlas, server_pid: int | None, sessions: int = 10,
                   seconds: float = 60, pause_s: float = 0.3, seed: int = 0,
                   chromium: str = CHROMIUM) -> LoadResult:
    """Drive ``sessions`` browser sessions against ``url``, each for ``seconds`` of moves.

    Parameters
    ----------
    url : str
        Base URL of a running app server (127.0.0.1).
    atlas : Atlas
        The dataset the server shows, to know each date's town colours.
    server_pid : int or None
        The server's process id, for the memory samples (None: no samples).
    sessions, seconds : int, float
        How many sessions, and how long each moves its slider (counted from its first map).
    pause_s : float
        Mean pause between two moves of a session (uniform in 0.5x-1.5x).
    seed : int
        Seed of the sessions' date sequences (each session gets its own).
    """
    from playwright.async_api import async_playwright

    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server_pid, samples, stop, 0.5))
    t0 = time.monotonic()
    server_cpu = cpu_seconds([server_pid]) if server_pid else float("nan")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                          headless=True)
        mine = {os.getpid(), server_pid}
        try:
            done = await asyncio.gather(*(
                run_session(browser, url, atlas, i, sessions, seconds, pause_s, seed)
                for i in range(sessions)))
            server_cpu = cpu_seconds([server_pid]) - server_cpu if server_pid else server_cpu
            browser_cpu = cpu_seconds([p for p in descendants(os.getpid()) if p not in mine])
        finally:
            await browser.close()
    stop.set()
    await sampler
    return LoadResult(list(done), samples or [float("nan")], time.monotonic() - t0,
                      server_cpu, browser_cpu)


def main(argv: list[str] | None = None) -> int:
    """Command line: start a server (or use ``--url``), run the load, print JSON lines."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--pause", type=float, default=0.3, help="mean pause between moves (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--seeds", type=Path, default=None, help="reports folder (app default)")
    ap.add_argument("--url", default=None, help="use this running server (127.0.0.1 only)")
    ap.add_argument("--pid", type=int, default=None, help="its process id, for memory")
    ap.add_argument("--chromium", default=CHROMIUM)
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 0 < args.seconds <= 3600:
        ap.error("--sessions must be 1..50 and --seconds 0..3600")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        ap.error("--url must be a local server (http://127.0.0.1:PORT)")
    atlas = load_atlas(args.data)
    with tempfile.TemporaryFile() as log:
        proc = None
        url, pid = args.url, args.pid
        if url is None:
            proc, url = start_app(log, data=args.data, seeds=args.seeds)
            pid = proc.pid
        try:
            res = asyncio.run(run_load(url, atlas=atlas, server_pid=pid,
                                       sessions=args.sessions, seconds=args.seconds,
                                       pause_s=args.pause, seed=args.seed,
                                       chromium=args.chromium))
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    for row in res.figures():
        print(json.dumps(row))
    print(json.dumps({"summary": {"seconds": round(res.seconds, 1),
                                  "moves_per_session": [s.moves for s in res.sessions],
                                  "errors": res.errors[:50],
                                  "mismatches": res.mismatches[:50]}}))
    return 1 if res.errors or res.mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
