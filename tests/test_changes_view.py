"""The "what changed" list in the app: escaped titles, checked links, a click shows the place."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from apptest import map_drawn
from streamlit.testing.v1 import AppTest

from geo.changes import Change
from geo.citations import citation_label, parse_sources
from minidata import CONTROL, make_dataset
from views.changes_view import entry_markdown, sources_markdown, window

APP = str(Path(__file__).resolve().parent.parent / "app.py")
D = dt.date.fromisoformat


def change(**kw) -> Change:
    base = dict(date=D("2020-01-05"), kind="control", title="t", places=("northam",),
                confidence="low", alt_dates=(), detail="", sources=())
    return Change(**{**base, **kw})


def test_links_only_where_the_address_passed_the_check() -> None:
    cites = parse_sources("AFP https://news.example/a?x=(1) | [x](javascript:alert(1)) | "
                          "report r1 (2020-01-05): see <b>https://evil.example</b>")
    md = sources_markdown(cites)
    assert md.count("](") == 1 and "(https://news.example/a?x=%281%29)" in md
    assert "javascript" in md and "](javascript" not in md  # shown escaped, not linked
    assert "evil" not in md  # a report's sentence is not a label either: its id is
    assert "report r1" in md


def test_entry_says_confidence_other_dates_and_quotes_the_sentence() -> None:
    text = entry_markdown(change(alt_dates=(D("2020-01-04"),), sources=parse_sources(
        "report r1 (2020-01-05): **Rebels** left <script>x</script> [here](http://e.x)")))
    assert "confidence\\: low" in text and "other dates\\: 2020\\-01\\-04" in text
    quote = text.split("\n\n> ", 1)[1]
    assert "<script>" not in quote and "\\<script\\>" in quote
    assert "](http" not in quote and "\\*\\*Rebels\\*\\*" in quote
    assert "confidence\\: not rated" in entry_markdown(change(confidence=None, kind="route"))


def test_citation_labels_drop_the_address_and_empty_brackets() -> None:
    (c,) = parse_sources("Wikipedia 'Jobar' (mirror https://pw.example/q=Jobar)")
    assert citation_label(c) == "Wikipedia 'Jobar' (mirror)"
    (bare,) = parse_sources("https://www.syriahr.com/en/53604/")
    assert citation_label(bare) == "www.syriahr.com"


def test_windows_of_one_day_and_of_the_step() -> None:
    start, day = D("2020-01-01"), D("2020-01-08")
    assert window(day, D("2020-01-05"), start, "day") == (D("2020-01-07"), day)
    assert window(day, D("2020-01-05"), start, "step") == (D("2020-01-05"), day)
    assert window(day, None, start, "step") == (D("2019-12-31"), day)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_dataset(tmp_path / "data", control=list(CONTROL))
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(root),
                                      "--seeds", str(tmp_path / "seeds")])
    return root


def map_center(at: AppTest) -> list[float] | None:
    (el,) = at.get("component_instance")
    return json.loads(el.proto.json_args)["center"]


def test_clicking_an_entry_shows_the_place_and_opens_its_panel(data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2020-01-08"
    map_drawn(at.run())
    assert not at.exception
    buttons = [b for b in at.button if b.key and re.fullmatch(r"change-\d+-show", b.key)]
    assert [b.label for b in buttons] == ["**Eastburg\\: Rebels → Government**"]
    assert map_center(at) is None
    buttons[0].click().run()
    assert at.session_state["town"] == "eastburg"
    assert any(m.value == "### Eastburg" for m in at.markdown)
    lat, lon = map_center(at)
    assert (round(lat, 4), round(lon, 4)) == (33.5, 36.4)  # Eastburg's point
    at.segmented_control(key="changes_window").set_value("step").run()
    keys = [b.label for b in at.button if b.key and re.fullmatch(r"change-\d+-show", b.key)]
    assert keys == ["**Eastburg\\: Rebels → Government**"]  # since the change of the 5th
