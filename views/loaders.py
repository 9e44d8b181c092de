"""Cached, bounded loaders shared by all sessions: the atlas, report excerpts, snapshots."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import streamlit as st

from geo.atlas import Atlas
from geo.atlas_cache import load_atlas_cached
from geo.changes import ChangeLog
from geo.csvio import shown
from geo.errors import DataError, Problem, StoreError
from geo.store import Store, is_database_url, open_store
from geo.uncertainty import area_range
from views.chart import chart_rows

_log = logging.getLogger(__name__)


def dir_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime ns, size) of every file in ``folder``: a cache key that changes on edits."""
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.is_file()
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def store(location: str) -> Store:
    """The store at ``location``, shared by every session (a database's connection pool)."""
    return open_store(location)


@st.cache_resource(max_entries=4, show_spinner="Loading the dataset…")
def _atlas(location: str, stamp: Hashable, cache_dir: str | None) -> Atlas:
    atlas = load_atlas_cached(store(location), cache_dir)
    # The atlas is long-lived and immutable: keep the cyclic garbage collector from
    # rescanning its objects on every full collection (at country scale those scans were
    # the slowest 5 % of snapshots: p95 89 ms against 14 ms with collection paused).
    gc.freeze()
    return atlas


@st.cache_resource(max_entries=8)
def _last_good(location: str) -> dict[str, Any]:
    return {}


def atlas_or_last_good(location: str | Path, cache_dir: Path | None = None
                       ) -> tuple[Atlas | None, str, DataError | None]:
    """The dataset's atlas and its cache key, or the last good one and the error if it broke.

    ``location``: the dataset directory or ``postgresql://`` URL. ``cache_dir``: where built
    datasets are pickled between server starts (None: not kept). The store's stamp is read
    on every run, so a claim another server accepted shows on the next rerun.

    Returns
    -------
    (Atlas or None, str, DataError or None)
        The atlas to show (None if the data never loaded), a key naming that atlas for the
        other caches, and the error when the current data is invalid or unreachable. Any
        exception while loading (not only the problems validation knows of) falls back the
        same way, with one problem naming it; its traceback goes to the server's log.
    """
    place = str(location) if is_database_url(location) else str(Path(location).resolve())
    good = _last_good(place)
    key = good.get("key", place)
    try:
        stamp = store(place).stamp()
        key = f"{place}|{hash(stamp)}"
        atlas = _atlas(place, stamp, None if cache_dir is None else str(cache_dir))
    except DataError as err:
        return good.get("atlas"), good.get("key", key), err
    except StoreError as err:  # the database is down: keep showing what we had
        return good.get("atlas"), good.get("key", key), DataError(Problem(place, 0, str(err)))
    except Exception as exc:  # any other failure: the same fallback, a message, the log
        _log.exception("loading the dataset %s failed", place)
        err = DataError(Problem(place, 0, "the dataset could not be loaded "
                                f"({type(exc).__name__}: {shown(str(exc))}); the server "
                                "log has the details"))
        return good.get("atlas"), good.get("key", key), err
    good.update(atlas=atlas, key=key)
    return atlas, key, None


@st.cache_resource(max_entries=4, show_spinner="Reading the reports…")
def excerpts(seeds_dir: str, stamp: tuple, atlas_key: str, _atlas: Atlas) -> dict[str, tuple]:
    """Report excerpts per locality id (newest first) from the reports in ``seeds_dir``.

    ``stamp`` is ``dir_stamp(seeds_dir)``: with no report file there is nothing to read, and
    the name index (1.4 s to build at country scale) is not built.
    """
    folder = Path(seeds_dir)
    if not stamp or not folder.is_dir():
        return {}
    from geo.ingest import excerpts_by_locality, load_seed_reports
    from geo.mentions import MentionIndex

    index = MentionIndex.for_dataset(_atlas.dataset)
    ingested, _problems = load_seed_reports(folder, dataset=_atlas.dataset, index=index)
    return {lid: tuple(ex) for lid, ex in excerpts_by_locality(ingested).items() if ex}


@st.cache_resource(max_entries=16, show_spinner=False)
def snapshot(atlas_key: str, day: dt.date, counts_key: int, _atlas: Atlas,
             _counts: dict[str, int]) -> dict:
    """The snapshot FeatureCollection of ``day`` (shared, treat as read-only).

    Few entries: the map reads its layers from ``views.mapcache.layers``; a snapshot is
    needed again only for a download or a new switch setting, and at country scale one
    snapshot holds several MB.
    """
    return _atlas.snapshot(day, excerpt_counts=_counts)


@st.cache_resource(max_entries=4, show_spinner=False)
def change_log(atlas_key: str, _atlas: Atlas) -> ChangeLog:
    """The dataset's "what changed" log (``geo.changes.ChangeLog``), once per dataset."""
    return ChangeLog.build(_atlas.dataset, _atlas.timeline)


@st.cache_resource(max_entries=4, show_spinner=False)
def chart_series(atlas_key: str, _atlas: Atlas, ranges: bool = False) -> list[dict]:
    """The area chart's rows (``views.chart.chart_rows`` of ``Atlas.area_series()``), once per
    dataset; with ``ranges``, of ``geo.uncertainty.area_range`` (with ``low_km2`` and
    ``high_km2``)."""
    if ranges:
        return chart_rows(area_range(_atlas), fields=("area_km2", "low_km2", "high_km2"))
    return chart_rows(_atlas.area_series())


@st.cache_resource(max_entries=8, show_spinner=False)
def diff(atlas_key: str, start: dt.date, end: dt.date, _atlas: Atlas) -> dict:
    """The ground that changed hands between two dates (``geo.diff.territory_diff``)."""
    from geo.diff import territory_diff

    return territory_diff(_atlas, start, end)
