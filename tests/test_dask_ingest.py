"""Ingestion on a real Dask cluster: the same document as one process, clear errors, no hang."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

import geo.ingest_dask as ingest_dask
from geo.cli import main
from geo.errors import IngestError
from geo.ingest import BATCH_SIZE, ingest_paths
from geo.mentions import MentionIndex
from geo.model import Dataset
from tools.browser_timing import free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.txt"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The test corpus copied under new names: 5 batches of 64 (the last one shorter)."""
    folder = tmp_path_factory.mktemp("reports")
    out = []
    for n in range(4 * BATCH_SIZE + 20):
        src = CORPUS[n % len(CORPUS)]
        out.append(folder / f"{n:04d}_{src.name}")
        shutil.copyfile(src, out[-1])
    return out


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A real two-worker LocalCluster (processes), reached by its tcp:// address."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=50) as local:
        yield local


@pytest.fixture(scope="module")
def one_process(reports: list[Path], dataset: Dataset, index: MentionIndex) -> str:
    return json.dumps(ingest_paths(reports, dataset=dataset, index=index), ensure_ascii=False)


def test_the_cluster_gives_the_document_of_one_process(
        reports: list[Path], dataset: Dataset, index: MentionIndex, cluster: LocalCluster,
        one_process: str) -> None:
    seen: list[int] = []
    doc = ingest_paths(reports, dataset=dataset, index=index, dask=cluster.scheduler_address,
                       progress=lambda done, count, path: seen.append(done))
    assert json.dumps(doc, ensure_ascii=False) == one_process
    assert seen == list(range(1, len(reports) + 1))  # every file, in order


def _jobs_held(dask_worker) -> list[str]:  # runs on a worker: the ingest jobs it keeps
    return [type(p.job.index).__name__ for n, p in dask_worker.plugins.items()
            if n.startswith("geo-ingest-")]


def test_the_name_index_is_shipped_once_per_worker(
        reports: list[Path], dataset: Dataset, index: MentionIndex,
        cluster: LocalCluster) -> None:
    with Client(cluster) as client:
        during: list[dict] = []

        def look(done: int, count: int, path: Path) -> None:
            if not during:  # while the batches run: one copy of the job on each worker
                during.append(client.run(_jobs_held))

        ingest_paths(reports, dataset=dataset, index=index, dask=cluster.scheduler_address,
                     progress=look)
        assert list(during[0].values()) == [["MentionIndex"], ["MentionIndex"]]
        assert list(client.run(_jobs_held).values()) == [[], []]  # removed at the end


def test_a_killed_worker_is_replaced_and_the_document_is_the_same(
        reports: list[Path], dataset: Dataset, index: MentionIndex, cluster: LocalCluster,
        one_process: str) -> None:
    with Client(cluster) as client:
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_one(done: int, count: int, path: Path) -> None:
            if not killed:  # after the first file: batches are in flight on both workers
                killed.append(next(iter(pids.values())))
                os.kill(killed[0], signal.SIGKILL)

        doc = ingest_paths(reports, dataset=dataset, index=index,
                           dask=cluster.scheduler_address, progress=kill_one)
        client.wait_for_workers(2, timeout=60)
        assert killed[0] not in client.run(os.getpid).values()
    assert json.dumps(doc, ensure_ascii=False) == one_process


def test_a_report_that_breaks_the_ingestion_is_named(
        tmp_path: Path, reports: list[Path], dataset: Dataset, index: MentionIndex,
        cluster: LocalCluster) -> None:
    # a date of the wrong type breaks only the reports that need it: the dateless one
    dateless = tmp_path / "no-date.txt"
    dateless.write_text("Syrian troops captured Douma on Monday after heavy fighting.\n",
                        encoding="utf-8")
    files = [*reports[:100], dateless, *reports[100:150]]
    with pytest.raises(IngestError) as local_error:
        ingest_paths(files, dataset=dataset, index=index, default_date="2018-03-01")  # type: ignore[arg-type]
    with pytest.raises(IngestError) as remote_error:
        ingest_paths(files, dataset=dataset, index=index, default_date="2018-03-01",  # type: ignore[arg-type]
                     dask=cluster.scheduler_address)
    assert str(remote_error.value) == str(local_error.value)
    assert str(remote_error.value).startswith(f"{dateless}: cannot be ingested: ")


