"""The timeline as a GeoPackage for QGIS: one layer per kind, each feature with its validity dates.

Every feature carries ``valid_from`` and ``valid_to`` (GeoPackage DATE fields, both days
included), so QGIS's temporal controller animates the layers directly ("Separate fields for
start and end date", "include start, include end"). A control polygon or a frontline is one
feature for as long as it stays the same (the same cells or shared edges), not one per day;
a locality is one feature per control row in force (its holder, confidence and source).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.atlas import Atlas
from geo.errors import GeoError
from geo.snapshot import sources

#: At most this many control periods (days on which control changed, plus one) per export.
MAX_PERIODS = 500
#: The layers written, in order: the five snapshot kinds and the study area.
LAYERS = ("control", "frontline", "locality", "corridor", "route", "study_area")

# column types: str, int, float, bool, date, json (a list written as JSON text)
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "control": (("faction", "str"), ("faction_name", "str"), ("color", "str"), ("side", "str"),
                ("area_km2", "float"), ("localities", "json")),
    "frontline": (("factions", "json"), ("faction_names", "json")),
    "locality": (("id", "str"), ("name", "str"), ("alt_names", "json"),
                 ("locality_kind", "str"), ("faction", "str"), ("faction_name", "str"),
                 ("color", "str"), ("change_kind", "str"), ("confidence", "str"),
                 ("disputed", "bool"), ("alt_dates", "json"), ("detail", "str"),
                 ("sources", "json"), ("placement", "str"), ("precision_m", "float")),
    "corridor": (("id", "str"), ("name", "str"), ("hours", "str"), ("opened", "date"),
                 ("closed", "date"), ("suspended", "json"), ("from", "str"), ("to", "str"),
                 ("precision", "str"), ("detail", "str"), ("sources", "json")),
    "route": (("id", "str"), ("from", "str"), ("to", "str"), ("from_name", "str"),
              ("to_name", "str"), ("start", "date"), ("end", "date"), ("group", "str"),
              ("people", "int"), ("people_low", "int"), ("people_high", "int"),
              ("buses", "int"), ("precision", "str"), ("detail", "str"), ("sources", "json")),
    "study_area": (("dataset", "str"), ("name", "str"), ("note", "str")),
}
_GEOMETRY = {"control": "MultiPolygon", "frontline": "MultiLineString", "locality": "Point",
             "corridor": "LineString", "route": "LineString", "study_area": "MultiPolygon"}


class ExportTooLarge(GeoError, ValueError):
    """An export would exceed its bound; the message says how to narrow it."""


@dataclass
class _Layer:
    rows: list[dict[str, Any]] = field(default_factory=list)
    geoms: list[BaseGeometry] = field(default_factory=list)

    def add(self, geom: BaseGeometry, first: dt.date, last: dt.date, /, **props: Any) -> None:
        self.rows.append({**props, "valid_from": first, "valid_to": last})
        self.geoms.append(geom)


def periods(atlas: Atlas, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods of unchanged control in ``start..end``: (first day, last day) pairs."""
    cuts = [start, *(d for d in atlas.change_dates() if start < d <= end)]
    return [(a, (cuts[i + 1] - dt.timedelta(days=1)) if i + 1 < len(cuts) else end)
            for i, a in enumerate(cuts)]


