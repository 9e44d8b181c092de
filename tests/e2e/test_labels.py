"""Place names in headless Chromium: no two shown names overlap at any zoom; the less
important hide first."""

from __future__ import annotations

import pytest

from layers.labels import LABEL_GAP_PX
from tests.e2e.conftest import App

pytestmark = pytest.mark.browser

#: Every name label with its rank, whether it is shown, and its box in page pixels (hidden
#: names keep their place in the layout).
LABELS_JS = """() => [...document.querySelectorAll('.leaflet-tooltip.locality-label')].map(el => {
    const r = el.getBoundingClientRect();
    return {id: el.dataset.id, rank: Number(el.dataset.rank),
            shown: getComputedStyle(el).visibility !== 'hidden' && r.width > 0,
            x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
})"""


def overlap(a: dict, b: dict, gap: float = 0) -> bool:
    """Do the boxes meet (closer than ``gap`` pixels on each side)?"""
    return (a["x0"] - 2 * gap < b["x1"] and b["x0"] - 2 * gap < a["x1"]
            and a["y0"] - 2 * gap < b["y1"] and b["y0"] - 2 * gap < a["y1"])


def labels_at(app: App, zoom: int) -> list[dict]:
    frame = app.frame()
    frame.evaluate(f"() => {{ window.map.setZoom({zoom}, {{animate: false}}); }}")
    frame.wait_for_function(f"window.map.getZoom() === {zoom}")
    frame.wait_for_timeout(100)  # zoomend handlers have run
    return frame.evaluate(LABELS_JS)


def test_shown_names_never_overlap_and_lower_ranks_hide_first(app: App) -> None:
    app.open("?date=2018-03-22")
    hidden_somewhere = False
    for zoom in range(9, 17):
        labels = labels_at(app, zoom)
        assert labels and all(lab["id"] for lab in labels)
        shown = [lab for lab in labels if lab["shown"]]
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                assert not overlap(a, b), (zoom, a["id"], b["id"])
        for lab in labels:
            if lab["shown"]:
                continue
            hidden_somewhere = True
            # hidden because a name at least as important is in its place
            assert any(overlap(lab, s, LABEL_GAP_PX) for s in shown
                       if s["rank"] <= lab["rank"]), (zoom, lab, shown)
    assert hidden_somewhere, "no zoom level needed hiding: the test proves nothing"


def test_close_up_every_name_is_shown(app: App) -> None:
    app.open("?date=2018-03-22")
    labels = labels_at(app, 17)
    assert all(lab["shown"] for lab in labels), [lab["id"] for lab in labels if not lab["shown"]]


def test_a_city_keeps_its_name_where_villages_crowd(app: App) -> None:
    app.open("?date=2018-03-22")
    labels = {lab["id"]: lab for lab in labels_at(app, 10)}
    assert labels["damascus"]["shown"] and labels["douma"]["shown"]  # the two cities
    assert not all(lab["shown"] for lab in labels.values())
