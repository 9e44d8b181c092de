"""The export commands as users run them: diff, animate, picture, gpkg."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from PIL import Image

from geo.cli import main
from geo.export.gpkg import LAYERS
from minidata import make_dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("cli-exports") / "mini")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True,
                          timeout=120)


def test_diff_to_stdout_and_to_file_are_identical(ds: Path, tmp_path: Path, capsys) -> None:
    args = ["diff", "--from", "2020-01-01", "--to", "2020-01-09", "--data", str(ds)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    out = tmp_path / "diff.geojson"
    assert main([*args, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == printed
    doc = json.loads(printed)
    assert (doc["from"], doc["to"]) == ("2020-01-01", "2020-01-09")
    gains = {(f["properties"]["faction"], tuple(f["properties"]["localities"]))
             for f in doc["features"]}
    assert gains == {("gov", ("eastburg", "northam"))}
    net = {s["faction"]: s["net_km2"] for s in doc["factions"]}
    assert net["gov"] == -net["reb"] > 0


def test_animate_writes_a_gif_with_progress(ds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.gif"
    proc = run("animate", "--from", "2020-01-02", "--to", "2020-01-09", "-o", str(out),
               "--width", "320", "--height", "240", "--fps", "2", "--data", str(ds))
    assert proc.returncode == 0, proc.stderr
    img = Image.open(out)
    assert (img.format, img.size, img.n_frames) == ("GIF", (320, 240), 8)
    err = proc.stderr.decode()
    assert "8 frames, one per day" in err and "8/8 frames" in err
    assert proc.stdout == b""


def test_animate_to_stdout_and_quiet(ds: Path) -> None:
    proc = run("animate", "--from", "2020-01-02", "--to", "2020-01-03", "-o", "-",
               "--format", "gif", "--width", "240", "--height", "240", "--quiet",
               "--data", str(ds))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout[:6] == b"GIF89a" and proc.stderr == b""
    assert Image.open(io.BytesIO(proc.stdout)).n_frames == 2


def test_picture_and_gpkg(ds: Path, tmp_path: Path) -> None:
    pic = tmp_path / "day.png"
    assert main(["picture", "--date", "2020-01-06", "-o", str(pic), "--width", "400",
                 "--height", "300", "--data", str(ds)]) == 0
    assert Image.open(pic).size == (400, 300)
    pkg = tmp_path / "t.gpkg"
    assert main(["gpkg", "-o", str(pkg), "--data", str(ds)]) == 0
    assert [name for name, _ in pyogrio.list_layers(pkg)] == list(LAYERS)
    part = tmp_path / "part.gpkg"
    assert main(["gpkg", "--from", "2020-01-06", "--to", "2020-01-07", "-o", str(part),
                 "--data", str(ds)]) == 0
    control = pyogrio.read_dataframe(part, layer="control")
    assert str(control["valid_from"].min().date()) == "2020-01-06"
    assert str(control["valid_to"].max().date()) == "2020-01-07"


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "--from", "2020-01-05", "--to", "2020-01-02"], "is after --to"),
    (["diff", "--from", "2019-01-01", "--to", "2020-01-02"], "outside the dataset period"),
    (["diff", "--from", "2020-01-01"], "the following arguments are required: --to"),
    (["diff", "--from", "2020-01-01", "--to", "2020-01-02", "-o", "/nonexistent/d/x.json"],
     "no such directory for the output"),
    (["animate", "--from", "2020-01-01", "--to", "2020-01-02", "-o", "x.avi"],
     "name it .gif or .mp4"),
    (["animate", "--from", "2020-01-01", "--to", "2020-01-02", "-o", "OUT/x.gif", "--fps",
      "0"], "frame rate 0 is outside"),
    (["animate", "--from", "2020-01-01", "--to", "2020-01-02", "-o", "OUT/x.gif", "--width",
      "5000"], "width 5000 px is outside"),
    (["animate", "--from", "2020-01-01", "--to", "2020-01-02", "-o", "OUT"],
     "the output is a directory"),
    (["animate", "--from", "2020-01-01", "--to", "2020-02-02", "-o", "OUT/x.gif"],
     "outside the dataset period"),
    (["picture", "--date", "2020-01-01", "-o", "OUT/x.png", "--height", "ten"],
     "'ten' is not a number of pixels"),
    (["picture", "--date", "2020-01-01", "-o", ""], "the output file name is empty"),
    (["gpkg", "--from", "2020-01-05", "--to", "2020-01-02", "-o", "OUT/x.gpkg"],
     "is after --to"),
])
def test_user_errors_exit_2_with_one_line(ds: Path, tmp_path: Path, args: list[str],
                                          message: str) -> None:
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    proc = run(*args, "--data", str(ds))
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert "Traceback" not in err and proc.stdout == b""
    assert list(tmp_path.iterdir()) == []  # nothing written
