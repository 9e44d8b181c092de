"""Offline map assets: Leaflet copied from its installed package and served locally."""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet

#: URL prefix under which Streamlit serves ``./static/vendor`` (``enableStaticServing``).
VENDOR_URL = "/app/static/vendor"

_FILES: tuple[tuple[Path, str], ...] = (
    (Path(xs_leaflet.BASE_DIR) / "leaflet.js", "leaflet/leaflet.js"),
    (Path(xs_leaflet.BASE_DIR) / "leaflet.css", "leaflet/leaflet.css"),
)
_DIRS: tuple[tuple[Path, str], ...] = ((Path(xs_leaflet.BASE_DIR) / "images", "leaflet/images"),)


def vendor_assets(dest: Path) -> Path:
    """Copy Leaflet from the installed xstatic package into ``dest``.

    Idempotent: files already present with the same size are left alone.

    Parameters
    ----------
    dest : Path
        The vendor directory, normally ``static/vendor`` next to ``app.py`` (git-ignored).

    Returns
    -------
    Path
        ``dest``.
    """
    for src, rel in _FILES:
        target = dest / rel
        if not target.exists() or target.stat().st_size != src.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    for src, rel in _DIRS:
        shutil.copytree(src, dest / rel, dirs_exist_ok=True)
    return dest


def offline_js(prefix: str = VENDOR_URL) -> list[tuple[str, str]]:
    """The (name, url) script list to use as a map's ``default_js``: local copies only.

    Leaflet alone: nothing the map runs uses jQuery (folium's own default list has it, with
    Bootstrap), and the map frame loads its scripts one after the other.
    """
    return [("leaflet", f"{prefix}/leaflet/leaflet.js")]


def offline_css(prefix: str = VENDOR_URL) -> list[tuple[str, str]]:
    """The (name, url) stylesheet list to use as a map's ``default_css``: local copies only."""
    return [("leaflet_css", f"{prefix}/leaflet/leaflet.css")]
