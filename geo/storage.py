"""Atomic, locked writes of dataset files: no half-written file, no lost concurrent append."""

from __future__ import annotations

import bisect
import contextlib
import csv
import glob
import itertools
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from geo import csvio
from geo.errors import WriteError

LOCK_TIMEOUT_S = 30.0
#: A temporary file of a write this old was left by a writer that died (seconds).
STALE_TMP_S = 3600.0
_TMP_SUFFIX = ".tmp"
T = TypeVar("T")


def atomic_write_text(path: Path | str, text: str) -> None:
    """Replace a file's content atomically (temporary file in the same folder + rename).

    Readers see either the old content or the new one, never a mix; if anything fails
    before the rename (disk full, crash, interrupted process), the old file is left intact.

    Parameters
    ----------
    path : Path or str
        The file to write (UTF-8). Its folder must exist.
    text : str
        The whole new content.

    Raises
    ------
    WriteError
        When the file cannot be written; the old file is unchanged.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Replace a file's content atomically with ``data`` (as ``atomic_write_text``).

    A new file gets the mode the user's umask allows (``0o666 & ~umask``), an existing file
    keeps its own. Temporary files of the same target left by a writer that was killed
    (older than ``STALE_TMP_S``) are removed.

    Raises
    ------
    WriteError
        When the file cannot be written; the old file is unchanged.
    """
    target = Path(path)
    remove_stale_temps(target)
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TMP_SUFFIX,
                                        dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600: keep the old file's mode, or give a new file the mode
        # the user's umask gives (as open() would)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = ""
    except OSError as exc:
        raise WriteError(f"{target}: cannot write the file ({exc}); the old file is intact"
                         ) from exc
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_dir(target.parent)


