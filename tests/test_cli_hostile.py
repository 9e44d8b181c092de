"""The command line under careless use: odd outputs, full disks, broken reports, umask, typos."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.dataset import load_dataset
from geo.gazetteer import default_gazetteer
from geo.geonames import LazyGeoNamesGeocoder
from geo.storage import STALE_TMP_S, append_csv_row, atomic_write_text
from minidata import make_dataset

ROOT = Path(__file__).resolve().parent.parent
GOOD = "date 2020-01-06\nGovernment forces entered Eastburg.\n"


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cli") / "mini")


def run(*args: str, cwd: Path = ROOT, umask: int | None = None,
        stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=set_umask)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_dash_means_standard_output(ds: Path, tmp_path: Path) -> None:
    plain = run("snapshot", "--date", "2020-01-06", "--data", str(ds), cwd=tmp_path)
    dash = run("snapshot", "--date", "2020-01-06", "--data", str(ds), "-o", "-", cwd=tmp_path)
    assert dash.returncode == plain.returncode == 0
    assert dash.stdout == plain.stdout and json.loads(dash.stdout)["date"] == "2020-01-06"
    assert list(tmp_path.iterdir()) == []  # no file named '-'


@pytest.mark.parametrize(("output", "message"), [
    ("", "the output file name is empty"), (".", "the output is a directory"),
    ("sub", "the output is a directory"),
])
def test_an_output_that_cannot_be_a_file_is_a_usage_error(ds: Path, tmp_path: Path, output: str,
                                                         message: str) -> None:
    (tmp_path / "sub").mkdir()
    done = run("snapshot", "--date", "2020-01-06", "--data", str(ds), "-o", output,
               cwd=tmp_path)
    assert done.returncode == 2
    line = one_line_error(done)
    assert message in line and ".tmp" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


def test_a_full_disk_on_standard_output_is_one_line(ds: Path) -> None:
    with open("/dev/full", "w") as full:
        done = run("snapshot", "--date", "2020-01-06", "--data", str(ds), stdout=full.fileno())
    assert done.returncode == 1
    assert one_line_error(done) == ("geo: error: cannot write the output: No space left on "
                                    "device")


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_follow_the_umask(ds: Path, tmp_path: Path, umask: int) -> None:
    out = tmp_path / "snap.geojson"
    done = run("snapshot", "--date", "2020-01-06", "--data", str(ds), "-o", str(out),
               umask=umask)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_saved_reports_follow_the_umask(tmp_path: Path) -> None:
    from views.uploads import save_report

    old = os.umask(0o022)
    try:
        path = save_report(tmp_path, "r.txt", GOOD)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o600 and target.read_text() == "new"


def test_broken_reports_are_listed_and_skipped(ds: Path, tmp_path: Path) -> None:
    good, nodate = tmp_path / "good.txt", tmp_path / "nodate.txt"
    good.write_text(GOOD, encoding="utf-8")
    nodate.write_text("Rebels left Northam.\n", encoding="utf-8")
    done = run("ingest", str(good), str(nodate), "--data", str(ds))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert [r["id"] for r in json.loads(done.stdout)["reports"]] == ["good"]
    assert f"geo: skipped {nodate}:1: the report has no date" in done.stderr
    assert "1 of 2 report(s) could not be read" in done.stderr
    strict = run("ingest", "--strict", str(nodate), str(good), "--data", str(ds))
    assert strict.returncode == 1 and strict.stdout == ""
    assert one_line_error(strict).startswith(f"geo: error: {nodate}:1: the report has no date")
    fine = run("ingest", str(good), "--data", str(ds))
    assert fine.returncode == 0 and "skipped" not in fine.stderr


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    stale = root / ".control.csv.killed.tmp"
    stale.write_text("half a file", encoding="utf-8")
    append_csv_row(root / "control.csv", ("date", "locality", "faction", "kind"),
                   {"date": "2020-01-09", "locality": "southby", "faction": "reb",
                    "kind": "capture", "confidence": "high", "source": "s"})
    assert not stale.exists()  # under the file's lock, no other writer can own it
    out = tmp_path / "snap.geojson"
    young, old = tmp_path / ".snap.geojson.a.tmp", tmp_path / ".snap.geojson.b.tmp"
    for tmp in (young, old):
        tmp.write_text("x", encoding="utf-8")
    hour_ago = time.time() - STALE_TMP_S - 5
    os.utime(old, (hour_ago, hour_ago))
    atomic_write_text(out, "{}")
    assert young.exists() and not old.exists()  # a write may be under way in another process


def test_python_m_geo_alone_lists_the_commands() -> None:
    done = run()
    assert done.returncode == 2
    for command in ("snapshot", "geocode", "ingest", "validate"):
        assert re.search(rf"^\s+{command}\s+\S", done.stderr, re.M), done.stderr


@pytest.mark.parametrize(("day", "message"), [
    ("2018-02-30", "2018-02-30 does not exist: February 2018 has 28 days"),
    ("2018-04-31", "2018-04-31 does not exist: April 2018 has 30 days"),
    ("2018-13-01", "2018-13-01 does not exist: there is no month 13"),
    ("22/03/2018", "'22/03/2018' is not a date YYYY-MM-DD"),
])
def test_a_day_that_does_not_exist_is_named(day: str, message: str) -> None:
    done = run("snapshot", "--date", day)
    assert done.returncode == 2 and message in one_line_error(done)


def test_geocode_says_how_each_name_matched() -> None:
    done = run("geocode", "Douma", "Dooma", "Aytn Tarma")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["match"]) for r in rows] == [
        ("douma", "exact"), ("douma", "key"), ("ayn-tarma", "fuzzy")]
    assert rows[0]["score"] == 1.0 and rows[1]["score"] == 0.95 and 0.8 < rows[2]["score"] < 0.95


def test_geonames_is_loaded_only_when_the_dataset_cannot_answer(tmp_path: Path) -> None:
    gazetteer = default_gazetteer(load_dataset(ROOT / "data"), cache_dir=tmp_path)
    geonames = gazetteer.geocoders[1]
    assert isinstance(geonames, LazyGeoNamesGeocoder)
    assert gazetteer.geocode("Douma").source == "dataset"
    assert not geonames.loaded
    aleppo = gazetteer.geocode("Aleppo")
    assert geonames.loaded and aleppo is not None and aleppo.source == "geonames"


def test_every_path_in_the_readme_commands_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for block in re.findall(r"```bash\n(.*?)```", readme, re.S)
                for line in block.splitlines() if line.startswith("python -m geo")]
    assert len(commands) >= 5
    for command in commands:
        for arg in shlex.split(command.split("#")[0])[3:]:
            if "/" in arg and "://" not in arg and not arg.startswith("-"):  # not URLs
                assert list(ROOT.glob(arg)), f"{command}: nothing matches {arg}"
