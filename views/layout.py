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
#: Streamlit key of the hidden container of the page's scripts.
SCRIPTS_KEY = "pagescripts"
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
[data-testid="stLayoutWrapper"]:has(> .st-key-{SCRIPTS_KEY}) {{ display: none; }}
.st-key-{PANEL_KEY} {{ max-height: max({MAP_VH}vh, 360px); overflow-y: auto;
  overflow-x: hidden; }}
</style>"""


#: Shift+←/→ on the focused date slider jump to a change date, as they do anywhere else on
#: the page (Streamlit's shortcuts leave keys pressed in an input to the input, and the slider
#: would move one day). A fixed script: nothing from the data goes in it.
SLIDER_KEYS_JS = """<script>
(function () {
  var page = window.parent && window.parent.document ? window.parent : window;
  if (page.__sliderKeys) { return; }
  page.__sliderKeys = true;
  page.document.addEventListener("keydown", function (e) {
    if (!e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) { return; }
    var key = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : null;
    var t = e.target;
    if (!key || !t || !t.closest || !t.closest(".st-key-datebar [data-testid=stSlider]")) {
      return;
    }
    var button = page.document.querySelector(".st-key-" + key + " button");
    e.preventDefault();
    e.stopImmediatePropagation();
    if (button && !button.disabled) { button.click(); }
  }, true);
})();
</script>"""


def page_config() -> None:
    """Wide page, sidebar collapsed (the map's tools are above it, the pages in a link)."""
    st.set_page_config(page_title="Conflict map", layout="wide",
                       initial_sidebar_state="collapsed")


def page_style() -> None:
    """Apply ``PAGE_CSS`` (a style element only: it takes no room on the page) and
    ``SLIDER_KEYS_JS``."""
    st.html(PAGE_CSS)
    with st.container(key=SCRIPTS_KEY):  # hidden: takes no room above the map
        st.html(SLIDER_KEYS_JS, unsafe_allow_javascript=True)
