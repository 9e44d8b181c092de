"""The grammar's shared moves over a marked sentence: who acts, what is acted on, modifiers.

- ``agent_before``: the actor of a verb (the nearest actor before it that no preposition
  governs; a pronoun or "the group" resolved to the actor it stands for);
- ``objects_after``: the places a verb acts on, through a short lead ("the central town of",
  "almost all of", "territory on the outskirts of"), a list ("A, B and the villages of C") or
  an anaphor ("the town", "these towns", "it") resolved to the places named before;
- ``subjects_before``: the places a passive or a state predicate is about;
- ``negated``, ``intended``, ``hedge_of``, ``past_state``: the modifiers around a trigger;
- ``claim_date``: the time expression of the trigger's clause, else of the sentence's start.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.claims.dates import resolve_date
from geo.claims.spans import ACTOR, HYPHENS, PLACE, PUNCT, WORD, Mark, MarkedSentence

if TYPE_CHECKING:
    from geo.claims.document import Document

#: Items a search for an actor or a place reaches from its trigger (bounds the work).
REACH = 60
PREPOSITIONS = frozenset({
    "by", "with", "from", "against", "on", "of", "to", "between", "among", "amongst", "for",
    "in", "into", "at", "toward", "towards", "through", "about", "over", "near", "around",
    "unlike", "including", "like", "behind", "under", "amid", "versus", "across", "upon",
    "without", "within", "inside", "outside", "onto", "via", "than", "beside", "besides",
})
#: Words skipped when looking for the preposition that governs a noun phrase.
_NP_LEAD = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "elite", "allied",
                      "other", "some", "several", "many", "all", "both", "these", "those",
                      "this", "that", "local", "armed"})
AUXILIARIES = frozenset({
    "is", "was", "were", "are", "been", "being", "be", "has", "have", "had", "remains",
    "remain", "remained", "now", "still", "already", "reportedly", "fully", "completely",
    "finally", "effectively", "entirely", "also", "then", "only", "largely", "partially",
    "partly", "mostly", "mainly", "totally", "officially", "formally", "recently", "newly",
    "just", "once", "again", "firmly",
})
_RELATIVE = frozenset({"which", "that", "who"})
_ANAPHOR_DETERMINERS = frozenset({"the", "this", "that", "these", "those", "its", "their",
                                  "said"})
#: Determiners of an anaphoric subject ("the town is under ..."; "their neighbourhoods were
#: retaken" speaks of people's neighbourhoods, not of a town named before).
_DEMONSTRATIVES = frozenset({"the", "this", "that", "these", "those", "said"})
#: Words before a number or a share in an object ("about 70 percent of").
_QUANTIFIERS = frozenset({"about", "around", "some", "nearly", "almost", "roughly",
                          "approximately", "over", "more", "than", "less", "up", "to", "at",
                          "least", "an", "estimated", "another", "further", "additional"})
_LEAD_PREPOSITIONS = frozenset({"in", "on", "around", "inside", "within", "across"})
_NOT_PLURAL = frozenset({"outskirts", "positions", "farms", "areas", "orchards"})
#: Class nouns that stand for a place named before ("the town", "these towns"); "the area",
#: "the region", "the pocket" often mean an unnamed stretch of land and stand for none.
ANAPHOR_NOUNS = frozenset({"town", "towns", "city", "cities", "village", "villages", "district",
                           "districts", "suburb", "suburbs", "neighbourhood", "neighbourhoods",
                           "neighborhood", "neighborhoods", "camp", "camps", "locality",
                           "localities", "hamlet", "municipality", "settlement", "settlements"})
_PERCENT = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)$")
_NUMBER_SHARE = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "thirds": 2 / 3,
                 "quarters": 0.75}


@dataclass(frozen=True)
class Agent:
    """Who acts: a faction id, the item that named it, and the sentence it was found in
    when another than the claim's (then the claim's confidence is lower)."""

    faction: str
    item: int
    context: MarkedSentence | None = None
    text: str = ""


@dataclass(frozen=True)
class Places:
    """Places found for a trigger: ids in text order, the items they span, how much.

    ``context`` is the earlier sentence an anaphor was resolved in (None: this sentence);
    ``partial`` the words that make the claim partial, ``share`` the part when given.
    """

    ids: tuple[str, ...]
    first: int
    last: int
    context: MarkedSentence | None = None
    partial: str = ""
    share: float | None = None
    anaphor: str = ""


NO_PLACES = Places((), -1, -1)


# ----------------------------------------------------------------------------- actors

def modifier(ms: MarkedSentence, k: int) -> bool:
    """True when the actor at item ``k`` only qualifies a noun ("opposition-held pockets",
    "rebel-held Douma"): it is no one's agent."""
    return ms.word(k + 1) in HYPHENS and ms.is_(k + 2, "compound")


