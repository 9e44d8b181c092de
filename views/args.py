"""Command-line arguments of the app's pages: ``streamlit run app.py -- --data DIR --seeds DIR``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppArgs:
    """Where the app reads its dataset (``data``) and its reports (``seeds``)."""

    data: Path
    seeds: Path


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
        folder beside the dataset directory.
    """
    p = argparse.ArgumentParser(prog="streamlit run app.py --", add_help=False)
    p.add_argument("--data", type=Path, default=ROOT / "data")
    p.add_argument("--seeds", type=Path, default=None)
    args, _ = p.parse_known_args(list(argv))
    seeds = args.seeds or args.data.resolve().parent / "seeds"
    return AppArgs(data=args.data, seeds=seeds)
