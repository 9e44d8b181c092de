"""The stable base map: offline Leaflet, study-area outline, locality names and town circles."""

from __future__ import annotations

from collections.abc import Sequence

import folium
from folium.utilities import JsCode
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo import style
from geo.model import Locality
from layers.assets import VENDOR_URL, offline_css, offline_js
from layers.html import esc
from layers.keys import PageKeys
from layers.labels import LabelDeclutter
from layers.towns import TownLayer
from layers.uncertainty import HatchFill

#: Above this many localities the names are hover tooltips, not permanent labels.
MAX_PERMANENT_LABELS = 400

LABEL_CSS = (
    "<style>.leaflet-tooltip.locality-label{background:rgba(255,255,255,0.7);border:0;"
    "box-shadow:none;padding:0 3px;font-size:11px;color:#222}"
    ".leaflet-tooltip.locality-label:before{display:none}"
    ".route-arrow{background:none;border:0}</style>"
)
#: The map fills its frame, whatever height the page gives the frame (``views.layout``);
#: Leaflet follows the frame's size (its window's resize events).
FRAME_CSS = "<style>html,body{margin:0;height:100%}#map_div{height:100vh !important}</style>"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors"


def base_map(
    *,
    center: tuple[float, float],
    zoom: int,
    study_area: BaseGeometry | None,
    localities: Sequence[Locality],
    osm: bool = False,
    vendor_url: str = VENDOR_URL,
) -> folium.Map:
    """A Folium map that loads nothing from the network unless ``osm`` is asked for.

    Parameters
    ----------
    center : (float, float)
        Latitude, longitude (WGS 84, degrees) of the initial view.
    zoom : int
        Initial Leaflet zoom level.
    study_area : shapely geometry or None
        The dataset's outline (WGS 84), drawn as a thin grey line.
    localities : sequence of Locality
        The territory ones are drawn as the clickable town circles that each date
        recolours (``layers.towns.TownLayer``, the name heads their tooltip). Up to
        ``MAX_PERMANENT_LABELS`` places, every one also gets a small grey dot with its name
        as a permanent label, and names that would overlap are hidden, the least important
        first (``layers.labels.LabelDeclutter``); beyond, only the far (non-territory)
        places do, with the name as a hover tooltip.
    osm : bool
        Add the OpenStreetMap tile layer (sends the viewed area to the tile provider).
    vendor_url : str
        URL prefix where ``layers.assets.vendor_assets`` copied Leaflet.

    Returns
    -------
    folium.Map
        Canvas-rendered map whose ``default_js``/``default_css`` point at local copies only.
    """
    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    m.default_js = offline_js(vendor_url)
    m.default_css = offline_css(vendor_url)
    m.get_root().header.add_child(folium.Element(LABEL_CSS + FRAME_CSS))
    HatchFill().add_to(m)  # before any layer: uncertain control is drawn hatched
    if osm:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)
    if study_area is not None and not study_area.is_empty:
        folium.GeoJson(
            {"type": "Feature", "geometry": mapping(study_area), "properties": {}},
            name="Study area",
            style_function=lambda _f: {
                "color": style.STUDY_AREA_LINE,
                "weight": style.STUDY_AREA_WIDTH,
                "dashArray": " ".join(map(str, style.STUDY_AREA_DASH)),
                "fill": True,
                "fillColor": style.STUDY_AREA_FILL,
                "fillOpacity": style.STUDY_AREA_OPACITY,
            },
            interactive=False,
        ).add_to(m)
    permanent = len(localities) <= MAX_PERMANENT_LABELS
    # beyond that many, a town's name is in its circle's tooltip (TownLayer): a grey dot
    # under the circle would only cost drawing time; far places keep theirs
    named = localities if permanent else [loc for loc in localities if not loc.territory]
    if named:
        names = folium.GeoJson(
            names_geojson(named),
            name="Names",
            marker=folium.CircleMarker(radius=2, weight=0, fill=True, fill_opacity=0.8),
            style_function=lambda _f: {"fillColor": "#444444", "color": "#444444"},
            on_each_feature=JsCode(
                "function (feature, layer) {"
                " layer.bindTooltip(feature.properties.label, {"
                f" permanent: {'true' if permanent else 'false'},"
                " direction: 'right', offset: [5, 0], className: 'locality-label'});}"
            ),
            interactive=False,
        ).add_to(m)
        if permanent:
            LabelDeclutter(names).add_to(m)
    if any(loc.territory for loc in localities):
        TownLayer(localities).add_to(m)
    PageKeys().add_to(m)
    return m


def names_geojson(localities: Sequence[Locality]) -> dict:
    """Point features for the name layer, most important first (``Locality.label_priority``).

    Each has the locality ``id``, its escaped ``label`` (the name as HTML) and its ``rank``;
    places of the same rank keep the dataset's order. ``LabelDeclutter`` hides names in the
    reverse of this order when they collide.
    """
    ranked = sorted(localities, key=lambda loc: loc.label_priority)  # stable: file order
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                "properties": {"id": loc.id, "label": esc(loc.name),  # escaped HTML
                               "rank": loc.label_priority},
            }
            for loc in ranked
        ],
    }
