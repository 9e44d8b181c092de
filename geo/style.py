"""The map's styling as data: colours, widths, opacities shared by the app and the exports."""

from __future__ import annotations

#: Fill opacity of a faction's control polygon.
CONTROL_OPACITY = 0.45
#: Frontlines: dark and thick (CSS pixels).
FRONTLINE_COLOR = "#111111"
FRONTLINE_WIDTH = 3
#: Humanitarian corridors, open (solid) and closed (dashed).
CORRIDOR_OPEN = "#1a9850"
CORRIDOR_CLOSED = "#888888"
#: Evacuation routes.
ROUTE_COLOR = "#6a3d9a"
#: Places and ground held by nobody known.
UNKNOWN_COLOR = "#999999"
#: The study area: a dashed grey outline over a pale fill.
STUDY_AREA_LINE = "#555555"
STUDY_AREA_WIDTH = 1.5
STUDY_AREA_DASH = (6, 4)
STUDY_AREA_FILL = "#f4f1ea"
STUDY_AREA_OPACITY = 0.6
#: Behind everything when no tiles are drawn (Leaflet's empty map background).
MAP_BACKGROUND = "#dddddd"
#: Town circles: radius and outline (CSS pixels).
TOWN_RADIUS = 6
TOWN_STROKE = "#ffffff"
#: Territory gained between two compared dates: fill opacity over the later date's control.
GAIN_OPACITY = 0.8

#: Label priority of a locality kind (lower is shown first when labels collide).
KIND_RANK = {"city": 0, "district": 1, "town": 2, "camp": 3, "village": 4, "site": 5,
             "shelter": 6, "waypoint": 7}


def rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``#rgb``) as a tuple of three 0-255 integers."""
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"not a colour #rrggbb: {color!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def blend(top: str | tuple[int, int, int], opacity: float,
          under: str | tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour seen where ``top`` is drawn with ``opacity`` over ``under``."""
    t = rgb(top) if isinstance(top, str) else top
    u = rgb(under) if isinstance(under, str) else under
    r, g, b = (round(x * opacity + y * (1 - opacity)) for x, y in zip(t, u, strict=True))
    return r, g, b
