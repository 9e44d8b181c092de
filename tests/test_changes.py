"""What changed between two dates: control changes from → to, events, corridors, routes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.atlas import Atlas, load_atlas
from geo.changes import ChangeLog
from minidata import CONTROL, SRC, make_dataset

D = dt.date.fromisoformat
URL = "https://news.example/a"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> ChangeLog:
    root = make_dataset(
        tmp_path_factory.mktemp("changes") / "d",
        control=[*CONTROL, ("2020-01-07", "northam", "gov", "declaration")],  # a confirmation
        events=[{"date": "2020-01-05", "end": "2020-01-06", "type": "partial_advance",
                 "localities": "northam;eastburg", "factions": "gov", "confidence": "low",
                 "detail": "d", "source": f"Outlet {URL}"},
                {"date": "2020-01-08", "end": "", "type": "agreement", "localities": "",
                 "factions": "", "confidence": "high", "detail": "d",
                 "source": "report r1 (2020-01-08): They agreed to leave https://evil.example."}],
        corridors=[{"id": "c1", "name": "North corridor", "path": "northam;westville",
                    "opened": "2020-01-03", "closed": "2020-01-09", "hours": "09:00-14:00",
                    "suspended": "2020-01-06", "precision": "p", "detail": "d", "source": SRC}],
        routes=[{"id": "r1", "origin": "eastburg", "destination": "farplace",
                 "path": "eastburg;farplace", "start": "2020-01-08", "end": "2020-01-09",
                 "group": "fighters", "people": "1200", "people_low": "1000",
                 "people_high": "1500", "precision": "p", "detail": "d", "source": SRC}],
    )
    atlas: Atlas = load_atlas(root)
    return ChangeLog.build(atlas.dataset, atlas.timeline)


def titles(log: ChangeLog, after: str, upto: str) -> list[str]:
    return [c.title for c in log.between(D(after), D(upto)).changes]


def test_a_control_change_says_from_whom_to_whom(log: ChangeLog) -> None:
    (change, *others) = log.between(D("2020-01-04"), D("2020-01-05")).changes
    assert change.kind == "control"
    assert change.title == "Northam: Rebels → Government"
    assert change.places == ("northam",) and change.confidence == "high"
    assert [c.kind for c in others] == ["event"]  # then the date's other entries


def test_a_confirmation_is_not_a_change(log: ChangeLog) -> None:
    day7 = log.between(D("2020-01-06"), D("2020-01-07")).changes
    assert [c.kind for c in day7] == ["corridor"]  # the declaration row of Northam is not listed


def test_events_corridors_and_routes_on_their_dates(log: ChangeLog) -> None:
    assert titles(log, "2020-01-02", "2020-01-03") == ["North corridor opens, daily 09:00-14:00"]
    assert titles(log, "2020-01-05", "2020-01-06") == ["North corridor suspended"]
    assert titles(log, "2020-01-06", "2020-01-07") == ["North corridor reopens"]
    day8 = log.between(D("2020-01-07"), D("2020-01-08")).changes
    assert [c.kind for c in day8] == ["control", "event", "route"]
    assert day8[0].title == "Eastburg: Rebels → Government"
    assert day8[1].title == "Agreement"
    assert day8[2].title == ("Evacuation Eastburg → Farplace begins: fighters; 1,200 people "
                             "(sources: 1,000–1,500)")
    assert titles(log, "2020-01-08", "2020-01-09") == ["North corridor closes (last day open)"]


def test_a_step_lists_every_date_newest_first_with_a_total(log: ChangeLog) -> None:
    step = log.between(D("2020-01-05"), D("2020-01-08"))
    assert [c.date for c in step.changes] == sorted((c.date for c in step.changes),
                                                   reverse=True)
    assert step.total == len(step.changes) == 5  # suspended, reopens, and the 8th's three
    assert log.between(D("2020-01-01"), D("2020-01-10"), limit=2).total == 9
    assert len(log.between(D("2020-01-01"), D("2020-01-10"), limit=2).changes) == 2


def test_confidence_sources_and_the_quoted_sentence(log: ChangeLog) -> None:
    day5 = log.between(D("2020-01-04"), D("2020-01-05")).changes
    advance = next(c for c in day5 if c.kind == "event")
    assert advance.title == "Partial advance: Northam, Eastburg (until 2020-01-06)"
    assert advance.confidence == "low" and advance.sources[0].url == URL
    agreement = log.between(D("2020-01-07"), D("2020-01-08")).changes[1]
    assert agreement.excerpt == "They agreed to leave https://evil.example."
    assert [s.url for s in agreement.sources] == [None]  # no link from the report's sentence
    route = log.between(D("2020-01-07"), D("2020-01-08")).changes[2]
    assert route.confidence is None  # routes carry no rating: shown as not rated


def test_the_start_date_lists_no_initial_holdings(log: ChangeLog) -> None:
    assert titles(log, "2019-12-31", "2020-01-01") == []


def test_shipped_data_the_harasta_deal(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    atlas = load_atlas(ROOT / "data")
    log = ChangeLog.build(atlas.dataset, atlas.timeline)
    day = log.between(D("2018-03-22"), D("2018-03-23")).changes
    assert "Harasta: Ahrar al-Sham → Syrian government forces" in [c.title for c in day]
    assert "Harasta corridor closes (last day open)" in [c.title for c in day]
