"""Spelling normalisation of place names and running text, with offsets back to the original.

Two levels:

* ``normalize``: case-folded ASCII letters and digits, diacritics and transliteration marks
  (ʿ ʾ ' ` and the dots of ḥ ḍ) removed, every run of spaces, hyphens and punctuation made one
  space. "Ḥarastā" and "harasta" are equal.
* ``skeleton`` / ``match_key``: a looser form for Arabic transliteration noise: the article
  (al-, el-, an-, ash-, ...) dropped, vowel spellings folded (e/i, y/i, ou/oo/u, ei/ay/ai, o/u,
  q/k, v/w), doubled letters collapsed and word-final endings (-a, -ah, -eh, -iya, -iyah, -iyeh)
  dropped. ``match_key`` also drops the spaces, so "KafrBatna" and "Kafr Batna" are equal.

The same pipeline serves one name and megabytes of report text (``skeleton_text``): the text is
translated one character for one character, deletions are marked, then removed in one numpy
pass that keeps, for every output character, the index of the original character. Everything
here is pure; the tables are built once at import and never change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_DEL = "\x01"  # marks a character to delete, so that translation keeps the length
_SEP = "\x02"  # separates names in batch mode; left alone by every step

_APOSTROPHES = "'`´‘’‛′ʹʻʼʽʾʿˈˊˋ"
# Letters without a one-letter ASCII decomposition.
_SPECIAL_LETTERS = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "t", "ß": "s",
                    "æ": "a", "œ": "o", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k"}


def _base_char(ch: str) -> str:
    """The one-character normal form of ``ch`` (space, deletion mark, or itself)."""
    if ch in _APOSTROPHES or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Lm"):
        return _DEL
    if ch == _SEP:
        return ch
    low = ch.lower()
    if len(low) == 1 and low in _SPECIAL_LETTERS:
        return _SPECIAL_LETTERS[low]
    decomposed = unicodedata.normalize("NFKD", ch)
    ascii_alnum = [c for c in decomposed if c.isascii() and c.isalnum()]
    if len(ascii_alnum) == 1:
        return ascii_alnum[0].lower()
    if ch.isalnum():
        return low if len(low) == 1 else ch
    return " "


def _lookup_table(ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """Code point -> normalised code point, identity outside ``ranges`` (read-only)."""
    table = np.arange(max(hi for _, hi in ranges), dtype=np.uint32)
    for lo, hi in ranges:
        for cp in range(lo, hi):
            table[cp] = ord(_base_char(chr(cp)))
    table.flags.writeable = False
    return table


def _fold_table() -> np.ndarray:
    table = np.arange(128, dtype=np.uint32)
    for src, dst in zip("eyoqv", "iiukw", strict=True):
        table[ord(src)] = ord(dst)
    table.flags.writeable = False
    return table


# Latin, IPA modifiers, combining marks, Greek and Cyrillic, Latin Extended Additional,
# general punctuation, combining half marks; other characters are kept as they are.
_NORM_TABLE = _lookup_table([(0, 0x250), (0x2B0, 0x530), (0x1E00, 0x1F00), (0x2000, 0x2070),
                             (0xFE20, 0xFE30)])
_FOLD_TABLE = _fold_table()  # vowel spellings and q/k, v/w, on ASCII letters


def _translate(arr: np.ndarray, table: np.ndarray) -> np.ndarray:
    inside = arr < len(table)
    return np.where(inside, table[np.where(inside, arr, 0)], arr).astype(np.uint32)


_POSSESSIVE = re.compile(r"\x01s(?![a-z0-9])")
# A literal leading space lets the regex engine skip fast to candidates; the text gets a
# leading space for the search and batch separators are followed by one.
#: The Arabic article as transliterations write it, assimilated forms included (an-, ash-...).
ARTICLES = frozenset({"al", "el", "il", "ul", "an", "as", "ad", "ar", "at", "az", "ed", "es",
                      "en", "er", "et", "ez", "ash", "adh", "ath", "ech", "esh"})


def _article_regex(length: int) -> re.Pattern[str]:
    words = "|".join(sorted(a for a in ARTICLES if len(a) == length))
    return re.compile(rf" (?:{words})(?= )")


_ARTICLES_2 = _article_regex(2)
_ARTICLES_3 = _article_regex(3)
_MIN_STEM = 3  # letters always kept at the start of a word by the ending rule


@dataclass(frozen=True, eq=False)
class MappedText:
    """A normalised copy of a text with the map back to the original characters.

    Attributes
    ----------
    text : str
        The normalised text.
    origin : numpy.ndarray
        ``origin[i]`` is the index, in the original text, of the character that gave
        ``text[i]`` (int64, same length as ``text``).
    """

    text: str
    origin: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` character offsets of the normalised slice ``[start, end)``."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"bad span {start}:{end} for a text of length {len(self.text)}")
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _from_codepoints(arr: np.ndarray) -> str:
    return arr.astype(np.uint32).tobytes().decode("utf-32-le")


def _letters(arr: np.ndarray) -> np.ndarray:
    return ((arr >= 97) & (arr <= 122)) | ((arr >= 48) & (arr <= 57)) | (arr >= 128)


def _compact(arr: np.ndarray, origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop deletion marks, collapse runs of spaces, strip the ends (and around separators)."""
    keep = arr != 1
    arr, origin = arr[keep], origin[keep]
    if not len(arr):
        return arr, origin
    # a space after a blank (or at the start) goes: runs become one space, leading ones vanish
    blank = (arr == 32) | (arr == 2)
    after_blank = np.empty(len(arr), dtype=bool)
    after_blank[0] = True
    after_blank[1:] = blank[:-1]
    keep = ~((arr == 32) & after_blank)
    arr, origin = arr[keep], origin[keep]
    if not len(arr):
        return arr, origin
    # a space before a separator or at the end goes
    blank = (arr == 32) | (arr == 2)
    before_blank = np.empty(len(arr), dtype=bool)
    before_blank[-1] = True
    before_blank[:-1] = blank[1:]
    keep = ~((arr == 32) & before_blank)
    return arr[keep], origin[keep]


