"""The Reports page: report list, highlighted text, claims to accept or reject, names, uploads.

Report text is never shown as HTML: it goes through ``views.text.md_escape`` (or widgets that
show plain text), and highlights are Streamlit's markdown colour directives around escaped
text. Each analyst's decisions live in ``st.session_state``; accepted claims are written into
the dataset's store with ``geo.accept`` (atomic, locked file writes, or one database
transaction), with the analyst's name or the identity a trusted proxy vouches for. Reports
come from the folder's on-disk index, and each request draws one page of one report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from geo.accept import accept_claim, add_alias, add_locality, citation
from geo.claims import Claim, confidence_level, rule_for
from geo.errors import ClaimError, Problem, ReportError, UnknownIdError, WriteError
from geo.ingest import IngestedReport
from geo.model import Dataset
from geo.report_index import ReportIndex, ReportSummary, SyncStatus
from geo.reports import Report
from geo.store import Store
from views import loaders
from views.paging import page_range, text_pages
from views.text import md_escape, source_link
from views.uploads import MAX_UPLOAD_MB, accept_upload, safe_filename

DECISIONS = "report_decisions"  # session key: claim key -> {"status", "message", "rows"}
NAME_RESULTS = "report_name_results"  # session key: report id -> [(ok, message)]
UPLOAD_RESULT = "report_upload_result"  # session key: (ok, message) of the last upload/paste
WANTED = "report_wanted"  # session key: id of a saved report to show once it is read
ANALYST = "analyst_name"  # session key: the name the analyst typed
PLACE_COLOR, FACTION_COLOR = "blue", "orange"
MAX_NAME_CHARS = 120
LONG_TEXT_CHARS = 2500  # longer report bodies scroll inside a box of fixed height
TEXT_PAGE_CHARS = 20_000  # a report's text is drawn one page of at most this many characters
CLAIMS_PER_PAGE = 50  # claims drawn per page (a 1.9 MB report proposes thousands)
NAMES_PER_PAGE = 10  # unresolved names drawn per page (each has two forms)
POLL_S = 2.0  # seconds between looks at the reports being read in the background
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


# ----------------------------------------------------------------------------- pure helpers

def claim_key(report_id: str, claim: Claim) -> str:
    """A stable key naming one claim of one report (for decisions and widget keys)."""
    ident = repr((report_id, claim.type, claim.localities, claim.factions,
                  claim.date.isoformat(), claim.sentence_index, claim.evidence))
    return hashlib.sha1(ident.encode("utf-8")).hexdigest()[:16]


def claim_in_dataset(claim: Claim, report: Report, dataset: Dataset) -> bool:
    """True when the dataset already holds this claim as accepted (it cites this sentence).

    The claim's rule says which rows accepting it writes; it is in when each of them is (a
    control row of that day, place and citation; an event of that day, type and citation).
    This is how an acceptance is still shown after a restart.
    """
    try:
        rows = rule_for(claim.type).rows(claim, source=citation(report, claim.evidence),
                                         dataset=dataset)
    except ClaimError:
        return False
    control = {(c.date.isoformat(), c.locality, c.source) for c in dataset.control
               if c.kind == "claim"}
    events = {(e.date.isoformat(), e.type, e.source) for e in dataset.events}
    for row in rows:
        v = row.values
        key = (v["date"], v.get("locality", v.get("type", "")), v["source"])
        if key not in (control if row.file == "control" else events):
            return False
    return bool(rows)


def written_rows(claim: Claim, report: Report, dataset: Dataset) -> list[dict[str, str]]:
    """What accepting ``claim`` writes, as rows to show (file, date, places, holder, source);
    empty when it cannot be written as it stands."""
    try:
        rows = rule_for(claim.type).rows(claim, source=citation(report, claim.evidence),
                                         dataset=dataset)
    except ClaimError:
        return []
    shown = ("date", "locality", "faction", "kind", "type", "localities", "factions",
             "confidence", "source")
    return [{"file": f"{r.file}.csv", **{k: r.values[k] for k in shown if k in r.values}}
            for r in rows]


def claim_explanation(claim: Claim) -> str:
    """Why a claim was proposed, escaped markdown: rule, pattern, trigger words, hedge, part."""
    why = claim.why
    parts = [f"rule **{md_escape(why.rule or str(claim.type))}**"]
    if why.pattern:
        parts.append(f"pattern *{md_escape(why.pattern)}*")
    if why.triggers:
        parts.append("triggered by " + ", ".join(f"“{md_escape(t)}”" for t in why.triggers))
    if why.hedge:
        parts.append(f"hedged by “{md_escape(why.hedge)}”")
    if why.partial:
        share = claim.detail.get("share")
        parts.append(f"partial: “{md_escape(why.partial)}”"
                     + (f" (share {share:.0%})" if isinstance(share, float) else ""))
    if claim.notes.context:
        parts.append(f"place or actor from the sentence before: “{md_escape(claim.notes.context)}”")
    return "Why: " + " · ".join(parts)


def identity(headers: Mapping[str, str] | None, header: str | None, typed: str | None
             ) -> str:
    """Who is accepting: the proxy's header when one is configured, else the typed name.

    The value is put on one line and cut to ``MAX_NAME_CHARS``; empty when unknown. With a
    header configured, a typed name is never used (the proxy is the only authority).
    """
    if header:
        value = next((v for k, v in (headers or {}).items() if k.lower() == header.lower()), "")
    else:
        value = typed or ""
    return " ".join(str(value).split())[:MAX_NAME_CHARS]


def report_rows(items: Sequence[ReportSummary]) -> list[dict[str, Any]]:
    """One table row per report: id, date, source, where the date came from, counts."""
    return [{"id": it.id, "date": it.date.isoformat(), "source": it.source,
             "date from": it.date_origin, "places": it.places, "claims": it.claims,
             "unresolved names": it.candidates, "size (KB)": round(it.size / 1024)}
            for it in items]


def _escape_piece(piece: str) -> str:
    """``md_escape`` that keeps one space at either end (so highlights stay separate words)."""
    lead = " " if piece[:1].isspace() else ""
    trail = " " if piece[-1:].isspace() and piece.strip() else ""
    return f"{lead}{md_escape(piece)}{trail}"


def highlight_report(text: str, places: Sequence[tuple[int, int]],
                     factions: Sequence[tuple[int, int]]) -> str:
    """Markdown of a report body with place and faction mentions highlighted, all escaped.

    Parameters
    ----------
    text : str
        The report body (``Report.text``).
    places, factions : sequence of (start, end)
        Character offsets into ``text``; overlapping spans keep the first (then the longest).

    Returns
    -------
    str
        Paragraphs separated by blank lines; highlights are ``:blue-background[...]``
        (places) and ``:orange-background[...]`` (factions) around escaped text, so nothing
        of the report can become a link, image, HTML or markdown structure.
    """
    spans = sorted([(s, e, PLACE_COLOR) for s, e in places]
                   + [(s, e, FACTION_COLOR) for s, e in factions],
                   key=lambda t: (t[0], -t[1]))
    kept: list[tuple[int, int, str]] = []
    for s, e, colour in spans:
        if 0 <= s < e <= len(text) and (not kept or s >= kept[-1][1]):
            kept.append((s, e, colour))
    blocks: list[tuple[int, int]] = []
    pos = 0
    for gap in [*_PARAGRAPH.finditer(text), None]:
        end = gap.start() if gap else len(text)
        if text[pos:end].strip():
            blocks.append((pos, end))
        pos = gap.end() if gap else end
    out = []
    for bs, be in blocks:
        parts, cur = [], bs
        for s, e, colour in kept:
            if s < bs or e > be:
                continue
            parts.append(_escape_piece(text[cur:s]))
            parts.append(f":{colour}-background[{md_escape(text[s:e])}]")
            cur = e
        parts.append(_escape_piece(text[cur:be]))
        out.append("".join(parts).strip())
    return "\n\n".join(out)


def claim_markdown(claim: Claim, place_names: Mapping[str, str],
                   faction_names: Mapping[str, str]) -> str:
    """One escaped markdown line describing a claim: type, places, factions, date, confidence."""
    places = ", ".join(md_escape(place_names.get(i, i)) for i in claim.localities) or "no place"
    holder = claim.detail.get("holder")
    parties = ", ".join(md_escape(faction_names.get(f, f)) for f in claim.factions)
    who = (f" held by **{md_escape(faction_names.get(holder, holder))}**" if holder
           else (f" · {parties}" if parties else ""))
    level = confidence_level(claim.confidence)
    facts = [md_escape(f) for f in rule_for(claim.type).facts(
        claim, lambda i: place_names.get(i, i), lambda f: faction_names.get(f, f))
        if not f.startswith(("held by", "taken by"))]
    extra = f" · {'; '.join(facts)}" if facts else ""
    return (f"**{md_escape(claim.type)}** · {places}{who} · {claim.date.isoformat()} "
            f"({md_escape(claim.date_origin)}) · confidence {claim.confidence:.2f} "
            f"({level}){extra}")


def slug_id(name: str) -> str:
    """A locality id proposal for a new name: the lower-case ASCII slug (``ayn-tarma``)."""
    return safe_filename(name, fallback="").removesuffix(".txt")


# ----------------------------------------------------------------------------- callbacks

def _decide_accept(key: str, claim: Claim, report: Report, store: Store,
                   dataset: Dataset, who: str) -> None:
    decisions = st.session_state.setdefault(DECISIONS, {})
    try:
        accept_claim(store, claim, report, dataset=dataset, who=who)
    except ClaimError as exc:
        decisions[key] = {"status": "refused", "message": f"Not written: {exc}"}
    except WriteError as exc:
        decisions[key] = {"status": "failed", "message": f"Not written: {exc}"}
    else:
        decisions[key] = {"status": "accepted", "rows": written_rows(claim, report, dataset),
                          "message": "Accepted: written into the dataset."}


def _decide_reject(key: str) -> None:
    st.session_state.setdefault(DECISIONS, {})[key] = {
        "status": "rejected", "message": "Rejected: nothing written."}


def _undo(key: str) -> None:
    st.session_state.setdefault(DECISIONS, {}).pop(key, None)


def _note(report_id: str, ok: bool, message: str) -> None:
    st.session_state.setdefault(NAME_RESULTS, {}).setdefault(report_id, []).append((ok, message))


def _add_alias(report_id: str, wkey: str, name: str, store: Store, who: str) -> None:
    loc = st.session_state.get(f"{wkey}-alias-of")
    if not loc:
        _note(report_id, False, f"Choose the locality that {name!r} names.")
        return
    try:
        add_alias(store, loc, name, who=who)
    except (ClaimError, UnknownIdError, WriteError) as exc:
        _note(report_id, False, f"Not written: {exc}")
    else:
        _note(report_id, True, f"{name!r} added as a spelling of {loc}.")


def _add_locality(report_id: str, wkey: str, store: Store, who: str) -> None:
    ss = st.session_state
    lat, lon = ss.get(f"{wkey}-lat"), ss.get(f"{wkey}-lon")
    if lat is None or lon is None:
        _note(report_id, False, "A new locality needs its latitude and longitude.")
        return
    try:
        add_locality(store, id=str(ss.get(f"{wkey}-id", "")).strip(),
                     name=str(ss.get(f"{wkey}-name", "")), lat=float(lat), lon=float(lon),
                     source=str(ss.get(f"{wkey}-source", "")),
                     kind=str(ss.get(f"{wkey}-kind", "town")), who=who)
    except (ClaimError, WriteError) as exc:
        _note(report_id, False, f"Not written: {exc}")
    else:
        _note(report_id, True, f"Locality {ss.get(f'{wkey}-id')!r} added (territory=0).")


def _save(seeds_dir: str, kind: str) -> None:
    ss = st.session_state
    if kind == "upload":
        upload = ss.get("upload_file")
        if upload is None:
            ss[UPLOAD_RESULT] = (False, "Choose a file to upload first.")
            return
        name, data, day = upload.name, upload.getvalue(), ss.get("upload_date")
    else:
        text = str(ss.get("paste_text") or "")
        name = str(ss.get("paste_title") or "").strip() or "pasted report"
        data, day = text.encode("utf-8"), ss.get("paste_date")
        name = name if name.lower().endswith((".txt", ".md")) else f"{name}.txt"
    try:
        path, report = accept_upload(seeds_dir, name, data, date=day)
    except ReportError as exc:
        ss[UPLOAD_RESULT] = (False, f"Not saved: {exc.problem}")
    except WriteError as exc:
        ss[UPLOAD_RESULT] = (False, f"Not saved: {exc}")
    else:
        ss[UPLOAD_RESULT] = (True, f"Saved as {path.name}: report {report.id} of "
                                   f"{report.date.isoformat()} (date from {report.date_origin}).")
        ss["report"] = ss[WANTED] = report.id  # shown once read (large ones: in background)


# ----------------------------------------------------------------------------- rendering

def render_problems(problems: Sequence[Problem]) -> None:
    """List broken report files as ``file:line: message`` (escaped)."""
    if problems:
        st.warning("Some report files cannot be read and are left out:\n\n"
                   + "\n".join(f"- {md_escape(p)}" for p in problems))


def render_report_text(item: IngestedReport) -> None:
    """The report's header and body with place and faction mentions highlighted, one page of
    at most ``TEXT_PAGE_CHARS`` characters at a time."""
    r = item.report
    st.markdown(f"#### {md_escape(r.title or r.id)}")
    st.caption(f"{r.date.isoformat()} (date from {md_escape(r.date_origin)}) · "
               f"{source_link(r.source)} · {md_escape(Path(r.path).name)}")
    st.caption(f":{PLACE_COLOR}-background[places] and :{FACTION_COLOR}-background[factions] "
               "are highlighted")
    pages = text_pages(r.text, TEXT_PAGE_CHARS)
    [page] = page_range(len(pages), 1, key=f"text-page-{r.id}", label="Text page")
    start, end = pages[page]
    with st.container(border=True, height=560 if end - start > LONG_TEXT_CHARS else "content"):
        st.markdown(highlight_report(
            r.text[start:end],
            [(m.start - start, m.end - start) for m in item.mentions
             if start <= m.start and m.end <= end],
            [(f.start - start, f.end - start) for f in item.factions
             if start <= f.start and f.end <= end]))


def render_claims(item: IngestedReport, *, dataset: Dataset, store: Store, who: str,
                  writable: bool) -> None:
    """The proposed claims with Accept / Reject per claim and the outcome of each decision."""
    report = item.report
    place_names = {loc.id: loc.name for loc in dataset.localities}
    faction_names = {f.id: f.name for f in dataset.factions}
    decisions = st.session_state.setdefault(DECISIONS, {})
    st.markdown(f"#### Proposed claims ({len(item.claims)})")
    if not item.claims:
        st.caption("No claim found in this report.")
    shown = page_range(len(item.claims), CLAIMS_PER_PAGE, key=f"claims-page-{report.id}",
                       label="Claims page")
    for n in shown:
        claim = item.claims[n]
        key = claim_key(report.id, claim)
        decision = decisions.get(key)
        if decision is None and claim_in_dataset(claim, report, dataset):
            decision = {"status": "accepted", "message": "Accepted: already in the dataset."}
        with st.container(border=True, key=f"claim-{n}"):
            st.markdown(claim_markdown(claim, place_names, faction_names))
            st.caption(f"Evidence: “{md_escape(claim.evidence)}”")
            st.caption(claim_explanation(claim))
            note = claim.detail.get("date_note")
            if note:
                st.caption(f"Date: {md_escape(note)}")
            if decision is None:
                c1, c2 = st.columns(2)
                c1.button("Accept", key=f"accept-{key}", type="primary", disabled=not writable,
                          on_click=_decide_accept,
                          args=(key, claim, report, store, dataset, who))
                c2.button("Reject", key=f"reject-{key}", on_click=_decide_reject, args=(key,))
                continue
            status = decision["status"]
            if status == "accepted":
                st.success(md_escape(decision["message"]))
                rows = decision.get("rows") or written_rows(claim, report, dataset)
                st.dataframe(rows, hide_index=True, width="stretch")
            elif status == "rejected":
                st.info(md_escape(decision["message"]))
                st.button("Undo", key=f"undo-{key}", on_click=_undo, args=(key,))
            else:
                st.error(md_escape(decision["message"]))
                st.button("Dismiss", key=f"undo-{key}", on_click=_undo, args=(key,))


def render_candidates(item: IngestedReport, *, dataset: Dataset, store: Store, who: str,
                      writable: bool) -> None:
    """Unresolved place-like names, each with forms to add it as an alias or a new locality."""
    report = item.report
    st.markdown(f"#### Unresolved place names ({len(item.candidates)})")
    for ok, message in st.session_state.get(NAME_RESULTS, {}).get(report.id, []):
        (st.success if ok else st.error)(md_escape(message))
    if not item.candidates:
        st.caption("Every place-like name of this report is known.")
    ids = sorted((loc.id for loc in dataset.localities),
                 key=lambda i: dataset.locality(i).name.lower())
    shown = page_range(len(item.candidates), NAMES_PER_PAGE, key=f"names-page-{report.id}",
                       label="Names page")
    for cand in (item.candidates[n] for n in shown):
        wkey = "name-" + hashlib.sha1(f"{report.id}|{cand.name}".encode()).hexdigest()[:12]
        with st.expander(f"“{md_escape(cand.name)}”"):
            with st.form(f"{wkey}-alias-form", border=False):
                st.selectbox("Add as a spelling of", ids, index=None, key=f"{wkey}-alias-of",
                             format_func=lambda i: dataset.locality(i).name)
                st.form_submit_button("Add alias", disabled=not writable, on_click=_add_alias,
                                      args=(report.id, wkey, cand.name, store, who))
            with st.form(f"{wkey}-new-form"):
                st.markdown("**Or add as a new locality** (shown on the map, not tessellated)")
                st.text_input("id (lower-case slug)", value=slug_id(cand.name), key=f"{wkey}-id")
                st.text_input("name", value=cand.name, key=f"{wkey}-name")
                c1, c2 = st.columns(2)
                c1.number_input("latitude (°, WGS 84)", min_value=-90.0, max_value=90.0,
                                value=None, format="%.6f", key=f"{wkey}-lat")
                c2.number_input("longitude (°, WGS 84)", min_value=-180.0, max_value=180.0,
                                value=None, format="%.6f", key=f"{wkey}-lon")
                st.selectbox("kind", ("town", "village", "city", "district", "camp", "site",
                                      "shelter", "waypoint"), key=f"{wkey}-kind")
                st.text_input("source of the coordinates (required)", key=f"{wkey}-source")
                st.form_submit_button("Add locality", disabled=not writable,
                                      on_click=_add_locality,
                                      args=(report.id, wkey, store, who))


def render_upload(seeds_dir: Path) -> None:
    """Forms to upload a report file or paste a report's text into the reports folder."""
    result = st.session_state.get(UPLOAD_RESULT)
    if result:
        (st.success if result[0] else st.error)(md_escape(result[1]))
    up, paste = st.columns(2)
    with up, st.form("upload_form"):
        st.file_uploader(f"Upload a report (.txt or .md, UTF-8, up to {MAX_UPLOAD_MB} MB)",
                         type=["txt", "md"], key="upload_file", max_upload_size=MAX_UPLOAD_MB)
        st.date_input("Report date (if the file has no 'date YYYY-MM-DD' line)", value=None,
                      min_value=dt.date(1900, 1, 1), key="upload_date")
        st.form_submit_button("Save uploaded report", on_click=_save,
                              args=(str(seeds_dir), "upload"))
    with paste, st.form("paste_form"):
        st.text_input("Title (becomes the file name)", key="paste_title")
        st.text_area("Report text", height=160, key="paste_text",
                     placeholder="date 2018-03-05\nThe text of the report...")
        st.date_input("Report date (if the text has no 'date YYYY-MM-DD' line)", value=None,
                      min_value=dt.date(1900, 1, 1), key="paste_date")
        st.form_submit_button("Save pasted report", on_click=_save,
                              args=(str(seeds_dir), "paste"))