def _umask() -> int:
    """This process's umask, read without changing it where Linux tells it
    (``/proc/self/status``); elsewhere set and restored at once."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_stale_temps(target: Path, older_than_s: float = STALE_TMP_S) -> list[Path]:
    """Delete the temporary files of ``target`` (``.NAME.*.tmp`` beside it) not modified for
    ``older_than_s`` seconds: what a writer killed before its rename left. Returns them.

    Under the file's lock (``rewrite_csv``) no other writer of it can be running, so every
    temporary file of it is stale (``older_than_s=0``); without the lock, an hour old is.
    """
    now = time.time()
    removed = []
    for tmp in target.parent.glob(f".{glob.escape(target.name)}.*{_TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime >= older_than_s:
                tmp.unlink()
                removed.append(tmp)
    return removed


def write_pickle(path: Path, obj: object) -> None:
    """Pickle ``obj`` to ``path`` atomically (a temporary file renamed into place).

    For caches: the folder is created if needed, and ``OSError`` propagates (a cache that
    cannot be written is the caller's choice to ignore).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(path: Path | str, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an inter-process lock on ``path`` (a ``filelock.FileLock`` on ``path + '.lock'``).

    Parameters
    ----------
    path : Path or str
        The file being guarded (the lock file sits beside it).
    timeout : float
        Seconds to wait for the lock.

    Raises
    ------
    WriteError
        When the lock cannot be taken within ``timeout`` seconds.
    """
    lock = FileLock(f"{path}.lock", timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise WriteError(f"{path}: another process holds the lock; try again") from exc
    try:
        yield
    finally:
        lock.release()


def read_csv_rows(path: Path | str, header: Sequence[str]) -> list[dict[str, str]]:
    """Read a CSV file's data rows as dicts (an empty list when the file does not exist).

    The file is read as ``geo.dataset`` reads it (``geo.csvio``: a byte-order mark dropped,
    records split on ``\n``/``\r`` only), so a rewrite keeps every row as validation sees it.

    Raises
    ------
    WriteError
        When the file's header lacks one of the ``header`` columns.
    """
    target = Path(path)
    if not target.exists():
        return []
    rows = csvio.reader(csvio.read_text(target))
    columns = [c.strip() for c in next(rows, [])]
    missing = [c for c in header if c not in columns]
    if missing:
        why = (csvio.separator_hint(columns, header)
               or f"missing column(s) {', '.join(missing)}")
        raise WriteError(f"{target}: {why}; not written")
    return [dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))
            for cells in rows if any(c.strip() for c in cells)]


def render_csv(header: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    """The CSV text of a header and rows (``geo.csvio.render``)."""
    return csvio.render(header, rows)


def append_csv_row(path: Path | str, header: Sequence[str], row: dict[str, str], *,
                   sort_key: Callable[[dict[str, str]], Any] | None = None,
                   check: Callable[[list[dict[str, str]]], None] | None = None) -> None:
    """Append one row to a CSV file under its lock, re-reading it first, and write atomically.

    See ``append_csv_rows`` (this is the one-row case).
    """
    append_csv_rows(path, header, [row], sort_key=sort_key, check=check)


def append_csv_rows(path: Path | str, header: Sequence[str], rows: Sequence[dict[str, str]], *,
                    sort_key: Callable[[dict[str, str]], Any] | None = None,
                    check: Callable[[list[dict[str, str]]], None] | None = None) -> None:
    """Add rows to a CSV file under its lock, re-reading it first, in one atomic write.

    Parameters
    ----------
    path : Path or str
        The CSV file (created with ``header`` when missing).
    header : sequence of str
        The columns the file must have; the file's own column order is kept when it exists.
    rows : sequence of dict
        The new rows, column -> text.
    sort_key : callable, optional
        When the file's rows are already in this order, each new row is inserted after the
        last row with a key not greater than its own (so the file stays sorted and its
        diff is one line per row); otherwise new rows go at the end.
    check : callable, optional
        Called with the current rows (read under the lock) before anything is added; it
        raises to refuse (e.g. a duplicate), and nothing is written.

    Raises
    ------
    WriteError
        When the file cannot be read, locked or written; the old file is intact.
    """
    def add(current: list[dict[str, str]]) -> list[dict[str, str]]:
        if check is not None:
            check(current)
        return insert_rows(current, [dict(row) for row in rows], sort_key)

    rewrite_csv(path, header, add)


def insert_rows(current: list[T], new: Sequence[T], sort_key: Callable[[T], Any] | None
                ) -> list[T]:
    """Where new rows go in a table: ``current`` with ``new`` inserted (the list is changed).

    When ``sort_key`` is given and ``current`` is already in its order, each new row goes
    after the last row whose key is not greater than its own, so the table stays sorted and
    a diff shows one line per row; otherwise new rows go at the end. Every store (files or
    database) places rows by this rule, so their exports are the same.
    """
    keys = [sort_key(r) for r in current] if sort_key is not None else []
    in_order = sort_key is not None and all(a <= b for a, b in itertools.pairwise(keys))
    for row in new:
        if sort_key is not None and in_order:
            at = bisect.bisect_right(keys, sort_key(row))
            keys.insert(at, sort_key(row))
            current.insert(at, row)
        else:
            current.append(row)
    return current


def rewrite_csv(path: Path | str, header: Sequence[str],
                change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    """Read a CSV file under its lock, let ``change`` edit its rows, write it atomically.

    Raises
    ------
    WriteError
        When the file cannot be read, locked or written; the old file is intact.
    """
    target = Path(path)
    with locked(target):
        remove_stale_temps(target, older_than_s=0)
        columns, current = _read_table(target, header)
        atomic_write_text(target, render_csv(columns, change(current)))


def _read_table(target: Path, header: Sequence[str]) -> tuple[list[str], list[dict[str, str]]]:
    """The file's columns (``header`` for a new file) and rows; WriteError if unreadable."""
    try:
        return _header_of(target) or list(header), read_csv_rows(target, header)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WriteError(f"{target}: cannot read the file ({exc}); not written") from exc


def _header_of(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [c.strip() for c in next(csvio.reader(csvio.read_text(path)), [])]
