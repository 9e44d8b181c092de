"""Run every rule family over a report's sentences: the claims it makes, in sentence order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from geo.claims.agreement import AgreementRule, fold_handovers
from geo.claims.control import ControlRule
from geo.claims.core import Claim, ClaimKind
from geo.claims.document import Document, FactionLike, MentionLike
from geo.claims.evacuation import EvacuationRule
from geo.claims.lexicon import TOKEN, Lexicon, lexicon_for
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
                   lexicon: Lexicon | None = None) -> list[Claim]:
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

    Returns
    -------
    list of Claim
        In sentence order; nothing is written anywhere.
    """
    lexicon = lexicon if lexicon is not None else lexicon_for(dataset.lexicon)
    doc = Document.build(report, mentions, faction_mentions, dataset=dataset, lexicon=lexicon)
    control_words = lexicon.control_words
    claims: list[Claim] = []
    for i, sentence in enumerate(report.sentences):
        near_places = bool(doc.places[i]) or any(
            doc.places[j] for j in range(max(0, i - 2), i) if doc.paragraphs[j] ==
            doc.paragraphs[i])
        found: list[Claim] = []
        if near_places and _triggered(sentence.text, control_words, lexicon):
            found = CONTROL.extract(doc, i)
        claimed = {p for c in found for p in c.localities}
        found += WITHDRAWAL.extract(doc, i, claimed)
        found += TRUCE.extract(doc, i)
        found += EVACUATION.extract(doc, i)
        found += AGREEMENT.extract(doc, i)
        claims.extend(found)
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


def _triggered(text: str, words: frozenset[str], lexicon: Lexicon) -> bool:
    """True when the text holds one of ``words``, or a long word misspelling one."""
    tokens = set(TOKEN.findall(text.lower()))
    if not words.isdisjoint(tokens):
        return True
    return any(lexicon.correct(t) in words for t in tokens if len(t) >= 7)


def fold_generic(claims: Sequence[Claim], sides: Sides) -> list[Claim]:
    """Leave out a place held by a side's generic faction ("rebel-held Douma") when the
    report names the faction of that side that holds it ("Douma, held by Jaysh al-Islam");
    a holder inferred from the dataset names none."""
    specific = {(p, sides.side_of.get(c.detail.get("holder", ""), ""))
                for c in claims if c.type == ClaimKind.CONTROL and not c.detail.get("inferred")
                and c.detail.get("holder") not in sides.generic_ids for p in c.localities}
    out = []
    for c in claims:
        holder = c.detail.get("holder", "")
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
