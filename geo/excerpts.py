"""Report excerpts per locality from a folder of reports, as the app and the CLI count them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from geo.model import Dataset


def excerpt_counts(seeds_dir: Path, dataset: Dataset, *,
                   cache_dir: Path | str | None = None) -> dict[str, int]:
    """Number of report excerpts that mention each locality.

    The reports are read through their on-disk index (``geo.report_index``), as the app reads
    them: a report already indexed in ``cache_dir`` is not read again.

    Parameters
    ----------
    seeds_dir : Path
        Folder of ``*.txt`` reports; unreadable reports are skipped (and reported elsewhere).
    dataset : Dataset
        The dataset whose localities are looked for.
    cache_dir : path, optional
        Where the index is kept (shared with the app); None: a temporary folder, removed.

    Returns
    -------
    dict of str to int
        Locality id to excerpt count (localities without excerpts are absent).
    """
    from geo.mentions import MentionIndex
    from geo.report_index import ReportIndex, index_path

    with tempfile.TemporaryDirectory(prefix="conflict-map-reports-") as scratch:
        folder = scratch if cache_dir is None else cache_dir
        reports = ReportIndex(seeds_dir, index_path(folder, seeds_dir, dataset))
        reports.sync(dataset=dataset, index=lambda: MentionIndex.for_dataset(dataset),
                     wait=True)
        return reports.excerpt_counts()
