"""The claim type: its kind, a typed detail per kind, the notes and why it was proposed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from geo.errors import ClaimError

BASE_CONFIDENCE = 0.8
CONTEXT_PENALTY = 0.15
VAGUE_DATE_PENALTY = 0.2
HEDGE_PENALTY = 0.2
PARTIAL_PENALTY = 0.2
WEAK_CONFIDENCE = 0.55  # presence, approach, repel, handover: the holder is inferred


class ClaimKind(StrEnum):
    """What a claim is about; each kind has one rule family in ``geo.claims``."""

    CONTROL = "control"
    CORRIDOR = "corridor"
    CEASEFIRE = "ceasefire"
    EVACUATION = "evacuation"
    AGREEMENT = "agreement"
    NEGOTIATION = "negotiation"
    WITHDRAWAL = "withdrawal"


CLAIM_TYPES = tuple(k.value for k in ClaimKind)


@dataclass(frozen=True)
class Detail(Mapping[str, Any]):
    """Base of the typed details: attributes by name, and a read-only mapping of the fields
    that say something (None, False and empty values are left out, except the ``ALWAYS``
    fields) for JSON and display."""

    ALWAYS: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: str) -> Any:
        if key in self._keys():
            return getattr(self, _attr(key))
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> list[str]:
        found = self.__dict__.get("_shown")
        if found is None:  # computed once: details are frozen
            found = []
            for f in dataclasses.fields(self):  # type: ignore[arg-type]
                value = getattr(self, f.name)
                if f.name not in self.ALWAYS and (value is None or value is False
                                                   or value in ("", (), [])):
                    continue
                found.append(f.name.rstrip("_"))
            self.__dict__["_shown"] = found
        return found

    def as_json(self) -> dict[str, Any]:
        """The fields with a value, JSON-ready (tuples as lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.items()}


def _attr(key: str) -> str:
    return "from_" if key == "from" else key


@dataclass(frozen=True)
class ControlDetail(Detail):
    """A place changes hands or is held: who holds it, by what verb, and how much of it.

    ``state`` is True for "X is held by Y" (a state), False for "Y captured X" (an event).
    ``share`` is the part held when the text gives one (0.4 for "40% of"). ``inferred``: the
    text names no taker ("the fall of X"), the holder comes from the dataset's timeline.
    """

    ALWAYS: ClassVar[tuple[str, ...]] = ("partial",)

    holder: str
    verb: str = ""
    state: bool = False
    partial: bool = False
    share: float | None = None
    by_agreement: bool = False
    inferred: bool = False


@dataclass(frozen=True)
class CeasefireDetail(Detail):
    """A ceasefire put in place: its daily hours (``HH:MM-HH:MM``) when given."""

    hours: str | None = None
    daily: bool = False
    note: str = ""


@dataclass(frozen=True)
class CorridorDetail(Detail):
    """A humanitarian corridor opened or closed, with its hours when given."""

    status: str = "open"
    hours: str | None = None
    note: str = ""


@dataclass(frozen=True)
class EvacuationDetail(Detail):
    """People leave a place for another: from, to (ids), who, how many people and buses."""

    from_: str | None = None
    to: tuple[str, ...] = ()
    who: str | None = None
    people: int | None = None
    buses: int | None = None


@dataclass(frozen=True)
class AgreementDetail(Detail):
    """An agreement or deal for a place, with the terms it names."""

    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class NegotiationDetail(Detail):
    """Talks about a place."""


@dataclass(frozen=True)
class WithdrawalDetail(Detail):
    """A faction leaves places; who holds them next is not said."""

    faction: str | None = None
    verb: str = ""


