"""Move a dataset between a directory and a database store: ``store import`` / ``store export``."""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

from geo.dataset import FILES, checked, validate_dir
from geo.errors import StoreError
from geo.storage import atomic_write_bytes, render_csv
from geo.store.database import DatabaseStore, parse_csv

_CSV_NAMES = {FILES[key] for key in FILES if FILES[key].endswith(".csv")}


def dataset_files(root: Path) -> dict[str, bytes]:
    """Every file of a dataset directory: relative POSIX name -> bytes.

    Hidden files (temporary files of atomic writes) and ``*.lock`` files are left out.
    """
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix == ".lock":
            continue
        out[rel.as_posix()] = path.read_bytes()
    return out


def layout_differences(files: dict[str, bytes]) -> list[str]:
    """The CSV files that ``store export`` will not give back byte for byte, and why.

    A database keeps the cells, not the layout: the export writes CSV as the project does
    (minimal quoting, ``\\n`` line ends, no byte-order mark, no blank lines).
    """
    out = []
    for name in sorted(_CSV_NAMES & files.keys()):
        text = files[name].decode("utf-8-sig")
        header, rows = parse_csv(text)
        if render_csv(header, rows).encode("utf-8") != files[name]:
            out.append(f"{name}: its layout (quoting, line ends, byte-order mark or blank "
                       "lines) differs from the project's CSV form; the export will have the "
                       "same cells in that form")
    return out


def import_dir(root: Path, store: DatabaseStore, *, who: str = "") -> list[str]:
    """Validate a dataset directory and copy every file of it into an empty store.

    Creates or upgrades the store's schema first.

    Returns
    -------
    list of str
        Notes on files whose export will differ in layout only (see ``layout_differences``).

    Raises
    ------
    DataError
        When the dataset is invalid (nothing is imported).
    StoreError
        When the store already holds a dataset or cannot be reached.
    """
    dataset = checked(validate_dir(root))
    files = dataset_files(root)
    _check_csv(files)
    store.upgrade()
    store.import_files(files, dataset, who=who)
    return layout_differences(files)


def export_dir(store: DatabaseStore, root: Path) -> list[Path]:
    """Write every file of the store's dataset into ``root`` (missing or empty).

    Returns the files written.

    Raises
    ------
    StoreError
        When ``root`` holds files already, or a stored file name would leave ``root``.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError(f"{root} is not an empty directory: export into a new one")
    files = store.files()
    written = []
    for name in files:
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise StoreError(f"the store holds a file named {name!r}, which would be written "
                             f"outside {root}; nothing written")
    for name, data in sorted(files.items()):
        target = root.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
        written.append(target)
    return written


def _check_csv(files: dict[str, bytes]) -> None:
    """Every CSV file decodes and parses (the validator has already checked its cells)."""
    for name in sorted(_CSV_NAMES & files.keys()):
        try:
            parse_csv(files[name].decode("utf-8-sig"))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise StoreError(f"{name}: cannot be imported ({exc})") from None


__all__ = ["dataset_files", "export_dir", "import_dir", "layout_differences"]
