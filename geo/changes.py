"""What changed between two dates: control, events, corridors, evacuations, with sources."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from geo.citations import Citation, parse_sources
from geo.model import ControlChange, Dataset
from geo.timeline import Timeline

#: Entry kinds, in the order a date's entries are listed.
KINDS = ("control", "event", "corridor", "route")


@dataclass(frozen=True)
class Change:
    """One entry of "what changed".

    ``title`` is plain text (escape it before showing it). ``places`` are locality ids, the
    place to show first; ``confidence`` is ``high``/``medium``/``low`` or None where the data
    does not rate it (corridors, routes); ``alt_dates`` are the other dates sources give;
    ``excerpt`` is the report sentence an accepted claim quotes, if any.
    """

    date: dt.date
    kind: str
    title: str
    places: tuple[str, ...]
    confidence: str | None
    alt_dates: tuple[dt.date, ...]
    detail: str
    sources: tuple[Citation, ...]

    @property
    def excerpt(self) -> str | None:
        """The sentence quoted by the first source that quotes one (an accepted claim)."""
        return next((c.excerpt for c in self.sources if c.excerpt), None)


@dataclass(frozen=True)
class ChangeList:
    """The entries dated after ``after`` up to ``upto`` (inclusive), newest first.

    ``changes`` holds at most the ``limit`` asked for; ``total`` counts them all.
    """

    after: dt.date
    upto: dt.date
    changes: tuple[Change, ...]
    total: int


@dataclass(frozen=True, eq=False)
class ChangeLog:
    """Every dated change of a dataset, ready to be listed for any window of dates.

    Build it once per dataset (:meth:`build`); :meth:`between` then costs a binary search
    and the entries of the window. Control changes are read from the timeline's rows (a
    row that gives a place to the faction already holding it is a confirmation, not a
    change); events, corridor openings, closings and suspensions and route starts are
    made into entries once.
    """

    dataset: Dataset
    timeline: Timeline
    _row_days: tuple[int, ...]  # ordinal date of each timeline row (rows are by date)
    _others: tuple[Change, ...]  # non-control entries by date, then kind
    _other_days: tuple[int, ...]

    @classmethod
    def build(cls, dataset: Dataset, timeline: Timeline) -> ChangeLog:
        """The change log of a validated dataset and its timeline."""
        others = sorted(_event_entries(dataset) + _corridor_entries(dataset)
                        + _route_entries(dataset),
                        key=lambda c: (c.date, KINDS.index(c.kind)))
        return cls(dataset, timeline, tuple(r.date.toordinal() for r in timeline.rows),
                   tuple(others), tuple(c.date.toordinal() for c in others))

    def between(self, after: dt.date, upto: dt.date, limit: int = 50) -> ChangeList:
        """The entries dated in ``after`` < date <= ``upto``, newest first.

        Parameters
        ----------
        after, upto : datetime.date
            The window, ``after`` excluded (the day before ``upto`` for one day's changes,
            the previous change date for the step since it).
        limit : int
            At most this many entries are built and returned (``total`` counts all).

        Returns
        -------
        ChangeList
            Within a date: control changes, events, corridors, routes, in the data's order.
        """
        lo, hi = after.toordinal(), upto.toordinal()
        rows = self.timeline.rows[bisect.bisect_right(self._row_days, lo):
                                  bisect.bisect_right(self._row_days, hi)]
        control = [(r, prev) for r in rows for prev in [self._previous(r)]
                   if r.date > self.timeline.start and prev != r.faction]
        others = self._others[bisect.bisect_right(self._other_days, lo):
                              bisect.bisect_right(self._other_days, hi)]
        control_on: dict[dt.date, list[tuple[ControlChange, str | None]]] = {}
        others_on: dict[dt.date, list[Change]] = {}
        for row, prev in control:
            control_on.setdefault(row.date, []).append((row, prev))
        for entry in others:
            others_on.setdefault(entry.date, []).append(entry)
        out: list[Change] = []
        for day in sorted(control_on.keys() | others_on.keys(), reverse=True):
            out += [self._control_entry(row, prev)
                    for row, prev in control_on.get(day, [])[:limit - len(out)]]
            out += others_on.get(day, [])[:limit - len(out)]
            if len(out) >= limit:
                break
        return ChangeList(after=after, upto=upto, changes=tuple(out),
                          total=len(control) + len(others))

    def _previous(self, row: ControlChange) -> str | None:
        """The faction holding the row's place just before the row's date (None: nobody)."""
        history = self.timeline.history(row.locality)
        i = bisect.bisect_left(history, row.date, key=lambda c: c.date)
        return history[i - 1].faction if i > 0 else None

    def _control_entry(self, row: ControlChange, prev: str | None) -> Change:
        ds = self.dataset
        was = ds.faction(prev).name if prev else "no one recorded"
        title = f"{ds.locality(row.locality).name}: {was} → {ds.faction(row.faction).name}"
        return Change(date=row.date, kind="control", title=title, places=(row.locality,),
                      confidence=row.confidence, alt_dates=row.alt_dates,
                      detail=f"{row.kind}. {row.detail}".strip(),
                      sources=parse_sources(row.source))


def _names(dataset: Dataset, ids: Sequence[str]) -> str:
    return ", ".join(dataset.locality(i).name for i in ids)


def _event_entries(dataset: Dataset) -> list[Change]:
    out = []
    for e in dataset.events:
        what = e.type.replace("_", " ").capitalize()
        where = _names(dataset, e.localities)
        until = f" (until {e.end.isoformat()})" if e.end > e.date else ""
        out.append(Change(date=e.date, kind="event",
                          title=f"{what}: {where}{until}" if where else f"{what}{until}",
                          places=e.localities, confidence=e.confidence, alt_dates=(),
                          detail=e.detail, sources=parse_sources(e.source)))
    return out


def _corridor_entries(dataset: Dataset) -> list[Change]:
    out = []
    end = dataset.meta.end
    for c in dataset.corridors:
        hours = f", daily {c.hours}" if c.hours else ""
        steps = [(c.opened, f"{c.name} opens{hours}")]
        if c.closed is not None and c.closed < end:
            steps.append((c.closed, f"{c.name} closes (last day open)"))
        last = c.closed or end
        for day in sorted(c.suspended):
            steps.append((day, f"{c.name} suspended"))
            nxt = day + dt.timedelta(days=1)
            if nxt <= last and nxt not in c.suspended:
                steps.append((nxt, f"{c.name} reopens"))
        sources = parse_sources(c.source)
        out += [Change(date=day, kind="corridor", title=title, places=c.path[:1],
                       confidence=None, alt_dates=(), detail=c.detail, sources=sources)
                for day, title in steps]
    return out


def _route_entries(dataset: Dataset) -> list[Change]:
    out = []
    for r in dataset.routes:
        people = f"{r.people:,} people" if r.people is not None else "number not known"
        if r.people_low is not None and r.people_high is not None:
            people += f" (sources: {r.people_low:,}–{r.people_high:,})"
        title = (f"Evacuation {dataset.locality(r.origin).name} → "
                 f"{dataset.locality(r.destination).name} begins: {r.group}; {people}")
        out.append(Change(date=r.start, kind="route", title=title, places=(r.origin,),
                          confidence=None, alt_dates=(), detail=r.detail,
                          sources=parse_sources(r.source)))
    return out
