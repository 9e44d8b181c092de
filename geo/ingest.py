"""Ingest reports: mentions, factions and claims per report, the ``ingest`` JSON, excerpts."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import itertools
import multiprocessing
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.claims import Claim, extract_claims, lexicon_for
from geo.claims.document import sides_of
from geo.errors import IngestError, Problem, ReportError
from geo.factions_text import FactionMention, faction_index
from geo.mention_context import places_only
from geo.mentions import Mention, MentionIndex, candidate_places, find_mentions_many
from geo.model import Dataset
from geo.normalize import skeleton_texts
from geo.reports import Report, decode_report, parse_report, read_report, read_report_bytes

Progress = Callable[[int, int, Path], None]
BATCH_SIZE = 64  # reports ingested together by ``ingest_paths`` (shared passes, bounded memory)
_Entries = list[dict[str, Any] | Problem]  # a batch's files: JSON entry, or why it was skipped
Content = tuple[str, bytes] | Problem  # a file read: (path, bytes), or why it could not be


@dataclass(frozen=True)
class Excerpt:
    """A sentence of a report that mentions a locality.

    ``start``/``end`` are the place's character offsets within ``sentence`` (for highlighting).
    """

    locality_id: str
    report_id: str
    date: dt.date
    source: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class IngestedReport:
    """A report with what was found in it: place and faction mentions, claims, unknown places.

    Offsets of ``mentions`` and ``factions`` index ``report.text``. ``candidates`` (the
    place-like names the index does not know) are looked for when first asked: the command
    line's document has no use for them.
    """

    report: Report
    mentions: tuple[Mention, ...]
    factions: tuple[FactionMention, ...]
    claims: tuple[Claim, ...]
    index: MentionIndex = field(repr=False, compare=False)
    found: tuple[Mention, ...] = field(default=(), repr=False, compare=False)
    #: the localities whose control rows the claims were read against (sorted ids)
    timeline: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @functools.cached_property
    def candidates(self) -> tuple[Any, ...]:
        """Place-like names after cues that no name of the index resolves."""
        return tuple(candidate_places(self.report.text, self.index, mentions=self.found))


def ingest_report(report: Report, *, dataset: Dataset, index: MentionIndex) -> IngestedReport:
    """Find the places, factions and claims of one parsed report.

    Place mentions that fall inside a faction's name are dropped (the "Sham" of
    "Ahrar al-Sham" is not Damascus), and so are those that name a region, a landform or a
    facility ("Idlib province", "Wadi Ein Tarma", "Adra School": ``geo.mention_context``).

    Parameters
    ----------
    report : Report
        The parsed report.
    dataset : Dataset
        Its factions are looked for; it checks claim ids.
    index : MentionIndex
        The place index built once from ``dataset.localities``.

    Returns
    -------
    IngestedReport
    """
    return ingest_reports([report], dataset=dataset, index=index)[0]


def ingest_reports(reports: Sequence[Report], *, dataset: Dataset, index: MentionIndex
                   ) -> list[IngestedReport]:
    """``[ingest_report(r, dataset=dataset, index=index) for r in reports]``, faster for many.

    The texts' loose forms are made in one pass and the names to resolve are gathered from
    all reports and resolved once (``geo.mentions.find_mentions_many``).

    Parameters
    ----------
    reports : sequence of Report
        Parsed reports.
    dataset, index
        As for ``ingest_report``.

    Returns
    -------
    list of IngestedReport
        In the order of ``reports``.
    """
    texts = [report.text for report in reports]
    loose = skeleton_texts(texts)  # shared by the faction and the place search
    compiled = faction_index(dataset.factions)
    found_factions = [tuple(compiled.find(text, mapped))
                      for text, mapped in zip(texts, loose, strict=True)]
    found_places = find_mentions_many(texts, index, loose=loose)
    lexicon = lexicon_for(dataset.lexicon)
    sides = sides_of(dataset, lexicon)
    kinds = {loc.id: loc.kind for loc in dataset.localities}
    out: list[IngestedReport] = []
    for report, factions, found in zip(reports, found_factions, found_places, strict=True):
        # A place name inside a faction's name ("Ahrar al-Sham", "Jaysh al-Islam") is not a
        # place, nor one that names a region or a facility ("Idlib province", "Adra School").
        mentions = tuple(places_only(report.text, _outside(found, factions), lexicon, kinds))
        timeline: set[str] = set()
        claims = tuple(extract_claims(report, mentions, factions, dataset=dataset,
                                      lexicon=lexicon, sides=sides, timeline=timeline))
        out.append(IngestedReport(report, mentions, factions, claims, index, tuple(found),
                                  tuple(sorted(timeline))))
    return out


def _outside(mentions: Sequence[Mention], factions: Sequence[FactionMention]) -> list[Mention]:
    """The mentions not inside a faction mention (``factions`` sorted, not overlapping, so
    only the last one starting at or before a mention can hold it)."""
    starts = [f.start for f in factions]
    out = []
    for m in mentions:
        k = bisect.bisect_right(starts, m.start) - 1
        if k < 0 or m.end > factions[k].end:
            out.append(m)
    return out


def ingest_paths(paths: Sequence[Path | str], *, dataset: Dataset, index: MentionIndex,
                 progress: Progress | None = None, default_date: dt.date | None = None,
                 problems: list[Problem] | None = None, jobs: int = 1,
                 dask: str | None = None) -> dict[str, Any]:
    """Ingest report files into the JSON document of ``python -m geo ingest`` (GUIDE 2).

    Files are read and ingested by batches of ``BATCH_SIZE``. With ``jobs`` > 1 and at least
    two batches, the batches are ingested by a pool of ``jobs`` worker processes (at most one
    per batch) that send back each report's JSON entry; the document, the problems, the
    progress calls and the error raised are those of ``jobs=1``, in the same order. On Linux
    the workers are forked, so they share ``dataset`` and ``index`` copy-on-write with nothing
    pickled; elsewhere they are spawned and receive both pickled once per worker (a large
    index then costs seconds per worker to start). Forking a process that runs other threads
    is unsafe: ``jobs`` > 1 is meant for command-line use, not inside a server.

    Parameters
    ----------
    paths : sequence of Path or str
        Report files (UTF-8 text).
    dataset : Dataset
        The dataset the places and factions are resolved against.
    index : MentionIndex
        The place index built from ``dataset.localities``.
    progress : callable, optional
        Called as ``progress(done, count, path)`` after each file, in the order of ``paths``
        (with ``jobs`` > 1, batch by batch as the workers finish them).
    default_date : datetime.date, optional
        The date of reports that carry none.
    problems : list of Problem, optional
        When given, broken files are skipped and their problems appended here; when not,
        the first broken file raises.
    jobs : int
        Worker processes (1: ingest in this process); with ``dask="local"``, the
        LocalCluster's workers.
    dask : str, optional
        Ingest the batches on a Dask cluster: ``tcp://host:8786`` (a running scheduler) or
        ``"local"`` (a LocalCluster started for the call); see ``geo.ingest_dask``. The
        document, problems, progress calls and first report error are those of one process.

    Returns
    -------
    dict
        ``{"reports": [{"id", "date", "path", "mentions": [{"id", "text", "start", "end",
        "sentence"}], "factions": [{"id", "text", "start", "end"}], "claims": [{"type",
        "ids", "factions", "date", "date_origin", "confidence", "evidence", "sentence",
        "detail", "why"}]}]}``. Offsets are characters into the report body (the text after the
        date header or front matter); ``sentence`` of a claim is its sentence index.

    Raises
    ------
    ReportError
        For a broken file, when ``problems`` is None.
    IngestError
        When a report breaks the ingestion (naming it), or the Dask cluster fails.
    ValueError
        When ``jobs`` is less than 1.
    concurrent.futures.process.BrokenProcessPool
        When a worker process died (killed, out of memory). An exception raised in a worker
        is raised again here, with the worker's traceback as its cause (as a RuntimeError
        naming it if it cannot be rebuilt from its pickle).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    batches = [paths[first:first + BATCH_SIZE] for first in range(0, len(paths), BATCH_SIZE)]
    job = _BatchJob(dataset, index, default_date, stop_at_problem=problems is None)
    workers = min(jobs, len(batches))
    results: Generator[_Entries, None, None]
    if dask is not None:
        from geo.ingest_dask import dask_batches

        results = dask_batches(batches, job, dask, workers=jobs if jobs > 1 else None)
    elif workers > 1:
        results = _pooled(batches, job, workers)
    else:
        results = (_ingest_batch(batch, job) for batch in batches)
    out = []
    done = 0
    with contextlib.closing(results):  # a pool is shut down when a broken file stops us
        for batch, entries in zip(batches, results, strict=True):
            for path, entry in zip(batch, entries, strict=False):  # cut at a broken file
                done += 1
                if isinstance(entry, Problem):
                    if problems is None:
                        raise ReportError(entry.path, entry.line, entry.message)
                    problems.append(entry)
                else:
                    out.append(entry)
                if progress is not None:
                    progress(done, len(paths), Path(path))
    return {"reports": out}


