"""Label priority: from the kind, or the data's own ``label_rank`` column; names in that order."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.dataset import load_dataset, validate_dir
from geo.errors import DataError
from geo.model import KIND_LABEL_RANK
from layers.base import names_geojson
from minidata import make_dataset


def with_ranks(root: Path, ranks: dict[str, str], kinds: dict[str, str] | None = None) -> Path:
    """Add a ``label_rank`` column (and change kinds) in the dataset's localities.csv."""
    path = root / "localities.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    columns = [*rows[0].keys(), "label_rank"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for row in rows:
            row["label_rank"] = ranks.get(row["id"], "")
            row["kind"] = (kinds or {}).get(row["id"], row["kind"])
            w.writerow(row)
    return root


def test_kinds_rank_city_town_village_base() -> None:
    r = KIND_LABEL_RANK
    assert r["city"] < r["town"] < r["village"] < r["site"] < r["waypoint"]


def test_names_come_by_kind_then_by_the_data_rank(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "d")
    kinds = {"westville": "village", "eastburg": "city", "northam": "site"}
    ds = load_dataset(with_ranks(root, {}, kinds))
    order = [f["properties"]["id"] for f in names_geojson(ds.localities)["features"]]
    assert order == ["eastburg", "southby", "farplace", "westville", "northam"]  # city, towns
    ranked = load_dataset(with_ranks(root, {"northam": "1", "eastburg": "3"}, kinds))
    feats = names_geojson(ranked.localities)["features"]
    # a base raised to the cities' rank and a city lowered below the towns by the data
    assert [f["properties"]["id"] for f in feats] == [
        "northam", "southby", "farplace", "eastburg", "westville"]
    assert [f["properties"]["rank"] for f in feats] == [1, 2, 2, 3, 4]


def test_a_dataset_without_the_column_still_loads(tmp_path: Path) -> None:
    ds = load_dataset(make_dataset(tmp_path / "d"))
    assert all(loc.label_rank is None for loc in ds.localities)
    assert {loc.label_priority for loc in ds.localities} == {KIND_LABEL_RANK["town"]}


@pytest.mark.parametrize("bad", ["0", "-1", "first", "1.5", "²"])
def test_a_bad_rank_is_named_with_its_line(tmp_path: Path, bad: str) -> None:
    root = with_ranks(make_dataset(tmp_path / "d"), {"northam": bad})
    _, problems = validate_dir(root)
    assert any(Path(p.path).name == "localities.csv" and p.line == 4
               and p.message.startswith("label_rank") for p in problems), problems
    with pytest.raises(DataError):
        load_dataset(root)
