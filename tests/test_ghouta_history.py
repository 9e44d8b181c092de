"""The shipped Eastern Ghouta dataset: snapshots agree with the sourced timeline at every stage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from geo.atlas import Atlas, load_atlas

DATA = Path(__file__).resolve().parent.parent / "data"
D = dt.date


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_atlas(DATA)


@pytest.mark.parametrize(("place", "day", "holder"), [
    # the start: three groups hold the enclave, the government holds the ring around it
    ("douma", D(2018, 2, 18), "jaysh-al-islam"),
    ("harasta", D(2018, 2, 18), "ahrar-al-sham"),
    ("arbin", D(2018, 2, 18), "faylaq-al-rahman"),
    ("jaramana", D(2018, 2, 18), "saa"),
    ("wafideen-camp", D(2018, 2, 18), "saa"),
    # the first capture of Nashabiyah and Hazrama on 25 Feb, reversed the next day
    ("nashabiyah", D(2018, 2, 24), "jaysh-al-islam"),
    ("nashabiyah", D(2018, 2, 25), "saa"),
    ("hazrama", D(2018, 2, 25), "saa"),
    ("nashabiyah", D(2018, 2, 27), "jaysh-al-islam"),
    ("nashabiyah", D(2018, 3, 3), "saa"),
    # the east falls in early March, then Misraba and Mudayra split the enclave (10-12 Mar)
    ("hawsh-al-dawahira", D(2018, 2, 28), "jaysh-al-islam"),
    ("hawsh-al-dawahira", D(2018, 3, 1), "saa"),
    ("misraba", D(2018, 3, 9), "jaysh-al-islam"),
    ("misraba", D(2018, 3, 10), "saa"),
    ("mudayra", D(2018, 3, 12), "saa"),
    # Hammouriyeh (15/16 Mar), Saqba, Kafr Batna
    ("hammouriyeh", D(2018, 3, 14), "faylaq-al-rahman"),
    ("hammouriyeh", D(2018, 3, 17), "saa"),
    ("saqba", D(2018, 3, 16), "faylaq-al-rahman"),
    ("saqba", D(2018, 3, 18), "saa"),
    ("kafr-batna", D(2018, 3, 19), "saa"),
    # the Harasta deal: Ahrar al-Sham out, army in on 23 Mar
    ("harasta", D(2018, 3, 22), "ahrar-al-sham"),
    ("harasta", D(2018, 3, 23), "saa"),
    # the Faylaq al-Rahman deal: handed over 31 Mar
    ("zamalka", D(2018, 3, 30), "faylaq-al-rahman"),
    ("ayn-tarma", D(2018, 3, 30), "faylaq-al-rahman"),
    ("arbin", D(2018, 3, 31), "saa"),
    ("jobar", D(2018, 3, 31), "saa"),
    # the end of Douma
    ("douma", D(2018, 4, 11), "jaysh-al-islam"),
    ("douma", D(2018, 4, 14), "saa"),
])
def test_holder_matches_the_timeline(atlas: Atlas, place: str, day: dt.date,
                                     holder: str) -> None:
    assert atlas.holder(place, day)[0] == holder


def test_every_place_is_government_held_at_the_end(atlas: Atlas) -> None:
    snap = atlas.snapshot(D(2018, 4, 14))
    holders = {f["properties"]["faction"] for f in snap["features"]
               if f["properties"]["kind"] == "locality"}
    assert holders == {"saa"}
    assert not [f for f in snap["features"] if f["properties"]["kind"] == "frontline"]


def _enclave_km2(atlas: Atlas, day: dt.date) -> float:
    snap = atlas.snapshot(day)
    return sum(f["properties"]["area_km2"] for f in snap["features"]
               if f["properties"]["kind"] == "control" and f["properties"]["faction"] != "saa")


def test_enclave_area_starts_near_100_km2_and_shrinks_to_zero(atlas: Atlas) -> None:
    start = _enclave_km2(atlas, D(2018, 2, 18))
    assert 70 <= start <= 160  # published estimates: roughly 100 km2
    series = [_enclave_km2(atlas, d) for d in
              (D(2018, 3, 5), D(2018, 3, 12), D(2018, 3, 24), D(2018, 4, 1))]
    assert series == sorted(series, reverse=True) and series[0] < start
    assert series[-1] < 20  # only Douma is left in April
    assert _enclave_km2(atlas, D(2018, 4, 14)) == 0


def test_split_into_three_pockets_by_12_march(atlas: Atlas) -> None:
    snap = atlas.snapshot(D(2018, 3, 12))
    polys = {f["properties"]["faction"]: shape(f["geometry"]) for f in snap["features"]
             if f["properties"]["kind"] == "control"}
    pockets = [polys[f] for f in ("jaysh-al-islam", "faylaq-al-rahman", "ahrar-al-sham")]
    for i, a in enumerate(pockets):
        for b in pockets[i + 1:]:
            assert not a.buffer(-1e-5).intersects(b.buffer(-1e-5))


WEEKLY = [D(2018, 2, 18) + dt.timedelta(days=7 * k) for k in range(8)] + [D(2018, 4, 14)]


@pytest.mark.parametrize("day", WEEKLY)
def test_snapshot_invariants_on_shipped_data(atlas: Atlas, day: dt.date) -> None:
    snap = atlas.snapshot(day)
    polys = {f["properties"]["faction"]: shape(f["geometry"]) for f in snap["features"]
             if f["properties"]["kind"] == "control"}
    for f in snap["features"]:
        p = f["properties"]
        if p["kind"] == "locality":
            assert polys[p["faction"]].contains(shape(f["geometry"])), p["id"]
    names = sorted(polys)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert polys[a].intersection(polys[b]).area < 1e-9
    assert all(shapely.is_valid(list(polys.values())))


def test_corridors_and_routes_appear_in_their_periods(atlas: Atlas) -> None:
    def ids(day: dt.date, kind: str) -> set[str]:
        return {f["properties"]["id"] for f in atlas.snapshot(day)["features"]
                if f["properties"]["kind"] == kind}

    assert "wafideen" not in ids(D(2018, 2, 26), "corridor")
    wafideen = [f["properties"] for f in atlas.snapshot(D(2018, 2, 27))["features"]
                if f["properties"].get("id") == "wafideen"]
    assert wafideen and wafideen[0]["hours"] == "09:00-14:00"
    assert "hammouriyeh" in ids(D(2018, 3, 15), "corridor")
    assert "harasta" in ids(D(2018, 3, 21), "corridor")
    assert "harasta-idlib" in ids(D(2018, 3, 22), "route")
    assert "harasta-idlib" not in ids(D(2018, 3, 21), "route")
    assert "douma-jarablus" in ids(D(2018, 4, 8), "route")
