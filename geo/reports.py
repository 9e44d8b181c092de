"""Read a report file: check it, find its date, source and title, and split it into sentences."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from geo.csvio import shown
from geo.errors import ReportError
from geo.isodate import parse_date

MAX_BYTES = 5_000_000
DATE_ORIGINS = ("header", "front-matter", "filename", "given")

_ISO = r"(\d{4}-\d{2}-\d{2})"
# "date 2018-03-22", "date: 2018-03-22 source: https://..." on the first line.
_HEADER = re.compile(rf"\A[ \t\ufeff]*date[ \t]*:?[ \t]*{_ISO}\b", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"[ \t]*(source|title)[ \t]*:[ \t]*", re.IGNORECASE)
# The value is taken whole and its spaces stripped after the match: a lazy ``(.*?)`` before
# ``[ \t]*$`` rescanned a run of spaces from each of its characters (quadratic time).
_KEY_LINE = re.compile(r"^[ \t]*(source|title)[ \t]*:(.*)$", re.IGNORECASE)
_FRONT_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)$")
_FILENAME_DATE = re.compile(_ISO)

# Words that end with a full stop without ending a sentence (compared lower-case, no dot).
ABBREVIATIONS = frozenset((
    "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "brig", "adm", "cmdr", "mr", "mrs", "ms",
    "dr", "prof", "st", "sr", "jr", "rev", "sen", "rep", "gov", "pres", "no", "nos", "vs", "etc",
    "approx", "est", "dept", "univ", "inc", "ltd", "co", "corp", "fig", "al",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.n", "u.s", "u.k", "e.g", "i.e", "a.m", "p.m",
))

# Candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
# Linear time: a match starts only where a run of terminal punctuation starts (the
# lookbehind), and the possessive quantifiers never give back what they took, so a run of
# 1,000,000 "!" is read once, not once per character (a plain ``[.!?]+`` retried the rest of
# the run from every character: quadratic time).
_TERMINAL = ".!?"
_CLOSERS = "\"'\u2019\u201d)]"
_BOUNDARY = re.compile(
    r"(?<![.!?])[.!?]++[\"'\u2019\u201d)\]]*+(?=\s++[\"'\u2018\u201c(\[]?[A-Z0-9\u0600-\u06ff])"
)
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_NON_SPACE = re.compile(r"\S")  # \s is str.isspace
#: Longer sentences are cut (at a line break, ``;``, ``,`` or a space where possible): every
#: rule that reads a sentence then costs a bounded time per sentence, so a report of any
#: length, even one without a full stop, is read in time linear in its length. Reports'
#: real sentences stay below it (the longest in the test corpora has 1,037 characters).
MAX_SENTENCE_CHARS = 2000
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.+$")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_INLINE_FIELD = re.compile(r"(?i)\b(source|title)[ \t]*:")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report: ``text`` is ``report.text[start:end]`` (character offsets)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Report:
    """A report as read: its id (the file stem), date, source, title, body text and sentences.

    ``text`` is the body without the date header or front matter; every offset (sentences,
    mentions) refers to it. ``body_offset`` is where the body starts in the file's text (decoded,
    line endings as ``\n``), so ``offset + body_offset`` points into the file as a reader sees it.
    ``date_origin`` says where the date came from: ``header``, ``front-matter``, ``filename`` or
    ``given`` (the caller's default).
    """

    id: str
    path: str
    date: dt.date
    source: str
    title: str
    text: str
    sentences: tuple[Sentence, ...]
    date_origin: str
    body_offset: int = 0

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` of ``text`` (-1 if none).

        A binary search (sentences are in text order and do not overlap): ingestion asks this
        once per mention, and a linear scan made that quadratic in the report's length.
        """
        i = bisect.bisect_right(self._starts, offset) - 1
        return i if i >= 0 and offset < self.sentences[i].end else -1

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]


def read_report(path: Path | str, *, default_date: dt.date | None = None,
                max_bytes: int = MAX_BYTES) -> Report:
    """Read and parse a report file (UTF-8 plain text).

    Parameters
    ----------
    path : Path or str
        The report file; its stem is the report id.
    default_date : datetime.date, optional
        The date to use when neither the text nor the file name gives one.
    max_bytes : int
        Larger files are refused (bytes).

    Returns
    -------
    Report

    Raises
    ------
    ReportError
        When the file is missing, too large, empty, binary (NUL bytes), not UTF-8, or has
        no date; the message says which, with the line where it applies.
    """
    data = read_report_bytes(path, max_bytes=max_bytes)
    return parse_report(decode_report(data, path=str(path)), path=str(path),
                        default_date=default_date)


