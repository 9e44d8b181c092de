"""The file store: a dataset directory of CSV and GeoJSON files, written atomically under locks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.dataset import COLUMNS, FILES, load_dataset, validate_dir
from geo.errors import Problem
from geo.model import Dataset
from geo.storage import append_csv_rows, rewrite_csv
from geo.store import Append, Row


@dataclass(frozen=True)
class FileStore:
    """A dataset directory (``docs/data-model.md``): the embedded default, no server needed.

    Each appended table is one atomic, locked file write; an ``append`` touching two files
    (a control row and the log of accepted claims) writes them one after the other, data
    first, so a crash in between can lose the log line but never leave half a row.
    """

    root: Path

    @property
    def shared(self) -> bool:
        """False: one app server per directory (the file locks are local to a machine)."""
        return False

    @property
    def location(self) -> str:
        """The directory, as given."""
        return str(self.root)

    def validate(self) -> tuple[Dataset | None, list[Problem]]:
        """``geo.dataset.validate_dir`` of the directory."""
        return validate_dir(self.root)

    def load(self) -> Dataset:
        """``geo.dataset.load_dataset`` of the directory."""
        return load_dataset(self.root)

    def stamp(self) -> tuple[tuple[str, int, int], ...]:
        """(name, mtime ns, size) of every file of the directory (no file is read)."""
        if not self.root.is_dir():
            return ()
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                     for p in sorted(self.root.iterdir()) if p.is_file())

    def revision(self) -> str:
        """SHA-256 over the names and bytes of every file under the directory."""
        h = hashlib.sha256()
        for path in sorted(p for p in self.root.glob("**/*") if p.is_file()):
            h.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
        return h.hexdigest()

    def append(self, *appends: Append, who: str = "", action: str = "append",
               note: str = "") -> None:
        """Append each table's rows under that file's lock, in the order given.

        ``who``/``action``/``note`` are not kept: a directory's history is its version
        control, and accepted claims carry their own log (``accepted.csv``).
        """
        for ap in appends:
            append_csv_rows(self.root / FILES[ap.table], COLUMNS[ap.table], ap.rows,
                            sort_key=ap.sort_key, check=ap.check)

    def revise(self, table: str, change: Callable[[list[Row]], list[Row]], *, who: str = "",
               action: str = "revise", note: str = "") -> None:
        """Rewrite one file's rows through ``change`` under its lock (atomic)."""
        rewrite_csv(self.root / FILES[table], COLUMNS[table], change)

    def close(self) -> None:
        """Nothing to release."""
