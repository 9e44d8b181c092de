"""No link comes from report or data text; a report's http(s) source is the one link."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from views.reports_view import highlight_report
from views.text import highlight, md_escape, source_link

# remark-gfm's autolink literals, as mdast-util-gfm-autolink-literal finds them in text nodes
# (after backslash escapes are resolved; \w is ASCII in JavaScript)
GFM_URL = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE | re.ASCII)
GFM_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII)
UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def literal_links(markdown: str) -> list[str]:
    """What remark-gfm would turn into links in this markdown's text."""
    text = UNESCAPE.sub(r"\1", markdown)
    return [m.group(0) for m in (*GFM_URL.finditer(text), *GFM_EMAIL.finditer(text))]


HOSTILE = ["http://evil.example/x.png", "www.evil.example", "user@evil.example",
           "HTTPS://EVIL.EXAMPLE", "mailto:user@evil.example", "xmpp:user@evil.example",
           "see(http://evil.example)", "a.www.evil.example", "Www.Evil.Example"]


@pytest.mark.parametrize("text", HOSTILE)
def test_urls_and_addresses_in_text_make_no_link(text: str) -> None:
    assert literal_links(text), "the pattern would link the raw text"
    assert literal_links(md_escape(text)) == []
    assert literal_links(highlight(f"In Douma {text} now", 3, 8)) == []
    assert literal_links(highlight_report(f"Douma {text}. Douma.", [(0, 5)], [])) == []
    # the text still reads the same, but for the invisible word joiner
    assert UNESCAPE.sub(r"\1", md_escape(text)).replace("\u2060", "") == text


@given(st.text(st.sampled_from(list("htps:/w.@ae-_x+H")), max_size=40))
def test_no_autolink_literal_survives_escaping(text: str) -> None:
    assert literal_links(md_escape(text)) == []


@pytest.mark.parametrize(("source", "target"), [
    ("https://example.org/report", "https://example.org/report"),
    ("http://example.org/a?b=(1)&c='2'", "http://example.org/a?b=%281%29&c=%272%27"),
    ('https://example.org/"><script>', "https://example.org/%22%3E%3Cscript%3E"),
])
def test_an_http_source_becomes_one_link_to_its_percent_encoded_url(source: str,
                                                                    target: str) -> None:
    markdown = source_link(source)
    assert markdown.endswith(f"]({target})")
    assert markdown.count("](") == 1 and "\n" not in markdown


@pytest.mark.parametrize("source", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                    "file:///etc/passwd", "ftp://example.org/x",
                                    "https:///no-host", "www.example.org", "Reuters, 5 March",
                                    "http://a.example/x y", ""])
def test_other_sources_are_text(source: str) -> None:
    markdown = source_link(source)
    assert "](" not in markdown and literal_links(markdown) == []