def governed(ms: MarkedSentence, k: int) -> bool:
    """True when a preposition governs the noun phrase of item ``k`` ("with the rebels")."""
    j = k - 1
    skipped = 0
    while j >= 0 and skipped < 4:
        it = ms.items[j]
        if it.kind == WORD and (it.low in _NP_LEAD or ms.is_(j, "side")
                                or (it.text[:1].isupper() and j > 0)):
            j -= 1
            skipped += 1
            continue
        if it.kind == PUNCT and (it.text in HYPHENS or it.text in "\"'\u201c\u2018"):
            j -= 1
            continue
        return it.kind == WORD and it.low in PREPOSITIONS
    return False


def agent_before(ms: MarkedSentence, at: int, doc: Document, *, adjacent: bool = False
                 ) -> Agent | None:
    """The actor of the trigger at item ``at``: the nearest actor before it that is not the
    object of a preposition; a pronoun ("it", "they", "its") or a group noun ("the group")
    stands for the actor before it, in this sentence or the ones just before.

    With ``adjacent``, only the noun phrase right before counts ("the group in control of").
    """
    k = at - 1
    stop = max(-1, at - 1 - REACH)
    while k > stop:
        it = ms.items[k]
        if it.kind == ACTOR and not modifier(ms, k):
            if adjacent or not governed(ms, k):
                return Agent(it.ref, k, text=it.text) if it.ref else None
        elif it.kind == WORD and ms.is_(k, "pronoun") and it.low not in ("them", "whom"):
            if it.low in _RELATIVE and k > 0:
                prev = k - 1 if ms.items[k - 1].text != "," else k - 2
                if prev >= 0 and ms.items[prev].kind == ACTOR and ms.items[prev].ref:
                    return Agent(ms.items[prev].ref, prev, text=ms.items[prev].text)
                if it.low != "who":
                    k -= 1
                    continue
            if adjacent or not governed(ms, k):
                return antecedent(ms, k, doc)
        elif it.kind == WORD and ms.is_(k, "group_noun") and k > 0 and ms.word(k - 1) in (
                "the", "this", "that"):
            found = apposition_after(ms, at) or antecedent(ms, k, doc)
            if found is not None:
                return found
        if adjacent and it.kind == WORD and it.low not in AUXILIARIES and it.text != ",":
            return None
        k -= 1
    return None


def apposition_after(ms: MarkedSentence, at: int, reach: int = 12) -> Agent | None:
    """An actor set off by a comma after the trigger's object ("..., Jaysh al-Islam,")."""
    for k in range(at + 1, min(len(ms.items), at + reach)):
        it = ms.items[k]
        if it.kind == ACTOR and ms.word(k - 1) == ",":
            return Agent(it.ref, k, text=it.text) if it.ref else None
    return None


