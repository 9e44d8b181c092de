"""One date as an RFC 7946 GeoJSON FeatureCollection (the snapshot contract of GUIDE section 2)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry.base import BaseGeometry

from geo.model import Corridor, Dataset, Locality, Route
from geo.territory import COORD_DECIMALS, ControlGeometry

GRID = 10.0 ** -COORD_DECIMALS

Feature = dict[str, Any]


def sources(text: str) -> list[str]:
    """Split a ``source`` cell into its citations (separated by `` | ``)."""
    return [s.strip() for s in text.split(" | ") if s.strip()]


def _round(coords: Any) -> Any:
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), COORD_DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def geometry_json(geom: BaseGeometry, *, on_grid: bool = False) -> dict[str, Any]:
    """RFC 7946 geometry: lon/lat, at most 6 decimals, counter-clockwise exterior rings.

    Parameters
    ----------
    geom : shapely geometry
        In WGS 84 lon/lat degrees. GeometryCollections are not allowed by the contract and
        must have been reduced by the caller.
    on_grid : bool
        The caller guarantees ``geom`` is valid with every vertex already on the 1e-6 degree
        grid (see :attr:`geo.territory.Tessellation.on_grid`): polygons are not re-rounded
        and re-checked.
    """
    kind = geom.geom_type
    if kind == "GeometryCollection":
        raise ValueError("GeometryCollection is not part of the snapshot contract")
    if kind in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom if on_grid else _on_grid(geom), exterior_cw=False)
        kind = geom.geom_type
    if geom.is_empty or shapely.has_z(geom):
        mapping = shapely.geometry.mapping(geom)
        return {"type": mapping["type"], "coordinates": _round(mapping["coordinates"])}
    return {"type": kind, "coordinates": _nested_coordinates(geom)}


def _on_grid(geom: BaseGeometry) -> BaseGeometry:
    """A polygon with its coordinates on the output grid, still valid.

    Plain rounding of every vertex is tried first: it keeps vertices that neighbouring
    polygons share identical, and costs a fraction of snap rounding. When it would leave an
    invalid polygon (vertices closer than the grid), snap rounding (``set_precision``) is
    used instead, which is valid by construction.
    """
    rounded = shapely.transform(geom, lambda c: np.round(c, COORD_DECIMALS))
    if not rounded.is_empty and rounded.is_valid:
        return rounded
    return shapely.set_precision(geom, GRID)


def _nested_coordinates(geom: BaseGeometry) -> list[Any]:
    """GeoJSON ``coordinates`` of a 2D geometry, rounded in one numpy pass (no recursion)."""
    _, coords, offsets = shapely.to_ragged_array([geom])
    level: list[Any] = np.round(coords, COORD_DECIMALS).tolist()
    for off in offsets:  # innermost (rings, lines) first, then parts, then the geometry
        bounds = off.tolist()
        level = [level[a:b] for a, b in itertools.pairwise(bounds)]
    return level[0]


def _path_line(path: Sequence[str], dataset: Dataset) -> dict[str, Any]:
    coords = []
    for lid in path:
        loc = dataset.locality(lid)
        coords.append([round(loc.lon, COORD_DECIMALS), round(loc.lat, COORD_DECIMALS)])
    return {"type": "LineString", "coordinates": coords}


def corridor_status(corridor: Corridor, day: dt.date) -> str | None:
    """``open`` or ``closed`` when the corridor's period covers ``day``, else None."""
    last = corridor.closed
    if day < corridor.opened or (last is not None and day > last):
        return None
    return "closed" if day in corridor.suspended else "open"


def corridor_feature(corridor: Corridor, dataset: Dataset, status: str) -> Feature:
    """The snapshot feature of a corridor (kind ``corridor``)."""
    return {
        "type": "Feature",
        "geometry": _path_line(corridor.path, dataset),
        "properties": {
            "kind": "corridor", "id": corridor.id, "name": corridor.name, "status": status,
            "hours": corridor.hours,
            "opened": corridor.opened.isoformat(),
            "closed": corridor.closed.isoformat() if corridor.closed else None,
            "from": corridor.path[0], "to": corridor.path[-1],
            "precision": corridor.precision, "detail": corridor.detail,
            "sources": sources(corridor.source),
        },
    }


