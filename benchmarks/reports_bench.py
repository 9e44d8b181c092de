"""Server memory and page times against the reports folder: 0, 5 and 50 reports of 1.9 MB.

For each folder size the app is started as the README does (shipped dataset, a fresh cache
folder), then in headless Chromium: the Reports page opened on the fresh server (the first
visit, while the reports are being read), the time until every report is read, the Reports
page opened again (the figure the target is about: under 5 s), and Douma's town panel with
its report excerpts. Memory is the server's peak resident set (``VmHWM``), which must stay
under 1 GB. ``--app-root DIR`` runs the app of another checkout (a before/after comparison).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.app_bench import ARGS, CHROMIUM  # noqa: E402
from benchmarks.app_bench import _peak_rss_mb as peak_rss_mb  # noqa: E402
from tools.browser_timing import start_app, wait_until  # noqa: E402

REPORT_BYTES = 1_900_000
#: Shown on the Reports page once its reports are listed (also with none).
LISTED = "text=Add a report (upload or paste)"
#: Shown while reports wait to be read (views/reports_view.py).
READING = "being read"


def make_reports(folder: Path, n: int, size: int = REPORT_BYTES) -> None:
    """Write ``n`` different reports of about ``size`` bytes (generated, fixed seeds)."""
    from benchmarks.ingest_bench import make_corpus
    from geo.dataset import load_dataset

    dataset = load_dataset(ROOT / "data")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        corpus = make_corpus(dataset, [], size, seed=100 + i)
        body = "\n\n".join(text.split("\n", 1)[1].strip() for _, text in corpus)
        text = f"date 2018-03-{1 + i % 28:02d}\nsource: https://example.org/big/{i}\n\n{body}"
        (folder / f"big-{i:03d}.txt").write_text(text[:size], encoding="utf-8")


def open_reports(page: Any, url: str, n: int, timeout_s: float) -> float:
    """Seconds from navigation to the Reports page drawn (with a report's claims if any)."""
    t0 = time.monotonic()
    page.goto(f"{url}/reports")
    page.wait_for_selector(LISTED, timeout=timeout_s * 1000)
    if n:
        page.wait_for_selector("text=Proposed claims", timeout=timeout_s * 1000)
    return time.monotonic() - t0


def measure(browser: Any, n: int, seeds: Path, res: Any, app_root: Path,
            timeout_s: float) -> None:
    data = Path(tempfile.mkdtemp(prefix="reports-bench-data-"))
    cache = Path(tempfile.mkdtemp(prefix="reports-bench-cache-"))
    shutil.copytree(ROOT / "data", data, dirs_exist_ok=True)
    old_cache = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)  # the server's cache (and reports index)
    with tempfile.TemporaryFile() as log:
        proc, url = start_app(log, data=data, seeds=seeds, root=app_root, timeout_s=120)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            res.add(f"reports.{n}.first_visit", open_reports(page, url, n, timeout_s), "s")
            t0 = time.monotonic()

            def all_read() -> bool:
                page.goto(f"{url}/reports")
                page.wait_for_selector(LISTED, timeout=timeout_s * 1000)
                page.wait_for_timeout(500)
                return READING not in page.locator('[data-testid="stMain"]').inner_text()

            wait_until(all_read, timeout_s, every_s=2.0)
            res.add(f"reports.{n}.all_read_after", time.monotonic() - t0, "s")
            opens = [open_reports(page, url, n, timeout_s) for _ in range(3)]
            res.add(f"reports.{n}.page_open", sorted(opens)[1], "s")
            t1 = time.monotonic()
            page.goto(f"{url}/?date=2018-03-12&town=douma")
            page.wait_for_selector("text=held by", timeout=timeout_s * 1000)
            if n:
                page.wait_for_selector("text=Report excerpts", timeout=timeout_s * 1000)
            res.add(f"reports.{n}.town_panel_open", time.monotonic() - t1, "s")
            res.add(f"reports.{n}.server_peak_rss", peak_rss_mb(proc.pid), "MB")
            page.close()
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            if old_cache is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = old_cache


def run(res: Any, *, quick: bool, sizes: tuple[int, ...] | None = None,
        app_root: Path = ROOT, timeout_s: float = 600) -> None:
    """Measure each folder size (quick: 0 and 5 reports)."""
    from playwright.sync_api import sync_playwright

    sizes = sizes or ((0, 5) if quick else (0, 5, 50))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for n in sizes:
                seeds = Path(tmp) / f"seeds-{n}"
                make_reports(seeds, n)
                try:
                    measure(browser, n, seeds, res, app_root, timeout_s)
                except Exception as exc:  # a timeout must not lose the other figures
                    res.note(f"reports.{n}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            browser.close()


if __name__ == "__main__":
    from benchmarks.run import Results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,5,50", help="numbers of reports, comma-separated")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per wait")
    a = parser.parse_args()
    results = Results()
    run(results, quick=False, sizes=tuple(int(x) for x in a.sizes.split(",")),
        app_root=a.app_root, timeout_s=a.timeout)
    print(results.table())
