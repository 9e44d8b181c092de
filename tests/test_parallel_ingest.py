"""Ingesting report files with worker processes gives exactly what one process gives."""

from __future__ import annotations

import faulthandler
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import geo.ingest
from geo.cli import main
from geo.dataset import load_dataset
from geo.errors import IngestError, Problem, ReportError
from geo.ingest import BATCH_SIZE, ingest_paths
from geo.mentions import MentionIndex
from geo.model import Dataset

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
    (Path(__file__).resolve().parent / "corpus").glob("*.txt"))
COUNT = 2 * BATCH_SIZE + 11  # three batches
BROKEN = {5: b"\xff\xfe not text", BATCH_SIZE: b"", 2 * BATCH_SIZE + 4: b"no date here\n"}


@pytest.fixture(scope="module")
def shipped() -> tuple[Dataset, MentionIndex]:
    """The shipped dataset and its mention index."""
    dataset = load_dataset(ROOT / "data")
    return dataset, MentionIndex.for_dataset(dataset)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """``COUNT`` report files copied from the seeds and the test corpus, broken at ``BROKEN``."""
    assert len(SOURCES) >= 5
    out = tmp_path_factory.mktemp("reports")
    paths = []
    for i in range(COUNT):
        path = out / f"{i:03d}-{SOURCES[i % len(SOURCES)].name}"
        path.write_bytes(BROKEN.get(i, SOURCES[i % len(SOURCES)].read_bytes()))
        paths.append(path)
    return paths


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Kill the test run with every thread's traceback if the test is still running in 60 s."""
    faulthandler.dump_traceback_later(60, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


def _ingest(paths: list[Path], shipped: tuple[Dataset, MentionIndex], jobs: int,
            **kwargs) -> tuple[dict, list[tuple[int, int, str]]]:
    dataset, index = shipped
    calls: list[tuple[int, int, str]] = []
    doc = ingest_paths(paths, dataset=dataset, index=index, jobs=jobs,
                       progress=lambda done, n, path: calls.append((done, n, path.name)),
                       **kwargs)
    return doc, calls


def test_two_processes_give_the_documents_problems_and_progress_of_one(
        folder: list[Path], shipped, no_hang) -> None:
    problems_1: list[Problem] = []
    problems_2: list[Problem] = []
    one, calls_1 = _ingest(folder, shipped, 1, problems=problems_1)
    two, calls_2 = _ingest(folder, shipped, 2, problems=problems_2)
    assert two == one
    assert calls_2 == calls_1 == [(i + 1, COUNT, p.name) for i, p in enumerate(folder)]
    assert problems_2 == problems_1
    assert [Path(p.path).name for p in problems_2] == [folder[i].name for i in sorted(BROKEN)]
    assert all(str(p).startswith(f"{p.path}:{p.line}: ") for p in problems_2)
    assert [r["path"] for r in two["reports"]] == [
        str(p) for i, p in enumerate(folder) if i not in BROKEN]
    assert sum(len(r["claims"]) for r in two["reports"]) > 0
    assert len({json.dumps(r["mentions"]) for r in two["reports"]}) == len(SOURCES)


def test_with_two_processes_the_first_broken_file_stops_ingestion_as_with_one(
        folder: list[Path], shipped, no_hang) -> None:
    good = [p for i, p in enumerate(folder) if i not in BROKEN]
    paths = [*good[:BATCH_SIZE + 6], folder[BATCH_SIZE], *good[BATCH_SIZE + 6:]]  # empty
    results = []
    for jobs in (1, 2):
        calls: list[int] = []
        with pytest.raises(ReportError) as caught:
            ingest_paths(paths, dataset=shipped[0], index=shipped[1], jobs=jobs,
                         progress=lambda done, n, path, calls=calls: calls.append(done))
        results.append((str(caught.value), calls))
    assert results[1] == results[0]
    assert results[0][1] == list(range(1, BATCH_SIZE + 7))  # the files before the empty one
    assert f"{folder[BATCH_SIZE]}:0: " in results[0][0]


def test_cli_output_with_two_jobs_is_the_output_with_one(
        folder: list[Path], capsys: pytest.CaptureFixture[str], no_hang) -> None:
    good = [str(p) for i, p in enumerate(folder) if i not in BROKEN]
    printed = []
    for jobs in ("1", "2"):
        out = io.StringIO()
        assert main(["ingest", *good, "--data", str(ROOT / "data"), "--jobs", jobs],
                    out=out) == 0
        printed.append((out.getvalue(), capsys.readouterr().err))
    assert printed[1] == printed[0]
    assert len(json.loads(printed[0][0])["reports"]) == len(good)
    assert printed[0][1].count("\n") == len(good)  # one progress line per file


def test_cli_refuses_a_negative_number_of_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(SOURCES[0]), "--jobs", "-1"]) == 2
    assert "not a number of processes" in capsys.readouterr().err


def _fail_on_second_batch(exc: BaseException):
    real = geo.ingest.ingest_reports

    def ingest_reports(reports, **kwargs):
        if any(r.id.startswith(f"{BATCH_SIZE + 1:03d}-") for r in reports):
            raise exc
        return real(reports, **kwargs)
    return ingest_reports


@pytest.mark.parametrize(("exc", "message"), [
    (LookupError("the claim rules are broken"), "LookupError: the claim rules are broken"),
    # also an exception that could not be rebuilt from its pickle
    (ReportError("x.txt", 3, "boom"), "ReportError: x.txt:3: boom"),
])
def test_an_exception_in_a_worker_names_the_report_with_the_worker_traceback(
        folder: list[Path], shipped, monkeypatch: pytest.MonkeyPatch, no_hang,
        exc: Exception, message: str) -> None:
    monkeypatch.setattr(geo.ingest, "ingest_reports", _fail_on_second_batch(exc))  # forked
    with pytest.raises(IngestError) as caught:
        _ingest(folder, shipped, 2, problems=[])
    culprit = next(p for p in folder if p.name.startswith(f"{BATCH_SIZE + 1:03d}-"))
    assert str(caught.value) == f"{culprit}: cannot be ingested: {message}"
    assert "_ingest_batch" in str(caught.value.__cause__)  # the worker's traceback


def test_a_worker_that_dies_is_a_one_line_error_not_a_hang(folder: list[Path]) -> None:
    script = (
        "import os, sys, geo.ingest\n"
        "def die(reports, **kwargs): os._exit(3)\n"
        "geo.ingest.ingest_reports = die\n"
        "from geo.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    good = [str(p) for i, p in enumerate(folder) if i not in BROKEN]
    proc = subprocess.run([sys.executable, "-c", script, "ingest", *good, "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("geo: error: an ingest worker process died")
    assert "Traceback" not in proc.stderr


def test_spawned_workers_give_what_one_process_gives(
        folder: list[Path], shipped, monkeypatch: pytest.MonkeyPatch, no_hang) -> None:
    """Where workers cannot be forked (macOS, Windows) they are spawned."""
    paths = folder[BATCH_SIZE - 3:]  # two batches
    one, calls_1 = _ingest(paths, shipped, 1, problems=[])
    monkeypatch.setattr(geo.ingest, "_start_method", lambda: "spawn")
    two, calls_2 = _ingest(paths, shipped, 2, problems=[])
    assert (two, calls_2) == (one, calls_1)
