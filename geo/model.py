"""Immutable records of a dataset: places, factions, control changes, events, corridors, routes."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry.base import BaseGeometry

CONFIDENCE_LEVELS = ("high", "medium", "low")
CONTROL_KINDS = ("initial", "capture", "reversal", "handover", "declaration", "claim")
PLACEMENTS = ("published", "estimated")
#: Map label priority of each locality kind (1 is shown first when labels collide);
#: a locality's ``label_rank`` overrides it, unknown kinds come last.
KIND_LABEL_RANK = {"city": 1, "town": 2, "district": 3, "village": 4, "camp": 5, "site": 6,
                   "shelter": 7, "waypoint": 8}
LAST_LABEL_RANK = 9


@dataclass(frozen=True)
class Locality:
    """A named place with a point (WGS 84 longitude/latitude, degrees).

    ``territory`` is true for places that take part in the control tessellation; far places
    (route destinations, road waypoints) have it false and are shown but never tessellated.
    ``precision_m`` is the radius, in metres, within which the true position is believed to lie.
    ``label_rank`` is the data's own label priority (1 first), None to use the kind's.
    """

    id: str
    name: str
    alt_names: tuple[str, ...]
    kind: str
    lat: float
    lon: float
    precision_m: float
    placement: str
    territory: bool
    source: str
    note: str = ""
    line: int = 0
    label_rank: int | None = None

    @property
    def label_priority(self) -> int:
        """Label priority on the map, 1 first: ``label_rank``, else from the kind."""
        if self.label_rank is not None:
            return self.label_rank
        return KIND_LABEL_RANK.get(self.kind, LAST_LABEL_RANK)


@dataclass(frozen=True)
class Faction:
    """A party that can hold ground, with its display colour (``#rrggbb``) and text aliases."""

    id: str
    name: str
    side: str
    color: str
    aliases: tuple[str, ...]
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class ControlChange:
    """From ``date`` on, ``faction`` holds ``locality`` (until the next change of that locality).

    ``alt_dates`` lists other dates that other sources give for the same change: the row's
    ``date`` is the one the dataset uses, and the disagreement stays visible.
    """

    date: dt.date
    locality: str
    faction: str
    kind: str
    confidence: str
    alt_dates: tuple[dt.date, ...]
    detail: str
    source: str
    line: int = 0

    @property
    def disputed(self) -> bool:
        """True when sources give other dates for this change."""
        return bool(self.alt_dates)


@dataclass(frozen=True)
class Event:
    """A dated event that is not itself a control change (agreement, ceasefire, evacuation...).

    Active from ``date`` to ``end`` inclusive.
    """

    date: dt.date
    end: dt.date
    type: str
    localities: tuple[str, ...]
    factions: tuple[str, ...]
    confidence: str
    detail: str
    source: str
    line: int = 0


@dataclass(frozen=True)
class Corridor:
    """A humanitarian corridor: a path of locality ids from the enclave side to the reception point.

    Open from ``opened`` to ``closed`` inclusive (``closed`` None: until the dataset's end), except
    on the ``suspended`` dates. ``hours`` is the daily opening, e.g. ``09:00-14:00``, or None.
    """

    id: str
    name: str
    path: tuple[str, ...]
    opened: dt.date
    closed: dt.date | None
    hours: str | None
    suspended: tuple[dt.date, ...]
    precision: str
    detail: str
    source: str
    line: int = 0


@dataclass(frozen=True)
class Route:
    """An evacuation route: who went from where to where, when, and how many.

    ``path`` is the polyline as locality ids (waypoints included), from the origin to the
    destination. ``people`` is the figure the dataset uses; ``people_low``/``people_high`` keep
    the range where sources disagree.
    """

    id: str
    origin: str
    destination: str
    path: tuple[str, ...]
    start: dt.date
    end: dt.date
    group: str
    people: int | None
    people_low: int | None
    people_high: int | None
    buses: int | None
    precision: str
    detail: str
    source: str
    line: int = 0


@dataclass(frozen=True)
class LexiconEntry:
    """A phrase of the claim grammar's lexicon (a ``lexicon.csv`` row; see geo.claims.lexicon).

    ``where`` is ``file:line``, for messages.
    """

    category: str
    phrase: str
    value: str = ""
    where: str = ""


@dataclass(frozen=True)
class DatasetMeta:
    """What a dataset is about: its period, metric CRS and territory settings."""

    id: str
    name: str
    start: dt.date
    end: dt.date
    metric_crs: str
    max_distance_m: float
    center: tuple[float, float]
    zoom: int
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    """A whole dataset as loaded from a store; validated, immutable.

    ``root`` is where it was loaded from: the dataset directory, or a database store's URL
    (without its password).

    ``study_area`` is the outline polygon (WGS 84) that territory is clipped to, before the
    distance limit of ``meta.max_distance_m`` around the territory localities is applied.
    """

    root: Path | str
    meta: DatasetMeta
    localities: tuple[Locality, ...]
    factions: tuple[Faction, ...]
    control: tuple[ControlChange, ...]
    events: tuple[Event, ...]
    corridors: tuple[Corridor, ...]
    routes: tuple[Route, ...]
    study_area: BaseGeometry
    study_area_note: str = ""
    lexicon: tuple[LexiconEntry, ...] = ()
    # Lookups built from the fields above; not init fields, so ``dataclasses.replace`` builds
    # them anew instead of sharing (and updating) the original's.
    _locality_index: dict[str, Locality] = field(
        default_factory=dict, init=False, compare=False, repr=False)
    _faction_index: dict[str, Faction] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._locality_index.update({loc.id: loc for loc in self.localities})
        self._faction_index.update({f.id: f for f in self.factions})

    @functools.cached_property
    def _control_index(self) -> dict[str, tuple[ControlChange, ...]]:
        """Control changes per locality id, built when first asked (only ingestion asks)."""
        by_place: dict[str, list[ControlChange]] = {}
        for change in self.control:
            by_place.setdefault(change.locality, []).append(change)
        return {k: tuple(v) for k, v in by_place.items()}

    def locality(self, locality_id: str) -> Locality:
        """The locality with this id (KeyError if unknown)."""
        return self._locality_index[locality_id]

    def faction(self, faction_id: str) -> Faction:
        """The faction with this id (KeyError if unknown)."""
        return self._faction_index[faction_id]

    def has_locality(self, locality_id: str) -> bool:
        """True if the dataset has a locality with this id."""
        return locality_id in self._locality_index

    def has_faction(self, faction_id: str) -> bool:
        """True if the dataset has a faction with this id."""
        return faction_id in self._faction_index

    def control_of(self, locality_id: str) -> tuple[ControlChange, ...]:
        """The control changes of one locality, in the order of ``control`` (empty if none)."""
        return self._control_index.get(locality_id, ())