def timeline_layers(atlas: Atlas, start: dt.date | None = None, end: dt.date | None = None,
                    *, max_periods: int = MAX_PERIODS) -> dict[str, _Layer]:
    """Every layer's features (geometry, properties with ``valid_from``/``valid_to``).

    Raises :class:`ExportTooLarge` when ``start..end`` holds more than ``max_periods``
    periods of unchanged control.
    """
    tl, tess, ds = atlas.timeline, atlas.tessellation, atlas.dataset
    start = start or tl.start
    end = end or tl.end
    tl.check_date(start)
    tl.check_date(end)
    if end < start:
        raise ExportTooLarge(f"the range ends ({end}) before it starts ({start})")
    spans = periods(atlas, start, end)
    if len(spans) > max_periods:
        raise ExportTooLarge(
            f"{start}..{end} has {len(spans)} periods of unchanged control, more than the "
            f"{max_periods} one export may hold: choose a shorter range")
    layers = {name: _Layer() for name in LAYERS}
    _territory(atlas, spans, layers["control"], layers["frontline"])
    _localities(atlas, start, end, layers["locality"])
    for c in ds.corridors:
        last = c.closed or tl.end
        if c.opened <= end and last >= start:
            layers["corridor"].add(
                _path(ds, c.path), max(c.opened, start), min(last, end), id=c.id, name=c.name,
                hours=c.hours, opened=c.opened, closed=c.closed,
                suspended=[d.isoformat() for d in c.suspended], **{"from": c.path[0]},
                to=c.path[-1], precision=c.precision, detail=c.detail,
                sources=sources(c.source))
    for r in ds.routes:
        if r.start <= end and r.end >= start:
            layers["route"].add(
                _path(ds, r.path), max(r.start, start), min(r.end, end), id=r.id,
                **{"from": r.origin}, to=r.destination,
                from_name=ds.locality(r.origin).name, to_name=ds.locality(r.destination).name,
                start=r.start, end=r.end, group=r.group, people=r.people,
                people_low=r.people_low, people_high=r.people_high, buses=r.buses,
                precision=r.precision, detail=r.detail, sources=sources(r.source))
    layers["study_area"].add(tess.study_area, start, end, dataset=ds.meta.id,
                             name=ds.meta.name, note=ds.study_area_note)
    return layers


def _territory(atlas: Atlas, spans: Sequence[tuple[dt.date, dt.date]], control: _Layer,
               front: _Layer) -> None:
    """Control polygons and frontlines, one feature per unchanged stretch."""
    tl, tess, ds = atlas.timeline, atlas.tessellation, atlas.dataset
    fac = [ds.faction(f) for f in tl.faction_ids]
    loc_ids = np.array(tl.locality_ids, dtype=object)
    open_poly: dict[int, tuple[bytes, int]] = {}  # faction -> (cells key, row index)
    open_line: dict[tuple[int, int], tuple[bytes, int]] = {}
    for a, b in spans:
        state, _ = tl.state(a)
        holders = tess.cell_holders(state)
        geometry = tess.control(holders)
        seen = set()
        for f, poly in sorted(geometry.polygons.items()):
            key = np.packbits(holders == f).tobytes()
            seen.add(f)
            if f in open_poly and open_poly[f][0] == key:
                control.rows[open_poly[f][1]]["valid_to"] = b
                continue
            open_poly[f] = (key, len(control.rows))
            control.add(poly, a, b, faction=fac[f].id, faction_name=fac[f].name,
                        color=fac[f].color, side=fac[f].side,
                        area_km2=round(geometry.areas_km2[f], 3),
                        localities=sorted(loc_ids[state == f].tolist()))
        for f in set(open_poly) - seen:
            del open_poly[f]
        ha, hb = holders[tess.pair_a], holders[tess.pair_b]
        lines_seen = set()
        for pair, line in sorted(geometry.frontlines.items()):
            if line.is_empty:
                continue
            lo, hi = pair
            on = ((ha == lo) & (hb == hi)) | ((ha == hi) & (hb == lo))
            key = np.packbits(on).tobytes()
            lines_seen.add(pair)
            if pair in open_line and open_line[pair][0] == key:
                front.rows[open_line[pair][1]]["valid_to"] = b
                continue
            open_line[pair] = (key, len(front.rows))
            ids = sorted([fac[lo].id, fac[hi].id])
            front.add(line, a, b, factions=ids,
                      faction_names=[ds.faction(i).name for i in ids])
        for pair in set(open_line) - lines_seen:
            del open_line[pair]


