"""The map component fed with pre-rendered JavaScript: base map once per dataset, layers per date.

``streamlit_folium.st_folium`` renders the whole Folium map (every element's Jinja template)
and every dated FeatureGroup on each rerun, then hands strings to its component. Those
strings depend only on the dataset, the date and the layer switches, so they are rendered
here once (``render_base``, ``render_layers``), cached by the caller, and passed to the same
component by ``show_map`` with the arguments ``st_folium`` 0.27 would pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import streamlit as st
import streamlit_folium as sf

#: What ``st_folium`` returns before the user touches the map (filtered by ``returned``).
_DEFAULT_KEYS = ("last_clicked", "last_object_clicked", "last_object_clicked_count",
                 "last_object_clicked_tooltip", "last_object_clicked_popup", "all_drawings",
                 "last_active_drawing", "bounds", "zoom", "last_circle_radius",
                 "last_circle_polygon", "selected_layers", "selected_tags",
                 "last_geocoder_result")


@dataclass(frozen=True)
class RenderedMap:
    """A base map as the ``st_folium`` component receives it (strings, links, defaults)."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict[str, dict[str, float | None]]
    zoom: Any
    key: str
    component_key: str


def render_base(m: folium.Map, key: str = "map") -> RenderedMap:
    """Render ``m`` once the way ``st_folium`` does; ``m`` must not be used afterwards.

    Parameters
    ----------
    m : folium.Map
        The base map (no date-dependent layer; those go through ``render_layers``).
    key : str
        Streamlit key of the map element (``st_folium``'s ``key``).

    Returns
    -------
    RenderedMap
        Script, header, HTML and asset links for the component; bounds are WGS 84 degrees.
    """
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    css: list[str] = []
    js: list[str] = []

    def walk(el: Any) -> None:
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    (s, w), (n, e) = m.get_bounds()
    return RenderedMap(
        script=script, header=header, html=html, map_id=sf.get_full_id(m),
        css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
        bounds={"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        zoom=m.options.get("zoom"), key=key,
        component_key=sf.generate_js_hash(script, key, False),
    )


#: Run before a date's groups are added. The component has just removed every group in
#: ``window.feature_group`` from the map but keeps them in that array, which it only ever
#: appends to: about 2 MB of Leaflet objects a date at country scale, so a long playback
#: would exhaust the tab. Forget them (the array object stays: probes may wrap its ``push``).
FORGET_REMOVED_JS = ("window.feature_group = window.feature_group || [];\n"
                     "window.feature_group.length = 0;\n")
#: Run after a date's groups are added: ``window.__mapUpdates`` counts the layer sets drawn
#: (``window.feature_group.length`` no longer grows; wait on this counter instead).
COUNT_UPDATE_JS = "window.__mapUpdates = (window.__mapUpdates || 0) + 1;\n"


def render_layers(groups: Sequence[folium.FeatureGroup]) -> str:
    """The JavaScript that adds ``groups`` to the component's map (``map_div``), in order.

    The text ``st_folium(..., feature_group_to_add=groups)`` produces, between
    ``FORGET_REMOVED_JS`` and ``COUNT_UPDATE_JS``: ``window.feature_group`` then holds only
    the groups on the map, and ``window.__mapUpdates`` counts the updates. The groups are
    attached to a scratch map, so they must not be reused afterwards.
    """
    scratch = folium.Map(tiles=None)
    return FORGET_REMOVED_JS + "".join(
        sf._get_feature_group_string(g, map=scratch, idx=i) for i, g in enumerate(groups)
    ) + COUNT_UPDATE_JS


def show_map(
    base: RenderedMap,
    layers_js: str,
    *,
    height: int,
    returned_objects: Sequence[str],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    on_change: Callable[[], None] | None = None,
) -> Any:
    """Show the map in the app; returns what ``st_folium`` returns (the clicked objects).

    Parameters
    ----------
    base : RenderedMap
        From ``render_base`` (with the element's key); the component remounts only when
        its script changes.
    layers_js : str
        From ``render_layers``; swapped in place on the mounted map (zoom and centre kept).
    height : int
        CSS pixels; the width stretches to the column.
    returned_objects : sequence of str
        The ``st_folium`` result keys whose change reruns the script.
    center, zoom : optional
        Move the mounted map there (latitude, longitude in degrees; Leaflet zoom level).
    """
    key, hash_key = base.key, base.component_key
    defaults = {"bounds": base.bounds, "zoom": base.zoom}
    defaults = {k: defaults.get(k) for k in _DEFAULT_KEYS if k in returned_objects}

    def _changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=base.script, header=base.header, html=base.html, id=base.map_id,
        key=hash_key, height=height, width=None, returned_objects=list(returned_objects),
        default=defaults, zoom=zoom, center=center, feature_group=layers_js,
        return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(base.css_links), js_links=list(base.js_links), on_change=_changed,
        wrap_longitude=False,
    )
