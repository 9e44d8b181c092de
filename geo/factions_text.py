"""Find faction mentions in report text from the dataset's faction names, ids and aliases."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from geo.claims.lexicon import word_automaton
from geo.model import Faction
from geo.normalize import MappedText, keys_of_skeletons, skeleton_text, skeletons

#: Faction names shorter than this (glued loose key) are never matched fuzzily.
FUZZY_MIN_KEY = 9
#: Least ``rapidfuzz.fuzz.ratio`` (0-100) of a fuzzy faction match.
FUZZY_CUTOFF = 90.0
#: Two to four capitalised words, lower-case articles between them allowed ("Jaysh al-Islaam").
# Possessive quantifiers and a word start: a long word is read once, never retried from each
# of its letters (a run of 30,000 "A" took 15 s with backtracking).
_NAME_RUN = re.compile(r"(?<![^\W_])[A-Z][^\W_]*+(?:['\u2019][^\W_]++)?(?:[ -](?:(?:al|el|ash|as|"
                       r"ad|ar|an|at|az)[ -])?[A-Z][^\W_]*+(?:['\u2019][^\W_]++)?)++")
#: A capitalised word of a run, with the article before it.
_RUN_WORD = re.compile(r"(?:(?:al|el|ash|as|ad|ar|an|at|az)[ -])?[A-Z][^\W_]*+"
                       r"(?:['\u2019][^\W_]++)?")
#: Most words of a fuzzy window (faction names are short).
FUZZY_MAX_WORDS = 4
# The loose form drops the article: "al-Rahman Legion" is found from "Rahman"; take it back.
_LEADING_ARTICLE = re.compile(r"(?<![A-Za-z])(?:al|el)-$", re.I)


@dataclass(frozen=True)
class FactionMention:
    """A faction named in a text: ``text[start:end]`` is ``surface`` (character offsets)."""

    faction_id: str
    surface: str
    start: int
    end: int


def _is_acronym(name: str) -> bool:
    stripped = name.strip()
    return 2 <= len(stripped) <= 5 and stripped.isalpha() and stripped.isupper()


def _patterns(factions: Sequence[Faction]) -> tuple[dict[str, str], dict[str, str]]:
    """(folded name -> faction id, acronym as written -> faction id); first faction wins."""
    entries: list[tuple[str, str]] = []  # (name, faction id) of the names to fold
    acronyms: dict[str, str] = {}
    for faction in factions:
        names = [faction.name, *faction.aliases, faction.id.replace("-", " ")]
        for name in names:
            if not name.strip():
                continue
            if _is_acronym(name) or (name == faction.id.replace("-", " ") and len(name) <= 5):
                acronyms.setdefault(name.strip().upper(), faction.id)
                continue
            entries.append((name, faction.id))
    folded: dict[str, str] = {}
    for key, (_, faction_id) in zip(skeletons([n for n, _ in entries]), entries, strict=True):
        key = key.strip()
        if len(key) >= 3:
            folded.setdefault(key, faction_id)
    return folded, acronyms


@dataclass(frozen=True, eq=False)
class FactionIndex:
    """The factions' names compiled for search; build once per dataset, reuse for every text.

    Use ``FactionIndex.build``; ``find_factions`` accepts one in place of the factions.
    """

    folded: Mapping[str, str]
    acronyms: Mapping[str, str]
    folded_pattern: re.Pattern[str] | None
    acronym_pattern: re.Pattern[str] | None
    #: glued loose keys of the names long enough for fuzzy matching -> faction id
    fuzzy: Mapping[str, str] = field(default_factory=dict)
    #: the words of the names, lower case, article dropped (a fuzzy window holds one)
    name_words: frozenset[str] = frozenset()
    #: an Aho-Corasick automaton of those words: texts without them skip the fuzzy search
    word_automaton: Any = None

    @classmethod
    def build(cls, factions: Iterable[Faction]) -> FactionIndex:
        """Compile the names, aliases and ids of ``factions`` (the first faction wins a name).

        Parameters
        ----------
        factions : iterable of Faction
            The dataset's factions.

        Returns
        -------
        FactionIndex
        """
        factions = tuple(factions)
        folded, acronyms = _patterns(factions)
        folded_pattern = acronym_pattern = None
        if folded:
            alternatives = sorted(folded, key=len, reverse=True)
            folded_pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(
                map(re.escape, alternatives)) + r")(?![a-z0-9])")
        if acronyms:
            acronym_pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(
                map(re.escape, sorted(acronyms, key=len, reverse=True))) + r")(?![A-Za-z0-9])")
        fuzzy = {key.replace(" ", ""): fid for key, fid in folded.items()
                 if " " in key and len(key.replace(" ", "")) >= FUZZY_MIN_KEY}
        words = frozenset(_bare(w) for f in factions for name in (f.name, *f.aliases)
                          for w in name.split() if len(_bare(w)) >= 3)
        return cls(folded, acronyms, folded_pattern, acronym_pattern, fuzzy, words,
                   word_automaton(words) if words and fuzzy else None)

    def find(self, text: str, loose: MappedText | None = None) -> list[FactionMention]:
        """``find_factions(text, self)``; ``loose`` may pass ``skeleton_text(text)`` if known."""
        found: list[FactionMention] = []
        if self.folded_pattern is not None:
            mapped = skeleton_text(text) if loose is None else loose
            folded_names = self.folded
            for match in self.folded_pattern.finditer(mapped.text):
                start, end = _whole_words(text, *mapped.span(match.start(), match.end()))
                found.append(FactionMention(folded_names[match.group(0)], text[start:end],
                                            start, end))
        if self.acronym_pattern is not None:
            acronyms = self.acronyms
            for match in self.acronym_pattern.finditer(text):
                found.append(FactionMention(acronyms[match.group(0)], match.group(0),
                                            match.start(), match.end()))
        if self.fuzzy:
            found += self._fuzzy(text, found)
        return _without_overlaps(found) if len(found) > 1 else found

    def _fuzzy(self, text: str, found: Sequence[FactionMention]) -> list[FactionMention]:
        """Runs of two to four capitalised words that no name matched, one of them a word of
        a name, close to a name of a faction by their loose keys ("Jaysh al-Islaam", "Faylak
        al-Rahmen")."""
        taken = sorted((m.start, m.end) for m in found)
        starts = [s for s, _e in taken]

        def clear(start: int, end: int) -> bool:  # overlaps no mention found
            k = bisect.bisect_right(starts, start) - 1
            return (k < 0 or taken[k][1] <= start) and (
                k + 1 >= len(taken) or taken[k + 1][0] >= end)

        if self.word_automaton is None:
            return []
        hits = _capitalised_hits(text, self.word_automaton, clear)
        if not hits:  # no capitalised word of a name outside the mentions: no window
            return []
        runs: list[list[tuple[int, int]]] = []  # the words of each run clear of mentions
        for run in _NAME_RUN.finditer(text):
            if run.start() > hits[-1]:
                break
            if clear(*run.span()):
                runs.append([w.span() for w in _RUN_WORD.finditer(text, run.start(),
                                                                  run.end())])
        names = self.name_words
        windows: list[list[tuple[int, int]]] = []  # per run: its windows, longest first
        for words in runs:
            known = [_bare(text[a:b]) in names for a, b in words]
            windows.append([(words[i][0], words[i + n - 1][1]) for i in range(len(words))
                            for n in range(min(FUZZY_MAX_WORDS, len(words) - i), 1, -1)
                            if any(known[i:i + n])])  # a name is rarely all misspelled
        surfaces = list(dict.fromkeys(text[s:e] for run in windows for s, e in run))
        if not surfaces:
            return []
        choices = list(self.fuzzy)
        faction_of: dict[str, str | None] = {}  # each distinct window judged once
        for surface, key in zip(surfaces, keys_of_skeletons(skeletons(surfaces)), strict=True):
            best = process.extractOne(key, choices, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_CUTOFF) \
                if len(key) >= FUZZY_MIN_KEY else None
            faction_of[surface] = self.fuzzy[best[0]] if best is not None else None
        out = []
        for spans in windows:
            reach = -1
            for start, end in spans:
                faction = faction_of[text[start:end]]
                if start >= reach and faction is not None:
                    out.append(FactionMention(faction, text[start:end], start, end))
                    reach = end
        return out


def _capitalised_hits(text: str, automaton: Any, clear: Callable[[int, int], bool]
                      ) -> list[int]:
    """Where the automaton's words stand in ``text`` as whole capitalised words that
    ``clear`` accepts (every word of a name run that may be a name's is one of them); when
    lower case moves offsets ("İ"), the end of the text, so that every run is looked at."""
    low = text.lower()
    n = len(text)
    if len(low) != n:
        return [n]
    hits = []
    for end, word in automaton.iter(low):
        start = end - len(word) + 1
        if (start and text[start - 1].isalnum()) or (end + 1 < n and text[end + 1].isalnum()):
            continue  # inside a word
        if text[start].isupper() and clear(start, end + 1):
            hits.append(start)
    return hits


def _bare(word: str) -> str:
    """A word in lower case without its article ("al-Rahman" -> "rahman")."""
    low = word.lower()
    return _ARTICLE_PREFIX.sub("", low)


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ash|as|ad|ar|an|at|az)[-\s]")


