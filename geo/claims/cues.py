"""One pass over a report for the words the rules key on: which sentences each rule may fire in.

Every rule needs some word in a sentence before it can make a claim there: a control trigger
(all the words of one of the lexicon's phrases), or a family's cue ("evacuat", "truce",
"withdr"...). One Aho-Corasick pass over the report's lower-case text finds them all, so the
rules skip every other sentence (the grammar's cost follows the sentences that may hold a
claim, not the length of the report).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from geo.claims.lexicon import Lexicon
from geo.claims.spans import HYPHENS

#: Long words that a misspelled trigger may be ("controling"): put right before looking up.
_LONG_WORD = re.compile(r"\b[a-z]{7,}\b")


def family_hits(low: str, starts: Sequence[int], automaton: Any,
                families: Mapping[str, Iterable[str]]) -> dict[str, set[int]]:
    """Per family, the sentences (indices, by their ``starts`` in ``low``) holding one of its
    cues; ``automaton`` holds every family's cues."""
    family_of: dict[str, list[str]] = {}
    for family, cues in families.items():
        for cue in cues:
            family_of.setdefault(cue, []).append(family)
    out: dict[str, set[int]] = {family: set() for family in families}
    if not len(automaton):
        return out
    i, n = -1, len(starts)
    for end, cue in automaton.iter(low):  # in text order: the sentence only moves forward
        at = end - len(cue) + 1
        while i + 1 < n and starts[i + 1] <= at:
            i += 1
        for family in family_of[cue]:
            out[family].add(i)
    return out


def control_hits(low: str, sentences: Sequence[tuple[int, int]], lexicon: Lexicon,
                 wanted: Sequence[bool] | None = None) -> set[int]:
    """The sentences (indices; ``sentences`` are their ``(start, end)`` in ``low``) holding
    the key word of some control trigger (whole, or misspelled in a long word): the others
    hold no trigger. Whether the trigger's other words follow is for the scan to say.

    ``wanted`` (per sentence) limits the search for misspellings to the sentences that
    could make a claim (those that name or refer to a place).
    """
    keys = lexicon.control_words
    starts = [s for s, _e in sentences]
    candidates: set[int] = set()
    n = len(low)
    for end, word in lexicon.key_automaton.iter(low) if len(lexicon.key_automaton) else ():
        start = end - len(word) + 1
        if (start == 0 or not low[start - 1].isalnum()) and (
                end + 1 == n or not low[end + 1].isalnum()) and (  # a whole word
                word not in lexicon.hyphen_keys or _after_hyphen(low, start)):
            candidates.add(bisect.bisect_right(starts, start) - 1)
    memo = lexicon.corrections
    for i, (start, end) in enumerate(sentences):
        if i in candidates or (wanted is not None and not wanted[i]):
            continue
        for word in _LONG_WORD.findall(low, start, end):
            right = memo[word] if word in memo else lexicon.correct(word)
            if right is not None and right in keys:
                candidates.add(i)
                break
    candidates.discard(-1)
    return candidates


def _after_hyphen(low: str, start: int) -> bool:
    """True when the token before ``start`` is a hyphen (spaces and underscores, which no
    token holds, aside)."""
    k = start - 1
    while k >= 0 and (low[k].isspace() or low[k] == "_"):
        k -= 1
    return k >= 0 and low[k] in HYPHENS
