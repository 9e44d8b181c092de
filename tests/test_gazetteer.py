"""The dataset gazetteer resolves report spellings, never forces a match, and chains to GeoNames."""

from __future__ import annotations

import pytest
from conftest_gazetteer import reference_localities, shipped_localities

from geo.errors import GeocoderServiceError
from geo.gazetteer import ChainGazetteer, DatasetGazetteer, Geocoder, Match, locality_forms
from geo.mentions import MentionIndex, find_mentions
from geo.model import Dataset, Locality


@pytest.fixture(scope="module")
def gazetteer() -> DatasetGazetteer:
    return DatasetGazetteer(reference_localities())


@pytest.fixture(scope="module")
def shipped() -> DatasetGazetteer:
    return DatasetGazetteer(shipped_localities())


# Spellings from the seed report and ../shared/reference (timeline details), none listed
# verbatim as a name or alt_name in the fixture.
POSITIVES = [
    ("Aytn Tarma", "ayn-tarma"),
    ("Ein Tarma", "ayn-tarma"),
    ("ain tarma", "ayn-tarma"),
    ("Hamouriyeh", "hammouriyeh"),
    ("Hammuria", "hammouriyeh"),
    ("Hamouriyah", "hammouriyeh"),
    ("Hammouriyé", "hammouriyeh"),
    ("Arbeen", "arbin"),
    ("Utaya", "otaya"),
    ("Mesraba", "misraba"),
    ("Nashabiya", "nashabiyah"),
    ("al-Nashabiyeh", "nashabiyah"),
    ("KafrBatna", "kafr-batna"),
    ("Kfar Batna", "kafr-batna"),
    ("Kafr-Batna", "kafr-batna"),
    ("Harasat", "harasta"),
    ("DOUMA", "douma"),
    ("Duma", "douma"),
    ("Jisrine", "jisreen"),
    ("Hazze", "hazzeh"),
    ("Hawsh al-Dawahirah", "hawsh-al-dawahira"),
    ("Beit Nayem", "beit-nayim"),
    ("Aftris", "eftris"),
    ("al-Wafedeen", "wafideen-camp"),
    ("Vafidin", "wafideen-camp"),
    ("Adra prison", "adra-prison"),
    ("Armored Vehicles Base", "armored-vehicles-base"),
    ("ayn-tarma", "ayn-tarma"),
    ("Ḥarastā", "harasta"),
]

# Real towns near Damascus (and false friends) that are not dataset localities.
NEGATIVES = ["Babila", "Babbila", "Yalda", "Sahnaya", "Beit Sahem", "Kisweh", "Qudsaya", "Homs",
             "Aleppo", "Eastern Ghouta", "Ghouta", "Syrian", "Russian", "Harastani", "Alloush",
             "Mayhoub", "Buwaydani", "Tarma", "Kafr", "Beit", "Faylaq al-Rahman"]


@pytest.mark.parametrize(("query", "expected"), POSITIVES)
def test_report_spellings_resolve_to_their_locality(gazetteer, query, expected):
    found = gazetteer.geocode(query)
    assert found is not None, query
    assert (found.id, found.source, found.query) == (expected, "dataset", query)
    assert 0.0 < found.score <= 1.0


@pytest.mark.parametrize("query", NEGATIVES)
def test_other_places_are_not_forced_onto_a_locality(gazetteer, query):
    assert gazetteer.geocode(query) is None


@pytest.mark.parametrize(
    ("query", "own_id"), [("Hama", "hama"), ("Hamah", "hama"), ("Idlib", "idlib")]
)
def test_a_short_name_resolves_to_itself_not_to_a_longer_neighbour(gazetteer, query, own_id):
    """Hama is Hama city, never Hammouriyeh; without Hama in the dataset, it is nothing."""
    assert gazetteer.geocode(query).id == own_id
    without = DatasetGazetteer([loc for loc in reference_localities() if loc.id != own_id])
    assert without.geocode(query) is None


def test_scores_rank_exact_above_loose_above_fuzzy(gazetteer):
    exact = gazetteer.geocode("Ayn Tarma").score
    loose = gazetteer.geocode("Ayn Tarmah").score
    fuzzy = gazetteer.geocode("Aytn Tarma").score
    assert exact == 1.0 > loose > fuzzy > 0.5


def test_fuzzy_matching_can_be_switched_off():
    strict = DatasetGazetteer(reference_localities(), fuzzy_cutoff=None)
    assert strict.geocode("Aytn Tarma") is None
    assert strict.geocode("Ein Tarma").id == "ayn-tarma"
    with pytest.raises(ValueError, match="fuzzy_cutoff"):
        DatasetGazetteer([], fuzzy_cutoff=101)


def test_primary_names_win_over_another_localitys_alias():
    a = Locality("a", "Sham", (), "town", 1.0, 2.0, 10.0, "published", True, "s")
    b = Locality("b", "Other", ("Sham",), "town", 3.0, 4.0, 10.0, "published", True, "s")
    assert DatasetGazetteer([b, a]).geocode("sham").id == "a"


def test_match_carries_the_locality_point(gazetteer):
    loc = Locality("x", "Xanadu", (), "town", 33.1, 36.2, 10.0, "published", True, "s")
    found = DatasetGazetteer([loc]).geocode("Xanadu")
    assert (found.lat, found.lon, found.name, found.ref) == (33.1, 36.2, "Xanadu", "x")


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_blank_queries_resolve_to_nothing(gazetteer, query):
    assert gazetteer.geocode(query) is None


