"""Uncertain control: which ground is hatched on a date, the notes, and the area range."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import shapely
from apptest import map_drawn
from shapely.geometry import shape

from geo.atlas import Atlas, load_atlas
from geo.dataset import COLUMNS
from geo.uncertainty import (
    area_range,
    is_uncertain,
    uncertain_control,
    uncertain_features,
    uncertainty_note,
)
from layers.towns import town_ids, town_payload
from layers.uncertainty import HATCH_DASH, uncertainty_layer
from minidata import SRC, make_dataset, write_csv

D = dt.date.fromisoformat
URL = "https://news.example/a"
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    root = make_dataset(tmp_path_factory.mktemp("unc") / "d")
    rows = [("2020-01-01", "westville", "gov", "initial", "high", ""),
            ("2020-01-01", "eastburg", "reb", "initial", "high", ""),
            ("2020-01-01", "northam", "reb", "initial", "medium", ""),
            ("2020-01-01", "southby", "gov", "initial", "high", ""),
            ("2020-01-05", "northam", "gov", "capture", "low", ""),
            ("2020-01-08", "eastburg", "gov", "handover", "high", "2020-01-06;2020-01-09")]
    write_csv(root / "control.csv", COLUMNS["control"], [
        {"date": d, "locality": loc, "faction": f, "kind": k, "confidence": c,
         "alt_dates": alt, "detail": f"detail {EVIL}", "source": f"Outlet {EVIL} {URL} | {SRC}"}
        for d, loc, f, k, c, alt in rows])
    return load_atlas(root)


def hatched(atlas: Atlas, day: str) -> set[str]:
    """The places whose point lies in the hatched ground of ``day``."""
    polys = [shape(f["geometry"]) for f in uncertain_features(uncertain_control(atlas, D(day)),
                                                              atlas)]
    return {loc.id for loc in atlas.dataset.localities if loc.territory
            and any(p.contains(shapely.Point(loc.lon, loc.lat)) for p in polys)}


@pytest.mark.parametrize(("day", "places"), [
    ("2020-01-01", set()), ("2020-01-04", set()), ("2020-01-05", {"northam"}),
    ("2020-01-07", {"northam"}), ("2020-01-08", {"northam", "eastburg"}),
])
def test_only_the_uncertain_places_are_hatched(atlas: Atlas, day: str, places: set[str]) -> None:
    unc = uncertain_control(atlas, D(day))
    assert set(unc.rows) == places
    assert all(is_uncertain(r) for r in unc.rows.values())
    assert hatched(atlas, day) == places


def test_the_hatching_is_per_holder_and_counts_its_reasons(atlas: Atlas) -> None:
    (feat,) = uncertain_features(uncertain_control(atlas, D("2020-01-08")), atlas)
    p = feat["properties"]
    assert (p["kind"], p["faction"], p["faction_name"]) == ("uncertain", "gov", "Government")
    assert sorted(p["localities"]) == ["eastburg", "northam"]
    assert (p["low"], p["disputed"]) == (1, 1)


def test_the_note_gives_confidence_other_dates_and_source(atlas: Atlas) -> None:
    unc = uncertain_control(atlas, D("2020-01-08"))
    assert uncertainty_note(unc.rows["northam"]).startswith("low confidence · source: Outlet")
    note = uncertainty_note(unc.rows["eastburg"])
    assert "other dates: 2020-01-06, 2020-01-09" in note and note.endswith("and 1 more")


def test_the_layer_is_hatched_dashed_and_escaped(atlas: Atlas) -> None:
    feats = uncertain_features(uncertain_control(atlas, D("2020-01-08")), atlas)
    group = uncertainty_layer(feats, "2020-01-08")
    (el,) = [c for c in group._children.values()]
    style = json.loads(el.style_json)
    assert style["hatch"] and style["dashArray"] == HATCH_DASH and style["fill"]
    data = json.loads(el.data_json)
    props = data["features"][0]["properties"]
    assert "localities" not in props and props["places"] == 2 and props["date"] == "2020-01-08"
    assert uncertainty_layer([], "2020-01-01")._children == {}


def test_uncertain_towns_carry_their_escaped_note(atlas: Atlas) -> None:
    day = D("2020-01-08")
    unc = uncertain_control(atlas, day)
    notes = {lid: uncertainty_note(r) for lid, r in unc.rows.items()}
    order = town_ids(atlas.dataset.localities)
    payload = town_payload(atlas.snapshot(day), order, {}, {}, notes)
    flagged = {order[int(pos)] for pos in payload["note"]}
    assert flagged == {"northam", "eastburg"}
    assert all("<img" not in n and "&lt;img" in n for n in payload["notes"])
    assert town_payload(atlas.snapshot(day), order, {}, {})["note"] == {}


def test_the_area_range_spans_the_disputed_dates(atlas: Atlas) -> None:
    rows = {(r["date"], r["faction"]): r for r in area_range(atlas)}
    cell = rows[("2020-01-08", "gov")]["area_km2"] - rows[("2020-01-07", "gov")]["area_km2"]
    assert cell > 0
    for day in ("2020-01-01", "2020-01-05", "2020-01-09", "2020-01-10"):
        for f in ("gov", "reb"):
            r = rows[(day, f)]
            assert r["low_km2"] == r["area_km2"] == r["high_km2"], (day, f)
    for day in ("2020-01-06", "2020-01-07"):  # if the earliest date (6 Jan) held
        gov, reb = rows[(day, "gov")], rows[(day, "reb")]
        assert gov["low_km2"] == gov["area_km2"]
        assert gov["high_km2"] == pytest.approx(gov["area_km2"] + cell, abs=0.01)
        assert reb["low_km2"] == pytest.approx(reb["area_km2"] - cell, abs=0.01)
    gov8 = rows[("2020-01-08", "gov")]  # if the latest date (9 Jan) held
    assert gov8["low_km2"] == pytest.approx(gov8["area_km2"] - cell, abs=0.01)
    assert gov8["high_km2"] == gov8["area_km2"]


def test_shipped_data_uncertain_places_match_their_rows(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    atlas = load_atlas(ROOT / "data")
    for day in (D("2018-02-27"), D("2018-03-22"), D("2018-04-14")):
        expected = {lid for lid in atlas.timeline.locality_ids
                    if (row := atlas.timeline.current_row(lid, day)) is not None
                    and (row.confidence == "low" or row.alt_dates)}
        assert set(uncertain_control(atlas, day).rows) == expected
        assert expected, day
    json.dumps(area_range(atlas))  # plain JSON for the chart


@pytest.fixture
def app_data(atlas: Atlas, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import sys

    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(atlas.dataset.root),
                                      "--seeds", str(tmp_path / "seeds")])
    return atlas.dataset.root


def test_the_app_draws_the_hatching_and_the_chart_range_on_request(app_data: Path) -> None:
    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.query_params["date"] = "2020-01-08"
    at.query_params["town"] = "eastburg"
    map_drawn(at.run())
    assert not at.exception
    (el,) = at.get("component_instance")
    layers_js = json.loads(el.proto.json_args)["feature_group"]
    assert re.search(r'"kind": ?"uncertain"', layers_js) and '"hatch"' in layers_js
    warning = " ".join(w.value for w in at.warning)
    assert "Uncertain control" in warning and "2020\\-01\\-06" in warning  # the panel says why
    assert not re.search(r"(?<!\\)<", warning)  # no unescaped tag opener
    (chart,) = at.get("vega_lite_chart")
    assert '"area"' not in chart.proto.spec
    at.toggle(key="show_range").set_value(True).run()
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    band = spec["layer"][0]
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"]["field"] == "high_km2"
    at.checkbox(key="show_unc").uncheck().run()
    (el,) = at.get("component_instance")
    assert not re.search(r'"kind": ?"uncertain"', json.loads(el.proto.json_args)["feature_group"])
