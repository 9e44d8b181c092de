"""Write an analyst's decisions into a dataset: accepted claims, new localities, new aliases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from geo.claims import Claim
from geo.csvio import cell_text, shown
from geo.dataset import SLUG
from geo.errors import ClaimError, UnknownIdError
from geo.model import Dataset
from geo.normalize import normalize
from geo.reports import Report
from geo.store import Append, Store, using_store

HIGH, MEDIUM = 0.75, 0.5
LOCALITY_KINDS = ("city", "town", "village", "district", "camp", "site", "shelter", "waypoint")


def confidence_level(confidence: float) -> str:
    """``high`` (>= 0.75), ``medium`` (>= 0.5) or ``low``: the dataset's confidence words."""
    if confidence >= HIGH:
        return "high"
    return "medium" if confidence >= MEDIUM else "low"


def citation(report: Report, evidence: str) -> str:
    """The ``source`` cell of an accepted claim: the report, its date and source, the sentence.

    All of it on one line as a cell holds it (``geo.csvio.cell_text``), so the dataset reads
    back this very text; `` | `` (the citation separator) is defused in the sentence.
    """
    flat = cell_text(evidence).replace(" | ", " / ")
    url = f" {cell_text(report.source)}" if cell_text(report.source) else ""
    return cell_text(f"report {report.id} ({report.date.isoformat()}){url}: {flat}")


def accept_claim(store: Store | Path | str, claim: Claim, report: Report, *,
                 dataset: Dataset, who: str = "") -> None:
    """Write an accepted claim into the dataset, citing the report and its sentence.

    A ``control`` claim becomes one ``control.csv`` row per locality (``kind`` = ``claim``,
    ``faction`` = the holder, ``detail`` = the evidence sentence); any other claim becomes
    one ``events.csv`` row (``type`` = the claim type). ``accepted.csv`` logs who accepted
    it, when, from which report and sentence. In a database store this is one transaction;
    in a directory each file's write is atomic and under its lock. Concurrent acceptances
    are all kept.

    Parameters
    ----------
    store : Store, Path or str
        The store to write into (a dataset directory or a ``postgresql://`` URL).
    claim : Claim
        The accepted claim.
    report : Report
        The report it comes from (id, date, source are cited).
    dataset : Dataset
        The dataset as loaded from the store (ids, territory flags and period are checked).
    who : str
        Who accepts it (an analyst's name, or the identity a proxy vouches for).

    Raises
    ------
    ClaimError
        When the claim cannot be written as it stands: unknown locality or faction id, no
        holder faction, a place that is not territory, a date outside the period, or a row
        that is already there; nothing is written.
    WriteError
        When the store cannot be written (nothing is changed).
    """
    unknown = [i for i in claim.localities if not dataset.has_locality(i)]
    unknown += [f for f in claim.factions if not dataset.has_faction(f)]
    if unknown:
        raise ClaimError(f"unknown id(s) {', '.join(unknown)}: add them to the dataset first")
    meta = dataset.meta
    if not meta.start <= claim.date <= meta.end:
        raise ClaimError(f"the claim's date {claim.date} is outside the dataset period "
                         f"{meta.start}..{meta.end}")
    source = citation(report, claim.evidence)
    detail = cell_text(claim.evidence)
    level = confidence_level(claim.confidence)
    log = _accepted_row(claim, report, who)
    if claim.type == "control":
        write = _accept_control(claim, dataset, detail=detail, source=source, level=level)
    else:
        write = _accept_event(claim, detail=detail, source=source, level=level)
    with using_store(store) as target:
        target.append(write, log, who=who, action="accept",
                      note=f"{claim.type} claim of report {report.id}")


def _accepted_row(claim: Claim, report: Report, who: str) -> Append:
    """The ``accepted.csv`` row of an accepted claim: when, who, which report and sentence."""
    row = {"accepted_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "who": cell_text(who), "report": cell_text(report.id),
           "report_date": report.date.isoformat(), "report_source": cell_text(report.source),
           "rule": _rule_name(claim), "date": claim.date.isoformat(),
           "localities": ";".join(claim.localities), "factions": ";".join(claim.factions),
           "sentence": cell_text(claim.evidence)}
    return Append("accepted", (row,))


def _rule_name(claim: Claim) -> str:
    """What proposed the claim: its type, and the verb its pattern matched when it says."""
    verb = claim.detail.get("verb")
    return f"{claim.type} ({verb})" if isinstance(verb, str) and verb else claim.type


def _by_date(row: Mapping[str, str]) -> str:
    return row.get("date", "")


def _accept_event(claim: Claim, *, detail: str, source: str, level: str) -> Append:
    row = {"date": claim.date.isoformat(), "end": "", "type": claim.type,
           "localities": ";".join(claim.localities), "factions": ";".join(claim.factions),
           "confidence": level, "detail": _event_detail(claim, detail), "source": source}

    def refuse_duplicate(rows: list[dict[str, str]]) -> None:
        for old in rows:
            if all(old.get(k, "") == row[k] for k in ("date", "type", "localities", "source")):
                raise ClaimError("this claim is already in events.csv")

    return Append("events", (row,), sort_key=_by_date, check=refuse_duplicate)


def _event_detail(claim: Claim, sentence: str) -> str:
    facts = []
    for key in ("hours", "from", "to", "who", "people", "buses", "status"):
        value = claim.detail.get(key)
        if value not in (None, "", [], False):
            facts.append(f"{key}={';'.join(value) if isinstance(value, list) else value}")
    if claim.detail.get("date_note"):
        facts.append(str(claim.detail["date_note"]))
    return cell_text(sentence + (f" [{', '.join(facts)}]" if facts else ""))


