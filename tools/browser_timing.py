"""Timing the map in the page: first drawn map and slider-to-map latency, clocked by the browser.

The clocks run inside the page, not in the test driver, so Playwright's round trips do not
count. An init script (``install_probes``) adds, in the top page, capture-phase ``keydown`` and
``click`` listeners that stamp every key press and click, and in every frame (the map frame of
``streamlit_folium`` is the one that uses it) a ``window.feature_group`` array whose
``push`` stamps, one animation frame later, the moment the new date-dependent layers have
been added and drawn (Leaflet's canvas renderer redraws in an earlier animation-frame
callback of the same frame). Every stamp is ``performance.timeOrigin + performance.now()``
in milliseconds, comparable across frames.

Typical use with Playwright's sync API::

    context = browser.new_context()
    install_probes(context)
    page = context.new_page()
    first_s = open_and_time_first_map(page, url)
    ms = slider_press_ms(page, "ArrowRight")
"""

from __future__ import annotations

import math
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SLIDER = '[data-testid="stSlider"] input[type="range"]'

#: Init script for every frame: key stamps in the app page, draw stamps in the map frame.
PROBE_JS = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  if (window !== window.top) {  // the iframe's first about:blank window is kept on navigation
    const draws = [];
    const groups = [];
    const push = Array.prototype.push;
    let pending = false;
    groups.push = function (...items) {
      const n = push.apply(this, items);
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          push.call(draws, {t: now(), n: groups.length});
        });
      }
      return n;
    };
    window.feature_group = groups;
    window.__mapDraws = draws;
  } else {
    window.__keys = [];
    document.addEventListener('keydown',
      (e) => window.__keys.push(performance.timeOrigin + e.timeStamp), true);
    window.__clicks = [];
    document.addEventListener('click',
      (e) => window.__clicks.push(performance.timeOrigin + e.timeStamp), true);
  }
})();"""

#: In the map frame: the dates the drawn features carry, the town colours, the feature count.
MAP_STATE_JS = """() => { const dates = new Set(); const colours = {}; let n = 0;
  window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (!p || !p.kind) return;
    n += 1; dates.add(p.date || null);
    if (p.kind === 'locality') colours[p.id] = l.options.fillColor; });
  return {dates: [...dates].sort(), colours: colours, n: n}; }"""

#: In the app page: the whole page is there. A session's first run sends what is above and
#: beside the map; the rest (chart, "what changed", downloads, exports) comes once the map
#: frame has drawn (``views.layout.MAP_DRAWN_JS`` clicks the hidden ``mapdrawn`` button).
WHOLE_PAGE_JS = ("() => !document.querySelector('.st-key-mapdrawn') "
                 "&& !!document.querySelector('.st-key-show_range')")

#: In the app page: the text of every Streamlit exception box.
EXCEPTIONS_JS = """() => [...document.querySelectorAll('[data-testid="stException"]')]
  .map(e => e.innerText.slice(0, 300))"""

#: In the map frame: is the first map drawn (map, layers and the canvas present)?
DRAWN_JS = ("() => !!(window.map && window.__mapDraws && window.__mapDraws.length > 0 "
            "&& document.querySelector('canvas'))")


def install_probes(context: Any) -> None:
    """Add ``PROBE_JS`` to a Playwright ``BrowserContext`` (before its pages are opened)."""
    context.add_init_script(PROBE_JS)


def map_frame(page: Any, timeout_ms: float = 60_000) -> Any:
    """The ``streamlit_folium`` map frame of ``page`` (waits for it to appear)."""
    frame = page.wait_for_selector(MAP_IFRAME, timeout=timeout_ms).content_frame()
    if frame is None:
        raise RuntimeError("the map iframe has no content frame")
    return frame


def open_and_time_first_map(page: Any, url: str, timeout_ms: float = 60_000) -> float:
    """Open ``url`` and return the seconds from navigation start to the first drawn map.

    Measured by the browser: the page's ``performance.timeOrigin`` to the map frame's first
    draw stamp. Needs ``install_probes`` on the page's context.
    """
    page.goto(url)
    frame = map_frame(page, timeout_ms)
    frame.wait_for_function(DRAWN_JS, timeout=timeout_ms)
    drawn = frame.evaluate("window.__mapDraws[0].t")
    origin = page.evaluate("performance.timeOrigin")
    return (drawn - origin) / 1000.0


def wait_whole_page(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until the part of the page below the map has come too (``WHOLE_PAGE_JS``)."""
    page.wait_for_function(WHOLE_PAGE_JS, timeout=timeout_ms)


