"""Compare two dates: the sidebar switch, the ordered span and the km2 table under the map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import streamlit as st

from geo.snapshot import dumps
from views.text import md_escape


def compare_controls(start: dt.date, end: dt.date) -> dt.date | None:
    """The sidebar's "compare with" switch and date; the other date, or None when off."""
    if not st.checkbox("Compare with another date", key="compare_on",
                       help="Show the ground that changed hands between that date and the "
                            "shown one, coloured by who gained it, with km² per faction."):
        return None
    day = st.date_input("Compare with", value=start, min_value=start, max_value=end,
                        key="compare_day", format="YYYY-MM-DD")
    return day if isinstance(day, dt.date) else None


def span(other: dt.date | None, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The two compared dates, earlier first (None when not comparing)."""
    if other is None:
        return None
    return (min(other, day), max(other, day))


def summary_rows(diff: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The km2 table: one row per faction with its area on each date and what it gained/lost."""
    a, b = diff["from"], diff["to"]
    return [{"faction": s["faction_name"], f"km² on {a}": s["area_from_km2"],
             f"km² on {b}": s["area_to_km2"], "gained": s["gained_km2"],
             "lost": s["lost_km2"], "net": s["net_km2"]}
            for s in diff["factions"]]


def compare_summary(diff: Mapping[str, Any]) -> None:
    """The table of km2 per faction under the map, the key to the colours and the download."""
    a, b = diff["from"], diff["to"]
    st.markdown(f"**Ground that changed hands, {md_escape(a)} → {md_escape(b)}** "
                "(filled in the colour of who gained it, outlined in white; km² measured in "
                "the dataset's metric projection, as in the area chart)")
    rows = [{k: (f"{v:+.1f}" if k == "net" else f"{v:.1f}") if isinstance(v, float)
             else md_escape(v) for k, v in row.items()} for row in summary_rows(diff)]
    st.table(rows)
    st.download_button("Download the changes (GeoJSON)", on_click="ignore",
                       data=lambda: dumps(diff), file_name=f"changes-{a}-to-{b}.geojson",
                       mime="application/geo+json", key="dl_diff")
