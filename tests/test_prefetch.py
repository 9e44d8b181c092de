"""Drawing ahead: which dates are guessed, and the bound on the background work."""

from __future__ import annotations

import datetime as dt
import threading

from views.prefetch import MAX_PENDING, _Ahead, ahead

D = dt.date
CHANGES = (D(2018, 2, 25), D(2018, 3, 1), D(2018, 3, 10))


def test_next_day_then_change_dates_then_previous_day() -> None:
    assert ahead(D(2018, 3, 1), D(2018, 2, 18), D(2018, 4, 14), CHANGES) == [
        D(2018, 3, 2), D(2018, 3, 10), D(2018, 2, 25), D(2018, 2, 28)]


def test_stepping_through_change_dates_draws_the_next_one_in_that_direction_first() -> None:
    period = (D(2018, 2, 18), D(2018, 4, 14))
    assert ahead(D(2018, 3, 1), *period, CHANGES, stepping=1) == [
        D(2018, 3, 10), D(2018, 3, 2), D(2018, 2, 25), D(2018, 2, 28)]
    assert ahead(D(2018, 3, 1), *period, CHANGES, stepping=-1) == [
        D(2018, 2, 25), D(2018, 3, 2), D(2018, 3, 10), D(2018, 2, 28)]


def test_nothing_outside_the_period_and_no_repeats() -> None:
    assert ahead(D(2018, 4, 14), D(2018, 2, 18), D(2018, 4, 14), CHANGES) == [
        D(2018, 3, 10), D(2018, 4, 13)]
    assert ahead(D(2018, 2, 24), D(2018, 2, 24), D(2018, 2, 25), CHANGES) == [D(2018, 2, 25)]


def test_requests_are_dropped_not_queued_when_the_thread_is_busy() -> None:
    worker = _Ahead()
    gate = threading.Event()
    done: list[int] = []
    accepted = [worker.submit(lambda i=i: (gate.wait(5), done.append(i)))
                for i in range(MAX_PENDING + 3)]
    assert accepted == [True] * MAX_PENDING + [False] * 3
    gate.set()
    worker.pool.shutdown(wait=True)
    assert sorted(done) == list(range(MAX_PENDING))