def route_feature(route: Route, dataset: Dataset) -> Feature:
    """The snapshot feature of an evacuation route (kind ``route``)."""
    return {
        "type": "Feature",
        "geometry": _path_line(route.path, dataset),
        "properties": {
            "kind": "route", "id": route.id, "from": route.origin, "to": route.destination,
            "from_name": dataset.locality(route.origin).name,
            "to_name": dataset.locality(route.destination).name,
            "start": route.start.isoformat(), "end": route.end.isoformat(),
            "group": route.group, "people": route.people,
            "people_low": route.people_low, "people_high": route.people_high,
            "buses": route.buses, "precision": route.precision, "detail": route.detail,
            "sources": sources(route.source),
        },
    }


def control_features(
    geometry: ControlGeometry, dataset: Dataset, faction_ids: Sequence[str],
    localities_by_faction: Mapping[int, list[str]],
) -> list[Feature]:
    """Control polygons and frontlines as snapshot features (kinds ``control``, ``frontline``)."""
    out: list[Feature] = []
    for f in sorted(geometry.polygons):
        faction = dataset.faction(faction_ids[f])
        out.append({
            "type": "Feature",
            "geometry": geometry_json(geometry.polygons[f], on_grid=geometry.on_grid),
            "properties": {
                "kind": "control", "faction": faction.id, "faction_name": faction.name,
                "color": faction.color, "side": faction.side,
                "area_km2": round(geometry.areas_km2[f], 3),
                "localities": sorted(localities_by_faction.get(f, [])),
            },
        })
    for (fa, fb), line in sorted(geometry.frontlines.items()):
        if line.is_empty:
            continue
        pair = sorted([faction_ids[fa], faction_ids[fb]])
        out.append({
            "type": "Feature",
            "geometry": geometry_json(line),
            "properties": {
                "kind": "frontline", "factions": pair,
                "faction_names": [dataset.faction(p).name for p in pair],
            },
        })
    return out


def locality_feature(
    loc: Locality, dataset: Dataset, faction_id: str | None, since: dt.date,
    excerpts: int, confidence: str | None, disputed: bool,
) -> Feature:
    """The snapshot feature of a territory locality (kind ``locality``)."""
    faction = dataset.faction(faction_id) if faction_id else None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": (round(loc.lon, COORD_DECIMALS),
                                                      round(loc.lat, COORD_DECIMALS))},
        "properties": {
            "kind": "locality", "id": loc.id, "name": loc.name,
            "alt_names": tuple(loc.alt_names), "locality_kind": loc.kind,
            "faction": faction_id, "faction_name": faction.name if faction else None,
            "color": faction.color if faction else None,
            "since": since.isoformat(), "excerpts": excerpts,
            "confidence": confidence, "disputed": disputed,
            "placement": loc.placement, "precision_m": loc.precision_m,
        },
    }


