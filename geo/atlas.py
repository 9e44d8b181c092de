"""A dataset with its timeline and tessellation built once: snapshots, areas, exports per date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np

from geo.model import ControlChange, Dataset
from geo.snapshot import (
    Feature,
    LocalityTable,
    control_features,
    corridor_feature,
    corridor_status,
    feature_collection,
    route_feature,
)
from geo.store import Store, using_store
from geo.territory import ControlGeometry, Tessellation
from geo.timeline import Timeline


@dataclass(frozen=True, eq=False)
class Atlas:
    """Everything date-independent about a dataset, computed once; every method is pure.

    Build it with :meth:`build` (or :func:`load_atlas`) and share it: it is immutable, so one
    instance can serve every user of the app.
    """

    dataset: Dataset
    timeline: Timeline
    tessellation: Tessellation

    @classmethod
    def build(cls, dataset: Dataset) -> Atlas:
        """Build the timeline and the tessellation of a validated dataset."""
        timeline = Timeline.build(dataset)
        locs = [dataset.locality(i) for i in timeline.locality_ids]
        tess = Tessellation.build(
            [loc.lon for loc in locs], [loc.lat for loc in locs], dataset.study_area,
            metric_crs=dataset.meta.metric_crs, max_distance_m=dataset.meta.max_distance_m,
        )
        return cls(dataset, timeline, tess)

    # -- per-date queries ------------------------------------------------------------------

    def cell_holders(self, day: dt.date) -> np.ndarray:
        """Faction index of each tessellation cell on ``day`` (-1: nobody)."""
        state, _ = self.timeline.state(day)
        return self.tessellation.cell_holders(state)

    def control(self, day: dt.date) -> ControlGeometry:
        """Control polygons, frontlines and areas (km2) on ``day``."""
        return self.tessellation.control(self.cell_holders(day))

    def holder(self, locality_id: str, day: dt.date) -> tuple[str | None, dt.date]:
        """Faction id holding a territory locality on ``day`` and since when."""
        return self.timeline.holder(locality_id, day)

    def history(self, locality_id: str) -> tuple[ControlChange, ...]:
        """The control rows of a territory locality, oldest first (empty for far places)."""
        if locality_id not in self.timeline._loc_index:
            return ()
        return self.timeline.history(locality_id)

    def row_quality(self) -> tuple[np.ndarray, np.ndarray]:
        """Confidence (object array) and disputed flag (bool) of each timeline row, each
        followed by one entry (None, False) that index -1 (no row in force) reads."""
        prep = self._prepared
        return prep.row_confidence, prep.row_disputed

    def change_dates(self) -> tuple[dt.date, ...]:
        """Dates on which at least one locality changed hands."""
        return self.timeline.change_dates()

    def snapshot(self, day: dt.date, *, excerpt_counts: Mapping[str, int] | None = None
                 ) -> dict[str, Any]:
        """The GeoJSON snapshot of ``day`` (GUIDE section 2 contract).

        Parameters
        ----------
        day : datetime.date
            A date within the dataset's period (else :class:`geo.errors.DateOutOfRange`).
        excerpt_counts : mapping of str to int, optional
            Number of report excerpts per locality id (0 where missing).

        Returns
        -------
        dict
            An RFC 7946 FeatureCollection in WGS 84 lon/lat, with foreign members ``date``
            and ``dataset``; features of kinds control, frontline, locality, corridor, route.
        """
        prep = self._prepared
        state, since = self.timeline.state(day)
        geometry = self.tessellation.control(self.tessellation.cell_holders(state))
        fac_ids = self.timeline.faction_ids
        # locality ids per faction, sorted by id: one stable sort of the id-sorted order
        ranked = prep.by_id[np.argsort(state[prep.by_id], kind="stable")]
        held = state[ranked]
        cuts = np.flatnonzero(np.diff(held)) + 1
        by_faction: dict[int, list[str]] = {
            int(held[g[0]]): prep.ids[ranked[g]].tolist()
            for g in np.split(np.arange(len(held)), cuts) if len(g)}
        features: list[Feature] = control_features(geometry, self.dataset, fac_ids, by_faction)
        rows = self.timeline.rows_in_force(day)
        counts = np.zeros(len(state), dtype=np.int64)
        for lid, n in (excerpt_counts or {}).items():
            pos = prep.position.get(lid)
            if pos is not None:
                counts[pos] = int(n)
        features += self._locality_features(state, since, rows, counts)
        for corridor in self.dataset.corridors:
            status = corridor_status(corridor, day)
            if status:
                features.append(corridor_feature(corridor, self.dataset, status))
        for route in self.dataset.routes:
            if route.start <= day <= route.end:
                features.append(route_feature(route, self.dataset))
        return feature_collection(self.dataset, day, features)

    def _locality_features(self, state: np.ndarray, since: np.ndarray, rows: np.ndarray,
                           counts: np.ndarray) -> list[Feature]:
        """Locality features of a date, reusing those of earlier snapshots.

        A locality's feature depends only on the control row in force (holder, since,
        confidence) and its excerpt count, so it is built once per (row, count) and shared,
        read-only, by every snapshot in which that row is in force. Features without excerpts
        (most of them) sit in an array indexed by row, looked up for all localities at once;
        the others in a dict. Both grow at most to one entry per control row and excerpt
        count: bounded by the dataset.
        """
        prep = self._prepared
        n_rows = len(prep.row_confidence) - 1
        # one slot per control row, then one per locality for "no row in force yet"
        slot = np.where(rows >= 0, rows, n_rows + np.arange(len(rows)))
        out = prep.plain_features[slot]
        excerpted = np.flatnonzero(counts)
        for i in excerpted.tolist():
            out[i] = prep.feature_cache.get((int(slot[i]), int(counts[i])))
        missing = np.flatnonzero(out == None)  # noqa: E711 (elementwise, object array)
        if len(missing):
            rows_m = rows[missing]
            built = prep.localities.subset_features(
                missing.tolist(), state[missing].tolist(), since[missing].tolist(),
                counts[missing].tolist(), prep.row_confidence[rows_m].tolist(),
                prep.row_disputed[rows_m].tolist())
            for i, feat in zip(missing.tolist(), built, strict=True):
                out[i] = feat
                if counts[i]:
                    prep.feature_cache[(int(slot[i]), int(counts[i]))] = feat
                else:
                    prep.plain_features[slot[i]] = feat
        return cast(list[Feature], out.tolist())

    @cached_property
    def _prepared(self) -> _Prepared:
        """Date-independent lookups for :meth:`snapshot`, made on first use."""
        ids = np.array(self.timeline.locality_ids, dtype=object)
        rows = self.timeline.rows
        return _Prepared(
            localities=LocalityTable.build(self.dataset, self.timeline.locality_ids,
                                           self.timeline.faction_ids),
            ids=ids, by_id=np.argsort(ids.astype(str), kind="stable"),
            # one extra entry at the end, for index -1 (no row in force)
            row_confidence=np.array([r.confidence for r in rows] + [None], dtype=object),
            row_disputed=np.array([r.disputed for r in rows] + [False], dtype=bool),
            position={lid: i for i, lid in enumerate(self.timeline.locality_ids)},
            plain_features=np.full(len(rows) + len(ids), None, dtype=object),
            feature_cache={},
        )

    # -- whole-period views ----------------------------------------------------------------

    def area_series(self) -> list[dict[str, Any]]:
        """Area held by each faction on each date, km2 (metric CRS), for charts.

        Returns
        -------
        list of dict
            ``{"date": "YYYY-MM-DD", "faction": id, "faction_name": str, "area_km2": float}``
            for every date and every faction (0 where it holds nothing).
        """
        fac_ids = self.timeline.faction_ids
        names = [self.dataset.faction(fid).name for fid in fac_ids]
        tess, n_fac = self.tessellation, len(fac_ids)
        days = self.timeline.days()
        first = days[0].toordinal()
        state0, _ = self.timeline.state(days[0])
        table = np.zeros((len(days), n_fac))
        held = tess.cell_holders(state0)
        table[0] = np.bincount(held[held >= 0], weights=tess.area_km2[held >= 0],
                               minlength=n_fac)
        if len(np.unique(tess.cell_of_point)) == len(tess.cell_of_point):
            # one cell per place: each change moves its cell's area between two factions
            day, loc, fac, prev = self.timeline.change_arrays()
            moved = tess.area_km2[tess.cell_of_point[loc]]
            row = day - first
            np.add.at(table, (row, fac), moved)
            keep = prev >= 0
            np.subtract.at(table, (row[keep], prev[keep]), moved[keep])
            table = np.cumsum(table, axis=0)
        else:  # places sharing a cell: recount the dates on which something changed
            for i, (_, state, changed) in enumerate(self.timeline.daily_states()):
                if not changed:
                    table[i] = table[i - 1]
                    continue
                held = tess.cell_holders(state)
                table[i] = np.bincount(held[held >= 0], weights=tess.area_km2[held >= 0],
                                       minlength=n_fac)
        rounded = (np.round(table, 3) + 0.0).tolist()  # + 0.0: no negative zero
        out: list[dict[str, Any]] = []
        for d, areas in zip(days, rounded, strict=True):
            iso = d.isoformat()
            out += [{"date": iso, "faction": fid, "faction_name": name, "area_km2": a}
                    for fid, name, a in zip(fac_ids, names, areas, strict=True)]
        return out

    def timeline_geojson(self, *, excerpt_counts: Mapping[str, int] | None = None
                         ) -> dict[str, Any]:
        """The whole period as one FeatureCollection with ``valid_from``/``valid_to`` per feature.

        Each feature is valid from ``valid_from`` to ``valid_to`` inclusive (ISO dates), so
        QGIS's temporal controller can animate it. Features are those of the snapshots of the
        change dates, each kept for the days until the next change.
        """
        days = [self.timeline.start, *self.change_dates(), self.timeline.end + dt.timedelta(1)]
        features: list[Feature] = []
        for a, b in itertools.pairwise(days):
            snap = self.snapshot(a, excerpt_counts=excerpt_counts)
            last = b - dt.timedelta(days=1)
            for feat in snap["features"]:
                kind = feat["properties"]["kind"]
                if kind in ("corridor", "route"):
                    continue
                props = {**feat["properties"], "valid_from": a.isoformat(),
                         "valid_to": last.isoformat()}
                features.append({"type": "Feature", "geometry": feat["geometry"],
                                 "properties": props})
        for corridor in self.dataset.corridors:
            feat = corridor_feature(corridor, self.dataset, "open")
            feat["properties"]["valid_from"] = corridor.opened.isoformat()
            feat["properties"]["valid_to"] = (corridor.closed or self.timeline.end).isoformat()
            features.append(feat)
        for route in self.dataset.routes:
            feat = route_feature(route, self.dataset)
            feat["properties"]["valid_from"] = route.start.isoformat()
            feat["properties"]["valid_to"] = route.end.isoformat()
            features.append(feat)
        return {
            "type": "FeatureCollection",
            "dataset": self.dataset.meta.id,
            "dataset_name": self.dataset.meta.name,
            "valid_from": self.timeline.start.isoformat(),
            "valid_to": self.timeline.end.isoformat(),
            "features": features,
        }


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Lookups an Atlas prepares once for its snapshots."""

    localities: LocalityTable
    ids: np.ndarray  # territory locality ids (object array), timeline order
    by_id: np.ndarray  # positions of the ids in sorted id order
    row_confidence: np.ndarray  # per control row of the timeline, then None
    row_disputed: np.ndarray  # per control row, then False
    position: dict[str, int]  # territory locality id -> timeline position
    plain_features: np.ndarray  # per row slot (see Atlas._locality_features): feature, 0 excerpts
    feature_cache: dict[tuple[int, int], Feature]  # (row slot, excerpts > 0) -> shared feature


def load_atlas(store: Store | Path | str) -> Atlas:
    """Load, validate and prepare a dataset from its store or directory (raises
    :class:`geo.errors.DataError`)."""
    with using_store(store) as source:
        return Atlas.build(source.load())
