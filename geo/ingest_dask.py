"""Ingest batches of reports on a Dask distributed cluster (``python -m geo ingest --dask``)."""

from __future__ import annotations

import contextlib
import itertools
import pickle
import time
import uuid
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from geo.errors import IngestError
from geo.ingest import Content, _BatchJob, _Entries, ingest_contents, read_contents

LOCAL = "local"  # ``--dask local``: a LocalCluster of worker processes on this machine
CONNECT_TIMEOUT_S = 20.0  # to reach the scheduler
NO_WORKER_TIMEOUT_S = 60.0  # with no worker in the cluster this long, give up (never hang)
POLL_S = 1.0


def dask_batches(batches: Sequence[Sequence[Path | str]], job: _BatchJob, address: str, *,
                 workers: int | None = None) -> Generator[_Entries, None, None]:
    """The entries of each batch, in order, ingested on a Dask cluster.

    The job (dataset and name index) is shipped once to each worker, as a worker plugin
    (a worker that joins or restarts later receives it too). The files are read here and
    their bytes sent with their batch, so the workers need the project's code, not the
    files. At most two batches per worker are in flight.

    Parameters
    ----------
    batches : sequence of sequences of paths
        The files, batch by batch.
    job : _BatchJob
        What every batch is ingested with.
    address : str
        ``tcp://host:8786`` (a running scheduler) or ``"local"`` (a ``LocalCluster`` of
        ``workers`` processes on this machine, one thread each, on 127.0.0.1).
    workers : int, optional
        The LocalCluster's worker processes (default: one per CPU); ignored otherwise.

    Raises
    ------
    IngestError
        One message naming what failed: the scheduler cannot be reached, no worker is
        there (or all left) for ``NO_WORKER_TIMEOUT_S``, the workers cannot load the
        project's code, a report breaks the ingestion (named), a batch kills its workers
        (its files named). Nothing waits forever.
    """
    with _client(address, workers) as client:
        plugin = f"geo-ingest-{uuid.uuid4().hex}"
        _ship(client, plugin, job)
        pending: deque[tuple[int, Any]] = deque()
        todo = enumerate(batches)
        try:
            ahead = 2 * max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
            for number, batch in itertools.islice(todo, ahead):
                pending.append((number, _submit(client, plugin, number, batch, job)))
            while pending:
                number, future = pending.popleft()
                entries = _result(client, future, batches[number], number)
                for nxt, batch in itertools.islice(todo, 1):
                    pending.append((nxt, _submit(client, plugin, nxt, batch, job)))
                yield entries
        finally:
            for _number, future in pending:
                future.cancel()
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(plugin)


@contextlib.contextmanager
def _client(address: str, workers: int | None) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or of a new LocalCluster (closed after)."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.admin.system-monitor.gil.enabled": False}):
        if address == LOCAL:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                   silence_logs=50)
            try:
                with Client(cluster) as client:
                    yield client
            finally:
                cluster.close()
            return
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            raise IngestError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        with client:
            yield client


def _ship(client: Any, name: str, job: _BatchJob) -> None:
    """Install the job on every worker (waiting for one to be there); say why it failed."""
    try:
        client.wait_for_workers(1, timeout=NO_WORKER_TIMEOUT_S)
    except TimeoutError:
        raise IngestError(f"no Dask worker joined the scheduler at {client.scheduler.address} "
                          f"within {NO_WORKER_TIMEOUT_S:.0f} s") from None
    try:
        answers = client.register_plugin(_JobPlugin(job), name=name)
    except Exception as exc:  # raised on a worker while unpickling the job
        raise IngestError(_cannot_load(f"{type(exc).__name__}: {exc}")) from None
    failed = {w: a for w, a in (answers or {}).items()
              if isinstance(a, dict) and a.get("status") != "OK"}
    if failed:
        worker, answer = next(iter(failed.items()))
        raise IngestError(_cannot_load(f"{worker}: {answer.get('exception_text') or answer}"))


def _cannot_load(why: str) -> str:
    return (f"the Dask workers cannot load the dataset and name index ({why}); every worker "
            "needs this project installed, at the same version")


def _submit(client: Any, plugin: str, number: int, batch: Sequence[Path | str],
            job: _BatchJob) -> Any:
    return client.submit(_run_batch, read_contents(batch, job), plugin, pure=False,
                         key=f"{plugin}-batch-{number}")


def _result(client: Any, future: Any, batch: Sequence[Path | str], number: int) -> _Entries:
    """The batch's entries; an ``IngestError`` instead of a hang or a foreign traceback."""
    from distributed import TimeoutError as DaskTimeout
    from distributed.scheduler import KilledWorker

    alone_since: float | None = None
    while True:
        try:
            entries = future.result(timeout=POLL_S)
        except DaskTimeout:
            workers = client.scheduler_info(n_workers=-1)["workers"]
            if workers:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKER_TIMEOUT_S:
                raise IngestError(f"every Dask worker left the cluster for "
                                  f"{NO_WORKER_TIMEOUT_S:.0f} s while batch {number + 1} "
                                  f"({_files(batch)}) waited") from None
            continue
        except IngestError:
            raise
        except KilledWorker as exc:
            raise IngestError(f"batch {number + 1} ({_files(batch)}) killed the Dask workers "
                              f"that ran it ({exc}); out of memory?") from None
        except Exception as exc:
            raise IngestError(f"batch {number + 1} ({_files(batch)}) failed on the Dask "
                              f"cluster: {type(exc).__name__}: {exc}") from None
        return list(pickle.loads(entries))


def _files(batch: Sequence[Path | str]) -> str:
    return (f"{batch[0]}" if len(batch) == 1
            else f"{len(batch)} files, {batch[0]} ... {batch[-1]}")


class _JobPlugin(WorkerPlugin):
    """A Dask worker plugin that keeps the job on each worker (pickled once per worker)."""

    def __init__(self, job: _BatchJob) -> None:
        self.job = job


def _run_batch(contents: Sequence[Content], plugin: str) -> bytes:
    """A Dask task: ingest one batch with the job the worker keeps under ``plugin``.

    The entries come back pickled as one bytes object: Dask sends bytes as they are, where
    the nested dicts of a batch's entries (about 280 KB) cost it about 50 ms more a batch.
    """
    from distributed import get_worker

    holder = get_worker().plugins[plugin]
    assert isinstance(holder, _JobPlugin), f"worker plugin {plugin} is not an ingest job"
    return pickle.dumps(ingest_contents(contents, holder.job), protocol=pickle.HIGHEST_PROTOCOL)


__all__ = ["LOCAL", "dask_batches"]
