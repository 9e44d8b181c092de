"""Where a dataset lives: a directory of files or a PostgreSQL + PostGIS database, one interface.

``open_store("data")`` gives a :class:`~geo.store.files.FileStore` (the embedded default: plain
CSV and GeoJSON files, written under file locks); ``open_store("postgresql://...")`` gives a
:class:`~geo.store.database.DatabaseStore` (tables that mirror the files, each write one
transaction, an append-only audit log). Callers build the rows; a store only keeps them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from geo.errors import Problem, StoreError
from geo.model import Dataset

Row = dict[str, str]
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
DATABASE_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


@dataclass(frozen=True)
class Append:
    """Rows to add to one table of a dataset (a file of the directory, a table of the database).

    Attributes
    ----------
    table : str
        A key of ``geo.dataset.FILES`` naming a CSV table (``"control"``, ``"events"``,
        ``"localities"``, ``"accepted"``...).
    rows : tuple of dict
        The new rows, column -> cell text.
    sort_key : callable, optional
        When the table is in this order, new rows keep it (``geo.storage.insert_rows``).
    check : callable, optional
        Called with the table's current rows, read inside the write's lock or transaction;
        it raises (``ClaimError``...) to refuse, and nothing of the write is kept.
    """

    table: str
    rows: tuple[Row, ...]
    sort_key: Callable[[Mapping[str, str]], Any] | None = None
    check: Callable[[list[Row]], None] | None = None


class Store(Protocol):
    """A dataset's home. Readers get a validated ``Dataset``; writers only ever add rows."""

    @property
    def location(self) -> str:
        """Where the dataset lives, as shown to people (a URL without its password)."""
        ...

    @property
    def shared(self) -> bool:
        """True for a database (several servers may share it), False for a directory."""
        ...

    def validate(self) -> tuple[Dataset | None, list[Problem]]:
        """The dataset and no problem, or None and every problem (``file:line: message``)."""
        ...

    def load(self) -> Dataset:
        """The validated dataset; ``DataError`` with every problem when it is invalid."""
        ...

    def stamp(self) -> Hashable:
        """A cheap value that changes whenever the dataset may have changed (for caches)."""
        ...

    def revision(self) -> str:
        """A string that names the dataset's exact content (the disk cache's key)."""
        ...

    def append(self, *appends: Append, who: str = "", action: str = "append",
               note: str = "") -> None:
        """Add rows to tables, all or nothing where the store allows it (see each store).

        ``who``, ``action`` and ``note`` describe the change for the audit log.
        Raises ``WriteError`` when nothing could be written, or what a ``check`` raised.
        """
        ...

    def revise(self, table: str, change: Callable[[list[Row]], list[Row]], *, who: str = "",
               action: str = "revise", note: str = "") -> None:
        """Let ``change`` edit a table's rows (same number, same order: edits, no removal)."""
        ...

    def close(self) -> None:
        """Release connections (a no-op for files)."""
        ...


def is_database_url(location: str | Path) -> bool:
    """True when ``location`` is a ``postgresql://`` (or ``postgres://``) URL."""
    text = str(location)
    return bool(_URL.match(text)) and text.split("://", 1)[0].lower() in DATABASE_SCHEMES


def open_store(location: str | Path) -> Store:
    """The store at ``location``: a ``postgresql://`` URL, or a dataset directory.

    Parameters
    ----------
    location : str or Path
        ``postgresql://user@host:5432/dbname`` (libpq parameters such as ``?host=/socket/dir``
        are passed on), or the path of a dataset directory.

    Raises
    ------
    StoreError
        For a URL of another kind (``mysql://``, ``http://``...).
    """
    text = str(location)
    if is_database_url(text):
        from geo.store.database import DatabaseStore

        return DatabaseStore(text)
    if _URL.match(text):
        raise StoreError(f"{text.split('://', 1)[0]}:// stores are not supported: give a "
                         "postgresql:// URL or a dataset directory")
    from geo.store.files import FileStore

    return FileStore(Path(location))


@contextlib.contextmanager
def using_store(target: Store | str | Path) -> Iterator[Store]:
    """``target`` if it is a store, else the store it names, closed on the way out."""
    if not isinstance(target, str | Path):
        yield target
        return
    store = open_store(target)
    try:
        yield store
    finally:
        store.close()


__all__ = ["Append", "Row", "Store", "is_database_url", "open_store", "using_store"]
