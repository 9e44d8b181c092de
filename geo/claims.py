"""Extract proposed claims (control, corridor, ceasefire, evacuation, agreement) from a report.

Rules, per sentence (the claim's evidence), on top of the place and faction mentions:

- control: "X under (the) control of Y", "Y captured/seized/took (control of)/regained
  control over/entered/stormed X" (every place of the object list), "X was captured/
  liberated (by Y)", "<fighters> left X before the entrance of Y". With no place in the
  sentence ("the area", "they"), the place comes from the sentences just before, in the same
  paragraph, and the confidence is lower.
- ceasefire / corridor: a ceasefire or corridor that is introduced, declared, opened...
  (not one merely mentioned), with daily hours ("from 9:00 to 14:00" -> ``09:00-14:00``).
- evacuation: leaving/evacuating *to* a named place (a route needs a destination); the
  origin is "from X" or the place of the passage; who, people and buses when given.
- agreement: "<party> in X agreed to ...", "a deal was reached/signed for X". A place
  used as a modifier of people ("Douma elders") names who, not where. An agreement whose
  place changes hands in the same paragraph is folded into that control claim (handover).
  The Harasta "safe passage" of the seed is therefore an ``agreement`` (its destination
  is not a place), not an evacuation.
- negotiation: "negotiations/talks on/over/for/in X" (a place must be the subject).

Dates: the report date unless the sentence says "on March 3", "on 3 March", "yesterday",
"on Saturday" (the last Saturday on or before the report date: a report of a Saturday
saying "on Saturday" means that day); vague phrases ("a few days
earlier", "previously", "in recent days") keep the report date, lower the confidence and
say so in ``detail["date_note"]``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from geo.factions_text import FactionMention
from geo.model import Dataset
from geo.reports import Report

CLAIM_TYPES = ("control", "corridor", "ceasefire", "evacuation", "agreement", "negotiation",
               "withdrawal")
BASE_CONFIDENCE = 0.8
CONTEXT_PENALTY = 0.15
VAGUE_DATE_PENALTY = 0.2
HEDGE_PENALTY = 0.1


class MentionLike(Protocol):
    """What claims need of a place mention (``geo.mentions.Mention`` fits)."""

    @property
    def locality_id(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Claim:
    """A claim a report makes, proposed to the analyst (nothing is written by extracting it).

    ``localities`` and ``factions`` are ids; ``date`` is the day the claim refers to and
    ``date_origin`` how it was found (``report``, ``explicit``, ``yesterday``, ``weekday``,
    ``vague``); ``confidence`` is in [0, 1]; ``evidence`` is the sentence (index
    ``sentence_index`` of the report). ``detail`` holds type-specific fields: ``holder`` and
    ``verb`` for control, ``hours`` for ceasefires and corridors, ``from``/``to``/``who``/
    ``people``/``buses`` for evacuations, ``terms`` for agreements, notes.
    """

    type: str
    localities: tuple[str, ...]
    factions: tuple[str, ...]
    date: dt.date
    date_origin: str
    confidence: float
    evidence: str
    sentence_index: int
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)


# ---------------------------------------------------------------------------- dates

_MONTHS = {m: i for i, names in enumerate((
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"))) for m in names}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
# ASCII case folding only: "ſaturday" or a Kelvin-sign "Monday" is no weekday (and no crash)
_WEEKDAY = re.compile(r"\b(?:on|last|this\s+past)\s+(" + "|".join(_WEEKDAYS) + r")\b",
                      re.I | re.A)
_YESTERDAY = re.compile(r"\b(yesterday|last\s+night)\b", re.I)
_VAGUE = re.compile(r"\b(a\s+few\s+days\s+(?:earlier|ago|before)|earlier\s+this\s+week|"
                    r"last\s+week|in\s+recent\s+days|recently|previously|days\s+earlier)\b",
                    re.I)


_DIGIT = re.compile(r"\d")
#: Every month name and abbreviation holds one of these.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
#: Every date phrase of the patterns above holds one of these (weekdays end in "day").
_DATE_WORDS = (*_MONTH_STEMS, "yesterday", "night", "day", "earlier", "week", "recent",
               "previous")


def resolve_date(text: str, report_date: dt.date) -> tuple[dt.date, str, str]:
    """The day a sentence refers to, how it was found, and a note (empty when exact).

    Parameters
    ----------
    text : str
        The sentence (or sentences) to read.
    report_date : datetime.date
        The report's date: the default, and the anchor of relative dates.

    Returns
    -------
    tuple of (datetime.date, str, str)
        The date; ``explicit``, ``yesterday``, ``weekday``, ``vague`` or ``report``; a note.
    """
    low = text.lower() if _plain(text) else None
    if low is not None and not any(w in low for w in _DATE_WORDS):
        return report_date, "report", ""  # none of the patterns below can match
    explicit = low is None or (_DIGIT.search(text) is not None
                               and any(m in low for m in _MONTH_STEMS))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text) if explicit else ():
            day = _explicit(report_date, match.group(month_group), match.group(day_group))
            if day is not None:
                return day, "explicit", ""
    if _YESTERDAY.search(text):
        return report_date - dt.timedelta(days=1), "yesterday", ""
    weekday = _WEEKDAY.search(text)
    if weekday:
        wanted = _WEEKDAYS.index(weekday.group(1).lower())
        back = (report_date.weekday() - wanted) % 7  # the report's own weekday: that day
        return report_date - dt.timedelta(days=back), "weekday", ""
    vague = _VAGUE.search(text)
    if vague:
        return report_date, "vague", (f"the text says '{vague.group(1)}': the report date "
                                      f"{report_date} is an upper bound, not the event date")
    return report_date, "report", ""


def _explicit(report_date: dt.date, month_name: str, day_text: str) -> dt.date | None:
    month = _MONTHS.get(month_name.lower().rstrip("."))
    if month is None:
        return None
    try:
        day = dt.date(report_date.year, month, int(day_text))
    except ValueError:
        return None
    if day > report_date + dt.timedelta(days=1):
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:
            return None
    return day


# ---------------------------------------------------------------------------- patterns

# Place surfaces may leave out the Arabic article ("al-Shifuniyah" is found as "Shifuniyah").
_ARTICLE = r"(?:(?:al|el|an|ash|as|ad|ar|az|at|ad)[-\s])?"

_HEDGE = re.compile(r"\b(reportedly|allegedly|unconfirmed|claimed|rumou?rs?)\b", re.I)
_UNDER_CONTROL = re.compile(r"\b(?:is\s+|was\s+|remains?\s+|now\s+)?(?:still\s+)?under\s+"
                            r"(?:the\s+)?(?:full\s+|complete\s+|total\s+)?control\s+of\s*$",
                            re.I)
_ACTIVE = re.compile(
    r"\b(captured|seized|took(?:\s+(?:full\s+|complete\s+)?control\s+(?:of|over))?|"
    r"(?:re)?gained\s+(?:full\s+|complete\s+)?control\s+(?:of|over)|retook|recaptured|"
    r"entered|stormed|liberated|imposed\s+(?:full\s+)?control\s+(?:on|over))\b", re.I)
_PASSIVE = re.compile(
    r"\b(?:was|were|been|be|is|are|being)\s+(?:\w+ly\s+)?(captured|seized|taken|retaken|"
    r"recaptured|liberated|freed)\b", re.I)
_ENTERED_OBJECT = re.compile(r"\s+(?:the\s+)?(?:(?:\w+\s+)?(?:town|city|village|district|"
                             r"suburb|outskirts|centre|center|neighbou?rhood)s?\s+of\s+)?"
                             + _ARTICLE, re.I)
_OBJECT_LEAD = re.compile(r"\s+(?:\w+\s+){0,3}?(?:the\s+)?(?:\w+\s+)?(?:(?:towns?|villages?|"
                          r"cit(?:y|ies)|districts?|suburbs?|neighbou?rhoods?|areas?|farms?)"
                          r"\s+of\s+)?" + _ARTICLE, re.I)
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*and|,?\s*as\s+well\s+as)\s*"
                       r"(?:the\s+(?:\w+\s+){0,2}of\s+)?" + _ARTICLE, re.I)
_GENERIC_GOVERNMENT = re.compile(r"\b(?:the\s+army|troops|soldiers)\b", re.I)
_FELL = re.compile(r"\bfell\s+to\b", re.I)
_LEFT_BEFORE = re.compile(
    r"\b(leave|left|withdraw|withdrew|withdrawn|exit|exited|evacuate|evacuated|pull\s+out|"
    r"pulled\s+out)\b(.{0,80}?)\bbefore\s+the\s+(?:entrance|entry|arrival)\s+of\b", re.I)
# "Y withdrew from X": Y left X, who holds it next is not said (an event, not a control row)
_WITHDREW = re.compile(r"\b(withdr[ae]wn?|withdraws?|withdrawing|pull(?:ed|s|ing)?\s+out|"
                       r"retreat(?:ed|s|ing)?)\s+(?:completely\s+|fully\s+)?(?:from|of)\b",
                       re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|\bwhile\b|\bbut\b|\bafter\b|\bbefore\b|\bwhereas\b|"
                           r"\bwhich\b|\bwho\b", re.I)
_AREA_WORDS = re.compile(r"\b(the\s+(?:area|town|city|village|district|neighbou?rhood|"
                         r"suburb|place)|it|they|them)\b", re.I)

_CEASEFIRE = re.compile(r"\b(cease-?fire|truce|humanitarian\s+pauses?|cessation\s+of\s+"
                        r"hostilities)\b", re.I)
_CORRIDOR = re.compile(r"\b(?:humanitarian\s+)?corridors?\b", re.I)
_ESTABLISH = re.compile(
    r"\b(introduc\w*|declar\w*|announc\w*|impos\w*|establish\w*|creat\w*|open\w*|set\s+up|"
    r"in\s+effect|in\s+place|took\s+effect|takes?\s+effect|into\s+force|came\s+into|"
    r"began|begins?|started|starts?|launch\w*|reopen\w*)\b", re.I)
_CLOSE = re.compile(r"\b(clos\w*|shut\w*|suspend\w*)\b", re.I)
_HOURS = re.compile(r"\bfrom\s+(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?\s+(?:to|until|"
                    r"till)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?", re.I)
_HOURS_DASH = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\b")
_DAILY = re.compile(r"\b(daily|every\s+day|each\s+day)\b", re.I)

_EVACUATE = re.compile(r"\b(evacuat\w*|leave|left|leaving|depart\w*|bus(?:s)?ed|transferred|"
                       r"relocated|moved|exit(?:ed)?|flee|fled|fleeing|headed|"
                       # "head"/"heading" only as a movement ("the head of the council" is not)
                       r"head(?:s|ing)?(?=\s+(?:back\s+|north\w*\s+|south\w*\s+)?"
                       r"(?:to|towards|for|into)\b))\b", re.I)
_TO_PREP = re.compile(r"\b(?:to|towards|for|into)\s+(?:the\s+)?(?:nearby\s+|neighbou?ring\s+)?"
                      r"(?:(?:towns?|villages?|city|cities|areas?|district|camps?)\s+of\s+)?"
                      + _ARTICLE + "$", re.I)
_FROM_PREP = re.compile(r"\b(?:from|out\s+of|left|leave|leaving|exited|fled)\s+(?:<\w+>)?"
                        r"(?:the\s+)?(?:(?:towns?|villages?|city|areas?)\s+of\s+)?"
                        + _ARTICLE + "$", re.I)
_WHO = re.compile(r"\b(civilians|fighters|militants|rebels|families|wounded|injured|sick|"
                  r"residents|people|gunmen|insurgents|women|children)\b", re.I)
_PEOPLE = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:\w+\s+){0,2}?(people|persons|civilians|"
                     r"fighters|militants|rebels|gunmen|residents|individuals)\b", re.I)
_BUSES = re.compile(r"\b(\d{1,3}(?:,\d{3})*|\d+)\s+(?:\w+\s+)?buses\b", re.I)

_AGREE = re.compile(r"\b(agreed\s+(?:to|on|upon)|agreement\s+(?:was\s+|has\s+been\s+)?"
                    r"(?:reached|signed|struck|concluded|announced)|deal\s+(?:was\s+|has\s+been\s+)?"
                    r"(?:reached|signed|struck|concluded|announced)|(?:reached|signed|struck)\s+"
                    r"(?:an?\s+)?(?:agreement|deal))\b", re.I)
_AGREE_WORD = re.compile(r"\b(agreement|deal|reconciliation|settlement)\b", re.I)
_TERMS = re.compile(r"\b(safe\s+passage|lay\s+down\s+(?:their\s+)?arms|hand\s+over\s+"
                    r"(?:their\s+)?(?:heavy\s+)?weapons|exchange\s+of\s+prisoners|prisoner\s+"
                    r"exchange|pardon\w*|evacuat\w+|ceasefire|settle\w*\s+(?:of\s+)?(?:the\s+)?"
                    r"legal\s+status)\b", re.I)
_LOCATIVE = re.compile(r"\b(?:in|for|of|over|from|at)\s+(?:the\s+)?(?:\w+\s+)?" + _ARTICLE + "$",
                       re.I)
_NEGOTIATE = re.compile(r"\b(negotiations?|talks)\s+(?:on|over|about|for|in|regarding)\s+"
                        r"(?:the\s+(?:fate|future|status)\s+of\s+)?$", re.I)
_BEARING = re.compile(r"\b(?:north|south|east|west)(?:[\s-]?(?:east|west))?(?:ern)?\s+of\s+$"
                      r"|\bkm\s+(?:\w+\s+)?(?:of|from)\s+$", re.I)
_PEOPLE_NOUN = re.compile(r"^['\u2019]?s?\s*(elders|residents|natives|fighters|militants|"
                          r"council|committee|representatives|notables|people|rebels|group|"
                          r"factions?|brigade|battalion|front|officials|dignitaries)\b", re.I)


# Patterns compiled once (an inline ``re.match(..., re.I)`` pays a cache lookup and flag
# conversion per call).
_UNDER_CONTROL_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:is\s+|was\s+|remains?\s+|now\s+|still\s+)*under\s+(?:the\s+)?"
    r"(?:full\s+|complete\s+|total\s+)?control\s+of\s+", re.I)
_BY = re.compile(r"\s+by\s+(?:the\s+)?")
_FROM = re.compile(r"\s+from\s+(?:the\s+)?")
_PRONOUN_BEFORE = re.compile(r"\b(they|it)\s+(?:had\s+|have\s+|has\s+)?$", re.I)
_SPACES = re.compile(r"\s+")

#: The characters that ``re.IGNORECASE`` matches with an ASCII letter besides the letter's
#: two cases (found by matching [a-z] against every code point).
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")

# Words one of which a sentence must hold for the patterns after them to match (see ``_has``).
_ACTIVE_WORDS = ("captured", "seized", "took", "gained", "entered", "stormed", "liberated",
                 "imposed")
_PASSIVE_WORDS = ("captured", "seized", "taken", "liberated", "freed")
_TRUCE_WORDS = ("cease", "truce", "pause", "cessation")
_EVACUATE_WORDS = ("evacuat", "leav", "left", "depart", "bus", "transferred", "relocated",
                   "moved", "exit", "fle", "head")
_CONTROL_WORDS = ("control",)
_WITHDRAW_WORDS = ("withdr", "pull", "retreat")
_BEFORE_WORDS = ("before",)
_FELL_WORDS = ("fell",)
_CORRIDOR_WORDS = ("corridor",)
_AGREE_WORDS = ("agree", "deal")
_NEGOTIATE_WORDS = ("negotiation", "talks")
_AGREEMENT_WORDS = (*_AGREE_WORDS, *_NEGOTIATE_WORDS)
#: Every ``_HEDGE`` match holds one of these; every ``_ESTABLISH`` match one of the next.
_HEDGE_WORDS = ("reportedly", "allegedly", "unconfirmed", "claimed", "rumo")
_ESTABLISH_WORDS = ("introduc", "declar", "announc", "impos", "establish", "creat", "open",
                    "set", "effect", "place", "force", "came", "began", "begin", "start",
                    "launch")
#: Every word a rule is keyed on: a sentence holding none of them makes no claim.
_TRIGGERS = tuple(dict.fromkeys((
    *_CONTROL_WORDS, *_BEFORE_WORDS, *_ACTIVE_WORDS, *_PASSIVE_WORDS, *_FELL_WORDS,
    *_TRUCE_WORDS, *_CORRIDOR_WORDS, *_EVACUATE_WORDS, *_AGREE_WORDS, *_NEGOTIATE_WORDS,
    *_WITHDRAW_WORDS)))


class _Ctx:
    """One sentence with its mentions in sentence-relative offsets (read-only by convention:
    a plain slotted class, as thousands are made per report)."""

    __slots__ = ("factions", "index", "places", "text", "words")

    def __init__(self, index: int, text: str, places: tuple[tuple[str, int, int], ...],
                 factions: tuple[tuple[str, int, int], ...],
                 words: frozenset[str] | None) -> None:
        self.index = index
        self.text = text
        self.places = places  # (locality id, start, end)
        self.factions = factions
        #: the ``_TRIGGERS`` the text holds, in any case (None: see ``_has``)
        self.words = words


def extract_claims(report: Report, mentions: Sequence[MentionLike],
                   faction_mentions: Sequence[FactionMention], *, dataset: Dataset
                   ) -> list[Claim]:
    """Propose the claims a report makes (rules in the module docstring).

    Parameters
    ----------
    report : Report
        The parsed report (its date anchors relative dates).
    mentions : sequence of Mention
        Place mentions, offsets into ``report.text``.
    faction_mentions : sequence of FactionMention
        Faction mentions, offsets into ``report.text``.
    dataset : Dataset
        For faction sides (who "liberates") and id checks.

    Returns
    -------
    list of Claim
        In sentence order; nothing is written anywhere.
    """
    ctxs = _contexts(report, mentions, faction_mentions)
    paragraphs = _paragraph_ids(report)
    claims: list[Claim] = []
    for ctx in ctxs:
        if ctx.words is not None and not ctx.words:
            continue  # every rule is keyed on a trigger word: none, no claim
        previous = [c for c in ctxs[max(0, ctx.index - 2):ctx.index]
                    if paragraphs[c.index] == paragraphs[ctx.index]]
        claims.extend(_sentence_claims(report, ctx, previous, dataset))
    return _fold_agreements(claims, paragraphs)


def _contexts(report: Report, mentions: Sequence[MentionLike],
              faction_mentions: Sequence[FactionMention]) -> list[_Ctx]:
    """One ``_Ctx`` per sentence; mentions sorted once and cut per sentence by bisection."""
    places = sorted(mentions, key=lambda m: m.start)
    factions = sorted(faction_mentions, key=lambda f: f.start)
    place_starts = [m.start for m in places]
    faction_starts = [f.start for f in factions]
    words = _trigger_words(report)
    out: list[_Ctx] = []
    for index, sentence in enumerate(report.sentences):
        at, until = sentence.start, sentence.end
        inner = places[bisect.bisect_left(place_starts, at):
                       bisect.bisect_right(place_starts, until)]
        facs = factions[bisect.bisect_left(faction_starts, at):
                        bisect.bisect_right(faction_starts, until)]
        out.append(_Ctx(index, sentence.text,
                        tuple((m.locality_id, m.start - at, m.end - at)
                              for m in inner if m.end <= until),
                        tuple((f.faction_id, f.start - at, f.end - at)
                              for f in facs if f.end <= until),
                        words[index]))
    return out


def _trigger_words(report: Report) -> list[frozenset[str] | None]:
    """Per sentence, the ``_TRIGGERS`` it holds (None where ``_has`` must let every rule
    try), from one search of the report's lower-case text for each trigger word."""
    sentences = report.sentences
    text = report.text
    if not _plain(text):  # lower() may shift offsets (U+0130): sentence by sentence
        return [frozenset(w for w in _TRIGGERS if w in s.text.lower())
                if _plain(s.text) else None for s in sentences]
    low = text.lower()
    starts = [s.start for s in sentences]
    found: list[set[str]] = [set() for _ in sentences]
    for word in _TRIGGERS:
        at = low.find(word)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and at + len(word) <= sentences[i].end:
                found[i].add(word)
            at = low.find(word, at + 1)
    return [frozenset(f) for f in found]


