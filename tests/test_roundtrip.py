"""Every writer round-trips through its reader: what an accept or an added place writes, with
any Unicode in it, reads back as the same text and leaves a dataset that validates."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import csvio
from geo.accept import accept_claim, add_alias, add_locality, citation
from geo.claims import Claim
from geo.dataset import load_dataset, validate_dir
from geo.errors import ClaimError
from geo.reports import Report
from minidata import make_dataset

#: Characters that broke rows or cells: what str.splitlines splits on, NUL, quotes, commas.
HOSTILE = list("\u2028\u2029\u0085\f\v\r\n\x1c\x1d\x1e\x00\"',;| \t\ufeff")
chars = st.one_of(st.sampled_from(HOSTILE), st.characters(codec="utf-8"))
short = st.text(chars, max_size=40)
# 10,000-character cells, made by repeating a short piece (cheap to generate)
long = st.text(chars, min_size=1, max_size=12).map(lambda s: (s * 10_000)[:10_000])
texts = st.one_of(short, short, long)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextmanager
def dataset_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield make_dataset(Path(tmp) / "data", end="2020-03-31")


def reloaded(root: Path):
    dataset, problems = validate_dir(root)
    assert problems == [], [str(p) for p in problems]
    assert dataset is not None
    return dataset


def a_report(source: str, report_id: str) -> Report:
    return Report(id=report_id, path=f"{report_id}.txt", date=dt.date(2020, 1, 6), source=source,
                  title="", text="", sentences=(), date_origin="header")


@given(cells=st.lists(st.text(chars, max_size=30) | long, min_size=1, max_size=6))
@SETTINGS
def test_any_cells_render_and_read_back_unchanged(cells: list[str]) -> None:
    header = [f"c{i}" for i in range(len(cells))]
    text = csvio.render(header, [dict(zip(header, cells, strict=True))])
    assert list(csvio.reader(text)) == [header, cells]
    # a row with a line-breaking character is quoted whole: a reader that splits lines as
    # str.splitlines does (as the dataset reader did) keeps it one record
    import csv

    assert list(csv.reader(text.splitlines(keepends=True)))[1] == cells


@given(source=texts, report_id=texts, evidence=texts, note=texts)
@SETTINGS
def test_an_accepted_control_claim_reads_back_and_validates(source: str, report_id: str,
                                                           evidence: str, note: str) -> None:
    report = a_report(source, report_id)
    detail = {"holder": "gov", "verb": "entered", "date_note": note}
    claim = Claim("control", ("eastburg",), ("gov",), dt.date(2020, 1, 6), "report", 0.8,
                  evidence, 0, detail)
    with dataset_dir() as root:
        accept_claim(root, claim, report, dataset=load_dataset(root))
        [row] = [c for c in reloaded(root).control if c.kind == "claim"]
    assert row.source == citation(report, evidence)
    expected_detail = csvio.cell_text(evidence + (f" [{note}]" if note else ""))
    assert row.detail == expected_detail


@given(source=texts, evidence=texts, who=texts, hours=texts)
@SETTINGS
def test_an_accepted_event_reads_back_and_validates(source: str, evidence: str, who: str,
                                                   hours: str) -> None:
    report = a_report(source, "r1")
    claims = [Claim("evacuation", ("northam",), ("reb",), dt.date(2020, 1, 7), "report", 0.6,
                    evidence, 0, {"who": who, "to": ["westville"]}),
              Claim("ceasefire", ("northam",), ("reb",), dt.date(2020, 1, 8), "report", 0.6,
                    evidence, 0, {"hours": hours, "note": who})]
    with dataset_dir() as root:
        for claim in claims:
            accept_claim(root, claim, report, dataset=load_dataset(root))
        events = reloaded(root).events
    assert [e.type for e in events] == ["evacuation", "ceasefire"]
    for event in events:
        assert event.source == citation(report, evidence)
        assert "\n" not in event.detail and csvio.cell_text(evidence) in event.detail


@given(name=texts, alias=texts, source=texts, note=texts)
@SETTINGS
def test_an_added_place_reads_back_and_validates(name: str, alias: str, source: str,
                                                 note: str) -> None:
    with dataset_dir() as root:
        try:
            add_locality(root, id="new-place", name=name, lat=33.5, lon=36.35, source=source,
                         alt_names=[alias], note=note)
        except ClaimError:  # an empty name or source, a ';' in the alias: refused, not broken
            assert (not csvio.cell_text(name) or not csvio.cell_text(source)
                    or ";" in alias)
            reloaded(root)
            return
        loc = reloaded(root).locality("new-place")
    assert loc.name == csvio.cell_text(name)
    assert loc.alt_names == ((csvio.cell_text(alias),) if csvio.cell_text(alias) else ())
    assert loc.source == csvio.cell_text(source)
    assert loc.note == (csvio.cell_text(note) or loc.note)


@given(alias=texts)
@SETTINGS
def test_an_added_alias_reads_back_and_validates(alias: str) -> None:
    with dataset_dir() as root:
        try:
            add_alias(root, "eastburg", alias)
        except ClaimError:
            assert not csvio.cell_text(alias) or ";" in alias
            reloaded(root)
            return
        loc = reloaded(root).locality("eastburg")
    assert loc.alt_names[-1:] == (csvio.cell_text(alias),) or csvio.cell_text(alias) == "Eastburg"


@given(text=st.text(chars, max_size=200))
@SETTINGS
def test_cell_text_keeps_every_character_but_spaces_and_controls(text: str) -> None:
    kept = csvio.cell_text(text)
    assert "\n" not in kept and kept == kept.strip() and "  " not in kept
    visible = [c for c in text
               if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cs")]
    assert [c for c in kept if not c.isspace()] == visible
    assert csvio.cell_text(kept) == kept


def test_the_reported_u2028_source_no_longer_breaks_control_csv(tmp_path: Path) -> None:
    """Issue 10's reproduction: 'control.csv:59: expected 8 cells, found 1' after an accept."""
    from geo.reports import parse_report

    root = make_dataset(tmp_path / "data", end="2020-03-31")
    report = parse_report("date 2020-01-08 source: http://a.example/x\u2028y\x85z\n"
                          "Government forces captured Eastburg on 8 January.", path="r.txt")
    claim = Claim("control", ("eastburg",), ("gov",), dt.date(2020, 1, 9), "report", 0.9,
                  report.sentences[0].text, 0, {"holder": "gov"})
    accept_claim(root, claim, report, dataset=load_dataset(root))
    [row] = [c for c in reloaded(root).control if c.kind == "claim"]
    assert "http://a.example/x y z" in row.source
    add_locality(root, id="new-place", name="New\u2028Place", lat=33.5, lon=36.35, source="s")
    assert reloaded(root).locality("new-place").name == "New Place"


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused(tmp_path: Path, bad: str) -> None:
    root = make_dataset(tmp_path / "data")
    with pytest.raises(ClaimError):
        add_locality(root, id="x", name="X", lat=float(bad), lon=36.3, source="s")
    with pytest.raises(ClaimError):
        add_locality(root, id="x", name="X", lat=33.5, lon=36.3, source="s",
                     precision_m=float(bad))
    text = (root / "localities.csv").read_text(encoding="utf-8")
    (root / "localities.csv").write_text(text.replace("500,published", f"{bad},published", 1),
                                         encoding="utf-8")
    _, problems = validate_dir(root)
    assert [p.line for p in problems] == [2]
    assert f"precision_m '{bad}' is not a finite number" in problems[0].message
