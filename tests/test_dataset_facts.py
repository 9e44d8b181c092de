"""Facts of the shipped dataset in data/: sources, placements, control history, paths, names."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = ("localities", "factions", "control", "events", "corridors", "routes")
LONG_ROUTE_MIN_POINTS = 5
NORTH_OF_HOMS_LAT = 34.7


def read(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>.csv as dicts (header row as keys)."""
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split(cell: str) -> list[str]:
    """A `;`-separated multi-valued cell as a list (empty cell: empty list)."""
    return [v.strip() for v in cell.split(";") if v.strip()]


def meta() -> dict:
    return json.loads((DATA / "dataset.json").read_text(encoding="utf-8"))


def localities() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in read("localities")}


def territory_ids() -> set[str]:
    return {i for i, row in localities().items() if row["territory"] == "1"}


def history(locality: str) -> list[dict[str, str]]:
    """Control rows of one locality, oldest first."""
    rows = [r for r in read("control") if r["locality"] == locality]
    return sorted(rows, key=lambda r: r["date"])


def holder(locality: str, date: str) -> str:
    """Faction holding `locality` on ISO `date` (the last row on or before it)."""
    rows = [r for r in history(locality) if r["date"] <= date]
    assert rows, f"{locality} has no control row on or before {date}"
    return rows[-1]["faction"]


@pytest.mark.parametrize("name", FILES)
def test_every_row_cites_a_source(name: str) -> None:
    rows = read(name)
    assert rows, f"{name}.csv is empty"
    unsourced = [i for i, row in enumerate(rows, start=2) if not row["source"].strip()]
    assert unsourced == [], f"{name}.csv lines without a source: {unsourced}"


def test_estimated_points_say_how_they_were_placed() -> None:
    for row in read("localities"):
        assert row["placement"] in ("published", "estimated"), row["id"]
        if row["placement"] == "estimated":
            assert row["note"].strip(), f"{row['id']}: estimated point without a note"
            assert float(row["precision_m"]) >= 1000, f"{row['id']}: estimate claims < 1 km"


def test_no_two_territory_localities_share_a_point() -> None:
    points = [(float(r["lat"]), float(r["lon"]), r["id"]) for r in localities().values()
              if r["territory"] == "1"]
    for i, (lat1, lon1, a) in enumerate(points):
        for lat2, lon2, b in points[i + 1:]:
            # metres on a small area: equirectangular is enough here
            dx = math.radians(lon2 - lon1) * math.cos(math.radians(lat1)) * 6371000
            dy = math.radians(lat2 - lat1) * 6371000
            assert math.hypot(dx, dy) > 500, f"{a} and {b} are less than 500 m apart"


@pytest.mark.parametrize(
    ("place", "direction", "of"),
    [
        ("hammouriyeh", "east", "zamalka"),
        ("hazzeh", "west", "saqba"),
        ("hazzeh", "south", "zamalka"),
        ("nashabiyah", "east", "douma"),
        ("jobar", "west", "zamalka"),
        ("jaramana", "south", "zamalka"),
        ("adra", "north", "douma"),
    ],
)
def test_positions_agree_with_the_descriptions(place: str, direction: str, of: str) -> None:
    locs = localities()
    a, b = locs[place], locs[of]
    axis = "lon" if direction in ("east", "west") else "lat"
    sign = 1 if direction in ("east", "north") else -1
    assert sign * (float(a[axis]) - float(b[axis])) > 0, f"{place} is not {direction} of {of}"


def test_every_territory_locality_starts_with_one_initial_row() -> None:
    start = meta()["start"]
    initial = [r["locality"] for r in read("control") if r["kind"] == "initial"]
    assert all(r["date"] == start for r in read("control") if r["kind"] == "initial")
    assert sorted(initial) == sorted(territory_ids())


def test_control_rows_name_known_places_and_factions() -> None:
    locs = localities()
    factions = {f["id"] for f in read("factions")}
    for row in read("control"):
        assert row["locality"] in locs, row
        assert row["faction"] in factions, row
        assert row["confidence"] in ("high", "medium", "low"), row


def test_control_rows_are_sorted_by_date_then_locality() -> None:
    keys = [(r["date"], r["locality"]) for r in read("control")]
    assert keys == sorted(keys)


def test_every_territory_locality_is_government_held_at_the_end() -> None:
    end = meta()["end"]
    not_saa = {i: holder(i, end) for i in territory_ids() if holder(i, end) != "saa"}
    assert not_saa == {}


def test_nashabiyah_was_taken_lost_and_retaken() -> None:
    rows = [(r["date"], r["faction"], r["kind"]) for r in history("nashabiyah")]
    assert ("2018-02-25", "saa", "capture") in rows
    reversal = [r for r in rows if r[2] == "reversal"]
    assert reversal and reversal[0][1] == "jaysh-al-islam" and reversal[0][0] >= "2018-02-25"
    assert holder("nashabiyah", "2018-02-28") == "jaysh-al-islam"
    assert holder("nashabiyah", "2018-03-05") == "saa"


