"""Escaped HTML for tooltips and the legend: every data or report string goes through here."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any


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


def script_json(value: Any) -> str:
    """``value`` as a JSON literal safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (the same string
    once parsed), so no text from a report or a data file can close the script or open an
    HTML comment in it (``</script>``, ``<!--``); non-ASCII is escaped too.
    """
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
