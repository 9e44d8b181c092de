"""Reading report files: dates from headers, front matter, file names; broken files; sentences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import ReportError
from geo.reports import parse_report, read_report, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_253ffc8c63ac3726.txt"


def test_seed_report_date_body_and_sentences() -> None:
    report = read_report(SEED)
    assert report.id == "000_253ffc8c63ac3726"
    assert report.date == dt.date(2018, 3, 22)
    assert report.date_origin == "header"
    assert report.text.lstrip().startswith("Jaysh Al-Islam group active in Douma")
    assert "date 2018" not in report.text
    assert len(report.sentences) == 13
    for s in report.sentences:
        assert report.text[s.start:s.end] == s.text
    assert report.sentences[9].text.endswith("lasting from 9:00 to 14:00.")


def test_first_line_header_with_source_and_title_lines(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text("date: 2018-03-21 source: https://example.org/a?b=1\n"
                    "title: Deal in Harasta\nFighters agreed to leave Harasta.\n",
                    encoding="utf-8")
    report = read_report(path)
    assert (report.date, report.source, report.title) == (
        dt.date(2018, 3, 21), "https://example.org/a?b=1", "Deal in Harasta")
    assert report.text.strip() == "Fighters agreed to leave Harasta."
    assert [s.text for s in report.sentences] == ["Fighters agreed to leave Harasta."]


def test_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "fm.txt"
    path.write_text("---\ndate: 2018-03-15\nsource: https://example.org/x\n"
                    "title: \"Exodus\"\n---\nThousands left Hammouriyeh.\n", encoding="utf-8")
    report = read_report(path)
    assert report.date_origin == "front-matter"
    assert (report.date, report.source, report.title) == (
        dt.date(2018, 3, 15), "https://example.org/x", "Exodus")
    assert report.text.strip() == "Thousands left Hammouriyeh."


def test_front_matter_errors_name_the_line() -> None:
    with pytest.raises(ReportError) as bad_line:
        parse_report("---\ndate: 2018-03-15\nthis is not a field\n---\nText.", path="x.txt")
    assert bad_line.value.problem.line == 3
    with pytest.raises(ReportError, match="closing '---'"):
        parse_report("---\ndate: 2018-03-15\nsource: s\n", path="x.txt")
    with pytest.raises(ReportError) as bad_date:
        parse_report("---\ntitle: t\ndate: 2018-02-30\n---\nText.", path="x.txt")
    assert bad_date.value.problem.line == 3
    assert "2018-02-30 does not exist: February 2018 has 28 days" in str(bad_date.value)


def test_date_from_file_name_then_default_then_error() -> None:
    named = parse_report("Buses left Arbin.", path="reports/2018-03-24_arbin.txt")
    assert (named.date, named.date_origin, named.id) == (
        dt.date(2018, 3, 24), "filename", "2018-03-24_arbin")
    given_date = parse_report("Buses left Arbin.", path="arbin.txt",
                              default_date=dt.date(2018, 3, 25))
    assert (given_date.date, given_date.date_origin) == (dt.date(2018, 3, 25), "given")
    with pytest.raises(ReportError, match="no date"):
        parse_report("Buses left Arbin.", path="arbin.txt")


def test_invalid_header_date_is_an_error_not_a_crash() -> None:
    with pytest.raises(ReportError) as err:
        parse_report("date 2018-13-01 Text.", path="x.txt")
    assert err.value.problem.line == 1


@pytest.mark.parametrize(("content", "message", "line"), [
    (b"", "empty", 0),
    (b"  \n\n ", "empty", 0),
    (b"date 2018-03-22\nline two\n\x00\x01\x02binary", "binary", 3),
    (b"date 2018-03-22\nDouma caf\xe9 latin-1\n", "not UTF-8", 2),
])
def test_broken_files_give_clear_errors(tmp_path: Path, content: bytes, message: str,
                                        line: int) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert message in str(err.value)
    assert err.value.problem.line == line
    assert err.value.problem.path == str(path)


def test_too_large_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("date 2018-03-22\n" + "Douma. " * 200, encoding="utf-8")
    with pytest.raises(ReportError, match="too large"):
        read_report(path, max_bytes=1000)
    with pytest.raises(ReportError, match="cannot read"):
        read_report(tmp_path / "nope.txt")


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffdate 2018-03-22\r\nFirst one.\r\n\r\nSecond one.".encode())
    report = read_report(path)
    assert report.date == dt.date(2018, 3, 22)
    assert [s.text for s in report.sentences] == ["First one.", "Second one."]


@pytest.mark.parametrize(("text", "expected"), [
    ("Gen. Ali Mayhoub spoke. Buses left.", ["Gen. Ali Mayhoub spoke.", "Buses left."]),
    ("The U.N. team arrived at 9 a.m. on Monday. It left.",
     ["The U.N. team arrived at 9 a.m. on Monday.", "It left."]),
    ("About 1,500 people left at 9:00. Then 2.5 km more.",
     ["About 1,500 people left at 9:00.", "Then 2.5 km more."]),
    ("Mr. Alloush denied it! \"No deal.\" Talks stopped?",
     ["Mr. Alloush denied it!", "\"No deal.\"", "Talks stopped?"]),
    ("A heading without stop\n\nA paragraph.", ["A heading without stop", "A paragraph."]),
    ("a line\nwrapped here. Next.", ["a line\nwrapped here.", "Next."]),
    ("Convoy No. 5 left on Mar. 3 at dusk.", ["Convoy No. 5 left on Mar. 3 at dusk."]),
])
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parsing_never_crashes_and_offsets_hold(text: str) -> None:
    try:
        report = parse_report(text, path="any.txt", default_date=dt.date(2018, 3, 1))
    except ReportError:
        return
    for s in report.sentences:
        assert s.text and report.text[s.start:s.end] == s.text
        assert s.text == s.text.strip()
