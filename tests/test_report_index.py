"""The on-disk index of a reports folder: the same excerpts as reading every report, kept
incrementally, a bounded amount of work per call, shared safely."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from geo.accept import accept_claim, add_alias
from geo.claims import Claim
from geo.dataset import load_dataset
from geo.ingest import excerpts_by_locality, load_seed_reports
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.report_index import ReportIndex, fingerprint, index_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:6]:
        shutil.copy(path, seeds / path.name)
    shutil.copy(ROOT / "seeds" / "000_253ffc8c63ac3726.txt", seeds)
    return seeds


def new_index(folder: Path, tmp_path: Path) -> ReportIndex:
    return ReportIndex(folder, tmp_path / "cache" / "reports.sqlite")


def test_the_index_gives_the_excerpts_reading_every_report_gives(
        folder: Path, tmp_path: Path, dataset: Dataset, index: MentionIndex) -> None:
    reports = new_index(folder, tmp_path)
    status = reports.sync(dataset=dataset, index=index)
    assert (status.files, status.indexed, status.pending) == (7, 7, 0)
    ingested, problems = load_seed_reports(folder, dataset=dataset, index=index)
    assert problems == [] and reports.problems() == []
    expected = excerpts_by_locality(ingested)
    assert reports.excerpt_counts() == {lid: len(ex) for lid, ex in expected.items()}
    for lid, excerpts in expected.items():
        assert reports.excerpt_count(lid) == len(excerpts)
        assert reports.excerpts(lid, limit=1000) == list(excerpts)
        assert reports.excerpts(lid, offset=1, limit=2) == list(excerpts[1:3])
    assert [r.name for r in reports.reports()] == sorted(p.name for p in folder.glob("*.txt"))
    first = ingested[0]
    assert reports.ingested(Path(first.report.path).name) == first


def test_only_new_changed_and_removed_files_cost_work(
        folder: Path, tmp_path: Path, dataset: Dataset, index: MentionIndex) -> None:
    reports = new_index(folder, tmp_path)
    reports.sync(dataset=dataset, index=index)
    version = reports.version()
    assert reports.sync(dataset=dataset, index=lambda: pytest.fail("nothing to read")).indexed == 0
    assert reports.version() == version
    seed = folder / "000_253ffc8c63ac3726.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n\nDouma was quiet.\n",
                    encoding="utf-8")
    (folder / "r01_nashabiyah_advance.txt").unlink()
    status = reports.sync(dataset=dataset, index=index)
    assert (status.files, status.indexed) == (6, 1)
    ingested, _ = load_seed_reports(folder, dataset=dataset, index=index)
    assert reports.excerpt_counts() == {
        lid: len(ex) for lid, ex in excerpts_by_locality(ingested).items()}
    assert "Douma was quiet." in {e.sentence for e in reports.excerpts("douma", limit=100)}
    assert "r01_nashabiyah_advance.txt" not in {r.name for r in reports.reports()}
    assert reports.version() > version


def test_a_broken_file_is_listed_until_it_is_fixed(
        folder: Path, tmp_path: Path, dataset: Dataset, index: MentionIndex) -> None:
    broken = folder / "nodate.txt"
    broken.write_text("Rebels left Douma.\n", encoding="utf-8")
    reports = new_index(folder, tmp_path)
    reports.sync(dataset=dataset, index=index)
    [problem] = reports.problems()
    assert problem.path.endswith("nodate.txt") and "no date" in problem.message
    broken.write_text("date 2018-03-10\nRebels left Douma.\n", encoding="utf-8")
    reports.sync(dataset=dataset, index=index)
    assert reports.problems() == [] and "nodate.txt" in {r.name for r in reports.reports()}


def test_a_byte_budget_bounds_the_work_of_one_call(
        folder: Path, tmp_path: Path, dataset: Dataset, index: MentionIndex) -> None:
    reports = new_index(folder, tmp_path)
    first = reports.sync(dataset=dataset, index=index, max_bytes=1)  # one file at least
    assert (first.indexed, first.pending) == (1, 6)
    assert reports.status().pending == 6
    sizes = sorted(p.stat().st_size for p in folder.glob("*.txt"))
    second = reports.sync(dataset=dataset, index=index, max_bytes=sum(sizes))
    assert second.indexed == 6 and second.pending == 0


def test_one_indexer_at_a_time(folder: Path, tmp_path: Path, dataset: Dataset,
                               index: MentionIndex) -> None:
    from filelock import FileLock

    reports = new_index(folder, tmp_path)
    with FileLock(f"{reports.path}.lock"):
        busy = reports.sync(dataset=dataset, index=index)
    assert busy.busy and busy.indexed == 0 and busy.pending == 7
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        reports.sync(dataset=dataset, index=index, wait=True))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.indexed for r in results) == 7
    assert sum(reports.excerpt_counts().values()) == sum(
        len(e) for e in excerpts_by_locality(
            load_seed_reports(folder, dataset=dataset, index=index)[0]).values())


def test_accepting_a_claim_keeps_the_index_and_a_new_alias_starts_a_new_one(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.lock"))
    dataset = load_dataset(data)
    before = fingerprint(dataset)
    assert fingerprint(load_dataset(ROOT / "data")) == before  # where it lives does not count
    from geo.reports import parse_report

    report = parse_report("date 2018-03-05\nSyrian troops captured Douma.", path="r.txt")
    claim = Claim("control", ("douma",), ("saa",), report.date, "report", 0.9,
                  report.sentences[0].text, 0, {"holder": "saa"})
    accept_claim(data, claim, report, dataset=dataset)
    assert fingerprint(load_dataset(data)) == before
    add_alias(data, "douma", "Dumah al-Kabira")
    after = load_dataset(data)
    assert fingerprint(after) != before
    assert index_path(tmp_path, ROOT / "seeds", after) != index_path(tmp_path, ROOT / "seeds",
                                                                     dataset)


def test_old_index_files_are_pruned(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    paths = [cache / f"reports-x-{i:02d}.sqlite" for i in range(12)]
    for age, path in enumerate(paths):
        ReportIndex(folder, path)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    ReportIndex(folder, paths[0])
    assert len(list(cache.glob("reports-*.sqlite"))) == 8
    assert paths[0].exists() and paths[-1].exists()


def test_a_report_whose_inferred_holder_an_accept_changes_is_read_again(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.lock"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # The text names no taker: it is inferred from Adra's control rows.
    (seeds / "adra.txt").write_text("date 2018-03-05\nAdra was captured on Monday.\n")
    shutil.copy(CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0], seeds)
    dataset = load_dataset(data)
    reports = new_index(seeds, tmp_path)
    assert reports.sync(dataset=dataset, index=MentionIndex.for_dataset(dataset)).indexed == 2
    [before] = reports.ingested("adra.txt").claims  # type: ignore[union-attr]
    assert before.factions == ("opposition",)  # Adra was the government's: the other side

    from geo.reports import parse_report

    def accept(text: str, place: str, faction: str) -> Dataset:
        current = load_dataset(data)
        report = parse_report(text, path="accepted.txt")
        claim = Claim("control", (place,), (faction,), report.date, "report", 0.9,
                      report.sentences[0].text, 0, {"holder": faction})
        accept_claim(data, claim, report, dataset=current)
        return load_dataset(data)

    unrelated = accept("date 2018-03-04\nSyrian troops captured Douma.", "douma", "saa")
    assert reports.status(unrelated).pending == 0
    assert reports.sync(dataset=unrelated, index=lambda: pytest.fail("nothing to read")
                        ).indexed == 0
    related = accept("date 2018-03-03\nJaysh al-Islam took Adra.", "adra", "jaysh-al-islam")
    assert fingerprint(related) == fingerprint(dataset)  # the same index file
    assert reports.status(related).pending == 1
    assert reports.sync(dataset=related, index=MentionIndex.for_dataset(related)).indexed == 1
    [after] = reports.ingested("adra.txt").claims  # type: ignore[union-attr]
    assert after.factions == ("jaysh-al-islam",)  # the change two days before is the one told
    assert reports.status(related).pending == 0
