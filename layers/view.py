"""Map views computed from the data: the box that shows every evacuation route."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from geo.model import Locality, Route

Box = tuple[tuple[float, float], tuple[float, float]]


def bounds_of(points: Iterable[tuple[float, float]]) -> Box | None:
    """South-west and north-east corners (lat, lon) of ``points`` (lat, lon), None if empty."""
    pts = list(points)
    if not pts:
        return None
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    return (min(lats), min(lons)), (max(lats), max(lons))


def routes_bounds(routes: Sequence[Route], localities: Iterable[Locality]) -> Box | None:
    """The box (lat, lon corners) around every point of every route's path, None without routes."""
    where = {loc.id: (loc.lat, loc.lon) for loc in localities}
    return bounds_of(where[i] for r in routes for i in r.path if i in where)


def fit_view(
    bounds: Box,
    *,
    width_px: int = 900,
    height_px: int = 600,
    max_zoom: int = 14,
) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and the largest Web Mercator zoom at which ``bounds`` fits the map.

    ``width_px``/``height_px`` are the map's size in CSS pixels; a 10 % margin is kept.
    """
    (s, w), (n, e) = bounds
    center = ((s + n) / 2, (w + e) / 2)

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    zoom = max_zoom
    for z in range(max_zoom, -1, -1):
        scale = 256 * 2**z
        dx = (e - w) / 360 * scale
        dy = (y(n) - y(s)) / (2 * math.pi) * scale
        if dx <= width_px * 0.9 and dy <= height_px * 0.9:
            zoom = z
            break
    else:
        zoom = 0
    return center, zoom