def _localities(atlas: Atlas, start: dt.date, end: dt.date, layer: _Layer) -> None:
    """One point per territory locality and control row in force within ``start..end``."""
    ds, tl = atlas.dataset, atlas.timeline
    for lid in tl.locality_ids:
        loc = ds.locality(lid)
        point = shapely.Point(loc.lon, loc.lat)
        rows = tl.history(lid)
        bounds = [r.date for r in rows[1:]] + [end + dt.timedelta(days=1)]
        stretches: list[tuple[dt.date, dt.date, Any]] = []
        if not rows or rows[0].date > start:  # nobody recorded before the first row
            stretches.append((start, (rows[0].date if rows else bounds[-1])
                              - dt.timedelta(days=1), None))
        stretches += [(r.date, nxt - dt.timedelta(days=1), r)
                      for r, nxt in zip(rows, bounds, strict=True)]
        for a, b, row in stretches:
            a, b = max(a, start), min(b, end)
            if a > b:
                continue
            faction = ds.faction(row.faction) if row is not None else None
            layer.add(point, a, b, id=loc.id, name=loc.name, alt_names=list(loc.alt_names),
                      locality_kind=loc.kind, faction=faction.id if faction else None,
                      faction_name=faction.name if faction else None,
                      color=faction.color if faction else None,
                      change_kind=row.kind if row else None,
                      confidence=row.confidence if row else None,
                      disputed=row.disputed if row else False,
                      alt_dates=[d.isoformat() for d in row.alt_dates] if row else [],
                      detail=row.detail if row else None,
                      sources=sources(row.source) if row else [],
                      placement=loc.placement, precision_m=loc.precision_m)


def _path(ds: Any, path: Iterable[str]) -> BaseGeometry:
    return shapely.LineString([(ds.locality(i).lon, ds.locality(i).lat) for i in path])


def _field(kind: str, values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """One column as a numpy array for pyogrio, with its null mask (None: no nulls)."""
    mask = np.array([v is None for v in values], dtype=bool)
    if kind == "date":
        arr = np.array([v.isoformat() if v is not None else "NaT" for v in values],
                       dtype="datetime64[D]")
    elif kind == "int":
        arr = np.array([0 if v is None else int(v) for v in values], dtype=np.int64)
    elif kind == "float":
        arr = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    elif kind == "bool":
        arr = np.array([bool(v) for v in values], dtype=bool)
    elif kind == "json":
        arr = np.array([json.dumps(v, ensure_ascii=False) for v in values], dtype=object)
    else:
        arr = np.array(["" if v is None else str(v) for v in values], dtype=object)
    return arr, (mask if mask.any() else None)


def write_gpkg(path: Path | str, layers: Mapping[str, _Layer]) -> None:
    """Write ``layers`` (from :func:`timeline_layers`) into a new GeoPackage at ``path``."""
    from pyogrio.raw import write

    for name in LAYERS:
        layer = layers[name]
        columns = (*_COLUMNS[name], ("valid_from", "date"), ("valid_to", "date"))
        data, masks = [], []
        for col, kind in columns:
            arr, mask = _field(kind, [r.get(col) for r in layer.rows])
            data.append(arr)
            masks.append(mask)
        geometry = shapely.to_wkb(np.array(layer.geoms, dtype=object)) if layer.geoms \
            else np.array([], dtype=object)
        write(str(path), geometry, data, [c for c, _ in columns],
              field_mask=masks if any(m is not None for m in masks) else None, layer=name,
              driver="GPKG", geometry_type=_GEOMETRY[name], crs="EPSG:4326",
              promote_to_multi=_GEOMETRY[name].startswith("Multi"), append=False,
              layer_options={"IDENTIFIER": name, "DESCRIPTION": f"{name} with valid_from/"
                             "valid_to (days included)"})


def timeline_gpkg(atlas: Atlas, start: dt.date | None = None, end: dt.date | None = None
                  ) -> bytes:
    """The timeline of ``start..end`` (default: the whole period) as GeoPackage bytes.

    Parameters
    ----------
    atlas : Atlas
        The built dataset.
    start, end : datetime.date, optional
        The range to export, within the dataset's period.

    Returns
    -------
    bytes
        A GeoPackage (WGS 84, EPSG:4326) with the layers ``LAYERS``; every feature has
        ``valid_from`` and ``valid_to`` DATE fields (both days included). Lists (locality
        ids, names, sources) are JSON text.

    Raises
    ------
    ExportTooLarge
        When the range holds more than ``MAX_PERIODS`` periods of unchanged control.
    """
    layers = timeline_layers(atlas, start, end)
    folder = tempfile.mkdtemp(prefix="timeline-gpkg-")
    target = Path(folder) / "timeline.gpkg"
    try:
        write_gpkg(target, layers)
        return target.read_bytes()
    finally:
        for p in Path(folder).iterdir():
            p.unlink()
        os.rmdir(folder)
