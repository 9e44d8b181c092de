"""Find faction mentions in report text from the dataset's faction names, ids and aliases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.model import Faction
from geo.normalize import skeleton, skeleton_text

# The loose form drops the article: "al-Rahman Legion" is found from "Rahman"; take it back.
_LEADING_ARTICLE = re.compile(r"(?<![A-Za-z])(?:al|el)-$", re.I)


@dataclass(frozen=True)
class FactionMention:
    """A faction named in a text: ``text[start:end]`` is ``surface`` (character offsets)."""

    faction_id: str
    surface: str
    start: int
    end: int


def _fold_name(name: str) -> str:
    return skeleton(name).strip()


def _is_acronym(name: str) -> bool:
    stripped = name.strip()
    return 2 <= len(stripped) <= 5 and stripped.isalpha() and stripped.isupper()


def _patterns(factions: Sequence[Faction]) -> tuple[dict[str, str], dict[str, str]]:
    """(folded name -> faction id, acronym as written -> faction id); first faction wins."""
    folded: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for faction in factions:
        names = [faction.name, *faction.aliases, faction.id.replace("-", " ")]
        for name in names:
            if not name.strip():
                continue
            if _is_acronym(name) or (name == faction.id.replace("-", " ") and len(name) <= 5):
                acronyms.setdefault(name.strip().upper(), faction.id)
                continue
            key = _fold_name(name)
            if len(key) >= 3:
                folded.setdefault(key, faction.id)
    return folded, acronyms


def find_factions(text: str, factions: Sequence[Faction]) -> list[FactionMention]:
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
    factions : sequence of Faction
        The dataset's factions (their ``name``, ``aliases`` and ``id`` are looked for).

    Returns
    -------
    list of FactionMention
        In text order, without overlaps; offsets index ``text``.
    """
    folded_names, acronyms = _patterns(factions)
    found: list[FactionMention] = []
    if folded_names:
        mapped = skeleton_text(text)
        folded = mapped.text
        alternatives = sorted(folded_names, key=len, reverse=True)
        pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, alternatives))
                             + r")(?![a-z0-9])")
        for match in pattern.finditer(folded):
            start, end = _whole_words(text, *mapped.span(match.start(), match.end()))
            found.append(FactionMention(folded_names[match.group(0)], text[start:end],
                                        start, end))
    if acronyms:
        pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(
            map(re.escape, sorted(acronyms, key=len, reverse=True))) + r")(?![A-Za-z0-9])")
        for match in pattern.finditer(text):
            found.append(FactionMention(acronyms[match.group(0)], match.group(0),
                                        match.start(), match.end()))
    return _without_overlaps(found)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words (the loose form drops endings: "Arm" -> "Army")."""
    while end < len(text) and text[end].isalnum():
        end += 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    article = _LEADING_ARTICLE.search(text, max(0, start - 4), start)
    return (article.start() if article else start), end


def _without_overlaps(found: list[FactionMention]) -> list[FactionMention]:
    kept: list[FactionMention] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)
