"""Control claims: who takes or holds which places, as the patterns over marked spans find it.

Patterns (the lexicon categories that trigger them in brackets):

- active [event]: "ACTOR captured / took control of / entered PLACE, PLACE and PLACE";
- passive [participle]: "PLACE was captured (by ACTOR)"; before a place: "the recently
  restored PLACE";
- nominal [noun]: "the seizure of PLACE and PLACE (by ACTOR)", "ACTOR's capture of PLACE";
- fell [fell]: "PLACE fell to ACTOR";
- state [state]: "ACTOR controls PLACE", "ACTOR, controlling PLACE...", "the group in control
  of PLACE, ACTOR", "trying to keep its positions in PLACE";
- state_by [state_by]: "PLACE, held / controlled / dominated by ACTOR";
- under_control [possession]: "PLACE under (the) control of ACTOR", "under ACTOR control",
  "in ACTOR hands", "in the hands of ACTOR";
- compound [compound]: "ACTOR-held PLACE", "the rebel-held town of PLACE";
- stronghold [stronghold]: "the last ACTOR bastion of PLACE", "PLACE - the stronghold of ACTOR";
- presence [presence]: "ACTOR positions in PLACE" (weaker);
- declaration [declare]: "declared PLACE clear of terrorism", "PLACE was announced empty of
  militants", "PLACE is now free of ACTOR": the other side holds it;
- handover [handover]: "ACTOR handed over / gave away PLACE (to ACTOR)" (weaker);
- approach [approach]: "ACTOR advancing on PLACE" (weaker: a claim of movement);
- repel [repel]: "ACTOR repelled an attack on PLACE": the defender holds it (weaker);
- left_before_entry: "<fighters> left PLACE before the entrance of ACTOR".

Around each trigger: a negation ("failed to take") or an aim or a future ("aiming to
capture", "will be declared", "until PLACE was declared") makes no claim; a hedge
("reportedly", "sources said", an actor reporting its own gain) and a partial object ("half
of", "40% of", "the outskirts of", "largely") lower the confidence; a state said of the past
("had been controlled by") is no claim. Places may come as lists and anaphors ("the town",
"these towns"); a pronoun or "the group" stands for the actor named before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from geo.claims.core import (
    BASE_CONFIDENCE,
    PARTIAL_PENALTY,
    WEAK_CONFIDENCE,
    Claim,
    ClaimKind,
    ControlDetail,
    Explanation,
)
from geo.claims.document import Document
from geo.claims.grammar import (
    AUXILIARIES,
    NO_PLACES,
    REACH,
    Agent,
    Places,
    actor_after,
    agent_before,
    claim_date,
    governed,
    hedge_of,
    intended,
    negated,
    objects_after,
    partial_before,
    past_state,
    resolve_anaphor,
    self_report,
    side_after,
    subjects_before,
)
from geo.claims.lexicon import CONTROL_TRIGGERS, HYPHENATED
from geo.claims.rule import ClaimRule, Row, build_claim, confidence_level
from geo.claims.spans import ACTOR, HYPHENS, PLACE, PUNCT, WORD, Item, Mark, MarkedSentence
from geo.csvio import cell_text
from geo.errors import ClaimError
from geo.model import Dataset

#: Verbs whose actor, when the text names none, is the government side ("was liberated").
GOVERNMENT_VERBS = frozenset({"liberated", "restored"})
_GERUND_LEADS = frozenset({"after", "before", "following", "upon", "since", "while", "by",
                           "on", "when"})
_ENTRY = frozenset({"entrance", "entry", "arrival"})
_LEAVE = frozenset({"leave", "left", "leaving", "withdraw", "withdrew", "withdrawn",
                    "withdrawing", "exit", "exited", "evacuate", "evacuated", "pull", "pulled",
                    "depart", "departed"})
_TARGET = frozenset({"on", "against", "towards", "toward", "at", "into", "targeting", "upon"})
_BE = frozenset({"is", "are", "was", "were", "been", "being", "be"})
_RETURNED = frozenset({"returned", "returns", "return", "returning", "restored", "back",
                       "brought", "reverted", "handed", "passed"})
#: Verbs that bring a place under someone's control: "X came under the control of Y".
_FRAME_VERBS = frozenset({"came", "come", "comes", "coming", "fell", "falls", "fallen",
                          "returned", "returns", "return", "passed", "passes", "back", "brought",
                          "placed", "put", "firmly", "fully", "entirely", "completely", "now"})
_STRONGHOLD_ADJ = frozenset({"last", "main", "remaining", "final", "key", "only", "biggest",
                             "largest", "urban", "major", "former", "besieged", "'", "\u2019",
                             "s"})


@dataclass(frozen=True)
class _Found:
    """One control finding before it becomes a claim."""

    places: Places
    holder: str
    at: int
    pattern: str
    verb: str
    trigger: str
    confidence: float = BASE_CONFIDENCE
    state: bool = False
    hedge: str = ""
    holder_context: MarkedSentence | None = None
    partial: str = ""
    by_agreement: bool = False
    inferred: bool = False


class ControlRule(ClaimRule):
    """Control claims (module docstring): one ``control.csv`` row per place when accepted."""

    name: ClassVar[str] = "control"
    kinds: ClassVar[tuple[ClaimKind, ...]] = (ClaimKind.CONTROL,)

    def extract(self, doc: Document, i: int) -> list[Claim]:
        """The control claims of sentence ``i``."""
        items, phrases = doc.scanned(i)
        if not any(p.category in CONTROL_TRIGGERS and _may_fire(p.category, items, first)
                   for p, first, _l in phrases) and not any(it.low in _ENTRY for it in items):
            return []  # no trigger phrase in a row: no pattern can fire
        ms = doc.marked(i)
        found: list[_Found] = []
        present = ms.by_category
        for category, pattern in _PATTERNS:
            if category in present or category == "":
                found.extend(pattern(doc, ms))
        partial = {(p, f.holder): f for f in found if f.partial or f.places.partial
                   for p in f.places.ids}
        claims: list[Claim] = []
        seen: set[tuple[str, str]] = set()
        for f in found:
            ids = [p for p in f.places.ids if doc.dataset.has_locality(p)
                   and (p, f.holder) not in seen]
            if not ids or not f.holder or not doc.dataset.has_faction(f.holder):
                continue
            seen.update((p, f.holder) for p in ids)
            # "swept through X and now controls most of it": the sentence's claim is partial
            part = next((partial[(p, f.holder)] for p in ids if (p, f.holder) in partial), None)
            if part is not None and part is not f and not (f.partial or f.places.partial):
                f = dataclasses.replace(f, partial=part.partial or part.places.partial,
                                        places=dataclasses.replace(f.places,
                                                                   share=part.places.share))
            claims.append(_claim(doc, ms, f, ids))
        return claims

    def rows(self, claim: Claim, *, source: str, dataset: Dataset) -> list[Row]:
        """One ``control.csv`` row per place: the holder from that day, ``kind`` ``claim``."""
        holder = claim.detail.get("holder") or (claim.factions[0] if claim.factions else None)
        if not holder:
            raise ClaimError("a control claim needs the faction that holds the place")
        if not dataset.has_faction(holder):
            raise ClaimError(f"unknown faction id {holder!r}")
        if not claim.localities:
            raise ClaimError("a control claim needs at least one locality")
        not_territory = [i for i in claim.localities if not dataset.locality(i).territory]
        if not_territory:
            raise ClaimError(f"{', '.join(not_territory)} take(s) no part in the territory "
                             "(territory=0): it cannot be held")
        note = f" [{claim.notes.date_note}]" if claim.notes.date_note else ""
        detail = cell_text(claim.evidence + note)
        return [Row("control", {"date": claim.date.isoformat(), "locality": loc,
                                "faction": holder, "kind": "claim",
                                "confidence": confidence_level(claim.confidence),
                                "alt_dates": "", "detail": detail, "source": source},
                    ("date", "locality"))
                for loc in claim.localities]

    def clash(self, claim: Claim, rows: Sequence[Row]) -> str:
        """Places that change hands on the claim's day already."""
        places = ", ".join(r.values["locality"] for r in rows)
        return (f"{places} already change(s) hands on {claim.date.isoformat()} in "
                "control.csv: edit that row instead")

    def facts(self, claim: Claim, place: Callable[[str], str],
              faction: Callable[[str], str]) -> list[str]:
        """Holder, part held and whether it is a state or an event."""
        info = claim.info
        assert isinstance(info, ControlDetail)
        out = [f"held by {faction(info.holder)}" if info.state
               else f"taken by {faction(info.holder)}"]
        if info.partial:
            share = f" ({info.share:.0%})" if info.share is not None else ""
            out.append(f"partial{share}")
        return out


