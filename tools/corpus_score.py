"""Recall and precision of locality mentions on the test corpus (tests/corpus/*.txt).

Each report ``NAME.txt`` has ``NAME.expected.json``: ``{"localities": {id: count}}``, the
mentions a careful reader finds. A found mention counts as correct up to the expected count of
its id in that report (so counts, not just ids, are scored).

Usage: ``python tools/corpus_score.py [--corpus DIR] [--data DIR] [-v]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.dataset import load_dataset  # noqa: E402
from geo.ingest import ingest_report  # noqa: E402
from geo.mentions import MentionIndex  # noqa: E402
from geo.model import Dataset  # noqa: E402
from geo.reports import read_report  # noqa: E402


@dataclass
class Score:
    """Mention counts over a corpus, with the misses and false finds per report."""

    expected: int = 0
    found: int = 0
    correct: int = 0
    misses: dict[str, Counter[str]] = field(default_factory=dict)
    extras: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        """Correct / expected (1.0 for an empty corpus)."""
        return self.correct / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Correct / found (1.0 when nothing was found)."""
        return self.correct / self.found if self.found else 1.0


def score_corpus(corpus: Path, dataset: Dataset, index: MentionIndex) -> Score:
    """Score the locality mentions found in every report of ``corpus`` against its annotations.

    Raises
    ------
    FileNotFoundError
        When a report has no ``.expected.json`` file.
    """
    score = Score()
    for path in sorted(corpus.glob("*.txt")):
        expected_file = path.with_name(path.stem + ".expected.json")
        expected = Counter(json.loads(expected_file.read_text(encoding="utf-8"))["localities"])
        report = read_report(path)
        found = Counter(m.locality_id for m in
                        ingest_report(report, dataset=dataset, index=index).mentions)
        correct = expected & found
        score.expected += sum(expected.values())
        score.found += sum(found.values())
        score.correct += sum(correct.values())
        if expected - found:
            score.misses[path.name] = expected - found
        if found - expected:
            score.extras[path.name] = found - expected
    return score


def main(argv: list[str] | None = None) -> int:
    """Print recall and precision; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)
    dataset = load_dataset(args.data)
    score = score_corpus(args.corpus, dataset, MentionIndex.for_dataset(dataset))
    print(f"reports: {len(list(args.corpus.glob('*.txt')))}  expected mentions: "
          f"{score.expected}  found: {score.found}  correct: {score.correct}")
    print(f"recall: {score.recall:.3f}  precision: {score.precision:.3f}")
    if args.verbose:
        for name, missed in score.misses.items():
            print(f"  missed in {name}: {dict(missed)}")
        for name, extra in score.extras.items():
            print(f"  extra in {name}: {dict(extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
