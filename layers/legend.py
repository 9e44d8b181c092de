"""The map legend: one entry per faction and per layer, as a Leaflet control with escaped text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from branca.element import MacroElement
from jinja2 import Template

from geo.model import Faction
from layers.dated import (
    CONTROL_OPACITY,
    CORRIDOR_CLOSED,
    CORRIDOR_OPEN,
    FRONTLINE_COLOR,
    ROUTE_COLOR,
)
from layers.html import esc, script_json
from layers.uncertainty import HATCH_COLOR, hatch_css

#: The layers the legend explains besides the factions' territory, in display order.
LAYER_ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("Locality (colour: holder)", "dot", "#666666"),
    ("Frontline", "line", FRONTLINE_COLOR),
    ("Corridor, open", "line", CORRIDOR_OPEN),
    ("Corridor, closed", "dash", CORRIDOR_CLOSED),
    ("Evacuation route (arrows: direction)", "line", ROUTE_COLOR),
    ("Uncertain control (low confidence or disputed date)", "hatch", HATCH_COLOR),
    ("Study area", "dash", "#555555"),
)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: the label (plain text), the symbol kind and its colour."""

    label: str
    symbol: str  # "area", "dot", "line", "dash" or "hatch"
    color: str


def legend_entries(factions: Sequence[Faction]) -> list[LegendEntry]:
    """The legend rows: every faction's territory, then every layer in ``LAYER_ENTRIES``."""
    rows = [LegendEntry(f.name, "area", f.color) for f in factions]
    rows += [LegendEntry(label, symbol, color) for label, symbol, color in LAYER_ENTRIES]
    return rows


def legend_html(entries: Sequence[LegendEntry]) -> str:
    """The legend's inner HTML; labels and colours are escaped."""
    rows = []
    for e in entries:
        color = esc(e.color)
        if e.symbol == "area":
            sym = (f'<span style="display:inline-block;width:14px;height:10px;'
                   f'background:{color};opacity:{CONTROL_OPACITY + 0.3};'
                   f'border:1px solid {color}"></span>')
        elif e.symbol == "hatch":
            sym = (f'<span style="display:inline-block;width:14px;height:10px;'
                   f'background:{hatch_css(e.color)};border:1px dashed {color}"></span>')
        elif e.symbol == "dot":
            sym = (f'<span style="display:inline-block;width:10px;height:10px;'
                   f'border-radius:5px;background:{color}"></span>')
        else:
            style = "dashed" if e.symbol == "dash" else "solid"
            sym = (f'<span style="display:inline-block;width:18px;height:0;'
                   f'border-top:3px {style} {color};vertical-align:middle"></span>')
        rows.append(f'<div class="legend-row">{sym} {esc(e.label)}</div>')
    return "".join(rows)


#: The legend starts open on maps at least this wide (CSS pixels), closed on narrower ones.
LEGEND_OPEN_MIN_PX = 800

LEGEND_CSS = (
    "<style>.map-legend{background:rgba(255,255,255,0.92);border-radius:4px;max-width:270px;"
    "font:12px sans-serif;line-height:17px;box-shadow:0 1px 4px rgba(0,0,0,0.3)}"
    ".map-legend-toggle{display:block;width:100%;border:0;background:none;cursor:pointer;"
    "font:bold 12px sans-serif;padding:5px 8px;text-align:left}"
    ".map-legend-body{padding:0 8px 6px 8px;max-height:60vh;overflow-y:auto}"
    ".map-legend.closed .map-legend-body{display:none}</style>"
)


class Legend(MacroElement):
    """A top-right Leaflet control showing ``legend_html(entries)``, folded behind a button.

    It starts open when the map is at least ``LEGEND_OPEN_MIN_PX`` wide and closed on
    narrower maps, where it would hide the places; the "Legend" button opens and closes it.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "map-legend");
            var button = L.DomUtil.create("button", "map-legend-toggle", div);
            button.type = "button";
            var body = L.DomUtil.create("div", "map-legend-body", div);
            body.innerHTML = {{ this.html_json }};
            var show = function (open) {
                div.classList.toggle("closed", !open);
                button.setAttribute("aria-expanded", open ? "true" : "false");
                button.textContent = open ? "Legend \u25BE" : "Legend \u25B8";
            };
            show(map.getSize().x >= {{ this.open_min_px }});
            L.DomEvent.on(button, "click", function () {
                show(div.classList.contains("closed"));
            });
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, entries: Sequence[LegendEntry]) -> None:
        super().__init__()
        self._name = "Legend"
        self.entries = list(entries)
        self.html_json = script_json(legend_html(self.entries))
        self.css = LEGEND_CSS
        self.open_min_px = LEGEND_OPEN_MIN_PX


def legend(factions: Sequence[Faction]) -> Legend:
    """The legend element for these factions; add it to the base map."""
    return Legend(legend_entries(factions))
