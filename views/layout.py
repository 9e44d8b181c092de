"""The map page's layout: a full-width page whose map fills most of the window's height."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

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
#: Streamlit key of the hidden button that ``MAP_DRAWN_JS`` clicks once the map is drawn.
MAP_DRAWN_KEY = "mapdrawn"
#: Seconds after which ``MAP_DRAWN_JS`` clicks even if the map has not drawn (so that a map
#: that fails to draw does not hold back the rest of the page).
MAP_DRAWN_FALLBACK_S = 6
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


#: Until the map frame has drawn its first layers (``views.mapview.COUNT_UPDATE_JS`` counts
#: them), the first run of a session sends only what is above and beside the map; this
#: clicks the hidden ``MAP_DRAWN_KEY`` button then, and the rerun sends the rest. The chart
#: and the panels below would otherwise load their browser code (some 40 files, the chart's
#: Vega code alone 0.8 MB, over the browser's 6 connections to the server) at the same time
#: as the map's, and the server would work on them (and draw ahead) while it serves the map.
#: A fixed script, as above.
MAP_DRAWN_JS = f"""<script>
(function () {{
  var page = window.parent && window.parent.document ? window.parent : window;
  if (page.__mapDrawnWatch) {{ return; }}
  page.__mapDrawnWatch = true;
  page.setInterval(function () {{
    var button = page.document.querySelector(".st-key-{MAP_DRAWN_KEY} button");
    if (!button) {{ return; }}
    var now = Date.now();
    button.__since = button.__since || now;
    if (button.__clicked && now - button.__clicked < 2000) {{ return; }}
    var frame = page.document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    var drawn = false;
    try {{ drawn = !!(frame && frame.contentWindow.__mapUpdates > 0); }} catch (e) {{ }}
    if (drawn || now - button.__since > {MAP_DRAWN_FALLBACK_S * 1000}) {{
      button.__clicked = now;
      button.click();
    }}
  }}, 50);
}})();
</script>"""


def page_config() -> None:
    """Wide page, sidebar collapsed (the map's tools are above it, the pages in a link)."""
    st.set_page_config(page_title="Conflict map", layout="wide",
                       initial_sidebar_state="collapsed")


def page_style() -> DeltaGenerator:
    """Apply ``PAGE_CSS`` (a style element only: it takes no room on the page),
    ``SLIDER_KEYS_JS`` and ``MAP_DRAWN_JS``; returns their hidden container."""
    st.html(PAGE_CSS)
    hidden = st.container(key=SCRIPTS_KEY)  # hidden: takes no room above the map
    hidden.html(SLIDER_KEYS_JS, unsafe_allow_javascript=True)
    hidden.html(MAP_DRAWN_JS, unsafe_allow_javascript=True)
    return hidden


def wait_for_map(hidden: DeltaGenerator, on_drawn: Callable[[], None]) -> None:
    """Put the button ``MAP_DRAWN_JS`` clicks (calling ``on_drawn``) in ``hidden``."""
    hidden.button("map drawn", key=MAP_DRAWN_KEY, on_click=on_drawn)
