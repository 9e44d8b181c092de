"""Control polygons and frontlines from a Voronoi tessellation built once per dataset."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
COORD_DECIMALS = 6
_MIN_EDGE_M = 0.5  # shared boundaries shorter than this (metres) are corner contacts, not edges
_LEAF_CELLS = 8  # at most this many cells in a leaf of the pre-merged tree (Tessellation.tree)
_CACHE_ENTRIES = 512  # unions kept per tessellation (polygons and frontlines)


class _LRU:
    """A small thread-safe least-recently-used cache (one per tessellation, never global)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, BaseGeometry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> BaseGeometry | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def __reduce__(self) -> tuple[type, tuple[int]]:
        """Pickled empty (the lock cannot be pickled; cached unions are cheap to redo)."""
        return (_LRU, (self.size,))

    def put(self, key: Hashable, value: BaseGeometry) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True, eq=False)
class Tessellation:
    """Voronoi cells of the territory localities, clipped to the study area; computed once.

    The localities never move, so the cells, their areas and which cells share an edge are
    computed once and reused for every date: a date's control polygons are unions of cells,
    its frontlines are the shared edges whose two cells have different holders.

    Attributes
    ----------
    cells : numpy array of shapely geometries
        One (Multi)Polygon per cell, WGS 84 lon/lat degrees on a 1e-6 degree grid.
    cell_of_point : numpy int array
        For each input point, the index of its cell (identical points share one cell).
    area_km2 : numpy float array
        Area of each cell in km2, measured in the metric CRS.
    pair_a, pair_b : numpy int arrays
        The two cells of each shared edge (``pair_a < pair_b``).
    edges : numpy array of shapely geometries
        The shared edge of each pair, WGS 84 (LineString or MultiLineString).
    study_area : shapely geometry
        The territory actually tessellated, WGS 84: outline within the distance limit.
    metric_crs : str
        The projected CRS the tessellation and areas were computed in.
    tree : _CellTree
        A binary tree of spatially compact groups of cells (recursive median splits down to
        leaves of at most 8 cells) with the union of each group computed once. A faction's
        union on a date is merged from the largest groups it holds whole plus its remaining
        cells, so the work per date follows the length of its borders, not its size.
    valid_coverage : bool
        True when the cells were checked, once, to form a valid coverage (valid polygons that
        meet only along shared edges): then every union of some of them is valid as computed
        and the per-date validity check is skipped.
    on_grid : bool
        True when the cells' vertices are on the output grid (1e-6 degree) and still form a
        valid coverage, so every union is valid and on the grid without rounding again.

    Unions computed for a date are also kept in a bounded least-recently-used cache keyed by
    the exact set of cells (or shared edges), so playback, where consecutive dates change few
    places, recomputes only the factions whose ground changed.
    """

    cells: np.ndarray
    cell_of_point: np.ndarray
    area_km2: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    edges: np.ndarray
    study_area: BaseGeometry
    metric_crs: str
    tree: _CellTree
    valid_coverage: bool = False
    on_grid: bool = False
    _cache: _LRU = field(default_factory=lambda: _LRU(_CACHE_ENTRIES), compare=False,
                         repr=False)

    @property
    def n_cells(self) -> int:
        """Number of cells (distinct points)."""
        return len(self.cells)

    @classmethod
    def build(
        cls,
        lon: Sequence[float] | np.ndarray,
        lat: Sequence[float] | np.ndarray,
        outline: BaseGeometry,
        *,
        metric_crs: str,
        max_distance_m: float,
    ) -> Tessellation:
        """Tessellate points inside an outline.

        Parameters
        ----------
        lon, lat : array-like of float
            The points, WGS 84 degrees.
        outline : shapely Polygon or MultiPolygon
            The dataset's outline, WGS 84 degrees.
        metric_crs : str
            A projected CRS in metres (e.g. ``EPSG:32637``, UTM 37N) for the tessellation,
            the distance limit and the areas.
        max_distance_m : float
            Territory reaches at most this far (metres) from a point: country far from every
            point is outside the study area rather than a gap inside it.

        Returns
        -------
        Tessellation
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        fwd = Transformer.from_crs(WGS84, metric_crs, always_xy=True)
        inv = Transformer.from_crs(metric_crs, WGS84, always_xy=True)
        x, y = fwd.transform(lon, lat)
        xy = np.column_stack([x, y])
        uniq, cell_of_point = np.unique(np.round(xy, 3), axis=0, return_inverse=True)
        cell_of_point = cell_of_point.reshape(-1)
        points = shapely.points(uniq)

        # densify first: a straight edge in degrees is a curve in metres, and back
        outline_m = shapely.transform(shapely.segmentize(outline, 0.005),
                                      lambda c: np.column_stack(fwd.transform(*c.T)))
        reach = shapely.union_all(shapely.buffer(points, max_distance_m, quad_segs=8))
        area_m = shapely.intersection(shapely.make_valid(outline_m), reach)
        # every point lies in the study area, even one on the outline's edge
        area_m = shapely.union(area_m, shapely.union_all(shapely.buffer(points, 1.0)))

        if len(uniq) == 1:
            raw = np.array([area_m], dtype=object)
        else:
            env = shapely.buffer(shapely.envelope(area_m), max_distance_m)
            regions = shapely.voronoi_polygons(
                shapely.multipoints(points), extend_to=env, ordered=True
            )
            raw = shapely.get_parts(regions)
            if len(raw) != len(uniq):  # collinear or degenerate input: fall back to a search
                tree = shapely.STRtree(raw)
                idx = tree.query(points, predicate="within")
                order = np.empty(len(uniq), dtype=int)
                order[idx[0]] = idx[1]
                raw = raw[order]
        cells_m = _polygons_only(shapely.intersection(raw, area_m))
        area_km2 = shapely.area(cells_m) / 1e6

        def to_wgs(g: np.ndarray) -> np.ndarray:
            return shapely.transform(g, lambda c: np.column_stack(inv.transform(*c.T)))

        # neighbouring cells share their vertices bit for bit, so unions are exact. Rounding
        # every vertex to the output grid keeps that (equal numbers round equally); when the
        # rounded cells still form a valid coverage they are used, and every union is already
        # on the grid. Otherwise the exact cells are kept and output rounds (geo.snapshot).
        exact = _polygons_only(to_wgs(cells_m))
        rounded = _polygons_only(shapely.transform(exact, lambda c: np.round(c, COORD_DECIMALS)))
        on_grid = bool(shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded))
        cells = rounded if on_grid else exact
        # the study area is, by construction, exactly what the cells cover
        study_area = _union_cells(cells)

        tree = shapely.STRtree(cells)
        a, b = tree.query(cells, predicate="intersects")
        keep = a < b
        a, b = a[keep], b[keep]
        shared = shapely.intersection(shapely.boundary(cells[a]), shapely.boundary(cells[b]))
        shared = shapely.line_merge(_lines_only(shared))
        length_m = shapely.length(
            shapely.intersection(shapely.boundary(cells_m[a]), shapely.boundary(cells_m[b]))
        )
        ok = (length_m > _MIN_EDGE_M) & ~shapely.is_empty(shared)
        centre = shapely.get_coordinates(shapely.point_on_surface(cells_m))
        return cls(
            cells=cells, cell_of_point=cell_of_point, area_km2=area_km2,
            pair_a=a[ok].astype(np.int32), pair_b=b[ok].astype(np.int32), edges=shared[ok],
            study_area=study_area, metric_crs=metric_crs,
            tree=_CellTree.build(centre, cells, _LEAF_CELLS),
            valid_coverage=on_grid or bool(shapely.coverage_is_valid(cells)),
            on_grid=on_grid,
        )

    def cell_holders(self, point_holder: np.ndarray) -> np.ndarray:
        """Holder of each cell from the holder of each point (-1: nobody).

        Identical points share one cell; if their holders differ, the highest index wins
        (a deterministic choice; the dataset validator warns about identical points).
        """
        holders = np.full(self.n_cells, -1, dtype=np.int32)
        np.maximum.at(holders, self.cell_of_point, point_holder.astype(np.int32))
        return holders

    def control(self, cell_holder: np.ndarray) -> ControlGeometry:
        """Control polygons, frontlines and areas for one assignment of holders to cells.

        Parameters
        ----------
        cell_holder : numpy int array
            Faction index per cell (-1: nobody; such cells belong to no polygon).

        Returns
        -------
        ControlGeometry
        """
        polygons: dict[int, BaseGeometry] = {}
        areas: dict[int, float] = {}
        order = np.argsort(cell_holder, kind="stable")
        sorted_h = cell_holder[order]
        bounds = np.flatnonzero(np.diff(sorted_h)) + 1
        for group in np.split(order, bounds):
            f = int(cell_holder[group[0]])
            if f < 0:
                continue
            polygons[f] = self._union(f, cell_holder == f)
            areas[f] = float(self.area_km2[group].sum())
        ha, hb = cell_holder[self.pair_a], cell_holder[self.pair_b]
        front = (ha != hb) & (ha >= 0) & (hb >= 0)
        fa, fb = np.minimum(ha[front], hb[front]), np.maximum(ha[front], hb[front])
        front_idx = np.flatnonzero(front)
        edges = self.edges[front_idx]
        lines: dict[tuple[int, int], BaseGeometry] = {}
        if len(edges):
            key = fa.astype(np.int64) * 65536 + fb
            korder = np.argsort(key, kind="stable")
            kb = np.flatnonzero(np.diff(key[korder])) + 1
            for group in np.split(korder, kb):
                pair = (int(fa[group[0]]), int(fb[group[0]]))
                ckey = ("line", pair, np.sort(front_idx[group]).tobytes())
                line = self._cache.get(ckey)
                if line is None:
                    # shared edges meet only at cell corners: merging needs no noding
                    parts = shapely.get_parts(edges[group])
                    line = _lines_only(shapely.line_merge(shapely.multilinestrings(parts)))
                    self._cache.put(ckey, line)
                lines[pair] = line
        return ControlGeometry(polygons=polygons, areas_km2=areas, frontlines=lines,
                               on_grid=self.on_grid)

    def union(self, mask: np.ndarray) -> BaseGeometry:
        """Union of the cells ``mask`` marks (a boolean per cell), WGS 84, not cached.

        Merged from whole tree nodes where possible; on the output grid when ``on_grid``.
        """
        return _union_cells(self.tree.pieces(mask, self.cells), trusted=self.valid_coverage)

    def _union(self, faction: int, mask: np.ndarray) -> BaseGeometry:
        """Union of the cells ``mask`` marks for ``faction``, kept in the bounded cache."""
        key = ("poly", faction, np.packbits(mask).tobytes())
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        merged = self.union(mask)
        self._cache.put(key, merged)
        return merged


@dataclass(frozen=True)
class ControlGeometry:
    """One date's territory: polygon and area (km2) per faction index, lines per faction pair.

    ``on_grid``: the coordinates are already on the 1e-6 degree output grid and valid there.
    """

    polygons: dict[int, BaseGeometry]
    areas_km2: dict[int, float]
    frontlines: dict[tuple[int, int], BaseGeometry]
    on_grid: bool = False


def _union_cells(cells: np.ndarray, *, trusted: bool = False) -> BaseGeometry:
    """Union of cells that form a coverage; exact and fast, with a robust fallback.

    ``trusted``: the cells are known to form a valid coverage, so the result is valid and
    is not checked again.
    """
    if len(cells) == 1:
        return cells[0]
    try:
        merged = shapely.coverage_union_all(cells)
        if trusted or merged.is_valid:
            return merged
    except shapely.errors.GEOSException:
        pass
    return shapely.union_all(cells)


@dataclass(frozen=True, eq=False)
class _CellTree:
    """Cells grouped by recursive median splits, with the union of every group precomputed.

    Node ``k`` covers the cells ``order[start[k]:stop[k]]``; ``parent[k]`` is -1 for the root.
    ``geoms[k]`` is the union of those cells (WGS 84), built bottom-up from the children.
    """

    order: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    parent: np.ndarray
    leaf_of_cell: np.ndarray
    geoms: np.ndarray

    @classmethod
    def build(cls, xy: np.ndarray, cells: np.ndarray, leaf: int) -> _CellTree:
        """Split the cells (centres ``xy``, metres) along their wider axis down to ``leaf``."""
        order = np.arange(len(xy))
        start, stop, parent, children = [0], [len(xy)], [-1], [(-1, -1)]
        k = 0
        while k < len(start):  # breadth first: children always come after their parent
            a, b = start[k], stop[k]
            if b - a > leaf:
                part = order[a:b]
                span = xy[part].max(axis=0) - xy[part].min(axis=0)
                axis = int(np.argmax(span))
                order[a:b] = part[np.argsort(xy[part, axis], kind="stable")]
                mid = a + (b - a) // 2
                children[k] = (len(start), len(start) + 1)
                start += [a, mid]
                stop += [mid, b]
                parent += [k, k]
                children += [(-1, -1), (-1, -1)]
            k += 1
        geoms = np.empty(len(start), dtype=object)
        leaf_of_cell = np.empty(len(xy), dtype=np.int32)
        for k in range(len(start) - 1, -1, -1):  # children before parents
            left, right = children[k]
            if left < 0:
                members = order[start[k]:stop[k]]
                leaf_of_cell[members] = k
                geoms[k] = _union_cells(cells[members])
            else:
                geoms[k] = _union_cells(geoms[[left, right]])
        return cls(order=order, start=np.array(start), stop=np.array(stop),
                   parent=np.array(parent), leaf_of_cell=leaf_of_cell, geoms=geoms)

    def pieces(self, mask: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Geometries whose union is the union of the cells marked in ``mask``.

        The largest nodes whose cells are all marked, then the marked cells of partly
        marked leaves.
        """
        held = np.concatenate([[0], np.cumsum(mask[self.order])])
        full = (held[self.stop] - held[self.start]) == (self.stop - self.start)
        parent_full = np.where(self.parent >= 0, full[self.parent], False)
        rest = mask & ~full[self.leaf_of_cell]
        return np.concatenate([self.geoms[full & ~parent_full], cells[rest]])


def _lines_only(geom: np.ndarray | BaseGeometry) -> np.ndarray | BaseGeometry:
    """Keep only the linear parts of geometries (drop corner points of intersections)."""

    def one(g: BaseGeometry) -> BaseGeometry:
        if g is None or g.is_empty:
            return shapely.LineString()
        if g.geom_type in ("LineString", "MultiLineString"):
            return g
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("LineString",
                                                                    "MultiLineString")]
        flat = [q for p in parts for q in shapely.get_parts(p)]
        if not flat:
            return shapely.LineString()
        return flat[0] if len(flat) == 1 else shapely.MultiLineString(flat)

    if isinstance(geom, np.ndarray):
        return np.array([one(g) for g in geom], dtype=object)
    return one(geom)


def _polygons_only(geoms: np.ndarray) -> np.ndarray:
    """Keep only the areal parts of each geometry (clipping can leave slivers of lower rank)."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = g
            continue
        parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
        out[i] = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return out
