"""On-disk cache of built atlases, keyed by the store's revision and the code that builds them."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pyproj
import shapely

from geo.atlas import Atlas, load_atlas
from geo.storage import write_pickle
from geo.store import Store, using_store

_FORMAT = 1  # bump when the pickled layout changes in a way the code hash would not show
_KEEP = 4  # atlas pickles kept per cache directory (the most recently used)
_GEO_DIR = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/conflict-map`` (``~/.cache/conflict-map`` when that is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflict-map"


def cache_key(store: Store | Path | str) -> str:
    """A hex digest that changes when the dataset's content or any ``geo`` source file changes.

    Parameters
    ----------
    store : Store, Path or str
        The dataset's store or directory; its ``revision()`` names its content (every file's
        name and bytes for a directory; the database and its last rows for a database).

    Returns
    -------
    str
        SHA-256 hex digest, also covering the Python, numpy, shapely (GEOS) and pyproj
        versions, since they shape the pickled objects and the geometry.
    """
    with using_store(store) as source:
        return _key(source.revision())


def _key(revision: str) -> str:
    h = hashlib.sha256()
    versions = (_FORMAT, sys.version, np.__version__, shapely.__version__,
                shapely.geos_version_string, pyproj.__version__)
    h.update(repr(versions).encode())
    for path in sorted(p for p in _GEO_DIR.glob("**/*.py") if p.is_file()):
        h.update(path.relative_to(_GEO_DIR).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(revision.encode())
    return h.hexdigest()


def load_atlas_cached(store: Store | Path | str, cache_dir: Path | str | None) -> Atlas:
    """:func:`geo.atlas.load_atlas`, reusing a pickled atlas built earlier from the same data.

    A country-scale dataset takes seconds to validate and tessellate and a fraction of a
    second to unpickle. The pickle is keyed on the store's revision and written atomically
    after a successful build (not when the store changed during the build); a missing,
    stale, corrupt or unwritable cache only costs the build; a read-only one still serves
    what it holds. Loading a pickle runs code, so ``cache_dir`` must be a folder only the
    user writes to (as the default, in the user's home, is).

    Parameters
    ----------
    store : Store, Path or str
        The dataset's store, directory or ``postgresql://`` URL.
    cache_dir : path or None
        Where pickles are kept (created if needed); None builds without caching.

    Returns
    -------
    Atlas

    Raises
    ------
    geo.errors.DataError
        The dataset is invalid (nothing is written then).
    """
    with using_store(store) as source:
        if cache_dir is None:
            return load_atlas(source)
        revision = source.revision()
        path = Path(cache_dir) / f"atlas-{_key(revision)}.pickle"
        try:
            with path.open("rb") as fh:
                atlas = pickle.load(fh)
            if isinstance(atlas, Atlas):
                with contextlib.suppress(OSError):  # most recently used: kept by the pruning
                    os.utime(path)
                return atlas
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                TypeError, ValueError):
            pass
        atlas = load_atlas(source)
        if source.revision() != revision:
            return atlas  # written to while we read: this build is not that revision's
        try:
            write_pickle(path, atlas)
            _prune(Path(cache_dir))
        except OSError:
            pass  # a read-only or full disk: the app works, it just starts slower next time
        return atlas


def _prune(folder: Path) -> None:
    """Delete all but the ``_KEEP`` most recently used atlas pickles in ``folder``."""
    files = sorted(folder.glob("atlas-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[_KEEP:]:
        old.unlink(missing_ok=True)
