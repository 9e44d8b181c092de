"""The chart of the area held by each faction over time, with the chosen date marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt


def area_chart(
    series: Sequence[Mapping[str, Any]], colors: Mapping[str, str], day: dt.date
) -> alt.LayerChart:
    """Lines of km2 per faction over the period and a rule at ``day``.

    Parameters
    ----------
    series : sequence of mapping
        ``geo.atlas.Atlas.area_series()`` rows (``date``, ``faction``, ``faction_name``,
        ``area_km2``).
    colors : mapping
        Faction display name -> ``#rrggbb``.
    day : datetime.date
        The date shown on the map.
    """
    data = alt.Data(values=[dict(r) for r in series])
    names = list(colors)
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("area_km2:Q", title="area held (km²)"),
            color=alt.Color(
                "faction_name:N",
                title="faction",
                scale=alt.Scale(domain=names, range=[colors[n] for n in names]),
            ),
            tooltip=["date:T", "faction_name:N", alt.Tooltip("area_km2:Q", format=".1f")],
        )
    )
    rule = (
        alt.Chart(alt.Data(values=[{"date": day.isoformat()}]))
        .mark_rule(color="#d62728", strokeWidth=2)
        .encode(x="date:T")
    )
    return alt.layer(lines, rule).properties(height=220)