@dataclass(frozen=True)
class _BatchJob:
    """What every batch of an ``ingest_paths`` call is ingested with."""

    dataset: Dataset
    index: MentionIndex
    default_date: dt.date | None
    stop_at_problem: bool  # no file after a broken one is read (``problems`` is None)


def _ingest_batch(paths: Sequence[Path | str], job: _BatchJob) -> _Entries:
    """The JSON entry of each file, or its problem; up to the first problem if the job says."""
    return ingest_contents(read_contents(paths, job), job)


def read_contents(paths: Sequence[Path | str], job: _BatchJob) -> list[Content]:
    """Each file's bytes (or why it cannot be read), up to the first problem if the job says."""
    out: list[Content] = []
    for path in paths:
        try:
            out.append((str(path), read_report_bytes(path)))
        except ReportError as exc:
            out.append(exc.problem)
            if job.stop_at_problem:
                break
    return out


def ingest_contents(contents: Sequence[Content], job: _BatchJob) -> _Entries:
    """``_ingest_batch`` of files already read: where a batch is ingested (perhaps remotely).

    Raises
    ------
    IngestError
        Naming the report when ingesting raised an unexpected exception (a bug, a dataset
        and index that do not belong together): its reports are retried one by one to find
        the one that fails.
    """
    read: list[Report | Problem] = []
    for item in contents:
        if isinstance(item, Problem):
            read.append(item)
            if job.stop_at_problem:
                break
            continue
        path, data = item
        try:
            read.append(parse_report(decode_report(data, path=path), path=path,
                                     default_date=job.default_date))
        except ReportError as exc:
            read.append(exc.problem)
            if job.stop_at_problem:
                break
    reports = [r for r in read if isinstance(r, Report)]
    try:
        ingested = iter(ingest_reports(reports, dataset=job.dataset, index=job.index))
    except Exception as exc:
        raise _failure(reports, job, exc) from exc
    return [r if isinstance(r, Problem) else report_document(next(ingested)) for r in read]