def antecedent(ms: MarkedSentence, k: int, doc: Document) -> Agent | None:
    """The actor a pronoun at item ``k`` stands for: the nearest actor before it, else the
    last actor of the sentences just before (same paragraph)."""
    for j in reversed(ms.actors_between(k - REACH, k)):
        it = ms.items[j]
        if it.ref:
            return Agent(it.ref, j, text=it.text)
    for prev in doc.previous(ms):
        actors = [i for i in prev.actors()[:REACH] if prev.items[i].ref]
        if actors:
            first_free = next((i for i in actors if not governed(prev, i)), actors[-1])
            return Agent(prev.items[first_free].ref, first_free, prev,
                         prev.items[first_free].text)
    return None


def actor_after(ms: MarkedSentence, at: int, reach: int = 6) -> Agent | None:
    """The actor within ``reach`` items after ``at`` ("by the army", "to Jaysh al-Islam")."""
    for k in range(at, min(len(ms.items), at + reach)):
        it = ms.items[k]
        if it.kind == ACTOR:
            return Agent(it.ref, k, text=it.text) if it.ref else None
        if it.kind == PLACE:
            return None
    return None


def side_after(ms: MarkedSentence, at: int, reach: int = 6) -> str:
    """The side named within ``reach`` items after ``at`` ("of terrorism", "of militants")."""
    for k in range(at, min(len(ms.items), at + reach)):
        it = ms.items[k]
        if it.kind == ACTOR and it.side:
            return it.side
        if it.kind == WORD and ms.is_(k, "side"):
            return ms.lexicon.value("side", (it.low,)) or ""
    return ""


# ----------------------------------------------------------------------------- places

def objects_after(ms: MarkedSentence, j: int, doc: Document, *, lead_max: int = 10,
                  anaphors: bool = True) -> Places:
    """The places the trigger ending at item ``j`` acts on (see the module docstring)."""
    items = ms.items
    n = len(items)
    k = j
    steps = 0
    partial: list[str] = []
    share: float | None = None
    saw_class = False
    while k < n and steps < lead_max:
        it = items[k]
        steps += 1
        if it.kind == PLACE:
            while (ms.word(k + 1) in ("'", "\u2019") and ms.word(k + 2) == "s"
                   and k + 3 < n and items[k + 3].kind == PLACE):
                k += 3  # "Donetsk's Lyman", "Eastern Ghouta's Arbin": the place is the last
            return _with_list(ms, k, partial, share)
        if it.kind == ACTOR:
            return NO_PLACES
        mark = ms.mark_at(k, "partial")
        if mark is not None:
            partial.append(ms.span_text(mark.first, mark.last))
            share = share if share is not None else _share(ms, mark)
            k = mark.last
            continue
        percent = _percent_at(ms, k)
        if percent is not None:
            share, k = percent
            partial.append(ms.span_text(j, k))
            continue
        counted = _counted_parts(ms, k)
        if counted is not None:  # "six districts in (eastern) X": part of X
            partial.append(ms.span_text(k, counted))
            k = counted
            continue
        w = it.low
        if it.kind == PUNCT:
            if it.text in HYPHENS or it.text in _QUOTES:
                k += 1
                continue
            if it.text == "," and ms.word(k + 1) in ("including", "among", "notably"):
                k += 2  # "70 percent of the enclave, including A and B"
                partial, share = [], None
                continue
            return NO_PLACES
        if anaphors and w in ("it", "them") and (steps == 1 or partial):
            return resolve_anaphor(ms, k, k + 1, doc, plural=w == "them", partial=partial,
                                   share=share)
        if ms.is_(k, "class"):
            nxt = ms.word(k + 1)
            if (anaphors and w in ANAPHOR_NOUNS and k > 0
                    and ms.word(k - 1) in _ANAPHOR_DETERMINERS
                    and nxt not in ("of",) and nxt not in _LEAD_PREPOSITIONS
                    and (k + 1 >= n or items[k + 1].kind != PLACE)
                    and not ms.is_(k + 1, "class")):
                return resolve_anaphor(ms, k - 1, k + 1, doc,
                                       plural=w.endswith("s") and w not in _NOT_PLURAL,
                                       partial=partial, share=share)
            saw_class = True
            k += 1
            continue
        if w == "of" and (saw_class or partial):
            k += 1
            continue
        if w in _LEAD_PREPOSITIONS and (saw_class or partial):
            k += 1
            continue
        if ms.is_(k, "determiner") or w in ("the", "a", "an") or w in _QUANTIFIERS:
            k += 1
            continue
        if (it.text[:1].islower() and w not in PREPOSITIONS and not ms.is_(k, "break")
                and any(ms.is_(x, "class") or items[x].kind == PLACE
                        for x in range(k + 1, min(n, k + 4)))):
            k += 1  # an adjective: "the key town of", "the rebel-held town", "the historic X"
            continue
        return NO_PLACES
    return NO_PLACES