def _plain(text: str) -> bool:
    """True when ``text`` holds none of ``_FOLDS_TO_ASCII`` (so ``str.lower`` decides which
    case-insensitive ASCII words it can match)."""
    return text.isascii() or not any(c in text for c in _FOLDS_TO_ASCII)


def _holds(text: str, words: tuple[str, ...]) -> bool:
    """False only when ``text`` holds none of ``words`` in any case (exact as ``_has``)."""
    if not _plain(text):
        return True
    low = text.lower()
    return any(w in low for w in words)


def _has(ctx: _Ctx, words: tuple[str, ...]) -> bool:
    """False only when no rule keyed on ``words`` can match the sentence: a cheap test that
    lets most sentences skip most patterns. Exact: a case-insensitive pattern matches an ASCII
    letter only with that letter in either case, or with one of ``_FOLDS_TO_ASCII``; a
    sentence holding one of those always goes through the patterns."""
    return ctx.words is None or not ctx.words.isdisjoint(words)


def _paragraph_ids(report: Report) -> list[int]:
    out, para = [], 0
    for i, s in enumerate(report.sentences):
        if i and "\n\n" in report.text[report.sentences[i - 1].end:s.start].replace(" ", ""):
            para += 1
        out.append(para)
    return out


def _sentence_claims(report: Report, ctx: _Ctx, previous: list[_Ctx], dataset: Dataset
                     ) -> list[Claim]:
    out: list[Claim] = []
    out.extend(_control_claims(report, ctx, previous, dataset))
    out.extend(_withdrawal_claims(report, ctx, {p for c in out for p in c.localities}))
    out.extend(_ceasefire_corridor_claims(report, ctx))
    out.extend(_evacuation_claims(report, ctx, previous))
    out.extend(_agreement_claims(report, ctx))
    return out


