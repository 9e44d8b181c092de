"""Date-dependent layers from a snapshot: control, frontlines, corridors, routes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium

from geo.style import (  # the layers' styling lives in geo.style
    CONTROL_OPACITY,
    CORRIDOR_CLOSED,
    CORRIDOR_OPEN,
    FRONTLINE_COLOR,
    FRONTLINE_WIDTH,
    ROUTE_COLOR,
    UNKNOWN_COLOR,
)
from layers.html import titled


def _features(snapshot: Mapping, kind: str) -> list[dict]:
    return [f for f in snapshot.get("features", ()) if f["properties"].get("kind") == kind]


def _collection(features: Sequence[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _with_tip(feature: dict, tip: str, day: str | None = None) -> dict:
    """A shallow copy of ``feature`` whose properties carry the escaped ``tip`` HTML.

    ``day`` (the snapshot's ``YYYY-MM-DD``) is kept as ``properties.date`` so that what the
    browser draws says which date it belongs to (each date's layers differ, and a session can
    check that it shows its own date).
    """
    return {**feature, "properties": {**feature["properties"], "tip": tip,
                                      **({"date": day} if day else {})}}


def _without(feature: dict, *keys: str) -> dict:
    """A shallow copy of ``feature`` without the properties ``keys`` (not drawn, not sent)."""
    return {**feature, "properties": {k: v for k, v in feature["properties"].items()
                                      if k not in keys}}


def _group(name: str, feats: Sequence[dict], style: Callable[[dict], dict],
           **kwargs: Any) -> folium.FeatureGroup:
    """A FeatureGroup named ``name`` holding one GeoJson of ``feats`` with their ``tip``."""
    group = folium.FeatureGroup(name=name)
    if feats:
        folium.GeoJson(
            _collection(feats),
            name=name,
            style_function=style,
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            **kwargs,
        ).add_to(group)
    return group


def control_layer(snapshot: Mapping) -> folium.FeatureGroup:
    """Control polygons filled with each faction's colour (``properties.color``).

    Parameters
    ----------
    snapshot : mapping
        A snapshot FeatureCollection (GUIDE section 2); only ``kind == "control"`` is used.

    Returns
    -------
    folium.FeatureGroup
        Named "Control"; tooltips give the faction name and its area in km2. The features
        keep their properties but ``localities`` (thousands of ids at country scale, which
        the map does not use).
    """
    feats = [
        _with_tip(_without(f, "localities"),
                  titled(f["properties"].get("faction_name"),
                         [f"{f['properties'].get('area_km2', 0):.1f} km²"]),
                  snapshot.get("date"))
        for f in _features(snapshot, "control")
    ]
    return _group("Control", feats, lambda f: {
        "fillColor": f["properties"].get("color") or UNKNOWN_COLOR,
        "color": f["properties"].get("color") or UNKNOWN_COLOR,
        "weight": 0.5,
        "fillOpacity": CONTROL_OPACITY,
    })


def frontline_layer(snapshot: Mapping, faction_names: Mapping[str, str]) -> folium.FeatureGroup:
    """Frontlines (shared edges between two factions' territory) as thick dark lines.

    ``faction_names`` maps faction ids to display names for the tooltip.
    """
    feats = [
        _with_tip(f, titled("Frontline", [" / ".join(
            faction_names.get(x, x) for x in f["properties"].get("factions", ()))]),
                  snapshot.get("date"))
        for f in _features(snapshot, "frontline")
    ]
    return _group("Frontlines", feats,
                  lambda _f: {"color": FRONTLINE_COLOR, "weight": FRONTLINE_WIDTH,
                              "opacity": 0.9})


def corridor_layer(snapshot: Mapping) -> folium.FeatureGroup:
    """Humanitarian corridors: green when open on the date, grey dashed when closed.

    Tooltips give the name, open/closed, the daily hours and the opening period.
    """
    feats = []
    for f in _features(snapshot, "corridor"):
        p = f["properties"]
        period = f"{p.get('opened')} – {p.get('closed') or 'end'}"
        hours = f"daily {p['hours']}" if p.get("hours") else None
        feats.append(_with_tip(f, titled(p.get("name"), [
            "open" if p.get("status") == "open" else "closed", hours, period]),
            snapshot.get("date")))
    return _group("Corridors", feats, lambda f: (
        {"color": CORRIDOR_OPEN, "weight": 5, "opacity": 0.9}
        if f["properties"].get("status") == "open"
        else {"color": CORRIDOR_CLOSED, "weight": 4, "opacity": 0.8, "dashArray": "8 6"}
    ))


def route_layer(snapshot: Mapping, place_names: Mapping[str, str]) -> folium.FeatureGroup:
    """Evacuation routes with arrowheads showing the direction of travel.

    Parameters
    ----------
    snapshot : mapping
        Snapshot FeatureCollection; ``kind == "route"`` LineStrings (origin first).
    place_names : mapping
        Locality id -> display name for ``from``/``to``.
    """
    feats, arrows = [], []
    for f in _features(snapshot, "route"):
        p = f["properties"]
        people = f"{p['people']:,} people" if p.get("people") is not None else "people: unknown"
        feats.append(_with_tip(f, titled(
            f"{place_names.get(p.get('from'), p.get('from'))} → "
            f"{place_names.get(p.get('to'), p.get('to'))}",
            [f"{p.get('start')} – {p.get('end')}", p.get("group"), people]),
            snapshot.get("date")))
        arrows += arrow_points(f["geometry"]["coordinates"])
    group = _group("Evacuation routes", feats,
                   lambda _f: {"color": ROUTE_COLOR, "weight": 3, "opacity": 0.85})
    for lat, lon, angle in arrows:
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=(f'<div style="transform:rotate({angle:.0f}deg);margin:2px 1px;width:0;'
                      f'height:0;border-top:6px solid transparent;border-bottom:6px solid '
                      f'transparent;border-left:14px solid {ROUTE_COLOR}"></div>'),
                icon_size=(16, 16),
                icon_anchor=(8, 8),
                class_name="route-arrow",
            ),
            interactive=False,
        ).add_to(group)
    return group


def arrow_points(coords: Sequence[Sequence[float]]) -> list[tuple[float, float, float]]:
    """Where to draw direction arrows along a line, and how to turn them.

    Parameters
    ----------
    coords : sequence of (lon, lat)
        The line, WGS 84 degrees, in the direction of travel.

    Returns
    -------
    list of (lat, lon, angle)
        The midpoint of each segment and the clockwise CSS rotation in degrees of a
        right-pointing arrow so that it points along the segment on a Web Mercator map.
    """
    out = []
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        dx = x1 - x0
        dy = _merc_y(y1) - _merc_y(y0)
        if dx == 0 and dy == 0:
            continue
        angle = -math.degrees(math.atan2(dy, dx))
        out.append(((y0 + y1) / 2, (x0 + x1) / 2, angle))
    return out


def _merc_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