def _with_list(ms: MarkedSentence, k: int, partial: list[str], share: float | None) -> Places:
    if _qualifies_people(ms, k):  # "the Douma residents", "Douma elders"
        return NO_PLACES
    members = [p for p in ms.lists.get(k, [k]) if p >= k]
    last = members[-1] + 1
    after = _possessive_partial(ms, last)
    if after:
        partial = [*partial, after[0]]
        last = after[1]
    ids = tuple(dict.fromkeys(ms.items[p].ref for p in members))
    return Places(ids, k, last, partial="; ".join(partial), share=share)


_PEOPLE = frozenset({"elders", "residents", "natives", "fighters", "militants", "council",
                     "committee", "representatives", "notables", "people", "rebels", "group",
                     "faction", "factions", "brigade", "battalion", "front", "officials",
                     "dignitaries", "civilians", "families", "delegation", "negotiators"})
_QUOTES = frozenset("\"'\u201c\u201d\u2018\u2019")


def _qualifies_people(ms: MarkedSentence, k: int) -> bool:
    """True when the place at item ``k`` qualifies people after it ("Douma elders")."""
    return ms.word(k + 1) in _PEOPLE


def _possessive_partial(ms: MarkedSentence, at: int) -> tuple[str, int] | None:
    """"X's northern neighbourhood", "X's outskirts": the words and where they end."""
    if ms.word(at) in ("'", "\u2019") and ms.word(at + 1) == "s":
        k = at + 2
        stop = min(len(ms.items), k + 3)
        for x in range(k, stop):
            w = ms.word(x)
            if w in ("outskirts", "neighbourhood", "neighborhood", "neighbourhoods",
                     "neighborhoods", "part", "parts", "edge", "edges", "entrance", "districts",
                     "side", "sector", "farms", "suburbs", "quarter", "quarters"):
                return ms.span_text(at, x + 1), x + 1
    return None


def _share(ms: MarkedSentence, mark: Mark) -> float | None:
    """The part a partial phrase names: its lexicon value, else "a third", "two thirds"..."""
    if mark.value:
        try:
            return float(mark.value)
        except ValueError:
            return None
    words = {ms.word(i) for i in range(mark.first, mark.last)}
    for word, share in _NUMBER_SHARE.items():
        if word in words:
            return round(share, 2)
    return None


def _percent_at(ms: MarkedSentence, k: int) -> tuple[float | None, int] | None:
    """"40% of", "40 percent of", "90.5 per cent of" at item ``k``: the share and the end."""
    w = ms.word(k)
    if not w[:1].isdigit():
        return None
    number = w
    j = k + 1
    if ms.word(j) in (".", ",") and ms.word(j + 1).isdigit():  # "90.5"
        number = f"{w}.{ms.word(j + 1)}"
        j += 2
    if not _PERCENT.match(number):
        return None
    if ms.word(j) == "%" or ms.word(j) == "percent":
        j += 1
    elif ms.word(j) == "per" and ms.word(j + 1) == "cent":
        j += 2
    else:
        return None
    if ms.word(j) != "of":
        return None
    value = float(number.replace(",", "."))
    return (round(value / 100, 3) if 0 < value <= 100 else None), j + 1