def _claim(report: Report, ctx: _Ctx, kind: str, localities: Sequence[str],
           factions: Sequence[str], detail: dict[str, Any], *, context: _Ctx | None = None,
           confidence: float = BASE_CONFIDENCE) -> Claim:
    text = ctx.text if context is None else f"{context.text} {ctx.text}"
    day, origin, note = resolve_date(ctx.text, report.date)
    if origin == "report" and context is not None:
        day, origin, note = resolve_date(context.text, report.date)
    if origin == "vague":
        confidence -= VAGUE_DATE_PENALTY
        detail["date_note"] = note
    if context is not None:
        confidence -= CONTEXT_PENALTY
        detail["context"] = context.text
    if _holds(text, _HEDGE_WORDS) and _HEDGE.search(text):
        confidence -= HEDGE_PENALTY
        detail["hedged"] = True
    return Claim(kind, tuple(dict.fromkeys(localities)), tuple(dict.fromkeys(factions)), day,
                 origin, round(max(0.05, min(1.0, confidence)), 2), ctx.text, ctx.index, detail)


# ---------------------------------------------------------------------------- control

def _is_modifier(ctx: _Ctx, end: int) -> bool:
    """True when the place ending at ``end`` qualifies people ("Douma elders") or only gives
    a bearing ("north-east of Damascus"): it names who or where from, not the claim's place."""
    if _PEOPLE_NOUN.match(ctx.text[end:]):
        return True
    start = next((s for _p, s, e in ctx.places if e == end), end)
    return bool(_BEARING.search(ctx.text[max(0, start - 30):start]))


