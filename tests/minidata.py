"""Builders of small dataset directories for tests (files as in docs/data-model.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from geo.dataset import COLUMNS

SRC = "test fixture, written for the tests"

LOCALITIES = [
    # id, name, alt_names, lat, lon, territory
    ("westville", "Westville", "Westvil", 33.50, 36.30, 1),
    ("eastburg", "Eastburg", "", 33.50, 36.40, 1),
    ("northam", "Northam", "", 33.56, 36.35, 1),
    ("southby", "Southby", "", 33.44, 36.35, 1),
    ("farplace", "Farplace", "", 34.70, 36.70, 0),
]
FACTIONS = [
    ("gov", "Government", "government", "#d7191c", "government forces;troops"),
    ("reb", "Rebels", "opposition", "#1a9641", "rebels;militants"),
]
CONTROL = [
    ("2020-01-01", "westville", "gov", "initial"),
    ("2020-01-01", "eastburg", "reb", "initial"),
    ("2020-01-01", "northam", "reb", "initial"),
    ("2020-01-01", "southby", "gov", "initial"),
    ("2020-01-05", "northam", "gov", "capture"),
    ("2020-01-08", "eastburg", "gov", "handover"),
]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """Write rows (dicts keyed by column) as a CSV file with a header."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})


def make_dataset(root: Path, *, localities=LOCALITIES, factions=FACTIONS, control=CONTROL,
                 start="2020-01-01", end="2020-01-10", outline=None, max_distance_m=20000,
                 corridors=(), routes=(), events=()) -> Path:
    """Write a complete small dataset into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dataset.json").write_text(json.dumps({
        "id": "mini", "name": "Mini test dataset", "start": start, "end": end,
        "metric_crs": "EPSG:32637", "max_distance_m": max_distance_m,
        "map": {"center": [33.5, 36.35], "zoom": 11},
    }, indent=2), encoding="utf-8")
    write_csv(root / "localities.csv", COLUMNS["localities"], [
        {"id": i, "name": n, "alt_names": a, "kind": "town", "lat": str(la), "lon": str(lo),
         "precision_m": "500", "placement": "published", "territory": str(t), "source": SRC}
        for i, n, a, la, lo, t in localities])
    write_csv(root / "factions.csv", COLUMNS["factions"], [
        {"id": i, "name": n, "side": s, "color": c, "aliases": a, "source": SRC}
        for i, n, s, c, a in factions])
    write_csv(root / "control.csv", COLUMNS["control"], [
        {"date": d, "locality": loc, "faction": f, "kind": k, "confidence": "high",
         "source": SRC} for d, loc, f, k in control])
    write_csv(root / "events.csv", COLUMNS["events"], list(events))
    write_csv(root / "corridors.csv", COLUMNS["corridors"], list(corridors))
    write_csv(root / "routes.csv", COLUMNS["routes"], list(routes))
    ring = outline or [[36.2, 33.35], [36.5, 33.35], [36.5, 33.65], [36.2, 33.65], [36.2, 33.35]]
    (root / "study_area.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"method": "test box", "source": SRC},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    return root
