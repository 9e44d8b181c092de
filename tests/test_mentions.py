"""Place mentions in running text: recall on report spellings, precision on false friends."""

from __future__ import annotations

import itertools

import pytest
from conftest_gazetteer import (
    SEED,
    reference_localities,
    shipped_faction_phrases,
    shipped_localities,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.mentions import (
    Mention,
    MentionIndex,
    candidate_places,
    find_mentions,
    find_mentions_many,
)
from geo.model import Locality

SEED_PLACES = {"Douma": "douma", "Harasta": "harasta", "Saqba": "saqba", "Zamalka": "zamalka",
               "Aytn Tarma": "ayn-tarma", "Hazrama": "hazrama", "Nashabiya": "nashabiyah"}


@pytest.fixture(scope="module")
def index() -> MentionIndex:
    return MentionIndex.build(reference_localities(),
                              stop=["Ahrar al-Sham", "Jaysh al-Islam", "Faylaq al-Rahman"])


@pytest.fixture(scope="module")
def shipped_index() -> MentionIndex:
    return MentionIndex.build(shipped_localities(), stop=shipped_faction_phrases())


def ids(text: str, index: MentionIndex) -> list[str]:
    return [m.locality_id for m in find_mentions(text, index)]


@pytest.mark.parametrize("which", ["reference", "shipped"])
def test_seed_report_yields_exactly_its_places_at_their_offsets(index, shipped_index, which):
    text = SEED.read_text(encoding="utf-8")
    found = find_mentions(text, index if which == "reference" else shipped_index)
    assert {m.surface for m in found} == set(SEED_PLACES)
    for m in found:
        assert text[m.start:m.end] == m.surface
        assert m.locality_id == SEED_PLACES[m.surface]
        assert m.source == "dataset"
    # every occurrence, in text order
    expected = sorted(
        (i, name) for name in SEED_PLACES for i in _occurrences(text, name)
    )
    assert [(m.start, m.surface) for m in found] == expected


def _occurrences(text: str, name: str) -> list[int]:
    out, i = [], text.find(name)
    while i >= 0:
        out.append(i)
        i = text.find(name, i + 1)
    return out


POSITIVES = [
    ("Shelling hit Arbeen and Arbin overnight.", ["arbin", "arbin"]),
    ("Civilians fled Hammouriyeh, Hamouriyeh and Hammuria.", ["hammouriyeh"] * 3),
    ("Troops entered KafrBatna and Kafr-Batna.", ["kafr-batna", "kafr-batna"]),
    ("Douma's market was hit.", ["douma"]),
    ("The army took al-Nashabiyah, then Utaya and Mesraba.", ["nashabiyah", "otaya", "misraba"]),
    ("Rebels left Ein Tarma and Ain Tarma for Idleb.", ["ayn-tarma", "ayn-tarma", "idlib"]),
    ("They were moved to Adra prison, north of Adra.", ["adra-prison", "adra"]),
    ("Convoys reached Hama after Qal'at al-Madiq.", ["hama", "qalaat-al-madiq"]),
    ("DOUMA: the last buses left.", ["douma"]),
    ("Fighting near Ḥarastā and Dayr al-'Asafir.", ["harasta", "deir-al-asafir"]),
    ("Buses waited at al-Wafideen.", ["wafideen-camp"]),
    ("Kfar Batna and Harasat were shelled.", ["kafr-batna", "harasta"]),
    ("Convoys went on to Bab, north of Aleppo.", ["al-bab"]),
]

NEGATIVES = [
    "The State Duma discussed Syria.",
    "Duma deputies voted on the resolution.",
    "Jaysh al-Islam leader Mohamad Alloush denied the deal.",
    "Issam Buwaydani left with his men.",
    "Gen. Ali Mayhoub read the statement.",
    "A fighter known as Abu Ali al-Harastani was killed.",
    "Clashes in Babila, Yalda and Sahnaya.",
    "Reports from Beit Sahem, Kisweh and Qudsaya.",
    "The ham was sold in the market near the harbour.",
    "Ahrar al-Sham fighters agreed to leave.",
    "the Syrian Arab Army and the Russian side met in Eastern Ghouta.",
    "Mortars fell on Bab Touma and Bab al-Hawa.",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_places_are_found_however_the_report_spells_them(index, text, expected):
    found = find_mentions(text, index)
    assert [m.locality_id for m in found] == expected
    assert all(text[m.start:m.end] == m.surface for m in found)


@pytest.mark.parametrize("text", NEGATIVES)
def test_false_friends_and_people_are_not_places(index, text):
    assert find_mentions(text, index) == []


def test_hama_is_not_hammouriyeh(index):
    assert ids("From Hama to Hammouriyeh.", index) == ["hama", "hammouriyeh"]
    without_hama = MentionIndex.build([loc for loc in reference_localities() if loc.id != "hama"])
    assert ids("From Hama to Hammouriyeh.", without_hama) == ["hammouriyeh"]


def test_harasta_inside_a_longer_word_is_not_harasta(index):
    assert ids("Harastani fighters; Harastah residents; Harasta.", index) == ["harasta"] * 2


def test_possessive_surface_stops_before_the_apostrophe(index):
    [m] = find_mentions("Douma’s elders met.", index)
    assert (m.surface, m.start, m.end) == ("Douma", 0, 5)


def test_typo_matches_score_below_exact_ones(index):
    exact, typo = find_mentions("Ayn Tarma and Aytn Tarma", index)
    assert exact.score == 1.0
    assert 0.5 < typo.score < exact.score
    assert (typo.locality_id, typo.surface) == ("ayn-tarma", "Aytn Tarma")


def test_fuzzy_pass_can_be_switched_off(index):
    assert ids("Aytn Tarma", index) == ["ayn-tarma"]
    assert find_mentions("Aytn Tarma", index, fuzzy=False) == []


def test_stop_phrases_shield_the_places_inside_them():
    sham = [*reference_localities(),
            Locality("sham", "al-Sham", (), "city", 1.0, 1.0, 1.0, "published", True, "s")]
    plain = MentionIndex.build(sham)
    shielded = MentionIndex.build(sham, stop=["Ahrar al-Sham"])
    text = "Ahrar al-Sham left Harasta for al-Sham."
    assert ids(text, plain) == ["sham", "harasta", "sham"]
    assert ids(text, shielded) == ["harasta", "sham"]


def test_extra_names_come_with_their_source_and_lose_to_dataset_names():
    extra = [("Idlib", "geonames:169389", "geonames"), ("Douma", "geonames:170592", "geonames"),
             ("Aleppo", "geonames:170063", "geonames")]
    index = MentionIndex.build(reference_localities(), extra)
    found = find_mentions("From Douma to Aleppo and Idlib.", index)
    assert [(m.locality_id, m.source) for m in found] == [
        ("douma", "dataset"), ("geonames:170063", "geonames"), ("idlib", "dataset")]


def test_cached_index_gives_the_same_answers(tmp_path):
    built = MentionIndex.build(reference_localities(), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("mentions-*.pickle"))) == 1
    loaded = MentionIndex.build(reference_localities(), cache_dir=tmp_path)
    text = SEED.read_text(encoding="utf-8")
    assert find_mentions(text, loaded) == find_mentions(text, built)


def test_candidate_places_lists_unresolved_names_after_cues(index):
    text = ("Shelling hit the town of Babbila and the village of Beit Sahem, then the towns of "
            "Yalda, Aqraba and Saqba. Heavy fighting in Tishreen district and the Jobar "
            "neighbourhood. Gen. Mayhoub spoke in Douma.")
    names = [c.name for c in candidate_places(text, index)]
    assert names == ["Babbila", "Beit Sahem", "Yalda", "Aqraba", "Tishreen"]
    for c in candidate_places(text, index):
        assert text[c.start:c.end] == c.name


def test_text_must_be_a_string(index):
    with pytest.raises(TypeError, match="text must be a str"):
        find_mentions(b"Douma", index)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_mentions_that_slice_back_to_their_surface(index, text):
    found = find_mentions(text, index)
    for m in found:
        assert isinstance(m, Mention)
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


place_words = st.sampled_from(["Douma", "Ayn Tarma", "Kafr Batna", "al-Nashabiyah", "Hama",
                               "the", "and", "State", "Duma", "Mr", "Harastani", "Gen.",
                               "Ḥarastā", "KafrBatna", "Douma's", "—", ",", "\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(place_words, max_size=25), st.sampled_from([" ", "  ", "\n", " - "]))
def test_place_heavy_text_keeps_offsets_exact(index, words, sep):
    text = sep.join(words)
    for m in find_mentions(text, index):
        assert text[m.start:m.end] == m.surface


@pytest.mark.parametrize("text", [
    "Area residents said the shelling did great harm. Are they safe? Harm was done.",
    "Bab Touma and Bab Sharqi were hit; Mali was not mentioned.",
    "Ahrar al-Sham and Hayat Tahrir al-Sham left; the State Duma met.",
])
def test_shipped_short_names_do_not_catch_english_words(shipped_index, text):
    assert find_mentions(text, shipped_index) == []


def test_short_listed_spellings_still_match(shipped_index):
    text = "Buses left Utaya, Duma, Hazeh, Sakba and Haarma for Ariha and Hama."
    assert ids(text, shipped_index) == ["otaya", "douma", "hazzeh", "saqba", "hazrama",
                                        "ariha", "hama"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["the town of", "village of", "in", "district", "Yalda",
                                 "Douma", "Beit Sahem", "neighbourhood", "and", ",", "Gen.",
                                 "Qal'at", "towns of"]), max_size=20))
def test_candidates_always_slice_back_and_never_repeat(index, words):
    text = " ".join(words)
    found = candidate_places(text, index)
    assert all(text[c.start:c.end] == c.name for c in found)
    assert len({c.name for c in found}) == len(found)


def test_texts_searched_together_do_not_judge_each_other(index):
    # a text's last word neither makes the next text's first place a person's name ("Mr")
    # nor joins it into one name, and "deputies" after a text ending in Duma stays apart
    texts = ["He met Mr", "Douma was shelled.", "Harasta", "Douma", "", "Duma",
             "deputies met in Saqba."]
    together = find_mentions_many(texts, index)
    assert together == [find_mentions(t, index) for t in texts]
    assert [[m.locality_id for m in found] for found in together] == [
        [], ["douma"], ["harasta"], ["douma"], [], ["douma"], ["saqba"]]


def test_no_texts_no_mentions(index):
    assert find_mentions_many([], index) == []
