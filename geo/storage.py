"""Atomic, locked writes of dataset files: no half-written file, no lost concurrent append."""

from __future__ import annotations

import bisect
import contextlib
import csv
import itertools
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from geo import csvio
from geo.errors import WriteError

LOCK_TIMEOUT_S = 30.0


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

    Raises
    ------
    WriteError
        When the file cannot be written; the old file is unchanged.
    """
    target = Path(path)
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, target.stat().st_mode & 0o777)
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


def write_pickle(path: Path, obj: object) -> None:
    """Pickle ``obj`` to ``path`` atomically (a temporary file renamed into place).

    For caches: the folder is created if needed, and ``OSError`` propagates (a cache that
    cannot be written is the caller's choice to ignore).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
        keys = [sort_key(r) for r in current] if sort_key is not None else []
        in_order = sort_key is not None and all(a <= b for a, b in itertools.pairwise(keys))
        for row in rows:
            if sort_key is not None and in_order:
                at = bisect.bisect_right(keys, sort_key(row))
                keys.insert(at, sort_key(row))
                current.insert(at, dict(row))
            else:
                current.append(dict(row))
        return current

    rewrite_csv(path, header, add)


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