def read_report_bytes(path: Path | str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """A report file's bytes, refusing what is missing, not a file or too large.

    The first step of ``read_report``; ``decode_report`` and ``parse_report`` do the rest
    (perhaps on another machine: a cluster worker receives the bytes).

    Raises
    ------
    ReportError
        Naming the file and what is wrong with it.
    """
    p = Path(path)
    label = str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReportError(label, 0, f"cannot read the report: {exc.strerror}") from exc
    if not p.is_file():
        raise ReportError(label, 0, "not a file")
    if size > max_bytes:
        raise ReportError(label, 0, f"the report is too large ({size:,} bytes; the limit is "
                                    f"{max_bytes:,} bytes)")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ReportError(label, 0, f"cannot read the report: {exc.strerror}") from exc


def decode_report(data: bytes, *, path: str) -> str:
    """Decode a report's bytes as UTF-8 text, refusing empty, binary and non-UTF-8 content.

    Raises
    ------
    ReportError
        With the line of the first offending byte where it applies.
    """
    if not data.strip():
        raise ReportError(path, 0, "the report is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ReportError(path, line, "the report is binary (NUL bytes), not plain text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReportError(path, line, f"the report is not UTF-8 text (byte 0x{data[exc.start]:02x}"
                                      f" at offset {exc.start}); save it as UTF-8") from exc


def parse_report(text: str, *, path: str | Path, default_date: dt.date | None = None
                 ) -> Report:
    """Parse a report's text: date/source/title header, body and sentences.

    The date comes from, in order: a first line ``date 2018-03-22`` or ``date: 2018-03-22
    source: URL`` (following ``source:``/``title:`` lines are read too), a front matter
    block (``---`` lines around ``key: value`` lines), a ``YYYY-MM-DD`` in the file name,
    ``default_date``.

    Parameters
    ----------
    text : str
        The whole report.
    path : str or Path
        Where it comes from (its stem is the report id).
    default_date : datetime.date, optional
        The date to use when none is found.

    Returns
    -------
    Report

    Raises
    ------
    ReportError
        For a malformed header or front matter, an invalid date, or no date at all.
    """
    label = str(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ReportError(label, 0, "the report is empty")
    fields, body, date_line = _front_matter(text, label)
    origin = "front-matter"
    if not fields:
        fields, body = _header(text, label)
        origin, date_line = "header", 1
    date = _parse_date(fields["date"], label, date_line) if "date" in fields else None
    if date is None:
        stem_date = _FILENAME_DATE.search(Path(label).name)
        if stem_date:
            date = _parse_date(stem_date.group(1), label, 0)
            origin = "filename"
        elif default_date is not None:
            date, origin = default_date, "given"
        else:
            raise ReportError(label, 1, "the report has no date: start it with a line "
                                        "'date YYYY-MM-DD', put the date in the file name, "
                                        "or give one")
    return Report(
        id=Path(label).stem, path=label, date=date, source=fields.get("source", ""),
        title=fields.get("title", ""), text=body, sentences=split_sentences(body),
        date_origin=origin, body_offset=len(text) - len(body),
    )


def _parse_date(value: str, path: str, line: int) -> dt.date:
    try:
        return parse_date(value.strip().strip("\"'"))
    except ValueError as exc:
        raise ReportError(path, line, str(exc)) from exc


def _front_matter(text: str, path: str) -> tuple[dict[str, str], str, int]:
    """Fields, body and date line of a ``---`` front matter block (no fields when none)."""
    stripped = text.lstrip(" \t\n")
    if not stripped.startswith("---\n"):
        return {}, text, 0
    skipped = len(text) - len(stripped)
    first_line = text[:skipped].count("\n") + 1
    lines = stripped.split("\n")
    fields: dict[str, str] = {}
    date_line = first_line
    for i, line in enumerate(lines[1:], start=1):
        lineno = first_line + i
        if line.strip() == "---":
            body_start = skipped + sum(len(x) + 1 for x in lines[: i + 1])
            return fields, text[body_start:], date_line
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FRONT_KEY.match(line)
        if not match:
            raise ReportError(path, lineno,
                              f"front matter: expected 'key: value', got {shown(line)}")
        key = match.group(1).lower()
        fields[key] = match.group(2).strip().strip("\"'")
        if key == "date":
            date_line = lineno
    raise ReportError(path, first_line, "front matter: no closing '---' line")


def _header(text: str, path: str) -> tuple[dict[str, str], str]:
    """Fields and body of a ``date ...`` first line (and ``source:``/``title:`` lines after)."""
    match = _HEADER.match(text)
    if not match:
        return {}, text
    fields = {"date": match.group(1)}
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    rest = text[match.end():line_end]
    if rest.strip() and not _HEADER_FIELD.match(rest):
        # "date 2018-03-22 Jaysh al-Islam ...": the body goes on after the date.
        return fields, text[match.end():]
    fields.update(_inline_fields(rest))
    pos = line_end
    # Following "source: ..." / "title: ..." lines belong to the header.
    while pos < len(text):
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        kv = _KEY_LINE.match(text[pos + 1:nxt])
        if not kv:
            break
        fields[kv.group(1).lower()] = kv.group(2).strip(" \t")
        pos = nxt
    return fields, text[pos:]


def _inline_fields(rest: str) -> list[tuple[str, str]]:
    """``source: URL title: words`` -> [("source", URL), ("title", "words")]."""
    parts = _INLINE_FIELD.split(rest)
    out = []
    for i in range(1, len(parts) - 1, 2):
        out.append((parts[i].lower(), parts[i + 1].strip()))
    return out


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split text into sentences, with character offsets into ``text``.

    Blank lines always end a sentence; single line breaks do not. A full stop ends a sentence
    only when an upper-case letter, a digit or an opening quote follows, and not after an
    abbreviation ("Gen.", "Mr.", "U.N.", "a.m.") or a single-letter initial. A sentence longer
    than ``MAX_SENTENCE_CHARS`` is cut into pieces, so the time taken, here and by whatever
    reads sentence by sentence, is linear in the length of ``text``.

    Parameters
    ----------
    text : str
        The body of a report.

    Returns
    -------
    tuple of Sentence
        Non-empty sentences, whitespace trimmed, in text order.
    """
    out: list[Sentence] = []
    block_start = 0
    for para in [*_PARAGRAPH.finditer(text), None]:
        block_end = para.start() if para else len(text)
        cut = block_start
        for match in _BOUNDARY.finditer(text, block_start, block_end):
            if _is_abbreviation(text, cut, match.end()):
                continue
            _add(out, text, cut, match.end())
            cut = match.end()
        _add(out, text, cut, block_end)
        if para:
            block_start = para.end()
    return tuple(out)


_LETTERS_AND_DOTS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` ends with an abbreviation's or an initial's full stop.

    Only the last word is looked at, found by walking back from ``end`` over closing quotes
    and brackets, then letters and dots: the cost follows that word, not the whole chunk (the
    chunk grows while abbreviations follow each other, "Mr. Mr. Mr. ...").
    """
    while end > start and text[end - 1] in _CLOSERS:
        end -= 1
    if end <= start or text[end - 1] != ".":
        return False
    tail = end
    while tail > start and text[tail - 1] in _LETTERS_AND_DOTS:
        tail -= 1
    match = _WORD_BEFORE.search(text, tail, end)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return (word in ABBREVIATIONS or len(word) == 1
            or _INITIALS.fullmatch(word) is not None)


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    """Append ``text[start:end]`` as sentences, whitespace trimmed (``str.isspace``); one longer
    than ``MAX_SENTENCE_CHARS`` is cut into pieces (see ``_soft_cut``)."""
    while True:
        first = _NON_SPACE.search(text, start, end)
        if first is None:
            return
        start = first.start()
        if end - start <= MAX_SENTENCE_CHARS:
            break
        cut = _soft_cut(text, start, start + MAX_SENTENCE_CHARS)
        _append(out, text, start, cut)
        start = cut
    _append(out, text, start, end)


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    """Append ``text[start:end]`` without its trailing whitespace (``text[start]`` is not a
    space)."""
    while text[end - 1].isspace():
        end -= 1
    out.append(Sentence(start, end, text[start:end]))


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Where a sentence running from ``start`` past ``limit`` is cut: after the last line
    break, else ``; ``, else ``, ``, else space in the second half of ``[start, limit)``, else
    at ``limit``."""
    half = (start + limit) // 2
    for sep in ("\n", "; ", ", ", " "):
        at = text.rfind(sep, half, limit)
        if at >= 0:
            return at + len(sep)
    return limit