def _faction_before(ctx: _Ctx, pos: int, *, within: int = 200) -> str | None:
    cands = [f for f in ctx.factions if f[2] <= pos and pos - f[2] <= within]
    return cands[-1][0] if cands else None


def _faction_after(ctx: _Ctx, pos: int, *, within: int = 25) -> str | None:
    for fid, start, _end in ctx.factions:
        if start >= pos and start - pos <= within:
            return fid
    return None


def _object_places(ctx: _Ctx, pos: int, lead: re.Pattern[str] = _OBJECT_LEAD) -> list[str]:
    """The places right after a verb: "captured (the villages of) A, B and C".

    The first place must follow within a few words (what ``lead`` allows); the list goes on
    only through list separators (", ", "and", "the entrance of"), so "seized A, cutting the
    road to B" is A.
    """
    out: list[str] = []
    cursor = pos
    for pid, s, e in ctx.places:
        if s < cursor:
            continue
        gap = ctx.text[cursor:s]
        pattern = lead if not out else _LIST_GAP
        if not pattern.fullmatch(gap) or _is_modifier(ctx, e):
            break
        out.append(pid)
        cursor = e
    return out


def _withdrawal_claims(report: Report, ctx: _Ctx, claimed: set[str]) -> list[Claim]:
    """"Y withdrew from / pulled out of X (and Z)": Y left the places; the new holder is not
    said, so it is proposed as an event, not a control change. Places a control claim of
    the same sentence already settles ("left X before the entrance of Z") are left out."""
    out: list[Claim] = []
    for m in _WITHDREW.finditer(ctx.text) if ctx.places and _has(ctx, _WITHDRAW_WORDS) else ():
        # "from (the town of) X", not "from the talks in X"
        places = [p for p in _object_places(ctx, m.end(), _ENTERED_OBJECT) if p not in claimed]
        if not places:  # "withdrew from the talks", "pulled out of the deal"
            continue
        claimed.update(places)
        faction = _faction_before(ctx, m.start(), within=60)
        out.append(_claim(report, ctx, "withdrawal", places, [faction] if faction else [],
                          {"faction": faction, "verb": _SPACES.sub(" ", m.group(1).lower())}))
    return out