def _failure(reports: Sequence[Report], job: _BatchJob, exc: Exception) -> IngestError:
    """The error naming the report of a batch that makes ``ingest_reports`` raise."""
    for report in reports:
        try:
            ingest_reports([report], dataset=job.dataset, index=job.index)
        except Exception as alone:
            return IngestError(f"{report.path}: cannot be ingested: "
                               f"{type(alone).__name__}: {alone}")
    return IngestError(f"{reports[0].path if reports else '?'} (and the rest of its batch of "
                       f"{len(reports)}): cannot be ingested together: "
                       f"{type(exc).__name__}: {exc}")


def _pooled(batches: Sequence[Sequence[Path | str]], job: _BatchJob, workers: int
            ) -> Generator[_Entries, None, None]:
    """``_ingest_batch`` of each batch, in order, by a pool of worker processes.

    At most two batches per worker are queued ahead of the one awaited, so finished batches
    do not pile up in memory behind a slow one. Closing the generator cancels what was not
    started and waits for the batches being ingested.
    """
    pending: deque[Future[_Entries]] = deque()
    todo = iter(batches)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(_start_method()),
                             initializer=_start_worker, initargs=(job,)) as pool:
        try:
            for batch in itertools.islice(todo, 2 * workers):
                pending.append(pool.submit(_worker_batch, batch))
            while pending:
                entries = pending.popleft().result()
                for batch in itertools.islice(todo, 1):
                    pending.append(pool.submit(_worker_batch, batch))
                yield entries
        finally:
            for future in pending:
                future.cancel()


