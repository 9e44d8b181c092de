"""The area chart's data: every date of a short period, a faithful thinning of a long one."""

from __future__ import annotations

import datetime as dt
import itertools

from views.chart import MAX_DATES, area_chart, chart_rows


def series(n_days: int, factions=("Government", "Rebels", "Others")) -> list[dict]:
    start = dt.date(2012, 1, 1)
    return [{"date": (start + dt.timedelta(days=i)).isoformat(), "faction": name.lower(),
             "faction_name": name, "area_km2": float(i * (k + 1))}
            for i in range(n_days) for k, name in enumerate(factions)]


def test_a_short_period_keeps_every_row_with_only_the_fields_drawn() -> None:
    rows = chart_rows(series(56))
    assert len(rows) == 56 * 3
    assert set(rows[0]) == {"date", "faction_name", "area_km2"}


def test_a_long_period_is_thinned_to_evenly_spaced_exact_dates() -> None:
    full = series(4019)
    rows = chart_rows(full)
    dates = sorted({r["date"] for r in rows})
    assert len(dates) <= MAX_DATES + 1
    assert dates[0] == full[0]["date"] and dates[-1] == full[-1]["date"]
    gaps = {(dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days
            for a, b in itertools.pairwise(dates[:-1])}
    assert len(gaps) == 1  # evenly spaced (the last date is added to whatever step ends)
    exact = {(r["date"], r["faction_name"]): r["area_km2"] for r in full}
    assert all(exact[(r["date"], r["faction_name"])] == r["area_km2"] for r in rows)
    assert all(sum(r["date"] == d for r in rows) == 3 for d in dates)  # every faction


def test_the_chart_marks_the_chosen_date_apart_from_its_data() -> None:
    spec = area_chart(chart_rows(series(10)), {"Government": "#d7191c", "Rebels": "#1a9641",
                                               "Others": "#999999"}, dt.date(2012, 1, 5))
    assert spec["datasets"]["chosen_day"] == [{"date": "2012-01-05"}]
    assert len(spec["layer"][0]["data"]["values"]) == 30
