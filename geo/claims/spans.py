"""Mark a sentence's spans for the claim grammar: places, actors, lexicon phrases, times, clauses.

A sentence becomes a sequence of items: one per place mention and per actor (a faction
named by the dataset, or "regime troops", "the army": side words and force nouns of the
lexicon), one per other word or punctuation mark. Lexicon phrases are marked over the items
(hyphens count as spaces; places and actors break phrases), time expressions and clause
breaks are located, and places joined by list glue ("A, B and the villages of C") form lists.
Everything is linear in the sentence's length (the lexicon is a dictionary by first word).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from geo.claims.dates import TimeExpr, time_expressions
from geo.claims.lexicon import TOKEN, Lexicon, Phrase

PLACE, ACTOR, WORD, PUNCT = "place", "actor", "word", "punct"
HYPHENS = frozenset("-\u2010\u2011")
#: Punctuation that ends a clause.
CLAUSE_PUNCT = frozenset(";:()[]")
_OPEN, _CLOSE = frozenset("(["), frozenset(")]")
#: Words that may join an actor to the actor that names it ("the rebels of Jaysh al-Islam").
_ACTOR_JOIN = frozenset({"of", "the", "group", "faction", "movement", "organisation",
                         "organization", "coalition", "alliance", ",", "\u2013", "\u2014", "(",
                         "a", "an", "like", "such", "as", "including", "especially", "mainly",
                         "led", "by"})
_ACTOR_JOIN_MAX = 4
#: Places one list holds at most (a longer run starts a new list).
MAX_LIST = 64
#: The lexicon categories that name actors ("regime troops"): they become actor items.
ACTOR_CATEGORIES = ("force", "side")


class Item(NamedTuple):
    """One item of a marked sentence (offsets are relative to the sentence; a named tuple:
    thousands are made per report).

    ``kind`` is ``place``, ``actor``, ``word`` or ``punct``; ``ref`` the locality or faction
    id (an actor of unknown faction has ``ref`` empty and a ``side``); ``generic`` is True for
    an actor named only as a side ("rebels", "regime troops").
    """

    kind: str
    start: int
    end: int
    text: str
    low: str
    ref: str = ""
    side: str = ""
    generic: bool = False


class Mark(NamedTuple):
    """A lexicon phrase over items ``first`` to ``last`` (exclusive)."""

    category: str
    value: str
    first: int
    last: int


@dataclass(frozen=True, eq=False)
class Sides:
    """How actors map to factions in a dataset: each faction's side, and per side the faction
    a bare side word stands for ("rebels": the opposition of unstated group)."""

    side_of: dict[str, str]
    generic_of: dict[str, str]
    #: factions that stand for a side when another faction of that side is more specific
    generic_ids: frozenset[str]
    #: capitalised words of faction names that point to one faction ("iraqi": the Iraqi
    #: forces), so that "Iraqi forces" is that faction even when no name says so
    nation_of: dict[str, str] = field(default_factory=dict)


@dataclass
class MarkedSentence:
    """A sentence with its items, lexicon marks, clauses, time expressions and place lists."""

    index: int
    offset: int
    text: str
    items: list[Item]
    marks: list[Mark]
    lists: dict[int, list[int]]
    lexicon: Lexicon
    report_date: dt.date
    paragraph: int = 0
    by_category: dict[str, list[Mark]] = field(default_factory=dict)
    _firsts: dict[str, list[int]] = field(default_factory=dict)
    _places: list[int] = field(default_factory=list)
    _actors: list[int] = field(default_factory=list)
    _lows: list[str] = field(default_factory=list)
    _n: int = 0

    def __post_init__(self) -> None:
        by_category = self.by_category
        for mark in self.marks:  # in the order of their first item
            found = by_category.get(mark.category)
            if found is None:
                by_category[mark.category] = [mark]
            else:
                found.append(mark)
        items = self.items
        self._places = [i for i, it in enumerate(items) if it.kind == PLACE]
        self._actors = [i for i, it in enumerate(items) if it.kind == ACTOR]
        self._lows = [it.low if it.kind == WORD or it.kind == PUNCT else "" for it in items]
        self._n = len(items)

    @functools.cached_property
    def times(self) -> list[tuple[TimeExpr, int, int]]:
        """The time expressions with their first and last item (found when first asked)."""
        return _locate_times(self.items, time_expressions(self.text, self.report_date))

    @functools.cached_property
    def time_firsts(self) -> list[int]:
        """The first item of each time expression, in order (do not change the list)."""
        return [first for _t, first, _last in self.times]

    @functools.cached_property
    def clause(self) -> list[int]:
        """Each item's clause number (see ``_clauses``)."""
        return _clauses(self.items, self.lexicon, set(self.time_firsts))

    def marks_of(self, category: str) -> list[Mark]:
        """The marks of a category, in order."""
        return self.by_category.get(category, [])

    def marks_between(self, category: str, lo: int, hi: int) -> list[Mark]:
        """The marks of a category that start at items ``lo`` to ``hi`` (exclusive)."""
        marks = self.by_category.get(category)
        if not marks:
            return []
        firsts = self._firsts.get(category)
        if firsts is None:  # listed when first asked: most categories never are
            firsts = self._firsts[category] = [m.first for m in marks]
        return marks[bisect.bisect_left(firsts, lo):bisect.bisect_left(firsts, hi)]

    def mark_at(self, i: int, category: str) -> Mark | None:
        """The longest mark of ``category`` starting at item ``i``, if any."""
        best = None
        for mark in self.marks_between(category, i, i + 1):
            if best is None or mark.last > best.last:
                best = mark
        return best

    @property
    def lows(self) -> list[str]:
        """Each item's lower-case word ("" for places and actors; do not change the list)."""
        return self._lows

    def word(self, i: int) -> str:
        """The lower-case word of item ``i`` ("" for places, actors and outside)."""
        if 0 <= i < self._n:
            return self._lows[i]
        return ""

    def is_(self, i: int, category: str) -> bool:
        """True when item ``i`` is a one-word phrase of ``category``."""
        w = self.word(i)
        return bool(w) and self.lexicon.is_(category, w)

    def places(self) -> list[int]:
        """Indices of the place items (do not change the list)."""
        return self._places

    def places_before(self, at: int, reach: int = 64) -> list[int]:
        """Indices of the place items before item ``at``, at most ``reach`` of them."""
        k = bisect.bisect_left(self._places, at)
        return self._places[max(0, k - reach):k]

    def actors(self) -> list[int]:
        """Indices of the actor items (do not change the list)."""
        return self._actors

    def actors_between(self, lo: int, hi: int) -> list[int]:
        """Indices of the actor items from ``lo`` to ``hi`` (exclusive)."""
        return self._actors[bisect.bisect_left(self._actors, lo):
                            bisect.bisect_left(self._actors, hi)]

    def span_text(self, first: int, last: int) -> str:
        """The text of items ``first`` to ``last`` (exclusive), as written."""
        if first >= last:
            return ""
        return self.text[self.items[first].start:self.items[last - 1].end]