def render_identity(store: Store, header: str | None) -> str:
    """Who is accepting (see ``identity``), with the field to type it when no proxy says."""
    if header:
        who = identity(st.context.headers, header, None)
        st.caption(f"Accepting as **{md_escape(who)}** (from the {md_escape(header)} header)"
                   if who else f"The proxy sent no {md_escape(header)} header: sign in "
                   "through it to accept claims.")
        return who
    st.text_input("Your name (recorded with each accept)", key=ANALYST,
                  max_chars=MAX_NAME_CHARS,
                  placeholder="required" if store.shared else "optional")
    who = identity(None, None, st.session_state.get(ANALYST))
    if store.shared and not who:
        st.caption("This dataset is shared: type your name to accept claims.")
    return who


def render_reading(reports: ReportIndex, status: SyncStatus, dataset: Dataset) -> None:
    """While reports wait to be read in the background: how many, and a rerun as they come."""
    if not status.pending:
        return

    @st.fragment(run_every=POLL_S)
    def progress() -> None:
        now = reports.status(dataset)
        if now.pending < status.pending:
            st.rerun(scope="app")
        st.info(f"{now.pending:,} report(s) ({now.pending_bytes / 1e6:.1f} MB) are being read "
                "in the background; they are listed here as they are read.")

    progress()