def test_non_string_queries_are_refused(gazetteer):
    with pytest.raises(TypeError, match="query must be a str, got int"):
        gazetteer.geocode(42)  # type: ignore[arg-type]


def test_match_score_must_be_within_zero_and_one():
    with pytest.raises(ValueError, match="score"):
        Match("q", None, "n", 0.0, 0.0, "dataset", 1.5)


def test_locality_forms_list_every_spelling_primary_first():
    loc = Locality("armored-vehicles-base", "Armored Vehicles Base (Harasta)", ("VMB",), "site",
                   0.0, 0.0, 1.0, "estimated", False, "s")
    forms = locality_forms(loc)
    assert forms[0] == "Armored Vehicles Base (Harasta)"
    assert {"VMB", "armored vehicles base", "Armored Vehicles Base"} <= set(forms)


class _Fixed(Geocoder):
    source = "fixed"

    def __init__(self, answers):
        self.answers = answers
        self.asked: list[str] = []

    def _geocode(self, query):
        self.asked.append(query)
        hit = self.answers.get(query)
        return None if hit is None else Match(query, None, hit, 1.0, 2.0, self.source, 1.0)


class _Broken(Geocoder):
    source = "broken"

    def _geocode(self, query):
        raise RuntimeError("library failure")

    def _map_error(self, exc):
        return GeocoderServiceError(f"broken: {exc}")


def test_chain_answers_from_the_first_geocoder_that_knows(gazetteer):
    fallback = _Fixed({"Aleppo": "Aleppo"})
    chain = ChainGazetteer([gazetteer, fallback])
    assert chain.geocode("Ein Tarma").source == "dataset"
    assert fallback.asked == []
    aleppo = chain.geocode("Aleppo")
    assert (aleppo.source, aleppo.id, aleppo.name) == ("fixed", None, "Aleppo")
    assert chain.geocode("Atlantis") is None
    assert fallback.asked == ["Aleppo", "Atlantis"]


def test_chain_needs_a_geocoder():
    with pytest.raises(ValueError, match="at least one"):
        ChainGazetteer([])


def test_provider_failures_surface_as_project_errors():
    with pytest.raises(GeocoderServiceError, match="broken: library failure") as info:
        ChainGazetteer([_Broken()]).geocode("Douma")
    assert isinstance(info.value.__cause__, RuntimeError)


# --- the shipped dataset -------------------------------------------------------------------

def test_every_shipped_spelling_resolves_to_its_own_locality(shipped):
    for loc in shipped.localities:
        for form in locality_forms(loc):
            found = shipped.geocode(form)
            assert found is not None and found.id == loc.id, (form, loc.id, found)


@pytest.mark.parametrize(("query", "expected"), POSITIVES[:-3])
def test_shipped_data_resolves_report_spellings(shipped, query, expected):
    assert shipped.geocode(query).id == expected


@pytest.mark.parametrize("query", ["Babila", "Babbila", "Yalda", "Sahnaya", "Beit Sahem",
                                   "Kisweh", "Qudsaya", "Harastani", "Aleppo"])
def test_shipped_data_does_not_swallow_other_towns(shipped, query):
    assert shipped.geocode(query) is None


def test_short_keys_need_a_close_spelling():
    """ "Ariha" has the key "ari", like "Are" and "Area": those are words, not the town."""
    ariha = Locality("ariha", "Ariha", ("Arihah",), "town", 35.8, 36.6, 1.0, "published", False,
                     "s")
    haarma = Locality("hazrama", "Hazrama", ("Haarma",), "village", 1.0, 1.0, 1.0, "estimated",
                      True, "s")
    gaz = DatasetGazetteer([ariha, haarma])
    assert gaz.geocode("Ariha").id == "ariha"
    assert gaz.geocode("Aryha").id == "ariha"
    assert [gaz.geocode(q) for q in ("Are", "Area", "Harm")] == [None, None, None]


@pytest.mark.parametrize(("spelling", "locality"), [
    ("Masraba", "misraba"), ("Hezzeh", "hazzeh"), ("Jober", "jobar"), ("Modira", "mudayra"),
])
def test_vowel_variants_nobody_listed_resolve_by_their_consonants(
        spelling: str, locality: str, dataset: Dataset) -> None:
    hit = DatasetGazetteer(dataset.localities).lookup(spelling)
    assert hit is not None and hit[0].id == locality
    assert hit[1] < 1.0  # not an exact spelling


@pytest.mark.parametrize("false_friend", ["Hamas", "Urban", "Homes", "Adder", "Dome"])
def test_the_consonant_key_takes_no_false_friend(false_friend: str, dataset: Dataset) -> None:
    assert DatasetGazetteer(dataset.localities).lookup(false_friend) is None


def test_vowel_variants_are_found_in_running_text(index: MentionIndex) -> None:
    found = find_mentions("Regime forces captured Hezzeh, Jober and Masraba.", index)
    assert [m.locality_id for m in found] == ["hazzeh", "jobar", "misraba"]
    text = "Hama is not Hammouriyeh; the State Duma is not Douma."
    assert [m.locality_id for m in find_mentions(text, index)] == ["hama", "hammouriyeh", "douma"]
