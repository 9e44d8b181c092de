"""Uncertain control in headless Chromium: hatched exactly where the data is uncertain."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest

from geo.atlas import Atlas, load_atlas
from tests.e2e.conftest import ROOT, App

pytestmark = pytest.mark.browser

#: In the map frame: per town, whether a hatched layer covers its point, and the hatched
#: layers' style (canvas renderer: Leaflet's own point-in-polygon test).
HATCHED_JS = """() => { const m = window.map, hatched = [], towns = {};
  m.eachLayer(l => { if (l.feature && l.feature.properties.kind === 'uncertain')
    hatched.push(l); });
  window.__towns.markers.forEach(t => {
    const p = m.latLngToLayerPoint(t.getLatLng());
    towns[t.feature.properties.id] = hatched.some(h => h._containsPoint(p)); });
  return {towns: towns, styles: hatched.map(h => [h.options.hatch, h.options.dashArray]),
          flagged: window.__towns.markers.filter(t => t.feature.properties.uncertain)
                     .map(t => t.feature.properties.id)}; }"""


@cache
def atlas() -> Atlas:
    return load_atlas(ROOT / "data")


def expected(day: dt.date) -> set[str]:
    """Towns whose control row in force is low-confidence or has other dates (from the data)."""
    tl = atlas().timeline
    return {lid for lid in tl.locality_ids
            if (row := tl.current_row(lid, day)) is not None
            and (row.confidence == "low" or bool(row.alt_dates))}


@pytest.mark.parametrize("day", ["2018-02-18", "2018-03-10", "2018-04-14"])
def test_hatching_only_where_the_data_is_uncertain(app: App, day: str) -> None:
    app.open(f"?date={day}")
    app.frame().wait_for_function(
        f"window.__towns.markers[0].feature.properties.date === '{day}'")
    got = app.frame().evaluate(HATCHED_JS)
    want = expected(dt.date.fromisoformat(day))
    assert want, "a date without uncertain control proves nothing"
    assert {t for t, inside in got["towns"].items() if inside} == want
    assert set(got["flagged"]) == want  # the towns' tooltips say so too
    assert got["styles"] and all(h and dash for h, dash in got["styles"])


def test_a_town_tooltip_gives_the_other_dates(app: App) -> None:
    day = dt.date(2018, 3, 22)
    town = next(lid for lid in sorted(expected(day))
                if atlas().timeline.current_row(lid, day).alt_dates)
    row = atlas().timeline.current_row(town, day)
    loc = atlas().dataset.locality(town)
    app.open(f"?date={day.isoformat()}")
    pt = app.frame().evaluate("(ll) => window.map.latLngToContainerPoint(ll)", [loc.lat, loc.lon])
    box = app.iframe().bounding_box()
    assert box is not None
    x, y = box["x"] + pt["x"], box["y"] + pt["y"]
    app.page.mouse.move(x + 20, y + 20)
    app.page.wait_for_timeout(100)
    app.page.mouse.move(x, y, steps=4)
    app.page.wait_for_timeout(100)
    app.page.mouse.move(x + 1, y)
    # the town's tooltip (the hatched ground's own tooltip says "Uncertain control")
    tip = app.frame().locator(".leaflet-tooltip.foliumtooltip",
                              has_text=re.compile(r"uncertain: "))
    tip.wait_for(timeout=10_000)
    text = tip.inner_text()
    assert loc.name in text and row.alt_dates[0].isoformat() in text, text
    assert "source:" in text
