"""The Reports page under AppTest (list, claims, accept/reject, names, paste) and upload checks."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.atlas import load_atlas
from geo.errors import ReportError
from geo.storage import read_csv_rows
from tests.minidata import make_dataset
from views.args import parse_args
from views.reports_view import highlight_report
from views.uploads import MAX_UPLOAD_BYTES, accept_upload, check_upload, safe_filename

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "reports.py")
REPORT = ("date 2020-01-06\n"
          "Government forces captured Eastburg after heavy fighting.\n\n"
          "Civilians fled to the village of Qaryat Zeta overnight.\n")
HOSTILE = ("date 2020-01-06\n"
           "Rebels hold Northam <script>alert(1)</script> <img src=x onerror=alert(1)> "
           "[click](javascript:alert(1)) </textarea><b>bold</b>.\n")


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    data = make_dataset(tmp_path / "data")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "r1.txt").write_text(REPORT, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["reports.py", "--data", str(data), "--seeds", str(seeds)])
    return data, seeds


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as read: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Every markdown, caption and alert of the page, unescaped, one per line."""
    return plain("\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                            + [s.value for s in at.success] + [e.value for e in at.error]
                            + [i.value for i in at.info] + [w.value for w in at.warning]))


def claim_button(at: AppTest, action: str, text: str):
    """The ``action`` button of the undecided claim whose summary contains ``text``."""
    summaries = [m.value for m in at.markdown if m.value.startswith("**")]
    index = next(i for i, s in enumerate(summaries) if text in s)
    return [b for b in at.button if b.key and b.key.startswith(f"{action}-")][index]


def files(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.iterdir()) if p.suffix == ".csv"}


def test_report_is_listed_with_its_date_origin_and_claims(dirs: tuple[Path, Path]) -> None:
    at = run_page()
    table = at.dataframe[0].value
    assert list(table["id"]) == ["r1"]
    assert list(table["date"]) == ["2020-01-06"]
    assert list(table["date from"]) == ["header"]
    shown = texts(at)
    assert "**control** · Eastburg held by **Government** · 2020-01-06" in shown
    assert ":blue-background[Eastburg]" in shown
    assert ":orange-background[Government forces]" in shown


def test_accepting_a_claim_writes_a_cited_row_and_survives_a_restart(
        dirs: tuple[Path, Path]) -> None:
    data, _ = dirs
    at = run_page()
    claim_button(at, "accept", "Eastburg held by").click().run()
    assert not at.exception
    rows = [r for r in read_csv_rows(data / "control.csv", ["date"]) if r["kind"] == "claim"]
    assert [(r["date"], r["locality"], r["faction"]) for r in rows] == [
        ("2020-01-06", "eastburg", "gov")]
    assert rows[0]["source"].startswith("report r1 (2020-01-06): Government forces captured")
    assert "Accepted: written into the dataset" in texts(at)
    # the map's data now says the government holds Eastburg from that day on
    atlas = load_atlas(data)
    assert atlas.holder("eastburg", dt.date(2020, 1, 7))[0] == "gov"
    assert atlas.holder("eastburg", dt.date(2020, 1, 5))[0] == "reb"
    # a new session (a restart) still shows it as accepted, with no Accept button
    again = run_page()
    assert "Accepted: already in the dataset" in texts(again)
    assert not [b for b in again.button if b.key and b.key.startswith("accept-")]


def test_rejecting_a_claim_writes_nothing(dirs: tuple[Path, Path]) -> None:
    data, _ = dirs
    before = files(data)
    at = run_page()
    claim_button(at, "reject", "Eastburg held by").click().run()
    assert "Rejected: nothing written" in texts(at)
    assert files(data) == before
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("undo-"))
              ).click().run()
    assert claim_button(at, "accept", "Eastburg held by") is not None


