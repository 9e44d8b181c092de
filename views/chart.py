"""The chart of the area held by each faction over time, with the chosen date marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

#: Name of the one-row dataset that carries the chosen date (``{"date": "YYYY-MM-DD"}``).
DAY_DATASET = "chosen_day"
#: At most this many dates are drawn (about one per pixel column of a wide chart).
MAX_DATES = 400


def chart_rows(series: Sequence[Mapping[str, Any]], max_dates: int = MAX_DATES,
               fields: Sequence[str] = ("area_km2",)) -> list[dict[str, Any]]:
    """The rows the chart draws: every date up to ``max_dates`` dates, else evenly spaced ones.

    A country over years has thousands of dates (4,019 at the benchmark's scale: 24,000 rows,
    2 MB of JSON sent with every rerun and drawn again by the browser); a line chart a few
    hundred pixels wide shows no more than one date per pixel. Every ``k``-th date is kept,
    and always the first and the last, with their exact areas; only the fields the chart uses
    are sent.

    Parameters
    ----------
    series : sequence of mapping
        ``geo.atlas.Atlas.area_series()`` rows, grouped by date in date order.
    max_dates : int
        Upper bound on the number of distinct dates kept.
    fields : sequence of str
        The figures kept besides ``date`` and ``faction_name`` (``low_km2`` and
        ``high_km2`` too for ``geo.uncertainty.area_range`` rows).

    Returns
    -------
    list of dict
        ``{"date", "faction_name", "area_km2"}`` rows (km2), with ``fields``.
    """
    dates = list(dict.fromkeys(r["date"] for r in series))
    step = max(1, -(-len(dates) // max_dates))  # ceiling division
    keep = set(dates[::step]) | ({dates[-1]} if dates else set())
    return [{"date": r["date"], "faction_name": r["faction_name"],
             **{f: r[f] for f in fields}} for r in series if r["date"] in keep]


def area_chart(
    series: Sequence[Mapping[str, Any]], colors: Mapping[str, str], day: dt.date,
    show_range: bool = False,
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
        Rows from :func:`chart_rows` (``date``, ``faction_name``, ``area_km2``): long periods
        thinned once per dataset, not on every rerun.
    colors : mapping
        Faction display name -> ``#rrggbb``.
    day : datetime.date
        The date shown on the map.
    show_range : bool
        Shade each faction's range between ``low_km2`` and ``high_km2`` (the areas if the
        earliest or the latest of disputed dates held): the rows must carry them.

    Returns
    -------
    dict
        For ``st.vega_lite_chart``.
    """
    names = list(colors)
    color = {"field": "faction_name", "type": "nominal", "title": "faction",
             "scale": {"domain": names, "range": [colors[n] for n in names]}}
    x = {"field": "date", "type": "temporal", "title": None}

    def tooltip(*figures: tuple[str, str]) -> list[dict[str, Any]]:
        return [{"field": "date", "type": "temporal"},
                {"field": "faction_name", "type": "nominal", "title": "faction"},
                *({"field": f, "type": "quantitative", "format": ".1f", "title": t}
                  for f, t in figures)]

    band = [{
        "data": {"values": list(series)},
        "mark": {"type": "area", "opacity": 0.25},
        "encoding": {"x": x, "y": {"field": "low_km2", "type": "quantitative"},
                     "y2": {"field": "high_km2"}, "color": color,
                     "tooltip": tooltip(("low_km2", "km² if the earliest dates held"),
                                        ("high_km2", "km² if the latest dates held"))},
    }] if show_range else []
    line = {
        "data": {"values": list(series)},
        "mark": {"type": "line"},
        "encoding": {"x": x, "y": {"field": "area_km2", "type": "quantitative",
                                   "title": "area held (km²)"},
                     "color": color, "tooltip": tooltip(("area_km2", "km²"))},
    }
    rule = {
        "data": {"name": DAY_DATASET},
        "mark": {"type": "rule", "color": "#d62728", "strokeWidth": 2},
        "encoding": {"x": {"field": "date", "type": "temporal"}},
    }
    return {
        "height": 220,
        "layer": [*band, line, rule],
        "datasets": {DAY_DATASET: [{"date": day.isoformat()}]},
    }
