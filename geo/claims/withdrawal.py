"""Withdrawal claims: "Y withdrew from / pulled out of X (and Z)".

Y left the places, but who holds them next is not said: the claim is an event, not a change
of control. Places that a control claim of the same sentence already settles ("left X before
the entrance of Z") are left out, as are non-places ("withdrew from the talks").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from typing import ClassVar

from geo.claims.core import Claim, ClaimKind, Explanation, WithdrawalDetail
from geo.claims.document import Document
from geo.claims.phrases import ARTICLE, LIST_GAP, Sentence, hedge, is_modifier
from geo.claims.rule import EventRule, build_claim, text_date
from geo.claims.spans import MAX_LIST

_WITHDREW = re.compile(r"\b(withdr[ae]wn?|withdraws?|withdrawing|pull(?:ed|s|ing)?\s+out|"
                       r"retreat(?:ed|s|ing)?)\s+(?:completely\s+|fully\s+)?(?:from|of)\b",
                       re.I)
_OBJECT = re.compile(r"\s+(?:the\s+)?(?:(?:\w+\s+)?(?:town|city|village|district|suburb|"
                     r"outskirts|centre|center|neighbou?rhood)s?\s+of\s+)?" + ARTICLE, re.I)
_SPACES = re.compile(r"\s+")


class WithdrawalRule(EventRule):
    """Withdrawals (module docstring): an ``events.csv`` row each when accepted."""

    name: ClassVar[str] = "withdrawal"
    kinds: ClassVar[tuple[ClaimKind, ...]] = (ClaimKind.WITHDRAWAL,)
    cues: ClassVar[tuple[str, ...]] = ("withdr", "pull", "retreat")

    def extract(self, doc: Document, i: int, claimed: Collection[str] = ()) -> list[Claim]:
        """The withdrawals of sentence ``i`` from places not in ``claimed``."""
        s = Sentence.of(doc, i)
        low = s.lower()
        if not s.places or not any(w in low for w in ("withdr", "pull", "retreat")):
            return []
        taken = set(claimed)
        out = []
        for m in _WITHDREW.finditer(s.text):
            places = [p for p in _object_places(s, m.end()) if p not in taken]
            if not places:  # "withdrew from the talks", "pulled out of the deal"
                continue
            taken.update(places)
            faction = next((f for f, _st, e in reversed(s.factions)
                            if e <= m.start() and m.start() - e <= 60), None)
            verb = _SPACES.sub(" ", m.group(1).lower())
            why = Explanation("withdrawal", "a faction leaves a place", (m.group(0),))
            out.append(build_claim(doc, i, ClaimKind.WITHDRAWAL, places,
                                   [faction] if faction else [],
                                   WithdrawalDetail(faction, verb), why,
                                   day=text_date(doc, s.text), hedge=hedge(s.text)))
        return out


def _object_places(s: Sentence, pos: int) -> list[str]:
    """The places right after ``pos``: "from (the town of) A, B and C"."""
    out: list[str] = []
    cursor = pos
    first = bisect.bisect_left(s.starts, pos)
    for pid, st, e in s.places[first:first + MAX_LIST]:
        gap = s.text[cursor:st]
        pattern = _OBJECT if not out else LIST_GAP
        if len(gap) > 60 or not pattern.fullmatch(gap) or is_modifier(s, e):
            break
        out.append(pid)
        cursor = e
    return out
