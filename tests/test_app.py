"""The Streamlit app run headless by AppTest: widgets, URL state, stepping, playback, bad data."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import map_drawn
from tests.minidata import CONTROL, SRC, make_dataset
from views.state import clicked_town, parse_day, step_change
from views.text import highlight, md_escape

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EVIL = "<script>alert(1)</script>"
START, END = dt.date(2020, 1, 1), dt.date(2020, 1, 10)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_dataset(
        tmp_path / "data",
        routes=[{"id": "r1", "origin": "eastburg", "destination": "farplace",
                 "path": "eastburg;northam;farplace", "start": "2020-01-06",
                 "end": "2020-01-07", "group": "fighters", "people": "1200",
                 "precision": "approx", "detail": "d", "source": SRC}],
    )
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(root),
                                      "--seeds", str(tmp_path / "seeds")])
    return root


def as_date(micros: float) -> dt.date:
    """A date slider's bound as AppTest reports it (microseconds since the epoch, UTC)."""
    return dt.datetime.fromtimestamp(micros / 1e6, dt.UTC).date()


def run_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return map_drawn(at.run())


def test_the_first_run_sends_the_map_and_holds_back_what_is_below(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["town"] = "northam"
    at.run()
    assert not at.exception
    assert len(at.get("component_instance")) == 1  # the map
    assert at.slider(key="day").value == START  # the date bar
    assert "### Northam" in " ".join(m.value for m in at.markdown)  # the town panel
    assert not at.get("vega_lite_chart") and not at.get("download_button")
    assert not [e for e in at.expander if "Exports" in e.label]
    map_drawn(at)
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1 and at.get("download_button")
    assert [e for e in at.expander if "Exports" in e.label]
    assert not [b for b in at.button if b.key == "mapdrawn"]  # asked once per session
    at.slider(key="day").set_value(dt.date(2020, 1, 9)).run()
    assert len(at.get("vega_lite_chart")) == 1


def test_app_runs_and_slider_spans_the_dataset(data_dir: Path) -> None:
    at = run_app()
    assert not at.exception
    slider = at.slider(key="day")
    assert (as_date(slider.min), as_date(slider.max)) == (START, END)
    assert slider.value == START


def test_query_params_restore_date_and_town(data_dir: Path) -> None:
    at = run_app({"date": "2020-01-06", "town": "northam"})
    assert not at.exception
    assert at.slider(key="day").value == dt.date(2020, 1, 6)
    assert at.selectbox(key="town").value == "northam"
    text = " ".join(m.value for m in at.markdown)
    assert "### Northam" in text
    assert "since 2020-01-05" in text


def test_changing_the_date_updates_the_url(data_dir: Path) -> None:
    at = run_app()
    at.slider(key="day").set_value(dt.date(2020, 1, 4)).run()
    assert at.query_params["date"] in ("2020-01-04", ["2020-01-04"])


def test_change_buttons_land_on_change_dates(data_dir: Path) -> None:
    at = run_app()
    at.button(key="next").click().run()
    assert at.slider(key="day").value == dt.date(2020, 1, 5)
    at.button(key="next").click().run()
    assert at.slider(key="day").value == dt.date(2020, 1, 8)
    at.button(key="prev").click().run()
    assert at.slider(key="day").value == dt.date(2020, 1, 5)


def test_day_buttons_step_one_day_within_the_period(data_dir: Path) -> None:
    at = run_app({"date": "2020-01-09"})
    at.button(key="fwd").click().run()
    assert at.slider(key="day").value == END
    assert at.button(key="fwd").disabled
    at.button(key="back").click().run()
    assert at.slider(key="day").value == dt.date(2020, 1, 9)


def test_play_advances_the_date(data_dir: Path) -> None:
    at = run_app()
    at.button(key="play").click().run()
    assert not at.exception
    assert at.slider(key="day").value > START


def test_bad_data_shows_problems_and_keeps_last_good(data_dir: Path) -> None:
    at = run_app()
    with (data_dir / "control.csv").open("a", encoding="utf-8") as fh:
        fh.write("2020-01-03,nowhere,gov,capture,high,,,src\n")
    at.run()
    assert at.error, "expected a banner naming the problems"
    assert md_escape("control.csv:8: unknown locality") in at.error[0].value
    assert as_date(at.slider(key="day").max) == END  # still serving the last good dataset


def test_evil_names_are_escaped_in_the_panel(tmp_path: Path, monkeypatch) -> None:
    locs = [("evil", EVIL, "<img src=x onerror=alert(2)>", 33.52, 36.36, 1),
            ("eastburg", "Eastburg", "", 33.50, 36.40, 1)]
    root = make_dataset(tmp_path / "d", localities=locs, control=[
        ("2020-01-01", "evil", "reb", "initial"), ("2020-01-01", "eastburg", "gov", "initial")])
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(root)])
    at = run_app({"town": "evil"})
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert any(md_escape(EVIL) in v for v in shown)
    assert not any(re.search(r"(?<!\\)<", v) for v in shown)  # no unescaped tag opener


