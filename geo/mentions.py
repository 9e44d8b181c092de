"""Place mentions in running text: one Aho-Corasick pass over a loose copy of the text.

``MentionIndex.build`` compiles the spellings of the dataset's localities (plus, optionally,
other names such as GeoNames') into a ``pyahocorasick`` automaton over their skeletons
(``geo.normalize.skeleton``). ``find_mentions`` searches the skeleton of the text in one pass,
maps each hit back to the original characters, keeps the leftmost-longest capitalised hits
that are not person names or false friends ("State Duma"), then tries a bounded fuzzy match
(the dataset gazetteer's) on capitalised words left unmatched, for typos ("Aytn Tarma").
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import os
import pickle
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import numpy as np

from geo.gazetteer import (
    EXACT_SCORE,
    KEY_MIN_LENGTH,
    KEY_SCORE,
    SHORT_KEY_LENGTH,
    DatasetGazetteer,
    close_spelling,
    locality_forms,
)
from geo.model import Dataset, Locality
from geo.normalize import (
    ARTICLES,
    MappedText,
    normalize,
    normalize_many,
    skeleton_texts,
    skeletons,
    without_article,
)
from geo.storage import write_pickle

DATASET = "dataset"
_STOP = "stop"  # source of the stop phrases: matched so as to shield their words, never kept
_INDEX_FORMAT = 5  # bump when the pickled layout changes

#: Words after which a capitalised name is a person's, not a place's ("Gen. Ali Mayhoub").
PERSON_CUES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "gen", "brig", "brigadier", "col", "colonel",
        "maj", "lt", "lieutenant", "capt", "captain", "sgt", "sheikh", "shaykh", "imam",
        "president", "minister", "spokesman", "spokeswoman", "spokesperson", "commander",
        "leader", "envoy", "ambassador", "mufti"
    }
)
#: Common given names: a match right after one is a person's family name ("Mohamad Alloush").
GIVEN_NAMES = frozenset(
    {
        "mohamad", "mohammad", "mohammed", "muhammad", "mohamed", "ahmad", "ahmed", "ali", "issam",
        "isam", "hassan", "hasan", "hussein", "husayn", "omar", "umar", "abu", "abdul", "abdel",
        "abd", "khaled", "khalid", "zahran", "mahmoud", "mahmud", "ibrahim", "yusuf", "youssef",
        "bashar", "hafez", "maher", "rami", "samir", "said", "saeed", "jamil", "walid", "fadi",
        "mustafa", "mostafa", "osama", "usama", "hamza", "hamzah", "yasser", "yasir", "adnan",
        "anas", "bilal", "tarek", "tariq", "ziad", "ziyad", "nizar"
    }
)
#: "State Duma" and "Duma deputies" are the Russian parliament, not the town.
FALSE_FRIEND_BEFORE = frozenset({"state"})
FALSE_FRIEND_AFTER = frozenset(
    {
        "deputy", "deputies", "lawmaker", "lawmakers", "member", "members", "speaker", "chairman",
        "chairwoman", "committee", "mp", "mps", "session", "vote", "votes", "faction", "factions"
    }
)
#: Arabic toponymic heads ("gate", "spring", "hill"...): alone before another name they start
#: that name ("Bab Touma", "Ain al-Fijeh"), even when a dataset lists one as an alias.
GENERIC_HEADS = frozenset(
    {
        "bab", "ain", "ayn", "ein", "tal", "tell", "kafr", "kfar", "beit", "bayt", "deir",
        "dayr", "jisr", "ras", "wadi", "hawsh", "hosh", "umm", "bir", "khan", "qasr", "marj",
        "sham", "souq", "suq", "jabal", "jebel", "tall", "nahr", "qalaat",
    }
)
_NOT_PLACE_BEFORE = PERSON_CUES | GIVEN_NAMES | FALSE_FRIEND_BEFORE
#: Longest run of capitalised words tried by the fuzzy pass.
FUZZY_MAX_WORDS = 3

# Runs of capitalised words (accented Latin capitals included); a leading character class
# lets the regex engine skip ahead fast, the word boundary before a run is checked apart.
_CAPITAL = "A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff"
# A capitalised word may hold apostrophes ("Ma'aret") and the run may go on through a
# lower-case article ("Ma'aret al-Nu'aman"); each piece is unambiguous, so matching is linear.
_PIECE = r"[^\W_]*(?:['\u2019][^\W_]+)*"
_CAPITALISED_RUN = re.compile(
    rf"[{_CAPITAL}]{_PIECE}(?:[ -](?:(?:al|el|an|ash|as|ad|ar|at|az)-)?[{_CAPITAL}]{_PIECE})*")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# A name is at most ``_NAME_CHARS`` letters and a place at most ``_PLACE_WORDS`` names: each try
# of ``_CUES`` then costs a bounded time (unbounded, a long run of capitalised words with no
# cue after it was read again from each of its words: quadratic time).
_NAME_CHARS, _PLACE_WORDS = 48, 8
_NAME = (rf"[^\W\d_a-z][^\W_'’]{{0,{_NAME_CHARS}}}(?:['’][^\W_]{{1,{_NAME_CHARS}}})?"
         r"(?![^\W_])")
_PLACE = (rf"{_NAME}(?:[ -](?:(?:al|el|an|ash|as|ad|ar|at|az)-)?{_NAME})"
          rf"{{0,{_PLACE_WORDS - 1}}}")
_PLACE_RE = re.compile(_PLACE)
_CUES = re.compile(
    rf"\b(?:town|village|city|district|neighbou?rhood|suburb|area|camp|farms?|region)s?\s+of\s+"
    rf"(?P<a>{_PLACE})(?:\s*,\s*(?P<b>{_PLACE}))*(?:,?\s+and\s+(?P<c>{_PLACE}))?"
    rf"|\bin\s+(?P<d>{_PLACE})\s+(?:district|area|countryside)"
    rf"|(?P<e>{_PLACE})\s+(?:neighbou?rhoods?|district|town|village|suburb|countryside)\b"
)


#: Every ``_CUES`` match holds one of these (its cue word; the pattern is case-sensitive).
_CUE_WORDS = ("town", "village", "city", "district", "neighb", "suburb", "area", "camp", "farm",
              "region", "countryside")
#: Characters no ``_CUES`` match has before its cue word (only words, spaces, -, ' are).
_HARD_BREAKS = ".,;:!?()[]\"“”"


#: Lower-case letters that may start a ``_CUES`` match (a cue word, or "in"); a name starts
#: with a character that is not a lower-case ASCII letter.
_CUE_FIRST_LETTERS = frozenset(w[0] for w in _CUE_WORDS) | {"i"}
_NO_CUE_START = frozenset("abcdefghijklmnopqrstuvwxyz") - _CUE_FIRST_LETTERS
_HARD_BREAK = re.compile("[" + re.escape(_HARD_BREAKS) + "]")


def _positions(text: str, words: Sequence[str]) -> list[int]:
    """Sorted start offsets of every occurrence of each of ``words`` in ``text``."""
    out: set[int] = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            out.add(at)
            at = text.find(word, at + 1)
    return sorted(out)


def _cue_matches(text: str) -> Iterator[re.Match[str]]:
    """``_CUES.finditer(text)``, trying only the starts a match can have.

    A match has only word characters, spaces, hyphens and apostrophes between its start and
    its cue word, so the next match starts after the last hard break before the next cue word
    (or later): only those starts, up to that cue word, are tried; then the next cue word.
    """
    cues = _positions(text, _CUE_WORDS)
    breaks = [m.start() for m in _HARD_BREAK.finditer(text)]
    pos = 0
    while True:
        k = bisect.bisect_left(cues, pos)
        if k == len(cues):
            return
        cue = cues[k]  # the first cue word at or after pos
        k = bisect.bisect_left(breaks, cue) - 1  # the last hard break before it
        lo = max(pos, breaks[k] + 1) if k >= 0 else pos
        match = None
        for start in range(lo, cue + 1):
            char = text[start]
            if char in _NO_CUE_START or char.isspace():
                continue
            match = _CUES.match(text, start)
            if match is not None:
                break
        if match is None:
            pos = cue + 1
        else:
            yield match
            pos = match.end()


class Mention(NamedTuple):
    """A place named in a text (an immutable named tuple: millions are made per run).

    Attributes
    ----------
    locality_id : str
        The dataset locality id, or the entry's reference for extra names (``geonames:...``).
    surface : str
        The text as written: ``text[start:end] == surface``.
    start, end : int
        Character offsets into the original text.
    score : float
        1 for a listed spelling, less for a loose or fuzzy match (0..1).
    source : str
        ``dataset`` for dataset localities, else the extra entry's source (``geonames``).
    """

    locality_id: str
    surface: str
    start: int
    end: int
    score: float
    source: str = DATASET


@dataclass(frozen=True)
class Candidate:
    """A place-like name after a cue ("the town of X") that the index does not know."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class MentionIndex:
    """An immutable, picklable index of names to search in text; build once, reuse.

    Use ``MentionIndex.build``. ``refs[i]``, ``sources[i]`` and ``lengths[i]`` describe the
    automaton's pattern ``i``; ``short[i]``, for patterns of at most ``SHORT_KEY_LENGTH``
    letters, lists the spellings (normalised, without article) a hit must be close to.
    """

    automaton: ahocorasick.Automaton
    refs: tuple[str, ...]
    sources: tuple[str, ...]
    lengths: np.ndarray
    gazetteer: DatasetGazetteer
    exact: frozenset[str]
    short: Mapping[int, tuple[str, ...]]

    @classmethod
    def build(
        cls,
        localities: Iterable[Locality],
        extra: Iterable[tuple[str, str, str]] = (),
        *,
        stop: Iterable[str] = (),
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> MentionIndex:
        """Compile the dataset's spellings and optional extra names.

        Parameters
        ----------
        localities : iterable of Locality
            The dataset's localities (ids, names, alt_names): they win over extra names.
        extra : iterable of (name, ref, source)
            More names, e.g. ``(name, "geonames:170592", "geonames")`` from
            ``GeoNamesIndex.entries()``; a mention of one carries its ``ref`` and ``source``.
        stop : iterable of str
            Phrases that name no place although they contain one, e.g. the factions' names
            and aliases ("Ahrar al-Sham" when Damascus has the alias "al-Sham"): a place
            inside one of them is not a mention.
        cache_dir : path, optional
            Directory of the caller's where the compiled index is pickled, keyed by a hash of
            the inputs (a large index loads several times faster than it builds).

        Returns
        -------
        MentionIndex
        """
        localities = tuple(localities)
        extra = tuple((phrase, "", _STOP) for phrase in stop) + tuple(extra)
        cache_file = None
        if cache_dir is not None:
            digest = _digest(localities, extra)
            cache_file = Path(cache_dir) / f"mentions-v{_INDEX_FORMAT}-{digest}.pickle"
            try:
                with cache_file.open("rb") as fh:
                    cached = pickle.load(fh)
                if isinstance(cached, MentionIndex):
                    return cached
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
        index = cls._compile(localities, extra)
        if cache_file is not None:
            write_pickle(cache_file, index)
        return index

    @classmethod
    def for_dataset(
        cls,
        dataset: Dataset,
        extra: Iterable[tuple[str, str, str]] = (),
        *,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> MentionIndex:
        """``build`` with the dataset's localities and its factions' names and aliases as stop
        phrases (so "Ahrar al-Sham" never yields a place from an alias "al-Sham")."""
        stop = [p for f in dataset.factions for p in (f.name, *f.aliases)]
        return cls.build(dataset.localities, extra, stop=stop, cache_dir=cache_dir)

    @classmethod
    def _compile(
        cls, localities: tuple[Locality, ...], extra: tuple[tuple[str, str, str], ...]
    ) -> MentionIndex:
        ordered: list[tuple[str, str]] = []  # (spelling, locality id), primary names first
        forms = [(loc.id, locality_forms(loc)) for loc in localities]
        ordered += [(fs[0], lid) for lid, fs in forms]
        ordered += [(f, lid) for lid, fs in forms for f in fs[1:]]
        n_dataset = len(ordered)
        names = [n for n, _ in ordered] + [n for n, _, _ in extra]
        targets = [(lid, DATASET) for _, lid in ordered] + [(r, s) for _, r, s in extra]
        patterns: dict[str, int] = {}
        refs: list[str] = []
        sources: list[str] = []
        lengths: list[int] = []
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        short: dict[int, list[int]] = {}  # pattern -> positions of the names giving it
        for position, loose in enumerate(skeletons(names)):
            glued = loose.replace(" ", "")
            if len(glued) < KEY_MIN_LENGTH:
                continue
            if len(glued) <= SHORT_KEY_LENGTH and targets[position][1] != _STOP:
                value = patterns.get(loose)
                if value is None or refs[value] == targets[position][0]:
                    short.setdefault(len(refs) if value is None else value, []).append(position)
            first, _, rest = loose.partition(" ")
            variants = [loose]
            if rest:  # later words may be written in lower case ("Adra prison")
                variants.append(f"{first} {rest.upper()}")
                if position < n_dataset:  # glued words ("KafrBatna")
                    variants.append(glued)
            if targets[position][1] == _STOP:  # "regime forces" shields its words too
                variants.append(loose.upper())
            for variant in variants:
                if variant not in patterns:
                    patterns[variant] = len(refs)
                    ref, source = targets[position]
                    refs.append(ref)
                    sources.append(source)
                    key = _pattern(variant)
                    lengths.append(len(key))
                    automaton.add_word(key, patterns[variant])
        automaton.make_automaton()
        exact = frozenset(normalize(n) for n, _ in ordered)
        wanted = sorted({p for positions in short.values() for p in positions})
        bare = dict(zip(wanted, (without_article(n) for n in normalize_many(
            [names[p] for p in wanted])), strict=True))
        short_forms = {v: tuple(dict.fromkeys(bare[p] for p in ps)) for v, ps in short.items()}
        return cls(automaton, tuple(refs), tuple(sources), np.array(lengths, dtype=np.int64),
                   DatasetGazetteer(localities), exact, short_forms)


def _digest(localities: Sequence[Locality], extra: Sequence[tuple[str, str, str]]) -> str:
    h = hashlib.sha256()
    for loc in localities:
        h.update("\x1f".join([loc.id, *locality_forms(loc)]).encode())
        h.update(b"\x1e")
    h.update(b"\x1d")
    h.update("\x1e".join("\x1f".join(e) for e in extra).encode())
    return h.hexdigest()[:24]


def _search_text(text: str, loose: MappedText) -> MappedText:
    """The skeleton prepared for whole-word search, with its map to ``text``.

    Words the text writes in lower case are put in upper case (patterns start with a word
    capitalised in the text; their later words exist in both forms), and every word is
    framed by spaces of its own (" dum  harast "), as the patterns are, so that the
    automaton's leftmost-longest matches are whole words.
    """
    arr = np.frombuffer(loose.text.encode("utf-32-le"), dtype=np.uint32).copy()
    origin = loose.origin
    if len(arr):
        lower = (arr >= 97) & (arr <= 122)
        word = lower | ((arr >= 48) & (arr <= 57)) | (arr >= 128)
        positions = np.arange(len(arr))
        word_start = np.maximum.accumulate(np.where(word, 0, positions + 1))
        word_start = np.minimum(word_start, len(arr) - 1)
        original = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        first = original[origin[word_start]]
        arr[lower & (first >= 97) & (first <= 122)] -= 32
        repeats = np.where(arr == 32, 2, 1)
        arr, origin = np.repeat(arr, repeats), np.repeat(origin, repeats)
    space = np.array([32], dtype=np.uint32)
    arr = np.concatenate((space, arr, space))
    origin = np.concatenate(([0], origin, [max(len(text) - 1, 0)]))
    return MappedText(arr.tobytes().decode("utf-32-le"), origin)


def _pattern(loose: str) -> str:
    """An automaton key: the skeleton framed and spaced as ``_search_text`` does."""
    return " " + loose.replace(" ", "  ") + " "


class _Context:
    """Where the words of a text are, to judge a hit by the word before and the word after.

    Built once per text with a few numpy passes, so that judging each of many hits costs only
    two slices of the text.
    """

    def __init__(self, text: str):
        self.text = text
        code = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        n = len(code)
        word = ((code >= 97) & (code <= 122)) | ((code >= 65) & (code <= 90))
        punctuation = (code == 0xD7) | (code == 0xF7) | ((code >= 0x2000) & (code <= 0x206F))
        word |= ((code >= 48) & (code <= 57)) | ((code >= 0xC0) & ~punctuation)
        positions = np.arange(n, dtype=np.int64)
        #: end of the run of word characters starting at each index (the index itself if none)
        self.word_end = np.append(
            np.minimum.accumulate(np.where(word, n, positions)[::-1])[::-1], n)
        #: first word character at or after each index (n if none)
        self.next_word = np.append(
            np.minimum.accumulate(np.where(word, positions, n)[::-1])[::-1], n)
        #: last word character at or before each index (-1 if none)
        self.last_word = np.maximum.accumulate(np.where(word, positions, -1))
        #: start of the word each word character belongs to
        self.word_start = np.maximum.accumulate(np.where(word, 0, positions + 1))

    def keep(self, starts: np.ndarray, ends: np.ndarray) -> list[bool]:
        """For each span, False when it is a person's name or a false friend (see ``judge``)."""
        if not len(starts):
            return []
        before_end = np.where(starts > 0, self.last_word[np.maximum(starts - 1, 0)] + 1, 0)
        before_start = np.where(before_end > 0, self.word_start[np.maximum(before_end - 1, 0)],
                                0)
        after_start = self.next_word[ends]
        after_end = self.word_end[after_start]
        return [
            self._judge(s, e, bs, be, as_, ae)
            for s, e, bs, be, as_, ae in zip(starts.tolist(), ends.tolist(), before_start.tolist(),
                                             before_end.tolist(), after_start.tolist(),
                                             after_end.tolist(), strict=True)
        ]

    def judge(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` may be a place (see ``keep``)."""
        return self.keep(np.array([start]), np.array([end]))[0]

    def _judge(self, start: int, end: int, b_start: int, b_end: int, a_start: int,
               a_end: int) -> bool:
        text = self.text
        surface = text[start:end].lower()
        if surface in GIVEN_NAMES:
            return False
        if 0 < start - b_end <= 4 and text[b_start:b_end].lower() in _NOT_PLACE_BEFORE:
            return False
        if not 0 < a_start - end <= 4 or not text[end].isspace():
            return True
        following = text[a_start:a_end]
        if surface in GENERIC_HEADS and (
            following[:1].isupper()
            or (following.lower() in ARTICLES and text[a_end:a_end + 1] == "-")
        ):
            return False
        return following.lower() not in FALSE_FRIEND_AFTER


def find_mentions(text: str, index: MentionIndex, *, fuzzy: bool = True,
                  loose: MappedText | None = None) -> list[Mention]:
    """Find the places a text names.

    Parameters
    ----------
    text : str
        The report text, any length.
    index : MentionIndex
        From ``MentionIndex.build``.
    fuzzy : bool, default True
        Also try the dataset gazetteer's fuzzy match on capitalised words left unmatched.
    loose : MappedText, optional
        ``geo.normalize.skeleton_text(text)`` when the caller has it already.

    Returns
    -------
    list of Mention
        In text order, not overlapping; ``text[m.start:m.end] == m.surface``. Extra names
        (GeoNames) come with their own ``source``; keep ``source == "dataset"`` for localities.
    """
    return find_mentions_many([text], index, fuzzy=fuzzy,
                              loose=None if loose is None else [loose])[0]


def find_mentions_many(texts: Sequence[str], index: MentionIndex, *, fuzzy: bool = True,
                       loose: Sequence[MappedText] | None = None) -> list[list[Mention]]:
    """``[find_mentions(t, index) for t in texts]``, faster for many texts.

    The texts' skeletons are made in one pass, and the spellings to normalise and the
    words to look up in the gazetteer are gathered from all texts and resolved once.

    Parameters
    ----------
    texts : sequence of str
        Report texts.
    index : MentionIndex
        From ``MentionIndex.build``.
    fuzzy : bool, default True
        As for ``find_mentions``.
    loose : sequence of MappedText, optional
        ``geo.normalize.skeleton_texts(texts)`` when the caller has it already.

    Returns
    -------
    list of list of Mention
        One list per text, as ``find_mentions`` gives it.
    """
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not texts:
        return []
    if loose is None:
        loose = skeleton_texts(texts)
    found, context, bases = _automaton_hits(texts, index, loose)
    surfaces = sorted({text[start:end] for text, (kept, _) in zip(texts, found, strict=True)
                       for start, end, _ in kept})
    norms = dict(zip(surfaces, normalize_many(surfaces), strict=True))
    scores = {surface: EXACT_SCORE if norm in index.exact else KEY_SCORE
              for surface, norm in norms.items()}
    windows_of: dict[str, list[tuple[int, int]]] = {}
    runs = [_fuzzy_runs(text, taken, windows_of) if fuzzy else [] for text, (_, taken) in
            zip(texts, found, strict=True)]
    queries = sorted({text[s:e] for text, text_runs in zip(texts, runs, strict=True)
                      for _, spans in text_runs for s, e in spans})
    resolved = (dict(zip(queries, index.gazetteer.lookup_many(queries), strict=True))
                if queries else {})
    # short keys spelled far from every listed spelling, asked of the gazetteer at once
    doubts = [_doubtful(text, index, kept, norms) for text, (kept, _) in
              zip(texts, found, strict=True)]
    asked = sorted({text[s:e] for text, doubtful in zip(texts, doubts, strict=True)
                    for s, e, _v in doubtful})
    answers = (dict(zip(asked, index.gazetteer.lookup_many(asked, fuzzy=False), strict=True))
               if asked else {})
    out: list[list[Mention]] = []
    for text, (kept, _), text_runs, base, doubtful in zip(texts, found, runs, bases, doubts,
                                                         strict=True):
        mentions = _listed_mentions(text, index, kept, doubtful, answers, scores)
        if fuzzy:
            mentions += _fuzzy_found(text, text_runs, resolved, context, base)
            mentions.sort(key=lambda m: m.start)
        out.append(mentions)
    return out


#: What joins texts searched together: no pattern holds it, and it is longer than the reach
#: of the context checks (4 characters), so a text's words never judge the next text's hits.
_PAD = "\x02" * 6
_SEARCH_SEP = " \x02 "  # joins the texts' skeletons (each keeps the framing spaces it has alone)

_Hits = tuple[list[tuple[int, int, int]], list[tuple[int, int]]]


def _automaton_hits(texts: Sequence[str], index: MentionIndex, loose: Sequence[MappedText]
                    ) -> tuple[list[_Hits], _Context, list[int]]:
    """Per text, the automaton's hits kept by their context, as ``(start, end, pattern)``
    without the stop phrases, and the spans of all of them (stop phrases too); then the word
    context of the texts joined by ``_PAD`` and where each text starts in it.

    The texts are searched in one pass: their skeletons joined by ``_SEARCH_SEP`` give the
    search text each gives alone, one after the other, and no hit spans two.
    """
    joined = _PAD.join(texts)
    bases: list[int] = []
    at = 0
    for text in texts:
        bases.append(at)
        at += len(text) + len(_PAD)
    if len(texts) == 1:
        mapped = loose[0]
    else:
        origins: list[np.ndarray] = []
        for i, (base, part) in enumerate(zip(bases, loose, strict=True)):
            if i:  # the separator maps to the pad before this text
                origins.append(np.full(len(_SEARCH_SEP), base - 1, dtype=np.int64))
            origins.append(part.origin + base)
        mapped = MappedText(_SEARCH_SEP.join(part.text for part in loose),
                            np.concatenate(origins))
    search = _search_text(joined, mapped)
    context = _Context(joined)
    hits = np.array(list(index.automaton.iter_long(search.text)), dtype=np.int64).reshape(-1, 2)
    last, values = hits[:, 0], hits[:, 1]
    starts = search.origin[last - index.lengths[values] + 2]  # skip the framing spaces
    ends = context.word_end[search.origin[last - 1]]  # endings dropped by the skeleton count
    owner = np.searchsorted(np.array(bases, dtype=np.int64), starts, side="right") - 1
    found: list[_Hits] = [([], []) for _ in texts]
    sources = index.sources
    for start, end, value, i, ok in zip(starts.tolist(), ends.tolist(), values.tolist(),
                                        owner.tolist(), context.keep(starts, ends), strict=True):
        if ok:
            base = bases[i]
            kept, taken = found[i]
            taken.append((start - base, end - base))
            if sources[value] != _STOP:
                kept.append((start - base, end - base, value))
    return found, context, bases


def _doubtful(text: str, index: MentionIndex, kept: list[tuple[int, int, int]],
              norms: Mapping[str, str]) -> list[tuple[int, int, int]]:
    """The automaton's hits of a short key whose spelling is close to no listed one ("Area"
    is not Ariha): only the gazetteer may vouch for them (``_listed_mentions``)."""
    short = index.short
    if not short:
        return []
    return [(start, end, value) for start, end, value in kept
            if value in short and not close_spelling(without_article(norms[text[start:end]]),
                                                     short[value])]


def _listed_mentions(text: str, index: MentionIndex, kept: list[tuple[int, int, int]],
                     doubtful: list[tuple[int, int, int]],
                     answers: Mapping[str, tuple[Locality, float] | None],
                     scores: Mapping[str, float]) -> list[Mention]:
    """Mentions of the automaton's hits (``scores`` by surface, see caller); a ``doubtful``
    hit is one when the gazetteer's word for its surface (``answers``) is its place
    ("Hezzeh": Hazzeh by its consonants)."""
    refs, sources = index.refs, index.sources
    found = {}  # start -> the mention there
    if doubtful:
        for start, end, value in doubtful:
            hit = answers[text[start:end]]
            if hit is not None and hit[0].id == refs[value]:
                found[start] = Mention(refs[value], text[start:end], start, end,
                                       min(hit[1], KEY_SCORE), sources[value])
        kept = [k for k in kept if k not in doubtful]
    for start, end, value in kept:
        found[start] = Mention(refs[value], text[start:end], start, end,
                               scores[text[start:end]], sources[value])
    return [found[start] for start in sorted(found)]


def _windows(run: str) -> list[tuple[int, int]]:
    """Spans of the windows of 1 to ``FUZZY_MAX_WORDS`` consecutive words of a run, by start
    word and, for each, longest first."""
    words = [(w.start(), w.end()) for w in _WORD.finditer(run)]
    return [
        (words[i][0], words[i + size - 1][1])
        for i in range(len(words))
        for size in range(min(FUZZY_MAX_WORDS, len(words) - i), 0, -1)
    ]


_Runs = list[tuple[int, list[tuple[int, int]]]]  # (run start, word windows clear of hits)


def _fuzzy_runs(text: str, taken: list[tuple[int, int]],
                windows_of: dict[str, list[tuple[int, int]]]) -> _Runs:
    """The runs of capitalised words and their windows outside the ``taken`` spans (sorted,
    not overlapping): only those can yield a fuzzy mention, so only those are looked up.
    ``windows_of`` caches ``_windows`` by run text (shared by the texts of a batch)."""
    taken_starts = [start for start, _ in taken]
    taken_ends = [end for _, end in taken]
    n_taken = len(taken)
    bisect_left = bisect.bisect_left
    runs: _Runs = []
    for run in _CAPITALISED_RUN.finditer(text):
        at, run_end = run.span()
        if at and text[at - 1].isalnum():
            continue
        k = bisect_left(taken_ends, at + 1)  # the first taken span ending after the run starts
        if k == n_taken or taken_starts[k] >= run_end:  # nothing taken in the run
            word = run.group()
            if " " not in word and "-" not in word:  # one word: one window
                runs.append((at, [(at, run_end)]))
                continue
            windows = windows_of.get(word)
            if windows is None:
                windows = windows_of[word] = _windows(word)
            runs.append((at, [(at + s, at + e) for s, e in windows]))
            continue
        if taken_starts[k] <= at and taken_ends[k] >= run_end:  # all of the run is taken
            continue
        word = run.group()
        windows = windows_of.get(word)
        if windows is None:
            windows = windows_of[word] = _windows(word)
        spans = []
        for s, e in windows:
            start, end = at + s, at + e
            j = bisect_left(taken_ends, start + 1)  # the first taken span ending after start
            if j == n_taken or taken_starts[j] >= end:
                spans.append((start, end))
        if spans:
            runs.append((at, spans))
    return runs


def _fuzzy_found(text: str, runs: _Runs,
                 resolved: Mapping[str, tuple[Locality, float] | None],
                 context: _Context, base: int) -> list[Mention]:
    """Gazetteer matches (fuzzy included) of the windows of ``runs``, ``resolved`` holding the
    gazetteer's answer for each window's text: per run, leftmost first, longest first.
    ``text`` starts at ``base`` in the text of ``context``."""
    out: list[Mention] = []
    for reach, spans in runs:
        for start, end in spans:
            hit = resolved[text[start:end]]
            if hit and start >= reach and context.judge(base + start, base + end):
                out.append(Mention(hit[0].id, text[start:end], start, end,
                                   min(hit[1], KEY_SCORE)))
                reach = end
    return out


class _Spans:
    """Character spans, asked whether any of them overlaps a given span in O(log n)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(itertools.accumulate((e for _, e in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """True when a span ``(s, e)`` has ``s < end`` and ``start < e``."""
        k = bisect.bisect_left(self._starts, end) - 1  # the spans starting before ``end``
        return k >= 0 and self._reach[k] > start


def candidate_places(text: str, index: MentionIndex, *,
                     mentions: Sequence[Mention] | None = None) -> list[Candidate]:
    """Place-like names after cues ("the town of X", "in X district", "X neighbourhood").

    Lists those that no entry of ``index`` resolves, so that an analyst can add them as new
    localities or aliases. Each name once (its first occurrence), in text order.

    Parameters
    ----------
    text : str
        The report text.
    index : MentionIndex
        The index whose names count as resolved (dataset, plus any extra names).
    mentions : sequence of Mention, optional
        ``find_mentions(text, index)`` when the caller has it already (saves a second pass).

    Returns
    -------
    list of Candidate
    """
    if mentions is None:
        mentions = find_mentions(text, index)
    covered = _Spans([(m.start, m.end) for m in mentions])
    context: _Context | None = None
    seen: set[str] = set()
    out: list[Candidate] = []
    for cue in _cue_matches(text):
        if cue.group("a"):  # a list: "the towns of A, B and C"
            spans = [m.span() for m in _PLACE_RE.finditer(text, cue.start("a"), cue.end())]
        else:
            spans = [cue.span("d") if cue.group("d") else cue.span("e")]
        for start, end in spans:
            name = text[start:end]
            key = normalize(name)
            if key in seen or covered.overlaps(start, end):
                continue
            if context is None:
                context = _Context(text)
            if not context.judge(start, end):
                continue
            seen.add(key)
            out.append(Candidate(name, start, end))
    out.sort(key=lambda c: c.start)
    return out
