"""Ceasefire and corridor claims: a truce or a humanitarian corridor put in place (or closed).

A ceasefire, truce or humanitarian pause that is introduced, declared, opened, in effect...
(not one merely mentioned: "hoped for a ceasefire") or that has daily hours; a corridor that
is opened, established... or closed. Hours "from 9:00 to 14:00", "8 a.m. until 4 p.m." or
"09:00-14:00" become ``09:00-14:00``. The places are the sentence's (not those that qualify
people or give a bearing); with none, the confidence is lower.
"""

from __future__ import annotations

import re
from typing import ClassVar

from geo.claims.core import (
    BASE_CONFIDENCE,
    CeasefireDetail,
    Claim,
    ClaimKind,
    CorridorDetail,
    Explanation,
)
from geo.claims.document import Document
from geo.claims.phrases import Sentence, hedge, is_modifier
from geo.claims.rule import EventRule, build_claim, text_date

_CEASEFIRE = re.compile(r"\b(cease-?fire|truce|humanitarian\s+pauses?|cessation\s+of\s+"
                        r"hostilities)\b", re.I)
_CORRIDOR = re.compile(r"\b(?:humanitarian\s+)?corridors?\b", re.I)
_ESTABLISH = re.compile(
    r"\b(introduc\w*|declar\w*|announc\w*|impos\w*|establish\w*|creat\w*|open\w*|set\s+up|"
    r"in\s+effect|in\s+place|took\s+effect|takes?\s+effect|into\s+force|came\s+into|"
    r"began|begins?|started|starts?|launch\w*|reopen\w*)\b", re.I)
#: Every match of ``_ESTABLISH`` holds one of these: a sentence without any is not searched.
_ESTABLISH_WORDS = ("introduc", "declar", "announc", "impos", "establish", "creat", "open",
                    "set", "effect", "place", "force", "came", "began", "begin", "start",
                    "launch")
_CLOSE = re.compile(r"\b(clos\w*|shut\w*|suspend\w*)\b", re.I)
# "(?:\s*(am))?\s+", not "\s*(am)?\s+": two adjacent runs of spaces would be tried in every
# split of a long run of spaces (quadratic); one optional group keeps it linear.
_HOURS = re.compile(r"\bfrom\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s*(a\.?m\.?|p\.?m\.?))?\s+(?:to|"
                    r"until|till)\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s*(a\.?m\.?|p\.?m\.?))?",
                    re.I)
_HOURS_DASH = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\b")
_DAILY = re.compile(r"\b(daily|every\s+day|each\s+day)\b", re.I)
_NO_PLACE_PENALTY = 0.2


def hours(text: str) -> str | None:
    """Daily hours in a text as ``HH:MM-HH:MM`` (None when it gives none)."""
    m = _HOURS.search(text)
    if m:
        h1, m1, ap1, h2, m2, ap2 = m.groups()
        a, b = _clock(h1, m1, ap1), _clock(h2, m2, ap2)
        return f"{a}-{b}" if a and b else None
    m = _HOURS_DASH.search(text)
    if m:
        a, b = _clock(m.group(1), m.group(2), None), _clock(m.group(3), m.group(4), None)
        return f"{a}-{b}" if a and b else None
    return None


def _clock(hour: str, minute: str | None, ampm: str | None) -> str | None:
    h, mi = int(hour), int(minute or 0)
    if ampm and ampm.lower().startswith("p") and h < 12:
        h += 12
    if ampm and ampm.lower().startswith("a") and h == 12:
        h = 0
    return f"{h:02d}:{mi:02d}" if 0 <= h < 24 and 0 <= mi < 60 else None


class TruceRule(EventRule):
    """Ceasefires and corridors (module docstring): an ``events.csv`` row each."""

    name: ClassVar[str] = "truce"
    kinds: ClassVar[tuple[ClaimKind, ...]] = (ClaimKind.CEASEFIRE, ClaimKind.CORRIDOR)
    cues: ClassVar[tuple[str, ...]] = ("cease", "truce", "pause", "cessation", "corridor")

    def extract(self, doc: Document, i: int) -> list[Claim]:
        """The ceasefire and corridor claims of sentence ``i``."""
        s = Sentence.of(doc, i)
        low = s.lower()
        truce_word = _CEASEFIRE.search(s.text) if any(
            w in low for w in ("cease", "truce", "pause", "cessation")) else None
        corridor_word = _CORRIDOR.search(s.text) if "corridor" in low else None
        if truce_word is None and corridor_word is None:
            return []
        daily_hours = hours(s.text)
        established = _ESTABLISH.search(s.text) if s.may_hold(_ESTABLISH_WORDS) else None
        closed = _CLOSE.search(s.text) if corridor_word else None
        truce = truce_word is not None and (established or daily_hours)
        corridor = corridor_word is not None and (established or closed)
        if not (truce or corridor):
            return []
        places = [p for p, _s, e in s.places if not is_modifier(s, e)]
        factions = [f for f, _s, _e in s.factions]
        confidence = BASE_CONFIDENCE if places else BASE_CONFIDENCE - _NO_PLACE_PENALTY
        note = "" if places else "no place named in the sentence"
        cue = established.group(0) if established else (closed.group(0) if closed else "")
        day = text_date(doc, s.text)
        hedged = hedge(s.text)
        out = []
        if truce:
            assert truce_word is not None
            why = Explanation("truce", "a ceasefire put in place",
                              tuple(w for w in (truce_word.group(0), cue) if w))
            out.append(build_claim(doc, i, ClaimKind.CEASEFIRE, places, factions,
                                   CeasefireDetail(daily_hours, bool(_DAILY.search(s.text)),
                                                   note),
                                   why, day=day, confidence=confidence, hedge=hedged))
        if corridor:
            assert corridor_word is not None
            status = "closed" if closed and not established else "open"
            why = Explanation("truce", f"a corridor {'closed' if status == 'closed' else 'opened'}",
                              tuple(w for w in (corridor_word.group(0), cue) if w))
            out.append(build_claim(doc, i, ClaimKind.CORRIDOR, places, factions,
                                   CorridorDetail(status, daily_hours, note),
                                   why, day=day, confidence=confidence, hedge=hedged))
        return out