def faction_index(factions: Sequence[Faction] | FactionIndex) -> FactionIndex:
    """The compiled ``FactionIndex`` of ``factions`` (an index is returned as it is).

    Compiling costs a fraction of a millisecond: build the index once and pass it when
    searching many texts one at a time.

    Parameters
    ----------
    factions : sequence of Faction or FactionIndex
        The dataset's factions, or an index already built.

    Returns
    -------
    FactionIndex
    """
    if isinstance(factions, FactionIndex):
        return factions
    return FactionIndex.build(factions)


def find_factions(text: str, factions: Sequence[Faction] | FactionIndex
                  ) -> list[FactionMention]:
    """Find every mention of a faction in a text.

    Names, aliases and ids match through the gazetteer's loose spelling form
    (``geo.normalize.skeleton``: case, diacritics, article, vowels, ``q``/``k``), so
    "Faylak Al-Rahman" is "Faylaq al-Rahman" and "Jaish" is "Jaysh". Short all-capital
    names (acronyms such as ``SAA``, ``HTS``, or an id of five letters or fewer) match only
    in capitals, so the word "has" is not HTS. Overlapping matches keep the longest.

    Parameters
    ----------
    text : str
        Running text.
    factions : sequence of Faction or FactionIndex
        The dataset's factions (their ``name``, ``aliases`` and ``id`` are looked for), or
        their ``FactionIndex`` (faster for many texts: a sequence is compiled at each call).

    Returns
    -------
    list of FactionMention
        In text order, without overlaps; offsets index ``text``.
    """
    return faction_index(factions).find(text)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words (the loose form drops endings: "Arm" -> "Army")."""
    while end < len(text) and text[end].isalnum():
        end += 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    article = _LEADING_ARTICLE.search(text, max(0, start - 4), start)
    return (article.start() if article else start), end


def _without_overlaps(found: list[FactionMention]) -> list[FactionMention]:
    """Longest first (then leftmost), keep what overlaps nothing kept; in text order.

    The characters taken are marked in a bytearray, so a check costs the mention's length
    (comparing with every mention kept made a text of many mentions quadratic).
    """
    taken = bytearray(max(m.end for m in found))
    kept: list[FactionMention] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if m.end > m.start and taken.find(1, m.start, m.end) < 0:
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)
