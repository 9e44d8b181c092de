"""Write an analyst's decisions into a dataset: accepted claims, new localities, new aliases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from geo.claims import Claim, ClaimRule, Row, confidence_level, rule_for
from geo.csvio import cell_text, shown
from geo.dataset import SLUG
from geo.errors import ClaimError, UnknownIdError
from geo.model import Dataset
from geo.normalize import normalize
from geo.reports import Report
from geo.store import Append, Store, using_store

LOCALITY_KINDS = ("city", "town", "village", "district", "camp", "site", "shelter", "waypoint")


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

    The claim's rule family says which rows it becomes (``geo.claims.rule_for(kind).rows``):
    a ``control`` claim one ``control.csv`` row per locality (``kind`` = ``claim``, ``faction``
    = the holder, ``detail`` = the evidence sentence), any other claim one ``events.csv`` row
    (``type`` = the claim type). ``accepted.csv`` logs who accepted
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
    rule = rule_for(claim.type)
    rows = rule.rows(claim, source=citation(report, claim.evidence), dataset=dataset)
    writes = [_append(rule, claim, [r for r in rows if r.file == file])
              for file in dict.fromkeys(r.file for r in rows)]
    with using_store(store) as target:
        target.append(*writes, _accepted_row(claim, report, who), who=who, action="accept",
                      note=f"{claim.type} claim of report {report.id}")


def _append(rule: ClaimRule, claim: Claim, rows: Sequence[Row]) -> Append:
    """The rows of one file, refused when the file has one with the same ``unique`` cells."""
    unique = rows[0].unique

    def refuse_clash(current: list[dict[str, str]]) -> None:
        taken = {tuple(r.get(k, "") for k in unique) for r in current}
        clash = [r for r in rows if tuple(r.values[k] for k in unique) in taken]
        if clash:
            raise ClaimError(rule.clash(claim, clash))

    return Append(rows[0].file, tuple(dict(r.values) for r in rows), sort_key=_by_date,
                  check=refuse_clash)


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
    return f"{claim.type} ({verb})" if isinstance(verb, str) and verb else str(claim.type)


def _by_date(row: Mapping[str, str]) -> str:
    return row.get("date", "")


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