def _government(dataset: Dataset) -> str | None:
    gov = [f.id for f in dataset.factions if f.side == "government"]
    return gov[0] if len(gov) == 1 else None


def _holder_fallback(ctx: _Ctx, pos: int, previous: list[_Ctx], dataset: Dataset
                     ) -> tuple[str | None, _Ctx | None]:
    """Who acts when no faction is named before the verb: "the army"/"troops" (the dataset's
    one government faction), else the last faction of the sentences just before."""
    if _GENERIC_GOVERNMENT.search(ctx.text, 0, pos):
        return _government(dataset), None
    for prev in reversed(previous):
        if prev.factions:
            return prev.factions[-1][0], prev
    return None, None


def _context_place(previous: list[_Ctx]) -> tuple[str, _Ctx] | None:
    for prev in reversed(previous):
        places = [p for p in prev.places if not _is_modifier(prev, p[2])]
        if places:
            return places[-1][0], prev
    return None


def _control_claims(report: Report, ctx: _Ctx, previous: list[_Ctx], dataset: Dataset
                    ) -> list[Claim]:
    out: list[Claim] = []
    claimed: set[str] = set()

    def add(places: Sequence[str], holder: str | None, verb: str, *,
            context: _Ctx | None = None, confidence: float = BASE_CONFIDENCE,
            extra: dict[str, Any] | None = None) -> None:
        places = [p for p in places if p not in claimed]
        if not places or holder is None or not dataset.has_faction(holder):
            return
        claimed.update(places)
        detail = {"holder": holder, "verb": verb, **(extra or {})}
        out.append(_claim(report, ctx, "control", places, [holder], detail, context=context,
                          confidence=confidence))

    # "X under control of Y"
    for pid, _s, e in ctx.places if _has(ctx, _CONTROL_WORDS) else ():
        tail = ctx.text[e:e + 60]
        m = _UNDER_CONTROL_AFTER.match(tail)
        if m:
            add([pid], _faction_after(ctx, e + m.end(), within=8), "under_control")
    # "<fighters> left X before the entrance of Y"
    for m in _LEFT_BEFORE.finditer(ctx.text) if _has(ctx, _BEFORE_WORDS) else ():
        holder = _faction_after(ctx, m.end(), within=15)
        inner = [pid for pid, s, e in ctx.places if m.start(2) <= s and e <= m.end(2)]
        if inner:
            add(inner, holder, "left_before_entry", extra={"by_agreement": _agreement_near(ctx)})
        else:
            found = _context_place(previous) if _AREA_WORDS.search(m.group(2)) else None
            if found:
                add([found[0]], holder, "left_before_entry", context=found[1],
                    extra={"by_agreement": _agreement_near(ctx, found[1])})
    # "Y captured/entered ... X, Y and Z"
    for m in _ACTIVE.finditer(ctx.text) if _has(ctx, _ACTIVE_WORDS) else ():
        verb = _verb(m.group(1))
        holder = _faction_before(ctx, m.start())
        places = _object_places(ctx, m.end())
        context = None
        if holder is None and places:
            holder, context = _holder_fallback(ctx, m.start(), previous, dataset)
        if verb == "entered":  # "entered X", "entered the town of X": not "entered talks"
            places = [pid for pid, s, _e in ctx.places if s >= m.end() and _ENTERED_OBJECT
                      .fullmatch(ctx.text[m.end():s])][:1]
        if holder is None and verb == "liberated":
            holder = _government(dataset)
        add(places, holder, verb, confidence=BASE_CONFIDENCE - (
            CONTEXT_PENALTY if context is not None else 0.0))
    # "X was captured (by Y)", "... after they had been liberated"
    for m in _PASSIVE.finditer(ctx.text) if _has(ctx, _PASSIVE_WORDS) else ():
        verb = _verb(m.group(1))
        by = _BY.match(ctx.text[m.end():])
        holder = _faction_after(ctx, m.end() + by.end(), within=5) if by else None
        if holder is None:
            holder = _liberator(ctx, m, dataset)
        stop = max((b.end() for b in _CLAUSE_BREAK.finditer(ctx.text, 0, m.start())
                    if _AREA_WORDS.search(ctx.text, b.end(), m.start()) is None), default=0)
        subject = [pid for pid, s, e in ctx.places
                   if e <= m.start() and s >= stop and not _is_modifier(ctx, e)]
        if not subject and _PRONOUN_BEFORE.search(ctx.text[:m.start()]):
            subject = [pid for pid, s, e in ctx.places
                       if e <= m.start() and not _is_modifier(ctx, e)]
        add(subject, holder, verb)
    # "X fell to Y"
    for m in _FELL.finditer(ctx.text) if _has(ctx, _FELL_WORDS) else ():
        subject = [pid for pid, s, e in ctx.places if e <= m.start()][-1:]
        add(subject, _faction_after(ctx, m.end(), within=8), "fell")
    return out


