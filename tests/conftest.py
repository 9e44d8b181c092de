"""Shared fixtures: the shipped dataset and its mention index, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.dataset import load_dataset
from geo.mentions import MentionIndex
from geo.model import Dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The shipped dataset (``data/``), validated."""
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="session")
def index(dataset: Dataset) -> MentionIndex:
    """The mention index as the CLI and the app build it (faction names shielded)."""
    return MentionIndex.for_dataset(dataset)