def map_args(at: AppTest) -> dict:
    """The arguments the map component received in the last run (script, layers, ...)."""
    (el,) = at.get("component_instance")
    assert el.proto.component_name == "streamlit_folium.st_folium"
    return json.loads(el.proto.json_args)


def test_date_change_swaps_the_layers_not_the_base_map(data_dir: Path) -> None:
    at = run_app({"date": "2020-01-02"})
    before = map_args(at)
    at.slider(key="day").set_value(dt.date(2020, 1, 8)).run()
    after = map_args(at)
    assert after["script"] == before["script"]  # same base map: no remount, view kept
    assert after["key"] == before["key"]
    assert '"date": "2020-01-02"' in before["feature_group"]
    assert '"date": "2020-01-08"' in after["feature_group"]
    assert "2020-01-02" not in after["feature_group"]
    assert after["feature_group"].count("map_div.addLayer(") == 6  # every layer switched on


def test_layer_switches_drop_their_layers(data_dir: Path) -> None:
    at = run_app({"date": "2020-01-06"})
    assert '"kind": "route"' in map_args(at)["feature_group"]
    at.checkbox(key="show_routes").uncheck().run()
    args = map_args(at)
    assert '"kind": "route"' not in args["feature_group"]
    assert "window.__towns.restyle(" in args["feature_group"]  # the towns stay
    assert args["feature_group"].count("map_div.addLayer(") == 5


def test_towns_are_in_the_base_map_once_and_each_date_sends_their_holders(
        data_dir: Path) -> None:
    at = run_app({"date": "2020-01-02"})
    args = map_args(at)
    (table,) = re.findall(r"var d = (\{.*\});", args["script"])
    towns = json.loads(table)
    assert sorted(towns["ids"]) == sorted(set(towns["ids"])) == [
        "eastburg", "northam", "southby", "westville"]
    for name in towns["names"]:
        assert name not in args["feature_group"]  # a date does not send places again
    (restyle,) = re.findall(r"window\.__towns\.restyle\((.*)\);", args["feature_group"])
    sent = json.loads(restyle)
    assert sent["date"] == "2020-01-02"
    assert {f["id"] for f in sent["factions"]} == {"gov", "reb"}


def test_chart_spec_stays_the_same_when_the_date_moves(data_dir: Path) -> None:
    at = run_app({"date": "2020-01-02"})
    (chart,) = at.get("vega_lite_chart")
    spec, days = chart.proto.spec, [d.name for d in chart.proto.datasets]
    at.slider(key="day").set_value(dt.date(2020, 1, 9)).run()
    (moved,) = at.get("vega_lite_chart")
    assert moved.proto.spec == spec  # the browser keeps its chart and moves the rule
    assert [d.name for d in moved.proto.datasets] == days == ["chosen_day"]
    assert moved.proto.datasets[0].data.data != chart.proto.datasets[0].data.data


def test_parse_day_clamps_and_rejects() -> None:
    assert parse_day("2019-05-01", START, END) == START
    assert parse_day("2020-01-04", START, END) == dt.date(2020, 1, 4)
    assert parse_day("yesterday", START, END) is None


def test_step_change_before_and_after() -> None:
    changes = [dt.date(2020, 1, 5), dt.date(2020, 1, 8)]
    assert step_change(dt.date(2020, 1, 5), changes, 1) == dt.date(2020, 1, 8)
    assert step_change(dt.date(2020, 1, 5), changes, -1) is None
    assert step_change(dt.date(2020, 1, 9), changes, -1) == dt.date(2020, 1, 8)


def test_clicked_town_only_for_localities() -> None:
    loc = {"last_active_drawing": {"properties": {"kind": "locality", "id": "douma"}}}
    poly = {"last_active_drawing": {"properties": {"kind": "control", "faction": "saa"}}}
    assert clicked_town(loc) == "douma"
    assert clicked_town(poly) is None
    assert clicked_town(None) is None


@pytest.mark.parametrize("payload", [EVIL, "[x](javascript:alert(1))", "![i](http://x/y.png)",
                                     ":red[boom] **b** $x^2$", "</textarea><b>"])
def test_md_escape_leaves_no_markup(payload: str) -> None:
    out = md_escape(payload)
    for ch in "<>[]()*:$`":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch), (payload, out)


def test_highlight_bolds_only_the_place() -> None:
    s = "Fighters left Douma <today>."
    assert highlight(s, 14, 19) == "Fighters left **Douma** \\<today\\>\\."


def test_control_fixture_has_changes() -> None:  # guards the dates the tests above rely on
    assert {d for d, *_ in CONTROL if d != "2020-01-01"} == {"2020-01-05", "2020-01-08"}
