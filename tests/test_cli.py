"""The command line as users run it: outputs, exit statuses, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from minidata import make_dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cli") / "mini")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_snapshot_to_stdout_and_to_file_are_identical(ds: Path, tmp_path: Path, capsys) -> None:
    assert main(["snapshot", "--date", "2020-01-06", "--data", str(ds)]) == 0
    printed = capsys.readouterr().out
    out = tmp_path / "snap.geojson"
    assert main(["snapshot", "--date", "2020-01-06", "--data", str(ds), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == printed
    doc = json.loads(printed)
    assert doc["date"] == "2020-01-06"
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert {"control", "frontline", "locality"} <= kinds


@pytest.mark.parametrize(("args", "message"), [
    (["snapshot", "--date", "2019-01-01"], "outside the dataset period"),
    (["snapshot", "--date", "22/03/2018"], "is not a date YYYY-MM-DD"),
    (["snapshot"], "the following arguments are required: --date"),
    (["snapshot", "--date", "2020-01-02", "--data", "/nonexistent/dir"],
     "no such dataset directory"),
    (["snapshot", "--date", "2020-01-02", "-o", "/nonexistent/dir/x.geojson"],
     "no such directory for the output"),
    (["frobnicate"], "invalid choice"),
    (["validate", "--data", "/nonexistent/dir"], "no such dataset directory"),
])
def test_user_errors_exit_2_with_one_line(ds: Path, args: list[str], message: str) -> None:
    if "--data" not in args and args[0] == "snapshot":
        args = [*args, "--data", str(ds)]
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_invalid_data_exits_1_with_file_and_line(ds: Path, tmp_path: Path) -> None:
    bad = make_dataset(tmp_path / "bad")
    text = (bad / "factions.csv").read_text(encoding="utf-8").replace("#d7191c", "crimson")
    (bad / "factions.csv").write_text(text, encoding="utf-8")
    proc = run("snapshot", "--date", "2020-01-02", "--data", str(bad))
    assert proc.returncode == 1
    assert "factions.csv:2: color 'crimson' is not #rrggbb" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("validate", "--data", str(bad))
    assert proc.returncode == 1 and proc.stdout.strip().endswith(
        "factions.csv:2: color 'crimson' is not #rrggbb")
