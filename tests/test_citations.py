"""Citations of source cells: links only for checked http(s) addresses, never from report text."""

from __future__ import annotations

import pytest

from geo.citations import parse_citation, parse_sources, safe_url
from geo.dataset import load_dataset
from tests.conftest import ROOT


@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Douma,_Syria",
    "http://tass.com/world/995889",
    "HTTPS://example.org/a?b=c&d=(e)",
])
def test_web_addresses_pass(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd",
    "vbscript:msgbox", "//evil.example/x", "https://", "http:///path", "www.evil.example",
    "https://a.example/x y", "https://a.example/\u2028x", "", "https://a.example/\x00",
    "http://:80/x", "https://[::1/x",
    "https://" + "a" * 3000 + ".example",
])
def test_other_addresses_are_refused(url: str) -> None:
    assert safe_url(url) is None


def test_a_dataset_citation_links_its_address_without_the_sentence_end() -> None:
    c = parse_citation("Wikipedia 'Jobar' (mirror https://pwojczyn.com/wiki/view.php?q=Jobar).")
    assert c.url == "https://pwojczyn.com/wiki/view.php?q=Jobar"
    assert parse_citation("TASS via Kazinform 27 Feb 2018").url is None
    wiki = "https://en.wikipedia.org/wiki/Rif_Dimashq_offensive_(February%E2%80%93April_2018)"
    assert parse_citation(f"Wikipedia {wiki}").url == wiki  # balanced brackets kept


def test_an_accepted_claim_links_only_the_reports_source_line() -> None:
    text = ("report r1 (2018-03-08) https://news.example/a: Troops entered Douma, see "
            "https://evil.example/x and javascript:alert(1).")
    c = parse_citation(text)
    assert c.report == "r1"
    assert c.url == "https://news.example/a"
    assert c.excerpt == "Troops entered Douma, see https://evil.example/x and javascript:alert(1)."
    bare = parse_citation("report r2 (2018-03-08): Fighters left https://evil.example/y today.")
    assert bare.url is None and bare.excerpt == "Fighters left https://evil.example/y today."
    bad = parse_citation("report r3 (2018-03-08) javascript:alert(1): Douma fell.")
    assert bad.url is None and bad.excerpt == "Douma fell."
    spaced = parse_citation("report r4 (2018-03-08) Reuters https://evil.example: Douma fell.")
    assert spaced.url is None  # the source line is not one address: nothing is linked


def test_every_citation_of_the_shipped_data_parses() -> None:
    ds = load_dataset(ROOT / "data")
    cells = ([c.source for c in ds.control] + [e.source for e in ds.events]
             + [c.source for c in ds.corridors] + [r.source for r in ds.routes])
    cites = [c for cell in cells for c in parse_sources(cell)]
    assert len(cites) >= len(cells)
    linked = [c for c in cites if c.url]
    assert len(linked) > 0.8 * len(cites)  # most sources are web pages
    assert all(c.url in c.text and safe_url(c.url) for c in linked)
