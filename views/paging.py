"""Pages of long lists and long texts: a request draws one page, however long the whole is."""

from __future__ import annotations

import streamlit as st


def page_range(total: int, per_page: int, *, key: str, label: str = "Page") -> range:
    """The indexes of the page of ``total`` items the user chose (a page number input, shown
    only when there is more than one page)."""
    pages = max(1, -(-total // per_page))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"{label} (of {pages:,})", min_value=1, max_value=pages,
                                   value=1, step=1, key=key))
    first = (min(max(page, 1), pages) - 1) * per_page
    if pages > 1:
        st.caption(f"{first + 1:,}-{min(total, first + per_page):,} of {total:,}")
    return range(first, min(total, first + per_page))


def text_pages(text: str, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pages of ``text`` of at most ``size`` characters, cut
    at the last paragraph break, else line break, else space, in the second half of a page
    (else at ``size``). Linear in the length of ``text``."""
    out = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = limit
        for sep in ("\n\n", "\n", " "):
            at = text.rfind(sep, start + size // 2, limit)
            if at >= 0:
                cut = at + len(sep)
                break
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out
