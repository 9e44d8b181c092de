"""Command-line arguments of the app's pages: ``streamlit run app.py -- --data DIR --seeds DIR``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.atlas_cache import default_cache_dir

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppArgs:
    """Where the app reads its dataset (``data``) and its reports (``seeds``).

    ``cache`` is where built datasets are pickled for a fast next start (None: no cache).
    """

    data: Path
    seeds: Path
    cache: Path | None = None


def parse_args(argv: Sequence[str]) -> AppArgs:
    """Read ``--data DIR`` and ``--seeds DIR`` from the script's arguments; ignore the rest.

    Parameters
    ----------
    argv : sequence of str
        The arguments after ``--`` (``sys.argv[1:]`` inside a Streamlit script).

    Returns
    -------
    AppArgs
        ``data`` defaults to the project's ``data/``; ``seeds`` defaults to the ``seeds``
        folder beside the dataset directory; ``cache`` to ``--cache DIR``, else the user's
        cache folder (``geo.atlas_cache.default_cache_dir``), or None with ``--no-cache``.
    """
    p = argparse.ArgumentParser(prog="streamlit run app.py --", add_help=False)
    p.add_argument("--data", type=Path, default=ROOT / "data")
    p.add_argument("--seeds", type=Path, default=None)
    p.add_argument("--cache", type=Path, default=None)
    p.add_argument("--no-cache", action="store_true")
    args, _ = p.parse_known_args(list(argv))
    seeds = args.seeds or args.data.resolve().parent / "seeds"
    cache = None if args.no_cache else args.cache or default_cache_dir()
    return AppArgs(data=args.data, seeds=seeds, cache=cache)
