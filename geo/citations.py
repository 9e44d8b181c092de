"""Citations of a ``source`` cell: their text, a checked web link, a quoted report sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Schemes a citation's link may have; anything else is shown as text, never linked.
LINK_SCHEMES = ("http", "https")

#: Citation labels longer than this are cut (a link keeps the whole address).
LABEL_CHARS = 70
#: A web address in a dataset citation: up to the first space (or character a URL lacks).
_URL = re.compile(r"https?://[^\s<>\"'`\\|]+", re.IGNORECASE)
#: ``geo.accept.citation``: ``report ID (YYYY-MM-DD)[ SOURCE]: sentence``.
_REPORT = re.compile(r"^report (?P<report>\S+) \((?P<date>\d{4}-\d{2}-\d{2})\)(?P<rest>.*)$",
                     re.DOTALL)


@dataclass(frozen=True)
class Citation:
    """One citation of a ``source`` cell.

    ``text`` is the citation as written (plain text: escape it before showing it). ``url``
    is a link that passed :func:`safe_url`, or None. For the citation of an accepted report
    claim, ``report`` is the report's id and ``excerpt`` the sentence quoted as evidence: the
    sentence came from a report, so nothing in it is ever linked; only the report's own
    ``source:`` address may be.
    """

    text: str
    url: str | None = None
    report: str | None = None
    excerpt: str | None = None


def safe_url(text: str) -> str | None:
    """``text`` if it is an absolute http(s) address with a host, else None.

    Rejects other schemes (``javascript:``, ``data:``, ``file:``...), addresses without a
    host, whitespace and control characters, and addresses over 2,048 characters. Quotes and
    brackets pass: whoever makes a link of the address percent-encodes its target
    (``views.text.link_markdown``).
    """
    if not text or len(text) > 2048 or any(c.isspace() or ord(c) < 32 or ord(c) == 127
                                           for c in text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    return text


def _trim(url: str) -> str:
    """An address found in running text without the punctuation that ends its sentence."""
    url = url.rstrip(".,;:!?")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def parse_citation(text: str) -> Citation:
    """A :class:`Citation` from one citation's text (see :func:`parse_sources`)."""
    text = text.strip()
    claim = _REPORT.match(text)
    if claim:
        # the report's source line, then the sentence: only a source that is one checked
        # address is linked; the sentence is report text, never searched for links
        head, _, sentence = claim.group("rest").partition(": ")
        source = head.strip()
        url = safe_url(source) if source and not any(c.isspace() for c in source) else None
        return Citation(text=text, url=url, report=claim.group("report"),
                        excerpt=sentence.strip() or None)
    found = _URL.search(text)
    return Citation(text=text, url=safe_url(_trim(found.group(0))) if found else None)


def citation_label(c: Citation, max_chars: int = LABEL_CHARS) -> str:
    """A short plain-text label for a citation: its text without its address, else the host."""
    if c.report:
        text = f"report {c.report}"
    else:
        text = c.text.replace(c.url, "") if c.url else c.text
        text = re.sub(r"\(\s*\)", "", re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text)))
        text = " ".join(text.split()).strip(" :,-")
        if c.url:  # "reposted at <address>": the dangling word goes with the address
            text = re.sub(r"\s+(?:at|via|on|in|from)$", "", text)
        if not text and c.url:
            text = urlsplit(c.url).hostname or c.url
    return text if len(text) <= max_chars else text[:max_chars - 1] + "…"


def parse_sources(cell: str) -> tuple[Citation, ...]:
    """The citations of a dataset ``source`` cell (separated by `` | ``), in order.

    Parameters
    ----------
    cell : str
        A ``source`` cell of ``data/`` (docs/data-model.md): each citation is a URL, a
        publication with its date, or an accepted claim's ``report ID (date) ...: sentence``.

    Returns
    -------
    tuple of Citation
        Each with its first web address that passed :func:`safe_url` as ``url``.
    """
    return tuple(parse_citation(part) for part in cell.split(" | ") if part.strip())
