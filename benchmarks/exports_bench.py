"""Compare and export at country scale: the diff of two dates, animation frames, GeoPackage.

The diff is timed against a naive one interleaved with it: both dates' snapshots, then the
shapely intersection of every faction's polygon on the later date with every other faction's
polygon on the earlier date, areas measured in the metric CRS.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from geo.atlas import Atlas  # noqa: E402
from geo.diff import territory_diff  # noqa: E402
from geo.export.animation import animate  # noqa: E402
from geo.export.gpkg import periods, timeline_gpkg  # noqa: E402
from geo.export.picture import Painter  # noqa: E402


def _ms(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000.0, out


def naive_diff(atlas: Atlas, a: dt.date, b: dt.date) -> dict[tuple[str, str], float]:
    """km2 gained per (new holder, former holder) from two snapshots' polygons (baseline)."""
    fwd = Transformer.from_crs("EPSG:4326", atlas.dataset.meta.metric_crs, always_xy=True)

    def polygons(day: dt.date) -> dict[str, Any]:
        return {f["properties"]["faction"]: shape(f["geometry"])
                for f in atlas.snapshot(day)["features"] if f["properties"]["kind"] == "control"}

    before, after = polygons(a), polygons(b)
    out = {}
    for to, geom in after.items():
        for frm, old in before.items():
            if to != frm:
                part = shapely.intersection(geom, old)
                if not part.is_empty:
                    metric = shapely.transform(
                        part, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
                    out[(to, frm)] = shapely.area(metric) / 1e6
    return out


def run(res: Any, atlas: Atlas, shipped: Atlas, *, quick: bool) -> None:
    """Diff, frames, GIF and GeoPackage figures (``res`` is ``benchmarks.run.Results``)."""
    days = list(atlas.timeline.days())
    rng = random.Random(11)
    pairs = [tuple(sorted(rng.sample(days, 2))) for _ in range(4 if quick else 12)]
    territory_diff(atlas, *pairs[0])
    fast, base = [], []
    for a, b in pairs:
        fast.append(_ms(lambda a=a, b=b: territory_diff(atlas, a, b))[0])
        base.append(_ms(lambda a=a, b=b: naive_diff(atlas, a, b))[0])
    res.add("diff.country_two_dates_median", statistics.median(fast), "ms",
            statistics.median(base))

    for label, at in (("shipped", shipped), ("country", atlas)):
        t_prep, painter = _ms(lambda at=at: Painter(at, 800, 600))
        res.add(f"picture.{label}.prepare_800x600", t_prep, "ms")
        sample = [rng.choice(list(at.timeline.days())) for _ in range(5 if quick else 20)]
        painter.picture(sample[0])
        per = [_ms(lambda d=d, p=painter: p.picture(d))[0] for d in sample]
        res.add(f"picture.{label}.frame_800x600_median", statistics.median(per), "ms")
    start = shipped.timeline.start
    n = 10 if quick else 56
    end = min(shipped.timeline.end, start + dt.timedelta(days=n - 1))
    t_gif, data = _ms(lambda: animate(shipped, start, end, fmt="gif", width=800, height=600))
    frames = (end - start).days + 1
    res.add(f"animate.shipped_gif_{frames}_frames_800x600", t_gif / 1000.0, "s")
    res.add("animate.shipped_gif_size", len(data) / 1e6, "MB")

    t_pkg, _ = _ms(lambda: timeline_gpkg(shipped))
    res.add("gpkg.shipped_whole_timeline", t_pkg, "ms")
    first = days[0]
    spans = periods(atlas, first, atlas.timeline.end)
    last = spans[min(len(spans), 20 if quick else 100) - 1][1]
    t_big, big = _ms(lambda: timeline_gpkg(atlas, first, last))
    res.add(f"gpkg.country_{min(len(spans), 20 if quick else 100)}_periods", t_big / 1000.0,
            "s")
    res.add("gpkg.country_size", len(big) / 1e6, "MB")
