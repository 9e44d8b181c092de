"""Escaped HTML for tooltips and the legend: every data or report string goes through here."""

from __future__ import annotations

import html
from collections.abc import Iterable


def esc(value: object) -> str:
    """``value`` as text with ``& < > " '`` escaped, so it shows literally inside HTML."""
    return html.escape("" if value is None else str(value), quote=True)


def lines(parts: Iterable[object]) -> str:
    """Escaped ``parts`` joined by ``<br>``: the content of a tooltip (None parts skipped)."""
    return "<br>".join(esc(p) for p in parts if p is not None and p != "")


def titled(title: object, parts: Iterable[object]) -> str:
    """A tooltip with a bold escaped title line followed by escaped ``parts``."""
    rest = lines(parts)
    head = f"<b>{esc(title)}</b>"
    return f"{head}<br>{rest}" if rest else head
