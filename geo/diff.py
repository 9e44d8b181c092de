"""Territory gained and lost between two dates: the ground that changed hands, per faction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from geo.atlas import Atlas
from geo.snapshot import Feature, geometry_json

#: Areas are rounded to this many decimals of km2 (as the snapshot's ``area_km2``).
AREA_DECIMALS = 3


def territory_diff(atlas: Atlas, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The ground that changed hands between ``start`` and ``end``, as GeoJSON.

    A tessellation cell counts as changed when its holder on ``end`` differs from its holder
    on ``start``; changed cells are merged per (new holder, former holder) pair. Areas are the
    cells' areas measured in the dataset's metric CRS (``dataset.meta.metric_crs``), the same
    numbers the snapshot's ``area_km2`` and the area chart add up, so for every faction
    ``gained_km2 - lost_km2 == area_to_km2 - area_from_km2`` (up to rounding to 1 m2).

    Parameters
    ----------
    atlas : Atlas
        The built dataset.
    start, end : datetime.date
        Dates within the dataset's period (else :class:`geo.errors.DateOutOfRange`);
        ``start`` after ``end`` is allowed and describes the change backwards.

    Returns
    -------
    dict
        An RFC 7946 FeatureCollection (WGS 84 lon/lat, at most 6 decimals, counter-clockwise
        exterior rings) with foreign members ``from``, ``to`` (``YYYY-MM-DD``), ``dataset``,
        ``dataset_name`` and ``factions``: one summary per faction that held ground on either
        date, ``{"faction", "faction_name", "color", "area_from_km2", "area_to_km2",
        "gained_km2", "lost_km2", "net_km2"}``. Each feature has ``properties.kind ==
        "gain"``, a (Multi)Polygon and ``faction`` (who holds it on ``to``; null when nobody
        does), ``faction_name``, ``color``, ``from_faction``, ``from_faction_name``,
        ``area_km2`` and ``localities`` (ids of the places in it that changed hands), largest
        area first.
    """
    ds, tess = atlas.dataset, atlas.tessellation
    state_a, _ = atlas.timeline.state(start)
    state_b, _ = atlas.timeline.state(end)
    cells_a = tess.cell_holders(state_a)
    cells_b = tess.cell_holders(state_b)
    fac_ids = atlas.timeline.faction_ids
    n_fac = len(fac_ids)

    def per_faction(holders: np.ndarray, mask: np.ndarray) -> np.ndarray:
        keep = mask & (holders >= 0)
        return np.bincount(holders[keep], weights=tess.area_km2[keep], minlength=n_fac)

    every = np.ones(tess.n_cells, dtype=bool)
    changed = cells_a != cells_b
    area_from = per_faction(cells_a, every)
    area_to = per_faction(cells_b, every)
    gained = per_faction(cells_b, changed)
    lost = per_faction(cells_a, changed)

    loc_ids = np.array(atlas.timeline.locality_ids, dtype=object)
    moved = state_a != state_b
    features: list[Feature] = []
    # one group per (new holder, former holder); -1 (nobody) sorts first, then index order
    pairs = sorted({(int(b), int(a)) for a, b in zip(cells_a[changed], cells_b[changed],
                                                      strict=True)})
    for to_f, from_f in pairs:
        mask = changed & (cells_b == to_f) & (cells_a == from_f)
        places = loc_ids[moved & (state_b == to_f) & (state_a == from_f)]
        to_fac = ds.faction(fac_ids[to_f]) if to_f >= 0 else None
        from_fac = ds.faction(fac_ids[from_f]) if from_f >= 0 else None
        features.append({
            "type": "Feature",
            "geometry": geometry_json(tess.union(mask), on_grid=tess.on_grid),
            "properties": {
                "kind": "gain",
                "faction": to_fac.id if to_fac else None,
                "faction_name": to_fac.name if to_fac else None,
                "color": to_fac.color if to_fac else None,
                "from_faction": from_fac.id if from_fac else None,
                "from_faction_name": from_fac.name if from_fac else None,
                "area_km2": _km2(tess.area_km2[mask].sum()),
                "localities": sorted(places.tolist()),
            },
        })
    features.sort(key=lambda f: -f["properties"]["area_km2"])
    summary = []
    for i, fid in enumerate(fac_ids):
        if not (area_from[i] or area_to[i]):
            continue
        fac = ds.faction(fid)
        summary.append({
            "faction": fid, "faction_name": fac.name, "color": fac.color,
            "area_from_km2": _km2(area_from[i]), "area_to_km2": _km2(area_to[i]),
            "gained_km2": _km2(gained[i]), "lost_km2": _km2(lost[i]),
            "net_km2": _km2(gained[i] - lost[i]),
        })
    return {
        "type": "FeatureCollection",
        "from": start.isoformat(),
        "to": end.isoformat(),
        "dataset": ds.meta.id,
        "dataset_name": ds.meta.name,
        "factions": summary,
        "features": features,
    }


def _km2(value: float) -> float:
    return round(float(value), AREA_DECIMALS) + 0.0  # + 0.0: no negative zero
