"""Run every rule family over a report's sentences: the claims it makes, in sentence order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from geo.claims.agreement import AgreementRule, fold_handovers
from geo.claims.control import ControlRule
from geo.claims.core import Claim, ClaimKind, ControlDetail
from geo.claims.cues import control_hits, family_hits
from geo.claims.document import Document, FactionLike, MentionLike
from geo.claims.evacuation import EvacuationRule
from geo.claims.lexicon import TOKEN, Lexicon, lexicon_for, word_automaton
from geo.claims.rule import ClaimRule
from geo.claims.spans import Sides
from geo.claims.truce import TruceRule
from geo.claims.withdrawal import WithdrawalRule
from geo.model import Dataset
from geo.reports import Report

CONTROL = ControlRule()
WITHDRAWAL = WithdrawalRule()
TRUCE = TruceRule()
EVACUATION = EvacuationRule()
AGREEMENT = AgreementRule()
#: Every rule family, in the order they run on a sentence.
RULES: tuple[ClaimRule, ...] = (CONTROL, WITHDRAWAL, TRUCE, EVACUATION, AGREEMENT)
#: The families keyed on cue words (``geo.claims.cues``), and one automaton for their cues.
FAMILIES = (WITHDRAWAL, TRUCE, EVACUATION, AGREEMENT)
_FAMILY_CUES = word_automaton({cue for rule in FAMILIES for cue in rule.cues})


def rule_for(kind: ClaimKind | str) -> ClaimRule:
    """The rule family of a claim kind.

    Raises
    ------
    KeyError
        For an unknown kind.
    """
    for rule in RULES:
        if kind in rule.kinds:
            return rule
    raise KeyError(f"no rule family for claim kind {kind!r}")


def extract_claims(report: Report, mentions: Sequence[MentionLike],
                   faction_mentions: Sequence[FactionLike], *, dataset: Dataset,
                   lexicon: Lexicon | None = None, sides: Sides | None = None,
                   timeline: set[str] | None = None) -> list[Claim]:
    """Propose the claims a report makes (the rule families of ``geo.claims``).

    Parameters
    ----------
    report : Report
        The parsed report (its date anchors relative dates).
    mentions : sequence of Mention
        Place mentions, offsets into ``report.text``.
    faction_mentions : sequence of FactionMention
        Faction mentions, offsets into ``report.text``.
    dataset : Dataset
        Its factions' sides, its ids, and its own lexicon additions.
    lexicon : Lexicon, optional
        The compiled lexicon (default: the shipped one plus ``dataset.lexicon``).
    sides : Sides, optional
        ``geo.claims.document.sides_of(dataset, lexicon)``, when the caller has it (it is the
        same for every report of a dataset).
    timeline : set of str, optional
        Filled with the localities whose control rows (``dataset.control``) the claims were
        read against: a holder the text does not name is inferred from them, so the claims
        may change when those rows do.

    Returns
    -------
    list of Claim
        In sentence order; nothing is written anywhere.
    """
    lexicon = lexicon if lexicon is not None else lexicon_for(dataset.lexicon)
    doc = Document.build(report, mentions, faction_mentions, dataset=dataset, lexicon=lexicon,
                         sides=sides)
    sentences = report.sentences
    low = report.text.lower()
    if len(low) == len(report.text):  # one pass for the words every rule keys on
        control = control_hits(low, [(s.start, s.end) for s in sentences], lexicon,
                               doc.known)
        cued = family_hits(low, [s.start for s in sentences], _FAMILY_CUES,
                           {r.name: r.cues for r in FAMILIES})
    else:  # lower case moved offsets ("İ"): let every rule look at every sentence
        control = set(range(len(sentences)))
        cued = {r.name: control for r in FAMILIES}
    claims: list[Claim] = []
    for i in sorted(control.union(*cued.values())):  # the others hold no rule's words
        found: list[Claim] = []
        if i in control and _refers_to_places(doc, i):
            found = CONTROL.extract(doc, i)
        claimed = {p for c in found for p in c.localities}
        if i in cued[WITHDRAWAL.name]:
            found += WITHDRAWAL.extract(doc, i, claimed)
        for rule in (TRUCE, EVACUATION, AGREEMENT):
            if i in cued[rule.name]:
                found += rule.extract(doc, i)
        claims.extend(found)
    if timeline is not None:
        timeline.update(doc.timeline_reads)
    return fold_generic(fold_handovers(_in_period(claims, dataset), doc.paragraphs), doc.sides)


#: How far outside the dataset's period a claim the text dates may still fall (days).
PERIOD_MARGIN_DAYS = 31


def _in_period(claims: Sequence[Claim], dataset: Dataset) -> list[Claim]:
    """The claims, less those the text itself dates well outside the dataset's period ("IS
    seized the city in June 2014" in a 2017 report is history, not a proposal for it)."""
    meta = dataset.meta
    lo = meta.start - dt.timedelta(days=PERIOD_MARGIN_DAYS)
    hi = meta.end + dt.timedelta(days=PERIOD_MARGIN_DAYS)
    return [c for c in claims if c.date_origin in ("report", "vague") or lo <= c.date <= hi]


def _refers_to_places(doc: Document, i: int) -> bool:
    """True when sentence ``i`` names a place of the dataset, or refers to one named just
    before ("the town", "it"): else it can make no control claim (a name only the gazetteer
    knows is a place to add, not one a claim can hold)."""
    if doc.known[i]:
        return True
    return any(doc.known[j] for j in range(max(0, i - 2), i)
               if doc.paragraphs[j] == doc.paragraphs[i]) and not _REFERRING.isdisjoint(
        TOKEN.findall(doc.report.sentences[i].text.lower()))


#: Words by which a sentence refers to places named before it (anaphors and pronouns).
_REFERRING = frozenset({"it", "its", "they", "them", "their", "these", "those", "this", "that",
                        "town", "towns", "city", "cities", "village", "villages", "district",
                        "districts", "suburb", "suburbs", "neighbourhood", "neighbourhoods",
                        "neighborhood", "neighborhoods", "camp", "camps", "area", "place",
                        "locality", "localities", "settlement", "settlements", "municipality"})


def fold_generic(claims: Sequence[Claim], sides: Sides) -> list[Claim]:
    """Leave out a place held by a side's generic faction ("rebel-held Douma") when the
    report names the faction of that side that holds it ("Douma, held by Jaysh al-Islam");
    a holder inferred from the dataset names none."""
    control = [(c, c.info) for c in claims if isinstance(c.info, ControlDetail)]
    specific = {(p, sides.side_of.get(info.holder, "")) for c, info in control
                if not info.inferred and info.holder not in sides.generic_ids
                for p in c.localities}
    out = []
    for c in claims:
        holder = c.info.holder if isinstance(c.info, ControlDetail) else ""
        if c.type != ClaimKind.CONTROL or holder not in sides.generic_ids:
            out.append(c)
            continue
        side = sides.side_of.get(holder, "")
        kept = tuple(p for p in c.localities if (p, side) not in specific)
        if kept == c.localities:
            out.append(c)
        elif kept:
            out.append(dataclasses.replace(c, localities=kept))
    return out
