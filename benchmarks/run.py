"""Run the performance benchmarks: one JSON line per figure, then a readable table.

Usage::

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # under a minute
    python benchmarks/run.py --only snapshot,sweep --json-out results.jsonl
    python benchmarks/run.py --only coldstart --against ../before   # cold starts, interleaved

Each figure is printed as ``{"name", "value", "unit", "baseline", "ratio"}``; ``ratio`` says how
many times better than the baseline the figure is (for times and for rates alike). Timings
are medians of repeated runs after a warm-up; comparisons run both sides in the same
process, interleaved, so drift cancels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import countrygen  # noqa: E402
from benchmarks.naive import NaiveSnapshot  # noqa: E402
from geo.atlas import Atlas  # noqa: E402
from geo.atlas_cache import load_atlas_cached  # noqa: E402
from geo.dataset import load_dataset  # noqa: E402
from geo.snapshot import _json_default, dumps  # noqa: E402

CACHE = ROOT / "benchmarks" / "_data"
SECTIONS = ("setup", "snapshot", "sweep", "areas", "exports", "ingest", "hostile", "cluster",
            "app", "coldstart", "reports")


class Results:
    """Collects figures, printing each as one JSON line as it comes."""

    def __init__(self, out: Path | None = None) -> None:
        self.rows: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.out = out.open("w", encoding="utf-8") if out else None

    def add(self, name: str, value: float, unit: str, baseline: float | None = None, *,
            higher_is_better: bool = False) -> dict[str, Any]:
        """Record one figure.

        ``ratio`` says how many times better ``value`` is than ``baseline``: baseline / value
        for times (lower is better), value / baseline for rates such as MB/s (None without
        a baseline).
        """
        ratio = None
        if baseline is not None and value and baseline:
            ratio = round(value / baseline if higher_is_better else baseline / value, 2)
        row = {"name": name, "value": round(value, 3), "unit": unit,
               "baseline": None if baseline is None else round(baseline, 3), "ratio": ratio}
        self.rows.append(row)
        line = json.dumps(row)
        print(line, flush=True)
        if self.out:
            self.out.write(line + "\n")
            self.out.flush()
        return row

    def note(self, text: str) -> None:
        """Record a remark printed under the table (skipped parts, failed checks)."""
        self.notes.append(text)
        print(f"# {text}", file=sys.stderr, flush=True)

    def table(self) -> str:
        """The figures as an aligned plain-text table."""
        head = ("figure", "value", "unit", "baseline", "x better")
        body = [(r["name"], f"{r['value']:g}", r["unit"],
                 "" if r["baseline"] is None else f"{r['baseline']:g}",
                 "" if r["ratio"] is None else f"{r['ratio']:g}") for r in self.rows]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                 for row in (head, tuple("-" * w for w in widths), *body)]
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


def clock(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call, in milliseconds, and its result."""
    t0 = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t0) * 1000.0, value


