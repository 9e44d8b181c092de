"""Write an analyst's decisions into a dataset: accepted claims, new localities, new aliases."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geo.claims import Claim
from geo.csvio import cell_text, shown
from geo.dataset import COLUMNS, FILES, SLUG
from geo.errors import ClaimError, UnknownIdError
from geo.model import Dataset
from geo.normalize import normalize
from geo.reports import Report
from geo.storage import append_csv_rows, rewrite_csv

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


def accept_claim(data_dir: Path | str, claim: Claim, report: Report, *, dataset: Dataset
                 ) -> None:
    """Write an accepted claim into the dataset, citing the report and its sentence.

    A ``control`` claim becomes one ``control.csv`` row per locality (``kind`` = ``claim``,
    ``faction`` = the holder, ``detail`` = the evidence sentence); any other claim becomes
    one ``events.csv`` row (``type`` = the claim type). The write is atomic and under the
    file's lock, so concurrent acceptances are all kept.

    Parameters
    ----------
    data_dir : Path or str
        The dataset directory to write into.
    claim : Claim
        The accepted claim.
    report : Report
        The report it comes from (id, date, source are cited).
    dataset : Dataset
        The dataset as loaded from ``data_dir`` (ids, territory flags and period are checked).

    Raises
    ------
    ClaimError
        When the claim cannot be written as it stands: unknown locality or faction id, no
        holder faction, a place that is not territory, a date outside the period, or a row
        that is already there; nothing is written.
    WriteError
        When the file cannot be written (the old file is intact).
    """
    root = Path(data_dir)
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
    if claim.type == "control":
        _accept_control(root, claim, dataset, detail=detail, source=source, level=level)
        return
    row = {"date": claim.date.isoformat(), "end": "", "type": claim.type,
           "localities": ";".join(claim.localities), "factions": ";".join(claim.factions),
           "confidence": level, "detail": _event_detail(claim, detail), "source": source}

    def refuse_duplicate(rows: list[dict[str, str]]) -> None:
        for old in rows:
            if all(old.get(k, "") == row[k] for k in ("date", "type", "localities", "source")):
                raise ClaimError("this claim is already in events.csv")

    append_csv_rows(root / FILES["events"], COLUMNS["events"], [row],
                    sort_key=lambda r: r.get("date", ""), check=refuse_duplicate)


def _event_detail(claim: Claim, sentence: str) -> str:
    facts = []
    for key in ("hours", "from", "to", "who", "people", "buses", "status"):
        value = claim.detail.get(key)
        if value not in (None, "", [], False):
            facts.append(f"{key}={';'.join(value) if isinstance(value, list) else value}")
    if claim.detail.get("date_note"):
        facts.append(str(claim.detail["date_note"]))
    return cell_text(sentence + (f" [{', '.join(facts)}]" if facts else ""))


def _accept_control(root: Path, claim: Claim, dataset: Dataset, *, detail: str, source: str,
                    level: str) -> None:
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

    append_csv_rows(root / FILES["control"], COLUMNS["control"], rows,
                    sort_key=lambda r: r.get("date", ""), check=refuse_same_day)


def add_locality(data_dir: Path | str, *, id: str, name: str, lat: float, lon: float,
                 source: str, kind: str = "town", alt_names: Sequence[str] = (),
                 precision_m: float = 2000.0, placement: str = "estimated", note: str = ""
                 ) -> None:
    """Add a new locality (a place name the gazetteer could not resolve) to ``localities.csv``.

    The locality is added with ``territory=0`` (shown, not tessellated): making it territory
    needs its initial control row too, which is an edit for a person to make.

    Parameters
    ----------
    data_dir : Path or str
        The dataset directory.
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

    append_csv_rows(Path(data_dir) / FILES["localities"], COLUMNS["localities"], [row],
                    check=refuse_taken)


def add_alias(data_dir: Path | str, locality_id: str, alias: str) -> None:
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

    rewrite_csv(Path(data_dir) / FILES["localities"], COLUMNS["localities"], change)


__all__ = ["accept_claim", "add_alias", "add_locality", "citation", "confidence_level"]
