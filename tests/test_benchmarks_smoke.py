"""Smoke test of the benchmark suite at a tiny size: the generated dataset and the output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import countrygen, run
from geo.atlas import Atlas
from geo.dataset import load_dataset, validate_dir


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return countrygen.generate(tmp_path_factory.mktemp("country"), n_localities=400,
                               n_days=60, seed=5)


def test_generated_dataset_validates_and_has_the_promised_shape(tiny: Path) -> None:
    dataset, problems = validate_dir(tiny)
    assert problems == [] and dataset is not None
    assert sum(loc.territory for loc in dataset.localities) >= 400
    assert len(dataset.factions) >= 5
    assert (dataset.meta.end - dataset.meta.start).days + 1 == 60
    changes = [c for c in dataset.control if c.kind != "initial"]
    assert len(changes) > 50
    assert dataset.corridors and dataset.routes
    # long routes end outside the country, at a place that is not tessellated
    far = {loc.id for loc in dataset.localities if not loc.territory}
    assert all(r.destination in far for r in dataset.routes)


def test_same_seed_writes_the_same_files(tiny: Path, tmp_path: Path) -> None:
    again = countrygen.generate(tmp_path, n_localities=400, n_days=60, seed=5)
    for name in ("localities.csv", "control.csv", "routes.csv"):
        assert (again / name).read_bytes() == (tiny / name).read_bytes()


def test_fronts_move_between_neighbours(tiny: Path) -> None:
    """A captured place borders ground its captor already held (no random flips)."""
    atlas = Atlas.build(load_dataset(tiny))
    tess = atlas.tessellation
    before, _ = atlas.timeline.state(atlas.timeline.start)
    day = atlas.change_dates()[0]
    after, _ = atlas.timeline.state(day)
    changed = [int(i) for i in (before != after).nonzero()[0]]
    assert changed
    nbrs: dict[int, set[int]] = {}
    for a, b in zip(tess.pair_a.tolist(), tess.pair_b.tolist(), strict=True):
        nbrs.setdefault(a, set()).add(b)
        nbrs.setdefault(b, set()).add(a)
    cell = tess.cell_of_point
    touching = [i for i in changed
                if any(after[j] == after[i] for j in range(len(after))
                       if j != i and int(cell[j]) in nbrs.get(int(cell[i]), set()))]
    assert len(touching) >= 0.8 * len(changed)


def test_snapshot_step_prints_json_lines_and_a_table(tiny: Path, capsys) -> None:
    res = run.Results()
    atlas = Atlas.build(load_dataset(tiny))
    run.bench_snapshot(res, atlas, n_dates=3, base_every=1)
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [r["name"] for r in lines] == [
        "snapshot.median", "snapshot.p95", "snapshot.cpu_median", "snapshot.cpu_p95",
        "snapshot_with_json_text.median", "snapshot_with_json_text.p95",
        "snapshot_with_json_text.cpu_median", "snapshot_with_json_text.cpu_p95"]
    for row in lines:
        if ".cpu_" in row["name"]:  # no baseline: CPU time of this process
            assert row["value"] > 0 and row["baseline"] is None
            continue
        assert set(row) == {"name", "value", "unit", "baseline", "ratio"}
        assert row["unit"] == "ms" and row["value"] > 0 and row["baseline"] > 0
        assert row["ratio"] == pytest.approx(row["baseline"] / row["value"], rel=0.01)
    table = res.table()
    assert "snapshot.median" in table and "x better" in table.splitlines()[0]
    assert not res.notes  # the naive baseline agrees on the areas, the text with json.dumps


def test_exports_step_prints_its_figures(tiny: Path, capsys) -> None:
    from benchmarks import exports_bench

    res = run.Results()
    atlas = Atlas.build(load_dataset(tiny))
    exports_bench.run(res, atlas, atlas, quick=True)
    rows = {r["name"]: r for r in res.rows}
    assert rows["diff.country_two_dates_median"]["baseline"] > 0
    assert {"picture.country.frame_800x600_median", "gpkg.shipped_whole_timeline",
            "animate.shipped_gif_size"} <= set(rows)
    assert all(r["value"] > 0 for r in res.rows)


def test_naive_diff_agrees_with_the_diff(tiny: Path) -> None:
    from benchmarks.exports_bench import naive_diff
    from geo.diff import territory_diff

    atlas = Atlas.build(load_dataset(tiny))
    a, b = atlas.timeline.start, atlas.timeline.end
    fast = {(f["properties"]["faction"], f["properties"]["from_faction"]):
            f["properties"]["area_km2"] for f in territory_diff(atlas, a, b)["features"]}
    slow = {k: v for k, v in naive_diff(atlas, a, b).items() if v > 1e-3}
    assert fast.keys() == slow.keys()
    for k, v in fast.items():
        assert v == pytest.approx(slow[k], rel=0.01, abs=0.01), k
