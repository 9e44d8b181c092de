"""The map page in Streamlit's AppTest as a browser runs it: the first run, then the rest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from views.layout import MAP_DRAWN_KEY


def map_drawn(at: AppTest) -> AppTest:
    """Click the hidden button that the page's script clicks once the browser has drawn the
    map (``views.layout.MAP_DRAWN_JS``; AppTest has no browser), and rerun: the chart, the
    lists, the downloads and the exports come in that run."""
    return at.button(key=MAP_DRAWN_KEY).click().run()
