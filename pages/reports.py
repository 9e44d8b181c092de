"""Streamlit page: the reports, their place and faction mentions, and claims to accept or reject."""

from __future__ import annotations

import sys

import streamlit as st

from views import loaders
from views.args import parse_args
from views.reports_view import render_page
from views.text import md_escape

st.set_page_config(page_title="Reports", layout="wide")
ARGS = parse_args(sys.argv[1:])
atlas, akey, error = loaders.atlas_or_last_good(ARGS.data, ARGS.cache)
if error is not None:
    st.error("The dataset has problems; nothing can be accepted until they are fixed.\n\n"
             + "\n".join(f"- {md_escape(p)}" for p in error.problems))
if atlas is None:
    st.stop()
render_page(atlas.dataset, akey, store=loaders.store(ARGS.data), seeds_dir=ARGS.seeds,
            writable=error is None, identity_header=ARGS.identity_header,
            cache_dir=ARGS.cache)
