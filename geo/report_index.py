"""An on-disk index of a reports folder: each report read and ingested once, kept in SQLite.

Reading a folder of large reports on every page load made the app's memory and time grow with
the folder (5 reports of 1.9 MB: 957 MB and 94 s). The index keeps, per report file (by name,
modification time and size): its summary, its place excerpts (one row per place and sentence,
the sentence stored once) and its whole ingestion result (compressed pickle, for the Reports
page's chosen report). ``sync`` ingests only new or changed files, under a byte budget if
asked, so the work of one request is bounded; readers ask for counts, one page of a place's
excerpts, or one report.

The index file is named after the folder and a fingerprint of what ingestion depends on (the
code and data files of ``geo`` and the dataset's records other than those accepting claims
adds), so a new alias or a new version of the code starts a new index, and an accepted claim
does not. A claim whose holder the text leaves out is read against the dataset's control rows
of its place ("the fall of Douma" is a change from Douma's holder then): the index keeps a
digest of the rows each report was read against, and a report whose rows have changed since
(an accepted claim) is read again, alone.
Loading a pickle runs code: the index must live in a folder only the user writes to (as the
default cache folder, in the user's home, is).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from geo.errors import Problem, ReportError
from geo.ingest import Excerpt, IngestedReport, ingest_reports, report_excerpts
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.reports import read_report

_FORMAT = 2  # bump when the tables or the pickled layout change
_KEEP = 8  # index files kept per cache folder (the most recently used)
_GEO_DIR = Path(__file__).resolve().parent
#: Parts of a dataset that ingestion does not read (accepting claims adds to the first two;
#: ``root`` is where it was loaded from).
NOT_READ = frozenset({"control", "events", "corridors", "routes", "study_area",
                      "study_area_note", "root"})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    name TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    id TEXT, date TEXT, source TEXT, title TEXT, date_origin TEXT,
    places INTEGER, claims INTEGER, candidates INTEGER,
    problem_line INTEGER, problem TEXT, ingested BLOB);
CREATE TABLE IF NOT EXISTS sentences (
    name TEXT NOT NULL, sentence INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (name, sentence));
CREATE TABLE IF NOT EXISTS excerpts (
    locality TEXT NOT NULL, date TEXT NOT NULL, report_id TEXT NOT NULL,
    sentence INTEGER NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS excerpts_by_place
    ON excerpts (locality, date DESC, report_id, sentence);
CREATE INDEX IF NOT EXISTS excerpts_by_name ON excerpts (name);
CREATE TABLE IF NOT EXISTS timelines (
    name TEXT NOT NULL, locality TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (name, locality));
CREATE INDEX IF NOT EXISTS timelines_by_place ON timelines (locality);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class ReportSummary:
    """One readable report of the folder as the index holds it (``mtime_ns`` and ``size`` of
    the file it was read from)."""

    name: str
    id: str
    date: dt.date
    source: str
    title: str
    date_origin: str
    places: int
    claims: int
    candidates: int
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class SyncStatus:
    """Where the index stands against its folder.

    ``files``: report files in the folder; ``pending``: those not indexed yet (new or
    changed), ``pending_bytes`` their size; ``indexed``: how many this call read; ``busy``:
    another process or thread holds the indexing lock (nothing was read).
    """

    files: int
    pending: int
    pending_bytes: int
    indexed: int = 0
    busy: bool = False


def fingerprint(dataset: Dataset) -> str:
    """A hex digest of what ingestion depends on: the ``geo`` code, Python's version, and the
    dataset's records except those in ``NOT_READ`` (so accepting a claim, which adds control
    rows or events, keeps the index; a new place or spelling changes it). Line numbers are
    left out, so a dataset read from files and from a database agree."""
    h = hashlib.sha256(repr((_FORMAT, sys.version_info[:2])).encode())
    for path in sorted(p for p in _GEO_DIR.glob("**/*") if p.is_file()
                       and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")):
        h.update(path.relative_to(_GEO_DIR).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for f in dataclasses.fields(dataset):
        if f.name not in NOT_READ and not f.name.startswith("_"):
            h.update(f.name.encode() + b"\0" + repr(_without_lines(getattr(dataset, f.name)))
                     .encode())
    return h.hexdigest()


def timeline_digest(dataset: Dataset, locality_id: str) -> str:
    """A hex digest of one locality's control rows in ``dataset`` (line numbers left out)."""
    return hashlib.sha256(repr(_without_lines(dataset.control_of(locality_id))).encode()
                          ).hexdigest()[:32]


