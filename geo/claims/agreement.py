"""Agreement and negotiation claims: deals and talks about a place.

- agreement: "<party> in X agreed to ...", "a deal was reached/signed for X", with the terms
  it names (safe passage, laying down arms, prisoner exchange...). A place that qualifies
  people ("Douma elders") names who, not where. An agreement whose places change hands by
  agreement in the same paragraph is folded into that control claim (``fold_handovers``).
- negotiation: "negotiations/talks on/over/for/in X" (a place must be what the talks are on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from geo.claims.core import (
    AgreementDetail,
    Claim,
    ClaimKind,
    ControlDetail,
    Explanation,
    NegotiationDetail,
)
from geo.claims.document import Document
from geo.claims.phrases import ARTICLE, Sentence, hedge, is_modifier, list_lead
from geo.claims.rule import EventRule, build_claim, text_date

_AGREE = re.compile(r"\b(agreed\s+(?:to|on|upon)|agreement\s+(?:was\s+|has\s+been\s+)?"
                    r"(?:reached|signed|struck|concluded|announced)|deal\s+(?:was\s+|has\s+been\s+)?"
                    r"(?:reached|signed|struck|concluded|announced)|(?:reached|signed|struck)\s+"
                    r"(?:an?\s+)?(?:agreement|deal))\b", re.I)
_TERMS = re.compile(r"\b(safe\s+passage|lay\s+down\s+(?:their\s+)?arms|hand\s+over\s+"
                    r"(?:their\s+)?(?:heavy\s+)?weapons|exchange\s+of\s+prisoners|prisoner\s+"
                    r"exchange|pardon\w*|evacuat\w+|ceasefire|settle\w*\s+(?:of\s+)?(?:the\s+)?"
                    r"legal\s+status)\b", re.I)
_LOCATIVE = re.compile(r"\b(?:in|for|of|over|from|at)\s+(?:the\s+)?(?:\w+\s+)?" + ARTICLE + "$",
                       re.I)
_NEGOTIATE = re.compile(r"\b(negotiations?|talks)\s+(?:on|over|about|for|in|regarding)\s+"
                        r"(?:the\s+(?:fate|future|status)\s+of\s+)?$", re.I)
_SPACES = re.compile(r"\s+")
_HANDOVER_WORDS = ("agreement", "deal", "reconciliation", "settlement")


class AgreementRule(EventRule):
    """Agreements and negotiations (module docstring): an ``events.csv`` row each."""

    name: ClassVar[str] = "agreement"
    kinds: ClassVar[tuple[ClaimKind, ...]] = (ClaimKind.AGREEMENT, ClaimKind.NEGOTIATION)
    cues: ClassVar[tuple[str, ...]] = ("agree", "deal", "negotiation", "talks")

    def extract(self, doc: Document, i: int) -> list[Claim]:
        """The agreement and negotiation claims of sentence ``i``."""
        s = Sentence.of(doc, i)
        low = s.lower()
        if not s.places or not any(w in low for w in ("agree", "deal", "negotiation", "talks")):
            return []
        out: list[Claim] = []
        agree = _AGREE.search(s.text) if ("agree" in low or "deal" in low) else None
        places = [p for p, st, e in s.places if not is_modifier(s, e)
                  and _LOCATIVE.search(list_lead(s, st))] if agree else []
        talks = next(([(pid, cue)] for pid, st, _e in s.places  # the first place talked about
                      if (cue := _NEGOTIATE.search(s.text[max(0, st - 60):st]))), []
                     ) if "negotiation" in low or "talks" in low else []
        if not (agree and places) and not talks:
            return out
        factions = [f for f, _s, _e in s.factions]
        day = text_date(doc, s.text)
        hedged = hedge(s.text)
        if agree and places:
            terms = tuple(sorted({_SPACES.sub(" ", t.lower()) for t in _TERMS.findall(s.text)}))
            why = Explanation("agreement", "an agreement for a place", (agree.group(0),))
            out.append(build_claim(doc, i, ClaimKind.AGREEMENT, places, factions,
                                   AgreementDetail(terms), why, day=day, hedge=hedged))
        for pid, cue in talks:
            why = Explanation("agreement", "talks about a place", (cue.group(1),))
            out.append(build_claim(doc, i, ClaimKind.NEGOTIATION, [pid], factions,
                                   NegotiationDetail(), why, day=day, hedge=hedged))
        return out


def fold_handovers(claims: Sequence[Claim], paragraphs: Sequence[int]) -> list[Claim]:
    """Drop an agreement whose places change hands by agreement in the same paragraph."""
    handovers = {(paragraphs[c.sentence_index], p) for c in claims
                 if isinstance(c.info, ControlDetail) and c.info.by_agreement
                 for p in c.localities}
    return [c for c in claims if not (
        c.type == ClaimKind.AGREEMENT
        and all((paragraphs[c.sentence_index], p) in handovers for p in c.localities))]
