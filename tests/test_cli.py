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


DATA = ROOT / "data"
SEED = ROOT / "seeds" / "000_253ffc8c63ac3726.txt"


def test_geocode_answers_with_id_point_and_source() -> None:
    proc = run("geocode", "Ein Tarma", "KafrBatna", "Aleppo")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Ein Tarma", "KafrBatna", "Aleppo"]
    assert (rows[0]["id"], rows[0]["source"]) == ("ayn-tarma", "dataset")
    assert rows[1]["id"] == "kafr-batna"
    assert rows[2]["id"] is None and rows[2]["source"] == "geonames"
    assert 36.0 < rows[2]["lat"] < 36.4 and 37.0 < rows[2]["lon"] < 37.3
    assert set(rows[0]) == {"query", "id", "name", "lat", "lon", "source", "match", "score"}


def test_geocode_unknown_place_is_a_user_error() -> None:
    proc = run("geocode", "Douma", "Xqzzyville")
    assert proc.returncode == 2
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows[0]["id"] == "douma" and rows[1]["id"] is None
    assert proc.stderr.strip() == "geo: error: no place found for: Xqzzyville"


def test_ingest_prints_the_documented_json_with_file_offsets() -> None:
    proc = run("ingest", str(SEED))
    assert proc.returncode == 0, proc.stderr
    (report,) = json.loads(proc.stdout)["reports"]
    assert (report["id"], report["date"]) == ("000_253ffc8c63ac3726", "2018-03-22")
    text = SEED.read_text(encoding="utf-8")
    found = {m["id"] for m in report["mentions"]}
    assert {"douma", "harasta", "saqba", "zamalka", "ayn-tarma", "hazrama",
            "nashabiyah"} == found
    for m in report["mentions"] + report["factions"]:
        assert text[m["start"]:m["end"]] == m["text"]
    for claim in report["claims"]:
        assert {"type", "ids", "date", "evidence"} <= set(claim)
        assert claim["evidence"] in text.replace("\n", " ") or claim["evidence"] in text


def test_ingest_many_files_reports_progress_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("date 2018-03-10\nSyrian troops entered Misraba.\n", encoding="utf-8")
    proc = run("ingest", str(SEED), str(good))
    assert proc.returncode == 0 and proc.stderr.count("[") == 2
    assert len(json.loads(proc.stdout)["reports"]) == 2
    assert run("ingest", str(tmp_path / "missing.txt")).returncode == 2
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"date 2018-03-10\n\xff\xfe broken")
    proc = run("ingest", str(bad))
    assert proc.returncode == 1 and "bad.txt" in proc.stderr and "Traceback" not in proc.stderr