def draw_count(page: Any) -> int:
    """How many times the map frame has drawn a new set of date-dependent layers."""
    return int(map_frame(page).evaluate("window.__mapDraws.length"))


def slider_press_ms(page: Any, key: str, timeout_ms: float = 60_000) -> float | None:
    """Press ``key`` on the focused date slider; milliseconds from key-down to the drawn map.

    Returns None when the key does not change the slider (at a bound), so nothing redraws.
    The slider must have the keyboard focus (``page.locator(SLIDER).focus()``).
    """
    thumb = page.locator(SLIDER)
    before = thumb.get_attribute("aria-valuetext")
    draws = draw_count(page)
    keys = int(page.evaluate("window.__keys.length"))
    thumb.press(key)
    if thumb.get_attribute("aria-valuetext") == before:
        return None
    return _ms_to_draw(page, draws, f"window.__keys[{keys}]", timeout_ms)


def click_ms(page: Any, target: Any, timeout_ms: float = 60_000) -> float:
    """Click ``target`` (a Playwright locator in the app page); milliseconds from the click
    event to the drawn map (the click must redraw the map)."""
    draws = draw_count(page)
    clicks = int(page.evaluate("window.__clicks.length"))
    target.click()
    return _ms_to_draw(page, draws, f"window.__clicks[{clicks}]", timeout_ms)


def _ms_to_draw(page: Any, draws: int, stamp_js: str, timeout_ms: float) -> float:
    """Wait for the map's draw after the first ``draws``; milliseconds from the page's stamp
    ``stamp_js`` (an expression in the app page) to it."""
    frame = map_frame(page)
    frame.wait_for_function(f"window.__mapDraws.length > {draws}", timeout=timeout_ms)
    drawn = frame.evaluate(f"window.__mapDraws[{draws}].t")
    return float(drawn - page.evaluate(stamp_js))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` by linear interpolation; NaN if empty."""
    if not values:
        return math.nan
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[
        min(max(round(q) - 1, 0), 98)])


def summary(values: Sequence[float]) -> dict[str, float]:
    """``{"n", "p50", "p95", "max"}`` of timings (same unit as ``values``)."""
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values) if values else math.nan}


def map_state(page: Any) -> dict[str, Any]:
    """``{"dates", "colours", "n"}`` of the features now drawn (see ``MAP_STATE_JS``)."""
    return dict(map_frame(page).evaluate(MAP_STATE_JS))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(log: IO[bytes] | int, *, data: Path | str | None = None,
              seeds: Path | None = None, timeout_s: float = 120, script: str = "app.py",
              app_args: Sequence[str] = (), root: Path = ROOT
              ) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run app.py`` on 127.0.0.1 as the README does; (process, base URL).

    ``data`` (a directory or a store URL), ``seeds`` and ``app_args`` are passed after ``--``
    when given; ``script`` runs another script (benchmark baselines); ``root`` is the project
    folder it runs in (another checkout, for a before/after comparison). Waits for the health
    endpoint; the caller terminates the process.
    """
    port = free_port()
    extra = [*(["--data", str(data)] if data else []), *(["--seeds", str(seeds)] if seeds else []),
             *app_args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         *(["--", *extra] if extra else [])],
        cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    if not wait_until(healthy, timeout_s):
        proc.terminate()
        raise RuntimeError("the app server did not start")
    return proc, url


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return math.nan


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds used so far by processes ``pids`` (``/proc/<pid>/stat``)."""
    import os

    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Process ids of every live descendant of ``pid`` (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def wait_until(predicate: Any, timeout_s: float, every_s: float = 0.2) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout_s`` passes; whether it became true."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every_s)
    return bool(predicate())
