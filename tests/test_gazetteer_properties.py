"""Property: the gazetteer never resolves a name to a place whose spellings are far from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from geo.dataset import load_dataset
from geo.gazetteer import DatasetGazetteer, locality_forms
from geo.normalize import match_key, normalize, vowel_key

DATA = Path(__file__).resolve().parent.parent / "data"
NEAR = 70.0  # rapidfuzz ratio (0-100) between the query's key and the closest listed key


@pytest.fixture(scope="module")
def gazetteer() -> DatasetGazetteer:
    return DatasetGazetteer(load_dataset(DATA).localities)


def _spellings() -> list[str]:
    return [s for loc in load_dataset(DATA).localities for s in locality_forms(loc)]


def mutate(name: str, data: st.DataObject) -> str:
    """A random edit of a real spelling: case, a dropped, doubled or swapped letter, a prefix."""
    op = data.draw(st.sampled_from(["upper", "drop", "double", "swap", "prefix", "suffix"]))
    i = data.draw(st.integers(0, max(len(name) - 1, 0)))
    if op == "upper":
        return name.upper()
    if op == "drop":
        return name[:i] + name[i + 1:]
    if op == "double":
        return name[:i] + name[i:i + 1] * 2 + name[i + 1:]
    if op == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if op == "prefix":
        return data.draw(st.sampled_from(["al-", "el ", "Tal ", "Beit ", "Kafr "])) + name
    return name + data.draw(st.sampled_from(["iyah", "a", " al-Sharqi", "ville"]))


def _assert_near(gazetteer: DatasetGazetteer, query: str) -> None:
    hit = gazetteer.geocode(query)
    if hit is None or hit.id is None:
        return
    loc = next(x for x in gazetteer.localities if x.id == hit.id)
    qkey = match_key(query)
    best = max(fuzz.ratio(qkey, match_key(form)) for form in locality_forms(loc))
    # near by its loose key, or the same consonants in the same places ("Meliha", "Maliha")
    same_consonants = vowel_key(normalize(query)) in {
        vowel_key(normalize(form)) for form in locality_forms(loc)} - {""}
    assert best >= NEAR or same_consonants, (query, hit.id, best)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=30))
def test_arbitrary_text_never_lands_far_away(gazetteer: DatasetGazetteer, query: str) -> None:
    _assert_near(gazetteer, query)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_spellings()), st.data())
def test_edited_spellings_never_land_far_away(gazetteer: DatasetGazetteer, name: str,
                                              data: st.DataObject) -> None:
    _assert_near(gazetteer, mutate(name, data))
