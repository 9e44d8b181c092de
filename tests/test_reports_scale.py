"""Work per request stays bounded as the reports folder grows: pages of excerpts, claims and
text; large reports read in the background; nothing read twice."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.minidata import make_dataset
from views.loaders import INLINE_BYTES
from views.paging import text_pages
from views.panel import EXCERPTS_PER_PAGE
from views.reports_view import CLAIMS_PER_PAGE, TEXT_PAGE_CHARS

ROOT = Path(__file__).resolve().parent.parent
APP, PAGE = str(ROOT / "app.py"), str(ROOT / "pages" / "reports.py")
SENTENCE = "Government forces captured Eastburg on {n} January, and rebels shelled Northam.\n"


def big_report(n_sentences: int) -> str:
    body = "".join(SENTENCE.format(n=1 + i % 9) + ("\n" if i % 5 == 4 else "")
                   for i in range(n_sentences))
    return f"date 2020-01-09\nsource: https://example.org/big\n\n{body}"


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    data = make_dataset(tmp_path / "data")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(data), "--seeds", str(seeds),
                                      "--cache", str(tmp_path / "cache")])
    return data, seeds


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [i.value for i in at.info] + [w.value for w in at.warning])


def until_read(script: str, timeout_s: float = 120) -> AppTest:
    """Run the page until no report is waiting to be read (the background thread works)."""
    deadline = time.monotonic() + timeout_s
    while True:
        at = AppTest.from_file(script, default_timeout=120).run()
        assert not at.exception
        if "being read" not in texts(at) or time.monotonic() > deadline:
            return at
        time.sleep(1)


def test_a_town_panel_draws_one_page_of_its_excerpts(dirs: tuple[Path, Path]) -> None:
    _data, seeds = dirs
    (seeds / "many.txt").write_text(big_report(130), encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["town"] = "eastburg"
    at.run()
    assert not at.exception
    shown = [c.value for c in at.caption if "example.org" in c.value]
    assert len(shown) == EXCERPTS_PER_PAGE
    assert "**Report excerpts** (130, newest first)" in texts(at)
    page = at.number_input(key="excerpt-page-eastburg")
    assert page.max == -(-130 // EXCERPTS_PER_PAGE)
    page.set_value(page.max).run()
    assert len([c for c in at.caption if "example.org" in c.value]) == 130 % EXCERPTS_PER_PAGE


def test_a_large_report_is_read_in_the_background_and_paged(dirs: tuple[Path, Path]) -> None:
    _data, seeds = dirs
    text = big_report(4000)
    assert len(text.encode()) > INLINE_BYTES
    (seeds / "big.txt").write_text(text, encoding="utf-8")
    started = time.monotonic()
    first = AppTest.from_file(PAGE, default_timeout=120).run()
    assert time.monotonic() - started < 60
    assert not first.exception
    assert "being read in the background" in texts(first)  # the request did not read it
    at = until_read(PAGE)
    claims = [m for m in at.markdown if m.value.startswith("**control**")]
    assert 0 < len(claims) <= CLAIMS_PER_PAGE
    assert at.number_input(key="claims-page-big").max > 1
    body = max((m.value for m in at.markdown), key=len)
    assert len(body) < 2 * TEXT_PAGE_CHARS  # one page of the text, escaped
    assert at.number_input(key="text-page-big").max == len(text_pages(text.split("\n\n", 1)[1],
                                                                      TEXT_PAGE_CHARS))


def test_a_large_pasted_report_is_shown_once_read(dirs: tuple[Path, Path]) -> None:
    _data, seeds = dirs
    (seeds / "small.txt").write_text(big_report(3), encoding="utf-8")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.text_input(key="paste_title").input("Long paste")
    at.text_area(key="paste_text").input(big_report(4000))
    at.button(key="FormSubmitter:paste_form-Save pasted report").click().run()
    assert not at.exception and (seeds / "long-paste.txt").is_file()
    deadline = time.monotonic() + 120
    while "being read" in texts(at) and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    assert at.selectbox(key="report").value == "long-paste"


def test_a_second_server_start_reads_nothing_again(dirs: tuple[Path, Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _data, seeds = dirs
    (seeds / "r.txt").write_text(big_report(20), encoding="utf-8")
    until_read(PAGE)
    import geo.report_index

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a report was read again")

    monkeypatch.setattr(geo.report_index, "ingest_reports", fail)
    import streamlit as st

    st.cache_resource.clear()  # as a restarted server: only the index on disk is left
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert at.selectbox(key="report").options == ["r · 2020-01-09"]
    assert "**control**" in texts(at)


def test_text_pages_cover_the_text_and_cut_at_breaks() -> None:
    text = ("word " * 50 + "\n\n") * 200
    pages = text_pages(text, 1000)
    assert pages[0][0] == 0 and pages[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pages))
    assert all(e - s <= 1000 for s, e in pages)
    assert all(text[e - 2:e] == "\n\n" for _s, e in pages[:-1])
    assert text_pages("x" * 2500, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]
