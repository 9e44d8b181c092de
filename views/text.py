"""Report and data text made safe for Streamlit markdown (no HTML), with the place highlighted."""

from __future__ import annotations

import re

# CommonMark lets every ASCII punctuation character be backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=^/%@,;?])")


def md_escape(text: object) -> str:
    """``text`` with every markdown-significant character escaped, newlines flattened.

    The result renders literally in ``st.markdown`` (without ``unsafe_allow_html``): no
    links, images, emphasis, directives, HTML or LaTeX can come from the text.
    """
    flat = " ".join(str("" if text is None else text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


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