Scanned = tuple[list[Item], list[tuple[Phrase, int, int]]]


def scan_sentence(text: str, places: Sequence[tuple[str, int, int]],
                  factions: Sequence[tuple[str, int, int]], *, lexicon: Lexicon,
                  sides: Sides) -> Scanned:
    """A sentence's first items (places, actors named by the dataset, words) and the lexicon's
    phrases over them: the cheap first half of ``mark_sentence``, enough to tell whether a
    rule's trigger is there."""
    items = _items(text, places, factions, sides)
    return items, _phrases_of(*_stream(items, lexicon), lexicon)


def mark_sentence(index: int, offset: int, text: str,
                  places: Sequence[tuple[str, int, int]],
                  factions: Sequence[tuple[str, int, int]], *, lexicon: Lexicon, sides: Sides,
                  report_date: dt.date, paragraph: int = 0,
                  scanned: Scanned | None = None) -> MarkedSentence:
    """Mark one sentence.

    Parameters
    ----------
    index, offset : int
        The sentence's index in its report and where it starts in the report's text.
    text : str
        The sentence.
    places, factions : sequence of (id, start, end)
        Place and faction mentions, offsets relative to the sentence, not overlapping.
    lexicon : Lexicon
    sides : Sides
    report_date : datetime.date
        The anchor of the time expressions.
    paragraph : int
        The paragraph the sentence belongs to.
    scanned : tuple, optional
        ``scan_sentence`` of the same sentence, when the caller has it.

    Returns
    -------
    MarkedSentence
    """
    items, phrases = scanned if scanned is not None else scan_sentence(
        text, places, factions, lexicon=lexicon, sides=sides)
    found = [(p, first, last) for p, first, last in phrases if p.category in ACTOR_CATEGORIES]
    joined = _join_actors(_generic_actors(items, found, sides), sides)
    others = [(p, first, last) for p, first, last in phrases
              if p.category not in ACTOR_CATEGORIES]
    if joined is items:  # no actor was made or joined: the phrases' items are the marks'
        marks = [Mark(p.category, p.value, first, last) for p, first, last in others]
    else:
        marks = _marks(joined, [(p, items[first].start, items[last - 1].end)
                                for p, first, last in others])
    return MarkedSentence(index, offset, text, joined, marks, _place_lists(joined, lexicon),
                          lexicon, report_date, paragraph)