_PARTS = frozenset({"districts", "neighbourhoods", "neighborhoods", "quarters", "parts",
                    "sections", "blocks", "streets", "buildings", "areas", "sectors"})
_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine",
                           "ten", "eleven", "twelve", "dozens", "dozen", "several", "many",
                           "few", "some", "numerous"})


def _counted_parts(ms: MarkedSentence, k: int) -> int | None:
    """"six districts in", "12 neighbourhoods of": where the phrase ends (None if none)."""
    w = ms.word(k)
    if not (w.isdigit() or w in _NUMBER_WORDS):
        return None
    j = k + 1
    if ms.word(j) in ("of", "a"):  # "dozens of", "a few"
        j += 1
    if ms.word(j) in _PARTS and ms.word(j + 1) in ("in", "of", "inside", "across"):
        return j + 2
    return None


def resolve_anaphor(ms: MarkedSentence, first: int, end: int, doc: Document, *, plural: bool,
                    partial: Sequence[str] = (), share: float | None = None) -> Places:
    """The places an anaphor at items ``first``..``end`` stands for: the last place (or, for
    a plural, the last list) named before it, in this sentence or the ones just before."""
    word = ms.span_text(first, end)
    after = _possessive_partial(ms, end)
    parts = list(partial)
    last = end
    if after:
        parts.append(after[0])
        last = after[1]
    before = ms.places_before(first)
    found = _last_named(ms, before, plural)
    context = None
    if not found:
        for prev in doc.previous(ms):
            found = _last_named(prev, prev.places_before(len(prev.items)), plural)
            if found:
                context = prev
                break
    if not found:
        return NO_PLACES
    return Places(found, first, last, context, "; ".join(parts), share, word)


def _last_named(ms: MarkedSentence, places: Sequence[int], plural: bool) -> tuple[str, ...]:
    if not places:
        return ()
    last = places[-1]
    if plural:
        members = [p for p in ms.lists.get(last, [last]) if p <= last]
        return tuple(dict.fromkeys(ms.items[p].ref for p in members))
    return (ms.items[last].ref,)


def subjects_before(ms: MarkedSentence, at: int, doc: Document, *, strict: bool) -> Places:
    """The places a predicate starting at item ``at`` is about ("X, Y and Z (were) ...").

    Going back over auxiliaries, adverbs, relative pronouns, appositions ("X, the enclave's
    last town that is still ..."), class nouns and determiners, the first place found ends the
    subject list. ``strict`` (passives): the place must be the subject, not governed by a
    preposition ("the abductees ... in Douma were freed" is not about Douma).
    """
    items = ms.items
    k = at - 1
    glue = 0
    unknown = 0
    coordinated = False  # passed an "and": only fine inside a relative clause or apposition
    attached = False  # passed a relative pronoun or an apposition's comma or dash
    while k >= 0 and glue <= 12:
        it = items[k]
        if it.kind == PLACE:
            break
        if it.kind == ACTOR:
            return NO_PLACES
        w = it.low
        if it.kind == WORD and w in ("they", "it") and glue <= 4:
            return resolve_anaphor(ms, k, k + 1, doc, plural=w == "they")
        if (w in ANAPHOR_NOUNS and ms.word(k - 1) in _DEMONSTRATIVES and glue <= 4
                and (k < 2 or (items[k - 2].kind != PLACE and ms.word(k - 2) not in ("of", ",")))):
            return resolve_anaphor(ms, k - 1, k + 1, doc,  # "(said) the town is under ..."
                                   plural=w.endswith("s") and w not in _NOT_PLURAL)
        if it.kind == PUNCT:
            if it.text in (",", "\u2013", "\u2014", "'", "\u2019") or it.text in HYPHENS:
                attached = attached or it.text in (",", "\u2013", "\u2014")
                k -= 1
                glue += 1
                continue
            return NO_PLACES
        if w == "and" and ms.word(k + 1) in ("the", "a", "an"):
            coordinated = True
            k -= 1
            glue += 1
            continue
        if w in _RELATIVE:
            attached = True
        if (w in AUXILIARIES or w in _RELATIVE or w == "s" or w == "of" or w == "in"
                or ms.is_(k, "determiner") or ms.is_(k, "class") or ms.is_(k, "stronghold")
                or ms.is_(k, "partial")):
            k -= 1
            glue += 1
            continue
        if it.text[:1].isupper() and k > 0:
            k -= 1
            glue += 1
            continue
        if _appositive_word(ms, k) and unknown < 3:
            k -= 1
            glue += 1
            unknown += 1
            continue
        return NO_PLACES
    if k < 0 or (coordinated and not attached):
        return NO_PLACES
    members = [p for p in ms.lists.get(k, [k]) if p <= k]
    first = members[0]
    if strict and _governed_place(ms, first):
        return NO_PLACES
    ids = tuple(dict.fromkeys(ms.items[p].ref for p in members))
    return Places(ids, first, k + 1)


