"""Drawing ahead: the layers of the dates a user is likely to open next, made in the background.

After a map is sent, one background thread per server renders (into the bounded layer cache)
the next and previous days and change dates, so the "next change" buttons, the arrow keys and
playback find their layers ready. The work is bounded: one thread, at most ``MAX_PENDING``
requests waiting, and a request is dropped rather than queued when that is full.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import streamlit as st

#: At most this many prefetch requests wait at once (per server process).
MAX_PENDING = 2
#: Seconds the thread waits before drawing ahead: the rest of the rerun goes first. Longer
#: waits (0.3 s) left the browser's draw no faster on the shipped data but the next change
#: date not yet drawn when a user stepping through them clicked again (country scale, two
#: interleaved runs: next change p95 229-253 ms at 0.3 s, 207-212 ms at 0.05 s).
DELAY_S = 0.05


def ahead(day: dt.date, start: dt.date, end: dt.date, changes: Sequence[dt.date], *,
          stepping: int = 0) -> list[dt.date]:
    """The dates likely to be asked next from ``day``, most likely first.

    The next day (playback, the right arrow), the next change date, the previous change
    date and the previous day; after a step from change date to change date (``stepping``:
    its direction, +1 or -1), the next change date in that direction comes first. ``changes``
    is sorted; dates outside ``start..end`` and ``day`` itself are left out.
    """
    i = bisect.bisect_right(changes, day)
    j = bisect.bisect_left(changes, day)
    one = dt.timedelta(days=1)
    later = changes[i] if i < len(changes) else None
    earlier = changes[j - 1] if j > 0 else None
    picks = [day + one, later, earlier, day - one]
    if stepping:
        picks.insert(0, later if stepping > 0 else earlier)
    return list(dict.fromkeys(d for d in picks if d is not None and start <= d <= end
                              and d != day))


class _Ahead:
    """One background thread and a bound on the requests waiting for it."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw-ahead")
        self.slots = threading.BoundedSemaphore(MAX_PENDING)

    def submit(self, job: Callable[[], object]) -> bool:
        if not self.slots.acquire(blocking=False):
            return False
        future = self.pool.submit(job)
        future.add_done_callback(lambda _f: self.slots.release())
        return True


@st.cache_resource(show_spinner=False)
def _ahead() -> _Ahead:
    """The server's one drawing-ahead thread (a shared resource, like the caches it fills)."""
    return _Ahead()


def draw_ahead(render: Callable[[dt.date], object], days: Sequence[dt.date]) -> bool:
    """Ask the background thread to call ``render(day)`` for each of ``days``, in order.

    ``render`` must only fill caches (its result is dropped) and be safe to call from another
    thread. Returns False when the request was dropped because the thread is busy.
    """
    def job() -> None:
        time.sleep(DELAY_S)
        for day in days:
            try:
                render(day)
            except Exception:  # a failed guess costs nothing: the user's own
                return  # request will compute (and report) it again
    return _ahead().submit(job)
