"""Time expressions in a sentence and the day a claim refers to.

Found, with the day each gives against the report's date:

- explicit: "on 3 March", "March 3", "March 10 - 11" and "10-11 March" (a range: its last
  day, when control is established), with or without a year; "2018-03-22", "22.03.2018";
- ``month``: "in June 2014", ``year``: "in 2016" (the first day, said in the note);
- ``yesterday`` ("yesterday", "last night"), ``today`` ("today", "this morning", "tonight"),
  ``overnight`` (the night that ends on the report's date: that date);
- ``weekday``: "on Saturday", "late Sunday", "since Sunday", "Sunday morning": the last such
  day on or before the report's date ("last Friday": strictly before);
- ``relative``: "two days ago", "a week earlier", "three days later" from the report's date
  or, when the sentence gives one before it, from that date; "a week after <clause>" dates
  the clause it introduces a week before that date (``shift``);
- ``vague``: "a few days earlier", "in recent days", "recently", "previously": the report's
  date is an upper bound, said in the note.

Every pattern is bounded (no nested repetition): the scan is linear in the text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import NamedTuple

from geo.claims.lexicon import word_automaton

_MONTHS = {m: i for i, names in enumerate((
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"))) for m in names}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "couple of": 2}
_COUNT = r"(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of)"
_DASH = r"\s*[-\u2010-\u2015]\s*"
_YEAR = r"(?:,?\s+((?:19|20)\d\d))?"

# ASCII case folding only: "ſaturday" or a Kelvin-sign "Monday" is no weekday (and no crash).
_FLAGS = re.I | re.A
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(\d{{1,2}})(?:st|nd|rd|th)?)?"
                        rf"\s+(?:of\s+)?{_MONTH}\b{_YEAR}", _FLAGS)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:{_DASH}(\d{{1,2}})\b)?"
                        rf"{_YEAR}", _FLAGS)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?((?:19|20)\d\d)\b", _FLAGS)
_YEAR_ONLY = re.compile(r"\b(?:in|during|throughout)\s+((?:19|20)\d\d)\b", _FLAGS)
_NUMERIC = re.compile(r"\b(?:((?:19|20)\d\d)-(\d\d)-(\d\d)|(\d\d)\.(\d\d)\.((?:19|20)\d\d))\b",
                      _FLAGS)
_YESTERDAY = re.compile(r"\b(yesterday|last\s+night)\b", _FLAGS)
_TODAY = re.compile(r"\b(today|tonight|this\s+(?:morning|afternoon|evening))\b", _FLAGS)
_OVERNIGHT = re.compile(r"\bovernight\b", _FLAGS)
_WEEKDAY = re.compile(r"\b(?:(last|this\s+past|next|coming)\s+)?(" + "|".join(_WEEKDAYS)
                      + r")(?:'s)?\b", _FLAGS)
_AGO = re.compile(rf"\b{_COUNT}\s+(days?|weeks?)\s+(ago|earlier|before|previously|later|after)\b"
                  r"(?!\s+than\b)", _FLAGS)
_VAGUE = re.compile(r"\b(a\s+few\s+(?:days|weeks)\s+(?:earlier|ago|before)|earlier\s+this\s+"
                    r"(?:week|month)|last\s+(?:week|month)|in\s+recent\s+(?:days|weeks)|"
                    r"(?:over|in)\s+the\s+(?:past|last)\s+(?:few\s+)?(?:days|weeks)|recently|"
                    r"previously|days\s+earlier|earlier\s+in\s+the\s+week|this\s+week)\b", _FLAGS)

_DIGIT = re.compile(r"\d")
#: Every month name and abbreviation holds one of these.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
#: Every phrase above holds one of these (weekdays end in "day"), or a digit.
_DATE_WORDS = frozenset({*_MONTH_STEMS, "yesterday", "night", "day", "earlier", "week",
                         "recent", "previous", "today", "morning", "afternoon", "evening", "ago",
                         "later", "before", "after", "over", "past"})
#: Per pattern, words one of which its every match holds (no words: a digit is needed).
_MONTH_KEYS = frozenset(_MONTH_STEMS)
_YESTERDAY_KEYS = frozenset({"yesterday", "night"})
_TODAY_KEYS = frozenset({"today", "tonight", "this"})
_OVERNIGHT_KEYS = frozenset({"overnight"})
_WEEKDAY_KEYS = frozenset({"day"})
_AGO_KEYS = frozenset({"day", "week"})
_VAGUE_KEYS = frozenset({"recent", "previous", "earlier", "week", "month", "past", "last"})
#: Finds all those words in a lower-case text at once, overlapping ("overnight": "over").
_KEY_WORDS = word_automaton(_DATE_WORDS | _MONTH_KEYS | _YESTERDAY_KEYS | _TODAY_KEYS
                            | _OVERNIGHT_KEYS | _WEEKDAY_KEYS | _AGO_KEYS | _VAGUE_KEYS)
#: Characters whose lower case matches an ASCII letter of the patterns in other ways.
FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


class TimeExpr(NamedTuple):
    """A time expression: ``text[start:end]``, the day it gives, how, and a note (a named
    tuple: one or more per sentence read).

    ``origin`` is ``explicit``, ``month``, ``yesterday``, ``today``, ``overnight``, ``weekday``,
    ``relative``, ``vague``; ``shift`` marks "N days after" (see the module docstring): its
    ``days`` are applied to the date before it, for the clause that follows.
    """

    start: int
    end: int
    day: dt.date
    origin: str
    note: str = ""
    shift: int | None = None


def _explicit(report_date: dt.date, month_name: str, day_text: str,
              year_text: str | None) -> dt.date | None:
    month = _MONTHS.get(month_name.lower().rstrip("."))
    if month is None:
        return None
    year = int(year_text) if year_text else report_date.year
    try:
        day = dt.date(year, month, int(day_text))
    except ValueError:
        return None
    if year_text is None and day > report_date + dt.timedelta(days=1):
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:
            return None
    return day


def _count(text: str) -> int:
    word = " ".join(text.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.replace("a couple", "couple"),
                                                              1)


def time_expressions(text: str, report_date: dt.date) -> list[TimeExpr]:
    """The time expressions of a sentence, in text order, not overlapping.

    Parameters
    ----------
    text : str
        A sentence (any length; linear time).
    report_date : datetime.date
        The report's date: the anchor of relative expressions.

    Returns
    -------
    list of TimeExpr
    """
    plain = text.isascii() or not any(c in text for c in FOLDS_TO_ASCII)
    low = text.lower() if plain else None
    digits = _DIGIT.search(text) is not None
    present = None if low is None else {w for _end, w in _KEY_WORDS.iter(low)}
    if present is not None and not digits and present.isdisjoint(_DATE_WORDS):
        return []

    def holds(words: frozenset[str]) -> bool:  # False only when no pattern keyed on ``words``
        return present is None or not present.isdisjoint(words)  # can match

    months = holds(_MONTH_KEYS)
    found: list[TimeExpr] = []
    for m in _DAY_MONTH.finditer(text) if digits and months else ():
        day = _explicit(report_date, m.group(3), m.group(2) or m.group(1), m.group(4))
        if day is not None:
            found.append(TimeExpr(m.start(), m.end(), day, "explicit"))
    for m in _MONTH_DAY.finditer(text) if digits and months else ():
        day = _explicit(report_date, m.group(1), m.group(3) or m.group(2), m.group(4))
        if day is not None:
            found.append(TimeExpr(m.start(), m.end(), day, "explicit"))
    for m in _MONTH_YEAR.finditer(text) if digits and months else ():  # the month only
        month = _MONTHS.get(m.group(1).lower().rstrip("."))
        if month is not None:
            found.append(TimeExpr(m.start(), m.end(), dt.date(int(m.group(2)), month, 1),
                                  "month", f"the text gives the month only ({m.group(0)})"))
    for m in _YEAR_ONLY.finditer(text) if digits else ():  # "in 2016": the year only
        if int(m.group(1)) != report_date.year:
            found.append(TimeExpr(m.start(), m.end(), dt.date(int(m.group(1)), 1, 1), "year",
                                  f"the text gives the year only ({m.group(0)})"))
    for m in _NUMERIC.finditer(text) if digits else ():
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
            m.group(6), m.group(5), m.group(4))
        with contextlib.suppress(ValueError):  # "2018-02-30" is no day
            found.append(TimeExpr(m.start(), m.end(), dt.date(int(y), int(mo), int(d)),
                                  "explicit"))
    for m in _YESTERDAY.finditer(text) if holds(_YESTERDAY_KEYS) else ():
        found.append(TimeExpr(m.start(), m.end(), report_date - dt.timedelta(days=1),
                              "yesterday"))
    for m in _TODAY.finditer(text) if holds(_TODAY_KEYS) else ():
        found.append(TimeExpr(m.start(), m.end(), report_date, "today"))
    for m in _OVERNIGHT.finditer(text) if holds(_OVERNIGHT_KEYS) else ():
        found.append(TimeExpr(m.start(), m.end(), report_date, "overnight",
                              "overnight: the night that ended on the report's date"))
    for m in _WEEKDAY.finditer(text) if holds(_WEEKDAY_KEYS) else ():
        which = (m.group(1) or "").lower()
        if which in ("next", "coming"):
            continue
        wanted = _WEEKDAYS.index(m.group(2).lower())
        back = (report_date.weekday() - wanted) % 7
        if back == 0 and which:  # "last Friday" in a Friday's report: a week before
            back = 7
        found.append(TimeExpr(m.start(), m.end(), report_date - dt.timedelta(days=back),
                              "weekday"))
    for m in _AGO.finditer(text) if holds(_AGO_KEYS) else ():
        n = _count(m.group(1)) * (7 if m.group(2).lower().startswith("week") else 1)
        direction = m.group(3).lower()
        if direction == "after":  # "a week after <clause>": that clause is n days earlier
            found.append(TimeExpr(m.start(), m.end(), report_date, "relative", shift=-n))
        elif direction == "later":
            found.append(TimeExpr(m.start(), m.end(), report_date, "relative", shift=n))
        elif direction == "before" and not text[m.end():m.end() + 12].lstrip(
                " ,.;:)")[:1].isalpha():
            found.append(TimeExpr(m.start(), m.end(), report_date - dt.timedelta(days=n),
                                  "relative"))
        elif direction == "before":  # "two days before <clause>": n days after the anchor
            found.append(TimeExpr(m.start(), m.end(), report_date, "relative", shift=n))
        else:
            found.append(TimeExpr(m.start(), m.end(), report_date - dt.timedelta(days=n),
                                  "relative"))
    for m in _VAGUE.finditer(text) if holds(_VAGUE_KEYS) else ():
        found.append(TimeExpr(
            m.start(), m.end(), report_date, "vague",
            f"the text says '{m.group(1)}': the report date {report_date} is an upper bound, "
            f"not the event date"))
    return _anchored(_without_overlaps(found))


def _without_overlaps(found: list[TimeExpr]) -> list[TimeExpr]:
    kept: list[TimeExpr] = []
    for t in sorted(found, key=lambda t: (t.start, -(t.end - t.start))):
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept


def _anchored(found: list[TimeExpr]) -> list[TimeExpr]:
    """Apply each shift to the latest absolute day before it in the sentence (else the
    report's date, already in ``day``)."""
    out: list[TimeExpr] = []
    anchor: TimeExpr | None = None
    for t in found:
        if t.shift is not None:
            base = anchor.day if anchor is not None else t.day
            t = TimeExpr(t.start, t.end, base + dt.timedelta(days=t.shift), "relative", t.note,
                         t.shift)
        elif t.origin != "vague":
            anchor = t
        out.append(t)
    return out


_PREFERENCE = ("explicit", "yesterday", "weekday", "relative", "month", "year", "today",
               "overnight", "vague")


def resolve_date(text: str, report_date: dt.date) -> tuple[dt.date, str, str]:
    """The day a text refers to, how it was found, and a note (empty when exact).

    The most precise expression wins (explicit, yesterday, weekday, relative, today,
    overnight, vague), the first of its kind in the text; none: the report's date.

    Parameters
    ----------
    text : str
        The sentence (or sentences) to read.
    report_date : datetime.date
        The report's date: the default, and the anchor of relative dates.

    Returns
    -------
    tuple of (datetime.date, str, str)
        The date; its origin (as ``TimeExpr.origin``, or ``report``); a note.
    """
    found = time_expressions(text, report_date)
    for origin in _PREFERENCE:
        for t in found:
            if t.origin == origin and t.shift is None:
                return t.day, t.origin, t.note
    return report_date, "report", ""