@dataclass(frozen=True)
class LocalityTable:
    """The date-independent parts of the locality features, prepared once per dataset.

    :meth:`features` then builds every locality feature of a date in one pass, with the same
    content as :func:`locality_feature` called for each locality. The point geometry and the
    ``alt_names`` of a locality are made once and shared by every date's feature. Sequences
    in locality features are tuples (JSON arrays all the same): read-only, and invisible to
    the garbage collector once it has seen them, so the features cached for every control
    row do not lengthen its full collections (the snapshot's slowest 5 %).
    """

    static: tuple[tuple[Any, ...], ...]  # per locality: id, name, alt names, kind, geometry, ...
    factions: tuple[tuple[str | None, str | None, str | None], ...]  # id, name, colour; last: none
    first_ordinal: int
    days_iso: tuple[str, ...]  # ISO text of each day from first_ordinal on

    @classmethod
    def build(cls, dataset: Dataset, locality_ids: Sequence[str],
              faction_ids: Sequence[str]) -> LocalityTable:
        """Prepare the localities ``locality_ids`` and factions ``faction_ids`` (index order)."""
        static = []
        for lid in locality_ids:
            loc = dataset.locality(lid)
            point = {"type": "Point", "coordinates": (round(loc.lon, COORD_DECIMALS),
                                                      round(loc.lat, COORD_DECIMALS))}
            static.append((loc.id, loc.name, tuple(loc.alt_names), loc.kind, point,
                           loc.placement, loc.precision_m))
        facs = [(f.id, f.name, f.color) for f in map(dataset.faction, faction_ids)]
        start, end = dataset.meta.start, dataset.meta.end
        days = tuple((start + dt.timedelta(days=i)).isoformat()
                     for i in range((end - start).days + 1))
        return cls(tuple(static), (*facs, (None, None, None)), start.toordinal(), days)

    def features(self, holder: Sequence[int], since_ordinal: Sequence[int],
                 excerpts: Sequence[int], confidence: Sequence[str | None],
                 disputed: Sequence[bool]) -> list[Feature]:
        """Locality features (kind ``locality``), one per prepared locality, in order.

        Parameters
        ----------
        holder : sequence of int
            Faction index per locality (-1: nobody).
        since_ordinal : sequence of int
            Proleptic Gregorian ordinal of the day the holding began, within the period.
        excerpts : sequence of int
            Number of report excerpts per locality.
        confidence : sequence of str or None
            Confidence of the control row in force (None: no row).
        disputed : sequence of bool
            Whether sources give other dates for that row.
        """
        return self.subset_features(range(len(self.static)), holder, since_ordinal, excerpts,
                                    confidence, disputed)

    def subset_features(self, which: Sequence[int], holder: Sequence[int],
                        since_ordinal: Sequence[int], excerpts: Sequence[int],
                        confidence: Sequence[str | None], disputed: Sequence[bool]
                        ) -> list[Feature]:
        """As :meth:`features`, for the prepared localities at positions ``which`` only."""
        facs, days, first = self.factions, self.days_iso, self.first_ordinal
        static = self.static
        out: list[Feature] = []
        append = out.append
        for (lid, name, alts, kind, point, placement, prec), f, s, n, c, d in zip(
                (static[i] for i in which), holder, since_ordinal, excerpts, confidence,
                disputed, strict=True):
            fid, fname, color = facs[f]
            append({
                "type": "Feature",
                "geometry": point,
                "properties": {
                    "kind": "locality", "id": lid, "name": name, "alt_names": alts,
                    "locality_kind": kind, "faction": fid, "faction_name": fname,
                    "color": color, "since": days[s - first], "excerpts": n,
                    "confidence": c, "disputed": d, "placement": placement,
                    "precision_m": prec,
                },
            })
        return out


def feature_collection(dataset: Dataset, day: dt.date, features: list[Feature]) -> dict[str, Any]:
    """Wrap features into the snapshot FeatureCollection with its foreign members."""
    return {
        "type": "FeatureCollection",
        "date": day.isoformat(),
        "dataset": dataset.meta.id,
        "dataset_name": dataset.meta.name,
        "features": features,
    }


def dumps(collection: Mapping[str, Any]) -> str:
    """The exact text written for a snapshot (CLI and app downloads share it).

    Parameters
    ----------
    collection : mapping
        A FeatureCollection from :meth:`geo.atlas.Atlas.snapshot`.

    Returns
    -------
    str
        UTF-8 JSON text, keys in insertion order, ending with a newline: the text of
        ``json.dumps(collection, ensure_ascii=False, separators=(",", ":"))``, encoded by
        orjson (about ten times faster), except that non-finite numbers, which no JSON
        reader accepts, are written ``null``.
    """
    try:
        raw = orjson.dumps(collection, default=_json_default)
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates, non-string keys
        raw = None
    if raw is not None and not _orjson_differs(raw):
        return raw.decode("utf-8") + "\n"
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default) + "\n"


def _orjson_differs(raw: bytes) -> bool:
    """Whether orjson's text may differ from ``json.dumps``'s: numbers below 1e-4 in magnitude.

    orjson writes ``0.00001`` and ``1e-7`` where ``json.dumps`` writes ``1e-05`` and
    ``1e-07``. Such text (rare: a coordinate within 11 m of the equator or the prime
    meridian, or the same characters inside a string) is written again by ``json.dumps``.
    Found with ``bytes.find`` (linear, and a hundred times faster than a regex here).
    """
    for needle, digit_before in ((b"0.0000", False), (b"e-", True)):
        at = raw.find(needle)
        while at >= 0:
            if (at > 0 and raw[at - 1:at].isdigit()) == digit_before:
                return True
            at = raw.find(needle, at + 1)
    return False


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
