"""One report as the rules see it: its sentences, marked on demand, paragraphs and sides."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from geo.claims.lexicon import Lexicon
from geo.claims.spans import MarkedSentence, Sides, mark_sentence
from geo.model import Dataset
from geo.reports import Report

#: Sentences before a claim's own (same paragraph) that anaphors and pronouns may reach.
CONTEXT_SENTENCES = 2


class MentionLike(Protocol):
    """What claims need of a place mention (``geo.mentions.Mention`` fits)."""

    @property
    def locality_id(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class FactionLike(Protocol):
    """What claims need of a faction mention (``geo.factions_text.FactionMention`` fits)."""

    @property
    def faction_id(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def sides_of(dataset: Dataset, lexicon: Lexicon) -> Sides:
    """Each faction's side and, per side, the faction a bare side word stands for.

    A side with one faction: that faction. With several: the one whose names include a
    one-word side term of the lexicon ("rebels", "opposition"), the most such names winning.
    """
    side_of = {f.id: f.side for f in dataset.factions}
    generic_of: dict[str, str] = {}
    generic_ids: set[str] = set()
    for side in {f.side for f in dataset.factions}:
        members = [f for f in dataset.factions if f.side == side]
        if len(members) == 1:
            generic_of[side] = members[0].id
            continue
        words = {w for w in lexicon.words["side"] | lexicon.words["force"]
                 if lexicon.value("side", (w,)) == side or lexicon.value("force", (w,)) == side}
        scored = sorted(((sum(a.strip().lower() in words for a in (f.name, *f.aliases)), i, f.id)
                         for i, f in enumerate(members)), reverse=True)
        if scored and scored[0][0] > 0:
            generic_of[side] = scored[0][2]
            generic_ids.add(scored[0][2])
    return Sides(side_of, generic_of, frozenset(generic_ids))


@dataclass
class Document:
    """A report's sentences with their mentions, marked for the grammar when first asked."""

    report: Report
    dataset: Dataset
    lexicon: Lexicon
    sides: Sides
    places: list[tuple[tuple[str, int, int], ...]]
    factions: list[tuple[tuple[str, int, int], ...]]
    paragraphs: list[int]
    _marked: dict[int, MarkedSentence] = field(default_factory=dict)

    @classmethod
    def build(cls, report: Report, mentions: Sequence[MentionLike],
              faction_mentions: Sequence[FactionLike], *, dataset: Dataset,
              lexicon: Lexicon) -> Document:
        """Cut the mentions per sentence (sentence-relative offsets) and number paragraphs."""
        sentences = report.sentences
        starts = [s.start for s in sentences]
        places: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        factions: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        for m in mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= sentences[i].end:
                places[i].append((m.locality_id, m.start - starts[i], m.end - starts[i]))
        for f in faction_mentions:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0 and f.end <= sentences[i].end:
                factions[i].append((f.faction_id, f.start - starts[i], f.end - starts[i]))
        return cls(report, dataset, lexicon, sides_of(dataset, lexicon),
                   [tuple(sorted(p, key=lambda x: x[1])) for p in places],
                   [tuple(sorted(f, key=lambda x: x[1])) for f in factions],
                   _paragraph_ids(report))

    def marked(self, i: int) -> MarkedSentence:
        """Sentence ``i`` marked for the grammar (marked once)."""
        found = self._marked.get(i)
        if found is None:
            s = self.report.sentences[i]
            found = mark_sentence(i, s.start, s.text, self.places[i], self.factions[i],
                                  lexicon=self.lexicon, sides=self.sides,
                                  report_date=self.report.date, paragraph=self.paragraphs[i])
            self._marked[i] = found
        return found

    def previous(self, ms: MarkedSentence) -> list[MarkedSentence]:
        """The sentences just before ``ms`` in its paragraph, nearest first."""
        out = []
        for i in range(ms.index - 1, max(-1, ms.index - 1 - CONTEXT_SENTENCES), -1):
            if self.paragraphs[i] != ms.paragraph:
                break
            out.append(self.marked(i))
        return out


def _paragraph_ids(report: Report) -> list[int]:
    out, para = [], 0
    text = report.text
    for i, s in enumerate(report.sentences):
        if i:
            gap = text[report.sentences[i - 1].end:s.start]
            if "\n\n" in gap.replace(" ", "").replace("\t", ""):
                para += 1
        out.append(para)
    return out
