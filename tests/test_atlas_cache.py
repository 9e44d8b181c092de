"""The on-disk atlas cache: a fast second start that never serves stale or broken data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import geo.atlas_cache as cache_mod
from geo.atlas_cache import cache_key, load_atlas_cached
from geo.cli import main
from geo.errors import DataError
from geo.snapshot import dumps
from minidata import make_dataset

DAY = dt.date(2020, 1, 6)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every real build (the cache's fallback to ``load_atlas``)."""
    seen: list[Path] = []
    real = cache_mod.load_atlas

    def counting(data_dir):
        seen.append(Path(getattr(data_dir, "location", data_dir)))
        return real(data_dir)

    monkeypatch.setattr(cache_mod, "load_atlas", counting)
    return seen


def test_second_load_reads_the_pickle_and_gives_the_same_snapshot(tmp_path: Path,
                                                                  builds: list[Path]) -> None:
    data = make_dataset(tmp_path / "mini")
    first = load_atlas_cached(data, tmp_path / "cache")
    second = load_atlas_cached(data, tmp_path / "cache")
    assert len(builds) == 1
    assert list((tmp_path / "cache").glob("atlas-*.pickle"))
    assert dumps(second.snapshot(DAY)) == dumps(first.snapshot(DAY))
    assert second.holder("northam", DAY) == ("gov", dt.date(2020, 1, 5))


def test_an_edited_data_file_is_rebuilt_not_served_stale(tmp_path: Path,
                                                         builds: list[Path]) -> None:
    data = make_dataset(tmp_path / "mini")
    before = load_atlas_cached(data, tmp_path / "cache")
    assert before.holder("northam", DAY)[0] == "gov"
    control = data / "control.csv"
    control.write_text(control.read_text(encoding="utf-8").replace("2020-01-05", "2020-01-07"),
                       encoding="utf-8")
    after = load_atlas_cached(data, tmp_path / "cache")
    assert len(builds) == 2
    assert after.holder("northam", DAY)[0] == "reb"


def test_the_key_follows_the_files_and_the_code(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_dataset(tmp_path / "mini")
    key = cache_key(data)
    assert cache_key(data) == key
    (data / "extra-notes.txt").write_text("x", encoding="utf-8")
    assert cache_key(data) != key
    key2 = cache_key(data)
    code = tmp_path / "geo-copy"  # the package with its subpackages (geo/store, ...)
    shutil.copytree(cache_mod._GEO_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_mod, "_GEO_DIR", code)
    assert cache_key(data) == key2
    (code / "territory.py").write_text("# changed\n", encoding="utf-8")
    assert cache_key(data) != key2


def test_a_corrupt_pickle_is_rebuilt_and_replaced(tmp_path: Path, builds: list[Path]) -> None:
    data = make_dataset(tmp_path / "mini")
    load_atlas_cached(data, tmp_path / "cache")
    (pickle_file,) = (tmp_path / "cache").glob("atlas-*.pickle")
    pickle_file.write_bytes(b"\x80\x05not a pickle at all")
    atlas = load_atlas_cached(data, tmp_path / "cache")
    assert len(builds) == 2 and atlas.holder("eastburg", DAY)[0] == "reb"
    load_atlas_cached(data, tmp_path / "cache")
    assert len(builds) == 2  # the rebuilt pickle was written back


def test_broken_data_raises_and_writes_nothing(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "mini")
    (data / "control.csv").write_text("date,locality\n2020-13-01,nowhere\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_atlas_cached(data, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("atlas-*.pickle"))


def test_a_cache_that_cannot_be_written_only_costs_the_build(tmp_path: Path) -> None:
    """The cache folder's place is taken by a file (as unwritable as it gets, even for root)."""
    data = make_dataset(tmp_path / "mini")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    assert load_atlas_cached(data, blocker).holder("northam", DAY)[0] == "gov"


def test_old_pickles_are_pruned(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for i in range(6):
        data = make_dataset(tmp_path / f"mini{i}", end=f"2020-01-{10 + i}")
        load_atlas_cached(data, cache)
    assert len(list(cache.glob("atlas-*.pickle"))) == cache_mod._KEEP


def test_cli_snapshot_is_the_same_with_and_without_the_cache(tmp_path: Path, capsys) -> None:
    data = make_dataset(tmp_path / "mini")
    args = ["snapshot", "--date", "2020-01-06", "--data", str(data)]
    assert main([*args, "--no-cache"]) == 0
    plain = capsys.readouterr().out
    for _ in range(2):  # writes the cache, then reads it
        assert main([*args, "--cache-dir", str(tmp_path / "c")]) == 0
        assert capsys.readouterr().out == plain
    assert len(list((tmp_path / "c").glob("atlas-*.pickle"))) == 1


def test_a_read_only_cache_still_serves_its_pickles(tmp_path: Path, builds: list[Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_dataset(tmp_path / "mini")
    load_atlas_cached(data, tmp_path / "cache")

    def refuse(*_args, **_kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(cache_mod.os, "utime", refuse)
    assert load_atlas_cached(data, tmp_path / "cache").holder("northam", DAY)[0] == "gov"
    assert len(builds) == 1
