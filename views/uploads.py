"""Check an uploaded or pasted report and save it into the reports folder under a safe name."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from geo.errors import ReportError
from geo.reports import Report, decode_report, parse_report
from geo.storage import atomic_write_text, locked

MAX_UPLOAD_MB = 2
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".md")
#: Above this share of control characters (other than tab and line breaks), text is binary.
MAX_CONTROL_SHARE = 0.01
MAX_STEM_CHARS = 80
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_UPLOAD_LOCK = ".uploads"


def shown_name(name: str) -> str:
    """An uploaded file name cut to 100 characters, for messages (still to be escaped)."""
    flat = " ".join(str(name).split())
    return flat if len(flat) <= 100 else flat[:99] + "…"


def safe_filename(name: str, *, fallback: str = "report") -> str:
    """A file name for the reports folder made from an untrusted name: ``<slug>.txt``.

    Folders (``/`` or ``\\``), the extension, accents and every character outside
    ``a-z0-9`` are dropped, so no name can leave the folder, hide itself or overwrite a
    file of another kind; reports are saved as ``.txt`` because the folder is read as
    ``*.txt``.

    Parameters
    ----------
    name : str
        The uploaded file's name, or a title for pasted text.
    fallback : str
        The stem when nothing usable is left.

    Returns
    -------
    str
        e.g. ``"douma-update-2018-03-05.txt"``.
    """
    base = re.split(r"[/\\]", str(name))[-1]
    stem, dot, suffix = base.rpartition(".")
    if dot and f".{suffix.lower()}" in ALLOWED_SUFFIXES:
        base = stem
    ascii_text = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_STEM_CHARS].strip("-")
    return f"{slug or fallback}.txt"


def check_upload(name: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Check an uploaded report's name and bytes and return its text.

    Parameters
    ----------
    name : str
        The file name as uploaded (untrusted; only its extension is looked at).
    data : bytes
        The file's content.
    max_bytes : int
        Larger uploads are refused (bytes).

    Returns
    -------
    str
        The text, decoded as UTF-8.

    Raises
    ------
    ReportError
        With a one-line message saying what is wrong: wrong extension, too large, empty,
        binary, or not UTF-8.
    """
    label = shown_name(name)
    suffix = Path(re.split(r"[/\\]", str(name))[-1]).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        got = repr(suffix) if suffix else "a file without extension"
        raise ReportError(label, 0, f"only {' or '.join(ALLOWED_SUFFIXES)} plain-text reports "
                                    f"can be uploaded, not {got}")
    if len(data) > max_bytes:
        raise ReportError(label, 0, f"the file is too large ({len(data):,} bytes; the limit is "
                                    f"{max_bytes:,} bytes)")
    text = decode_report(data, path=label)
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ReportError(label, 0, f"the file looks binary ({controls:,} control characters),"
                                    " not plain text")
    return text


def with_date(text: str, *, path: str, date: dt.date | None) -> tuple[str, Report]:
    """The report text with a date, and the report as parsed from it.

    When the text, its front matter or the file name gives no date, a first line
    ``date YYYY-MM-DD`` with ``date`` is added; a date already in the text wins.

    Raises
    ------
    ReportError
        When the text has no date and none is given, or its header is malformed.
    """
    try:
        return text, parse_report(text, path=path)
    except ReportError:
        if date is None:
            raise
    dated = f"date {date.isoformat()}\n{text}"
    return dated, parse_report(dated, path=path)


def save_report(seeds_dir: Path | str, filename: str, text: str) -> Path:
    """Write a report into the folder atomically, never over an existing file.

    ``filename`` is made safe again (``safe_filename``); when it is taken, ``-2``, ``-3``...
    is added to the stem. The choice of name and the write happen under the folder's lock.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    WriteError
        When the folder cannot be written.
    """
    folder = Path(seeds_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(filename).removesuffix(".txt")
    with locked(folder / _UPLOAD_LOCK):
        target = folder / f"{stem}.txt"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{stem}-{n}.txt"
        atomic_write_text(target, text)
    return target


def accept_upload(seeds_dir: Path | str, name: str, data: bytes, *,
                  date: dt.date | None = None, max_bytes: int = MAX_UPLOAD_BYTES
                  ) -> tuple[Path, Report]:
    """Check an upload (or pasted text, as UTF-8 bytes) and save it into the reports folder.

    Parameters
    ----------
    seeds_dir : Path or str
        The reports folder.
    name : str
        The uploaded file name or a title for pasted text (untrusted; slugified).
    data : bytes
        The content.
    date : datetime.date, optional
        The report's date when the text carries none.
    max_bytes : int
        The size limit (bytes).

    Returns
    -------
    (Path, Report)
        The file written and the report as parsed.

    Raises
    ------
    ReportError
        For a refused upload (see ``check_upload``, ``with_date``); nothing is written.
    WriteError
        When the folder cannot be written.
    """
    text = check_upload(name, data, max_bytes=max_bytes)
    filename = safe_filename(name)
    text, _report = with_date(text, path=filename, date=date)
    path = save_report(seeds_dir, filename, text)
    return path, parse_report(text, path=path)