def _verb(word: str) -> str:
    w = word.lower()
    if "control" in w:
        return "regained_control" if w.startswith("regain") else "took_control"
    return {"took": "captured", "taken": "captured", "retaken": "captured", "retook": "captured",
            "recaptured": "captured", "seized": "captured", "freed": "liberated"}.get(w, w)


def _liberator(ctx: _Ctx, match: re.Match[str], dataset: Dataset) -> str | None:
    """Who took a place in "X was captured/liberated (from Y)": not Y; government by default."""
    tail = _FROM.match(ctx.text[match.end():])
    losers = {_faction_after(ctx, match.end() + tail.end(), within=5)} if tail else set()
    sides = {f.id: f.side for f in dataset.factions}
    present = [fid for fid, _s, _e in ctx.factions if fid not in losers]
    gov = [fid for fid in present if sides.get(fid) == "government"]
    if gov:
        return gov[0]
    if match.group(1).lower() in ("liberated", "freed"):
        return _government(dataset)
    return present[0] if len(set(present)) == 1 else None


def _agreement_near(*ctxs: _Ctx) -> bool:
    return any(_AGREE_WORD.search(c.text) for c in ctxs)


# ---------------------------------------------------------------------------- ceasefire, corridor

def _hours(text: str) -> str | None:
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


