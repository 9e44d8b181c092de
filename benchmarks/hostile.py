"""Hostile text for every text entry point: runs of punctuation, letters and names, random Unicode.

Shared by the linear-time test battery (``tests/test_linear_time.py``) and the benchmark
(``benchmarks/run.py --only hostile``), which prints time(2n) / time(n) on the worst input.
A backtracking pattern or a scan per match shows up as a ratio near 4 (quadratic) where
linear code gives 2.
"""

from __future__ import annotations

import gc
import random
import string
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Repeated names and phrases: place and faction names, cue words, abbreviations, lists.
REPEATED = ("Douma ", "Douma. ", "Atown ", "Jaysh al-Islam ", "Ayn Tarma, ", "the town of Douma, ",
            "Mr. ", "A. ", "al-", "Douma", "SAA ", "Harasta and ", "captured Douma. ",
            "http://a.example/ ", "www.a.example ")
HEADER = "date 2018-03-10\n"  # a report needs a date: the battery's reports carry this one


def runs(n: int) -> Iterator[tuple[str, str]]:
    """(name, text) of about ``n`` characters each: every ASCII punctuation character, one
    letter (both cases), and each of ``REPEATED``, repeated."""
    for char in string.punctuation:
        yield f"run of {char!r}", char * n
    for char in "aA":
        yield f"run of {char!r}", char * n
    yield "run of spaces and newlines", " \n" * (n // 2)
    for unit in REPEATED:
        yield f"repeated {unit!r}", unit * max(1, n // len(unit))


def random_unicode(n_bytes: int, seed: int = 10) -> str:
    """Random code points (no surrogates) making about ``n_bytes`` of UTF-8: a fifth spaces,
    some line breaks of every kind, a quarter Latin, the rest anywhere up to U+2FFFF."""
    rng = random.Random(seed)
    chars: list[str] = []
    size = 0
    while size < n_bytes:
        roll = rng.random()
        if roll < 0.2:
            char = " "
        elif roll < 0.25:
            char = rng.choice("\n\r\t\u2028\u0085\f")
        elif roll < 0.5:
            char = chr(rng.randrange(0x20, 0x250))
        else:
            cp = rng.randrange(0x80, 0x30000)
            char = chr(cp) if not 0xD800 <= cp < 0xE000 else " "
        chars.append(char)
        size += len(char.encode("utf-8", "surrogatepass"))
    return "".join(chars)


def inputs(n: int, unicode_bytes: int) -> list[tuple[str, str]]:
    """Every hostile input: ``runs(n)`` and ``random_unicode(unicode_bytes)``."""
    return [*runs(n), ("random Unicode", random_unicode(unicode_bytes))]


@dataclass(frozen=True)
class EntryPoint:
    """A text entry point: ``prepare(text)`` does what it needs first (not timed), and
    ``run(prepared)`` is the work that is timed."""

    name: str
    prepare: Callable[[str], Any]
    run: Callable[[Any], Any]


def entry_points(dataset: Any, index: Any, gazetteer: Any, folder: Path) -> list[EntryPoint]:
    """The text entry points of the core and the Reports page, on ``dataset``.

    Parameters
    ----------
    dataset : geo.model.Dataset
    index : geo.mentions.MentionIndex
        Built from ``dataset``.
    gazetteer : geo.gazetteer.Geocoder
        The gazetteer asked with the whole text as one name (e.g. ``default_gazetteer``).
    folder : Path
        Where the report files of ``read_report`` are written.
    """
    from geo.claims import extract_claims
    from geo.errors import GeoError
    from geo.factions_text import faction_index
    from geo.ingest import excerpts_by_locality, ingest_reports, report_document
    from geo.mentions import candidate_places, find_mentions_many
    from geo.reports import parse_report, read_report, split_sentences
    from views.reports_view import highlight_report
    from views.text import md_escape
    from views.uploads import check_upload

    factions = faction_index(dataset.factions)

    def report(text: str) -> Any:
        return parse_report(HEADER + text, path="hostile.txt")

    def parsed(text: str) -> Any:
        """``parse_report``, where a refusal (a ``GeoError`` with its message) is an answer."""
        try:
            return parse_report(text, path="hostile.txt")
        except GeoError as exc:
            return exc

    def write(text: str) -> Path:
        path = folder / "hostile.txt"
        path.write_text(HEADER + text, encoding="utf-8")
        return path

    def ingested(r: Any) -> tuple[Any, Any]:
        """The ``ingest`` JSON entry and the excerpts, as the command line and the app ask."""
        done = ingest_reports([r], dataset=dataset, index=index)
        return report_document(done[0]), excerpts_by_locality(done)

    def claims_input(text: str) -> tuple[Any, Any, Any]:
        r = report(text)
        return r, find_mentions_many([r.text], index)[0], factions.find(r.text)

    def highlight_input(text: str) -> tuple[str, list[tuple[int, int]], list[Any]]:
        places = [(m.start, m.end) for m in find_mentions_many([text], index)[0]]
        return text, places, [(f.start, f.end) for f in factions.find(text)]

    return [
        EntryPoint("read_report", write, read_report),
        EntryPoint("report header line", lambda t: f"date 2018-03-10 source: {t}\nbody", parsed),
        EntryPoint("report header fields", lambda t: f"date 2018-03-10\nsource: {t}\ntitle: {t}"
                   "\n\nbody", parsed),
        EntryPoint("front matter", lambda t: f"---\ndate: 2018-03-10\ntitle: {t}\n---\nbody",
                   parsed),
        EntryPoint("upload check", lambda t: (HEADER + t).encode("utf-8"),
                   lambda data: check_upload("hostile.txt", data)),
        EntryPoint("split_sentences", lambda t: t, split_sentences),
        EntryPoint("mentions", lambda t: [t], lambda ts: find_mentions_many(ts, index)),
        EntryPoint("candidate places", lambda t: t, lambda t: candidate_places(t, index)),
        EntryPoint("factions", lambda t: t, factions.find),
        EntryPoint("claims", claims_input,
                   lambda a: extract_claims(a[0], a[1], a[2], dataset=dataset)),
        EntryPoint("gazetteer", lambda t: t, gazetteer.geocode),
        EntryPoint("ingest", report, ingested),
        EntryPoint("highlighted report text", highlight_input,
                   lambda a: highlight_report(*a)),
        EntryPoint("md_escape", lambda t: t, md_escape),
    ]


def timed(entry: EntryPoint, text: str) -> float:
    """CPU seconds ``entry.run`` takes on ``text``.

    CPU time of this process, not wall time, so that other processes on the machine do not
    show up as growth; garbage collection is paused, as its passes add noise.
    """
    prepared = entry.prepare(text)
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        entry.run(prepared)
        return time.process_time() - start
    finally:
        gc.enable()


def default_setup() -> tuple[Any, Any, Any]:
    """The shipped dataset, its mention index and the CLI's gazetteer (dataset, GeoNames)."""
    from geo.dataset import load_dataset
    from geo.gazetteer import default_gazetteer
    from geo.mentions import MentionIndex

    root = Path(__file__).resolve().parent.parent
    dataset = load_dataset(root / "data")
    return dataset, MentionIndex.for_dataset(dataset), default_gazetteer(dataset)


def scaling(entries: list[EntryPoint], n: int, repeat: int = 3
            ) -> list[tuple[str, str, float, float]]:
    """(entry point, input, time(n), time(2n)) of each pair, fastest of ``repeat`` runs."""
    out = []
    small, large = inputs(n, n), inputs(2 * n, 2 * n)
    for entry in entries:
        for (name, text), (_, double) in zip(small, large, strict=True):
            t1 = min(timed(entry, text) for _ in range(repeat))
            t2 = min(timed(entry, double) for _ in range(repeat))
            out.append((entry.name, name, t1, t2))
    return out


def run(res: Any, *, quick: bool) -> None:
    """Print time(2n) / time(n) of the text entry points on the hostile inputs.

    A first pass times every entry point on every input at n and 2n once; the pairs that
    took longest at 2n and the pairs with the highest ratio (among those taking 5 ms or more
    at n, below which the ratio is noise) are timed again, best of 5. Figures: the worst
    input (the longest at 2n) and its ratio, and the highest ratio found; both must stay
    under 2.5 (linear code gives 2, quadratic 4).
    """
    n = 15_000 if quick else 100_000
    dataset, index, gazetteer = default_setup()
    with tempfile.TemporaryDirectory() as tmp:
        entries = {e.name: e for e in entry_points(dataset, index, gazetteer, Path(tmp))}
        first = scaling(list(entries.values()), n, repeat=1)
        slowest = sorted(first, key=lambda r: -r[3])[:6]
        steepest = sorted((r for r in first if r[2] >= 0.005),
                          key=lambda r: -r[3] / r[2])[:6]
        small = dict(inputs(n, n))
        large = dict(inputs(2 * n, 2 * n))
        again = {}
        for entry_name, input_name, _, _ in {*slowest, *steepest}:
            entry = entries[entry_name]
            t1 = min(timed(entry, small[input_name]) for _ in range(5))
            t2 = min(timed(entry, large[input_name]) for _ in range(5))
            again[(entry_name, input_name)] = (t1, t2)
    (worst_entry, worst_input), (t1, t2) = max(again.items(), key=lambda kv: kv[1][1])
    res.add("hostile.worst_input_time_2n", t2 * 1000, "ms")
    res.add("hostile.worst_input_ratio_2n_n", t2 / t1, "x")
    (steep_entry, steep_input), (s1, s2) = max(again.items(),
                                               key=lambda kv: kv[1][1] / kv[1][0])
    res.add("hostile.highest_ratio_2n_n", s2 / s1, "x")
    res.note(f"hostile: n = {n:,} characters (random Unicode: {n:,} bytes), CPU time; worst "
             f"input: {worst_entry} on {worst_input} ({t1 * 1000:.0f} -> {t2 * 1000:.0f} ms); "
             f"highest ratio: {steep_entry} on {steep_input} ({s1 * 1000:.0f} -> "
             f"{s2 * 1000:.0f} ms); {len(first)} pairs timed")
    for name, ratio in (("worst input", t2 / t1), ("highest", s2 / s1)):
        if ratio >= 2.5:
            res.note(f"hostile: the {name} ratio time(2n)/time(n) is {ratio:.2f} (limit 2.5)")


if __name__ == "__main__":  # python -m benchmarks.hostile [n]: the slowest pairs
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    ds, idx, gaz = default_setup()
    with tempfile.TemporaryDirectory() as tmp:
        rows = scaling(entry_points(ds, idx, gaz, Path(tmp)), size, repeat=2)
    for entry_name, input_name, a, b in sorted(rows, key=lambda r: -r[3])[:25]:
        print(f"{entry_name:24s} {input_name:34s} {a:8.4f} s {b:8.4f} s  x{b / max(a, 1e-9):.2f}")
