"""Uncertain control: places held under a low-confidence or date-disputed row; area ranges."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from geo.atlas import Atlas
from geo.citations import citation_label, parse_citation
from geo.model import ControlChange
from geo.snapshot import Feature, geometry_json
from geo.timeline import Timeline

#: Confidence levels whose control is drawn as uncertain (besides rows with ``alt_dates``).
UNCERTAIN_CONFIDENCE = ("low",)


def is_uncertain(row: ControlChange) -> bool:
    """True for a control row of low confidence or whose date other sources dispute."""
    return row.confidence in UNCERTAIN_CONFIDENCE or bool(row.alt_dates)


@dataclass(frozen=True)
class UncertainControl:
    """The ground held on ``day`` under uncertain control rows.

    ``rows`` maps each such territory locality (timeline order) to the row in force;
    ``polygons`` maps a faction id to the union of those places' cells that it holds
    (WGS 84 longitude/latitude, on the snapshot's output grid when the tessellation is).
    """

    day: dt.date
    rows: dict[str, ControlChange]
    polygons: dict[str, BaseGeometry]
    on_grid: bool = False


def uncertain_control(atlas: Atlas, day: dt.date) -> UncertainControl:
    """Which places are held under uncertain rows on ``day``, and their ground per faction.

    Parameters
    ----------
    atlas : Atlas
        The dataset with its timeline and tessellation.
    day : datetime.date
        A date of the dataset's period (else :class:`geo.errors.DateOutOfRange`).

    Returns
    -------
    UncertainControl
        The cells are merged per holding faction with the tessellation's cell tree, so a date
        costs about what one faction's control polygon does.
    """
    tl, tess = atlas.timeline, atlas.tessellation
    in_force = tl.rows_in_force(day)
    confidence, disputed = atlas.row_quality()
    rows_conf, rows_disp = confidence[in_force], disputed[in_force]  # -1 reads None, False
    where = np.flatnonzero(np.isin(rows_conf, UNCERTAIN_CONFIDENCE) | rows_disp)
    rows = {tl.locality_ids[i]: tl.rows[in_force[i]] for i in where.tolist()}
    state, _ = tl.state(day)
    holders = tess.cell_holders(state)
    mask = np.zeros(tess.n_cells, dtype=bool)
    mask[tess.cell_of_point[where]] = True
    polygons = {}
    for f in np.unique(holders[mask]).tolist():
        if f >= 0:
            polygons[tl.faction_ids[f]] = tess.union(mask & (holders == f))
    return UncertainControl(day=day, rows=rows, polygons=polygons, on_grid=tess.on_grid)


def uncertainty_note(row: ControlChange) -> str:
    """Why a row's control is uncertain, in plain text: its confidence, the other dates, and
    its first source (e.g. ``low confidence · other dates: 2018-02-25 · SMM Syria``)."""
    parts = []
    if row.confidence in UNCERTAIN_CONFIDENCE:
        parts.append(f"{row.confidence} confidence")
    if row.alt_dates:
        parts.append("other dates: " + ", ".join(d.isoformat() for d in row.alt_dates))
    first, _, more = row.source.partition(" | ")
    if first.strip():
        extra = f" and {more.count(' | ') + 1} more" if more.strip() else ""
        parts.append(f"source: {citation_label(parse_citation(first), 50)}{extra}")
    return " · ".join(parts)


def uncertain_features(unc: UncertainControl, atlas: Atlas) -> list[Feature]:
    """GeoJSON features (kind ``uncertain``) of the uncertain ground, one per faction.

    Properties: ``faction``, ``faction_name``, ``localities`` (the ids held under uncertain
    rows within it), ``low`` and ``disputed`` (how many of them have each reason).
    """
    ds = atlas.dataset
    out: list[Feature] = []
    for fid, geom in unc.polygons.items():
        ids = [lid for lid, row in unc.rows.items() if row.faction == fid]
        rows = [unc.rows[i] for i in ids]
        out.append({
            "type": "Feature",
            "geometry": geometry_json(geom, on_grid=unc.on_grid),
            "properties": {
                "kind": "uncertain", "faction": fid, "faction_name": ds.faction(fid).name,
                "localities": ids,
                "low": sum(r.confidence in UNCERTAIN_CONFIDENCE for r in rows),
                "disputed": sum(bool(r.alt_dates) for r in rows),
            },
        })
    return out


def _shifted(atlas: Atlas, latest: bool) -> Atlas:
    """The atlas with each disputed row moved to its earliest (or latest) date, clamped into
    the period; the tessellation is shared."""
    ds = atlas.dataset
    start, end = ds.meta.start, ds.meta.end
    pick = max if latest else min
    rows = tuple(
        dataclasses.replace(r, date=min(max(pick((r.date, *r.alt_dates)), start), end))
        if r.alt_dates else r for r in ds.control)
    shifted = dataclasses.replace(ds, control=rows)
    return Atlas(shifted, Timeline.build(shifted), atlas.tessellation)


def area_range(atlas: Atlas) -> list[dict[str, Any]]:
    """Area held by each faction on each date if the earliest, or the latest, dates held.

    Every control row with ``alt_dates`` is moved to the earliest of its dates, then to the
    latest, and the areas recomputed (km2, the dataset's metric CRS); the range of a faction
    on a date is the smallest and largest of the dataset's area and those two.

    Returns
    -------
    list of dict
        ``{"date", "faction", "faction_name", "area_km2", "low_km2", "high_km2"}``, in the
        order of :meth:`Atlas.area_series` (low = high = area where no date is disputed).
    """
    main = atlas.area_series()
    if not any(r.alt_dates for r in atlas.dataset.control):
        return [{**r, "low_km2": r["area_km2"], "high_km2": r["area_km2"]} for r in main]
    early = _shifted(atlas, latest=False).area_series()
    late = _shifted(atlas, latest=True).area_series()
    return [{**m, "low_km2": min(m["area_km2"], e["area_km2"], x["area_km2"]),
             "high_km2": max(m["area_km2"], e["area_km2"], x["area_km2"])}
            for m, e, x in zip(main, early, late, strict=True)]
