"""The claim grammar's lexicon: phrases by category, from the shipped CSV plus a dataset's own.

A lexicon row is ``category,phrase,value,note``. ``phrase`` is lower-case words where a group
``(a|b|)`` lists alternatives (an empty one: the group may be left out); hyphens count as
spaces and case is ignored, so ``(take|took) (full|) control (of|over)`` stands for eight
phrases. ``value`` is what the category makes of the phrase (a verb label, a side, a share).

Categories (see ``lexicon.csv`` for the words):

- control triggers: ``event`` (an actor takes a place), ``participle`` (a place is taken),
  ``noun`` (the capture of a place), ``fell`` (a place falls to an actor), ``state`` (an actor
  holds a place), ``state_by`` (a place held by an actor), ``possession`` (the noun of "under X
  control", "in X hands"), ``stronghold``, ``presence`` (positions in a place), ``compound``
  ("rebel-held"), ``declare`` (declared clear of), ``handover``, ``approach``, ``repel``;
- modifiers: ``hedge``, ``negation``, ``intent``, ``realized`` (undoes a bare "to"), ``keep``
  (verbs of holding that intent does not cancel), ``past`` (a state in the past), ``partial``;
- actors: ``side`` (words naming a side: "regime", "rebel"), ``force`` (nouns of armed men,
  with the side they have alone), ``group_noun``, ``pronoun``;
- structure: ``class`` (town, village...), ``determiner``, ``list``, ``break``;
- place context: ``region_after``, ``region_before``, ``facility_after``.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import ahocorasick

from geo.errors import Problem
from geo.model import LexiconEntry

CATEGORIES = frozenset({
    "event", "participle", "noun", "fell", "state", "state_by", "possession", "stronghold",
    "presence", "compound", "declare", "handover", "approach", "repel",
    "hedge", "negation", "intent", "realized", "keep", "past", "partial",
    "side", "force", "group_noun", "pronoun",
    "class", "determiner", "list", "break",
    "region_after", "region_before", "facility_after",
})
COLUMNS = ("category", "phrase", "value", "note")
#: The lexicon categories that trigger a control pattern.
CONTROL_TRIGGERS = ("event", "participle", "noun", "fell", "state", "state_by", "possession",
                    "stronghold", "presence", "compound", "declare", "handover", "approach",
                    "repel")
#: Trigger categories whose phrases count only right after a hyphen ("rebel-held",
#: "regime-run"; "had run out" holds no trigger).
HYPHENATED = frozenset({"compound"})
#: Categories whose long words are recognised with one letter wrong ("controling").
TYPO_CATEGORIES = ("event", "participle", "noun", "state")
#: Shorter words are never corrected ("centered" is not "entered" all the same: first letters).
TYPO_MIN_LENGTH = 8
#: Most answers of ``Lexicon.correct`` remembered (then forgotten all at once).
MEMO_SIZE = 100_000
#: Most phrases one row may stand for (a row is meant for a word and its forms).
MAX_EXPANSIONS = 4096
#: Words of a phrase: runs of letters and digits, or one other visible character.
TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
_GROUP = re.compile(r"\(([^()]*)\)")
_SIDES = ("government", "opposition", "unknown")


@dataclass(frozen=True)
class Phrase:
    """A concrete phrase: its lower-case tokens, category and value."""

    tokens: tuple[str, ...]
    category: str
    value: str


def tokens_of(text: str) -> tuple[str, ...]:
    """The lower-case tokens of ``text`` as the grammar sees them (hyphens dropped)."""
    return tuple(t for t in TOKEN.findall(text.lower()) if t != "-")


def expand(phrase: str) -> list[tuple[str, ...]]:
    """Every concrete phrase a lexicon pattern stands for, as token tuples.

    Parameters
    ----------
    phrase : str
        Words with ``(a|b|)`` groups of alternatives.

    Returns
    -------
    list of tuple of str
        Distinct, non-empty token tuples, in the order the groups list them.

    Raises
    ------
    ValueError
        For an unbalanced parenthesis or more than ``MAX_EXPANSIONS`` phrases.
    """
    parts: list[list[str]] = []
    at = 0
    for group in _GROUP.finditer(phrase):
        parts.append([phrase[at:group.start()]])
        parts.append(group.group(1).split("|"))
        at = group.end()
    parts.append([phrase[at:]])
    if any("(" in p or ")" in p for options in parts for p in options):
        raise ValueError(f"unbalanced parenthesis in {phrase!r}")
    count = 1
    for options in parts:
        count *= len(options)
    if count > MAX_EXPANSIONS:
        raise ValueError(f"{phrase!r} stands for {count} phrases, more than {MAX_EXPANSIONS}")
    out: dict[tuple[str, ...], None] = {}
    for combo in itertools.product(*parts):
        toks = tokens_of(" ".join(combo))
        if toks:
            out.setdefault(toks, None)
    return list(out)


def parse_rows(rows: Iterable[tuple[int, Mapping[str, str]]], label: str
               ) -> tuple[list[LexiconEntry], list[Problem]]:
    """Lexicon entries from CSV rows, and a problem per bad row (``label:line``).

    Parameters
    ----------
    rows : iterable of (int, mapping)
        Line number and row (``category``, ``phrase``, ``value``, ``note``).
    label : str
        The file as messages name it.

    Returns
    -------
    tuple of (list of LexiconEntry, list of Problem)
    """
    entries: list[LexiconEntry] = []
    problems: list[Problem] = []
    for line, row in rows:
        category = (row.get("category") or "").strip()
        if category.startswith("#"):
            continue  # a comment line
        phrase = (row.get("phrase") or "").strip()
        value = (row.get("value") or "").strip()
        if category not in CATEGORIES:
            problems.append(Problem(label, line, f"unknown lexicon category {category[:40]!r}"
                                    f" (one of {', '.join(sorted(CATEGORIES))})"))
            continue
        if not phrase:
            problems.append(Problem(label, line, "empty phrase"))
            continue
        try:
            expand(phrase)
        except ValueError as exc:
            problems.append(Problem(label, line, str(exc)[:200]))
            continue
        if category == "side" and value not in _SIDES:
            problems.append(Problem(label, line, f"a side word's value is one of "
                                    f"{', '.join(_SIDES)}, not {value[:40]!r}"))
            continue
        entries.append(LexiconEntry(category, phrase, value, f"{label}:{line}"))
    return entries, problems


def read_csv_text(text: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a lexicon CSV with their line numbers; ``#`` lines are comments."""
    kept = "".join(line if not line.lstrip().startswith("#") else "\n"
                   for line in text.splitlines(keepends=True))
    reader = csv.DictReader(io.StringIO(kept))
    return [(reader.line_num, row) for row in reader]


