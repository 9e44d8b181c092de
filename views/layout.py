"""The map page's layout: a full-width page whose map fills most of the window's height."""

from __future__ import annotations

import streamlit as st

#: Height of the map as a share of the browser window's height (CSS ``vh``).
MAP_VH = 74
#: The map's height in CSS pixels before the page's style applies (and for view fitting).
MAP_HEIGHT_PX = 620
#: Width of the narrowest map the layout gives (a 1024 px window), CSS pixels.
NARROW_MAP_PX = 640
#: Relative widths of the map and of the town panel beside it.
MAP_COLUMNS = (7, 3)
#: Streamlit key of the town panel's container: as tall as the map, scrolling on its own.
PANEL_KEY = "townpanel"

#: The page's style. Streamlit sizes the map's frame in pixels; the map's height follows the
#: window instead (the map frame's own style fills the frame, ``layers.base.FRAME_CSS``).
#: The top margin is trimmed to the header's height.
PAGE_CSS = f"""<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.75rem; padding-bottom: 2rem;
  padding-left: 1.5rem; padding-right: 1.5rem; }}
iframe[title="streamlit_folium.st_folium"] {{ height: {MAP_VH}vh !important;
  min-height: 360px; }}
.st-key-{PANEL_KEY} {{ max-height: max({MAP_VH}vh, 360px); overflow-y: auto;
  overflow-x: hidden; }}
</style>"""


def page_config() -> None:
    """Wide page, sidebar collapsed (the map's tools are above it, the pages in a link)."""
    st.set_page_config(page_title="Conflict map", layout="wide",
                       initial_sidebar_state="collapsed")


def page_style() -> None:
    """Apply ``PAGE_CSS`` (a style element only: it takes no room on the page)."""
    st.html(PAGE_CSS)
