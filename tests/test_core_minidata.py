"""Loader, timeline, territory and snapshot on a small hand-made dataset."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from shapely.geometry import shape

from geo.atlas import Atlas, load_atlas
from geo.dataset import load_dataset
from geo.errors import DateOutOfRange
from geo.snapshot import dumps
from minidata import make_dataset

D = dt.date


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Atlas:
    root = make_dataset(
        tmp_path_factory.mktemp("ds") / "mini",
        corridors=[{"id": "c1", "name": "Corridor one", "path": "eastburg;westville",
                    "opened": "2020-01-03", "closed": "2020-01-07", "hours": "09:00-14:00",
                    "suspended": "2020-01-04", "precision": "schematic", "source": "x"}],
        routes=[{"id": "r1", "origin": "eastburg", "destination": "farplace",
                 "path": "eastburg;northam;farplace", "start": "2020-01-06",
                 "end": "2020-01-07", "group": "fighters", "people": "1,580",
                 "people_low": "1580", "people_high": "1993", "source": "x"}],
    )
    return load_atlas(root)


def features(snap: dict, kind: str) -> list[dict]:
    return [f for f in snap["features"] if f["properties"]["kind"] == kind]


def test_holder_follows_the_dated_changes(atlas: Atlas) -> None:
    assert atlas.holder("northam", D(2020, 1, 4)) == ("reb", D(2020, 1, 1))
    assert atlas.holder("northam", D(2020, 1, 5)) == ("gov", D(2020, 1, 5))
    assert atlas.holder("eastburg", D(2020, 1, 10)) == ("gov", D(2020, 1, 8))
    assert atlas.change_dates() == (D(2020, 1, 5), D(2020, 1, 8))


def test_dates_outside_the_period_are_refused(atlas: Atlas) -> None:
    with pytest.raises(DateOutOfRange, match="outside the dataset period"):
        atlas.snapshot(D(2019, 12, 31))
    with pytest.raises(DateOutOfRange):
        atlas.snapshot(D(2020, 1, 11))


def test_polygons_follow_control_and_areas_add_up(atlas: Atlas) -> None:
    first = atlas.snapshot(D(2020, 1, 1))
    later = atlas.snapshot(D(2020, 1, 6))
    area = {f["properties"]["faction"]: f["properties"]["area_km2"]
            for f in features(first, "control")}
    area_later = {f["properties"]["faction"]: f["properties"]["area_km2"]
                  for f in features(later, "control")}
    assert area_later["reb"] < area["reb"]
    assert sum(area.values()) == pytest.approx(sum(area_later.values()), abs=0.01)
    assert {f["properties"]["faction"] for f in features(atlas.snapshot(D(2020, 1, 9)),
                                                         "control")} == {"gov"}


def test_every_locality_lies_in_its_factions_polygon(atlas: Atlas) -> None:
    for day in atlas.timeline.days():
        snap = atlas.snapshot(day)
        polys = {f["properties"]["faction"]: shape(f["geometry"])
                 for f in features(snap, "control")}
        for loc in features(snap, "locality"):
            pt = shape(loc["geometry"])
            assert polys[loc["properties"]["faction"]].contains(pt), (day, loc["properties"])
        others = list(polys.values())
        for i in range(len(others)):
            for j in range(i + 1, len(others)):
                assert others[i].intersection(others[j]).area < 1e-10


def test_frontline_only_between_two_factions(atlas: Atlas) -> None:
    lines = features(atlas.snapshot(D(2020, 1, 6)), "frontline")
    assert len(lines) == 1
    assert lines[0]["properties"]["factions"] == ["gov", "reb"]
    assert lines[0]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert features(atlas.snapshot(D(2020, 1, 9)), "frontline") == []


def test_corridor_status_hours_and_period(atlas: Atlas) -> None:
    assert features(atlas.snapshot(D(2020, 1, 2)), "corridor") == []
    open_ = features(atlas.snapshot(D(2020, 1, 3)), "corridor")[0]["properties"]
    assert (open_["status"], open_["hours"]) == ("open", "09:00-14:00")
    assert features(atlas.snapshot(D(2020, 1, 4)), "corridor")[0]["properties"]["status"] \
        == "closed"
    assert features(atlas.snapshot(D(2020, 1, 8)), "corridor") == []


def test_route_carries_who_and_how_many(atlas: Atlas) -> None:
    assert features(atlas.snapshot(D(2020, 1, 5)), "route") == []
    (route,) = features(atlas.snapshot(D(2020, 1, 6)), "route")
    p = route["properties"]
    assert (p["from"], p["to"], p["people"], p["people_high"]) == ("eastburg", "farplace",
                                                                    1580, 1993)
    assert len(route["geometry"]["coordinates"]) == 3


def test_snapshot_text_is_rfc7946(atlas: Atlas) -> None:
    doc = json.loads(dumps(atlas.snapshot(D(2020, 1, 6))))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["date"] == "2020-01-06" and doc["dataset"] == "mini"

    def coords(c):
        if isinstance(c[0], float | int):
            yield c
        else:
            for x in c:
                yield from coords(x)

    for feat in doc["features"]:
        assert feat["geometry"]["type"] != "GeometryCollection"
        for xy in coords(feat["geometry"]["coordinates"]):
            assert all(len(repr(v).split(".")[-1]) <= 6 for v in xy)
            assert -180 <= xy[0] <= 180 and -90 <= xy[1] <= 90
        if feat["geometry"]["type"] in ("Polygon", "MultiPolygon"):
            geom = shape(feat["geometry"])
            assert geom.is_valid
            for poly in shapely.get_parts(geom):
                assert poly.exterior.is_ccw


def test_area_series_has_every_day_and_faction(atlas: Atlas) -> None:
    series = atlas.area_series()
    assert len(series) == 10 * 2
    jan9 = {r["faction"]: r["area_km2"] for r in series if r["date"] == "2020-01-09"}
    assert jan9["reb"] == 0 and jan9["gov"] > 0


def test_timeline_geojson_periods_cover_the_whole_period(atlas: Atlas) -> None:
    doc = atlas.timeline_geojson()
    reb = [f["properties"] for f in doc["features"]
           if f["properties"]["kind"] == "control" and f["properties"]["faction"] == "reb"]
    assert [(p["valid_from"], p["valid_to"]) for p in reb] == [
        ("2020-01-01", "2020-01-04"), ("2020-01-05", "2020-01-07")]


def test_loader_keeps_far_places_out_of_the_tessellation(atlas: Atlas) -> None:
    assert "farplace" not in atlas.timeline.locality_ids
    assert load_dataset(atlas.dataset.root).locality("farplace").territory is False


def test_excerpt_counts_belong_to_the_snapshot_that_asked(atlas: Atlas) -> None:
    """Locality features are shared between dates, yet each snapshot shows its own counts."""
    def counts(snap: dict) -> dict[str, int]:
        return {f["properties"]["id"]: f["properties"]["excerpts"]
                for f in features(snap, "locality")}

    day = D(2020, 1, 6)
    with_counts = counts(atlas.snapshot(day, excerpt_counts={"northam": 3, "eastburg": 1,
                                                              "not-a-place": 9}))
    assert with_counts["northam"] == 3 and with_counts["eastburg"] == 1
    assert not {k: v for k, v in with_counts.items() if k not in ("northam", "eastburg") and v}
    assert set(counts(atlas.snapshot(day)).values()) == {0}
    assert counts(atlas.snapshot(day, excerpt_counts={"northam": 2}))["northam"] == 2
    # a later date, with the same row in force for northam, still gets its own count
    later = atlas.snapshot(D(2020, 1, 7), excerpt_counts={"northam": 5})
    assert counts(later)["northam"] == 5 and counts(later)["eastburg"] == 0
    assert counts(atlas.snapshot(day, excerpt_counts={"northam": 3}))["northam"] == 3
