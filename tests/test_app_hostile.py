"""The app keeps serving the last good dataset, with a banner, whatever breaks a reload."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.minidata import make_dataset
from views.text import md_escape

APP = str(Path(__file__).resolve().parent.parent / "app.py")
END = dt.date(2020, 1, 10)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_dataset(tmp_path / "data")
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(root), "--seeds",
                                      str(tmp_path / "seeds"), "--no-cache"])
    return root


def slider_end(at: AppTest) -> dt.date:
    return dt.datetime.fromtimestamp(at.slider(key="day").max / 1e6, dt.UTC).date()


def test_study_area_properties_that_are_not_an_object(data_dir: Path) -> None:
    """It raised AttributeError: no banner, no last good dataset, a traceback."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    area = data_dir / "study_area.geojson"
    raw = json.loads(area.read_text(encoding="utf-8"))
    raw["features"][0]["properties"] = ["x"]
    area.write_text(json.dumps(raw), encoding="utf-8")
    at.run()
    assert not at.exception
    assert md_escape("the feature's properties ['x'] must be a JSON object") in at.error[0].value
    assert slider_end(at) == END


def test_any_crash_while_loading_falls_back_with_a_banner(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure validation does not know of (here injected into the build) is no traceback."""
    at = AppTest.from_file(APP, default_timeout=60).run()

    def broken(_root: object) -> None:
        raise RuntimeError("GEOSException: " + "x" * 10_000)

    monkeypatch.setattr("geo.atlas_cache.load_atlas", broken)
    with (data_dir / "localities.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # a new stamp: the app reloads the dataset
    at.run()
    assert not at.exception
    [banner] = at.error
    assert "showing the last good version" in banner.value
    assert md_escape("the dataset could not be loaded (RuntimeError: 'GEOSException") in (
        banner.value)
    assert len(banner.value) < 1000  # the 10,000-character message is cut
    assert slider_end(at) == END
