"""Compare and export in the browser: changes and their km2 against the chart, GIF, PNG, GPKG."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from functools import cache
from pathlib import Path

import pyogrio
import pytest
from PIL import Image

from geo.atlas import Atlas, load_atlas
from geo.export.gpkg import LAYERS
from tests.e2e.conftest import ROOT, App
from views.chart import chart_rows

pytestmark = pytest.mark.browser

#: In the map frame: the "changes" features drawn (kind gain) with their factions and km2.
GAINS_JS = """() => { const out = [];
  window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.kind === 'gain') out.push({faction: p.faction, from: p.from_faction,
      km2: p.area_km2, fill: l.options.fillColor}); });
  return out; }"""


@cache
def atlas() -> Atlas:
    return load_atlas(ROOT / "data")


def set_date(app: App, label: str, day: dt.date) -> None:
    """Choose ``day`` in the Streamlit date input named ``label``.

    Its month and day are typed into the input's fields (the year stays: the shipped period
    is within 2018), then ``day`` is clicked in the calendar that Tab opens, which commits it.
    """
    assert day.year == 2018, "the year field is left as it is (the shipped period)"
    page = app.page
    page.get_by_role("spinbutton", name=f"month, {label}").click()
    page.keyboard.type(f"{day.month:02d}{day.day:02d}")
    page.keyboard.press("Tab")
    name = f"{day:%A}, {day:%B} {day.day}, {day.year}"
    page.get_by_role("button", name=re.compile("^" + re.escape(name))).click()


def chart_km2(day: dt.date) -> dict[str, float]:
    """The km2 per faction name that the area chart draws on ``day`` (its data rows)."""
    return {r["faction_name"]: r["area_km2"] for r in chart_rows(atlas().area_series())
            if r["date"] == day.isoformat()}


def test_compared_changes_add_up_to_the_change_in_the_chart(app: App) -> None:
    a, b = dt.date(2018, 3, 1), dt.date(2018, 3, 22)
    app.open(f"?date={b.isoformat()}")
    before = app.updates()
    app.page.get_by_role("button", name="Layers").click()
    app.page.get_by_text("Compare with another date").click()
    app.wait_map_update(before)
    before = app.updates()
    set_date(app, "Compare with", a)
    app.wait_map_update(before)
    app.page.keyboard.press("Escape")  # close the Layers popover
    app.frame().wait_for_function(
        "() => { let n = 0; window.map.eachLayer(l => { if (l.feature && l.feature.properties"
        " && l.feature.properties.kind === 'gain') n++; }); return n > 0; }", timeout=15_000)
    gains = app.frame().evaluate(GAINS_JS)
    ds = atlas().dataset
    names = {f.id: f.name for f in ds.factions}
    net: dict[str, float] = {}
    for g in gains:
        net[names[g["faction"]]] = net.get(names[g["faction"]], 0.0) + g["km2"]
        net[names[g["from"]]] = net.get(names[g["from"]], 0.0) - g["km2"]
        assert g["fill"] == ds.faction(g["faction"]).color  # coloured by who gained it
    then, now = chart_km2(a), chart_km2(b)
    moved = {n for n in now if abs(now[n] - then[n]) > 1e-3}
    assert moved and moved == {n for n, v in net.items() if abs(v) > 1e-3}
    for name in now:
        assert net.get(name, 0.0) == pytest.approx(now[name] - then[name], abs=2e-3), name
    # the table under the map says the same, to 0.1 km2
    table = app.page.locator('[data-testid="stTable"]').inner_text()
    assert f"{now['Syrian government forces'] - then['Syrian government forces']:+.1f}" in table
    assert "2018-03-01" in table and "2018-03-22" in table


def open_exports(app: App) -> None:
    app.page.get_by_text("Exports for the newsroom").click()
    app.page.get_by_role("button", name="Make the GIF").wait_for(timeout=15_000)


def test_gif_of_a_range_downloads_with_a_frame_per_day(app: App, tmp_path: Path) -> None:
    app.open("?date=2018-03-22")
    open_exports(app)
    set_date(app, "From", dt.date(2018, 3, 15))
    set_date(app, "To", dt.date(2018, 3, 24))
    app.page.get_by_text("10 frames, one per day").wait_for(timeout=15_000)
    app.page.get_by_role("button", name="Make the GIF").click()
    button = app.page.get_by_role("button", name="Download the GIF")
    button.wait_for(timeout=60_000)
    with app.page.expect_download() as dl:
        button.click()
    assert dl.value.suggested_filename == "map-2018-03-15-2018-03-24.gif"
    img = Image.open(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert (img.format, img.size, img.n_frames) == ("GIF", (800, 600), 10)


def test_png_and_geopackage_download(app: App, tmp_path: Path) -> None:
    app.open("?date=2018-03-22")
    open_exports(app)
    with app.page.expect_download() as dl:
        app.page.get_by_role("button", name="Download PNG of 2018-03-22").click()
    img = Image.open(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert (img.format, img.size) == ("PNG", (800, 600))
    with app.page.expect_download() as dl:
        app.page.get_by_role("button", name="Download GeoPackage").click()
    path = tmp_path / "t.gpkg"
    path.write_bytes(Path(dl.value.path()).read_bytes())
    assert [name for name, _ in pyogrio.list_layers(path)] == list(LAYERS)
    control = pyogrio.read_dataframe(path, layer="control")
    assert json.loads(control["localities"].iloc[0])  # lists as JSON text
    assert not app.rec.foreign_requests()
