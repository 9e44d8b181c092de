"""One report as the rules see it: its sentences, marked on demand, paragraphs and sides."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Protocol

from geo.claims.dates import resolve_date
from geo.claims.lexicon import TOKEN, Lexicon
from geo.claims.spans import MarkedSentence, Scanned, Sides, mark_sentence, scan_sentence
from geo.model import ControlChange, Dataset
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

    A side with one faction: that faction. With several: the one with the most names made
    only of the lexicon's side words and force nouns, besides capitalised ones ("rebels",
    "armed opposition", "Iraqi army", "government forces"); none such: no faction stands
    for the side. When at least half of that faction's names (and two) are such, it stands
    for a group of the side left unstated (``generic_ids``): a claim for it yields to one for
    a faction of its side that the report names for the same place.
    """
    side_of = {f.id: f.side for f in dataset.factions}
    generic_of: dict[str, str] = {}
    generic_ids: set[str] = set()
    for side in {f.side for f in dataset.factions}:
        members = [f for f in dataset.factions if f.side == side]
        if len(members) == 1:
            generic_of[side] = members[0].id
            continue
        scored = sorted(((sum(_generic_name(n, side, lexicon) for n in (f.name, *f.aliases)),
                          -i, f) for i, f in enumerate(members)), key=lambda t: t[:2],
                        reverse=True)
        if scored and scored[0][0] > 0:
            count, _i, faction = scored[0]
            generic_of[side] = faction.id
            if count >= 2 and 2 * count >= 1 + len(faction.aliases):
                generic_ids.add(faction.id)  # mostly side words: "the opposition, unstated"
    return Sides(side_of, generic_of, frozenset(generic_ids), _nations(dataset, lexicon))


def _nations(dataset: Dataset, lexicon: Lexicon) -> dict[str, str]:
    """Capitalised words of faction names ("Iraqi", "Russian", "Syrian") that point to one
    faction: it has them in at least twice as many names as any other faction."""
    counts: dict[str, dict[str, int]] = {}
    for f in dataset.factions:
        for name in (f.name, *f.aliases):
            for word in {w for w in TOKEN.findall(name) if w[:1].isupper() and w[1:].islower()}:
                low = word.lower()
                if len(low) >= 4 and not lexicon.is_("side", low) and not lexicon.is_(
                        "force", low):
                    counts.setdefault(low, {}).setdefault(f.id, 0)
                    counts[low][f.id] += 1
    out = {}
    for word, by_faction in counts.items():
        ranked = sorted(by_faction.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            out[word] = ranked[0][0]
    return out


def _generic_name(name: str, side: str, lexicon: Lexicon) -> bool:
    """True when a faction name only says a side: its words, capitalised ones aside, are
    side words and force nouns of that side or of none ("Iraqi army", "rebels")."""
    words = [w.lower() for w in TOKEN.findall(name) if w != "-" and not w[:1].isupper()]
    if not words or any(w.isupper() for w in TOKEN.findall(name)):
        return False
    for w in words:
        values = {lexicon.value("side", (w,)), lexicon.value("force", (w,))} - {None}
        if not values or not values <= {side, ""}:
            return False
    return True


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
    #: per sentence, whether it names a place of the dataset (not only gazetteer names)
    known: list[bool] = field(default_factory=list)
    _marked: dict[int, MarkedSentence] = field(default_factory=dict)
    _scanned: dict[int, Scanned] = field(default_factory=dict)
    _dates: dict[str, tuple[dt.date, str, str]] = field(default_factory=dict)
    #: per sentence, what the phrase-keyed families keep of it (``geo.claims.phrases``)
    texts: dict[int, object] = field(default_factory=dict)
    #: the localities whose control rows the claims read (``control_until``)
    timeline_reads: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, report: Report, mentions: Sequence[MentionLike],
              faction_mentions: Sequence[FactionLike], *, dataset: Dataset,
              lexicon: Lexicon, sides: Sides | None = None) -> Document:
        """Cut the mentions per sentence (sentence-relative offsets) and number paragraphs."""
        sentences = report.sentences
        starts = [s.start for s in sentences]
        places: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        factions: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        known = [False] * len(sentences)
        for m in mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= sentences[i].end:
                places[i].append((m.locality_id, m.start - starts[i], m.end - starts[i]))
                known[i] = known[i] or dataset.has_locality(m.locality_id)
        for f in faction_mentions:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0 and f.end <= sentences[i].end:
                factions[i].append((f.faction_id, f.start - starts[i], f.end - starts[i]))
        return cls(report, dataset, lexicon,
                   sides if sides is not None else sides_of(dataset, lexicon),
                   [_by_start(p) for p in places], [_by_start(f) for f in factions],
                   _paragraph_ids(report), known)

    def scanned(self, i: int) -> Scanned:
        """Sentence ``i``'s items and lexicon phrases (``scan_sentence``; scanned once)."""
        found = self._scanned.get(i)
        if found is None:
            found = self._scanned[i] = scan_sentence(
                self.report.sentences[i].text, self.places[i], self.factions[i],
                lexicon=self.lexicon, sides=self.sides)
        return found

    def marked(self, i: int) -> MarkedSentence:
        """Sentence ``i`` marked for the grammar (marked once)."""
        found = self._marked.get(i)
        if found is None:
            s = self.report.sentences[i]
            found = mark_sentence(i, s.start, s.text, self.places[i], self.factions[i],
                                  lexicon=self.lexicon, sides=self.sides,
                                  report_date=self.report.date, paragraph=self.paragraphs[i],
                                  scanned=self.scanned(i))
            self._marked[i] = found
        return found

    def control_until(self, locality: str, day: dt.date) -> list[ControlChange]:
        """The dataset's control changes of a locality up to ``day``, in date order (the
        locality is noted in ``timeline_reads``)."""
        self.timeline_reads.add(locality)
        rows = self.dataset.control_of(locality)  # sorted by date when loaded
        return list(rows[:bisect.bisect_right([c.date for c in rows], day)])

    def date_in(self, text: str) -> tuple[dt.date, str, str]:
        """``resolve_date(text, report date)``, once per text of the report."""
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = resolve_date(text, self.report.date)
        return found

    def previous(self, ms: MarkedSentence) -> list[MarkedSentence]:
        """The sentences just before ``ms`` in its paragraph, nearest first."""
        out = []
        for i in range(ms.index - 1, max(-1, ms.index - 1 - CONTEXT_SENTENCES), -1):
            if self.paragraphs[i] != ms.paragraph:
                break
            out.append(self.marked(i))
        return out


def _by_start(spans: list[tuple[str, int, int]]) -> tuple[tuple[str, int, int], ...]:
    """The ``(id, start, end)`` spans in the order of their starts."""
    return tuple(sorted(spans, key=itemgetter(1))) if len(spans) > 1 else tuple(spans)


def _paragraph_ids(report: Report) -> list[int]:
    """Each sentence's paragraph: a blank line (spaces and tabs aside) between two
    sentences starts a new one."""
    out, para = [], 0
    text = report.text
    for i, s in enumerate(report.sentences):
        if i:
            gap = text[report.sentences[i - 1].end:s.start]
            if gap.count("\n") > 1 and "\n\n" in gap.replace(" ", "").replace("\t", ""):
                para += 1
        out.append(para)
    return out
