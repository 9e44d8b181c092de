"""Ingesting many reports at once gives what ingesting them one by one gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geo.dataset import load_dataset
from geo.errors import Problem, ReportError
from geo.factions_text import FactionIndex, find_factions
from geo.ingest import BATCH_SIZE, ingest_paths, ingest_report, ingest_reports
from geo.mentions import MentionIndex, find_mentions, find_mentions_many
from geo.model import Dataset
from geo.normalize import skeleton_text, skeleton_texts
from geo.reports import Report, read_report

ROOT = Path(__file__).resolve().parent.parent
REPORT_FILES = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
    (Path(__file__).resolve().parent / "corpus").glob("*.txt"))


@pytest.fixture(scope="module")
def shipped() -> tuple[Dataset, MentionIndex, list[Report]]:
    """The shipped dataset, its mention index, the seed and test-corpus reports."""
    assert len(REPORT_FILES) >= 5
    dataset = load_dataset(ROOT / "data")
    return dataset, MentionIndex.for_dataset(dataset), [read_report(p) for p in REPORT_FILES]


@pytest.mark.parametrize("texts", [
    ["al-Nashabiyah and Douma's", "el Harasta", "", "Hammouriyeh  ", "  Ayn Tarma"],
    ["KafrBatna\x02Saqba", "ah", "Deir el-Asafir.", "al", "'s"],
])
def test_loose_forms_of_many_texts_equal_those_of_each(texts: list[str]) -> None:
    for text, mapped in zip(texts, skeleton_texts(texts), strict=True):
        alone = skeleton_text(text)
        assert mapped.text == alone.text
        assert np.array_equal(mapped.origin, alone.origin)


def test_mentions_of_many_texts_equal_those_of_each(shipped) -> None:
    _, index, reports = shipped
    texts = [r.text for r in reports]
    together = find_mentions_many(texts, index)
    assert together == [find_mentions(t, index) for t in texts]
    assert any(together)


def test_reports_ingested_together_equal_reports_ingested_alone(shipped) -> None:
    dataset, index, reports = shipped
    together = ingest_reports(reports, dataset=dataset, index=index)
    alone = [ingest_report(r, dataset=dataset, index=index) for r in reports]
    assert together == alone
    assert sum(len(i.claims) for i in together) > 0


def test_a_compiled_faction_index_finds_what_the_factions_find(shipped) -> None:
    dataset, _, reports = shipped
    compiled = FactionIndex.build(dataset.factions)
    for report in reports:
        assert find_factions(report.text, compiled) == find_factions(report.text,
                                                                     dataset.factions)


def _write_reports(folder: Path, count: int, broken: set[int]) -> list[Path]:
    seed = REPORT_FILES[0].read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        path = folder / f"r{i:03d}.txt"
        if i in broken:
            path.write_bytes(b"\xff\xfe not text")
        else:
            path.write_text(seed, encoding="utf-8")
        paths.append(path)
    return paths


def test_many_files_keep_their_order_progress_and_problems(tmp_path: Path, shipped) -> None:
    dataset, index, _ = shipped
    count = BATCH_SIZE + 7
    paths = _write_reports(tmp_path, count, broken={2, BATCH_SIZE + 3})
    calls: list[tuple[int, int, str]] = []
    problems: list[Problem] = []
    doc = ingest_paths(paths, dataset=dataset, index=index, problems=problems,
                       progress=lambda done, n, path: calls.append((done, n, path.name)))
    assert calls == [(i + 1, count, p.name) for i, p in enumerate(paths)]
    assert [r["id"] for r in doc["reports"]] == [
        p.stem for i, p in enumerate(paths) if i not in {2, BATCH_SIZE + 3}]
    assert [Path(p.path).name for p in problems] == ["r002.txt", f"r{BATCH_SIZE + 3:03d}.txt"]
    assert len({str(r["claims"]) for r in doc["reports"]}) == 1  # same text, same claims


def test_the_first_broken_file_stops_ingestion_after_the_files_before_it(
        tmp_path: Path, shipped) -> None:
    dataset, index, _ = shipped
    paths = _write_reports(tmp_path, BATCH_SIZE + 5, broken={BATCH_SIZE + 2})
    calls: list[int] = []
    with pytest.raises(ReportError, match="not UTF-8"):
        ingest_paths(paths, dataset=dataset, index=index,
                     progress=lambda done, n, path: calls.append(done))
    assert calls == list(range(1, BATCH_SIZE + 3))  # the files before the broken one