def render_page(dataset: Dataset, atlas_key: str, *, store: Store, seeds_dir: Path,
                writable: bool = True, identity_header: str | None = None,
                cache_dir: Path | None = None) -> None:
    """The whole Reports page for a loaded dataset and a reports folder.

    The reports come from the folder's on-disk index (``geo.report_index``): a request reads
    at most ``views.loaders.INLINE_BYTES`` of new reports (the rest is read in the
    background), loads the one report shown, and draws one page of its text, claims and
    names, however large the folder and the report are.

    Parameters
    ----------
    dataset : Dataset
        The dataset loaded from ``store`` (ids, names and accepted rows are read from it).
    atlas_key : str
        The loader's key of that dataset.
    store : Store
        Where accepted claims and new names are written.
    seeds_dir : Path
        Where reports are read and saved.
    writable : bool
        False while the dataset is invalid (nothing may be written then).
    identity_header : str, optional
        The header a trusted reverse proxy sets to the signed-in analyst; without it the
        analyst types a name (required for a shared database store).
    cache_dir : Path, optional
        Where the reports index is kept (None: a temporary folder of the server process).
    """
    st.title("Reports")
    who = render_identity(store, identity_header)
    if store.shared and not who:
        writable = False
    reports = loaders.report_index(seeds_dir, dataset, cache_dir, atlas_key)
    status = loaders.read_reports(reports, atlas_key, dataset)
    render_problems(reports.problems())
    items = reports.reports()
    with st.expander("Add a report (upload or paste)", expanded=not items):
        render_upload(seeds_dir)
    render_reading(reports, status, dataset)
    if not items:
        if not status.pending:
            st.info(f"No readable report in {md_escape(seeds_dir)}.")
        return
    st.dataframe(report_rows(items), hide_index=True, width="stretch")
    by_id = {it.id: it for it in items}
    ss = st.session_state
    if ss.get(WANTED) in by_id:  # a report just saved, now read
        ss["report"] = ss.pop(WANTED)
    if ss.get("report") not in by_id:
        ss["report"] = items[0].id
    chosen = st.selectbox("Report", list(by_id), key="report",
                          format_func=lambda i: f"{i} · {by_id[i].date.isoformat()}")
    item = loaders.ingested_report(reports, by_id[chosen])
    if item is None:  # changed or removed since it was listed
        st.info("This report changed since it was listed; it is being read again.")
        return
    left, right = st.columns([3, 2])
    with left:
        render_report_text(item)
    with right:
        render_claims(item, dataset=dataset, store=store, who=who, writable=writable)
        render_candidates(item, dataset=dataset, store=store, who=who, writable=writable)