def _may_fire(category: str, items: Sequence[Item], first: int) -> bool:
    """False when the pattern of ``category`` cannot use the phrase starting at item
    ``first`` whatever else the sentence holds: a compound ("rebel-held") needs its hyphen."""
    if category in HYPHENATED:
        return first >= 2 and items[first - 1].text in HYPHENS
    return True


def _claim(doc: Document, ms: MarkedSentence, f: _Found, ids: list[str]) -> Claim:
    partial = bool(f.partial or f.places.partial)
    words = "; ".join(w for w in (f.partial, f.places.partial) if w)
    confidence = f.confidence - (PARTIAL_PENALTY if partial else 0.0)
    context = f.places.context or f.holder_context
    info = ControlDetail(holder=f.holder, verb=f.verb, state=f.state, partial=partial,
                         share=f.places.share if partial else None,
                         by_agreement=f.by_agreement, inferred=f.inferred)
    trig = tuple(t for t in (f.trigger, f.places.anaphor) if t)
    why = Explanation("control", f.pattern, trig, f.hedge, words)
    day = claim_date(ms, f.at, doc.report.date, context)
    return build_claim(doc, ms.index, ClaimKind.CONTROL, ids, [f.holder], info, why, day=day,
                       confidence=confidence, context=context.text if context else "",
                       hedge=f.hedge)


