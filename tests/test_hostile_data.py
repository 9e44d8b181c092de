"""Bad values in a dataset give a file:line message, never a traceback, in validate and load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.atlas import load_atlas
from geo.dataset import validate_dir
from minidata import make_dataset

ROOT = Path(__file__).resolve().parent.parent


def edit_json(path: Path, change) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw), encoding="utf-8")  # NaN / Infinity as Python writes them


def messages(root: Path) -> list[str]:
    dataset, problems = validate_dir(root)
    assert dataset is None and problems
    return [str(p) for p in problems]


def test_study_area_properties_that_are_not_an_object(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    edit_json(root / "study_area.geojson",
              lambda raw: raw["features"][0].__setitem__("properties", ["x"]))
    [message] = messages(root)
    assert message.endswith("study_area.geojson:1: the feature's properties ['x'] must be a "
                            "JSON object (with its method or source)")


@pytest.mark.parametrize("center", [[float("nan"), 36.4], [33.5, float("inf")], [95, 36.4],
                                    [True, False], "33.5,36.4", [33.5]])
def test_a_map_center_that_is_not_a_point(tmp_path: Path, center) -> None:
    root = make_dataset(tmp_path / "d")
    edit_json(root / "dataset.json", lambda raw: raw["map"].__setitem__("center", center))
    [message] = messages(root)
    assert "dataset.json" in message and "map.center" in message and "[lat, lon]" in message


@pytest.mark.parametrize("distance", [1e20, float("nan"), float("inf"), 0, -5])
def test_max_distance_out_of_range(tmp_path: Path, distance: float) -> None:
    root = make_dataset(tmp_path / "d")
    edit_json(root / "dataset.json", lambda raw: raw.__setitem__("max_distance_m", distance))
    [message] = messages(root)
    assert "max_distance_m" in message and "at most 1,000,000" in message


def test_the_largest_max_distance_still_builds(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d", max_distance_m=1_000_000)
    atlas = load_atlas(root)
    assert atlas.snapshot(atlas.dataset.meta.start)["features"]


def test_a_csv_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    for name in ("control.csv", "localities.csv", "dataset.json", "study_area.geojson"):
        path = root / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    dataset, problems = validate_dir(root)
    assert problems == [] and dataset is not None
    assert len(dataset.control) == 6


def test_a_semicolon_separated_csv_is_named_as_such(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    path = root / "control.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    problems = messages(root)
    assert problems[0].endswith("control.csv:1: the columns are separated by semicolons ';', "
                                "not commas: save the file as comma-separated CSV (UTF-8)")


def test_a_huge_junk_cell_is_cut_in_the_message(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    path = root / "control.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "x" * 100_000 + lines[1][len("2020-01-01"):]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = messages(root)
    assert any("date 'xxxx" in p and "(100,000 characters)" in p for p in problems)
    assert max(len(p) for p in problems) < 300


def test_validate_command_prints_messages_not_a_traceback(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    edit_json(root / "study_area.geojson",
              lambda raw: raw["features"][0].__setitem__("properties", ["x"]))
    done = subprocess.run([sys.executable, "-m", "geo", "validate", "--data", str(root)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "must be a JSON object" in done.stdout

