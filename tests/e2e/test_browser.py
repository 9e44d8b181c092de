"""The app in headless Chromium: offline map, slider, playback, clicks, downloads, shared links."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from geo.atlas import Atlas, load_atlas
from geo.excerpts import excerpt_counts
from tests.e2e.conftest import ROOT, App

pytestmark = pytest.mark.browser


@cache
def atlas() -> Atlas:
    return load_atlas(ROOT / "data")


def test_map_renders_offline_with_polygons_and_towns(app: App) -> None:
    app.open()
    kinds = [f["kind"] for f in app.features()]
    territory = [loc for loc in atlas().dataset.localities if loc.territory]
    assert kinds.count("control") >= 2
    assert kinds.count("locality") == len(territory)
    assert kinds.count("frontline") >= 1
    app.page.wait_for_timeout(500)  # let late asset requests show up
    assert app.rec.requests, "no request recorded"
    assert app.rec.foreign_requests() == []
    assert app.rec.errors == []
    cold = app.first_map_s
    warm = [app.open().first_map_s for _ in range(3)]
    print(f"\nfirst drawn map: {cold:.2f} s on the first visit (server cold), "
          f"median {statistics.median(warm):.2f} s on later visits")


def test_slider_changes_colours_and_keeps_the_view(app: App) -> None:
    app.open("?date=2018-02-18")
    app.frame().evaluate("() => { window.map.setView([33.56, 36.38], 13, {animate: false}); }")
    view = app.view()
    before = app.colours()
    thumb = app.page.locator('[data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    timings = []
    for key in ["End", "Home"] * 3 + ["End"]:  # start and end of the period differ everywhere
        updates = app.updates()
        t0 = app.page.evaluate("performance.now()")
        thumb.press(key)
        app.wait_map_update(updates)
        timings.append(app.page.evaluate("performance.now()") - t0)
    app.page.wait_for_timeout(300)
    after = app.colours()
    assert after != before
    assert app.view() == view
    assert app.slider_value() == "2018-04-14"
    print(f"\nslider -> map: median {statistics.median(timings):.0f} ms, "
          f"max {max(timings):.0f} ms over {len(timings)} moves")


def test_play_advances_the_date(app: App) -> None:
    app.open("?date=2018-03-01")
    app.button("play").click()
    app.page.wait_for_function(
        """() => { const s = document.querySelector('[data-testid="stSlider"] input[type="range"]');
                   return s && s.getAttribute('aria-valuetext') > '2018-03-02'; }""",
        timeout=15_000)
    assert "Pause" in app.button("play").inner_text()
    app.button("play").click()
    app.page.wait_for_function(
        "() => document.querySelector('.st-key-play button').innerText.includes('Play')")
    assert app.slider_value() > "2018-03-02"


def test_change_buttons_land_on_change_dates(app: App) -> None:
    changes = [d.isoformat() for d in atlas().change_dates()]
    app.open("?date=2018-02-18")
    seen = []
    for _ in range(2):
        app.button("next").click()
        app.page.wait_for_function(
            f"""() => document.querySelector('[data-testid="stSlider"] input[type="range"]')
                     .getAttribute('aria-valuetext') > '{seen[-1] if seen else '2018-02-18'}'""")
        seen.append(app.slider_value())
    assert seen == changes[:2]
    app.button("prev").click()
    app.page.wait_for_function(
        f"""() => document.querySelector('[data-testid="stSlider"] input[type="range"]')
                 .getAttribute('aria-valuetext') === '{changes[0]}'""")


def test_clicking_douma_shows_the_seed_excerpt(app: App) -> None:
    app.open("?date=2018-03-22")
    app.click_locality("douma")
    excerpt = app.page.get_by_text("Report excerpts")
    excerpt.wait_for(timeout=15_000)
    text = app.panel_text()
    assert "Douma" in text
    assert "Jaysh al-Islam representatives and Douma elders" in text
    app.page.wait_for_url("**town=douma**", timeout=10_000)


def test_clicking_a_town_without_excerpts_shows_its_history(app: App) -> None:
    counts = excerpt_counts(ROOT / "seeds", atlas().dataset)
    town = next(loc for loc in atlas().dataset.localities
                if loc.territory and loc.id not in counts and len(atlas().history(loc.id)) > 1)
    app.open("?date=2018-04-14")
    app.click_locality(town.id)
    app.page.get_by_text("Control history").wait_for(timeout=15_000)
    text = app.panel_text()
    assert town.name in text and "Report excerpts" not in text
    assert atlas().history(town.id)[-1].date.isoformat() in text


def test_downloaded_snapshot_equals_the_cli(app: App, tmp_path: Path) -> None:
    app.open("?date=2018-03-22")
    with app.page.expect_download() as dl:
        app.page.get_by_role("button", name="Download snapshot GeoJSON").click()
    got = Path(dl.value.path()).read_bytes()
    cli = subprocess.run([sys.executable, "-m", "geo", "snapshot", "--date", "2018-03-22"],
                         cwd=ROOT, capture_output=True, check=True).stdout
    assert got == cli
    assert json.loads(got)["date"] == "2018-03-22"


def test_shared_link_restores_date_and_town(app: App) -> None:
    day = dt.date(2018, 3, 10)
    app.open(f"?date={day.isoformat()}&town=harasta")
    assert app.slider_value() == day.isoformat()
    snap = atlas().snapshot(day)
    expected = {f["properties"]["id"]: f["properties"]["color"] for f in snap["features"]
                if f["properties"]["kind"] == "locality"}
    assert app.colours() == expected
    app.page.get_by_role("heading", name="Harasta").wait_for(timeout=15_000)


def test_no_console_errors_through_a_session(app: App) -> None:
    app.open("?date=2018-03-01&town=douma")
    updates = app.updates()
    app.button("next").click()
    app.wait_map_update(updates)
    app.click_locality("harasta")
    app.page.get_by_role("heading", name="Harasta").wait_for(timeout=15_000)
    app.page.get_by_role("button", name="Layers").click()
    app.page.get_by_text("Evacuation routes").click()  # toggle a layer off and on
    app.page.get_by_text("Evacuation routes").click()
    app.page.wait_for_timeout(500)
    assert app.rec.errors == []
    assert app.rec.foreign_requests() == []


def test_fit_to_routes_shows_the_far_destinations(app: App) -> None:
    app.open("?date=2018-03-25")
    zoom = app.view()["zoom"]
    app.page.get_by_role("button", name="Layers").click()
    app.page.get_by_role("button", name="Fit to routes").click()
    app.frame().wait_for_function(f"window.map.getZoom() < {zoom}", timeout=15_000)
    far = [loc for loc in atlas().dataset.localities
           if any(loc.id == r.destination for r in atlas().dataset.routes)]
    inside = app.frame().evaluate(
        "(pts) => pts.every(p => window.map.getBounds().pad(0.05).contains(p))",
        [[loc.lat, loc.lon] for loc in far])
    assert far and inside


def _expected_colours(day: dt.date) -> dict[str, str]:
    return {f["properties"]["id"]: f["properties"]["color"]
            for f in atlas().snapshot(day)["features"] if f["properties"]["kind"] == "locality"}


def test_towns_are_recoloured_in_place_when_the_date_moves(app: App) -> None:
    """The base map's town circles take each date's holder colours; none is added twice."""
    day = dt.date(2018, 3, 9)
    app.open(f"?date={day.isoformat()}")
    drawn = app.features("locality")
    assert len(drawn) == len({f["id"] for f in drawn}) == len(_expected_colours(day))
    thumb = app.page.locator('[data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    for key, step in [("ArrowRight", 1), ("ArrowRight", 1), ("End", None), ("Home", None)]:
        updates = app.updates()
        thumb.press(key)
        app.wait_map_update(updates)
        day = (day + dt.timedelta(days=step) if step else
               atlas().dataset.meta.end if key == "End" else atlas().dataset.meta.start)
        assert app.slider_value() == day.isoformat()
        assert app.colours() == _expected_colours(day), day
        assert len(app.features("locality")) == len(drawn)  # restyled, not redrawn on top
        dates = app.frame().evaluate(
            "() => { const s = new Set(); window.map.eachLayer(l => { if (l.feature && "
            "l.feature.properties.kind) s.add(l.feature.properties.date); }); return [...s]; }")
        assert dates == [day.isoformat()]
    # the component keeps only this date's groups (it used to keep every date's, ~2 MB each
    # at country scale), and they are all on the map
    kept = app.frame().evaluate(
        "() => window.feature_group.map(g => window.map.hasLayer(g))")
    assert kept == [True] * 6  # control, uncertain, frontlines, corridors, routes, towns


def test_town_tooltip_names_the_holder_of_the_shown_date(app: App) -> None:
    douma = atlas().dataset.locality("douma")
    names = {f.id: f.name for f in atlas().dataset.factions}
    for day in (dt.date(2018, 3, 22), dt.date(2018, 4, 14)):
        app.open(f"?date={day.isoformat()}")
        holder, since = atlas().holder("douma", day)
        pt = app.frame().evaluate(
            "(ll) => window.map.latLngToContainerPoint(ll)", [douma.lat, douma.lon])
        box = app.iframe().bounding_box()
        assert box is not None
        x, y = box["x"] + pt["x"], box["y"] + pt["y"]
        app.page.mouse.move(x + 20, y + 20)
        app.page.wait_for_timeout(100)  # Leaflet's canvas handles one hover per 32 ms
        app.page.mouse.move(x, y, steps=4)
        app.page.wait_for_timeout(100)
        app.page.mouse.move(x + 1, y)
        tip = app.frame().locator(".leaflet-tooltip.foliumtooltip", has_text="held by")
        tip.wait_for(timeout=10_000)
        text = tip.inner_text()
        assert "Douma" in text and f"held by {names[holder]}" in text, text
        assert f"since {since.isoformat()}" in text, text
