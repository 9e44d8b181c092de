"""Sentence phrases shared by the truce, evacuation, agreement and withdrawal families.

These families key on short cue phrases ("from 9:00 to 14:00", "evacuated to", "agreed to")
around the sentence's place mentions; a ``Sentence`` holds the text with its place and faction
mentions (sentence-relative offsets). Every pattern is bounded: no nested repetition, and
lookbehind-like checks read a fixed window before a mention, so the scan is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.claims.document import CONTEXT_SENTENCES, Document

# Place surfaces may leave out the Arabic article ("al-Shifuniyah" is found as "Shifuniyah").
ARTICLE = r"(?:(?:al|el|an|ash|as|ad|ar|az|at)[-\s])?"
LIST_GAP = re.compile(r"\s*(?:,|,?\s*and|,?\s*as\s+well\s+as)\s*"
                      r"(?:the\s+(?:\w+\s+){0,2}of\s+)?" + ARTICLE, re.I)
_BEARING = re.compile(r"\b(?:north|south|east|west)(?:[\s-]?(?:east|west))?(?:ern)?\s+of\s+$"
                      r"|\bkm\s+(?:\w+\s+)?(?:of|from)\s+$", re.I)
_PEOPLE_NOUN = re.compile(r"^['\u2019]?s?\s*(elders|residents|natives|fighters|militants|"
                          r"council|committee|representatives|notables|people|rebels|group|"
                          r"factions?|brigade|battalion|front|officials|dignitaries)\b", re.I)
_HEDGE = re.compile(r"\b(reportedly|allegedly|unconfirmed|claimed|rumou?rs?)\b", re.I)
#: How far before a place ``list_lead`` looks for the words introducing its list.
LEAD_WINDOW = 50


@dataclass(frozen=True)
class Sentence:
    """A sentence with its place and faction mentions, ``(id, start, end)`` in its text."""

    index: int
    text: str
    places: tuple[tuple[str, int, int], ...]
    factions: tuple[tuple[str, int, int], ...]

    @classmethod
    def of(cls, doc: Document, i: int) -> Sentence:
        """Sentence ``i`` of a document."""
        return cls(i, doc.report.sentences[i].text, doc.places[i], doc.factions[i])

    def lower(self) -> str:
        """The text in lower case, for cheap word checks."""
        return self.text.lower()


def previous(doc: Document, i: int) -> list[Sentence]:
    """The sentences just before sentence ``i`` in its paragraph, in text order."""
    out = []
    for j in range(i - 1, max(-1, i - 1 - CONTEXT_SENTENCES), -1):
        if doc.paragraphs[j] != doc.paragraphs[i]:
            break
        out.append(Sentence.of(doc, j))
    return out[::-1]


def is_modifier(s: Sentence, end: int) -> bool:
    """True when the place ending at ``end`` qualifies people ("Douma elders") or only gives
    a bearing ("north-east of Damascus"): it names who or where from, not the claim's place."""
    if _PEOPLE_NOUN.match(s.text[end:end + 40]):
        return True
    start = next((st for _p, st, e in s.places if e == end), end)
    return bool(_BEARING.search(s.text[max(0, start - 30):start]))


def list_lead(s: Sentence, start: int) -> str:
    """The words that introduce the list a place at ``start`` belongs to ("to the towns of")."""
    lead_end = start
    ends = {st: e for _p, st, e in s.places}
    for other in sorted((st for _p, st, _e in s.places if st <= start), reverse=True):
        if other != start:
            between = s.text[ends[other]:lead_end]
            if len(between) > LEAD_WINDOW or not LIST_GAP.fullmatch(between):
                break
        lead_end = other
    return s.text[max(0, lead_end - LEAD_WINDOW):lead_end]


def context_place(before: list[Sentence]) -> tuple[str, Sentence] | None:
    """The last place (not a modifier) of the sentences just before, and its sentence."""
    for prev in reversed(before):
        places = [p for p in prev.places if not is_modifier(prev, p[2])]
        if places:
            return places[-1][0], prev
    return None


def hedge(text: str) -> str:
    """The hedge word of a text ("reportedly", "allegedly", "claimed"...), empty when none."""
    m = _HEDGE.search(text)
    return m.group(1) if m else ""
