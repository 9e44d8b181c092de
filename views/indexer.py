"""Reading the reports folder in the background: one thread per server, one job at a time.

A folder of large reports takes minutes to read the first time (about a second per MB). The
pages read at most ``views.loaders.INLINE_BYTES`` per request and hand the rest to this
thread, which indexes report after report (``geo.report_index.ReportIndex.sync``) while the
pages show what is ready. Work is bounded: one thread per server process; a job asked for
while one runs is dropped (the running job reads what is still pending when it ends, and
the next page view asks again).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import streamlit as st

from geo.report_index import ReportIndex, SyncStatus

_log = logging.getLogger(__name__)


class _Reader:
    """The server's background thread and the index files it is working on."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-reports")
        self.busy: set[str] = set()
        self.lock = threading.Lock()

    def submit(self, key: str, job: Callable[[], None]) -> bool:
        with self.lock:
            if self.busy:
                return False
            self.busy.add(key)

        def run() -> None:
            try:
                job()
            except Exception:  # the pages keep showing what is indexed; the log says why
                _log.exception("reading the reports in the background failed")
            finally:
                with self.lock:
                    self.busy.discard(key)

        self.pool.submit(run)
        return True


@st.cache_resource(show_spinner=False)
def _reader() -> _Reader:
    """The server's one report-reading thread (a shared resource)."""
    return _Reader()


def read_in_background(reports: ReportIndex, sync: Callable[[], SyncStatus]) -> bool:
    """Run ``sync`` (one ``ReportIndex.sync`` call) in the background until nothing is
    pending; False when the thread is already busy."""
    def job() -> None:
        while True:
            status = sync()
            if status.busy or not status.pending or not status.indexed:
                return

    return _reader().submit(str(reports.path), job)


def reading(reports: ReportIndex) -> bool:
    """Whether the background thread is reading this index's folder now."""
    reader = _reader()
    with reader.lock:
        return str(reports.path) in reader.busy
