"""The side panel of a town: names, holder on the date, sourced history, report excerpts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

import streamlit as st

from geo.citations import parse_sources
from geo.ingest import Excerpt
from geo.model import ControlChange, Locality
from geo.uncertainty import UNCERTAIN_CONFIDENCE, is_uncertain
from views.paging import page_range
from views.text import highlight, md_escape, source_link, sources_markdown

#: Report excerpts drawn per page of a town's panel (Douma had 1,728 from one large report).
EXCERPTS_PER_PAGE = 20


class ExcerptSource(Protocol):
    """Where a panel reads a place's excerpts (``geo.report_index.ReportIndex``)."""

    def excerpt_count(self, locality_id: str) -> int: ...

    def excerpts(self, locality_id: str, *, offset: int = 0, limit: int = 20
                 ) -> list[Excerpt]: ...


def history_rows(
    history: Sequence[ControlChange], faction_names: Mapping[str, str]
) -> list[dict[str, str]]:
    """Control history as table rows, newest first (plain text: shown without HTML)."""
    return [
        {
            "date": c.date.isoformat(),
            "holder": faction_names.get(c.faction, c.faction),
            "kind": c.kind,
            "confidence": c.confidence,
            "other dates": "; ".join(d.isoformat() for d in c.alt_dates),
            "source": c.source,
            "detail": c.detail,
        }
        for c in sorted(history, key=lambda c: c.date, reverse=True)
    ]


def uncertainty_markdown(row: ControlChange) -> str:
    """Why the control shown is uncertain: confidence, other dates, the row's detail and its
    sources (escaped; links only after the scheme check)."""
    why = []
    if row.confidence in UNCERTAIN_CONFIDENCE:
        why.append(f"{row.confidence} confidence")
    if row.alt_dates:
        why.append("other dates given: " + ", ".join(d.isoformat() for d in row.alt_dates))
    text = f"**Uncertain control** ({md_escape('; '.join(why))})"
    if row.detail:
        text += "  \n" + md_escape(row.detail)
    return text + "  \nSources: " + sources_markdown(parse_sources(row.source))


def town_panel(
    loc: Locality,
    *,
    day: dt.date,
    holder: str | None,
    since: dt.date | None,
    history: Sequence[ControlChange],
    excerpts: ExcerptSource,
    faction_names: Mapping[str, str],
    in_force: ControlChange | None = None,
    pending_reports: int = 0,
) -> None:
    """Render the panel of ``loc`` for ``day``; every data and report string is escaped.

    ``excerpts`` gives the place's report excerpts (``geo.ingest.Excerpt``: date, source,
    sentence, start, end) page by page, newest first: at most ``EXCERPTS_PER_PAGE`` are drawn
    per run, however many the reports hold. ``pending_reports`` says how many reports are
    still being read (their excerpts are not counted yet). ``in_force`` is the control row
    in force on ``day``: when it is uncertain (``geo.uncertainty.is_uncertain``) the panel
    says why, with its other dates and sources.
    """
    st.markdown(f"### {md_escape(loc.name)}")
    if loc.alt_names:
        st.markdown("Also written: " + ", ".join(md_escape(n) for n in loc.alt_names))
    if holder:
        since_text = f" since {since.isoformat()}" if since else ""
        st.markdown(
            f"On {day.isoformat()}: held by **{md_escape(faction_names.get(holder, holder))}**"
            f"{since_text}"
        )
    elif not loc.territory:
        st.caption("A place outside the mapped territory (route end or waypoint).")
    if in_force is not None and is_uncertain(in_force):
        st.warning(uncertainty_markdown(in_force), icon=":material/help:")
    total = excerpts.excerpt_count(loc.id)
    if total:
        st.markdown(f"**Report excerpts** ({total:,}, newest first)")
        shown = page_range(total, EXCERPTS_PER_PAGE, key=f"excerpt-page-{loc.id}",
                           label="Excerpts page")
        for ex in excerpts.excerpts(loc.id, offset=shown.start, limit=len(shown)):
            with st.container(border=True):
                origin = source_link(ex.source) if ex.source else md_escape(ex.report_id)
                st.caption(f"{md_escape(ex.date)} · {origin}")
                st.markdown(highlight(ex.sentence, ex.start, ex.end))
    if pending_reports:
        st.caption(f"{pending_reports:,} report(s) still being read: their excerpts are not "
                   "counted yet.")
    rows = history_rows(history, faction_names)
    if rows:
        st.markdown("**Control history** (with sources)")
        st.dataframe(rows, hide_index=True, width="stretch")
    elif not total:
        st.caption("No control history or report excerpt for this place.")
