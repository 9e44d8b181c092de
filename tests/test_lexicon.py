"""The claim grammar's lexicon: the pattern notation, checks with file:line, a dataset's own
rows, and misspelled trigger words."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from geo.claims import lexicon_for
from geo.claims.lexicon import CATEGORIES, expand, parse_rows, read_csv_text
from geo.dataset import load_dataset, validate_dir
from geo.ingest import ingest_report
from geo.mentions import MentionIndex
from geo.reports import parse_report

ROOT = Path(__file__).resolve().parent.parent


def test_expand_lists_alternatives_optional_groups_and_treats_hyphens_as_spaces() -> None:
    assert expand("(take|took) (full|) control (of|over)") == [
        ("take", "full", "control", "of"), ("take", "full", "control", "over"),
        ("take", "control", "of"), ("take", "control", "over"),
        ("took", "full", "control", "of"), ("took", "full", "control", "over"),
        ("took", "control", "of"), ("took", "control", "over")]
    assert expand("pro-government") == [("pro", "government")]
    with pytest.raises(ValueError, match="unbalanced"):
        expand("(take|took control")
    with pytest.raises(ValueError, match="more than"):
        expand(" ".join(["(a|b|c|d|e|f|g|h)"] * 5))


def test_bad_rows_are_named_by_file_and_line() -> None:
    rows = read_csv_text("category,phrase,value,note\n# a comment\nevent,seize,captured,\n"
                         "evnet,grab,captured,\nside,regime,goverment,\nevent,,x,\n")
    entries, problems = parse_rows(rows, "lexicon.csv")
    assert [e.phrase for e in entries] == ["seize"]
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [
        (4, "unknown"), (5, "a"), (6, "empty")]
    assert str(problems[0]).startswith("lexicon.csv:4: unknown lexicon category 'evnet'")


def test_the_shipped_lexicon_has_words_for_every_category() -> None:
    lexicon = lexicon_for()
    assert {c for c in CATEGORIES if not lexicon.words[c] and not any(
        p.category == c for ps in lexicon.by_first.values() for p in ps)} == set()


@pytest.mark.parametrize(("typo", "word"), [("controling", "controlling"),
                                            ("recaptued", "recaptured"),
                                            ("liberatted", "liberated")])
def test_long_trigger_words_are_recognised_with_one_letter_wrong(typo: str, word: str) -> None:
    assert lexicon_for().correct(typo) == word


@pytest.mark.parametrize("word", ["centered", "consulting", "captures", "calendar"])
def test_other_words_are_not_corrected(word: str) -> None:
    assert lexicon_for().correct(word) in (None, word)


def test_a_dataset_adds_its_own_words_without_code(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = "Government troops mopped up Zamalka."
    dataset = load_dataset(data)
    index = MentionIndex.for_dataset(dataset)

    def holders() -> set:
        d = load_dataset(data)
        report = parse_report(text, path="t.txt", default_date=dt.date(2018, 3, 22))
        return {(c.localities, c.detail.get("holder"))
                for c in ingest_report(report, dataset=d, index=index).claims}

    assert holders() == set()
    (data / "lexicon.csv").write_text(
        "category,phrase,value,note\nevent,(mop|mops|mopped|mopping) up,captured,"
        "local wording\n", encoding="utf-8")
    assert holders() == {(("zamalka",), "saa")}
    (data / "lexicon.csv").write_text("category,phrase,value,note\nverbs,mop up,,\n",
                                      encoding="utf-8")
    found, problems = validate_dir(data)
    assert found is None
    assert [(Path(p.path).name, p.line) for p in problems] == [("lexicon.csv", 2)]