@functools.cache
def default_entries() -> tuple[LexiconEntry, ...]:
    """The shipped lexicon (``geo/claims/lexicon.csv``), read once."""
    text = resources.files("geo.claims").joinpath("lexicon.csv").read_text(encoding="utf-8")
    entries, problems = parse_rows(read_csv_text(text), "geo/claims/lexicon.csv")
    if problems:  # a broken shipped file is a bug, not user input
        raise RuntimeError("; ".join(str(p) for p in problems))
    return tuple(entries)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Compiled phrases: by first token (longest first), and single words by category.

    Build with ``Lexicon.compile`` (or ``lexicon_for``); immutable and shared.
    """

    by_first: Mapping[str, tuple[Phrase, ...]]
    words: Mapping[str, frozenset[str]]
    values: Mapping[tuple[str, tuple[str, ...]], str]
    entries: tuple[LexiconEntry, ...]
    #: one-letter deletions of the long trigger words -> the words (see ``correct``)
    deletions: Mapping[str, str]
    #: phrases of two words or more by their first two words, longest first
    by_pair: Mapping[tuple[str, str], tuple[Phrase, ...]]
    #: one-word phrases by their word
    single: Mapping[str, tuple[Phrase, ...]]
    #: for the rarest word of each control trigger, the words of the triggers keyed on it: a
    #: sentence that holds all the words of none of them has no control claim
    control_words: Mapping[str, tuple[frozenset[str], ...]]
    #: the one-word phrases of ``TYPO_CATEGORIES`` (the words a misspelling may stand for)
    typo_targets: frozenset[str] = frozenset()
    #: the last words of the ``region_before`` phrases ("rural", "of" of "province of")
    region_before_lasts: frozenset[str] = frozenset()
    #: finds the keys of ``control_words`` in a lower-case text (``geo.claims.cues``)
    key_automaton: Any = None
    #: finds the words that make a place name a region or a facility (``region_after``,
    #: ``facility_after`` and the last words of ``region_before``) in a lower-case text
    context_automaton: Any = None
    #: keys of ``control_words`` that only start ``HYPHENATED`` phrases ("run" of
    #: "rebel-run"): such a key is a trigger's only right after a hyphen
    hyphen_keys: frozenset[str] = frozenset()
    #: answers of ``correct`` already given (words repeat: each is judged once)
    corrections: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def compile(cls, entries: Sequence[LexiconEntry]) -> Lexicon:
        """Expand and index ``entries`` (later entries add to earlier ones).

        Parameters
        ----------
        entries : sequence of LexiconEntry

        Returns
        -------
        Lexicon
        """
        phrases: dict[tuple[str, tuple[str, ...]], Phrase] = {}
        for entry in entries:
            for toks in expand(entry.phrase):
                phrases[(entry.category, toks)] = Phrase(toks, entry.category, entry.value)
        by_first: dict[str, list[Phrase]] = {}
        words: dict[str, set[str]] = {c: set() for c in CATEGORIES}
        for phrase in phrases.values():
            by_first.setdefault(phrase.tokens[0], []).append(phrase)
            if len(phrase.tokens) == 1:
                words[phrase.category].add(phrase.tokens[0])
        deletions: dict[str, str] = {}
        clashes: set[str] = set()
        for word in sorted({w for c in TYPO_CATEGORIES for w in words[c]
                            if len(w) >= TYPO_MIN_LENGTH and w.isalpha()}):
            for variant in {word[:i] + word[i + 1:] for i in range(1, len(word))}:
                if deletions.setdefault(variant, word) != word:
                    clashes.add(variant)
        control = _control_keys(phrases.values())
        by_pair: dict[tuple[str, str], list[Phrase]] = {}
        single: dict[str, list[Phrase]] = {}
        for phrase in phrases.values():
            if len(phrase.tokens) == 1:
                single.setdefault(phrase.tokens[0], []).append(phrase)
            else:
                by_pair.setdefault((phrase.tokens[0], phrase.tokens[1]), []).append(phrase)
        return cls(
            {k: tuple(sorted(v, key=lambda p: -len(p.tokens))) for k, v in by_first.items()},
            {c: frozenset(w) for c, w in words.items()},
            {(p.category, p.tokens): p.value for p in phrases.values()},
            tuple(entries),
            {k: v for k, v in deletions.items() if k not in clashes},
            {k: tuple(sorted(v, key=lambda p: -len(p.tokens))) for k, v in by_pair.items()},
            {k: tuple(v) for k, v in single.items()},
            control,
            frozenset(w for c in TYPO_CATEGORIES for w in words[c]),
            frozenset(p.tokens[-1] for p in phrases.values() if p.category == "region_before"),
            word_automaton(control),
            word_automaton({max(p.tokens, key=len) for p in phrases.values()
                            if p.category in ("region_after", "facility_after",
                                              "region_before")}),
            _hyphen_keys(phrases.values(), control),
        )

    def correct(self, word: str) -> str | None:
        """The long trigger word a lower-case ``word`` misspells by one letter (a letter
        missing, extra or wrong, the first one right: "controling"), else None."""
        if len(word) < TYPO_MIN_LENGTH - 1 or word in self.by_first or not word.isalpha():
            return None
        memo = self.corrections
        if word in memo:
            return memo[word]
        found = self.deletions.get(word)  # a letter missing
        targets = self.typo_targets
        for i in range(1, len(word)):
            if found is not None:
                break
            variant = word[:i] + word[i + 1:]
            # a letter too many, else a wrong letter
            found = variant if variant in targets else self.deletions.get(variant)
        answer = found if found is not None and found[0] == word[0] else None
        if len(memo) > MEMO_SIZE:
            memo.clear()
        memo[word] = answer
        return answer

    def is_(self, category: str, word: str) -> bool:
        """True when the lower-case ``word`` alone is a phrase of ``category``."""
        return word in self.words[category]

    def value(self, category: str, tokens: tuple[str, ...]) -> str | None:
        """The value of a phrase of ``category`` (None when it is not one)."""
        return self.values.get((category, tokens))

    def phrases_at(self, words: Sequence[str], at: int) -> list[Phrase]:
        """The phrases that start at ``words[at]`` and match the words after it, longest
        first (two dictionary lookups and a few comparisons: constant time)."""
        out = []
        if at + 1 < len(words):
            for phrase in self.by_pair.get((words[at], words[at + 1]), ()):
                n = len(phrase.tokens)
                if tuple(words[at:at + n]) == phrase.tokens:
                    out.append(phrase)
        out.extend(self.single.get(words[at], ()))
        return out


#: Words too common to say that a sentence may hold a phrase (see ``_key_word``).
_COMMON = frozenset({
    "is", "are", "was", "were", "be", "been", "being", "now", "in", "on", "of", "to", "at", "by",
    "from", "over", "into", "onto", "inside", "within", "through", "toward", "towards", "their",
    "its", "his", "the", "a", "an", "full", "fully", "complete", "completely", "total",
    "totally", "entirely", "effective", "firm", "national", "state", "government", "official",
    "back", "up", "out", "off", "down", "has", "have", "having", "had", "deeper", "remain",
    "remains", "remained", "return", "returns", "returned", "returning", "bring", "brings",
    "brought", "bringing", "restore", "restores", "restored", "restoring",
})


def _control_keys(phrases: Iterable[Phrase]) -> dict[str, tuple[frozenset[str], ...]]:
    """The control triggers' words by the rarest of them (see ``Lexicon.control_words``),
    with "before the entrance/entry/arrival of" (the handover pattern)."""
    keyed: dict[str, set[frozenset[str]]] = {}
    for p in phrases:
        if p.category in CONTROL_TRIGGERS:
            keyed.setdefault(_key_word(p.tokens), set()).add(frozenset(p.tokens))
    for noun in _ENTRY_NOUNS:
        keyed.setdefault(noun, set()).add(frozenset({"before", noun}))
    return {k: tuple(v) for k, v in keyed.items()}


#: The nouns of "before the entrance of" (the handover pattern), keys of their own.
_ENTRY_NOUNS = ("entrance", "entry", "arrival")


def _hyphen_keys(phrases: Iterable[Phrase], control: Mapping[str, object]) -> frozenset[str]:
    """The keys of ``control`` (see ``_control_keys``) that every trigger keyed on them
    starts with, in a ``HYPHENATED`` category."""
    out = set(control) - set(_ENTRY_NOUNS)
    for p in phrases:
        if p.category in CONTROL_TRIGGERS and (p.category not in HYPHENATED
                                               or p.tokens[0] != _key_word(p.tokens)):
            out.discard(_key_word(p.tokens))
    return frozenset(out)


def word_automaton(words: Iterable[str]) -> Any:
    """An Aho-Corasick automaton finding ``words`` in a text (pyahocorasick)."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
    for word in words:
        automaton.add_word(word, word)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _key_word(tokens: tuple[str, ...]) -> str:
    """The word of a phrase that a sentence must hold for it to match: its longest word that
    is not a common one (any word of a phrase would do; a rare one filters better)."""
    rare = [t for t in tokens if t not in _COMMON]
    return max(rare or tokens, key=len)


@functools.lru_cache(maxsize=16)
def _compiled(extra: tuple[LexiconEntry, ...]) -> Lexicon:
    return Lexicon.compile((*default_entries(), *extra))


def lexicon_for(extra: Sequence[LexiconEntry] = ()) -> Lexicon:
    """The shipped lexicon plus a dataset's own entries, compiled (memoised by entries).

    Parameters
    ----------
    extra : sequence of LexiconEntry
        The dataset's ``lexicon.csv`` rows (``Dataset.lexicon``).

    Returns
    -------
    Lexicon
    """
    return _compiled(tuple(extra))
