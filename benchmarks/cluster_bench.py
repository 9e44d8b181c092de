"""Ingestion on a 2-worker Dask LocalCluster against ``--jobs 2`` and one process, same corpus.

Also the fixed costs of a cluster (start, shipping the name index to each worker) and the
overhead it adds to each batch (sending the files' bytes, scheduling, returning the entries),
from which the README says when a cluster pays off.
"""

from __future__ import annotations

import pickle
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.ingest_bench import _clock, prepare

WORKERS = 2


def run(res: Any, *, quick: bool) -> None:
    """Measure the cluster figures (see the module docstring); interleaved repeats."""
    from distributed import Client, LocalCluster

    from geo.ingest import BATCH_SIZE, _BatchJob, ingest_contents, ingest_paths, read_contents
    from geo.ingest_dask import _JobPlugin, _run_batch

    dataset, index, corpus = prepare(quick)
    mb = sum(len(text.encode("utf-8")) for _, text in corpus) / 1e6
    job = _BatchJob(dataset, index, None, stop_at_problem=True)
    t_pickle, blob = _clock(lambda: pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    res.add("cluster.job_pickled_size", len(blob) / 1e6, "MB")
    res.add("cluster.job_pickle_time", t_pickle, "s")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, text in corpus:
            paths.append(Path(tmp) / name)
            paths[-1].write_text(text, encoding="utf-8")
        batches = [paths[i:i + BATCH_SIZE] for i in range(0, len(paths), BATCH_SIZE)]
        t_start, cluster = _clock(lambda: LocalCluster(
            n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", silence_logs=50))
        res.add(f"cluster.local_start_{WORKERS}_workers", t_start, "s")
        with cluster, Client(cluster) as client:
            t_ship, _ = _clock(lambda: client.register_plugin(_JobPlugin(job), name="bench"))
            res.add(f"cluster.ship_index_to_{WORKERS}_workers", t_ship, "s")
            # per batch, one at a time: the round trip through the cluster against the same
            # work done here
            over, work = [], []
            for number, batch in enumerate(batches[: 4 if quick else 12]):
                contents = read_contents(batch, job)
                t_here, _ = _clock(lambda c=contents: ingest_contents(c, job))
                t_there, _ = _clock(lambda c=contents, n=number: client.submit(
                    _run_batch, c, "bench", pure=False, key=f"bench-{n}").result())
                work.append(t_here)
                over.append(t_there - t_here)
            client.unregister_worker_plugin("bench")
            res.add("cluster.batch_compute", statistics.median(work) * 1000, "ms")
            res.add("cluster.batch_overhead", statistics.median(over) * 1000, "ms")

            def call(**how: Any) -> float:
                t, _ = _clock(lambda: ingest_paths(paths, dataset=dataset, index=index, **how))
                return t

            call(dask=cluster.scheduler_address)  # warm-up
            one, jobs, dask = [], [], []
            for _ in range(1 if quick else 3):
                one.append(call())
                jobs.append(call(jobs=WORKERS))
                dask.append(call(dask=cluster.scheduler_address))
    rate = {k: mb / statistics.median(v) for k, v in
            (("one", one), ("jobs", jobs), ("dask", dask))}
    res.add("cluster.end_to_end_one_process", rate["one"], "MB/s")
    res.add(f"cluster.end_to_end_jobs{WORKERS}", rate["jobs"], "MB/s", rate["one"],
            higher_is_better=True)
    res.add(f"cluster.end_to_end_dask{WORKERS}", rate["dask"], "MB/s", rate["one"],
            higher_is_better=True)
    compute, overhead = statistics.median(work), statistics.median(over)
    res.note(f"cluster: {len(corpus)} reports ({mb:.2f} MB) in {len(batches)} batches of "
             f"{BATCH_SIZE}; a batch computes in {compute * 1000:.0f} ms and the cluster adds "
             f"{overhead * 1000:.0f} ms to it; fixed costs: {t_start:.1f} s to start "
             f"{WORKERS} local workers, {t_ship:.1f} s to ship the {len(blob) / 1e6:.0f} MB "
             f"job to them (per ingest call). dask{WORKERS} includes the shipping, not the "
             "start; jobs includes the pool start")
    print(f"# cluster corpus {mb:.2f} MB, {len(corpus)} reports", file=sys.stderr)
