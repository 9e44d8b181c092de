"""`validate` and the loader name the file and line of every kind of damage, in one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.dataset import validate_dir
from minidata import make_dataset


@pytest.fixture()
def ds(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "ds")


def damage(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(root: Path) -> list[str]:
    _, problems = validate_dir(root)
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in problems]


def test_clean_dataset_has_no_problem(ds: Path) -> None:
    assert messages(ds) == []


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("localities.csv", "westville,Westville", "Westville,Westville", "localities.csv:2: id"),
    ("localities.csv", "eastburg,Eastburg", "westville,Eastburg",
     "localities.csv:3: duplicate id 'westville'"),
    ("localities.csv", "33.5,36.3,", "36.3,33.5,", "lat and lon look swapped"),
    ("localities.csv", "33.5,36.4,", "93.5,36.4,", "localities.csv:3: coordinates"),
    ("localities.csv", "33.56,36.35,", "abc,36.35,", "localities.csv:4: lat 'abc' is not"),
    ("localities.csv", 'published,1,"test fixture, written for the tests"',
     "published,1,", "localities.csv:2: source is empty"),
    ("factions.csv", "#d7191c", "red", "factions.csv:2: color 'red'"),
    ("control.csv", "2020-01-05,northam", "2020-13-05,northam",
     "control.csv:6: date 2020-13-05 does not exist: there is no month 13"),
    ("control.csv", "2020-01-05,northam,gov", "2020-01-05,northam,nobody",
     "control.csv:6: unknown faction id 'nobody'"),
    ("control.csv", "2020-01-05,northam", "2020-01-05,atlantis",
     "control.csv:6: unknown locality id 'atlantis'"),
    ("control.csv", "2020-01-08,eastburg", "2020-03-08,eastburg", "outside the dataset period"),
    ("control.csv", "2020-01-01,southby,gov,initial", "2020-01-02,southby,gov,initial",
     "not the dataset start"),
    ("control.csv", "2020-01-08,eastburg", "2020-01-05,northam",
     "control.csv:7: northam already changes hands on 2020-01-05 (line 6)"),
    ("control.csv", "handover,high", "handover,sure", "confidence 'sure'"),
    ("control.csv", "2020-01-05,northam,gov,capture,high,,,", "2020-01-05,northam,gov,capture,",
     "control.csv:6: expected 8 cells, found 5"),
    ("dataset.json", '"start": "2020-01-01"', '"start": "Jan 1"', "dataset.json:4: start"),
    ("dataset.json", '"metric_crs": "EPSG:32637"', '"metric_crs": "EPSG:4326"',
     "not a projected"),
    ("study_area.geojson", "[36.2, 33.35], [36.5, 33.35], [36.5, 33.65], [36.2, 33.65]",
     "[36.2, 33.35], [36.5, 33.65], [36.5, 33.35], [36.2, 33.65]", "invalid polygon"),
])
def test_each_kind_of_damage_is_named(ds: Path, file: str, old: str, new: str,
                                      expected: str) -> None:
    damage(ds / file, old, new)
    found = messages(ds)
    assert any(expected in m for m in found), found


def test_every_problem_is_reported_in_one_run(ds: Path) -> None:
    damage(ds / "factions.csv", "#d7191c", "red")
    damage(ds / "control.csv", "2020-01-05,northam", "2020-01-05,atlantis")
    damage(ds / "localities.csv", "33.56,36.35,", "abc,36.35,")
    assert len(messages(ds)) >= 3


def test_corridor_without_source_or_with_bad_path(ds: Path) -> None:
    (ds / "corridors.csv").write_text(
        "id,name,path,opened,closed,hours,suspended,precision,detail,source\n"
        "c1,C,eastburg;nowhere,2020-01-02,,9-14,,schematic,,\n", encoding="utf-8")
    found = messages(ds)
    assert any("corridors.csv:2: path has unknown locality id(s) nowhere" in m for m in found)
    assert any("corridors.csv:2: hours '9-14'" in m for m in found)
    assert any("corridors.csv:2: source is empty" in m for m in found)


def test_non_utf8_and_invalid_json_files(ds: Path) -> None:
    (ds / "factions.csv").write_bytes(b"id,name\n\xff\xfe\n")
    (ds / "dataset.json").write_text('{"id": "mini",\n "start": }', encoding="utf-8")
    found = messages(ds)
    assert any(m.startswith("factions.csv:0: not valid UTF-8") for m in found), found
    assert any(m.startswith("dataset.json:2: invalid JSON") for m in found), found


def test_cli_validate_exit_status_and_lines(ds: Path, capsys) -> None:
    assert main(["validate", "--data", str(ds)]) == 0
    damage(ds / "factions.csv", "#d7191c", "red")
    assert main(["validate", "--data", str(ds)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].endswith("factions.csv:2: color 'red' is not #rrggbb")


def test_missing_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "dataset.json").write_text(json.dumps({"id": "x"}))
    found = messages(tmp_path / "d")
    assert any("localities.csv:0: missing file" in m for m in found)


ROUTE_HEADER = ("id,origin,destination,path,start,end,group,people,people_low,people_high,"
                "buses,precision,detail,source\n")


@pytest.mark.parametrize(("row", "expected"), [
    ("r1,eastburg,farplace,eastburg;farplace,2020-01-06,2020-01-05,g,,,,,,,src",
     "routes.csv:2: end 2020-01-05 is before start 2020-01-06"),
    ("r1,eastburg,farplace,eastburg;farplace,2020-01-06,,g,,,,,,,",
     "routes.csv:2: source is empty"),
    ("r1,eastburg,farplace,eastburg;farplace,2020-01-06,,g,many,,,,,,src",
     "routes.csv:2: people 'many' is not a whole number"),
    ("r1,eastburg,farplace,eastburg;farplace,2020-01-06,,g,,2000,1000,,,,src",
     "routes.csv:2: people_high 1000 is below people_low 2000"),
    ("r1,eastburg,farplace,farplace;eastburg,2020-01-06,,g,,,,,,,src",
     "routes.csv:2: path must run from the origin to the destination"),
    ("r1,eastburg,atlantis,eastburg;atlantis,2020-01-06,,g,,,,,,,src",
     "routes.csv:2: path has unknown locality id(s) atlantis"),
])
def test_route_damage_is_named(ds: Path, row: str, expected: str) -> None:
    (ds / "routes.csv").write_text(ROUTE_HEADER + row + "\n", encoding="utf-8")
    found = messages(ds)
    assert any(expected in m for m in found), found


def test_corridor_closed_before_opened(ds: Path) -> None:
    (ds / "corridors.csv").write_text(
        "id,name,path,opened,closed,hours,suspended,precision,detail,source\n"
        "c1,C,eastburg;westville,2020-01-05,2020-01-02,,,schematic,,src\n", encoding="utf-8")
    assert any("corridors.csv:2: closed 2020-01-02 is before opened 2020-01-05" in m
               for m in messages(ds))
