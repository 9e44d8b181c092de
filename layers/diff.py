"""The compare layer: ground that changed hands between two dates, coloured by who gained it."""

from __future__ import annotations

from collections.abc import Mapping

import folium

from geo.style import GAIN_OPACITY, UNKNOWN_COLOR
from layers.dated import _group, _with_tip, _without
from layers.html import titled


def diff_layer(diff: Mapping) -> folium.FeatureGroup:
    """Territory gained between two dates (``geo.diff.territory_diff``) as filled areas.

    Parameters
    ----------
    diff : mapping
        The diff FeatureCollection (features of kind ``gain``, foreign members ``from``/``to``).

    Returns
    -------
    folium.FeatureGroup
        Named "Changes": each area filled with the colour of the faction that holds it on the
        later date, outlined in white; its tooltip says who took it from whom, its km2 and the
        two dates. Features keep their properties but ``localities``.
    """
    span = f"{diff.get('from')} → {diff.get('to')}"
    feats = []
    for f in diff.get("features", ()):
        p = f["properties"]
        gainer = p.get("faction_name") or "nobody known"
        loser = p.get("from_faction_name") or "nobody known"
        feats.append(_with_tip(_without(f, "localities"), titled(
            f"Gained by {gainer}", [f"from {loser}", f"{p.get('area_km2', 0):.1f} km²", span]),
            diff.get("to")))
    return _group("Changes", feats, lambda f: {
        "fillColor": f["properties"].get("color") or UNKNOWN_COLOR,
        "color": "#ffffff",
        "weight": 1.5,
        "fillOpacity": GAIN_OPACITY,
    })
