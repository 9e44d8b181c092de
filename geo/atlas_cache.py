"""On-disk cache of built atlases, keyed by the dataset's files and the code that builds them."""

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

_FORMAT = 1  # bump when the pickled layout changes in a way the code hash would not show
_KEEP = 4  # atlas pickles kept per cache directory (the most recently used)
_GEO_DIR = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/conflict-map`` (``~/.cache/conflict-map`` when that is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflict-map"


def cache_key(data_dir: Path | str) -> str:
    """A hex digest that changes when any dataset file or any ``geo`` source file changes.

    Parameters
    ----------
    data_dir : path
        The dataset directory; every regular file under it is hashed (name and bytes).

    Returns
    -------
    str
        SHA-256 hex digest, also covering the Python, numpy, shapely (GEOS) and pyproj
        versions, since they shape the pickled objects and the geometry.
    """
    h = hashlib.sha256()
    versions = (_FORMAT, sys.version, np.__version__, shapely.__version__,
                shapely.geos_version_string, pyproj.__version__)
    h.update(repr(versions).encode())
    for folder, pattern in ((_GEO_DIR, "*.py"), (Path(data_dir), "**/*")):
        for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def load_atlas_cached(data_dir: Path | str, cache_dir: Path | str | None) -> Atlas:
    """:func:`geo.atlas.load_atlas`, reusing a pickled atlas built earlier from the same files.

    A country-scale dataset takes seconds to validate and tessellate and a fraction of a
    second to unpickle. The pickle is written atomically after a successful build; a missing,
    stale, corrupt or unwritable cache only costs the build; a read-only one still serves
    what it holds. Loading a pickle runs code, so ``cache_dir`` must be a folder only the
    user writes to (as the default, in the user's home, is).

    Parameters
    ----------
    data_dir : path
        The dataset directory.
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
    if cache_dir is None:
        return load_atlas(data_dir)
    path = Path(cache_dir) / f"atlas-{cache_key(data_dir)}.pickle"
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
    atlas = load_atlas(data_dir)
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