def test_a_broken_file_is_skipped_or_stops_the_run_as_in_one_process(
        tmp_path: Path, reports: list[Path], cluster: LocalCluster,
        capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"date 2018-03-01\n\x00\x01binary")
    files = [str(p) for p in [*reports[:70], broken, *reports[70:90]]]
    why = f"{broken}:2: the report is binary (NUL bytes), not plain text"
    for strict, last in (([], f"geo: skipped {why}"), (["--strict"], f"geo: error: {why}")):
        results = []
        for extra in ([], ["--dask", cluster.scheduler_address]):
            out = io.StringIO()
            status = main(["ingest", *files, *strict, *extra], out=out)
            err = [ln for ln in capsys.readouterr().err.splitlines()
                   if not ln.startswith("[")]  # the progress lines
            results.append((status, out.getvalue(), err))
        assert results[0] == results[1]
        assert results[0][0] == 1 and last in results[0][2]
        if not strict:
            assert len(json.loads(results[0][1])["reports"]) == len(files) - 1


def test_a_scheduler_without_workers_is_an_error_not_a_hang(
        reports: list[Path], dataset: Dataset, index: MentionIndex,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_dask, "NO_WORKER_TIMEOUT_S", 2.0)
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=50) as empty:
        t0 = time.monotonic()
        with pytest.raises(IngestError, match="no Dask worker joined the scheduler at tcp://"):
            ingest_paths(reports, dataset=dataset, index=index, dask=empty.scheduler_address)
        assert time.monotonic() - t0 < 30


def test_an_unreachable_scheduler_is_one_line(reports: list[Path],
                                              capsys: pytest.CaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_dask, "CONNECT_TIMEOUT_S", 2.0)
    address = f"tcp://127.0.0.1:{free_port()}"
    assert main(["ingest", str(reports[0]), "--dask", address], out=io.StringIO()) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(
        f"geo: error: cannot reach the Dask scheduler at {address}: ")
    assert main(["ingest", str(reports[0]), "--dask", "8786"]) == 2


def test_workers_without_the_project_are_told_so(tmp_path: Path, reports: list[Path],
                                                 dataset: Dataset, index: MentionIndex
                                                 ) -> None:
    """A scheduler and a worker started as on another machine: no ``geo`` to import."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    port = free_port()
    started = []
    try:
        for cmd in (["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                     str(port), "--no-dashboard"],
                    ["distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads",
                     "1", "--host", "127.0.0.1", "--no-dashboard"]):
            started.append(subprocess.Popen([sys.executable, "-m", *cmd], cwd=tmp_path,
                                            env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        with pytest.raises(IngestError, match=r"cannot load the dataset and name index .*"
                                              r"needs this project installed"):
            ingest_paths(reports[:10], dataset=dataset, index=index,
                         dask=f"tcp://127.0.0.1:{port}")
    finally:
        for proc in reversed(started):
            proc.terminate()
            proc.wait(timeout=20)


def test_a_terminal_gets_a_progress_bar(reports: list[Path]) -> None:
    """``python -m geo ingest`` with standard error on a terminal draws a tqdm bar."""
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    proc = subprocess.Popen([sys.executable, "-m", "geo", "ingest",
                             *map(str, reports[:80])], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=child)
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(parent)
    assert proc.wait(timeout=60) == 0
    text = seen.decode("utf-8", "replace")
    assert "80/80" in text and "100%" in text and "report" in text
    assert "[1/80]" not in text  # the line-per-file form is for logs, not terminals


def test_logs_get_one_line_per_file(reports: list[Path], capsys: pytest.CaptureFixture
                                    ) -> None:
    assert main(["ingest", *map(str, reports[:3])], out=io.StringIO()) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"[{n}/3] {p}" for n, p in enumerate(reports[:3], start=1)]


def test_local_starts_a_cluster_for_the_command(reports: list[Path], one_process: str
                                                ) -> None:
    files = [str(p) for p in reports[:130]]
    ours, theirs = io.StringIO(), io.StringIO()
    assert main(["ingest", *files, "--dask", "local", "--jobs", "2"], out=ours) == 0
    assert main(["ingest", *files], out=theirs) == 0
    assert ours.getvalue() == theirs.getvalue()
    assert json.loads(ours.getvalue())["reports"][0]["path"] == files[0]

