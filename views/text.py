"""Report and data text made safe for Streamlit markdown (no HTML), with the place highlighted."""

from __future__ import annotations

import re
from urllib.parse import quote

from geo.citations import Citation, citation_label, safe_url

# CommonMark lets every ASCII punctuation character be backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=^/%@,;?])")
#: Where GitHub-flavoured markdown's autolink literals start (remark-gfm turns them into links
#: in text nodes, after backslash escapes are resolved): "http://", "https://", "www." and the
#: "@" of an e-mail address. A WORD JOINER (U+2060, invisible, not a word character) is put
#: inside each, which none of those patterns accepts.
_AUTOLINK = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """``text`` with every markdown-significant character escaped, newlines flattened.

    The result renders literally in ``st.markdown`` (without ``unsafe_allow_html``): no
    links, images, emphasis, directives, HTML or LaTeX can come from the text. URLs, "www."
    names and e-mail addresses show as text: an invisible word joiner keeps markdown from
    making them links (``source_link`` makes the one link a report may have).
    """
    flat = " ".join(str("" if text is None else text).split())
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, flat))


def link_markdown(label: str, url: str | None) -> str:
    """Markdown of ``label`` linked to ``url`` when ``geo.citations.safe_url`` accepts it (an
    ``http(s)`` URL with a host), else the label as text; both escaped. The target is
    percent-encoded so that no character of it can end the link early."""
    if url is None or safe_url(url) is None:
        return md_escape(label)
    target = quote(url, safe=":/?#@!$&'*+,;=%~[]")
    target = target.replace("(", "%28").replace(")", "%29").replace("'", "%27")
    text = _MD_SPECIAL.sub(r"\\\1", label)  # no autolink is made inside a link
    return f"[{text}]({target})"


def source_link(url: str, *, fallback: str = "no source given") -> str:
    """Markdown of a report's ``source:``: a link when it is an ``http(s)`` URL with a host,
    else the text itself (escaped, no link). The label is the URL as written
    (:func:`link_markdown`)."""
    text = " ".join(str(url or "").split())
    if not text:
        return md_escape(fallback)
    return link_markdown(text, text)


def sources_markdown(sources: tuple[Citation, ...]) -> str:
    """Markdown of a row's citations: short escaped labels, linked only where the address
    passed the scheme check (:func:`link_markdown`); a report's sentence is never linked."""
    return " · ".join(link_markdown(citation_label(c), c.url) for c in sources)


def highlight(sentence: str, start: int, end: int) -> str:
    """Markdown for ``sentence`` with ``sentence[start:end]`` in bold, all of it escaped.

    Offsets outside the sentence are clamped; an empty span gives the sentence unmarked.
    """
    start = max(0, min(start, len(sentence)))
    end = max(start, min(end, len(sentence)))
    if start == end:
        return md_escape(sentence)
    before, place, after = sentence[:start], sentence[start:end], sentence[end:]
    # keep the spaces outside the ** markers, or markdown ignores the emphasis
    lead = " " if before[-1:].isspace() else ""
    trail = " " if after[:1].isspace() else ""
    return f"{md_escape(before)}{lead}**{md_escape(place)}**{trail}{md_escape(after)}"
