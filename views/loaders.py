"""Cached, bounded loaders shared by all sessions: the atlas, report excerpts, snapshots."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import tempfile
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import streamlit as st

from geo.atlas import Atlas
from geo.atlas_cache import load_atlas_cached
from geo.changes import ChangeLog
from geo.csvio import shown
from geo.errors import DataError, Problem, StoreError
from geo.ingest import IngestedReport
from geo.mentions import MentionIndex
from geo.model import Dataset
from geo.report_index import ReportIndex, ReportSummary, SyncStatus, index_path
from geo.store import Store, is_database_url, open_store
from geo.uncertainty import area_range
from views import indexer
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


#: Reports read inside a request, at most (bytes); the rest is read by a background thread.
INLINE_BYTES = 256 * 1024


@st.cache_resource(show_spinner=False)
def _scratch() -> tempfile.TemporaryDirectory:
    """Where the reports index lives when no cache folder is kept (``--no-cache``): a folder
    of this server process, removed when it exits."""
    return tempfile.TemporaryDirectory(prefix="conflict-map-reports-")


@st.cache_resource(max_entries=4, show_spinner=False)
def _report_index(seeds_dir: str, cache_dir: str | None, atlas_key: str,
                  _dataset: Dataset) -> ReportIndex:
    folder = cache_dir if cache_dir is not None else _scratch().name
    return ReportIndex(seeds_dir, index_path(folder, seeds_dir, _dataset))


def report_index(seeds_dir: Path, dataset: Dataset, cache_dir: Path | None,
                 atlas_key: str) -> ReportIndex:
    """The on-disk index of the reports folder for the dataset of ``atlas_key`` (shared).

    It lives in ``cache_dir`` (None: a temporary folder of this server process); its file is
    named for what ingestion reads of the dataset, so accepting a claim keeps it.
    """
    return _report_index(str(seeds_dir.resolve()),
                         None if cache_dir is None else str(cache_dir), atlas_key, dataset)


@st.cache_resource(max_entries=2, show_spinner="Preparing the place names…")
def mention_index(atlas_key: str, _dataset: Dataset) -> MentionIndex:
    """The place index of the dataset (1.4 s to build at country scale; shared)."""
    return MentionIndex.for_dataset(_dataset)


def read_reports(reports: ReportIndex, atlas_key: str, dataset: Dataset) -> SyncStatus:
    """Bring the reports index up to date with its folder, with bounded work in this request.

    New or changed reports totalling at most ``INLINE_BYTES`` are read now (a pasted report
    shows at once); more than that are read by the server's background thread
    (``views.indexer``), and the pages show them as they come.

    Returns
    -------
    geo.report_index.SyncStatus
        What is still pending after this request's share.
    """
    status = reports.status(dataset)
    if status.pending and status.pending_bytes <= INLINE_BYTES:
        status = reports.sync(dataset=dataset, index=lambda: mention_index(atlas_key, dataset),
                              max_bytes=INLINE_BYTES)
    if status.pending:
        indexer.read_in_background(
            reports, lambda: reports.sync(dataset=dataset,
                                          index=lambda: mention_index(atlas_key, dataset)))
    return status


@st.cache_resource(max_entries=4, show_spinner=False)
def _excerpt_counts(path: str, version: int, _reports: ReportIndex) -> dict[str, int]:
    return _reports.excerpt_counts()


def excerpt_counts(reports: ReportIndex) -> dict[str, int]:
    """Report excerpts per locality id, from the index (cached until it changes)."""
    return _excerpt_counts(str(reports.path), reports.version(), reports)


@st.cache_resource(max_entries=2, show_spinner="Opening the report…")
def _ingested(path: str, name: str, stamp: tuple[int, int], _reports: ReportIndex
              ) -> IngestedReport | None:
    return _reports.ingested(name)


def ingested_report(reports: ReportIndex, summary: ReportSummary) -> IngestedReport | None:
    """One report as ingested (places, factions, claims), from the index; two are kept in
    memory for all sessions (a 1.9 MB report takes about 110 MB), each until its file
    changes (not when other reports are read)."""
    return _ingested(str(reports.path), summary.name, (summary.mtime_ns, summary.size),
                     reports)


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
