"""The snapshot's text: the fast encoder writes exactly what json.dumps writes."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.snapshot import dumps


def reference(doc: object) -> str:
    """The text written before the fast encoder (the contract's exact bytes)."""
    from geo.snapshot import _json_default

    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default) + "\n"


finite = st.floats(allow_nan=False, allow_infinity=False)
leaves = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
          | finite | st.text() | st.sampled_from([1e-5, -3e-7, 1e-4, 1e16, 5e-324, 0.1 + 0.2,
                                                    -0.0, 33.123456, 1e300]))
docs = st.recursive(leaves, lambda kids: st.lists(kids, max_size=5)
                    | st.dictionaries(st.text(max_size=8), kids, max_size=5), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(docs)
def test_fast_text_is_identical_to_json_dumps(doc: object) -> None:
    assert dumps(doc) == reference(doc)  # type: ignore[arg-type]


def test_identical_on_the_shipped_snapshots(dataset) -> None:
    from geo.atlas import Atlas

    atlas = Atlas.build(dataset)
    for day in (dataset.meta.start, dt.date(2018, 3, 22), dataset.meta.end):
        snap = atlas.snapshot(day, excerpt_counts={"douma": 3})
        assert dumps(snap) == reference(snap)


def test_numpy_scalars_dates_and_odd_text_as_before() -> None:
    doc = {"n": np.int64(3), "x": np.float64(0.5), "d": dt.date(2018, 3, 22),
           "s": "a\u2028b\x00\x7f\ud800é\"\\/", "tiny": [1e-5, 2.5e-6, -1e-7]}
    assert dumps(doc) == reference(doc)


def test_non_finite_numbers_become_null_valid_json() -> None:
    # json.dumps would write NaN/Infinity, which no JSON (RFC 8259) reader accepts
    text = dumps({"a": math.nan, "b": [math.inf]})
    assert json.loads(text) == {"a": None, "b": [None]}
