"""Accepting claims into a dataset: dated rows that cite the report, refusals, no lost writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
from pathlib import Path

import pytest

from geo.accept import accept_claim, add_alias, add_locality
from geo.claims import CeasefireDetail, Claim, ClaimKind, ControlDetail, Notes
from geo.dataset import load_dataset, validate_dir
from geo.errors import ClaimError, UnknownIdError, WriteError
from geo.reports import Report, parse_report
from geo.storage import append_csv_row, atomic_write_text
from minidata import make_dataset

EVIDENCE = "Government forces entered Eastburg on Monday."


def report() -> Report:
    return parse_report(f"date: 2020-01-06 source: https://example.org/r1\n{EVIDENCE}",
                        path="reports/r1.txt")


def control_claim(locality: str = "eastburg", day: dt.date = dt.date(2020, 1, 6),
                  holder: str | None = "gov", confidence: float = 0.8) -> Claim:
    return Claim(ClaimKind.CONTROL, (locality,), (holder,) if holder else (), day, "weekday",
                 confidence, EVIDENCE, 0, ControlDetail(holder or "", "entered"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "data", end="2020-03-31")


def test_accepted_control_claim_is_a_dated_row_citing_the_report(data_dir: Path) -> None:
    dataset = load_dataset(data_dir)
    accept_claim(data_dir, control_claim(), report(), dataset=dataset)
    reloaded = load_dataset(data_dir)
    [row] = [c for c in reloaded.control if c.kind == "claim"]
    assert (row.date, row.locality, row.faction, row.confidence) == (
        dt.date(2020, 1, 6), "eastburg", "gov", "high")
    assert row.detail == EVIDENCE
    assert row.source == f"report r1 (2020-01-06) https://example.org/r1: {EVIDENCE}"
    dates = [line.split(",")[0] for line in
             (data_dir / "control.csv").read_text().splitlines()[1:]]
    assert dates == sorted(dates)  # the file stays in date order


def test_a_claim_whose_detail_is_a_plain_mapping_writes_the_same_rows(tmp_path: Path) -> None:
    """The ingest document's ``detail`` (a dict, notes mixed in) builds the same claim."""
    written = []
    for n, detail in enumerate([{"holder": "gov", "verb": "entered", "date_note": "early May"},
                                ControlDetail("gov", "entered")]):
        root = make_dataset(tmp_path / f"d{n}", end="2020-03-31")
        claim = Claim("control", ("eastburg",), ("gov",), dt.date(2020, 1, 6), "weekday", 0.8,
                      EVIDENCE, 0, detail)
        if n:
            claim = dataclasses.replace(claim, notes=Notes(date_note="early May"))
        accept_claim(root, claim, report(), dataset=load_dataset(root))
        written.append((root / "control.csv").read_text(encoding="utf-8"))
    assert written[0] == written[1] and f"{EVIDENCE} [early May]" in written[0]
    with pytest.raises(ClaimError, match="no detail 'colour'"):
        Claim("control", ("eastburg",), ("gov",), dt.date(2020, 1, 6), "weekday", 0.8,
              EVIDENCE, 0, {"holder": "gov", "colour": "red"})
    with pytest.raises(ClaimError, match="unknown claim type 'rumour'"):
        Claim("rumour", ("eastburg",), (), dt.date(2020, 1, 6), "weekday", 0.8, EVIDENCE, 0, {})


def test_other_claims_become_events(data_dir: Path) -> None:
    dataset = load_dataset(data_dir)
    claim = Claim(ClaimKind.CEASEFIRE, ("northam",), ("gov",), dt.date(2020, 1, 7), "report",
                  0.6, "A daily ceasefire from 9:00 to 14:00 was declared in Northam.", 0,
                  CeasefireDetail("09:00-14:00", daily=True))
    accept_claim(data_dir, claim, report(), dataset=dataset)
    [event] = load_dataset(data_dir).events
    assert (event.type, event.localities, event.factions, event.confidence) == (
        "ceasefire", ("northam",), ("gov",), "medium")
    assert "hours=09:00-14:00" in event.detail and event.source.startswith("report r1 ")
    with pytest.raises(ClaimError, match="already"):
        accept_claim(data_dir, claim, report(), dataset=dataset)


def test_a_withdrawal_found_in_a_report_is_accepted_as_an_event(data_dir: Path) -> None:
    from geo.ingest import ingest_report
    from geo.mentions import MentionIndex

    dataset = load_dataset(data_dir)
    text = "date: 2020-01-09 source: https://example.org/r2\nThe rebels withdrew from Northam."
    found = parse_report(text, path="reports/r2.txt")
    [claim] = ingest_report(found, dataset=dataset,
                            index=MentionIndex.for_dataset(dataset)).claims
    assert (claim.type, claim.localities, claim.factions) == ("withdrawal", ("northam",),
                                                              ("reb",))
    accept_claim(data_dir, claim, found, dataset=dataset)
    [event] = load_dataset(data_dir).events
    assert (event.type, event.localities, event.factions, event.date) == (
        "withdrawal", ("northam",), ("reb",), dt.date(2020, 1, 9))
    assert validate_dir(data_dir)[1] == []  # no problem
    # who holds Northam is unchanged: a withdrawal alone names no new holder
    assert [r.faction for r in load_dataset(data_dir).control
            if r.locality == "northam"] == ["reb", "gov"]