def _ceasefire_corridor_claims(report: Report, ctx: _Ctx) -> list[Claim]:
    out: list[Claim] = []
    truce = _has(ctx, _TRUCE_WORDS) and _CEASEFIRE.search(ctx.text) is not None
    corridor = _has(ctx, _CORRIDOR_WORDS) and _CORRIDOR.search(ctx.text) is not None
    if not (truce or corridor):
        return out
    hours = _hours(ctx.text)
    established = (_ESTABLISH.search(ctx.text) if _holds(ctx.text, _ESTABLISH_WORDS)
                   else None)
    closed = _CLOSE.search(ctx.text) if corridor else None
    if not ((truce and (established or hours)) or (corridor and (established or closed))):
        return out
    places = [p for p, _s, e in ctx.places if not _is_modifier(ctx, e)]
    factions = [f for f, _s, _e in ctx.factions]
    confidence = BASE_CONFIDENCE if places else BASE_CONFIDENCE - 0.2
    note = {} if places else {"note": "no place named in the sentence"}
    if truce and (established or hours):
        detail = {"hours": hours, "daily": bool(_DAILY.search(ctx.text)), **note}
        out.append(_claim(report, ctx, "ceasefire", places, factions, detail,
                          confidence=confidence))
    if corridor and (established or closed):
        status = "closed" if closed and not established else "open"
        detail = {"status": status, "hours": hours, **note}
        out.append(_claim(report, ctx, "corridor", places, factions, detail,
                          confidence=confidence))
    return out