@dataclass(frozen=True)
class Notes(Detail):
    """What lowers a claim's confidence: a hedge, a vague date, a place from context."""

    hedged: bool = False
    date_note: str = ""
    context: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why a claim was proposed: the rule and pattern, the words that fired it.

    ``triggers`` are the trigger words as written; ``hedge`` and ``partial`` the words that
    hedge the claim or make it partial (empty when none).
    """

    rule: str
    pattern: str
    triggers: tuple[str, ...] = ()
    hedge: str = ""
    partial: str = ""

    def as_json(self) -> dict[str, Any]:
        """The explanation, JSON-ready."""
        return {"rule": self.rule, "pattern": self.pattern, "triggers": list(self.triggers),
                "hedge": self.hedge, "partial": self.partial}


@dataclass(frozen=True)
class Claim:
    """A claim a report makes, proposed to the analyst (nothing is written by extracting it).

    ``localities`` and ``factions`` are ids; ``date`` is the day the claim refers to and
    ``date_origin`` how it was found (``report``, ``explicit``, ``yesterday``, ``weekday``,
    ``relative``, ``today``, ``overnight``, ``vague``); ``confidence`` is in [0, 1];
    ``evidence`` is the sentence (index ``sentence_index`` of the report). ``info`` is the
    typed detail of the kind, ``notes`` what lowered the confidence, ``why`` the rule that
    fired. ``detail`` is ``info`` and ``notes`` as one mapping (the JSON ``detail``).
    """

    type: ClaimKind
    localities: tuple[str, ...]
    factions: tuple[str, ...]
    date: dt.date
    date_origin: str
    confidence: float
    evidence: str
    sentence_index: int
    info: Detail
    notes: Notes = field(default_factory=Notes)
    why: Explanation = field(default_factory=lambda: Explanation("", ""), compare=False)

    def __post_init__(self) -> None:
        """Take the kind as text and the detail as a plain mapping too (the ``ingest``
        document's ``detail``): its keys are shared out between the kind's detail and the
        notes, so a claim built either way writes the same rows."""
        try:
            kind = ClaimKind(self.type)
        except ValueError:
            raise ClaimError(f"unknown claim type {self.type!r}") from None
        object.__setattr__(self, "type", kind)
        if not isinstance(self.info, Detail):
            info, notes = detail_from_mapping(kind, self.info)
            object.__setattr__(self, "info", info)
            object.__setattr__(self, "notes", dataclasses.replace(self.notes, **{
                k: v for k, v in notes.items() if v not in ("", False)}))

    @functools.cached_property
    def detail(self) -> Mapping[str, Any]:
        """The kind's detail and the notes, as one read-only mapping."""
        return types.MappingProxyType({**self.info, **self.notes})

    def detail_json(self) -> dict[str, Any]:
        """``detail`` JSON-ready (the ``ingest`` document's ``detail``)."""
        return {**self.info.as_json(), **self.notes.as_json()}


DETAIL_TYPES: Mapping[ClaimKind, type[Detail]] = types.MappingProxyType({
    ClaimKind.CONTROL: ControlDetail, ClaimKind.CORRIDOR: CorridorDetail,
    ClaimKind.CEASEFIRE: CeasefireDetail, ClaimKind.EVACUATION: EvacuationDetail,
    ClaimKind.AGREEMENT: AgreementDetail, ClaimKind.NEGOTIATION: NegotiationDetail,
    ClaimKind.WITHDRAWAL: WithdrawalDetail})


def detail_from_mapping(kind: ClaimKind, values: Mapping[str, Any]
                        ) -> tuple[Detail, dict[str, Any]]:
    """A plain ``detail`` mapping as the kind's typed detail and the notes' values.

    Lists become tuples; ``from`` is the ``from_`` field.

    Raises
    ------
    ClaimError
        When a key belongs to neither, or a field the kind needs is missing.
    """
    cls = DETAIL_TYPES[kind]
    own = {f.name for f in dataclasses.fields(cls)}
    noted = {f.name for f in dataclasses.fields(Notes)}
    fields: dict[str, Any] = {}
    notes: dict[str, Any] = {}
    for key, value in values.items():
        name = _attr(key)
        value = tuple(value) if isinstance(value, list) else value
        if name in own:
            fields[name] = value
        elif name in noted:
            notes[name] = value
        else:
            raise ClaimError(f"a {kind} claim has no detail {key!r}")
    try:
        return cls(**fields), notes
    except TypeError as exc:
        raise ClaimError(f"a {kind} claim's detail is incomplete: {exc}") from None
