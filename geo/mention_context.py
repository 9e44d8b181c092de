"""Place mentions that name a region, a landform or a facility instead, by the words around.

"Idlib province", "the province of Idlib", "Idleb and Aleppo governorates", "Rural Damascus",
"Rif Dimashq", "Wadi Ein Tarma", "Ein Tarma valley" name a region or a landform; "Adra
School" and "Adra Electricity Complex" name a facility: none is a mention of the town. The
words are the lexicon's (``region_after``, ``region_before``, ``facility_after``), so a
dataset adds its own; a ``region_after`` word whose value is ``city`` ("countryside",
"suburbs") makes a region only of a city ("Damascus countryside"; "the Arbin and Zamalka
suburbs" are towns). Each mention looks at a few words on either side: linear in the text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from geo.claims.document import MentionLike
from geo.claims.lexicon import TOKEN, Lexicon

#: Words looked at after a mention for a region word that ends a list ("X, Y and Z provinces").
LIST_REACH = 10
_WINDOW = 160  # characters read on either side of a mention


M = TypeVar("M", bound=MentionLike)


def places_only(text: str, mentions: Sequence[M], lexicon: Lexicon,
                kinds: Mapping[str, str]) -> list[M]:
    """The mentions of ``text`` that name the place itself (see the module docstring).

    Parameters
    ----------
    text : str
        The text the mentions' offsets point into.
    mentions : sequence of Mention
        In text order.
    lexicon : Lexicon
        Its ``region_after``, ``region_before`` and ``facility_after`` phrases are used.
    kinds : mapping of str to str
        Locality id to kind (``city``, ``town``...).

    Returns
    -------
    list of Mention
        The mentions kept, in order.
    """
    if not mentions:
        return []
    low = text.lower()
    # where the words that can change a mention's reading are (one pass): only the mentions
    # with one of them close by are read closely
    hits: list[int] = []
    if len(low) == len(text) and len(lexicon.context_automaton):
        hits = sorted(end for end, _word in lexicon.context_automaton.iter(low))
    elif len(low) != len(text):
        hits = list(range(len(text)))  # lower case moved offsets: read every mention closely
    lasts = lexicon.region_before_lasts
    out = []
    for m in mentions:
        k = bisect.bisect_left(hits, m.start - 40)
        if k == len(hits) or hits[k] > m.end + _WINDOW or not _not_a_place(
                text, m.start, m.end, lexicon, kinds.get(m.locality_id, "") == "city", lasts):
            out.append(m)
    return out


def _not_a_place(text: str, start: int, end: int, lexicon: Lexicon, city: bool,
                 lasts: frozenset[str]) -> bool:
    """The words around one mention say it is a region, a landform or a facility."""
    nxt = _NEXT.match(text, end)
    word = nxt.group(1) if nxt else ""
    if word and (word in ",&-" or word.lower() == "and" or word[:1].isupper()
                 or lexicon.is_("region_after", word.lower())):
        after = [(t.group(), t.start()) for t in itertools.islice(
            TOKEN.finditer(text, end, min(len(text), end + _WINDOW)), LIST_REACH)]
        if _region_after(after, lexicon, city) or _facility_after(after, lexicon):
            return True
    prev = _PREVIOUS.search(text, max(0, start - 24), start)
    if prev is not None and prev.group(1).lower() in lasts:
        before = [t.group().lower() for t in TOKEN.finditer(text, max(0, start - 40), start)]
        return _region_before(before, lexicon)
    return False


#: The word (or sign) right after a mention, on its line.
_NEXT = re.compile(r"[ \t]*([^\W_]+|[^\w\s])")
#: The last word before a mention (a hyphen may join them: "Rif-Dimashq").
_PREVIOUS = re.compile(r"([^\W_]+)[\s-]*$")


def _region_after(after: list[tuple[str, int]], lexicon: Lexicon, city: bool) -> bool:
    """"X province", or X in a list that a plural region word ends ("X and Y governorates")."""
    listed = False
    for k, (tok, _at) in enumerate(after[:LIST_REACH]):
        low = tok.lower()
        if lexicon.is_("region_after", low):
            if lexicon.value("region_after", (low,)) == "city" and not city:
                return False
            return k == 0 or (listed and low.endswith("s"))
        if low in (",", "and") or (low == "-" and k == 0):
            listed = listed or low == "and" or low == ","
            continue
        if tok[:1].isupper() and listed:
            continue
        return False
    return False


def _region_before(before: list[str], lexicon: Lexicon) -> bool:
    """"Rural X", "Rif X", "Wadi X", "the province of X"."""
    words = [w for w in before if w != "-"]
    for n in range(1, min(4, len(words)) + 1):
        if lexicon.value("region_before", tuple(words[-n:])) is not None:
            return True
    return False


def _facility_after(after: list[tuple[str, int]], lexicon: Lexicon) -> bool:
    """"X School", "X Electricity Complex": capitalised words ending in a facility word."""
    for tok, _at in after[:3]:
        if not tok[:1].isupper():
            return False
        if lexicon.is_("facility_after", tok.lower()):
            return True
    return False
