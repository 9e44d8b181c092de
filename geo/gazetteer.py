"""Names to places: the geocoder base class, the dataset gazetteer and the chain of gazetteers.

Modelled on geopy: one base class (``Geocoder``) validates the query and maps failures to the
project's exceptions; each provider only looks the name up and builds a ``Match``.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rapidfuzz import fuzz, process

from geo.errors import GeocoderError
from geo.model import Locality

if TYPE_CHECKING:
    from geo.model import Dataset
from geo.normalize import (
    keys_of_skeletons,
    normalize,
    normalize_many,
    skeleton,
    skeletons,
    vowel_key,
    without_article,
)

#: Scores of the three stages of ``DatasetGazetteer``.
EXACT_SCORE = 1.0
KEY_SCORE = 0.95
VOWEL_SCORE = 0.9
#: Fuzzy matching compares match keys with ``rapidfuzz.fuzz.ratio`` (0-100).
FUZZY_CUTOFF = 88.0
#: Query keys shorter than this never take part in fuzzy matching (too little to go on).
FUZZY_MIN_LENGTH = 6
#: Keys shorter than this are only matched exactly (normalised), not by key.
KEY_MIN_LENGTH = 3
#: Keys this short say little ("ari" is Ariha, but also "Are" and "Area"): a match on one also
#: needs a spelling close to a listed one (``close_spelling``).
SHORT_KEY_LENGTH = 4
SHORT_KEY_RATIO = 75.0

_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Match:
    """The answer of a geocoder for one query.

    Attributes
    ----------
    query : str
        The name as asked.
    id : str or None
        The dataset locality id, or None when the place is not a dataset locality.
    name : str
        The place's name at the source (GeoNames answers carry ``geonames:<id>`` in ``ref``).
    lat, lon : float
        WGS 84 latitude and longitude, decimal degrees.
    source : str
        Which gazetteer answered: ``dataset``, ``geonames``, ``nominatim``.
    score : float
        Confidence of the match, 0 to 1 (1: exact spelling).
    ref : str
        The identifier at the source (locality id, ``geonames:170592``, an OSM id...).
    """

    query: str
    id: str | None
    name: str
    lat: float
    lon: float
    source: str
    score: float
    ref: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be within 0..1, got {self.score!r}")

    @property
    def how(self) -> str:
        """How the name matched: ``exact`` (a listed spelling, normalised), ``key`` (the same
        loose transliteration key), ``fuzzy`` (a near key; ``score`` says how near) or
        ``online`` (a service's answer)."""
        if self.source == "nominatim":
            return "online"
        if self.score >= EXACT_SCORE:
            return "exact"
        return "key" if self.score >= KEY_SCORE else "fuzzy"


class Geocoder(ABC):
    """Base class of every gazetteer: validates the query, maps provider failures.

    Subclasses implement ``_geocode`` (look up a stripped, non-empty query) and may override
    ``_map_error`` to turn their library's exceptions into ``geo.errors.GeocoderError``.
    """

    source: ClassVar[str] = "unknown"

    def geocode(self, query: str) -> Match | None:
        """Resolve a place name.

        Parameters
        ----------
        query : str
            A place name as a report or a user writes it.

        Returns
        -------
        Match or None
            The place, or None when nothing is close enough (never a forced match).

        Raises
        ------
        TypeError
            If ``query`` is not a string.
        geo.errors.GeocoderError
            (or a subclass) if an online service fails.
        """
        if not isinstance(query, str):
            raise TypeError(f"query must be a str, got {type(query).__name__}")
        if not query.strip():
            return None
        try:
            return self._geocode(query)
        except GeocoderError:
            raise
        except Exception as exc:
            mapped = self._map_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    @abstractmethod
    def _geocode(self, query: str) -> Match | None:
        """Look up ``query`` (non-empty); return None when not found."""

    def _map_error(self, exc: Exception) -> GeocoderError | None:
        """The project exception for a provider exception, or None to let it through."""
        return None


def locality_forms(locality: Locality) -> list[str]:
    """Every spelling a dataset lists for a locality: name, alt_names, id, name sans "(...)".

    The primary name comes first.
    """
    forms = [locality.name, *locality.alt_names, locality.id.replace("-", " ")]
    forms += [_PARENTHESIS.sub("", f) for f in forms if "(" in f]
    seen: dict[str, None] = {}
    for form in forms:
        if form.strip():
            seen.setdefault(form.strip(), None)
    return list(seen)


def close_spelling(bare: str, listed: Iterable[str]) -> bool:
    """True when a spelling (normalised, without article) is near a listed one.

    Near: at most one character longer or shorter and ``fuzz.ratio`` >= ``SHORT_KEY_RATIO``
    ("utaya" ~ "otaya", "dumah" ~ "douma"; not "area" ~ "ariha" nor "harm" ~ "haarma").
    """
    return any(abs(len(bare) - len(f)) <= 1 and fuzz.ratio(bare, f) >= SHORT_KEY_RATIO
               for f in listed)


def _first_wins(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for key, value in pairs:
        if key:
            table.setdefault(key, value)
    return table


class DatasetGazetteer(Geocoder):
    """Resolves names to the dataset's localities, robust to transliteration.

    Stages, first hit wins: the normalised spelling (``geo.normalize.normalize``) of an id,
    name or alt_name; then the loose ``match_key``; then the consonant skeleton
    (``geo.normalize.vowel_key``: "Masraba" is Misraba, "Hezzeh" Hazzeh, "Jober" Jobar) when
    one locality alone has it and the first letters agree ("Urban" is not Arbin); then a
    bounded fuzzy match of match keys
    (``rapidfuzz.fuzz.ratio`` >= ``fuzzy_cutoff``, same first letter, same number of words,
    query keys of at least ``FUZZY_MIN_LENGTH`` letters) for typos such as "Aytn Tarma".
    Primary names take precedence over alternative names when two localities share a spelling.

    Parameters
    ----------
    localities : iterable of Locality
        The dataset's localities.
    fuzzy_cutoff : float or None, default FUZZY_CUTOFF
        Minimum ``fuzz.ratio`` (0-100) for a fuzzy match; None disables fuzzy matching.
    """

    source: ClassVar[str] = "dataset"

    def __init__(
        self, localities: Iterable[Locality], *, fuzzy_cutoff: float | None = FUZZY_CUTOFF
    ):
        if fuzzy_cutoff is not None and not 0 <= fuzzy_cutoff <= 100:
            raise ValueError(f"fuzzy_cutoff must be within 0..100 or None, got {fuzzy_cutoff!r}")
        self._localities = {loc.id: loc for loc in localities}
        forms = [(loc.id, locality_forms(loc)) for loc in self._localities.values()]
        primary = [(lid, fs[0]) for lid, fs in forms]
        others = [(lid, f) for lid, fs in forms for f in fs[1:]]
        ordered = primary + others
        self._exact = _first_wins((normalize(f), lid) for lid, f in ordered)
        loose = [(skeleton(f), lid) for lid, f in ordered]
        glued = keys_of_skeletons([sk for sk, _ in loose])
        keyed = [(k, sk.count(" ") + 1, lid) for k, (sk, lid) in zip(glued, loose, strict=True)]
        self._keys = _first_wins((k, lid) for k, _, lid in keyed if len(k) >= KEY_MIN_LENGTH)
        self._short_forms: dict[str, list[str]] = {}
        for (key, _, lid), (_, form) in zip(keyed, ordered, strict=True):
            if len(key) <= SHORT_KEY_LENGTH and self._keys.get(key) == lid:
                self._short_forms.setdefault(key, []).append(without_article(normalize(form)))
        # fuzzy candidates by (first letter, number of words): a typo keeps both
        fuzzy: dict[tuple[str, int], list[str]] = {}
        for key, words, _ in keyed:
            if len(key) >= KEY_MIN_LENGTH and key not in fuzzy.setdefault((key[0], words), []):
                fuzzy[(key[0], words)].append(key)
        self._fuzzy_keys = fuzzy
        self._cutoff = fuzzy_cutoff
        vowels: dict[str, set[str]] = {}
        initials: dict[str, set[str]] = {}
        for lid, form in ordered:
            bare = without_article(normalize(form))
            vk = vowel_key(bare)
            if vk:
                vowels.setdefault(vk, set()).add(lid)
                initials.setdefault(vk, set()).add(bare[:1])
        #: vowel key -> (the one locality that has it, the first letters of its forms)
        self._vowel_keys = {k: (next(iter(ids)), frozenset(initials[k]))
                            for k, ids in vowels.items() if len(ids) == 1}

    @property
    def localities(self) -> tuple[Locality, ...]:
        """The localities this gazetteer resolves to."""
        return tuple(self._localities.values())

    def lookup(self, query: str) -> tuple[Locality, float] | None:
        """The locality a name designates and the match score (0..1), or None."""
        return self.lookup_many([query])[0]

    def lookup_many(self, queries: Sequence[str], *, fuzzy: bool = True
                    ) -> list[tuple[Locality, float] | None]:
        """``[self.lookup(q) for q in queries]``, normalising all queries in one pass; without
        the fuzzy stage when ``fuzzy`` is False."""
        loose = skeletons(queries)
        return [
            self._resolve(n, sk, k, fuzzy)
            for n, sk, k in zip(normalize_many(queries), loose, keys_of_skeletons(loose),
                                strict=True)
        ]

    def _resolve(self, norm: str, loose: str, key: str, fuzzy: bool = True
                 ) -> tuple[Locality, float] | None:
        if norm in self._exact:
            return self._localities[self._exact[norm]], EXACT_SCORE
        if key in self._keys:
            short = self._short_forms.get(key)
            if short is None or close_spelling(without_article(norm), short):
                return self._localities[self._keys[key]], KEY_SCORE
            fuzzy = False  # a short key too far from its spellings: only the consonants may say
        vk = vowel_key(norm)
        found = self._vowel_keys.get(vk) if vk else None
        if found is not None and without_article(norm)[:1] in found[1]:
            return self._localities[found[0]], VOWEL_SCORE
        return self._fuzzy(key, loose.count(" ") + 1) if fuzzy else None

    def _fuzzy(self, key: str, words: int) -> tuple[Locality, float] | None:
        if self._cutoff is None or len(key) < FUZZY_MIN_LENGTH:
            return None
        candidates = self._fuzzy_keys.get((key[0], words), ())
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=self._cutoff)
        if best is None:
            return None
        found, ratio, _ = best
        return self._localities[self._keys[found]], KEY_SCORE * ratio / 100.0

    def _geocode(self, query: str) -> Match | None:
        hit = self.lookup(query)
        if hit is None:
            return None
        loc, score = hit
        return Match(query, loc.id, loc.name, loc.lat, loc.lon, self.source, score, loc.id)


class ChainGazetteer(Geocoder):
    """Asks each gazetteer in turn; the first answer wins and its ``source`` says which.

    Parameters
    ----------
    geocoders : sequence of Geocoder
        In order of preference, e.g. ``[DatasetGazetteer(...), GeoNamesGeocoder(...)]``.
    """

    source: ClassVar[str] = "chain"

    def __init__(self, geocoders: Sequence[Geocoder]):
        if not geocoders:
            raise ValueError("ChainGazetteer needs at least one geocoder")
        self._geocoders = tuple(geocoders)

    @property
    def geocoders(self) -> tuple[Geocoder, ...]:
        """The chained geocoders, in order."""
        return self._geocoders

    def _geocode(self, query: str) -> Match | None:
        for geocoder in self._geocoders:
            found = geocoder.geocode(query)
            if found is not None:
                return found
        return None


def default_gazetteer(
    dataset: Dataset,
    *,
    online: bool = False,
    countries: Sequence[str] | None = ("SY",),
    cache_dir: str | os.PathLike[str] | None = None,
) -> ChainGazetteer:
    """The project's chain: the dataset, then offline GeoNames, then (opt-in) Nominatim.

    Parameters
    ----------
    dataset : Dataset
        Its localities are asked first (source ``dataset``).
    online : bool, default False
        Also ask Nominatim (OpenStreetMap) over the network, last (source ``nominatim``).
    countries : sequence of str or None, default ("SY",)
        GeoNames countries to fall back on (source ``geonames``); None for the whole world.
    cache_dir : path, optional
        Where the GeoNames index may be pickled for faster loading next time.

    Returns
    -------
    ChainGazetteer
        GeoNames is loaded (a second or two) the first time the dataset cannot answer:
        keep the chain for many queries.
    """
    from geo.geonames import LazyGeoNamesGeocoder

    chain: list[Geocoder] = [
        DatasetGazetteer(dataset.localities),
        LazyGeoNamesGeocoder(countries, cache_dir=cache_dir),
    ]
    if online:
        from geo._nominatim import NominatimGeocoder

        chain.append(NominatimGeocoder())
    return ChainGazetteer(chain)
