"""Ingesting reports: the ``ingest`` JSON, excerpts per place, broken files, corpus score."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import Problem, ReportError
from geo.ingest import excerpts_by_locality, ingest_paths, ingest_report, load_seed_reports
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import parse_report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_253ffc8c63ac3726.txt"
CORPUS = Path(__file__).resolve().parent / "corpus"


def test_ingest_document_matches_the_guide(dataset: Dataset, index: MentionIndex) -> None:
    calls: list[tuple[int, int, str]] = []
    doc = ingest_paths([SEED], dataset=dataset, index=index,
                       progress=lambda done, count, path: calls.append((done, count, path.name)))
    doc = json.loads(json.dumps(doc))  # JSON-serialisable as it stands
    assert list(doc) == ["reports"] and len(doc["reports"]) == 1
    report = doc["reports"][0]
    assert list(report) == ["id", "date", "path", "mentions", "factions", "claims"]
    assert (report["id"], report["date"]) == ("000_253ffc8c63ac3726", "2018-03-22")
    text = SEED.read_text(encoding="utf-8")  # offsets point into the file as read
    for m in report["mentions"]:
        assert list(m) == ["id", "text", "start", "end", "sentence"]
        assert text[m["start"]:m["end"]] == m["text"]
        assert m["text"] in m["sentence"]
    ids = [m["id"] for m in report["mentions"]]
    # "Douma region" is the region around the city, not a mention of it (geo.mention_context)
    assert ids.count("douma") == 2 and "ayn-tarma" in ids
    assert "damascus" not in ids  # the "Sham" of "Ahrar al-Sham" is not Damascus
    assert {f["id"] for f in report["factions"]} >= {"saa", "jaysh-al-islam",
                                                     "faylaq-al-rahman", "ahrar-al-sham", "hts"}
    for c in report["claims"]:
        assert {"type", "ids", "date", "evidence"} <= set(c)
    assert calls == [(1, 1, SEED.name)]


def test_broken_files_are_skipped_or_raised(tmp_path: Path, dataset: Dataset,
                                            index: MentionIndex) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"date 2018-03-22\n\x00\x00")
    problems: list[Problem] = []
    doc = ingest_paths([bad, SEED], dataset=dataset, index=index, problems=problems)
    assert [r["id"] for r in doc["reports"]] == ["000_253ffc8c63ac3726"]
    assert [(p.path, "binary" in p.message) for p in problems] == [(str(bad), True)]
    with pytest.raises(ReportError, match="binary"):
        ingest_paths([bad], dataset=dataset, index=index)


def test_default_date_for_undated_reports(tmp_path: Path, dataset: Dataset,
                                          index: MentionIndex) -> None:
    undated = tmp_path / "note.txt"
    undated.write_text("Buses left Douma for Jarablus.", encoding="utf-8")
    doc = ingest_paths([undated], dataset=dataset, index=index,
                       default_date=dt.date(2018, 4, 2))
    assert doc["reports"][0]["date"] == "2018-04-02"


def test_load_seed_reports_keeps_the_good_ones(tmp_path: Path, dataset: Dataset,
                                               index: MentionIndex) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "latin1.txt").write_bytes("date 2018-03-23\nDouma caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "ignored.md").write_text("date 2018-03-23\nDouma.", encoding="utf-8")
    ingested, problems = load_seed_reports(tmp_path, dataset=dataset, index=index)
    assert [i.report.id for i in ingested] == [SEED.stem]
    assert sorted(Path(p.path).name for p in problems) == ["empty.txt", "latin1.txt"]


def test_excerpts_newest_first_with_highlight_offsets(dataset: Dataset,
                                                     index: MentionIndex) -> None:
    older = parse_report("date 2018-03-10\nShelling hit Douma. Douma was quiet later.",
                         path="a.txt")
    newer = parse_report("date 2018-04-08\n---\nBuses left Duma through al-Wafideen.",
                         path="b.txt")
    ingested = [ingest_report(r, dataset=dataset, index=index) for r in (older, newer)]
    excerpts = excerpts_by_locality(ingested)
    douma = excerpts["douma"]
    assert [(e.report_id, e.date) for e in douma] == [
        ("b", dt.date(2018, 4, 8)), ("a", dt.date(2018, 3, 10)), ("a", dt.date(2018, 3, 10))]
    assert douma[0].sentence[douma[0].start:douma[0].end] == "Duma"
    assert [e.sentence for e in douma[1:]] == ["Shelling hit Douma.", "Douma was quiet later."]
    assert "wafideen-camp" in excerpts


def test_hostile_text_is_kept_literally(dataset: Dataset, index: MentionIndex) -> None:
    payload = '<script>alert("x")</script> Buses left <b>Douma</b> for Jarablus.'
    item = ingest_report(parse_report(payload, path="x.txt", default_date=dt.date(2018, 4, 2)),
                         dataset=dataset, index=index)
    [excerpt] = excerpts_by_locality([item])["douma"]
    assert "<script>" in excerpt.sentence  # data stays data: escaping is the display's job
    assert excerpt.sentence[excerpt.start:excerpt.end] == "Douma"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_ingestion_never_crashes(dataset: Dataset, index: MentionIndex, text: str) -> None:
    report = parse_report("date 2018-03-22\n" + text + " Douma", path="fuzz.txt")
    item = ingest_report(report, dataset=dataset, index=index)
    for claim in item.claims:
        assert claim.evidence in report.text
    for m in item.mentions:
        assert report.text[m.start:m.end] == m.surface


def test_corpus_recall_and_precision(dataset: Dataset, index: MentionIndex,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("corpus_score",
                                                  ROOT / "tools" / "corpus_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "corpus_score", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    score = module.score_corpus(CORPUS, dataset, index)
    assert len(list(CORPUS.glob("*.txt"))) >= 10 and score.expected >= 100
    assert score.recall >= 0.95, score.misses
    assert score.precision >= 0.95, score.extras