def _appositive_word(ms: MarkedSentence, k: int) -> bool:
    """A lower-case word of an apposition's noun phrase ("the enclave's last town"): after a
    determiner, not a verb form, a preposition or a clause break."""
    w = ms.word(k)
    return (ms.items[k].text[:1].islower() and not ms.is_(k, "break") and w not in PREPOSITIONS
            and not w.endswith(("ing", "ed"))
            and (ms.is_(k - 1, "determiner") or ms.word(k - 1) in ("the", "a", "an", "last",
                                                                  "only", "s")))


def _governed_place(ms: MarkedSentence, first: int) -> bool:
    """True when a preposition governs the place list starting at ``first`` (the town of X is
    not governed: "of" after a class noun is part of the name's phrase)."""
    j = first - 1
    while j >= 0:
        w = ms.word(j)
        if w in ("the", "a", "an") or ms.is_(j, "class") or (w == "of" and ms.is_(j - 1, "class")):
            j -= 1
            continue
        if ms.items[j].kind == PUNCT and ms.items[j].text in HYPHENS:
            j -= 1
            continue
        return w in PREPOSITIONS
    return False


# ----------------------------------------------------------------------------- modifiers

#: Longest phrase of the lexicon that a window around a trigger must take in, in items.
_LONGEST = 12


def _before(ms: MarkedSentence, category: str, at: int, reach: int, *, same_clause: bool = True
            ) -> list[Mark]:
    return [m for m in ms.marks_between(category, at - reach - _LONGEST, at)
            if m.last <= at and at - m.last <= reach
            and (not same_clause or ms.clause[m.first] == ms.clause[at])]


def negated(ms: MarkedSentence, at: int) -> bool:
    """True when a negation governs the trigger at item ``at`` ("failed to take", "did not")."""
    return bool(_before(ms, "negation", at, 4))


def intended(ms: MarkedSentence, at: int, *, holding: bool = False) -> bool:
    """True when the trigger at ``at`` is an aim or a future ("aiming to capture", "will be
    declared", "until X was declared"); "managed to seize" is not. With ``holding`` (a verb
    of holding), "trying to hold X" presupposes holding X and is not an aim."""
    for m in reversed(ms.marks_between("intent", 0, at)):
        if m.last > at:
            continue
        words = [ms.word(i) for i in range(m.first, m.last)]
        if words[0] in ("until", "till", "unless"):
            if ms.clause[at] - ms.clause[m.first] <= 1 and _no_hard_break(ms, m.last, at):
                return True
            continue
        if ms.clause[at] - ms.clause[m.first] > 1:
            break  # nothing further back can reach the trigger
        if at - m.last > 3:
            continue
        gap = [ms.word(i) for i in range(m.last, at)]
        if len(gap) > 3 or any(g not in AUXILIARIES and g not in ("be", "the", "full", "")
                               for g in gap):
            continue
        if words == ["to"] and any(r.last == m.last for r in ms.marks_of("realized")):
            continue
        if holding and words[0] in ("try", "tries", "tried", "trying", "struggle", "struggles",
                                    "struggled", "struggling", "fight", "fights", "fought",
                                    "fighting", "to"):
            continue
        return True
    return False