@pytest.mark.parametrize(("claim", "message"), [
    (control_claim(locality="atlantis"), "unknown id"),
    (control_claim(holder=None), "needs the faction"),
    (control_claim(locality="farplace"), "territory"),
    (control_claim(day=dt.date(2021, 1, 1)), "outside the dataset period"),
    (control_claim(locality="northam", day=dt.date(2020, 1, 5)), "already change"),
])
def test_refusals_write_nothing(data_dir: Path, claim: Claim, message: str) -> None:
    dataset = load_dataset(data_dir)
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    with pytest.raises(ClaimError, match=message):
        accept_claim(data_dir, claim, report(), dataset=dataset)
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()
            if not p.name.endswith(".lock")} == before


def test_crash_mid_write_leaves_the_old_file(data_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(data_dir)
    before = (data_dir / "control.csv").read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WriteError, match="old file is intact"):
        accept_claim(data_dir, control_claim(), report(), dataset=dataset)
    monkeypatch.undo()
    assert (data_dir / "control.csv").read_bytes() == before
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert load_dataset(data_dir).control == dataset.control


def test_atomic_write_replaces_whole_content(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("old", encoding="utf-8")
    atomic_write_text(path, "new content")
    assert path.read_text(encoding="utf-8") == "new content"


def _accept_many(data_dir: str, localities: tuple[str, ...]) -> None:
    dataset = load_dataset(data_dir)
    for i in range(50):
        locality = localities[i % len(localities)]
        day = dt.date(2020, 1, 11) + dt.timedelta(days=i // len(localities))
        accept_claim(data_dir, control_claim(locality=locality, day=day), report(),
                     dataset=dataset)


def test_two_processes_accepting_50_claims_each_lose_nothing(data_dir: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_accept_many, args=(str(data_dir), locs))
               for locs in (("westville", "eastburg"), ("northam", "southby"))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    dataset, problems = validate_dir(data_dir)
    assert problems == [] and dataset is not None
    accepted = [(c.date, c.locality) for c in dataset.control if c.kind == "claim"]
    assert len(accepted) == 100 == len(set(accepted))


def test_append_csv_row_creates_the_file_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    append_csv_row(path, ("a", "b"), {"a": "1", "b": "x, y"})
    assert path.read_text(encoding="utf-8") == 'a,b\n1,"x, y"\n'


def test_add_locality_and_alias(data_dir: Path) -> None:
    add_locality(data_dir, id="new-town", name="New Town", lat=33.52, lon=36.33,
                 source="analyst, from report r1", alt_names=("Nyu Taun",))
    add_alias(data_dir, "eastburg", "Eastborough")
    add_alias(data_dir, "eastburg", "EASTBOROUGH")  # same spelling: no duplicate
    dataset = load_dataset(data_dir)
    town = dataset.locality("new-town")
    assert (town.name, town.alt_names, town.territory, town.placement) == (
        "New Town", ("Nyu Taun",), False, "estimated")
    assert dataset.locality("eastburg").alt_names == ("Eastborough",)
    with pytest.raises(ClaimError, match="already exists"):
        add_locality(data_dir, id="new-town", name="Again", lat=33.5, lon=36.3, source="s")
    with pytest.raises(ClaimError, match="slug"):
        add_locality(data_dir, id="Bad Id", name="Bad", lat=33.5, lon=36.3, source="s")
    with pytest.raises(UnknownIdError):
        add_alias(data_dir, "atlantis", "Atlantis")


def test_accepting_the_seed_writes_the_rows_it_always_wrote(tmp_path: Path) -> None:
    """Every claim of the seed report, accepted into a copy of the shipped dataset, writes
    exactly the rows the claims module wrote before it became a package of rule families
    (recorded in ``seed_accepted_rows.json``)."""
    import csv
    import json
    import shutil

    from geo.ingest import ingest_report
    from geo.mentions import MentionIndex
    from geo.reports import read_report

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    dataset = load_dataset(data)
    seed = read_report(root / "seeds" / "000_253ffc8c63ac3726.txt")

    def rows() -> dict[str, list[dict[str, str]]]:
        return {f: list(csv.DictReader(open(data / f, encoding="utf-8")))
                for f in ("control.csv", "events.csv")}

    before = rows()
    claims = ingest_report(seed, dataset=dataset, index=MentionIndex.for_dataset(dataset)).claims
    for claim in claims:
        accept_claim(data, claim, seed, dataset=dataset)
    after = rows()
    written = {f: [r for r in after[f] if r not in before[f]] for f in after}
    expected = json.loads((root / "tests" / "seed_accepted_rows.json").read_text("utf-8"))
    assert written == expected
    assert validate_dir(data)[1] == []