def test_a_claim_the_dataset_refuses_gets_a_clear_message(dirs: tuple[Path, Path]) -> None:
    data, seeds = dirs
    (seeds / "r0.txt").write_text("date 2019-12-01\nGovernment forces captured Northam.\n",
                                  encoding="utf-8")
    before = files(data)
    at = run_page()
    at.selectbox(key="report").set_value("r0").run()
    claim_button(at, "accept", "Northam held by").click().run()
    assert "outside the dataset period" in texts(at)
    assert files(data) == before


def test_broken_reports_are_listed_not_fatal(dirs: tuple[Path, Path]) -> None:
    _, seeds = dirs
    (seeds / "binary.txt").write_bytes(b"date 2020-01-02\n\x00\x01\x02")
    (seeds / "latin1.txt").write_bytes("date 2020-01-02\ncaf\xe9".encode("latin-1"))
    at = run_page()
    warning = " ".join(w.value for w in at.warning)
    assert "binary\\.txt\\:2\\: the report is binary" in warning
    assert "latin1\\.txt\\:2\\: the report is not UTF\\-8" in warning
    assert list(at.dataframe[0].value["id"]) == ["r1"]


def test_hostile_report_text_is_escaped_markdown_never_html(dirs: tuple[Path, Path]) -> None:
    _, seeds = dirs
    (seeds / "r1.txt").write_text(HOSTILE, encoding="utf-8")
    at = run_page()
    body = next(m for m in at.markdown if "alert" in m.value)
    assert "<script>" not in body.value and "\\<script\\>" in body.value
    assert "](javascript" not in body.value
    assert not any(m.proto.allow_html for m in at.markdown)
    assert not any(c.proto.allow_html for c in at.caption)


def test_unresolved_name_can_become_an_alias_or_a_locality(dirs: tuple[Path, Path]) -> None:
    data, _ = dirs
    at = run_page()
    assert "Unresolved place names (1)" in texts(at)
    alias_of = next(s for s in at.selectbox if s.key and s.key.endswith("-alias-of"))
    alias_of.set_value("northam")
    next(b for b in at.button if b.key and b.key.endswith("-alias-form-Add alias")).click()
    at.run()
    assert "added as a spelling of northam" in texts(at)
    row = next(r for r in read_csv_rows(data / "localities.csv", ["id"]) if r["id"] == "northam")
    assert "Qaryat Zeta" in row["alt_names"].split(";")
    assert "Unresolved place names (0)" in texts(at)


def test_new_locality_needs_a_source(dirs: tuple[Path, Path]) -> None:
    data, _ = dirs
    at = run_page()
    key = next(s.key for s in at.text_input if s.key and s.key.endswith("-id"))
    wkey = key.removesuffix("-id")
    assert at.text_input(key=key).value == "qaryat-zeta"
    at.number_input(key=f"{wkey}-lat").set_value(33.52)
    at.number_input(key=f"{wkey}-lon").set_value(36.33)
    submit = next(b for b in at.button if b.key and b.key.endswith("-new-form-Add locality"))
    submit.click().run()
    assert "needs a name and a source" in texts(at)
    at.text_input(key=f"{wkey}-source").input("analyst's estimate from a test map")
    next(b for b in at.button if b.key and b.key.endswith("-new-form-Add locality")).click()
    at.run()
    ids = [r["id"] for r in read_csv_rows(data / "localities.csv", ["id"])]
    assert "qaryat-zeta" in ids


def test_pasted_report_is_saved_and_selected(dirs: tuple[Path, Path]) -> None:
    _, seeds = dirs
    at = run_page()
    at.text_input(key="paste_title").input("../../etc/Douma update")
    at.text_area(key="paste_text").input("Rebels entered Southby.")
    at.button(key="FormSubmitter:paste_form-Save pasted report").click().run()
    assert "has no date" in texts(at)
    assert sorted(p.name for p in seeds.glob("*.txt")) == ["r1.txt"]
    at.date_input(key="paste_date").set_value(dt.date(2020, 1, 3))
    at.button(key="FormSubmitter:paste_form-Save pasted report").click().run()
    assert sorted(p.name for p in seeds.glob("*.txt")) == ["douma-update.txt", "r1.txt"]
    assert (seeds / "douma-update.txt").read_text(encoding="utf-8").startswith("date 2020-01-03\n")
    assert at.selectbox(key="report").value == "douma-update"
    assert "**control** · Southby held by **Rebels** · 2020-01-03" in texts(at)


