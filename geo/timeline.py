"""Who holds what on a date: dated control changes replayed into per-date state vectors."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from geo.errors import DateOutOfRange, UnknownIdError
from geo.model import ControlChange, Dataset, Event

NO_FACTION = -1
_CHECKPOINT_EVERY = 256


def _ordinal(day: dt.date) -> int:
    return day.toordinal()


def _last_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys of a window and the position of each one's last occurrence in it."""
    uniq, rev_first = np.unique(keys[::-1], return_index=True)
    return uniq, (len(keys) - 1) - rev_first


@dataclass(frozen=True, eq=False)
class Timeline:
    """Control of every territory locality on every date of a dataset's period.

    Built once per dataset (:meth:`build`); every query afterwards is cheap: the replayed
    changes are kept as numpy arrays with a full state checkpoint every 256 effective changes,
    so a country-sized history (thousands of places, tens of thousands of changes) answers
    :meth:`state` in microseconds.

    Attributes
    ----------
    locality_ids : tuple of str
        Territory localities, in the order of the state vectors.
    faction_ids : tuple of str
        Factions, in the order of the faction indices in the state vectors.
    start, end : datetime.date
        The dataset's period (inclusive).
    """

    locality_ids: tuple[str, ...]
    faction_ids: tuple[str, ...]
    start: dt.date
    end: dt.date
    _initial: np.ndarray  # faction index per locality at the start
    _ev_day: np.ndarray  # ordinal day of each effective change, sorted
    _ev_loc: np.ndarray
    _ev_fac: np.ndarray
    _ck_state: np.ndarray  # (n_checkpoints, n_localities): state after k*256 changes
    _ck_since: np.ndarray
    _history: dict[str, tuple[ControlChange, ...]]
    _events: tuple[Event, ...]
    _loc_index: dict[str, int]
    _fac_index: dict[str, int]
    rows: tuple[ControlChange, ...]  # every control row, by (date, line)
    _row_day: np.ndarray  # ordinal day of each row
    _row_loc: np.ndarray
    _row_ck: np.ndarray  # (n_checkpoints, n_localities): row in force after k*256 rows

    @classmethod
    def build(cls, dataset: Dataset) -> Timeline:
        """Replay a dataset's control rows into a queryable timeline.

        Rows that give a locality to the faction already holding it are kept in the history
        but do not count as changes (its ``since`` date stays the earlier one).
        """
        loc_ids = tuple(loc.id for loc in dataset.localities if loc.territory)
        fac_ids = tuple(f.id for f in dataset.factions)
        loc_index = {lid: i for i, lid in enumerate(loc_ids)}
        fac_index = {fid: i for i, fid in enumerate(fac_ids)}
        start = dataset.meta.start
        state = np.full(len(loc_ids), NO_FACTION, dtype=np.int16)
        since = np.full(len(loc_ids), _ordinal(start), dtype=np.int32)
        days: list[int] = []
        locs: list[int] = []
        facs: list[int] = []
        history: dict[str, list[ControlChange]] = {lid: [] for lid in loc_ids}
        rows = sorted(dataset.control, key=lambda c: (c.date, c.line))
        initial_done = False
        initial = state.copy()
        ck_state: list[np.ndarray] = []
        ck_since: list[np.ndarray] = []
        for ch in rows:
            if ch.locality not in loc_index or ch.faction not in fac_index:
                raise UnknownIdError(f"control row for unknown id {ch.locality}/{ch.faction}")
            history[ch.locality].append(ch)
            i, f = loc_index[ch.locality], fac_index[ch.faction]
            if ch.date <= start:
                state[i] = f
                initial[i] = f
                continue
            if not initial_done:
                initial_done = True
                ck_state.append(initial.copy())
                ck_since.append(since.copy())
            if state[i] == f:
                continue
            state[i] = f
            since[i] = _ordinal(ch.date)
            days.append(_ordinal(ch.date))
            locs.append(i)
            facs.append(f)
            if len(days) % _CHECKPOINT_EVERY == 0:
                ck_state.append(state.copy())
                ck_since.append(since.copy())
        if not initial_done:
            ck_state.append(initial.copy())
            ck_since.append(since.copy())
        row_day = np.asarray([_ordinal(c.date) for c in rows], dtype=np.int32)
        row_loc = np.asarray([loc_index[c.locality] for c in rows], dtype=np.int32)
        row_ck = [np.full(len(loc_ids), -1, dtype=np.int32)]
        for k in range(0, len(rows), _CHECKPOINT_EVERY):
            nxt = row_ck[-1].copy()
            stop = min(len(rows), k + _CHECKPOINT_EVERY)
            where, last = _last_of_each(row_loc[k:stop])
            nxt[where] = k + last
            row_ck.append(nxt)
        return cls(
            locality_ids=loc_ids, faction_ids=fac_ids, start=start, end=dataset.meta.end,
            _initial=initial, _ev_day=np.asarray(days, dtype=np.int32),
            _ev_loc=np.asarray(locs, dtype=np.int32), _ev_fac=np.asarray(facs, dtype=np.int16),
            _ck_state=np.stack(ck_state), _ck_since=np.stack(ck_since),
            _history={k: tuple(v) for k, v in history.items()},
            _events=tuple(dataset.events), _loc_index=loc_index, _fac_index=fac_index,
            rows=tuple(rows), _row_day=row_day, _row_loc=row_loc, _row_ck=np.stack(row_ck),
        )

    def check_date(self, day: dt.date) -> None:
        """Raise DateOutOfRange unless ``day`` lies in the dataset's period."""
        if not (self.start <= day <= self.end):
            raise DateOutOfRange(
                f"date {day.isoformat()} is outside the dataset period "
                f"{self.start.isoformat()} to {self.end.isoformat()}"
            )

    def state(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """Holder and start of holding of every territory locality on ``day``.

        Returns
        -------
        tuple of numpy arrays
            ``(faction_index, since_ordinal)``, one entry per ``locality_ids`` item;
            ``faction_index`` is -1 where nobody is recorded, ``since_ordinal`` is a
            proleptic Gregorian ordinal (``datetime.date.fromordinal``).
        """
        self.check_date(day)
        n = int(np.searchsorted(self._ev_day, _ordinal(day), side="right"))
        k = n // _CHECKPOINT_EVERY
        state = self._ck_state[k].copy()
        since = self._ck_since[k].copy()
        lo = k * _CHECKPOINT_EVERY
        if n > lo:
            where, last = _last_of_each(self._ev_loc[lo:n])
            state[where] = self._ev_fac[lo:n][last]
            since[where] = self._ev_day[lo:n][last]
        return state, since

    def rows_in_force(self, day: dt.date) -> np.ndarray:
        """Index into :attr:`rows` of the control row in force for each locality on ``day``.

        The row in force is the latest row dated on or before ``day`` (a confirmation by the
        same holder counts), as :meth:`current_row` gives for one locality.

        Returns
        -------
        numpy int32 array
            One entry per ``locality_ids`` item; -1 where no row applies yet.
        """
        self.check_date(day)
        n = int(np.searchsorted(self._row_day, _ordinal(day), side="right"))
        k = n // _CHECKPOINT_EVERY
        out = self._row_ck[k].copy()
        lo = k * _CHECKPOINT_EVERY
        if n > lo:
            where, last = _last_of_each(self._row_loc[lo:n])
            out[where] = lo + last
        return out

    def change_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every effective change as arrays, by date: ``(day, locality, faction, previous)``.

        ``day`` is a proleptic Gregorian ordinal, ``locality`` an index into
        :attr:`locality_ids`, ``faction`` and ``previous`` the faction indices after and
        before the change (-1: nobody). A locality changes at most once per date.
        """
        order = np.argsort(self._ev_loc, kind="stable")  # per locality, in date order
        prev_sorted = np.empty(len(order), dtype=np.int16)
        if len(order):
            loc_sorted = self._ev_loc[order]
            fac_sorted = self._ev_fac[order]
            first = np.r_[True, loc_sorted[1:] != loc_sorted[:-1]]
            prev_sorted[1:] = fac_sorted[:-1]
            prev_sorted[first] = self._initial[loc_sorted[first]]
        prev = np.empty_like(prev_sorted)
        prev[order] = prev_sorted
        return self._ev_day.copy(), self._ev_loc.copy(), self._ev_fac.copy(), prev

    def daily_states(self) -> Iterator[tuple[dt.date, np.ndarray, bool]]:
        """Every date of the period in order, with the holders on that date.

        Yields
        ------
        tuple of (datetime.date, numpy array, bool)
            The date, the faction index per locality (as :meth:`state`; a read-only view that
            the next step updates in place: copy it to keep it) and whether anything changed
            hands on that date (always true for the first date).
        """
        state = self._ck_state[0].copy()
        view = state.view()
        view.flags.writeable = False
        first = _ordinal(self.start)
        cuts = np.searchsorted(self._ev_day, np.arange(first, _ordinal(self.end) + 2),
                               side="left")
        for i, day in enumerate(self.days()):
            lo, hi = int(cuts[i]), int(cuts[i + 1])
            if hi > lo:  # rows are unique per place and date: one change per place at most
                state[self._ev_loc[lo:hi]] = self._ev_fac[lo:hi]
            yield day, view, i == 0 or hi > lo

    def holder(self, locality_id: str, day: dt.date) -> tuple[str | None, dt.date]:
        """The faction id holding a locality on ``day`` and the date that holding began."""
        try:
            i = self._loc_index[locality_id]
        except KeyError:
            raise UnknownIdError(f"unknown territory locality {locality_id!r}") from None
        state, since = self.state(day)
        f = int(state[i])
        return (self.faction_ids[f] if f >= 0 else None), dt.date.fromordinal(int(since[i]))

    def change_dates(self) -> tuple[dt.date, ...]:
        """Dates (after the start) on which at least one locality changed hands, ascending."""
        return tuple(dt.date.fromordinal(int(d)) for d in np.unique(self._ev_day))

    def history(self, locality_id: str) -> tuple[ControlChange, ...]:
        """Every control row of a locality (changes and confirmations), oldest first."""
        try:
            return self._history[locality_id]
        except KeyError:
            raise UnknownIdError(f"unknown territory locality {locality_id!r}") from None

    def current_row(self, locality_id: str, day: dt.date) -> ControlChange | None:
        """The control row in force for a locality on ``day`` (the latest on or before it)."""
        rows = self.history(locality_id)
        n = bisect.bisect_right(rows, day, key=lambda c: c.date)
        return rows[n - 1] if n else None

    def events_on(self, day: dt.date) -> tuple[Event, ...]:
        """Non-control events active on ``day`` (``date <= day <= end``)."""
        return tuple(e for e in self._events if e.date <= day <= e.end)

    def faction_index(self, faction_id: str) -> int:
        """Index of a faction in the state vectors."""
        return self._fac_index[faction_id]

    def days(self) -> Sequence[dt.date]:
        """Every date of the period, in order."""
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]