def _start_method() -> str:
    """How ``_pooled`` starts its workers: forked on Linux, spawned elsewhere (macOS, Windows)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


# Set in each worker process of ``_pooled`` by ``_start_worker`` (the pool's initializer),
# never in the calling process: the job every batch sent to that worker is ingested with.
_worker_job: _BatchJob | None = None


def _start_worker(job: _BatchJob) -> None:
    """Pool initializer: keep the job (forked: shared copy-on-write; spawned: unpickled once)."""
    global _worker_job
    _worker_job = job


def _worker_batch(paths: Sequence[Path | str]) -> _Entries:
    """``_ingest_batch`` in a worker; an exception that would not unpickle is made one that does.

    The caller re-raises what a worker raised; an exception that cannot be rebuilt from its
    pickle (e.g. one whose constructor takes other arguments than its ``args``) would
    otherwise break the whole pool with an unrelated message.
    """
    assert _worker_job is not None, "only called in a worker started by _start_worker"
    try:
        return _ingest_batch(paths, _worker_job)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError(f"ingest worker failed: {type(exc).__name__}: {exc}") from exc
        raise


def cpu_count() -> int:
    """The number of CPUs this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def report_document(ingested: IngestedReport) -> dict[str, Any]:
    """One report's entry of the ``ingest`` JSON document (see ``ingest_paths``)."""
    report = ingested.report
    at = report.body_offset  # offsets in the document point into the file's text
    return {
        "id": report.id,
        "date": report.date.isoformat(),
        "path": report.path,
        "mentions": [{"id": m.locality_id, "text": report.text[m.start:m.end],
                      "start": m.start + at, "end": m.end + at,
                      "sentence": _sentence_of(report, m.start)}
                     for m in ingested.mentions],
        "factions": [{"id": f.faction_id, "text": f.surface, "start": f.start + at,
                      "end": f.end + at}
                     for f in ingested.factions],
        "claims": [claim_document(c) for c in ingested.claims],
    }


def claim_document(claim: Claim) -> dict[str, Any]:
    """A claim as JSON-ready data: ``ids`` are its locality ids."""
    return {
        "type": claim.type, "ids": list(claim.localities), "factions": list(claim.factions),
        "date": claim.date.isoformat(), "date_origin": claim.date_origin,
        "confidence": claim.confidence, "evidence": claim.evidence,
        "sentence": claim.sentence_index, "detail": claim.detail_json(),
        "why": claim.why.as_json(),
    }


def _sentence_of(report: Report, offset: int) -> str:
    i = report.sentence_at(offset)
    return report.sentences[i].text if i >= 0 else ""


def excerpts_by_locality(ingested: Sequence[IngestedReport]) -> dict[str, tuple[Excerpt, ...]]:
    """Every sentence that mentions each locality, newest report first.

    One excerpt per locality and sentence (the first mention in it is highlighted).

    Parameters
    ----------
    ingested : sequence of IngestedReport

    Returns
    -------
    dict of str to tuple of Excerpt
        Locality id to its excerpts, newest first (then by report id and sentence order).
    """
    found: dict[str, list[tuple[int, Excerpt]]] = {}
    for item in ingested:
        for i, excerpt in report_excerpts(item):
            found.setdefault(excerpt.locality_id, []).append((i, excerpt))
    return {lid: tuple(e for _i, e in sorted(
        items, key=lambda p: (-p[1].date.toordinal(), p[1].report_id, p[0])))
        for lid, items in found.items()}


def report_excerpts(item: IngestedReport) -> Iterator[tuple[int, Excerpt]]:
    """(sentence index, excerpt) of one report: one per locality and sentence, in text order;
    the first mention of the locality in the sentence is the highlighted span."""
    report = item.report
    seen: set[tuple[str, int]] = set()
    for m in item.mentions:
        i = report.sentence_at(m.start)
        if i < 0 or (m.locality_id, i) in seen:
            continue
        seen.add((m.locality_id, i))
        s = report.sentences[i]
        yield i, Excerpt(m.locality_id, report.id, report.date, report.source, s.text,
                         m.start - s.start, min(m.end, s.end) - s.start)


def load_seed_reports(seeds_dir: Path | str, *, dataset: Dataset, index: MentionIndex,
                      default_date: dt.date | None = None
                      ) -> tuple[list[IngestedReport], list[Problem]]:
    """Read and ingest every ``*.txt`` report of a folder; broken files are skipped.

    Parameters
    ----------
    seeds_dir : Path or str
        The reports folder (not searched recursively).
    dataset : Dataset
    index : MentionIndex
    default_date : datetime.date, optional
        The date of reports that carry none (else they are reported as problems).

    Returns
    -------
    tuple of (list of IngestedReport, list of Problem)
        The good reports in file-name order, and one problem per broken file.
    """
    reports: list[Report] = []
    problems: list[Problem] = []
    folder = Path(seeds_dir)
    if not folder.is_dir():
        return [], [Problem(str(folder), 0, "no such reports folder")]
    for path in sorted(folder.glob("*.txt")):
        try:
            reports.append(read_report(path, default_date=default_date))
        except ReportError as exc:
            problems.append(exc.problem)
    return ingest_reports(reports, dataset=dataset, index=index), problems
