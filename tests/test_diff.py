"""Territory gained and lost between two dates: areas agree with the chart, shapes with the map."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import shapely
from shapely.geometry import shape

from geo.atlas import Atlas, load_atlas
from geo.diff import territory_diff
from geo.snapshot import dumps
from layers.diff import diff_layer
from minidata import make_dataset

D = dt.date


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Atlas:
    return load_atlas(make_dataset(tmp_path_factory.mktemp("diff") / "mini"))


@pytest.fixture(scope="module")
def shipped(dataset) -> Atlas:
    return Atlas.build(dataset)


def chart_areas(atlas: Atlas, day: dt.date) -> dict[str, float]:
    """The area chart's km2 per faction on ``day`` (Atlas.area_series feeds the chart)."""
    return {r["faction"]: r["area_km2"] for r in atlas.area_series()
            if r["date"] == day.isoformat()}


def test_a_capture_is_one_gain_from_the_former_holder(mini: Atlas) -> None:
    diff = territory_diff(mini, D(2020, 1, 1), D(2020, 1, 6))
    assert (diff["from"], diff["to"]) == ("2020-01-01", "2020-01-06")
    [gain] = diff["features"]
    p = gain["properties"]
    assert (p["kind"], p["faction"], p["from_faction"], p["localities"]) == (
        "gain", "gov", "reb", ["northam"])
    assert p["color"] == "#d7191c"
    cell = mini.tessellation.cells[mini.tessellation.cell_of_point[
        mini.timeline.locality_ids.index("northam")]]
    assert shape(gain["geometry"]).symmetric_difference(cell).area < 1e-9
    summary = {s["faction"]: s for s in diff["factions"]}
    assert summary["gov"]["gained_km2"] == p["area_km2"] > 0
    assert summary["reb"]["lost_km2"] == p["area_km2"]
    assert summary["gov"]["lost_km2"] == summary["reb"]["gained_km2"] == 0


def test_no_change_no_gain(mini: Atlas) -> None:
    diff = territory_diff(mini, D(2020, 1, 2), D(2020, 1, 4))
    assert diff["features"] == []
    assert all(s["net_km2"] == 0 for s in diff["factions"])


@pytest.mark.parametrize(("a", "b"), [
    (D(2018, 2, 18), D(2018, 4, 14)), (D(2018, 3, 1), D(2018, 3, 22)),
    (D(2018, 3, 22), D(2018, 3, 1)), (D(2018, 2, 24), D(2018, 2, 26)),
])
def test_gains_minus_losses_are_the_change_in_the_area_chart(shipped: Atlas, a, b) -> None:
    diff = territory_diff(shipped, a, b)
    before, after = chart_areas(shipped, a), chart_areas(shipped, b)
    for s in diff["factions"]:
        f = s["faction"]
        assert s["area_from_km2"] == pytest.approx(before[f], abs=1e-3)
        assert s["area_to_km2"] == pytest.approx(after[f], abs=1e-3)
        assert s["net_km2"] == pytest.approx(after[f] - before[f], abs=2e-3)
        gained = sum(g["properties"]["area_km2"] for g in diff["features"]
                     if g["properties"]["faction"] == f)
        lost = sum(g["properties"]["area_km2"] for g in diff["features"]
                   if g["properties"]["from_faction"] == f)
        assert s["gained_km2"] == pytest.approx(gained, abs=2e-3)
        assert s["lost_km2"] == pytest.approx(lost, abs=2e-3)
    # every faction whose area changed is in the summary
    changed = {f for f in before.keys() | after.keys()
               if abs(before.get(f, 0) - after.get(f, 0)) > 1e-3}
    assert changed <= {s["faction"] for s in diff["factions"]}


def test_gained_ground_is_the_gainers_on_b_and_not_on_a(shipped: Atlas) -> None:
    a, b = D(2018, 3, 1), D(2018, 3, 25)
    diff = territory_diff(shipped, a, b)
    assert diff["features"]

    def polygons(day: dt.date) -> dict[str, object]:
        return {f["properties"]["faction"]: shape(f["geometry"])
                for f in shipped.snapshot(day)["features"]
                if f["properties"]["kind"] == "control"}

    on_a, on_b = polygons(a), polygons(b)
    for g in diff["features"]:
        p, geom = g["properties"], shape(g["geometry"])
        assert geom.is_valid
        assert geom.difference(on_b[p["faction"]]).area < 1e-9
        assert geom.intersection(on_a[p["from_faction"]]).area == pytest.approx(geom.area,
                                                                              rel=1e-6)
        assert p["faction"] not in on_a or geom.intersection(on_a[p["faction"]]).area < 1e-9
    for g, h in itertools.combinations(diff["features"], 2):
        assert shape(g["geometry"]).intersection(shape(h["geometry"])).area < 1e-9
    areas = [g["properties"]["area_km2"] for g in diff["features"]]
    assert areas == sorted(areas, reverse=True)


def test_diff_is_rfc7946(shipped: Atlas) -> None:
    doc = json.loads(dumps(territory_diff(shipped, D(2018, 2, 18), D(2018, 4, 14))))
    assert "crs" not in doc
    for f in doc["features"]:
        geom = shape(f["geometry"])
        for poly in shapely.get_parts(geom):
            assert shapely.is_ccw(poly.exterior)
        text = json.dumps(f["geometry"]["coordinates"])
        assert all(len(n.split(".")[1]) <= 6 for n in text.replace("[", " ").replace(
            "]", " ").replace(",", " ").split() if "." in n)


def test_diff_layer_colours_by_gainer_and_says_from_whom(shipped: Atlas) -> None:
    diff = territory_diff(shipped, D(2018, 3, 1), D(2018, 3, 22))
    group = diff_layer(diff)
    [gj] = [c for c in group._children.values()]
    styled = [gj.style_function(f) for f in gj.data["features"]]
    colours = {f["properties"]["faction"]: s["fillColor"]
               for f, s in zip(gj.data["features"], styled, strict=True)}
    assert colours == {"saa": shipped.dataset.faction("saa").color}
    tips = [f["properties"]["tip"] for f in gj.data["features"]]
    assert any("from Jaysh al-Islam" in t for t in tips)
    assert all("localities" not in f["properties"] for f in gj.data["features"])
