"""Shared fixtures: the shipped dataset and its mention index, built once per test run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.dataset import load_dataset
from geo.mentions import MentionIndex
from geo.model import Dataset

ROOT = Path(__file__).resolve().parent.parent
#: The throwaway PostgreSQL + PostGIS cluster of the store tests (pg_cluster, store_url...).
pytest_plugins = ["tests.pgcluster"]


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Built datasets are cached in a test folder, not the user's ``~/.cache`` (also for the
    command lines and app servers the tests start: they inherit the environment)."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The shipped dataset (``data/``), validated."""
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="session")
def index(dataset: Dataset) -> MentionIndex:
    """The mention index as the CLI and the app build it (faction names shielded)."""
    return MentionIndex.for_dataset(dataset)
