"""Localities drawn once per dataset as clickable circles, restyled per date from a compact table.

At country scale a date's 6,500 locality features rendered by folium make about 4 MB of
JavaScript (a style switch and a feature object per place) that the browser must parse and
turn into new Leaflet layers on every date change. The places never move, so ``TownLayer``
draws them once with the base map (id, name and position) and exposes
``window.__towns.restyle(payload)`` in the map frame; per date, ``locality_layer`` sends only
who holds each place, since when and its excerpt count (``town_payload``: a few numbers per
place) and the existing circles are recoloured in place.

Every string that reaches a tooltip is escaped here, in Python (``layers.html.esc``); the
browser only joins those escaped pieces with ``<b>`` and ``<br>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.model import Locality
from geo.style import TOWN_RADIUS, TOWN_STROKE, UNKNOWN_COLOR
from layers.html import esc, script_json


def town_ids(localities: Sequence[Locality]) -> list[str]:
    """The ids of the places drawn as towns (territory localities), in drawing order.

    ``TownLayer`` and ``locality_layer`` must be given the same order: the per-date payload
    is a list aligned with it.
    """
    return [loc.id for loc in localities if loc.territory]


class TownLayer(MacroElement):
    """The towns of a dataset on the base map: one circle per place, restyled per date.

    Each circle carries a GeoJSON ``feature`` whose ``properties`` hold ``kind``
    (``"locality"``), ``id`` and ``name``, plus the date-dependent ``faction``,
    ``faction_name``, ``color``, ``since``, ``excerpts``, ``uncertain`` and ``date`` once a
    date's payload has been applied, so a click returns the place (``st_folium``'s
    ``last_active_drawing``) and the drawn map says which date it shows.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var d = {{ this.data_json }};
            var nobody = {id: null, name: null, html: "", color: null,
                          fill: {{ this.unknown_json }}};
            var markers = new Array(d.ids.length);
            for (var i = 0; i < d.ids.length; i++) {
                var m = L.circleMarker([d.lat[i], d.lon[i]], {
                    radius: {{ this.radius }}, weight: 1.5, color: {{ this.stroke_json }},
                    fill: true, fillColor: nobody.fill, fillOpacity: 0.95});
                m.feature = {type: "Feature",
                             geometry: {type: "Point", coordinates: [d.lon[i], d.lat[i]]},
                             properties: {kind: "locality", id: d.ids[i], name: d.names[i]}};
                m._town = i;
                m._holder = nobody;
                markers[i] = m;
            }
            var group = L.featureGroup(markers);
            group.bindTooltip(function (layer) {
                var q = layer.feature.properties, h = layer._holder;
                var html = "<b>" + d.labels[layer._town] + "</b>";
                if (h.html) { html += "<br>held by " + h.html; }
                if (layer._since) { html += "<br>since " + layer._since; }
                if (q.excerpts) { html += "<br>" + q.excerpts + " report excerpt(s)"; }
                if (layer._note) { html += "<br><i>uncertain: " + layer._note + "</i>"; }
                var div = L.DomUtil.create("div");
                div.innerHTML = html;
                return div;
            }, {sticky: true, className: "foliumtooltip"});
            group.addTo({{ this._parent.get_name() }});
            window.__towns = {
                group: group,
                markers: markers,
                restyle: function (p) {
                    var fac = p.factions, days = p.days, ex = p.excerpts;
                    for (var i = 0; i < markers.length; i++) {
                        var m = markers[i], q = m.feature.properties;
                        var h = p.holder[i] >= 0 ? fac[p.holder[i]] : nobody;
                        var s = p.since[i] >= 0 ? days[p.since[i]] : null;
                        q.faction = h.id; q.faction_name = h.name; q.color = h.color;
                        var note = p.note && p.note[i] !== undefined ? p.notes[p.note[i]]
                                                                         : null;
                        q.since = s; q.excerpts = ex[i] || 0; q.date = p.date;
                        q.uncertain = note !== null;
                        m._holder = h; m._since = s; m._note = note;
                        if (m.options.fillColor !== h.fill) { m.setStyle({fillColor: h.fill}); }
                    }
                    // this date's other layers were just added on top: bring the towns back
                    // over them (canvas draw order is also click order)
                    group.bringToFront();
                }
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(self, localities: Sequence[Locality]) -> None:
        super().__init__()
        self._name = "TownLayer"
        towns = [loc for loc in localities if loc.territory]
        self.ids = town_ids(localities)
        self.data_json = script_json({
            "ids": self.ids,
            "names": [loc.name for loc in towns],
            "labels": [esc(loc.name) for loc in towns],  # escaped HTML for the tooltip
            "lat": [round(loc.lat, 6) for loc in towns],
            "lon": [round(loc.lon, 6) for loc in towns],
        })
        self.unknown_json = json.dumps(UNKNOWN_COLOR)
        self.stroke_json = json.dumps(TOWN_STROKE)
        self.radius = TOWN_RADIUS


def town_payload(snapshot: Mapping, order: Sequence[str], colors: Mapping[str, str],
                 faction_names: Mapping[str, str], notes: Mapping[str, str] | None = None
                 ) -> dict[str, Any]:
    """What changes on the towns from one date to another, aligned with ``order``.

    Parameters
    ----------
    snapshot : mapping
        Snapshot FeatureCollection (GUIDE section 2); its ``kind == "locality"`` features.
    order : sequence of str
        Town ids as ``TownLayer`` drew them (``town_ids``).
    colors, faction_names : mapping
        Faction id -> ``#rrggbb`` fill colour and display name (tooltip).
    notes : mapping, optional
        Locality id -> why its control is uncertain on the date (plain text), for the
        places held under uncertain rows (``geo.uncertainty``).

    Returns
    -------
    dict
        ``date``; ``factions``, the distinct holders (``id``, ``name``, escaped ``html``
        display name, snapshot ``color``, ``fill`` colour); ``holder``, an index into
        ``factions`` per town (-1: not in the snapshot); ``days``, the distinct escaped
        ``since`` dates; ``since``, an index into ``days`` per town (-1: none);
        ``excerpts``, town position (as text) -> excerpt count, for the towns that have some;
        ``notes``, the distinct escaped notes, and ``note``, town position (as text) -> index
        into ``notes``, for the uncertain towns.
    """
    feats = {f["properties"].get("id"): f["properties"] for f in snapshot.get("features", ())
             if f["properties"].get("kind") == "locality"}
    factions: list[dict[str, Any]] = []
    fac_index: dict[tuple, int] = {}
    days: list[str] = []
    day_index: dict[str, int] = {}
    holder: list[int] = []
    since: list[int] = []
    excerpts: dict[str, int] = {}
    for pos, lid in enumerate(order):
        p = feats.get(lid)
        if p is None:
            holder.append(-1)
            since.append(-1)
            continue
        fid = p.get("faction")
        key = (fid, p.get("faction_name"), p.get("color"))
        if key not in fac_index:
            fac_index[key] = len(factions)
            shown = faction_names.get(fid, fid) if fid else None
            factions.append({"id": fid, "name": p.get("faction_name"),
                             "html": esc(shown) if shown else "", "color": p.get("color"),
                             "fill": colors.get(fid, UNKNOWN_COLOR) if fid else UNKNOWN_COLOR})
        holder.append(fac_index[key])
        day = p.get("since")
        if day:
            if day not in day_index:
                day_index[day] = len(days)
                days.append(esc(day))
            since.append(day_index[day])
        else:
            since.append(-1)
        if p.get("excerpts"):
            excerpts[str(pos)] = int(p["excerpts"])
    texts: list[str] = []
    text_index: dict[str, int] = {}
    note: dict[str, int] = {}
    for pos, lid in enumerate(order):
        text = (notes or {}).get(lid)
        if text:
            if text not in text_index:
                text_index[text] = len(texts)
                texts.append(esc(text))
            note[str(pos)] = text_index[text]
    return {"date": snapshot.get("date"), "factions": factions, "holder": holder,
            "days": days, "since": since, "excerpts": excerpts, "notes": texts, "note": note}


class TownStyles(MacroElement):
    """A date's restyling of the towns drawn by ``TownLayer`` (``town_payload`` as JSON)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.__towns) { window.__towns.restyle({{ this.payload_json }}); }
        {% endmacro %}
        """
    )

    def __init__(self, payload: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "TownStyles"
        self.payload = dict(payload)
        self.payload_json = script_json(self.payload)


def locality_layer(snapshot: Mapping, order: Sequence[str], colors: Mapping[str, str],
                   faction_names: Mapping[str, str], notes: Mapping[str, str] | None = None
                   ) -> folium.FeatureGroup:
    """The date's towns: an empty group whose script recolours the base map's circles.

    Parameters
    ----------
    snapshot : mapping
        Snapshot FeatureCollection; ``kind == "locality"`` features give holder, since and
        excerpt count.
    order : sequence of str
        Town ids in ``TownLayer``'s order (``town_ids`` of the dataset's localities).
    colors, faction_names : mapping
        Faction id -> ``#rrggbb`` colour and display name.
    notes : mapping, optional
        Locality id -> why its control is uncertain (shown in its tooltip).

    Returns
    -------
    folium.FeatureGroup
        Named "Localities", holding one ``TownStyles``; it needs the base map's
        ``TownLayer`` in the page.
    """
    group = folium.FeatureGroup(name="Localities")
    group.add_child(TownStyles(town_payload(snapshot, order, colors, faction_names, notes)))
    return group
