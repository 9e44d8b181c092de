"""Take docs/screenshot.png: start the app offline, open a shared link headless, shoot.

``--scroll PX`` scrolls the page that far first (``docs/screenshot-changes.png``: the chart and
"what changed" under the map)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.browser_timing import start_app, wait_whole_page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(argv: list[str] | None = None) -> int:
    """Start ``streamlit run app.py``, open ``--query`` and write the PNG to ``--output``."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    p.add_argument("--query", default="?date=2018-03-22&town=douma")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--size", default="1400x900", help="window WIDTHxHEIGHT in CSS pixels")
    p.add_argument("--scroll", type=int, default=0, help="scroll down this many pixels")
    args = p.parse_args(argv)
    try:
        server, url = start_app(subprocess.DEVNULL, timeout_s=60)
    except RuntimeError:
        raise SystemExit("the app did not start") from None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            width, height = (int(v) for v in args.size.split("x"))
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/{args.query}")
            frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                           timeout=60_000).content_frame()
            frame.wait_for_function("window.map && window.feature_group "
                                    "&& window.feature_group.length > 0", timeout=60_000)
            wait_whole_page(page)
            page.wait_for_timeout(1500)  # chart and side panel settle
            if args.scroll:  # the page, not the map (which would zoom) nor the panel
                page.evaluate("(px) => { const m = document.querySelector("
                              "'[data-testid=\"stMain\"]'); (m || window).scrollBy(0, px); }",
                              args.scroll)
                page.wait_for_timeout(800)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output), full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
