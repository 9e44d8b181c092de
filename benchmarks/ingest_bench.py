"""Ingestion throughput with the GeoNames gazetteer loaded, against flashtext on the same names.

The corpus is generated (fixed seed) from the shipped dataset's places and factions, written
the way reports write them (other transliterations, glued words, lower-case articles), with
GeoNames towns of Syria mixed in. Both sides read the same texts, interleaved, in one process.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / "_data" / "cache"

TEMPLATES = [
    "{faction} captured {place} after heavy shelling of {place2} overnight.",
    "According to local sources, {faction} withdrew from {place} on {date}.",
    "Civilians left {place} through the corridor towards {place2} on {weekday}.",
    "The {faction} said it had taken full control of {place} and the farms east of {place2}.",
    "Clashes continued between {faction} and {faction2} on the outskirts of {place}.",
    "A ceasefire was agreed in {place}; buses took fighters and families to {place2}.",
    "Reports from {place} describe air strikes on the market and the hospital.",
    "Residents of {place} and {place2} said food and medicine had run out.",
    "{faction} fighters in {place} agreed to lay down their arms in return for safe passage.",
    "Activists reported that the road between {place} and {place2} was cut.",
]


def _spellings(name: str, rng: random.Random) -> str:
    """A name as a report might write it (glued, article dropped, vowel or case changed)."""
    roll = rng.random()
    if roll < 0.15:
        return name.replace(" ", "")
    if roll < 0.25:
        return name.replace("al-", "el-").replace("Al-", "El-")
    if roll < 0.35:
        return name.replace("ou", "u").replace("ee", "i")
    if roll < 0.40:
        return name.upper()
    return name


def make_corpus(dataset: Any, extra_names: list[str], size_bytes: int, seed: int = 3
                ) -> list[tuple[str, str]]:
    """Generated reports ``(file name, text)`` totalling about ``size_bytes`` of UTF-8."""
    rng = random.Random(seed)
    places = [n for loc in dataset.localities for n in (loc.name, *loc.alt_names[:2])]
    places += extra_names
    factions = [a for f in dataset.factions for a in (f.name, *f.aliases[:3])]
    start = dataset.meta.start
    span = (dataset.meta.end - start).days
    out: list[tuple[str, str]] = []
    total = 0
    while total < size_bytes:
        day = start + dt.timedelta(days=rng.randint(0, span))
        lines = [f"date {day.isoformat()}", ""]
        for _ in range(rng.randint(8, 30)):
            t = rng.choice(TEMPLATES)
            lines.append(t.format(
                faction=rng.choice(factions), faction2=rng.choice(factions),
                place=_spellings(rng.choice(places), rng),
                place2=_spellings(rng.choice(places), rng),
                date=day.strftime("%d %B"), weekday=day.strftime("%A")))
            if rng.random() < 0.3:
                lines.append("")
        text = "\n".join(lines) + "\n"
        out.append((f"report-{len(out):05d}.txt", text))
        total += len(text.encode("utf-8"))
    return out


def _clock(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that were waited for (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _load_geonames() -> tuple[Any, Any, float]:
    """The shipped dataset, the GeoNames places and the seconds they took to load."""
    from geo.dataset import load_dataset
    from geo.geonames import load_geonames

    dataset = load_dataset(ROOT / "data")
    CACHE.mkdir(parents=True, exist_ok=True)
    # the whole world (cities500): the first run builds the pickle once (slow), then loads it
    t_geo, geonames = _clock(lambda: load_geonames(None, cache_dir=CACHE))
    return dataset, geonames, t_geo


def prepare(quick: bool) -> tuple[Any, Any, list[tuple[str, str]]]:
    """The dataset, the name index with GeoNames (as ``run`` builds it) and the corpus."""
    from geo.mentions import MentionIndex

    dataset, geonames, _ = _load_geonames()
    entries = [(name, ref, "geonames") for name, ref in geonames.entries()]
    index = MentionIndex.for_dataset(dataset, entries, cache_dir=CACHE)
    syrian = [p[1] for p in geonames.places if p[4] == "SY"]
    return dataset, index, make_corpus(dataset, syrian[:500], 150_000 if quick else 2_000_000)


def run(res: Any, *, quick: bool) -> None:
    """Measure index build/load, end-to-end ingestion MB/s and flashtext MB/s (interleaved).

    Also the files of the corpus ingested as ``python -m geo ingest --jobs N`` does (N: the
    CPUs, at least 2), against single-process flashtext and the same call with one process.
    """
    from flashtext import KeywordProcessor

    from geo.ingest import BATCH_SIZE, cpu_count, ingest_paths, ingest_reports
    from geo.mentions import MentionIndex
    from geo.reports import parse_report

    dataset, geonames, t_geo = _load_geonames()
    res.add("ingest.geonames_load", t_geo, "s")
    entries = [(name, ref, "geonames") for name, ref in geonames.entries()]
    res.add("ingest.gazetteer_names", len(entries), "names")
    # the index as the command line and the app build it (the factions' names shield their
    # words), with the GeoNames names added
    t_idx, index = _clock(lambda: MentionIndex.for_dataset(dataset, entries, cache_dir=CACHE))

    def flash_build() -> KeywordProcessor:
        kp = KeywordProcessor(case_sensitive=False)
        for loc in dataset.localities:
            for name in (loc.name, *loc.alt_names):
                kp.add_keyword(name, loc.id)
        for name, ref, _ in entries:
            kp.add_keyword(name, ref)
        return kp

    t_flash_build, kp = _clock(flash_build)
    res.add("ingest.index_build_or_load", t_idx, "s", t_flash_build)
    res.add("ingest.gazetteer_ready_total", t_geo + t_idx, "s")

    syrian = [p[1] for p in geonames.places if p[4] == "SY"]
    corpus = make_corpus(dataset, syrian[:500], 150_000 if quick else 2_000_000)
    mb = sum(len(text.encode("utf-8")) for _, text in corpus) / 1e6

    def ours() -> int:  # as ``python -m geo ingest`` does: parse each file, ingest by batches
        found = 0
        for first in range(0, len(corpus), BATCH_SIZE):
            reports = [parse_report(text, path=name)
                       for name, text in corpus[first:first + BATCH_SIZE]]
            found += sum(len(r.mentions)
                         for r in ingest_reports(reports, dataset=dataset, index=index))
        return found

    def flash() -> int:
        return sum(len(kp.extract_keywords(text, span_info=True)) for _, text in corpus)

    jobs = max(2, cpu_count())
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, text in corpus:
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)

        def files(n: int) -> tuple[float, float, int]:
            """Wall and CPU seconds (all processes), mentions found: ``ingest --jobs n``."""
            cpu = _cpu_seconds()
            t, doc = _clock(lambda: ingest_paths(paths, dataset=dataset, index=index, jobs=n))
            return t, _cpu_seconds() - cpu, sum(len(r["mentions"]) for r in doc["reports"])

        ours()
        flash()  # warm-up
        files(jobs)
        t_ours, t_flash, t_jobs, t_files = [], [], [], []
        for _ in range(1 if quick else 3):
            t, n_ours = _clock(ours)
            t_ours.append(t)
            t, n_flash = _clock(flash)
            t_flash.append(t)
            *timing, n_jobs = files(jobs)
            t_jobs.append(timing)
            *timing, n_files = files(1)
            t_files.append(timing)
    rate_flash = mb / statistics.median(t_flash)
    res.add("ingest.throughput_end_to_end", mb / statistics.median(t_ours), "MB/s",
            rate_flash, higher_is_better=True)
    (wall_jobs, cpu_jobs), (wall_files, cpu_files) = (
        [statistics.median(column) for column in zip(*rows, strict=True)]
        for rows in (t_jobs, t_files))
    res.add(f"ingest.end_to_end_jobs{jobs}", mb / wall_jobs, "MB/s", rate_flash,
            higher_is_better=True)
    res.note(f"ingest.end_to_end_jobs{jobs}: the corpus as files, ingest_paths with {jobs} "
             f"worker processes (pool start included) on {cpu_count()} CPUs, against "
             f"flashtext in one process. The same call in one process: {mb / wall_files:.2f} "
             f"MB/s, so {wall_files / wall_jobs:.2f}x with {jobs} processes; CPU time of all "
             f"processes {cpu_jobs:.2f} s against {cpu_files:.2f} s in one")
    if not n_jobs == n_files == n_ours:
        res.note(f"ingest: other mention counts with {jobs} processes ({n_jobs}), with files "
                 f"in one ({n_files}) and from texts ({n_ours})")
    print(f"# ingest corpus {mb:.2f} MB in {len(corpus)} reports: {n_ours} place mentions "
          f"(flashtext: {n_flash} keywords)", file=sys.stderr)