def _accept_control(claim: Claim, dataset: Dataset, *, detail: str, source: str,
                    level: str) -> Append:
    holder = claim.detail.get("holder") or (claim.factions[0] if claim.factions else None)
    if not holder:
        raise ClaimError("a control claim needs the faction that holds the place")
    if not dataset.has_faction(holder):
        raise ClaimError(f"unknown faction id {holder!r}")
    if not claim.localities:
        raise ClaimError("a control claim needs at least one locality")
    not_territory = [i for i in claim.localities if not dataset.locality(i).territory]
    if not_territory:
        raise ClaimError(f"{', '.join(not_territory)} take(s) no part in the territory "
                         "(territory=0): it cannot be held")
    day = claim.date.isoformat()
    note = f" [{claim.detail['date_note']}]" if claim.detail.get("date_note") else ""
    rows = [{"date": day, "locality": loc, "faction": holder, "kind": "claim",
             "confidence": level, "alt_dates": "", "detail": cell_text(detail + note),
             "source": source}
            for loc in claim.localities]

    def refuse_same_day(current: list[dict[str, str]]) -> None:
        taken = {(r.get("date", ""), r.get("locality", "")) for r in current}
        clash = [loc for loc in claim.localities if (day, loc) in taken]
        if clash:
            raise ClaimError(f"{', '.join(clash)} already change(s) hands on {day} in "
                             "control.csv: edit that row instead")

    return Append("control", tuple(rows), sort_key=_by_date, check=refuse_same_day)


def add_locality(store: Store | Path | str, *, id: str, name: str, lat: float, lon: float,
                 source: str, kind: str = "town", alt_names: Sequence[str] = (),
                 precision_m: float = 2000.0, placement: str = "estimated", note: str = "",
                 who: str = "") -> None:
    """Add a new locality (a place name the gazetteer could not resolve) to ``localities.csv``.

    The locality is added with ``territory=0`` (shown, not tessellated): making it territory
    needs its initial control row too, which is an edit for a person to make.

    Parameters
    ----------
    store : Store, Path or str
        The dataset's store (a directory or a ``postgresql://`` URL).
    id : str
        A new lower-case ASCII slug.
    name : str
        The primary English name.
    lat, lon : float
        The point, WGS 84 decimal degrees.
    source : str
        Where the point comes from (required).
    kind : str
        One of ``city``, ``town``, ``village``, ``district``, ``camp``, ``site``,
        ``shelter``, ``waypoint``.
    alt_names : sequence of str
        Other spellings.
    precision_m : float
        Radius (metres) within which the true position is believed to lie.
    placement : str
        ``published`` or ``estimated``.
    note : str
        For an estimated point: how it was placed.
    who : str
        Who adds it (kept in a database store's audit log).

    Raises
    ------
    ClaimError
        For a bad or taken id, an empty name or source, coordinates out of range, or an
        unknown kind or placement; nothing is written.
    """
    if not SLUG.match(id):
        raise ClaimError(f"id {shown(id)} is not a lower-case ASCII slug (like 'ayn-tarma')")
    name, source, note = cell_text(name), cell_text(source), cell_text(note)
    aliases = [cell_text(a) for a in alt_names if cell_text(a)]
    if not name or not source:
        raise ClaimError("a new locality needs a name and a source")
    if any(";" in a for a in aliases):
        raise ClaimError("an alternative name cannot contain ';' (the list separator)")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # False for NaN
        raise ClaimError(f"coordinates {lat}, {lon} are out of range (lat, lon in degrees)")
    if not 0 < precision_m < float("inf"):
        raise ClaimError(f"precision_m {precision_m} must be a distance in metres above 0")
    if kind not in LOCALITY_KINDS or placement not in ("published", "estimated"):
        raise ClaimError(f"kind {kind!r} / placement {placement!r} is not allowed")
    if placement == "estimated" and not note:
        note = "placed by an analyst from a report; position approximate"
    row = {"id": id, "name": name, "alt_names": ";".join(aliases),
           "kind": kind, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}",
           "precision_m": f"{precision_m:g}", "placement": placement, "territory": "0",
           "source": source, "note": note}

    def refuse_taken(current: list[dict[str, str]]) -> None:
        if any(r.get("id") == id for r in current):
            raise ClaimError(f"a locality with id {id!r} already exists")

    with using_store(store) as target:
        target.append(Append("localities", (row,), check=refuse_taken), who=who,
                      action="add locality", note=id)


def add_alias(store: Store | Path | str, locality_id: str, alias: str, *, who: str = ""
              ) -> None:
    """Add a spelling to a locality's ``alt_names`` (no change when it is already there).

    Raises
    ------
    UnknownIdError
        When no locality has this id.
    ClaimError
        For an empty alias or one with ``;`` (the list separator).
    """
    alias = cell_text(alias)
    if not alias or ";" in alias:
        raise ClaimError(f"alias {shown(alias)} is empty or contains ';'")

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row.get("id") == locality_id:
                names = [a for a in row.get("alt_names", "").split(";") if a.strip()]
                known = {normalize(n) for n in [row.get("name", ""), *names]}
                if normalize(alias) not in known:
                    row["alt_names"] = ";".join([*names, alias])
                return rows
        raise UnknownIdError(f"unknown locality id {shown(locality_id)}")

    with using_store(store) as target:
        target.revise("localities", change, who=who, action="add alias",
                      note=f"{locality_id}: {alias}")


__all__ = ["accept_claim", "add_alias", "add_locality", "citation", "confidence_level"]
