"""What every rule family is, and the claim builder the families share.

A family extracts claims from a sentence and says what accepting one writes into the
dataset; ``build_claim`` gives every claim its date, confidence, notes and explanation.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from geo.claims.core import (
    BASE_CONFIDENCE,
    CONTEXT_PENALTY,
    HEDGE_PENALTY,
    VAGUE_DATE_PENALTY,
    Claim,
    ClaimKind,
    Detail,
    Explanation,
    Notes,
)
from geo.claims.document import Document
from geo.csvio import cell_text
from geo.model import Dataset

HIGH, MEDIUM = 0.75, 0.5


def confidence_level(confidence: float) -> str:
    """``high`` (>= 0.75), ``medium`` (>= 0.5) or ``low``: the dataset's confidence words."""
    if confidence >= HIGH:
        return "high"
    return "medium" if confidence >= MEDIUM else "low"


@dataclass(frozen=True)
class Row:
    """A dataset row an accepted claim becomes: the file (``geo.dataset.FILES`` key), the
    values by column, and the columns no two rows of the file may share."""

    file: str
    values: Mapping[str, str]
    unique: tuple[str, ...]


class ClaimRule(ABC):
    """One family of claims: its kinds, its extraction, the rows an accepted claim becomes."""

    name: ClassVar[str]
    kinds: ClassVar[tuple[ClaimKind, ...]]
    #: words (lower case, parts of words allowed) a sentence must hold for the rule to fire
    cues: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def extract(self, doc: Document, i: int) -> list[Claim]:
        """The claims of sentence ``i`` of ``doc``."""

    @abstractmethod
    def rows(self, claim: Claim, *, source: str, dataset: Dataset) -> list[Row]:
        """The rows accepting ``claim`` writes (``source``: its citation).

        Raises
        ------
        ClaimError
            When the claim cannot be written as it stands.
        """

    def clash(self, claim: Claim, rows: Sequence[Row]) -> str:
        """Why the claim cannot be written when ``rows`` are already in the dataset."""
        return f"this claim is already in {rows[0].file}.csv"

    def facts(self, claim: Claim, place: Callable[[str], str],
              faction: Callable[[str], str]) -> list[str]:
        """What the Reports page shows of a claim's detail, as plain text phrases."""
        return []


def build_claim(doc: Document, index: int, kind: ClaimKind, localities: Sequence[str],
                factions: Sequence[str], info: Detail, why: Explanation, *,
                day: tuple[dt.date, str, str], confidence: float = BASE_CONFIDENCE,
                context: str = "", hedge: str = "") -> Claim:
    """A claim of sentence ``index`` with its date, confidence and notes.

    Parameters
    ----------
    day : tuple of (datetime.date, str, str)
        The day, its origin and note (``geo.claims.dates.resolve_date``).
    confidence : float
        Before the penalties: a place or actor from an earlier sentence (``context``, that
        sentence's text), a hedge (``hedge``, its words), a vague date.
    """
    date, origin, note = day
    if origin == "vague":
        confidence -= VAGUE_DATE_PENALTY
    if context:
        confidence -= CONTEXT_PENALTY
    if hedge:
        confidence -= HEDGE_PENALTY
    notes = Notes(hedged=bool(hedge), date_note=note if origin in ("vague", "month", "year")
                  else "",
                  context=context)
    return Claim(kind, tuple(dict.fromkeys(localities)), tuple(dict.fromkeys(factions)), date,
                 origin, round(max(0.05, min(1.0, confidence)), 2),
                 doc.report.sentences[index].text, index, info, notes, why)


def text_date(doc: Document, text: str, context: str = "") -> tuple[dt.date, str, str]:
    """The day a sentence's text gives (else its context sentence's, else the report's)."""
    day = doc.date_in(text)
    if day[1] == "report" and context:
        day = doc.date_in(context)
    return day


_EVENT_FACTS = ("hours", "from", "to", "who", "people", "buses", "status")


class EventRule(ClaimRule):
    """A family whose accepted claims become one ``events.csv`` row each (``type`` = kind)."""

    def rows(self, claim: Claim, *, source: str, dataset: Dataset) -> list[Row]:
        """One ``events.csv`` row: the sentence with the claim's facts, citing the report."""
        facts = []
        detail = claim.detail
        for key in _EVENT_FACTS:
            value = detail.get(key)
            if value not in (None, "", [], (), False):
                shown = ";".join(value) if isinstance(value, (list, tuple)) else value
                facts.append(f"{key}={shown}")
        if claim.notes.date_note:
            facts.append(claim.notes.date_note)
        return [Row("events", {
            "date": claim.date.isoformat(), "end": "", "type": str(claim.type),
            "localities": ";".join(claim.localities), "factions": ";".join(claim.factions),
            "confidence": confidence_level(claim.confidence),
            "detail": cell_text(claim.evidence + (f" [{', '.join(facts)}]" if facts else "")),
            "source": source}, ("date", "type", "localities", "source"))]

    def facts(self, claim: Claim, place: Callable[[str], str],
              faction: Callable[[str], str]) -> list[str]:
        """Hours, who, how many, and where to."""
        out = []
        for key in ("hours", "who", "people", "buses", "status"):
            value = claim.detail.get(key)
            if value not in (None, "", [], (), False):
                out.append(f"{key} {value}")
        to = claim.detail.get("to")
        if to:
            out.append("to " + ", ".join(place(t) for t in to))
        return out