# ---------------------------------------------------------------------------- evacuation

def _evacuation_claims(report: Report, ctx: _Ctx, previous: list[_Ctx]) -> list[Claim]:
    if not ctx.places or not _has(ctx, _EVACUATE_WORDS):
        return []
    verb = _EVACUATE.search(ctx.text)
    if not verb:
        return []
    to = [p for p, s, _e in ctx.places
          if s > verb.start() and _TO_PREP.search(_list_lead(ctx, s))]
    if not to:
        return []
    origin = [p for p, s, _e in ctx.places
              if _FROM_PREP.search(_list_lead(ctx, s)) and p not in to]
    if not origin:  # "fighters stranded in Douma left for Idlib"
        origin = [p for p, _s, e in ctx.places
                  if e <= verb.start() and p not in to and not _is_modifier(ctx, e)][-1:]
    context = None
    if not origin:
        found = _context_place(previous)
        if found and found[0] not in to:
            origin, context = [found[0]], found[1]
    who_text = ctx.text if _WHO.search(ctx.text) else " ".join(p.text for p in previous)
    who = [w.lower() for w in _WHO.findall(who_text)]
    people = _PEOPLE.search(ctx.text)
    buses = _BUSES.search(ctx.text)
    detail: dict[str, Any] = {
        "from": origin[0] if origin else None, "to": list(dict.fromkeys(to)),
        "who": who[-1] if who else None,
        "people": int(people.group(1).replace(",", "")) if people else None,
        "buses": int(buses.group(1).replace(",", "")) if buses else None,
    }
    factions = [f for f, _s, _e in ctx.factions]
    return [_claim(report, ctx, "evacuation", [*origin, *to], factions, detail,
                   context=context)]


def _list_lead(ctx: _Ctx, start: int) -> str:
    """The words that introduce the list a place at ``start`` belongs to ("to the towns of")."""
    lead_end = start
    for pid_start in sorted((s for _p, s, _e in ctx.places if s <= start), reverse=True):
        between = ctx.text[_end_of(ctx, pid_start):lead_end] if pid_start != start else ""
        if pid_start != start and not _LIST_GAP.fullmatch(between):
            break
        lead_end = pid_start
    return ctx.text[max(0, lead_end - 50):lead_end]


def _end_of(ctx: _Ctx, start: int) -> int:
    return next(e for _p, s, e in ctx.places if s == start)


# ---------------------------------------------------------------------------- agreements

def _agreement_claims(report: Report, ctx: _Ctx) -> list[Claim]:
    out: list[Claim] = []
    if not ctx.places or not _has(ctx, _AGREEMENT_WORDS):
        return out
    factions = [f for f, _s, _e in ctx.factions]
    agree = _AGREE.search(ctx.text) if _has(ctx, _AGREE_WORDS) else None
    places = [p for p, s, e in ctx.places if not _is_modifier(ctx, e)
              and _LOCATIVE.search(_list_lead(ctx, s))] if agree else []
    if agree and places:
        terms = sorted({_SPACES.sub(" ", t.lower()) for t in _TERMS.findall(ctx.text)})
        out.append(_claim(report, ctx, "agreement", places, factions, {"terms": terms}))
    for pid, s, _e in ctx.places if _has(ctx, _NEGOTIATE_WORDS) else ():
        if _NEGOTIATE.search(ctx.text[max(0, s - 60):s]):
            out.append(_claim(report, ctx, "negotiation", [pid], factions, {}))
            break
    return out


def _fold_agreements(claims: list[Claim], paragraphs: list[int]) -> list[Claim]:
    """Drop an agreement whose places change hands by agreement in the same paragraph."""
    handovers = {(paragraphs[c.sentence_index], p) for c in claims
                 if c.type == "control" and c.detail.get("by_agreement") for p in c.localities}
    return [c for c in claims if not (
        c.type == "agreement"
        and all((paragraphs[c.sentence_index], p) in handovers for p in c.localities))]
