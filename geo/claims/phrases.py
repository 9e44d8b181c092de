"""Sentence phrases shared by the truce, evacuation, agreement and withdrawal families.

These families key on short cue phrases ("from 9:00 to 14:00", "evacuated to", "agreed to")
around the sentence's place mentions; a ``Sentence`` holds the text with its place and faction
mentions (sentence-relative offsets). Every pattern is bounded: no nested repetition, and
lookbehind-like checks read a fixed window before a mention, so the scan is linear.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from geo.claims.dates import FOLDS_TO_ASCII
from geo.claims.document import CONTEXT_SENTENCES, Document
from geo.claims.spans import MAX_LIST

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


@dataclass(frozen=True, eq=False)
class Sentence:
    """A sentence with its place and faction mentions, ``(id, start, end)`` in its text."""

    index: int
    text: str
    places: tuple[tuple[str, int, int], ...]
    factions: tuple[tuple[str, int, int], ...]
    #: the text in lower case, for cheap word checks
    low: str = field(init=False)
    #: where each place starts and ends (the places are in text order)
    starts: list[int] = field(init=False)
    ends: list[int] = field(init=False)
    #: False when a character of the text matches an ASCII letter other than as its lower
    #: case does ("ſ" is "s" to a case-insensitive pattern)
    plain: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", self.text.lower())
        object.__setattr__(self, "plain", self.text.isascii() or not any(
            c in self.text for c in FOLDS_TO_ASCII))
        object.__setattr__(self, "starts", [st for _p, st, _e in self.places])
        object.__setattr__(self, "ends", [e for _p, _st, e in self.places])

    @classmethod
    def of(cls, doc: Document, i: int) -> Sentence:
        """Sentence ``i`` of a document (made once per document)."""
        found = doc.texts.get(i)
        if not isinstance(found, Sentence):
            found = cls(i, doc.report.sentences[i].text, doc.places[i], doc.factions[i])
            doc.texts[i] = found
        return found

    def lower(self) -> str:
        """The text in lower case, for cheap word checks."""
        return self.low

    def may_hold(self, words: Sequence[str]) -> bool:
        """False when no case-insensitive match of a pattern whose every match holds one of
        the lower-case ``words`` can be in the text (a test cheaper than the search)."""
        return any(w in self.low for w in words) or not self.plain


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
    k = bisect.bisect_left(s.ends, end)
    start = s.places[k][1] if k < len(s.places) and s.places[k][2] == end else end
    return bool(_BEARING.search(s.text[max(0, start - 30):start]))


def list_lead(s: Sentence, start: int) -> str:
    """The words that introduce the list a place at ``start`` belongs to ("to the towns of"):
    the text before the first place of its list (looked for at most ``MAX_LIST`` back)."""
    lead_end = start
    k = bisect.bisect_right(s.starts, start) - 1
    for j in range(k - 1, max(-1, k - 1 - MAX_LIST), -1):
        between = s.text[s.places[j][2]:lead_end]
        if len(between) > LEAD_WINDOW or not LIST_GAP.fullmatch(between):
            break
        lead_end = s.places[j][1]
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