def _collapse_doubles(arr: np.ndarray, origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep one letter of each run of the same letter ("hammouriyeh" -> "hamouriyeh")."""
    if len(arr) < 2:
        return arr, origin
    letters = (arr >= 97) & (arr <= 122)
    drop = np.zeros(len(arr), dtype=bool)
    drop[1:] = letters[1:] & (arr[1:] == arr[:-1])
    return arr[~drop], origin[~drop]


def _fold_vowels(arr: np.ndarray) -> np.ndarray:
    """ei/ey -> ai, then e/y -> i, o -> u, q -> k, v -> w (one letter for one letter)."""
    arr = arr.copy()
    if len(arr) > 1:
        diphthong = (arr[:-1] == 101) & ((arr[1:] == 105) | (arr[1:] == 121))
        arr[:-1][diphthong] = 97
    return _translate(arr, _FOLD_TABLE)


def _drop_endings(arr: np.ndarray, origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop word-final runs of a/i/h after the first ``_MIN_STEM`` letters of a word."""
    n = len(arr)
    if n == 0:
        return arr, origin
    letter = _letters(arr)
    ending = (arr == 97) | (arr == 105) | (arr == 104)
    positions = np.arange(n)
    # index of the next character that is not an ending letter (n if none)
    stops = np.where(~ending, positions, n)
    next_stop = np.minimum.accumulate(stops[::-1])[::-1]
    padded_letter = np.append(letter, False)
    at_word_end = ~padded_letter[next_stop]
    # index of the first letter of the word each position belongs to
    starts = np.where(~letter, positions + 1, 0)
    word_start = np.maximum.accumulate(starts)
    drop = ending & at_word_end & (positions - word_start >= _MIN_STEM)
    return arr[~drop], origin[~drop]


def _pipeline(text: str, *, loose: bool, batch: bool = False) -> MappedText:
    if not batch and _SEP in text:
        text = text.replace(_SEP, " ")
    arr = _translate(_codepoints(text), _NORM_TABLE)
    origin = np.arange(len(arr), dtype=np.int64)
    if loose:
        s = _from_codepoints(arr)
        s = _POSSESSIVE.sub(_DEL * 2, s)
        s = _ARTICLES_3.sub(" " + _DEL * 3, _ARTICLES_2.sub(" " + _DEL * 2, " " + s))[1:]
        arr = _codepoints(s)
        keep = arr != 1
        arr, origin = arr[keep], origin[keep]
        arr, origin = _collapse_doubles(arr, origin)
        arr = _fold_vowels(arr)
        arr, origin = _collapse_doubles(arr, origin)
        arr, origin = _drop_endings(arr, origin)
    arr, origin = _compact(arr, origin)
    return MappedText(_from_codepoints(arr), origin)


# The same pipeline on plain strings, for names (no map back to the original is needed): a
# translation table and a few regular expressions cost far less than numpy's per-call
# overhead on short texts. Same result (checked on every GeoNames cities500 spelling).
_NORM_MAP = {cp: int(v) for cp, v in enumerate(_NORM_TABLE.tolist()) if cp != v}
_FOLD_MAP = {cp: int(v) for cp, v in enumerate(_FOLD_TABLE.tolist()) if cp != v}
_LETTER = "a-z0-9\x80-\U0010ffff"
_DOUBLE = re.compile(r"([a-z])(?=\1)")  # a letter the same letter follows
_DIPHTHONG = re.compile(r"e(?=[iy])")
_ENDING = re.compile(rf"[aih](?<=[{_LETTER}]{{{_MIN_STEM + 1}}})[aih]*(?![{_LETTER}])")
_SPACES = re.compile(r"  +")
_AROUND_SEP = re.compile(r" ?\x02 ?")
_SHORT_BATCH = 512  # characters: below, the string pipeline is faster; above, numpy is


def _pipeline_str(text: str, *, loose: bool) -> str:
    """``_pipeline(text, loose=loose, batch=True).text`` without numpy (see above)."""
    s = text.translate(_NORM_MAP)
    if loose:
        s = _POSSESSIVE.sub(_DEL * 2, s)
        s = _ARTICLES_3.sub(" " + _DEL * 3, _ARTICLES_2.sub(" " + _DEL * 2, " " + s))[1:]
        s = _DOUBLE.sub("", s.replace(_DEL, ""))
        s = _DIPHTHONG.sub("a", s).translate(_FOLD_MAP)
        s = _ENDING.sub("", _DOUBLE.sub("", s))
    else:
        s = s.replace(_DEL, "")
    s = _SPACES.sub(" ", s)
    if _SEP in s:
        s = _AROUND_SEP.sub(_SEP, s)
    return s.strip(" ")


def normalize_text(text: str) -> MappedText:
    """Normalise running text (see ``normalize``) keeping the offsets of the original.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    MappedText
        The normalised text and, per character, its index in ``text``.
    """
    return _pipeline(text, loose=False)


def skeleton_text(text: str) -> MappedText:
    """The loose form of running text (see ``skeleton``), with offsets into the original.

    Words stay separated by single spaces, so a name's ``skeleton`` can be searched in it.
    """
    return _pipeline(text, loose=True)


def skeleton_texts(texts: Sequence[str]) -> list[MappedText]:
    """``[skeleton_text(t) for t in texts]`` in one vectorised pass (faster for many texts).

    The texts are joined with separators that every step leaves alone and treats as a break
    between words, so each text comes out exactly as ``skeleton_text`` makes it.
    """
    if len(texts) < 2:
        return [skeleton_text(t) for t in texts]
    cleaned = [t.replace(_SEP, " ") for t in texts]
    mapped = _pipeline((_SEP + " ").join(cleaned), loose=True, batch=True)
    cuts = [-1, *np.flatnonzero(_codepoints(mapped.text) == ord(_SEP)).tolist(), len(mapped.text)]
    out: list[MappedText] = []
    base = 0  # where each text starts in the joined text
    for i, text in enumerate(cleaned):
        lo, hi = cuts[i] + 1, cuts[i + 1]
        out.append(MappedText(mapped.text[lo:hi], mapped.origin[lo:hi] - base))
        base += len(text) + 2
    return out


def normalize(name: str) -> str:
    """Case-folded ASCII form of a name, without diacritics and transliteration marks.

    Hyphens, spaces and punctuation become single spaces; apostrophes and marks such as
    ʿ ʾ ` disappear ("Qal'at al-Madiq" -> "qalat al madiq", "Ḥarastā" -> "harasta").
    Idempotent.
    """
    return _pipeline(name, loose=False).text


def skeleton(name: str) -> str:
    """The loose form of a name, words kept apart by spaces ("Ein Tarma" -> "ain tarm").

    See the module docstring for the rules. Idempotent: the rules are applied again until
    nothing changes (a rule can uncover work for another, as in "yl-A" -> "il a" -> "a").
    """
    return skeletons([name])[0]


def match_key(name: str) -> str:
    """The loosest comparison key of a name: its ``skeleton`` with the words glued together.

    "Kafr Batna" and "KafrBatna" compare equal, and so do spellings that differ only by
    article, vowel spelling, doubled letters or endings:
    ``match_key("Hammouriyeh") == match_key("Hamouriyah")``. Idempotent (the glued form is
    reduced again until it no longer changes).
    """
    return keys_of_skeletons([skeleton(name)])[0]


def keys_of_skeletons(loose: Sequence[str]) -> list[str]:
    """``match_key`` of names given their ``skeleton``: glue the words, reduce again."""
    return _fixed_point([s.replace(" ", "") for s in loose])


def _fixed_point(forms: list[str]) -> list[str]:
    """Apply the loose rules to ``forms`` until none changes (each pass only shortens)."""
    pending = list(range(len(forms)))
    while pending:
        again = _batch([forms[i] for i in pending], loose=True)
        changed = [i for i, new in zip(pending, again, strict=True) if new != forms[i]]
        for i, new in zip(pending, again, strict=True):
            forms[i] = new
        pending = changed
    return forms


def match_keys(names: Sequence[str]) -> list[str]:
    """``[match_key(n) for n in names]`` in a few vectorised passes (fast for many names)."""
    return keys_of_skeletons(skeletons(names))


def without_article(norm: str) -> str:
    """A ``normalize``-d name without its article words ("al nashabiyah" -> "nashabiyah")."""
    return " ".join(w for w in norm.split(" ") if w not in ARTICLES)


def _batch(names: Sequence[str], *, loose: bool) -> list[str]:
    if not names:
        return []
    joined = (_SEP + " ").join(n.replace(_SEP, " ") for n in names)
    if len(joined) <= _SHORT_BATCH:
        parts = _pipeline_str(joined, loose=loose).split(_SEP)
    else:
        parts = _pipeline(joined, loose=loose, batch=True).text.split(_SEP)
    return [p.strip(" ") for p in parts]


def normalize_many(names: Sequence[str]) -> list[str]:
    """``[normalize(n) for n in names]`` in one vectorised pass (fast for many names)."""
    return _batch(names, loose=False)


def skeletons(names: Sequence[str]) -> list[str]:
    """``[skeleton(n) for n in names]`` in a few vectorised passes (fast for many names)."""
    return _fixed_point(_batch(names, loose=True))


_VOWEL_RUN = re.compile(r"[aeiou]+")
#: A vowel key needs this many consonants to say enough ("h*m*", Hama, says too little).
VOWEL_KEY_MIN_CONSONANTS = 3


def vowel_key(norm: str) -> str:
    """The consonant skeleton of a ``normalize``-d name: article dropped, doubled letters
    collapsed, each run of vowels one ``*`` ("hezzeh" and "hazzeh" -> "h*z*h", "masraba" and
    "misraba" -> "m*sr*b*"); empty when it has fewer than ``VOWEL_KEY_MIN_CONSONANTS``
    consonants. The last resort before fuzzy matching: vowels are where transliterations
    of Arabic differ most, while the consonants and where the vowels fall stay."""
    key = _VOWEL_RUN.sub("*", _DOUBLE.sub("", without_article(norm)))
    consonants = sum(1 for c in key if c not in "* ")
    return key if consonants >= VOWEL_KEY_MIN_CONSONANTS else ""