def _no_hard_break(ms: MarkedSentence, first: int, last: int) -> bool:
    """No ``;:()`` between items ``first`` and ``last`` (clause numbers count them all)."""
    return ms.clause[last] == ms.clause[first] or all(
        not (ms.items[i].kind == PUNCT and ms.items[i].text in ";:()")
        for i in range(first, min(last, first + REACH)))


def hedge_of(ms: MarkedSentence, at: int) -> str:
    """The hedge words of the trigger's sentence before it, or of its clause ("reportedly",
    "sources said", "if confirmed"); empty when none."""
    hedges = ms.marks_of("hedge")
    if hedges and hedges[0].first < at:
        return ms.span_text(hedges[0].first, hedges[0].last)
    for m in ms.marks_between("hedge", at, len(ms.items))[:1]:
        if ms.clause[m.first] == ms.clause[at]:
            return ms.span_text(m.first, m.last)
    return ""


def self_report(ms: MarkedSentence, agent: Agent | None, at: int) -> str:
    """The reporting words when an actor reports its own gain ("X said it had captured")."""
    if agent is None or agent.context is not None or at - agent.item > REACH:
        return ""
    for k in range(agent.item + 1, at):
        if ms.word(k) in ("said", "says", "reported", "reports", "claimed", "claims",
                          "announced", "stated", "declared") and any(
                ms.word(x) in ("it", "they", "its", "their") for x in range(k + 1, at)):
            for x in ms.actors_between(k - REACH, k):
                if ms.items[x].ref == agent.faction:
                    return ms.span_text(k, k + 1)
    return ""


def past_state(ms: MarkedSentence, at: int) -> bool:
    """True when a state predicate at ``at`` is said of the past ("had been controlled by",
    "earlier controlled by", "formerly held")."""
    if _before(ms, "past", at, 3):
        return True
    return ms.word(at - 1) == "had" or (ms.word(at - 1) in AUXILIARIES and ms.word(at - 2) == "had")


def partial_before(ms: MarkedSentence, at: int) -> str:
    """A partial adverb right before a state predicate ("largely controlled by")."""
    for m in _before(ms, "partial", at, 2):
        return ms.span_text(m.first, m.last)
    return ""


# ----------------------------------------------------------------------------- dates

def claim_date(ms: MarkedSentence, at: int, report_date: dt.date,
               context: MarkedSentence | None = None) -> tuple[dt.date, str, str]:
    """The day of a claim whose trigger is item ``at``: the nearest time expression of its
    clause, else one that opens the sentence, else (when the claim's place or actor came
    from an earlier sentence) that sentence's date, else the report's date.

    Returns
    -------
    tuple of (datetime.date, str, str)
        Day, origin, note (as ``geo.claims.dates.resolve_date``).
    """
    clause = ms.clause[at] if at < len(ms.clause) else 0
    best = None
    k = bisect.bisect_left(ms.time_firsts, at)
    for t, first, last in ms.times[max(0, k - 3):k + 3]:  # the nearest on either side
        if ms.clause[first] == clause or ms.clause[last - 1] == clause:
            distance = min(abs(first - at), abs(last - 1 - at))
            if best is None or distance < best[0]:
                best = (distance, t)
    if best is None and ms.times:
        t, first, _last = ms.times[0]
        if first <= 3 and first < at:
            best = (0, t)
    if best is not None:
        t = best[1]
        return t.day, t.origin, t.note
    if context is not None:
        return resolve_date(context.text, report_date)
    return report_date, "report", ""

