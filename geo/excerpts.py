"""Report excerpts per locality from a folder of reports, as the app and the CLI count them."""

from __future__ import annotations

from pathlib import Path

from geo.model import Dataset


def excerpt_counts(seeds_dir: Path, dataset: Dataset) -> dict[str, int]:
    """Number of report excerpts that mention each locality.

    Parameters
    ----------
    seeds_dir : Path
        Folder of ``*.txt`` reports; unreadable reports are skipped (and reported elsewhere).
    dataset : Dataset
        The dataset whose localities are looked for.

    Returns
    -------
    dict of str to int
        Locality id to excerpt count (localities without excerpts are absent).
    """
    from geo.ingest import excerpts_by_locality, load_seed_reports
    from geo.mentions import MentionIndex

    index = MentionIndex.for_dataset(dataset)
    ingested, _problems = load_seed_reports(seeds_dir, dataset=dataset, index=index)
    return {lid: len(ex) for lid, ex in excerpts_by_locality(ingested).items() if ex}