def _items(text: str, places: Sequence[tuple[str, int, int]],
           factions: Sequence[tuple[str, int, int]], sides: Sides) -> list[Item]:
    """The sentence's tokens as items, each place or faction mention one item (widened to
    whole tokens, with the article written before it: "al-" of "al-Nashabiye")."""
    entities = sorted([(s, e, PLACE, ref) for ref, s, e in places]
                      + [(s, e, ACTOR, ref) for ref, s, e in factions])
    low_text = text.lower()
    same = len(low_text) == len(text)  # else lower() moved offsets ("İ"): word by word
    out: list[Item] = []
    append = out.append
    new_item = tuple.__new__  # a word item without the named tuple's Python-level __new__
    k = 0
    n = len(entities)
    beyond = len(text) + 1
    next_start = entities[0][0] if n else beyond
    taken = -1  # end of the last entity item: tokens before it are inside it
    for m in TOKEN.finditer(text):
        s, e = m.span()
        if e <= next_start:  # the common case: no entity here
            if s < taken:
                continue
            tok = m.group()
            append(new_item(Item, (WORD if tok[0].isalnum() else PUNCT, s, e, tok,
                                   low_text[s:e] if same else tok.lower(), "", "", False)))
            continue
        while k < n and entities[k][1] <= s:
            k += 1
        next_start = entities[k][0] if k < n else beyond
        if k < n and entities[k][0] < e:  # the token is (partly) an entity's
            start, end, kind, ref = entities[k]
            if start < taken:
                continue  # another token of the entity just made
            start, end = min(start, s), max(end, e)
            if (len(out) >= 2 and out[-1].text in HYPHENS and out[-1].end == start
                    and out[-2].low in ARTICLES and out[-2].end == out[-1].start):
                start = out[-2].start  # "al-" before the name
                del out[-2:]
            surface = text[start:end]
            if kind == PLACE:
                append(Item(PLACE, start, end, surface, surface.lower(), ref))
            else:
                append(Item(ACTOR, start, end, surface, surface.lower(), ref,
                            sides.side_of.get(ref, ""), ref in sides.generic_ids))
            taken = end
            k += 1
            next_start = entities[k][0] if k < n else beyond
            continue
        if s < taken:
            continue
        tok = m.group()
        append(new_item(Item, (WORD if tok[0].isalnum() else PUNCT, s, e, tok,
                               low_text[s:e] if same else tok.lower(), "", "", False)))
    return out


#: The Arabic article as transliterations write it before a hyphen ("al-Nashabiye").
ARTICLES = frozenset({"al", "el", "an", "ash", "as", "ad", "ar", "az", "at", "adh", "ath"})


def _stream(items: Sequence[Item], lexicon: Lexicon) -> tuple[list[str], list[int], list[int]]:
    """The lower-case words of the items with hyphens left out and misspelled long trigger
    words put right ("controling"), each one's item index, and the positions of the words
    that start some phrase (places and actors stand as a word no phrase holds)."""
    words: list[str] = []
    where: list[int] = []
    firsts: list[int] = []
    by_first = lexicon.by_first
    memo = lexicon.corrections
    for i, it in enumerate(items):
        kind = it.kind
        if kind in (WORD, PUNCT):
            w = it.low
            if kind == PUNCT and it.text in HYPHENS:
                continue
            if w not in by_first and len(w) >= 7:
                fixed = memo[w] if w in memo else lexicon.correct(w)
                if fixed is not None:
                    w = fixed
            if w in by_first:
                firsts.append(len(words))
            words.append(w)
        else:
            words.append("\x00")
        where.append(i)
    return words, where, firsts


def _phrases_of(words: list[str], where: list[int], firsts: list[int], lexicon: Lexicon
                ) -> list[tuple[Phrase, int, int]]:
    """The lexicon's phrases starting at the words ``firsts``, over items (``where``)."""
    out = []
    for at in firsts:
        for phrase in lexicon.phrases_at(words, at):
            out.append((phrase, where[at], where[at + len(phrase.tokens) - 1] + 1))
    return out


