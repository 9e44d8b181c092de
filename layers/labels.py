"""Place names that never overlap: at each zoom the less important move aside or hide."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

#: Pixels kept free around each name, so that two names never touch.
LABEL_GAP_PX = 2


class LabelDeclutter(MacroElement):
    """Place the permanent name tooltips of ``names`` so that none overlaps another.

    ``names`` is the GeoJson layer of the name dots (``layers.base.names_geojson``): its
    features come in priority order (most important first) and each binds a permanent
    tooltip. Whenever the zoom or the map's size changes, names are placed greedily in that
    order: right of the point, else left of it if the right is taken; a name whose box
    (plus ``LABEL_GAP_PX``) meets the box of a name already placed on both sides is
    hidden. Boxes are found in a grid of the map's pixels, so a zoom costs time linear in
    the number of names. Each name's size is measured once, when Leaflet's stylesheet
    applies to it (it loads apart from the script); its box on either side follows
    from Leaflet's placement of a tooltip beside its point (offset and CSS margin). The label
    elements carry ``data-rank`` (their priority, 1 first) and ``data-id`` for the browser
    tests.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, names = {{ this.names.get_name() }};
            var gap = {{ this.gap }}, sides = ["right", "left"], labels = [], measured = false;
            names.eachLayer(function (layer) {
                var tip = layer.getTooltip && layer.getTooltip();
                if (!tip) { return; }
                labels.push({layer: layer, tip: tip, rank: layer.feature.properties.rank,
                             id: layer.feature.properties.id, w: 0, h: 0, side: "right"});
            });
            if (!labels.length) { return; }
            var off = 0, margin = 0;
            function turn(l, side) {
                if (l.side !== side) {
                    l.side = side;
                    l.tip.options.direction = side;
                    l.tip.options.offset = L.point(side === "left" ? -off : off, 0);
                    l.tip.update();
                }
            }
            function measure() {
                // sizes only (the same at every zoom and place); the boxes follow Leaflet's
                // rule for a tooltip beside its point: offset, then the side's CSS margin
                var probe = labels[0].tip.getElement();
                // Leaflet's stylesheet loads apart from the script: until it applies, a
                // tooltip is a plain block as wide as the map, and its size means nothing
                if (!probe || getComputedStyle(probe).position !== "absolute") { return false; }
                for (var i = 0; i < labels.length; i++) {
                    var el = labels[i].tip.getElement();
                    if (!el || !el.offsetWidth) { return false; }
                    el.dataset.rank = labels[i].rank; el.dataset.id = labels[i].id;
                    labels[i].w = el.offsetWidth; labels[i].h = el.offsetHeight;
                }
                var first = labels[0].tip;
                off = Math.abs(L.point(first.options.offset).x);
                margin = Math.abs(parseFloat(getComputedStyle(first.getElement()).marginLeft)) || 0;
                return true;
            }
            function box(l, side, at) {
                var x = side === "right" ? at.x + off + margin : at.x - off - margin - l.w;
                var y = at.y - l.h / 2;
                return [x - gap, y - gap, x + l.w + gap, y + l.h + gap];
            }
            var cell = 64, grid = {};
            function cells(b, visit) {
                for (var cx = Math.floor(b[0] / cell); cx <= Math.floor(b[2] / cell); cx++) {
                    for (var cy = Math.floor(b[1] / cell); cy <= Math.floor(b[3] / cell);
                         cy++) {
                        if (visit(cx + ":" + cy) === false) { return false; }
                    }
                }
                return true;
            }
            function free(b) {
                return cells(b, function (key) {
                    var taken = grid[key] || [];
                    for (var k = 0; k < taken.length; k++) {
                        var t = taken[k];
                        if (b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3]) {
                            return false;
                        }
                    }
                });
            }
            var tries = 0;
            function place() {
                if (!measured) {
                    measured = measure();
                    if (!measured) {  // try again shortly (for at most about 10 s)
                        if (tries++ < 200) { setTimeout(place, 50); }
                        return;
                    }
                }
                grid = {};
                var shown = 0;
                for (var i = 0; i < labels.length; i++) {
                    var l = labels[i], at = map.latLngToLayerPoint(l.layer.getLatLng());
                    var chosen = null;
                    for (var s = 0; s < sides.length && !chosen; s++) {
                        var b = box(l, sides[s], at);
                        if (free(b)) { chosen = {side: sides[s], box: b}; }
                    }
                    var el = l.tip.getElement();
                    // hidden, not removed: Leaflet places a tooltip by its size, which a
                    // removed (display: none) element does not have
                    if (!chosen) { el.style.visibility = "hidden"; continue; }
                    turn(l, chosen.side);  // (Leaflet's update shows the tooltip)
                    el.style.visibility = "";
                    shown += 1;
                    cells(chosen.box, function (key) { (grid[key] = grid[key] || []).push(
                        chosen.box); });
                }
                map.__labelsShown = shown;
            }
            map.on("zoomend viewreset resize", place);
            map.whenReady(function () { setTimeout(place, 0); });
            window.__labels = {place: place, labels: labels};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, names: folium.GeoJson) -> None:
        super().__init__()
        self._name = "LabelDeclutter"
        self.names = names
        self.gap = LABEL_GAP_PX
