"""Pure view-state rules: URL dates, change-date steps, playback, which town was clicked."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def parse_day(text: str | None, start: dt.date, end: dt.date) -> dt.date | None:
    """``text`` (``YYYY-MM-DD``) as a date clamped into ``start..end``; None if it is no date."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return min(max(day, start), end)


def parse_town(text: str | None, known: Callable[[str], bool]) -> str | None:
    """The locality id in ``text`` if ``known(id)`` says it exists, else None."""
    if not text:
        return None
    town = str(text).strip().lower()
    return town if known(town) else None


def step_change(day: dt.date, changes: Sequence[dt.date], direction: int) -> dt.date | None:
    """The nearest change date strictly before (``direction`` < 0) or after ``day``.

    ``changes`` must be sorted; None when there is no such date.
    """
    if direction < 0:
        i = bisect.bisect_left(changes, day)
        return changes[i - 1] if i > 0 else None
    i = bisect.bisect_right(changes, day)
    return changes[i] if i < len(changes) else None


def play_next(day: dt.date, end: dt.date, days: int = 1) -> tuple[dt.date, bool]:
    """The next day of playback and whether playback goes on (False once ``end`` is reached)."""
    nxt = min(day + dt.timedelta(days=days), end)
    return nxt, nxt < end


def clicked_town(result: Mapping[str, Any] | None) -> str | None:
    """The locality id of the feature ``st_folium`` reports as clicked, if it is a locality."""
    if not result:
        return None
    drawing = result.get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    if props.get("kind") == "locality" and isinstance(props.get("id"), str):
        return props["id"]
    return None


def click_signature(result: Mapping[str, Any] | None) -> str:
    """A value that changes with every new click in an ``st_folium`` result."""
    if not result:
        return ""
    return repr((result.get("last_object_clicked"), clicked_town(result)))