def _text(ms: MarkedSentence, m: Mark) -> str:
    return ms.span_text(m.first, m.last)


def _blocked(ms: MarkedSentence, at: int, *, holding: bool = False) -> bool:
    return negated(ms, at) or intended(ms, at, holding=holding)


def _hedge(ms: MarkedSentence, agent: Agent | None, at: int) -> str:
    return hedge_of(ms, at) or self_report(ms, agent, at)


def _other_side(doc: Document, side: str) -> str:
    """The faction standing for the side opposed to ``side`` when there are exactly two."""
    sides = [s for s in doc.sides.generic_of if s not in ("unknown", side)]
    if side and len(sides) == 1 and side in doc.sides.generic_of:
        return doc.sides.generic_of[sides[0]]
    return ""


def _side_holder(ms: MarkedSentence, k: int, doc: Document) -> str:
    """The faction item ``k`` names: an actor's, or the one a side word stands for."""
    it = ms.items[k]
    if it.kind == ACTOR:
        return it.ref
    if it.kind == WORD and ms.is_(k, "side"):
        side = ms.lexicon.value("side", (it.low,)) or ""
        return doc.sides.generic_of.get(side, "")
    return ""


# ----------------------------------------------------------------------------- patterns

def _active(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("event"):
        if _blocked(ms, m.first):
            continue
        bare_take = ms.word(m.first) in ("take", "takes", "took", "taken", "taking") and (
            m.last - m.first == 1)
        places = objects_after(ms, m.last, doc, lead_max=4 if bare_take else 10)
        agent = agent_before(ms, m.first, doc)
        if not places.ids and agent is not None:  # "X, which the army captured on Sunday"
            places = _relative_object(ms, agent.item)
        if not places.ids or (bare_take and places.partial):
            continue
        if agent is None and ms.word(m.first).endswith("ing") and any(
                ms.word(k) in _GERUND_LEADS for k in range(max(0, m.first - 2), m.first)):
            agent = _first_free_actor(ms, places.last)
        holder = agent.faction if agent else ""
        if not holder and m.value in GOVERNMENT_VERBS:
            holder = doc.sides.generic_of.get("government", "")
        out.append(_Found(places, holder, m.first, "active", m.value, _text(ms, m),
                          hedge=_hedge(ms, agent, m.first),
                          holder_context=agent.context if agent else None))
    return out


def _relative_object(ms: MarkedSentence, agent: int) -> Places:
    """"X, which the army captured": the places a relative pronoun before the agent (its
    determiner aside) stands for."""
    k = agent - 1
    if ms.word(k) in ("the", "a", "an"):
        k -= 1
    if ms.word(k) not in ("which", "that") or k < 1:
        return NO_PLACES
    k -= 1
    if ms.word(k) == ",":
        k -= 1
    if k < 0 or ms.items[k].kind != PLACE:
        return NO_PLACES
    members = [p for p in ms.lists.get(k, [k]) if p <= k]
    return Places(tuple(dict.fromkeys(ms.items[p].ref for p in members)), members[0], k + 1)


def _first_free_actor(ms: MarkedSentence, start: int) -> Agent | None:
    """The first actor from item ``start`` on (within ``REACH``) that is nobody's object."""
    for k in ms.actors_between(start, start + REACH):
        it = ms.items[k]
        if it.ref and not governed(ms, k):
            return Agent(it.ref, k, text=it.text)
    return None


def _passive(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("participle"):
        if _blocked(ms, m.first):
            continue
        by = actor_after(ms, m.last + 1, 4) if ms.word(m.last) == "by" else None
        aux = any(ms.word(k) in ("was", "were", "is", "are", "been", "being", "be", "get",
                                 "got", "gets") for k in range(max(0, m.first - 3), m.first))
        places = subjects_before(ms, m.first, doc, strict=True) if (aux or by) else NO_PLACES
        pattern = "passive"
        agent: Agent | None = by
        copula = _copular_list(ms, m)
        if not places.ids and copula is not None:  # "the liberated villages are A, B and C"
            places = objects_after(ms, copula, doc, lead_max=2, anaphors=False)
            pattern = "copular"
            agent = agent or agent_before(ms, m.first, doc)
        if not places.ids and _premodifier(ms, m):
            places = objects_after(ms, m.last, doc, lead_max=3, anaphors=False)
            pattern = "premodifier"
            if agent is None:
                agent = agent_before(ms, m.first, doc)
        if not places.ids:
            continue
        holder = agent.faction if agent else _liberator(ms, m, doc)
        inferred = not holder
        holder = holder or _taker(doc, ms, places, m.first)
        out.append(_Found(places, holder, m.first, pattern, _verb(ms, m), _text(ms, m),
                          hedge=_hedge(ms, agent, m.first),
                          holder_context=agent.context if agent else None, inferred=inferred))
    return out


def _copular_list(ms: MarkedSentence, m: Mark) -> int | None:
    """"the liberated villages are A, B", "the villages captured today include A": where the
    list starts (None when the participle does not qualify such a subject)."""
    k = m.last
    if ms.is_(k, "class"):  # "the captured villages are"
        k += 1
    elif ms.is_(m.first - 1, "class"):  # "the villages captured (today) are"
        while k < len(ms.items) and k - m.last < 3 and ms.word(k) not in _COPULAS:
            k += 1
    else:
        return None
    if ms.word(k) in _COPULAS:
        return k + 1 + (ms.word(k + 1) == ":")
    return None


_COPULAS = frozenset({"are", "were", "include", "included", "includes", "is", "was"})


def _premodifier(ms: MarkedSentence, m: Mark) -> bool:
    """"the (recently-)restored X": a participle between a determiner or adverb and a place."""
    k = m.last
    while k < len(ms.items) and ms.items[k].kind == PUNCT and ms.items[k].text in HYPHENS:
        k += 1
    if k >= len(ms.items) or ms.items[k].kind != PLACE:
        return False
    j = m.first - 1
    while j >= 0 and ms.items[j].kind == PUNCT and ms.items[j].text in HYPHENS:
        j -= 1
    return j >= 0 and ms.word(j) in ("the", "recently", "newly", "freshly", "just", "already")


def _verb(ms: MarkedSentence, m: Mark) -> str:
    word = ms.word(m.first)
    if word in ("liberated", "freed"):
        return "liberated"
    if word == "restored":
        return "restored"
    return m.value


#: A change the dataset has this many days before a report is the one the report tells of.
RECENT_CHANGE_DAYS = 14


def _taker(doc: Document, ms: MarkedSentence, places: Places, at: int) -> str:
    """Who took places the text names no taker for ("the fall of X", "X was captured"), by
    the dataset: the holder of a change of side it has in the fortnight up to the claim's
    day (the change the text tells of), else the side opposed to the holder then."""
    day = claim_date(ms, at, doc.report.date)[0]
    found = set()
    side_of = doc.sides.side_of
    for place in places.ids:
        rows = doc.control_until(place, day)
        if not rows:
            return ""
        last = rows[-1]
        before = rows[-2] if len(rows) > 1 else None
        if (before is not None and (day - last.date).days <= RECENT_CHANGE_DAYS
                and side_of.get(before.faction) != side_of.get(last.faction)):
            found.add(last.faction)
        else:
            found.add(_other_side(doc, side_of.get(last.faction, "")))
    return found.pop() if len(found) == 1 else ""


def _liberator(ms: MarkedSentence, m: Mark, doc: Document) -> str:
    """Who took a place in "X was captured/liberated (from Y)": not Y; the government when
    an actor of its side is in the sentence or the verb is one of ``GOVERNMENT_VERBS``; else
    the one actor of the sentence."""
    losers = set()
    if ms.word(m.last) == "from":
        loser = actor_after(ms, m.last + 1, 4)
        if loser is not None:
            losers.add(loser.faction)
    present = [ms.items[k].ref for k in ms.actors_between(m.first - REACH, m.last + REACH)
               if ms.items[k].ref and ms.items[k].ref not in losers]
    gov = [r for r in present if doc.sides.side_of.get(r) == "government"]
    if gov:
        return gov[0]
    if _verb(ms, m) in GOVERNMENT_VERBS:
        return doc.sides.generic_of.get("government", "")
    return present[0] if len(set(present)) == 1 else ""


def _nominal(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("noun"):
        if _blocked(ms, m.first):
            continue
        possessor = m.first - 3 if ms.word(m.first - 1) == "s" and ms.word(m.first - 2) in (
            "'", "\u2019") else -1
        if ms.word(m.last) == "of":
            places = objects_after(ms, m.last + 1, doc, lead_max=6)
        elif possessor >= 0 and ms.items[possessor].kind == PLACE:  # "Douma's fall"
            places = Places((ms.items[possessor].ref,), possessor, possessor + 1)
        else:
            continue
        if not places.ids or _modal_after(ms, max(places.last, m.last)):
            continue
        agent: Agent | None = None
        after = ms.word(places.last) if places.last > 0 else ""
        if after in ("by", "to"):
            agent = actor_after(ms, places.last + 1, 4)
        holder = agent.faction if agent else ""
        if not holder and possessor >= 0:  # "the army's capture of X", "the regime's"
            holder = _side_holder(ms, possessor, doc)
        inferred = False
        if not holder:  # who did not hold X the day before, by the dataset
            holder = _taker(doc, ms, places, m.first)
            inferred = bool(holder)
        if not holder and m.value != "fell":  # "the fall of X" has no agent in the sentence
            agent = agent_before(ms, m.first, doc) or _first_free_actor(ms, places.last)
            holder = agent.faction if agent else ""
        out.append(_Found(places, holder, m.first, "nominal", m.value, _text(ms, m),
                          hedge=_hedge(ms, agent, m.first),
                          holder_context=agent.context if agent else None, inferred=inferred))
    return out


def _modal_after(ms: MarkedSentence, at: int) -> bool:
    return ms.word(at) in ("would", "could", "will", "might", "may", "shall") or (
        ms.word(at) == "is" and ms.word(at + 1) in ("expected", "likely", "set"))


def _fell(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("fell"):
        if _blocked(ms, m.first):
            continue
        places = subjects_before(ms, m.first, doc, strict=True)
        agent = actor_after(ms, m.last, 5)
        if places.ids and agent is not None:
            out.append(_Found(places, agent.faction, m.first, "fell", "fell", _text(ms, m),
                              hedge=hedge_of(ms, m.first)))
    return out


def _state(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("state"):
        if (ms.word(m.last) == "by" or ms.word(m.first - 1) in HYPHENS
                or past_state(ms, m.first) or _blocked(ms, m.first, holding=True)
                or _passive_state(ms, m) or _noun_control(ms, m)):
            continue
        adjacent = ms.word(m.first) in ("in", "is", "are", "was", "were", "remain", "remains",
                                        "remained")
        places = objects_after(ms, m.last, doc)
        if not places.ids:
            continue
        agent = agent_before(ms, m.first, doc, adjacent=adjacent)
        if agent is None:
            continue
        out.append(_Found(places, agent.faction, m.first, "state", "held", _text(ms, m),
                          state=True, hedge=_hedge(ms, agent, m.first),
                          holder_context=agent.context, partial=partial_before(ms, m.first)))
    return out


def _passive_state(ms: MarkedSentence, m: Mark) -> bool:
    """"(abductees) who were held inside X": a passive without its agent is no holding."""
    word = ms.word(m.first)
    if m.last - m.first != 1 or not (word == "held" or word.endswith("ed")):
        return False
    k = m.first - 1
    while k > 0 and ms.word(k) in AUXILIARIES and ms.word(k) not in _BE:
        k -= 1
    return ms.word(k) in _BE


def _noun_control(ms: MarkedSentence, m: Mark) -> bool:
    """"full control of", "secure control of": the noun, not the verb "(rebels) control X"."""
    if m.last - m.first != 1 or ms.word(m.first) != "control":
        return False
    before = ms.items[m.first - 1] if m.first else None
    return not (before is not None and (before.kind == ACTOR or ms.word(m.first - 1) in (
        "still", "now", "also", "largely", "effectively", "only", "fully", "jointly",
        "currently", "reportedly", "who", "which", "that", "they")))


def _state_by(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("state_by"):
        if past_state(ms, m.first) or negated(ms, m.first):
            continue
        agent = actor_after(ms, m.last, 6)
        if agent is None:
            continue
        places = subjects_before(ms, m.first, doc, strict=False)
        if places.ids:
            out.append(_Found(places, agent.faction, m.first, "state_by", "held", _text(ms, m),
                              state=True, hedge=hedge_of(ms, m.first),
                              partial=partial_before(ms, m.first)))
    return out


def _under_control(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("possession"):
        head = m.first
        opener = next((k for k in range(head - 1, max(-1, head - 6), -1)
                       if ms.word(k) in ("under", "in") or (ms.word(k) == "to" and ms.word(
                           k - 1) in _RETURNED)), None)  # "returned to government control"
        if opener is None:
            continue
        holder = ""
        for k in range(opener + 1, head):  # "under rebel control", "in Jaysh al-Islam's hands"
            holder = holder or _side_holder(ms, k, doc)
            if ms.items[k].kind == PLACE or ms.word(k) in (",", "and", "or"):
                holder = ""
                break
        if not holder and ms.word(m.last) == "of":  # "under the control of ACTOR"
            agent = actor_after(ms, m.last + 1, 4)
            holder = agent.faction if agent else ""
        if not holder or past_state(ms, opener) or _blocked(ms, opener, holding=True):
            continue
        start = opener
        while start > 0 and ms.word(start - 1) in _FRAME_VERBS:
            start -= 1
        places = subjects_before(ms, start, doc, strict=False)
        if places.ids:
            out.append(_Found(places, holder, opener, "under_control", "under_control",
                              ms.span_text(opener, m.last), state=True,
                              hedge=hedge_of(ms, opener)))
    return out


def _compound(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("compound"):
        if m.first < 2 or not (ms.items[m.first - 1].kind == PUNCT
                               and ms.items[m.first - 1].text in HYPHENS):
            continue
        holder = _side_holder(ms, m.first - 2, doc)
        if not holder or past_state(ms, m.first - 2):
            continue
        places = objects_after(ms, m.last, doc, lead_max=4, anaphors=False)
        if places.ids and places.first <= m.last + 3:
            out.append(_Found(places, holder, m.first, "compound", "held",
                              ms.span_text(m.first - 2, m.last), state=True,
                              hedge=hedge_of(ms, m.first)))
    return out


def _stronghold(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("stronghold"):
        if ms.word(m.last) != "of" or past_state(ms, m.first):
            continue
        after = ms.items[m.last + 1:m.last + 4]
        owner = next((a for a in after if a.kind in (ACTOR, PLACE)), None)
        if owner is None:
            continue
        if owner.kind == ACTOR and owner.ref:  # "X - the stronghold of ACTOR"
            places = subjects_before(ms, m.first, doc, strict=False)
            holder = owner.ref
        else:  # "the last ACTOR bastion of X"
            k = m.first - 1
            while k >= 0 and ms.word(k) in _STRONGHOLD_ADJ:
                k -= 1
            if k < 0:
                continue
            holder = _side_holder(ms, k, doc)
            if not holder and ms.word(k) in ("its", "their"):
                agent = agent_before(ms, k + 1, doc)
                holder = agent.faction if agent else ""
            places = objects_after(ms, m.last + 1, doc, lead_max=3, anaphors=False)
        if holder and places.ids:
            out.append(_Found(places, holder, m.first, "stronghold", "held", _text(ms, m),
                              state=True, hedge=hedge_of(ms, m.first)))
    return out


def _presence(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("presence"):
        if _blocked(ms, m.first, holding=True) or past_state(ms, m.first):
            continue
        agent_context = None
        if m.value == "present":  # "ACTOR (still) remain(s) inside X"
            agent = agent_before(ms, m.first, doc)
            holder, agent_context = (agent.faction, agent.context) if agent else ("", None)
        else:  # "ACTOR positions in X", "its positions in X"
            k = m.first - 1
            if ms.word(k) in ("'", "\u2019"):
                k -= 1
            if k < 0 or governed(ms, k):
                continue
            holder = _side_holder(ms, k, doc)
            if not holder and ms.word(k) in ("its", "their"):
                agent = agent_before(ms, k + 1, doc)
                holder, agent_context = (agent.faction, agent.context) if agent else ("", None)
        places = objects_after(ms, m.last, doc, lead_max=6)
        if holder and places.ids:
            out.append(_Found(places, holder, m.first, "presence", "presence", _text(ms, m),
                              confidence=WEAK_CONFIDENCE, state=True,
                              hedge=hedge_of(ms, m.first), holder_context=agent_context))
    return out


def _declaration(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    verbs = [m for m in ms.marks_of("declare") if m.value == "declared"]
    used: set[int] = set()
    for m in verbs:
        if _blocked(ms, m.first):
            continue
        clear = next((c for c in ms.marks_between("declare", m.last, m.last + 15)
                      if c.value == "cleared"), None)
        if clear is None:
            continue
        used.add(clear.first)
        aux = any(ms.word(k) in ("was", "were", "is", "are", "been", "be")
                  for k in range(max(0, m.first - 3), m.first))
        places = (subjects_before(ms, m.first, doc, strict=True) if aux
                  else objects_after(ms, m.last, doc, lead_max=6))
        holder = _other_side(doc, side_after(ms, clear.last, 6))
        if not holder:
            agent = agent_before(ms, m.first, doc)
            holder = agent.faction if agent else ""
        if places.ids and holder:
            out.append(_Found(places, holder, m.first, "declaration", "declared",
                              ms.span_text(m.first, clear.last), hedge=hedge_of(ms, m.first)))
    for c in ms.marks_of("declare"):
        if c.value != "cleared" or c.first in used or _blocked(ms, c.first) or any(
                v.value == "declared" and v.last <= c.first
                for v in ms.marks_between("declare", c.first - 14 - 4, c.first)):
            continue
        places = subjects_before(ms, c.first, doc, strict=True)
        holder = _other_side(doc, side_after(ms, c.last, 6))
        if places.ids and holder:
            out.append(_Found(places, holder, c.first, "declaration", "declared", _text(ms, c),
                              hedge=hedge_of(ms, c.first)))
    return out


def _handover(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("handover"):
        if _blocked(ms, m.first):
            continue
        places = objects_after(ms, m.last, doc, lead_max=4)
        giver = agent_before(ms, m.first, doc)
        if not places.ids:
            places = subjects_before(ms, m.first, doc, strict=True)
            giver = None
        if not places.ids:
            continue
        to = actor_after(ms, places.last + 1, 5) if ms.word(places.last) == "to" else None
        if to is None and ms.word(m.last) == "to":
            to = actor_after(ms, m.last + 1, 5)
        holder = to.faction if to else (
            _other_side(doc, doc.sides.side_of.get(giver.faction, "")) if giver else "")
        out.append(_Found(places, holder, m.first, "handover", m.value, _text(ms, m),
                          confidence=BASE_CONFIDENCE if m.value == "lost" else WEAK_CONFIDENCE,
                          hedge=hedge_of(ms, m.first)))
    return out


def _approach(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("approach"):
        if _blocked(ms, m.first):
            continue
        places = objects_after(ms, m.last, doc, lead_max=6)
        agent = agent_before(ms, m.first, doc) if places.ids else None
        if agent is not None:
            out.append(_Found(places, agent.faction, m.first, "approach", "advancing",
                              _text(ms, m), confidence=WEAK_CONFIDENCE,
                              hedge=hedge_of(ms, m.first), holder_context=agent.context))
    return out


def _repel(doc: Document, ms: MarkedSentence) -> list[_Found]:
    out = []
    for m in ms.marks_of("repel"):
        agent = agent_before(ms, m.first, doc)
        if agent is None or negated(ms, m.first):
            continue
        clause = ms.clause[m.first]
        for k in range(m.last, min(len(ms.items), m.last + 18)):
            if ms.clause[k] != clause:
                break
            if ms.items[k].kind != PLACE:
                continue
            lead = [ms.word(x) for x in range(max(m.last, k - 4), k)]
            if "from" in lead or not any(w in _TARGET for w in lead):
                continue
            partial = "outskirts" if "outskirts" in lead else ""
            places = Places((ms.items[k].ref,), k, k + 1, partial=partial)
            out.append(_Found(places, agent.faction, m.first, "repel", "repelled",
                              _text(ms, m), confidence=WEAK_CONFIDENCE,
                              hedge=hedge_of(ms, m.first), holder_context=agent.context))
            break
    return out


def _left_before_entry(doc: Document, ms: MarkedSentence) -> list[_Found]:
    """"<fighters> left X (or: the area) before the entrance of ACTOR"."""
    out: list[_Found] = []
    if "before" not in ms.lows:
        return out
    for k in range(len(ms.items) - 3):
        if not (ms.word(k) == "before" and ms.word(k + 1) == "the" and ms.word(k + 2) in _ENTRY
                and ms.word(k + 3) == "of"):
            continue
        agent = actor_after(ms, k + 4, 4)
        if agent is None:
            continue
        verb = next((j for j in range(k - 1, max(-1, k - 16), -1) if ms.word(j) in _LEAVE), None)
        if verb is None:
            continue
        inner = [j for j in range(verb + 1, k) if ms.items[j].kind == PLACE]
        if inner:
            places = Places(tuple(ms.items[j].ref for j in inner), inner[0], inner[-1] + 1)
        else:
            area = next((j for j in range(verb + 1, k) if ms.word(j) in (
                "area", "town", "city", "village", "district", "neighbourhood", "neighborhood",
                "suburb", "place", "it", "them")), None)
            if area is None:
                continue
            places = resolve_anaphor(ms, area, area + 1, doc, plural=False)
        if not places.ids:
            continue
        near = [ms] + ([places.context] if places.context is not None else [])
        by_agreement = any(w in c.text.lower() for c in near
                           for w in ("agreement", "deal", "reconciliation", "settlement"))
        out.append(_Found(places, agent.faction, verb, "left_before_entry", "left_before_entry",
                          ms.span_text(verb, k + 4), by_agreement=by_agreement))
    return out


_Pattern = Callable[[Document, MarkedSentence], list[_Found]]
#: Each pattern with the lexicon category it needs in a sentence ("": it looks itself).
_PATTERNS: tuple[tuple[str, _Pattern], ...] = (
    ("possession", _under_control), ("", _left_before_entry), ("event", _active),
    ("participle", _passive), ("fell", _fell), ("noun", _nominal), ("state", _state),
    ("state_by", _state_by), ("compound", _compound), ("stronghold", _stronghold),
    ("declare", _declaration), ("presence", _presence), ("handover", _handover),
    ("repel", _repel), ("approach", _approach),
)