def _generic_actors(items: list[Item], found: Sequence[tuple[Phrase, int, int]],
                    sides: Sides) -> list[Item]:
    """Actors named by side words and force nouns (``found``: their phrases over ``items``):
    "regime troops", "the army", "Syrian and allied forces" (a side word, up to two joining
    words, a force noun), "Iraqi forces" (a word of one faction's names, a force noun)."""
    nations = sides.nation_of
    if not found and not any(it.low in nations for it in items if it.kind == WORD):
        return items
    forces: dict[int, tuple[Phrase, int]] = {}
    side_words: dict[int, tuple[Phrase, int]] = {}
    for p, first, last in found:
        table = forces if p.category == "force" else side_words
        if first not in table or last > table[first][1]:
            table[first] = (p, last)
    out: list[Item] = []
    made = False
    i = 0
    n = len(items)
    while i < n:
        it = items[i]
        nation = sides.nation_of.get(it.low) if it.kind == WORD and it.text[:1].isupper() \
            else None
        if nation is not None and i + 1 in forces and items[i + 1].kind == WORD:
            last = forces[i + 1][1]  # "Iraqi forces", "Russian troops"
            text = _join_text(items, i, last)
            out.append(Item(ACTOR, it.start, items[last - 1].end, text, text.lower(), nation,
                            sides.side_of.get(nation, ""), False))
            i = last
            made = True
            continue
        if it.kind == WORD and i in side_words:
            phrase, j = side_words[i]
            joined = 0
            while j < n and j not in forces and joined < 2 and items[j].kind == WORD and \
                    items[j].low in _FORCE_JOIN:
                j += 1
                joined += 1
            if j in forces and items[j].kind == WORD:
                last = forces[j][1]
                out.append(_actor(items, i, last, phrase.value, sides))
                i = last
                made = True
                continue
        if it.kind == WORD and i in forces and forces[i][0].value and not _foreign(items, i):
            phrase, last = forces[i]
            out.append(_actor(items, i, last, phrase.value, sides))
            i = last
            made = True
            continue
        out.append(it)
        i += 1
    return out if made else items


def _foreign(items: Sequence[Item], i: int) -> bool:
    """True when a capitalised word that names no faction qualifies the force noun at ``i``
    ("Turkish troops" are not the government's troops)."""
    j = i - 1
    if j > 0 and items[j].kind == PUNCT and items[j].text in HYPHENS:
        j -= 1  # "Russian-backed troops"
    before = items[j] if j >= 0 else None
    return (before is not None and before.kind == WORD and before.text[:1].isupper()
            and before.text[1:].islower() and before.low.endswith(_NATIONALITY_ENDINGS)
            and before.low not in _NOT_FOREIGN)


#: How adjectives of nationality end ("Turkish", "Russian", "Lebanese", "Iraqi", "American").
_NATIONALITY_ENDINGS = ("ish", "ian", "ese", "i", "an", "ic", "ch", "en")


#: Capitalised words before a force noun that do not make it another country's.
_NOT_FOREIGN = frozenset({"the", "a", "an", "some", "many", "these", "those", "elite", "allied",
                          "more", "fresh", "other", "his", "their", "its", "our", "government"})


_FORCE_JOIN = frozenset({"and", "allied", "elite", "special", "armed", "its", "their", "pro",
                         "regular"})


def _actor(items: Sequence[Item], first: int, last: int, side: str, sides: Sides) -> Item:
    text = _join_text(items, first, last)
    return Item(ACTOR, items[first].start, items[last - 1].end, text, text.lower(),
                sides.generic_of.get(side, ""), side, True)


def _join_text(items: Sequence[Item], first: int, last: int) -> str:
    return " ".join(items[k].text for k in range(first, last))


def _join_actors(items: list[Item], sides: Sides) -> list[Item]:
    """Join an actor named only by its side to the named faction beside it ("the rebels of
    Jaysh al-Islam", "Islamist group Faylaq al-Rahman", "Faylaq al-Rahman, the rebel
    faction", "Failaq al-Rahman of the Free Syrian Army (FSA)"): the named faction stands.
    ``items`` itself when no actor is joined."""
    out: list[Item] = []
    joined = False
    i = 0
    n = len(items)
    while i < n:
        it = items[i]
        if it.kind != ACTOR:
            out.append(it)
            i += 1
            continue
        while True:
            j = i + 1
            while j < n and j - i <= _ACTOR_JOIN_MAX and items[j].kind != ACTOR and (
                    items[j].low in _ACTOR_JOIN or (items[j].kind == WORD and items[j].text[:1]
                                                    .isupper())):
                j += 1
            other = items[j] if j < n and items[j].kind == ACTOR else None
            if other is None or it.generic == other.generic or (
                    it.side and other.side and it.side != other.side):
                break
            named = other if it.generic else it
            it = Item(ACTOR, it.start, other.end, named.text, named.low, named.ref, named.side,
                      False)
            i = j
            joined = True
            if j + 1 < n and items[j + 1].kind == PUNCT and items[j + 1].text == ")":
                i = j + 1  # "(FSA)": the closing bracket goes with it
        out.append(it)
        i += 1
    return out if joined else items