def _without_lines(value: object) -> object:
    """``value`` with the ``line`` field of its records dropped (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple((f.name, _without_lines(getattr(value, f.name)))
                     for f in dataclasses.fields(value) if f.name != "line")
    if isinstance(value, tuple | list):
        return tuple(_without_lines(v) for v in value)
    return value


def index_path(cache_dir: Path | str, seeds_dir: Path | str, dataset: Dataset) -> Path:
    """Where the index of ``seeds_dir`` read against ``dataset`` is kept."""
    folder = hashlib.sha256(str(Path(seeds_dir).resolve()).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"reports-{folder}-{fingerprint(dataset)[:16]}.sqlite"


class ReportIndex:
    """The index of one reports folder (``*.txt``, not recursive) in one SQLite file.

    Safe to share between threads and processes: each call opens its own connection (the
    database is in WAL mode, so readers never wait for the indexer), and ``sync`` holds a
    file lock so that one indexer at a time works on a file.

    Parameters
    ----------
    folder : Path or str
        The reports folder.
    path : Path or str
        The SQLite file (created with its folder if needed; see ``index_path``).
    """

    def __init__(self, folder: Path | str, path: Path | str) -> None:
        self.folder = Path(folder)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        _prune(self.path)

    # ------------------------------------------------------------------ writing

    def status(self, dataset: Dataset | None = None) -> SyncStatus:
        """How many report files the folder has and how many wait to be indexed (no lock);
        with ``dataset``, a report read against control rows it has changed since waits too."""
        files = self._listing()
        outdated = set() if dataset is None else self._outdated(dataset)
        todo = _to_read(files, self._known(), outdated)
        return SyncStatus(len(files), len(todo), sum(files[n][1] for n in todo))

    def sync(self, *, dataset: Dataset, index: MentionIndex | Callable[[], MentionIndex],
             max_bytes: int | None = None, default_date: dt.date | None = None,
             wait: bool = False) -> SyncStatus:
        """Index the new and changed report files of the folder; forget removed ones.

        Parameters
        ----------
        dataset : Dataset
            The dataset the reports are read against (the one the index file is named for).
        index : MentionIndex or callable
            The place index, or a function building it (called only when there is a report
            to read: at country scale it takes about a second).
        max_bytes : int, optional
            Stop before a file that would take the bytes read by this call past this (the
            first file is always read): the work of one request stays bounded.
        default_date : datetime.date, optional
            The date of reports that carry none (else they are listed as problems).
        wait : bool
            Wait for another indexer to finish instead of returning at once (``busy``).

        Returns
        -------
        SyncStatus
            After the work done: what is still pending.
        """
        lock = FileLock(f"{self.path}.lock")
        try:
            lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            return SyncStatus(**{**self.status().__dict__, "busy": True})
        try:
            return self._sync(dataset, index, max_bytes, default_date)
        finally:
            lock.release()

    def _sync(self, dataset: Dataset, index: MentionIndex | Callable[[], MentionIndex],
              max_bytes: int | None, default_date: dt.date | None) -> SyncStatus:
        files = self._listing()
        known = self._known()
        outdated = self._outdated(dataset)
        stale = _to_read(known, files, outdated)  # changed, removed or outdated: forgotten
        todo = sorted(_to_read(files, known, outdated))
        with self._db() as db:
            for name in stale:
                _forget(db, name)
            if stale:
                _bump(db)
        spent = done = 0
        for name in todo:
            size = files[name][1]
            if max_bytes is not None and done and spent + size > max_bytes:
                break
            if callable(index):
                index = index()
            self._index_one(name, files[name], dataset, index, default_date)
            spent += size
            done += 1
        left = todo[done:]
        return SyncStatus(len(files), len(left), sum(files[n][1] for n in left), done)

    def _index_one(self, name: str, stamp: tuple[int, int], dataset: Dataset,
                   index: MentionIndex, default_date: dt.date | None) -> None:
        try:
            report = read_report(self.folder / name, default_date=default_date)
        except ReportError as exc:
            with self._db() as db:
                _forget(db, name)
                db.execute("INSERT INTO reports (name, mtime_ns, size, problem_line, problem) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (name, *stamp, exc.problem.line, exc.problem.message))
                _bump(db)
            return
        [item] = ingest_reports([report], dataset=dataset, index=index)
        blob = zlib.compress(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL), 1)
        rows, used = [], set()
        for i, ex in report_excerpts(item):
            rows.append((ex.locality_id, ex.date.isoformat(), ex.report_id, i, name, ex.source,
                         ex.start, ex.end))
            used.add(i)
        with self._db() as db:
            _forget(db, name)
            db.execute(
                "INSERT INTO reports (name, mtime_ns, size, id, date, source, title, "
                "date_origin, places, claims, candidates, ingested) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, *stamp, report.id, report.date.isoformat(), report.source,
                 report.title, report.date_origin, len({m.locality_id for m in item.mentions}),
                 len(item.claims), len(item.candidates), blob))
            db.executemany("INSERT INTO sentences VALUES (?, ?, ?)",
                           ((name, i, report.sentences[i].text) for i in sorted(used)))
            db.executemany("INSERT INTO excerpts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO timelines VALUES (?, ?, ?)",
                           ((name, loc, timeline_digest(dataset, loc)) for loc in item.timeline))
            _bump(db)

    # ------------------------------------------------------------------ reading

    def version(self) -> int:
        """A number that changes whenever the index changes (for caches keyed on it)."""
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def reports(self) -> list[ReportSummary]:
        """The readable reports indexed, in file-name order."""
        with self._db() as db:
            rows = db.execute(
                "SELECT name, id, date, source, title, date_origin, places, claims, "
                "candidates, size, mtime_ns FROM reports WHERE problem IS NULL ORDER BY name"
            ).fetchall()
        return [ReportSummary(r[0], r[1], dt.date.fromisoformat(r[2]), *r[3:]) for r in rows]

    def problems(self) -> list[Problem]:
        """One problem per report file that cannot be read, in file-name order."""
        with self._db() as db:
            rows = db.execute("SELECT name, problem_line, problem FROM reports "
                              "WHERE problem IS NOT NULL ORDER BY name").fetchall()
        return [Problem(str(self.folder / name), line, message) for name, line, message in rows]

    def ingested(self, name: str) -> IngestedReport | None:
        """The whole ingestion result of one report file (None if it is not indexed)."""
        with self._db() as db:
            row = db.execute("SELECT ingested FROM reports WHERE name = ? AND problem IS NULL",
                             (name,)).fetchone()
        if row is None or row[0] is None:
            return None
        item = pickle.loads(zlib.decompress(row[0]))
        return item if isinstance(item, IngestedReport) else None

    def excerpt_counts(self) -> dict[str, int]:
        """Number of report excerpts per locality id (localities without any are absent)."""
        with self._db() as db:
            return dict(db.execute("SELECT locality, count(*) FROM excerpts GROUP BY locality"))

    def excerpt_count(self, locality_id: str) -> int:
        """Number of report excerpts that mention one locality."""
        with self._db() as db:
            return int(db.execute("SELECT count(*) FROM excerpts WHERE locality = ?",
                                  (locality_id,)).fetchone()[0])

    def excerpts(self, locality_id: str, *, offset: int = 0, limit: int = 20) -> list[Excerpt]:
        """One page of the excerpts that mention a locality, newest report first (then by
        report id and sentence order, as ``geo.ingest.excerpts_by_locality``)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT e.report_id, e.date, e.source, s.text, e.start, e.\"end\" "
                "FROM excerpts e JOIN sentences s ON s.name = e.name AND s.sentence = e.sentence "
                "WHERE e.locality = ? ORDER BY e.date DESC, e.report_id, e.sentence "
                "LIMIT ? OFFSET ?", (locality_id, max(0, limit), max(0, offset))).fetchall()
        return [Excerpt(locality_id, r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4], r[5])
                for r in rows]

    # ------------------------------------------------------------------ plumbing

    def _listing(self) -> dict[str, tuple[int, int]]:
        """(modification time ns, size) of each ``*.txt`` regular file of the folder."""
        out: dict[str, tuple[int, int]] = {}
        with contextlib.suppress(FileNotFoundError, NotADirectoryError), \
                os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".txt") and entry.is_file():
                    with contextlib.suppress(OSError):
                        st = entry.stat()
                        out[entry.name] = (st.st_mtime_ns, st.st_size)
        return out

    def _outdated(self, dataset: Dataset) -> set[str]:
        """The reports read against control rows of a place that ``dataset`` has changed."""
        with self._db() as db:
            held = db.execute("SELECT name, locality, digest FROM timelines").fetchall()
        now: dict[str, str] = {}
        out: set[str] = set()
        for name, locality, digest in held:
            if locality not in now:
                now[locality] = timeline_digest(dataset, locality)
            if now[locality] != digest:
                out.add(name)
        return out

    def _known(self) -> dict[str, tuple[int, int]]:
        with self._db() as db:
            return {n: (m, s) for n, m, s in db.execute(
                "SELECT name, mtime_ns, size FROM reports")}

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection for one call, committed at the end (rolled back on an exception)."""
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                yield db
        finally:
            db.close()


def _to_read(stamps: dict[str, tuple[int, int]], other: dict[str, tuple[int, int]],
             outdated: set[str]) -> list[str]:
    """The names in ``stamps`` (name -> modification time, size) whose stamp ``other`` does
    not hold, or that are ``outdated``."""
    return [n for n, stamp in stamps.items() if other.get(n) != stamp or n in outdated]


def _forget(db: sqlite3.Connection, name: str) -> None:
    for table in ("reports", "sentences", "excerpts", "timelines"):
        db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))


def _bump(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO meta VALUES ('version', '1') ON CONFLICT(key) "
               "DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _prune(current: Path) -> None:
    """Delete all but the ``_KEEP`` most recently modified index files of the folder."""
    with contextlib.suppress(OSError):
        files = sorted(current.parent.glob("reports-*.sqlite"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[_KEEP:]:
            if old != current:
                for suffix in ("", "-wal", "-shm", ".lock"):
                    Path(f"{old}{suffix}").unlink(missing_ok=True)
