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

#: The layers the legend explains besides the factions' territory, in display order.
LAYER_ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("Locality (colour: holder)", "dot", "#666666"),
    ("Frontline", "line", FRONTLINE_COLOR),
    ("Corridor, open", "line", CORRIDOR_OPEN),
    ("Corridor, closed", "dash", CORRIDOR_CLOSED),
    ("Evacuation route (arrowheads: direction)", "line", ROUTE_COLOR),
    ("Study area", "dash", "#555555"),
)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: the label (plain text), the symbol kind and its colour."""

    label: str
    symbol: str  # "area", "dot", "line" or "dash"
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
        elif e.symbol == "dot":
            sym = (f'<span style="display:inline-block;width:10px;height:10px;'
                   f'border-radius:5px;background:{color}"></span>')
        else:
            style = "dashed" if e.symbol == "dash" else "solid"
            sym = (f'<span style="display:inline-block;width:18px;height:0;'
                   f'border-top:3px {style} {color};vertical-align:middle"></span>')
        rows.append(f'<div class="legend-row">{sym} {esc(e.label)}</div>')
    return "".join(rows)


class Legend(MacroElement):
    """A bottom-right Leaflet control showing ``legend_html(entries)``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "map-legend");
            div.style.cssText = "background:rgba(255,255,255,0.9);padding:6px 8px;"
                + "font:12px sans-serif;line-height:18px;border-radius:4px";
            div.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(div);
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


def legend(factions: Sequence[Faction]) -> Legend:
    """The legend element for these factions; add it to the base map."""
    return Legend(legend_entries(factions))
