"""Command-line arguments of the app's pages: ``streamlit run app.py -- --store DIR|URL ...``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.atlas_cache import default_cache_dir
from geo.cli import default_seeds

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppArgs:
    """Where the app reads its dataset (``data``: a directory or a ``postgresql://`` URL) and
    its reports (``seeds``).

    ``cache`` is where built datasets are pickled for a fast next start (None: no cache).
    ``identity_header`` names the request header a trusted reverse proxy sets to the signed-in
    analyst (None: analysts type their name).
    """

    data: str
    seeds: Path
    cache: Path | None = None
    identity_header: str | None = None


def parse_args(argv: Sequence[str]) -> AppArgs:
    """Read ``--store``, ``--seeds``, ``--cache``, ``--identity-header``; ignore the rest.

    Parameters
    ----------
    argv : sequence of str
        The arguments after ``--`` (``sys.argv[1:]`` inside a Streamlit script).

    Returns
    -------
    AppArgs
        ``data`` defaults to the project's ``data/`` (``--data`` is another spelling of
        ``--store``); ``seeds`` defaults to the ``seeds`` folder beside the dataset directory
        (the project's for a database); ``cache`` to ``--cache DIR``, else the user's cache
        folder (``geo.atlas_cache.default_cache_dir``), or None with ``--no-cache``.
    """
    p = argparse.ArgumentParser(prog="streamlit run app.py --", add_help=False)
    p.add_argument("--store", "--data", dest="data", default=str(ROOT / "data"))
    p.add_argument("--seeds", type=Path, default=None)
    p.add_argument("--cache", type=Path, default=None)
    p.add_argument("--no-cache", action="store_true")
    p.add_argument("--identity-header", default=None)
    args, _ = p.parse_known_args(list(argv))
    seeds = args.seeds or default_seeds(args.data)
    cache = None if args.no_cache else args.cache or default_cache_dir()
    return AppArgs(data=args.data, seeds=seeds, cache=cache,
                   identity_header=args.identity_header or None)