def _marks(items: Sequence[Item], spans: Sequence[tuple[Phrase, int, int]]) -> list[Mark]:
    """The phrases found before actors were joined (``spans``: character offsets), as marks
    over the final items; a phrase taken into an actor ("the" of "the rebels of X") goes."""
    if not spans:
        return []
    at_start = {it.start: k for k, it in enumerate(items) if it.kind != ACTOR}
    at_end = {it.end: k for k, it in enumerate(items) if it.kind != ACTOR}
    out = []
    for phrase, start, end in spans:
        first = at_start.get(start)
        last = at_end.get(end)
        if first is not None and last is not None and all(
                items[k].kind != ACTOR for k in range(first, last + 1)):
            out.append(Mark(phrase.category, phrase.value, first, last + 1))
    return out


def _clauses(items: Sequence[Item], lexicon: Lexicon, time_starts: set[int]) -> list[int]:
    """Each item's clause number; a break word before a time ("since Sunday", "after
    midnight") opens no clause, and the words after a closing bracket are back in the clause
    the bracket opened in ("captured Douma (Harasta) on 20 February")."""
    out = []
    clause = count = 0
    outer: list[int] = []  # the clause each open bracket interrupted
    for i, it in enumerate(items):
        if it.kind == PUNCT and it.text in _OPEN:
            outer.append(clause)
            count += 1
            clause = count
        elif it.kind == PUNCT and it.text in _CLOSE and outer:
            out.append(clause)
            clause = outer.pop()
            continue
        elif (it.kind == PUNCT and it.text in CLAUSE_PUNCT) or (
                it.kind == WORD and lexicon.is_("break", it.low) and i + 1 not in time_starts):
            count += 1
            clause = count
        elif it.kind == PLACE and it.text.count("(") > it.text.count(")"):
            outer.append(clause)  # a name that opens a bracket its mention does not close
        out.append(clause)
    return out


def _locate_times(items: Sequence[Item], times: Sequence[TimeExpr]
                  ) -> list[tuple[TimeExpr, int, int]]:
    out = []
    k = 0
    for t in times:
        while k < len(items) and items[k].end <= t.start:
            k += 1
        first = k
        last = first
        while last < len(items) and items[last].start < t.end:
            last += 1
        if first < last:
            out.append((t, first, last))
    return out


def _place_lists(items: Sequence[Item], lexicon: Lexicon) -> dict[int, list[int]]:
    """Each place item's list: places joined only by commas, list words, determiners, class
    nouns, "of", hyphens and unresolved capitalised names ("A, B and the villages of C")."""
    lists: dict[int, list[int]] = {}
    current: list[int] = []
    glue = 0
    skip_to = -1  # "A (in C), B": the bracket after a place is skipped, its places too
    for i, it in enumerate(items):
        if i < skip_to:
            continue
        if current and it.kind == PUNCT and it.text == "(":
            close = next((j for j in range(i + 1, min(len(items), i + 8))
                          if items[j].kind == PUNCT and items[j].text == ")"), None)
            if close is not None:
                skip_to = close + 1
                continue
        if it.kind == PLACE:
            if len(current) >= MAX_LIST:  # no list is that long: bound the work per place
                for p in current:
                    lists[p] = current
                current = []
            current.append(i)
            glue = 0
            continue
        if current and glue < 14 and _is_list_glue(it, lexicon):
            glue += 1
            continue
        for p in current:
            lists[p] = current
        current = []
        glue = 0
    for p in current:
        lists[p] = current
    return lists


def _is_list_glue(it: Item, lexicon: Lexicon) -> bool:
    if it.kind == PUNCT:
        return it.text in (",", "&") or it.text in HYPHENS
    if it.kind != WORD:
        return False
    low = it.low
    return (low == "of" or lexicon.is_("list", low) or lexicon.is_("determiner", low)
            or lexicon.is_("class", low) or it.text[:1].isupper() or low in _LIST_PARTS)


#: Words of a list between its places besides the lexicon's ("the entrance of C").
_LIST_PARTS = frozenset({"al", "el", "as", "entrance", "entrances", "outskirts", "edge",
                         "edges", "outskirt"})
