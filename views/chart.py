"""The chart of the area held by each faction over time, with the chosen date marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

#: Name of the one-row dataset that carries the chosen date (``{"date": "YYYY-MM-DD"}``).
DAY_DATASET = "chosen_day"


def area_chart(
    series: Sequence[Mapping[str, Any]], colors: Mapping[str, str], day: dt.date
) -> dict[str, Any]:
    """A Vega-Lite spec: lines of km2 per faction over the period and a rule at ``day``.

    A plain spec rather than an Altair chart: Altair's schema validation costs about
    80 ms per rerun, which the slider would pay on every move. The date comes in the named
    dataset ``DAY_DATASET``, which Streamlit sends apart from the spec: the spec stays the
    same from one date to the next, so the browser moves the rule in the chart it has
    instead of building a new chart (about 80 ms of the browser's time per slider move).

    Parameters
    ----------
    series : sequence of mapping
        ``geo.atlas.Atlas.area_series()`` rows (``date``, ``faction``, ``faction_name``,
        ``area_km2``).
    colors : mapping
        Faction display name -> ``#rrggbb``.
    day : datetime.date
        The date shown on the map.

    Returns
    -------
    dict
        For ``st.vega_lite_chart``.
    """
    names = list(colors)
    return {
        "height": 220,
        "layer": [
            {
                "data": {"values": [dict(r) for r in series]},
                "mark": {"type": "line"},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "title": None},
                    "y": {"field": "area_km2", "type": "quantitative",
                          "title": "area held (km²)"},
                    "color": {"field": "faction_name", "type": "nominal", "title": "faction",
                              "scale": {"domain": names, "range": [colors[n] for n in names]}},
                    "tooltip": [
                        {"field": "date", "type": "temporal"},
                        {"field": "faction_name", "type": "nominal", "title": "faction"},
                        {"field": "area_km2", "type": "quantitative", "format": ".1f",
                         "title": "km²"},
                    ],
                },
            },
            {
                "data": {"name": DAY_DATASET},
                "mark": {"type": "rule", "color": "#d62728", "strokeWidth": 2},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            },
        ],
        "datasets": {DAY_DATASET: [{"date": day.isoformat()}]},
    }
