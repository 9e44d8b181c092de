"""Every text entry point reads hostile text in time linear in its length.

The battery feeds each entry point (report reading and its header, upload checks, sentence
splitting, place mentions and candidates, factions, claims, the gazetteer, whole ingestion and
the Reports page's highlighted text) runs of each ASCII punctuation character, runs of one
letter, runs of repeated names, and 2 MB of random Unicode. Times are CPU times of this
process (other processes on the machine do not count). ``benchmarks/run.py --only hostile``
prints time(2n) / time(n) on the worst of these inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hostile import EntryPoint, entry_points, inputs, timed
from geo.gazetteer import default_gazetteer
from geo.mentions import MentionIndex
from geo.model import Dataset

RUN_CHARS = 30_000
UNICODE_BYTES = 2_000_000
#: The whole battery takes about 5 s of CPU here; a quadratic path takes minutes.
BUDGET_S = 30.0


@pytest.fixture(scope="module")
def entries(dataset: Dataset, index: MentionIndex, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, EntryPoint]:
    cache = tmp_path_factory.mktemp("geonames")
    gazetteer = default_gazetteer(dataset, cache_dir=cache)
    folder = tmp_path_factory.mktemp("hostile")
    return {e.name: e for e in entry_points(dataset, index, gazetteer, folder)}


def test_the_whole_battery_runs_within_its_budget(entries: dict[str, EntryPoint]) -> None:
    times = []
    for name, text in inputs(RUN_CHARS, UNICODE_BYTES):
        for entry in entries.values():
            times.append((timed(entry, text), entry.name, name))
    total = sum(t for t, _, _ in times)
    slowest = ", ".join(f"{e} on {i}: {t:.2f} s" for t, e, i in sorted(times, reverse=True)[:5])
    assert total < BUDGET_S, f"{total:.1f} s of CPU; slowest: {slowest}"


# Each defect found, at a size where the old code took seconds to minutes (figures measured
# before the fix); the ceiling is far above what linear code takes (milliseconds).
CEILING_S = 2.0
DEFECTS = [
    # _BOUNDARY retried a run of terminal punctuation from each of its characters: 19.6 s
    pytest.param("split_sentences", "!" * 40_000, id="run-of-exclamation-marks"),
    pytest.param("split_sentences", "." * 40_000, id="run-of-full-stops"),
    # abbreviations one after the other grew the chunk that was sliced at each one
    pytest.param("split_sentences", "Mr. " * 500_000, id="abbreviations"),
    # a capitalised run with a cue word inside and none after: 80 KB took 50 s
    pytest.param("candidate places", "Atown " * 15_000, id="capitalised-run-with-cue"),
    # every candidate compared with every mention
    pytest.param("candidate places", "the town of Douma, " * 30_000, id="cue-after-mentions"),
    # overlapping faction matches compared with every match kept (16 s)
    pytest.param("factions", "SAA " * 25_000, id="acronyms-and-names"),
    # a claim rule scanning its whole sentence at every verb in it (12 s)
    pytest.param("claims", "captured Douma. " * 6_000, id="long-sentence-of-verbs"),
    # the sentence of each mention found by a scan of all sentences (JSON entry, excerpts)
    pytest.param("ingest", "Douma. " * 15_000, id="mention-per-sentence"),
    # a lazy value before trailing spaces in 'source:' and front matter lines
    pytest.param("report header fields", "x" + " " * 40_000 + "y", id="source-line-spaces"),
    pytest.param("front matter", "x" + " " * 40_000 + "y", id="front-matter-spaces"),
]


@pytest.mark.parametrize(("entry", "text"), DEFECTS)
def test_each_defect_found_now_takes_linear_time(entries: dict[str, EntryPoint], entry: str,
                                                 text: str) -> None:
    seconds = timed(entries[entry], text)
    assert seconds < CEILING_S, f"{entry}: {seconds:.1f} s on {len(text):,} characters"


def test_the_battery_covers_every_text_entry_point(entries: dict[str, EntryPoint]) -> None:
    assert {"read_report", "split_sentences", "mentions", "factions", "claims", "gazetteer",
            "ingest", "candidate places", "upload check"} <= set(entries)


def test_overlong_sentences_are_cut_at_a_soft_boundary() -> None:
    from geo.reports import MAX_SENTENCE_CHARS, split_sentences

    words = ", ".join(["Douma"] * 3000)
    sentences = split_sentences(words)
    assert len(sentences) > 1
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(words[s.start:s.end] == s.text for s in sentences)
    assert all(s.text.startswith("Douma") and s.text.endswith(("Douma", ",")) for s in sentences)
    assert "".join(s.text for s in sentences).replace(" ", "") == words.replace(" ", "")


def test_unbroken_text_is_cut_at_the_cap() -> None:
    from geo.reports import MAX_SENTENCE_CHARS, split_sentences

    sentences = split_sentences("a" * (MAX_SENTENCE_CHARS * 2 + 5))
    assert [len(s.text) for s in sentences] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 5]


def test_source_line_values_are_still_stripped(tmp_path: Path) -> None:
    from geo.reports import parse_report

    report = parse_report("date 2018-03-10\nsource:  \thttp://a.example/x \t \ntitle: \tT \n\nB",
                          path="r.txt")
    assert (report.source, report.title, report.text.strip()) == ("http://a.example/x", "T", "B")