# ------------------------------------------------------------------------- upload checks

@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"  \n", "the report is empty"),
    ("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("ctrl.txt", b"date 2020-01-02\n" + b"\x01\x02\x03\x04" * 50, "looks binary"),
    ("latin.txt", "date 2020-01-02\nS\xe9ance".encode("latin-1"), "not UTF-8"),
    ("big.txt", b"date 2020-01-02\n" + b"a" * (20 * 1024 * 1024), "too large"),
    ("report.pdf", b"date 2020-01-02\nhello", "only .txt or .md"),
    ("noext", b"date 2020-01-02\nhello", "without extension"),
])
def test_bad_uploads_get_a_clear_message(tmp_path: Path, name: str, data: bytes,
                                         message: str) -> None:
    with pytest.raises(ReportError, match=message):
        accept_upload(tmp_path, name, data)
    assert list(tmp_path.iterdir()) == []


def test_size_limit_is_the_upload_widget_limit() -> None:
    assert check_upload("ok.md", b"x" * MAX_UPLOAD_BYTES) == "x" * MAX_UPLOAD_BYTES
    with pytest.raises(ReportError, match="too large"):
        check_upload("ok.md", b"x" * (MAX_UPLOAD_BYTES + 1))


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\system.ini.md", "system-ini.txt"),
    ("/abs/.hidden.txt", "hidden.txt"),
    ("....txt", "report.txt"),
    ("Dūmā Report (2018-03-05).MD", "duma-report-2018-03-05.txt"),
    ("<script>alert(1)</script>.txt", "script.txt"),
])
def test_uploaded_names_are_slugified(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_traversal_name_is_saved_inside_the_folder_without_overwriting(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (tmp_path / "passwd.txt").write_text("keep", encoding="utf-8")
    first, _ = accept_upload(seeds, "../passwd.txt", b"date 2020-01-02\nhello")
    second, report = accept_upload(seeds, "../passwd.txt", b"date 2020-01-03\nagain")
    assert (first.parent, second.parent) == (seeds, seeds)
    assert (first.name, second.name) == ("passwd.txt", "passwd-2.txt")
    assert (tmp_path / "passwd.txt").read_text(encoding="utf-8") == "keep"
    assert (report.id, report.date) == ("passwd-2", dt.date(2020, 1, 3))


def test_a_date_in_the_text_wins_over_the_date_given(tmp_path: Path) -> None:
    path, report = accept_upload(tmp_path, "a.md", b"date 2020-01-02\nhello",
                                 date=dt.date(2020, 1, 9))
    assert (report.date, report.date_origin) == (dt.date(2020, 1, 2), "header")
    assert path.read_bytes() == b"date 2020-01-02\nhello"


# ------------------------------------------------------------------------- pure helpers

def test_highlight_escapes_every_piece_and_marks_spans() -> None:
    text = "*Douma* [x](javascript:1) held by JAI.\n\n<b>Harasta</b>"
    md = highlight_report(text, [(1, 6), (43, 50)], [(34, 37)])
    assert md == ("\\*:blue-background[Douma]\\* \\[x\\]\\(javascript\\:1\\) held by "
                  ":orange-background[JAI]\\.\n\n\\<b\\>:blue-background[Harasta]\\<\\/b\\>")


def test_args_default_the_seeds_beside_the_data(tmp_path: Path) -> None:
    args = parse_args(["--data", str(tmp_path / "d"), "--server.port", "1"])
    assert args.seeds == tmp_path / "seeds"
    assert parse_args(["--seeds", "s"]).seeds == Path("s")
