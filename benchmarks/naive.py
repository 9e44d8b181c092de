"""The naive baseline: one date's snapshot recomputed from scratch (Voronoi, clip, dissolve).

Written simply on purpose: it replays the control rows up to the date, tessellates the
points, clips the cells to the study area, dissolves them per faction with ``union_all``,
takes frontlines as the shared boundaries of the faction polygons, measures areas in the
metric CRS, and builds the same GeoJSON features. The only input it reuses between dates is
the study area (a property of the dataset, not of the date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.model import Dataset


def _rounded(coords: Any) -> Any:
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), 6) for c in coords]
    return [_rounded(c) for c in coords]


def _geojson(geom: BaseGeometry) -> dict[str, Any]:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    m = shapely.geometry.mapping(geom)
    return {"type": m["type"], "coordinates": _rounded(m["coordinates"])}


def _lines(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(shapely.get_parts(geom))
             if p.geom_type == "LineString" and not p.is_empty]
    return shapely.line_merge(shapely.MultiLineString(parts)) if parts else shapely.LineString()


class NaiveSnapshot:
    """Per-date recomputation; holds only the dataset, its points and its study area.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    study_area : shapely geometry
        The territory tessellated (WGS 84 degrees), e.g. ``Tessellation.study_area``.
    """

    def __init__(self, dataset: Dataset, study_area: BaseGeometry) -> None:
        self.ds = dataset
        crs = dataset.meta.metric_crs
        self.fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        self.locs = [loc for loc in dataset.localities if loc.territory]
        self.area_m = shapely.transform(
            study_area, lambda c: np.column_stack(self.fwd.transform(*c.T)))
        self.rows = sorted(dataset.control, key=lambda c: (c.date, c.line))

    def snapshot(self, day: dt.date) -> dict[str, Any]:
        """The snapshot of ``day``: control, frontline and locality features (WGS 84)."""
        holder: dict[str, str] = {}
        since: dict[str, dt.date] = {}
        for ch in self.rows:
            if ch.date > day:
                break
            if holder.get(ch.locality) != ch.faction:
                holder[ch.locality] = ch.faction
                since[ch.locality] = ch.date
        x, y = self.fwd.transform([p.lon for p in self.locs], [p.lat for p in self.locs])
        points = shapely.points(np.column_stack([x, y]))
        env = shapely.buffer(shapely.envelope(self.area_m), 50_000)
        regions = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints(points), extend_to=env))
        tree = shapely.STRtree(regions)
        pt_idx, reg_idx = tree.query(points, predicate="within")
        cells = np.empty(len(points), dtype=object)
        cells[pt_idx] = shapely.intersection(regions[reg_idx], self.area_m)
        factions: dict[str, list[int]] = {}
        for i, loc in enumerate(self.locs):
            factions.setdefault(holder[loc.id], []).append(i)
        polys = {f: shapely.union_all(cells[idx]) for f, idx in factions.items()}
        to_wgs = lambda g: shapely.transform(  # noqa: E731
            g, lambda c: np.column_stack(self.inv.transform(*c.T)))
        features: list[dict[str, Any]] = []
        for f in sorted(polys):
            fac = self.ds.faction(f)
            features.append({"type": "Feature", "geometry": _geojson(to_wgs(polys[f])),
                             "properties": {"kind": "control", "faction": f,
                                            "faction_name": fac.name, "color": fac.color,
                                            "area_km2": round(polys[f].area / 1e6, 3),
                                            "localities": sorted(self.locs[i].id
                                                                 for i in factions[f])}})
        names = sorted(polys)
        for a_i, a in enumerate(names):
            for b in names[a_i + 1:]:
                shared = _lines(shapely.intersection(polys[a].boundary, polys[b].boundary))
                if shared.is_empty or shared.length < 1.0:
                    continue
                features.append({"type": "Feature", "geometry": _geojson(to_wgs(shared)),
                                 "properties": {"kind": "frontline", "factions": [a, b]}})
        for loc in self.locs:
            fac = self.ds.faction(holder[loc.id])
            features.append({"type": "Feature",
                             "geometry": {"type": "Point", "coordinates": [
                                 round(loc.lon, 6), round(loc.lat, 6)]},
                             "properties": {"kind": "locality", "id": loc.id, "name": loc.name,
                                            "faction": fac.id, "color": fac.color,
                                            "since": since[loc.id].isoformat()}})
        return {"type": "FeatureCollection", "date": day.isoformat(),
                "dataset": self.ds.meta.id, "features": features}
