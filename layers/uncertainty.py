"""Uncertain control drawn hatched with a dashed border; the canvas fill that hatches it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import folium
from branca.element import MacroElement
from jinja2 import Template

from layers.html import script_json, titled

#: Colour of the hatching and of the dashed outline of uncertain ground.
HATCH_COLOR = "#222222"
#: Dash pattern of the outline (CSS pixels: dash, gap).
HATCH_DASH = "5 4"
#: Spacing of the hatch lines, CSS pixels.
HATCH_SPACING = 7
#: Leaflet path options of uncertain ground (``hatch`` is read by ``HatchFill``).
HATCH_STYLE = {"hatch": HATCH_COLOR, "fill": True, "fillOpacity": 0.55, "color": HATCH_COLOR,
               "weight": 1.5, "opacity": 0.85, "dashArray": HATCH_DASH}


class HatchFill(MacroElement):
    """Teach the map's canvas renderer to fill a path with diagonal hatching.

    A vector layer whose options hold ``hatch: "#rrggbb"`` is filled with lines of that
    colour (at ``fillOpacity``) instead of a flat colour; its stroke is drawn as usual, so
    ``dashArray`` gives the dashed border. Other layers are drawn exactly as before. Add it
    to the base map, before any layer is drawn.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            if (L.Canvas.prototype.__hatch) { return; }
            var plain = L.Canvas.prototype._fillStroke, patterns = {};
            function pattern(ctx, color) {
                if (!patterns[color]) {
                    var n = {{ this.spacing }}, tile = document.createElement("canvas");
                    tile.width = tile.height = n;
                    var t = tile.getContext("2d");
                    t.strokeStyle = color; t.lineWidth = 1.2;
                    t.beginPath();  // one diagonal, continued across the tile's corners
                    t.moveTo(0, n); t.lineTo(n, 0); t.moveTo(-1, 1); t.lineTo(1, -1);
                    t.moveTo(n - 1, n + 1); t.lineTo(n + 1, n - 1); t.stroke();
                    patterns[color] = ctx.createPattern(tile, "repeat");
                }
                return patterns[color];
            }
            L.Canvas.include({
                __hatch: true,
                _fillStroke: function (ctx, layer) {
                    var o = layer.options;
                    if (!o.hatch || !o.fill) { return plain.call(this, ctx, layer); }
                    ctx.globalAlpha = o.fillOpacity;
                    ctx.fillStyle = pattern(ctx, o.hatch);
                    ctx.fill(o.fillRule || "evenodd");
                    o.fill = false;  // the stroke, dashes included, as Leaflet draws it
                    try { plain.call(this, ctx, layer); } finally { o.fill = true; }
                }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "HatchFill"
        self.spacing = HATCH_SPACING


def uncertainty_layer(features: Sequence[Mapping], day: str | None = None
                      ) -> folium.FeatureGroup:
    """The ground held under uncertain control rows, hatched, with a dashed outline.

    Parameters
    ----------
    features : sequence of mapping
        ``geo.uncertainty.uncertain_features`` (kind ``uncertain``, one per faction).
    day : str, optional
        The date (``YYYY-MM-DD``) kept as ``properties.date``, as the other dated layers do.

    Returns
    -------
    folium.FeatureGroup
        Named "Uncertain control"; features keep their counts, not their locality lists.
        The tooltip says why the ground is uncertain and where to read the dates and sources.
    """
    feats = []
    for f in features:
        p = f["properties"]
        n = len(p.get("localities", ()))
        reasons = [f"{p.get('low', 0)} on a low-confidence report" if p.get("low") else None,
                   f"{p.get('disputed', 0)} with dates sources disagree on"
                   if p.get("disputed") else None]
        tip = titled("Uncertain control", [
            f"{p.get('faction_name')}: {n} place{'s' if n != 1 else ''}",
            "; ".join(r for r in reasons if r),
            "hover or click a town for its dates and sources"])
        props = {k: v for k, v in p.items() if k != "localities"}
        feats.append({**f, "properties": {**props, "places": n, "tip": tip,
                                          **({"date": day} if day else {})}})
    group = folium.FeatureGroup(name="Uncertain control")
    if feats:
        group.add_child(HatchedGround(feats))
    return group


class HatchedGround(MacroElement):
    """Hatched, dash-outlined polygons with an HTML tooltip each (``properties.tip``, escaped).

    A lean ``folium.GeoJson``: one fixed template, so a date's layer is its data as JSON
    (folium's GeoJson compiles several templates per instance, about 10 ms a date).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.geoJson({{ this.data_json }}, {
            style: function () { return {{ this.style_json }}; },
            onEachFeature: function (feature, layer) {
                layer.bindTooltip(function () {
                    var div = L.DomUtil.create("div");
                    div.innerHTML = feature.properties.tip;
                    return div;
                }, {sticky: true, className: "foliumtooltip"});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, features: Sequence[Mapping]) -> None:
        super().__init__()
        self._name = "HatchedGround"
        self.data_json = script_json({"type": "FeatureCollection", "features": list(features)})
        self.style_json = json.dumps(HATCH_STYLE)


def hatch_css(color: str = HATCH_COLOR) -> str:
    """CSS ``background`` of a legend swatch that looks like the hatching."""
    c = json.dumps(color)[1:-1]
    return (f"repeating-linear-gradient(135deg,{c} 0 1.2px,transparent 1.2px "
            f"{HATCH_SPACING / 1.414:.1f}px)")
