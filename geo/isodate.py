"""ISO dates (``YYYY-MM-DD``) read from text, with messages that say what is wrong."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from geo.csvio import shown

_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> dt.date:
    """The date written ``YYYY-MM-DD`` in ``text``.

    Raises
    ------
    ValueError
        Saying whether ``text`` is not written ``YYYY-MM-DD``, or names a month or a day
        that does not exist ("2018-02-30 does not exist: February 2018 has 28 days").
    """
    value = text.strip()
    match = _SHAPE.fullmatch(value)
    if match is None:
        raise ValueError(f"{shown(value)} is not a date YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    if year < 1:
        raise ValueError(f"{value} does not exist: there is no year 0")
    if not 1 <= month <= 12:
        raise ValueError(f"{value} does not exist: there is no month {month:02d}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{value} does not exist: {calendar.month_name[month]} {year} has "
                         f"{days} days")
    return dt.date(year, month, day)
