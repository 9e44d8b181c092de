"""The "what changed" list: the shown date's changes or the step since the previous change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from geo.changes import Change, ChangeList, ChangeLog
from views.text import md_escape, sources_markdown

#: At most this many entries are shown (the rest are counted): bounded work per rerun.
SHOWN = 12
WINDOWS = {"day": "This day", "step": "Since the previous change"}
KIND_NAMES = {"control": "control", "event": "event", "corridor": "corridor",
              "route": "evacuation"}


def window(day: dt.date, previous_change: dt.date | None, start: dt.date, which: str
           ) -> tuple[dt.date, dt.date]:
    """The dates listed, as ``(after, upto)`` with ``after`` excluded.

    ``which`` is ``"day"`` (the shown date alone) or ``"step"`` (everything after the
    previous change date up to the shown date; from the dataset's start when there is none).
    """
    if which == "day" or (previous_change is None and day == start):
        return day - dt.timedelta(days=1), day
    after = previous_change if previous_change is not None else start - dt.timedelta(days=1)
    return after, day


def entry_markdown(change: Change) -> str:
    """The lines under an entry's title: kind, date, confidence, other dates, sources, quote."""
    conf = change.confidence or "not rated"
    meta = [KIND_NAMES.get(change.kind, change.kind), change.date.isoformat(),
            f"confidence: {conf}"]
    if change.alt_dates:
        meta.append("other dates: " + ", ".join(d.isoformat() for d in change.alt_dates))
    text = md_escape(" · ".join(meta))
    if change.sources:
        text += "  \nSources: " + sources_markdown(change.sources)
    if change.excerpt:
        text += "\n\n> " + md_escape(change.excerpt)
    return text


def heading(listed: ChangeList) -> str:
    """The list's heading: the window and the count of entries."""
    after, upto = listed.after, listed.upto
    span = (upto.isoformat() if after == upto - dt.timedelta(days=1)
            else f"{(after + dt.timedelta(days=1)).isoformat()} – {upto.isoformat()}")
    return f"{span}: {listed.total} change{'s' if listed.total != 1 else ''}"


def changes_panel(log: ChangeLog, day: dt.date, previous_change: dt.date | None, *,
                  on_pick: Callable[[str], None]) -> None:
    """The "what changed" list with its window switch; a click on an entry calls ``on_pick``.

    Parameters
    ----------
    log : ChangeLog
        The dataset's change log (built once per dataset).
    day : datetime.date
        The shown date.
    previous_change : datetime.date or None
        The change date before ``day`` (None: none).
    on_pick : callable
        Called with the entry's first locality id (the map shows it and opens its panel).
    """
    st.markdown("**What changed**")
    which = st.segmented_control("Window", list(WINDOWS), format_func=WINDOWS.get,
                                 default="day", key="changes_window",
                                 label_visibility="collapsed") or "day"
    after, upto = window(day, previous_change, log.timeline.start, which)
    listed = log.between(after, upto, limit=SHOWN)
    st.caption(md_escape(heading(listed)))
    for i, change in enumerate(listed.changes):
        with st.container(border=True, key=f"change-{i}"):
            st.button(f"**{md_escape(change.title)}**", key=f"change-{i}-show", type="tertiary",
                      on_click=on_pick, args=(change.places[0],) if change.places else (),
                      disabled=not change.places, help="show it on the map")
            st.caption(entry_markdown(change))
    if listed.total > len(listed.changes):
        st.caption(f"… and {listed.total - len(listed.changes)} more")
    elif not listed.total:
        st.caption("Nothing recorded.")