def p95(values: list[float]) -> float:
    """95th percentile (inclusive method)."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 \
        else values[0]


def country_dataset(seed: int = 2012) -> Path:
    """The country-scale dataset directory, generated once (fixed seed) and then reused."""
    out = CACHE / f"country-{seed}"
    stamp = out / ".complete"
    if not stamp.is_file():
        t, _ = clock(lambda: countrygen.generate(out, seed=seed))
        print(f"# generated {out} in {t / 1000:.1f} s", file=sys.stderr)
        stamp.write_text("ok\n", encoding="utf-8")
    return out


def bench_setup(res: Results, data: Path, repeat: int) -> Atlas:
    """One-time costs: loading and validating the files, building timeline + tessellation."""
    loads, builds = [], []
    atlas = None
    for _ in range(repeat):
        t_load, ds = clock(lambda: load_dataset(data))
        t_build, atlas = clock(lambda ds=ds: Atlas.build(ds))
        loads.append(t_load)
        builds.append(t_build)
    res.add("setup.load_dataset", statistics.median(loads), "ms")
    res.add("setup.atlas_build", statistics.median(builds), "ms")
    assert atlas is not None
    # what a restart of the app or the CLI pays: the built atlas read back from its cache,
    # against validating and building it (load + build) as the baseline
    with tempfile.TemporaryDirectory() as folder:
        load_atlas_cached(data, folder)  # writes the pickle
        cached = [clock(lambda: load_atlas_cached(data, folder))[0] for _ in range(repeat)]
    res.add("setup.atlas_from_disk_cache", statistics.median(cached), "ms",
            statistics.median(loads) + statistics.median(builds))
    gc.freeze()  # as the app does after loading (views/loaders.py): long-lived objects
    return atlas


def _areas_agree(snap: dict[str, Any], naive: dict[str, Any]) -> bool:
    def areas(s: dict[str, Any]) -> dict[str, float]:
        return {f["properties"]["faction"]: f["properties"]["area_km2"]
                for f in s["features"] if f["properties"]["kind"] == "control"}

    a, b = areas(snap), areas(naive)
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 0.005 * b[k] + 0.01 for k in a)


def bench_snapshot(res: Results, atlas: Atlas, n_dates: int, base_every: int) -> None:
    """Snapshot of random dates vs the naive per-date recomputation, interleaved."""
    naive = NaiveSnapshot(atlas.dataset, atlas.tessellation.study_area)
    days = list(atlas.timeline.days())
    rng = random.Random(7)
    sample = [rng.choice(days) for _ in range(n_dates)]
    for d in sample[:3]:  # warm-up
        atlas.snapshot(d)
    naive.snapshot(sample[0])
    fast, cpu, text, text_cpu, text_std, base = [], [], [], [], [], []
    disagree = 0
    for i, day in enumerate(sample):
        c0 = time.process_time()
        t, snap = clock(lambda day=day: atlas.snapshot(day))
        cpu.append((time.process_time() - c0) * 1000.0)
        fast.append(t)
        t_json, out = clock(lambda snap=snap: dumps(snap))
        text.append(t + t_json)
        text_cpu.append((time.process_time() - c0) * 1000.0)
        # the same text written by the standard library's encoder, as before orjson
        t_std, ref = clock(lambda snap=snap: json.dumps(
            snap, ensure_ascii=False, separators=(",", ":"), default=_json_default) + "\n")
        text_std.append(t + t_std)
        if out != ref:
            res.note(f"snapshot text of {day} differs from json.dumps")
        if i % base_every == 0:
            t_naive, ref = clock(lambda day=day: naive.snapshot(day))
            base.append(t_naive)
            disagree += not _areas_agree(snap, ref)
    b = statistics.median(base)
    res.add("snapshot.median", statistics.median(fast), "ms", b)
    res.add("snapshot.p95", p95(fast), "ms", p95(base))
    # the same in CPU time of this process: on a shared machine, wall-time tails are mostly
    # other processes' turns on the CPU; garbage-collection pauses still count here
    res.add("snapshot.cpu_median", statistics.median(cpu), "ms")
    res.add("snapshot.cpu_p95", p95(cpu), "ms")
    res.add("snapshot_with_json_text.median", statistics.median(text), "ms",
            statistics.median(text_std))
    res.add("snapshot_with_json_text.p95", p95(text), "ms", p95(text_std))
    res.add("snapshot_with_json_text.cpu_median", statistics.median(text_cpu), "ms")
    res.add("snapshot_with_json_text.cpu_p95", p95(text_cpu), "ms")
    if disagree:
        res.note(f"naive baseline areas differ from the atlas on {disagree} of {len(base)} dates")


def bench_sweep(res: Results, atlas: Atlas, n_days: int | None) -> None:
    """Every date in order, as playback does: time per date."""
    days = list(atlas.timeline.days())[:n_days]
    atlas.snapshot(days[0])
    per = [clock(lambda day=day: atlas.snapshot(day))[0] for day in days]
    res.add("sweep.per_date_median", statistics.median(per), "ms")
    res.add("sweep.per_date_p95", p95(per), "ms")
    res.add(f"sweep.total_{len(days)}_dates", sum(per) / 1000.0, "s")


def bench_areas(res: Results, atlas: Atlas, repeat: int) -> None:
    """Area series of every faction over every date (the chart)."""
    atlas.area_series()
    t = [clock(atlas.area_series)[0] for _ in range(repeat)]
    res.add(f"area_series.{len(atlas.timeline.days())}_days", statistics.median(t), "ms")


def bench_exports(res: Results, atlas: Atlas, quick: bool) -> None:
    """Diff of two dates, pictures, GIF and GeoPackage (see benchmarks/exports_bench.py)."""
    from benchmarks import exports_bench

    exports_bench.run(res, atlas, Atlas.build(load_dataset(ROOT / "data")), quick=quick)


def bench_ingest(res: Results, quick: bool) -> None:
    """Ingestion throughput against flashtext (see benchmarks/ingest_bench.py)."""
    try:
        from benchmarks import ingest_bench
    except ImportError as exc:
        res.note(f"ingestion benchmark not available: {exc}")
        return
    ingest_bench.run(res, quick=quick)


def bench_hostile(res: Results, quick: bool) -> None:
    """time(2n) / time(n) of the text entry points on hostile input (benchmarks/hostile.py)."""
    from benchmarks import hostile

    hostile.run(res, quick=quick)


def bench_cluster(res: Results, quick: bool) -> None:
    """Ingestion on a 2-worker Dask LocalCluster (see benchmarks/cluster_bench.py)."""
    from benchmarks import cluster_bench

    cluster_bench.run(res, quick=quick)


def bench_reports(res: Results, quick: bool) -> None:
    """Server memory and page times with 0, 5, 50 reports of 1.9 MB (reports_bench.py)."""
    from benchmarks import reports_bench

    reports_bench.run(res, quick=quick)


def bench_app(res: Results, data: Path, quick: bool) -> None:
    """Slider-to-map latency, cold start and server memory (see benchmarks/app_bench.py)."""
    try:
        from benchmarks import app_bench
    except ImportError as exc:
        res.note(f"app benchmark not available: {exc}")
        return
    try:
        app_bench.run(res, country=data, quick=quick)
    except Exception as exc:  # a browser timeout must not lose the other figures
        res.note(f"app benchmark failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")


def bench_coldstart(res: Results, quick: bool, against: Path | None) -> None:
    """Cold starts alone, interleaved with the floor and ``against`` (app_bench.cold_starts)."""
    try:
        from benchmarks import app_bench
    except ImportError as exc:
        res.note(f"app benchmark not available: {exc}")
        return
    try:
        app_bench.cold_starts(res, rounds=2 if quick else 6, against=against)
    except Exception as exc:  # a browser timeout must not lose the other figures
        res.note(f"cold start benchmark failed: {type(exc).__name__}: "
                 f"{str(exc).splitlines()[0]}")


def machine() -> str:
    """One line describing the machine and interpreter."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer repetitions and no browser (add --only ... app to include it)")
    p.add_argument("--only", default=None,
                   help=f"comma-separated sections among {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--data", type=Path, default=None,
                   help="country-scale dataset directory (default: generated, fixed seed)")
    p.add_argument("--json-out", type=Path, default=None, help="also write the JSON lines here")
    p.add_argument("--against", type=Path, default=None,
                   help="coldstart: also start the app of this other checkout, interleaved")
    a = p.parse_args(argv)
    chosen = a.only or ",".join(s for s in SECTIONS
                                if not (a.quick and s in ("app", "coldstart", "reports")))
    only = {s.strip() for s in chosen.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        p.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    print(f"# {machine()}; {dt.datetime.now().isoformat(timespec='seconds')}", file=sys.stderr)
    res = Results(a.json_out)
    # the country-scale dataset is generated only for the sections that read it
    data = a.data or (country_dataset()
                      if only - {"ingest", "hostile", "cluster", "coldstart", "reports"}
                      else ROOT / "data")
    q = a.quick
    atlas = None
    if only & {"setup", "snapshot", "sweep", "areas", "exports"}:
        atlas = bench_setup(res, data, 1 if q else 3)
    if "snapshot" in only and atlas:
        bench_snapshot(res, atlas, 20 if q else 201, 10 if q else 8)
    if "sweep" in only and atlas:
        bench_sweep(res, atlas, 200 if q else None)
    if "areas" in only and atlas:
        bench_areas(res, atlas, 1 if q else 5)
    if "exports" in only and atlas:
        bench_exports(res, atlas, q)
    if "ingest" in only:
        bench_ingest(res, q)
    if "hostile" in only:
        bench_hostile(res, q)
    if "cluster" in only:
        bench_cluster(res, q)
    if "app" in only:
        bench_app(res, data, q)
    if "coldstart" in only:
        bench_coldstart(res, q, a.against)
    if "reports" in only:
        bench_reports(res, q)
    print()
    print(res.table())
    print(f"\n{machine()}; run took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