@pytest.mark.parametrize(
    ("place", "date", "faction"),
    [
        ("douma", "2018-04-11", "jaysh-al-islam"),
        ("douma", "2018-04-12", "saa"),
        ("harasta", "2018-03-22", "ahrar-al-sham"),
        ("harasta", "2018-03-23", "saa"),
        ("arbin", "2018-03-30", "faylaq-al-rahman"),
        ("ayn-tarma", "2018-03-22", "faylaq-al-rahman"),
        ("misraba", "2018-03-10", "saa"),
        ("deir-al-asafir", "2018-02-18", "saa"),
    ],
)
def test_key_dates_of_the_timeline(place: str, date: str, faction: str) -> None:
    assert holder(place, date) == faction


def test_disputed_dates_keep_the_alternative() -> None:
    ham = [r for r in history("hammouriyeh") if r["faction"] == "saa"]
    assert {ham[0]["date"], *split(ham[0]["alt_dates"])} == {"2018-03-15", "2018-03-16"}


@pytest.mark.parametrize("name", ("corridors", "routes"))
def test_paths_reference_existing_localities(name: str) -> None:
    locs = localities()
    for row in read(name):
        path = split(row["path"])
        assert len(path) >= 2, row["id"]
        unknown = [p for p in path if p not in locs]
        assert unknown == [], f"{name} {row['id']}: unknown ids {unknown}"
        if name == "routes":
            assert path[0] == row["origin"] and path[-1] == row["destination"], row["id"]


def test_routes_to_the_north_follow_the_roads() -> None:
    locs = localities()
    north = [r for r in read("routes") if float(locs[r["destination"]]["lat"]) > NORTH_OF_HOMS_LAT]
    assert {r["destination"] for r in north} >= {"idlib", "jarablus"}
    for row in north:
        path = split(row["path"])
        assert len(path) >= LONG_ROUTE_MIN_POINTS, row["id"]
        assert "homs" in path and "hama" in path, f"{row['id']} does not go through Homs and Hama"


def test_conflicting_counts_keep_a_range() -> None:
    harasta = next(r for r in read("routes") if r["origin"] == "harasta")
    low, high = int(harasta["people_low"]), int(harasta["people_high"])
    assert low < high and low <= int(harasta["people"]) <= high


def test_wafideen_crossing_opens_with_the_daily_pause() -> None:
    waf = next(r for r in read("corridors") if "wafideen-camp" in split(r["path"]))
    assert (waf["opened"], waf["hours"]) == ("2018-02-27", "09:00-14:00")


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for row in read("localities"):
        for name in (row["id"], row["name"], *split(row["alt_names"])):
            names[name.lower()] = row["id"]
    return names


@pytest.mark.parametrize(
    ("spelling", "locality"),
    [
        ("Douma", "douma"),
        ("Harasta", "harasta"),
        ("Saqba", "saqba"),
        ("Zamalka", "zamalka"),
        ("Hazrama", "hazrama"),
        ("Nashabiya", "nashabiyah"),
        ("Utaya", "otaya"),
        ("Haarma", "hazrama"),
        ("Mesraba", "misraba"),
        ("Medeira", "mudayra"),
        ("Hamouriyeh", "hammouriyeh"),
        ("Hammuria", "hammouriyeh"),
        ("Ein Tarma", "ayn-tarma"),
        ("Arbeen", "arbin"),
        ("Aftris", "eftris"),
        ("Vafidin", "wafideen-camp"),
        ("al-Wafedeen", "wafideen-camp"),
        ("Harjalleh", "herjelleh-shelter"),
        ("Jisrine", "jisreen"),
        ("Kfar Batna", "kafr-batna"),
        ("Jawbar", "jobar"),
    ],
)
def test_report_spellings_resolve_by_name(spelling: str, locality: str) -> None:
    assert _names().get(spelling.lower()) == locality


def test_factions_have_distinct_colours_and_the_report_aliases() -> None:
    factions = read("factions")
    colours = [f["color"].lower() for f in factions]
    assert len(set(colours)) == len(colours)
    aliases = {a.lower(): f["id"] for f in factions for a in split(f["aliases"])}
    expected = [
        ("Faylak Al-Rahman", "faylaq-al-rahman"),
        ("al-Rahman Legion", "faylaq-al-rahman"),
        ("Jaish al-Islam", "jaysh-al-islam"),
        ("Army of Islam", "jaysh-al-islam"),
        ("Syrian Arab Army", "saa"),
        ("regime forces", "saa"),
        ("HTS", "hts"),
        ("Nusra", "hts"),
        ("Ahrar Al-Sham", "ahrar-al-sham"),
        ("rebels", "opposition"),
    ]
    for alias, fid in expected:
        assert aliases.get(alias.lower()) == fid, alias


def test_study_area_is_one_counter_clockwise_polygon_around_the_territory() -> None:
    gj = json.loads((DATA / "study_area.geojson").read_text(encoding="utf-8"))
    (feature,) = gj["features"]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["method"] and feature["properties"]["source"]
    ring = feature["geometry"]["coordinates"][0]
    signed = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    assert signed > 0, "exterior ring is clockwise"
    assert all(len(str(v).split(".")[-1]) <= 6 for p in ring for v in p)
    outline = Polygon(ring)
    assert outline.is_valid
    outside = [i for i, loc in localities().items() if loc["territory"] == "1"
               and not outline.contains(Point(float(loc["lon"]), float(loc["lat"])))]
    assert outside == []
