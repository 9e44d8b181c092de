"""The CSV dialect of dataset files: how they are read, how they are written, what a cell holds.

One home for it, so that every writer round-trips through the reader:

- files are UTF-8, read with or without a byte-order mark (spreadsheet programs and
  Notepad write one), written without;
- records are split by the ``csv`` module on ``\\n``, ``\\r`` and ``\\r\\n`` only, never on the
  other characters ``str.splitlines`` breaks at (U+2028, U+0085, form feed...), which a
  cell may hold;
- a row holding any line-breaking character has every cell quoted, so that even a reader
  splitting lines the way ``str.splitlines`` does keeps it whole;
- what a writer puts in a cell is ``cell_text``: one line, no control characters, the same
  text read back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import _csv

class SupportsReadBytes(Protocol):
    """What ``read_text`` reads: ``pathlib.Path`` or a file held in memory."""

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        ...


ENCODING = "utf-8-sig"  # decodes with or without a byte-order mark
#: Every character ``str.splitlines`` breaks a line at.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAKING = re.compile("[" + re.escape(LINE_BREAKS) + "]")
_SPACES = re.compile(r"\s+")  # \s is str.isspace: the line breaks above are spaces too
# Control characters other than spaces (NUL...), and lone surrogates (not encodable).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")
#: How long a cell quoted in a message may be (a 100 KB junk cell is cut, not echoed).
SHOWN_CHARS = 80


def read_text(path: Path | str | SupportsReadBytes) -> str:
    """A dataset file's text (UTF-8, a byte-order mark dropped): a path, or any object with
    ``read_bytes()`` (a database store's table rendered as its file).

    Raises
    ------
    OSError, UnicodeDecodeError
        As ``Path.read_bytes`` and ``bytes.decode`` do.
    """
    source = Path(path) if isinstance(path, str | Path) else path
    return source.read_bytes().decode(ENCODING)


def reader(text: str) -> _csv.Reader:
    """``csv.reader`` over ``text`` split into records as the ``csv`` module documents it
    (``newline=""``): quoted cells may hold line breaks of any kind. ``line_num`` counts
    ``\\n``, ``\\r`` and ``\\r\\n`` line ends."""
    return csv.reader(io.StringIO(text, newline=""))


def render(header: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    """The CSV text of a header and rows: ``\\n`` line ends, cells quoted only where needed,
    and every cell of a row quoted when one holds a line-breaking character."""
    out = io.StringIO()
    minimal = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    minimal.writerow(header)
    for row in rows:
        cells = [row.get(k, "") for k in header]
        (quoted if any(_BREAKING.search(c) for c in cells) else minimal).writerow(cells)
    return out.getvalue()


def cell_text(value: object) -> str:
    """What a writer puts in a cell for ``value``: its text on one line (every run of
    whitespace, line breaks included, made one space), control characters and lone
    surrogates dropped, no space at either end. Reading the cell back gives this text."""
    return _SPACES.sub(" ", _CONTROL.sub("", str(value))).strip()


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``repr`` of a value for a message, cut after about ``limit`` characters (then with
    the length of its text): a 100 KB junk cell is named, not echoed."""
    text = repr(value)
    if len(text) <= limit + 2:
        return text
    return f"{text[:limit]}… ({len(str(value)):,} characters)"


def separator_hint(header: Sequence[str], expected: Sequence[str]) -> str | None:
    """A message when a header row was written with ``;`` (or a tab) as the separator, as
    spreadsheet programs do in some languages; None otherwise."""
    if len(header) != 1:
        return None
    for sep, name in ((";", "semicolons ';'"), ("\t", "tabs")):
        cells = [c.strip() for c in header[0].split(sep)]
        if len(cells) > 1 and set(cells) & set(expected):
            return (f"the columns are separated by {name}, not commas: save the file as "
                    "comma-separated CSV (UTF-8)")
    return None
