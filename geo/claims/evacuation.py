"""Evacuation claims: people leave a place for a named one (a route needs a destination).

"evacuated / left / bussed / fled / headed ... to (the towns of) X (and Y)": the destination
places follow "to", "towards", "for", "into"; the origin is "from X" (or "out of", "left X"),
else the place just before the verb ("fighters stranded in Douma left for Idlib"), else the
place of the sentence just before (lower confidence). Who leaves (civilians, fighters...),
how many people and buses, when the sentence says.
"""

from __future__ import annotations

import bisect
import re
from typing import ClassVar

from geo.claims.core import BASE_CONFIDENCE, Claim, ClaimKind, EvacuationDetail, Explanation
from geo.claims.document import Document
from geo.claims.phrases import (
    ARTICLE,
    Sentence,
    context_place,
    hedge,
    is_modifier,
    list_lead,
    previous,
)
from geo.claims.rule import EventRule, build_claim, text_date

_EVACUATE = re.compile(r"\b(evacuat\w*|leave|left|leaving|depart\w*|bus(?:s)?ed|transferred|"
                       r"relocated|moved|exit(?:ed)?|flee|fled|fleeing|headed|"
                       # "head"/"heading" only as a movement ("the head of the council" is not)
                       r"head(?:s|ing)?(?=\s+(?:back\s+|north\w*\s+|south\w*\s+)?"
                       r"(?:to|towards|for|into)\b))\b", re.I)
_TO_PREP = re.compile(r"\b(?:to|towards|for|into)\s+(?:the\s+)?(?:nearby\s+|neighbou?ring\s+)?"
                      r"(?:(?:towns?|villages?|city|cities|areas?|district|camps?)\s+of\s+)?"
                      + ARTICLE + "$", re.I)
_FROM_PREP = re.compile(r"\b(?:from|out\s+of|left|leave|leaving|exited|fled)\s+(?:<\w+>)?"
                        r"(?:the\s+)?(?:(?:towns?|villages?|city|areas?)\s+of\s+)?"
                        + ARTICLE + "$", re.I)
_WHO = re.compile(r"\b(civilians|fighters|militants|rebels|families|wounded|injured|sick|"
                  r"residents|people|gunmen|insurgents|women|children)\b", re.I)
_PEOPLE = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:\w+\s+){0,2}?(people|persons|civilians|"
                     r"fighters|militants|rebels|gunmen|residents|individuals)\b", re.I)
_BUSES = re.compile(r"\b(\d{1,3}(?:,\d{3})*|\d+)\s+(?:\w+\s+)?buses\b", re.I)
_WORDS = ("evacuat", "leav", "left", "depart", "bus", "transferred", "relocated", "moved",
          "exit", "fle", "head")


class EvacuationRule(EventRule):
    """Evacuations (module docstring): an ``events.csv`` row each when accepted."""

    name: ClassVar[str] = "evacuation"
    kinds: ClassVar[tuple[ClaimKind, ...]] = (ClaimKind.EVACUATION,)
    cues: ClassVar[tuple[str, ...]] = _WORDS

    def extract(self, doc: Document, i: int) -> list[Claim]:
        """The evacuation of sentence ``i``, if it names a destination."""
        s = Sentence.of(doc, i)
        low = s.lower()
        if not s.places or not any(w in low for w in _WORDS):
            return []
        verb = _EVACUATE.search(s.text)
        if not verb:
            return []
        to = [p for p, st, _e in s.places
              if st > verb.start() and _TO_PREP.search(list_lead(s, st))]
        if not to:
            return []
        going = set(to)
        origin = [p for p, st, _e in s.places
                  if p not in going and _FROM_PREP.search(list_lead(s, st))]
        if not origin:  # "fighters stranded in Douma left for Idlib"
            before = s.places[:bisect.bisect_right(s.ends, verb.start())]
            origin = next(([p] for p, _s, e in reversed(before)
                           if p not in going and not is_modifier(s, e)), [])
        context = None
        earlier = previous(doc, i)
        if not origin:
            found = context_place(earlier)
            if found and found[0] not in going:
                origin, context = [found[0]], found[1]
        who_text = s.text if _WHO.search(s.text) else " ".join(p.text for p in earlier)
        who = [w.lower() for w in _WHO.findall(who_text)]
        people = _PEOPLE.search(s.text)
        buses = _BUSES.search(s.text)
        info = EvacuationDetail(
            origin[0] if origin else None, tuple(dict.fromkeys(to)), who[-1] if who else None,
            int(people.group(1).replace(",", "")) if people else None,
            int(buses.group(1).replace(",", "")) if buses else None)
        why = Explanation("evacuation", "people leave a place for another",
                          (verb.group(0),))
        factions = [f for f, _s, _e in s.factions]
        context_text = context.text if context else ""
        return [build_claim(doc, i, ClaimKind.EVACUATION, [*origin, *to], factions, info, why,
                            day=text_date(doc, s.text, context_text),
                            confidence=BASE_CONFIDENCE, context=context_text,
                            hedge=hedge(s.text + " " + context_text))]
