"""One date of the map drawn server-side as a picture, with the app's styling and no tiles.

A :class:`Painter` prepares once what every date shares (the projection, the study area, the
town names and the legend) and then draws a date in a few tens of milliseconds: the control
polygons, the frontlines, the towns coloured by holder and the date caption. Geometry is
drawn at twice the size and scaled down (anti-aliasing); text is drawn at the final size.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFont
from shapely.geometry.base import BaseGeometry

from geo import style
from geo.atlas import Atlas
from geo.errors import GeoError

#: Smallest and largest width or height of a picture, in pixels.
MIN_SIDE, MAX_SIDE = 240, 1920
#: Geometry is drawn this many times larger, then scaled down (anti-aliasing).
SUPERSAMPLE = 2
#: At most this many place names are written (the most important first, none overlapping).
MAX_LABELS = 250
#: Above this many towns, town dots shrink so that they do not cover the ground.
MANY_TOWNS = 400

Rgb = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


class SizeError(GeoError, ValueError):
    """A picture size or frame rate outside the allowed range."""


def check_size(width: int, height: int) -> None:
    """Raise :class:`SizeError` unless both sides lie within ``MIN_SIDE..MAX_SIDE`` pixels."""
    for name, side in (("width", width), ("height", height)):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise SizeError(f"{name} {side} px is outside {MIN_SIDE}-{MAX_SIDE} px")


def _font(size: int) -> Font:
    """Pillow's bundled scalable font (no system font needed)."""
    return ImageFont.load_default(size=size)


def _merc_y(lat: np.ndarray) -> np.ndarray:
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


@dataclass(frozen=True)
class Projection:
    """Web Mercator (as the app's map) fitted into a pixel box; north up."""

    lon0: float
    y0: float  # Mercator y (degrees) of the box's top edge
    scale: float  # pixels per degree of longitude
    left: float
    top: float

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float],
            box: tuple[float, float, float, float], pad: float = 0.04) -> Projection:
        """Fit ``bounds`` (min lon, min lat, max lon, max lat; WGS 84) into ``box`` (pixels)."""
        w, s, e, n = bounds
        ys, yn = _merc_y(np.array([s, n]))
        x0, y0, x1, y1 = box
        dx, dy = max(e - w, 1e-9), max(yn - ys, 1e-9)
        scale = min((x1 - x0) / dx, (y1 - y0) / dy) * (1 - 2 * pad)
        left = x0 + ((x1 - x0) - dx * scale) / 2
        top = y0 + ((y1 - y0) - dy * scale) / 2
        return cls(lon0=w, y0=float(yn), scale=float(scale), left=float(left), top=float(top))

    def pixels(self, lonlat: np.ndarray, factor: float = 1.0) -> np.ndarray:
        """``(n, 2)`` lon/lat degrees to ``(n, 2)`` pixel x/y, times ``factor``."""
        x = self.left + (lonlat[:, 0] - self.lon0) * self.scale
        y = self.top + (self.y0 - _merc_y(lonlat[:, 1])) * self.scale
        return np.column_stack([x, y]) * factor


@dataclass(frozen=True)
class _Label:
    text: str
    box: tuple[int, int, int, int]
    at: tuple[int, int]


class Painter:
    """Draws dates of one atlas at one size; prepare once, then call :meth:`picture` per date.

    Parameters
    ----------
    atlas : Atlas
        The built dataset.
    width, height : int
        Picture size in pixels (``MIN_SIDE`` to ``MAX_SIDE`` each).
    """

    def __init__(self, atlas: Atlas, width: int, height: int) -> None:
        check_size(width, height)
        self.atlas, self.width, self.height = atlas, width, height
        ds = atlas.dataset
        unit = max(1.0, min(width, height) / 600)  # a "CSS pixel" at this picture size
        self.unit = unit
        self.caption_font = _font(round(18 * unit))
        self.small_font = _font(round(11 * unit))
        self.label_font = _font(round(11 * unit))
        header = round(34 * unit)
        self.legend = self._legend_strip(width)
        map_box = (0.0, float(header), float(width), float(height - self.legend.height))
        self.map_box = map_box
        self.proj = Projection.fit(tuple(ds.study_area.bounds), map_box)
        big = SUPERSAMPLE
        self.background = self._background(big)
        self.outline = self._dashes(ds.study_area, big)
        towns = [ds.locality(lid) for lid in atlas.timeline.locality_ids]
        xy = self.proj.pixels(np.array([[t.lon, t.lat] for t in towns]).reshape(-1, 2), big)
        self.town_xy = xy
        self.town_r = (style.TOWN_RADIUS if len(towns) <= MANY_TOWNS else 2) * unit * big
        self.colors: list[Rgb] = [style.rgb(ds.faction(f).color)
                                  for f in atlas.timeline.faction_ids]
        under = style.blend(style.STUDY_AREA_FILL, style.STUDY_AREA_OPACITY, style.MAP_BACKGROUND)
        self.fills: list[Rgb] = [style.blend(c, style.CONTROL_OPACITY, under)
                                 for c in self.colors]
        self.labels = self._labels(towns)

    # -- prepared once ------------------------------------------------------------------

    def _background(self, big: int) -> Image.Image:
        """Map background with the study area's pale fill, at the drawing scale."""
        img = Image.new("RGB", (self.width * big, self.height * big),
                        style.rgb(style.MAP_BACKGROUND))
        under = style.blend(style.STUDY_AREA_FILL, style.STUDY_AREA_OPACITY,
                            style.MAP_BACKGROUND)
        self._fill(img, self.atlas.dataset.study_area, under, big)
        return img

    def _dashes(self, area: BaseGeometry, big: int) -> list[np.ndarray]:
        """The study area's outline cut into dashes (pixel segments at the drawing scale)."""
        on, off = (d * self.unit * big for d in style.STUDY_AREA_DASH)
        out = []
        for ring in shapely.get_parts(shapely.boundary(area)):
            pts = self.proj.pixels(shapely.get_coordinates(ring), big)
            if len(pts) < 2:
                continue
            seg = np.hypot(*np.diff(pts, axis=0).T)
            dist = np.concatenate([[0.0], np.cumsum(seg)])
            total = dist[-1]
            starts = np.arange(0.0, total, on + off)
            for a in starts:
                b = min(a + on, total)
                inside = (dist > a) & (dist < b)
                xs = np.interp(np.concatenate([[a], dist[inside], [b]]), dist, pts[:, 0])
                ys = np.interp(np.concatenate([[a], dist[inside], [b]]), dist, pts[:, 1])
                out.append(np.column_stack([xs, ys]))
        return out

    def _labels(self, towns: Sequence) -> list[_Label]:
        """Non-overlapping names, most important places first (city, town, village, ...)."""
        ds = self.atlas.dataset
        places = [loc for loc in ds.localities
                  if loc.territory or loc.kind in ("city", "town")]
        places.sort(key=lambda loc: (style.KIND_RANK.get(loc.kind, 99), loc.name))
        xy = self.proj.pixels(np.array([[p.lon, p.lat] for p in places]).reshape(-1, 2))
        x0, y0, x1, y1 = self.map_box
        taken = _Boxes(cell=round(40 * self.unit))
        out: list[_Label] = []
        gap = round(2 * self.unit)
        offset = round((style.TOWN_RADIUS + 2) * self.unit)
        if len(self.town_xy) <= MANY_TOWNS:  # names do not cover other towns' dots
            r = self.town_r / SUPERSAMPLE
            for tx, ty in (self.town_xy / SUPERSAMPLE).tolist():
                taken.add((round(tx - r), round(ty - r), round(tx + r), round(ty + r)))
        for loc, (px, py) in zip(places, xy, strict=True):
            if len(out) >= MAX_LABELS:
                break
            if not (x0 <= px <= x1 and y0 <= py <= y1):
                continue
            left, top, right, bottom = self.label_font.getbbox(loc.name)
            w, h = right - left, bottom - top
            for ax in (px + offset, px - offset - w):  # right of the dot, else left of it
                box = (round(ax) - gap, round(py - h / 2) - gap, round(ax + w) + gap,
                       round(py + h / 2) + gap)
                if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
                    continue
                if not taken.hits(box):
                    taken.add(box)
                    out.append(_Label(loc.name, box, (round(ax - left), round(py - h / 2 - top))))
                    break
        return out

    def _legend_strip(self, width: int) -> Image.Image:
        """The legend as a strip under the map: every faction, then the lines and the towns."""
        ds = self.atlas.dataset
        u = self.unit
        font = self.small_font
        pad, sym, row_h = round(8 * u), round(16 * u), round(18 * u)
        under = style.blend(style.STUDY_AREA_FILL, style.STUDY_AREA_OPACITY,
                            style.MAP_BACKGROUND)
        items: list[tuple[str, str, Rgb]] = [
            (f.name, "area", style.blend(f.color, style.CONTROL_OPACITY, under))
            for f in ds.factions]
        items += [("Frontline", "line", style.rgb(style.FRONTLINE_COLOR)),
                  ("Town (colour: holder)", "dot", style.rgb(style.UNKNOWN_COLOR)),
                  ("Study area", "dash", style.rgb(style.STUDY_AREA_LINE))]
        placed, x, y = [], pad, pad
        for text, kind, color in items:
            w = sym + round(4 * u) + round(font.getlength(text)) + round(14 * u)
            if x + w > width - pad and x > pad:
                x, y = pad, y + row_h
            placed.append((x, y, text, kind, color))
            x += w
        img = Image.new("RGB", (width, y + row_h + pad), (255, 255, 255))
        draw = ImageDraw.Draw(img)
        for x, y, text, kind, color in placed:
            mid = y + row_h // 2
            if kind == "area":
                draw.rectangle((x, mid - 5 * u, x + sym, mid + 5 * u), fill=color,
                               outline=color)
            elif kind == "dot":
                r = 5 * u
                draw.ellipse((x + sym / 2 - r, mid - r, x + sym / 2 + r, mid + r), fill=color,
                             outline=(255, 255, 255))
            else:
                step = 4 * u if kind == "dash" else sym
                for a in np.arange(0, sym, step * 2 if kind == "dash" else sym):
                    draw.line((x + a, mid, x + min(a + step, sym), mid), fill=color,
                              width=max(1, round((3 if kind == "line" else 1.5) * u)))
            draw.text((x + sym + round(4 * u), mid), text, fill=(34, 34, 34), font=font,
                      anchor="lm")
        draw.line((0, 0, width, 0), fill=(200, 200, 200), width=1)
        return img

    # -- per date ---------------------------------------------------------------------------

    def _fill(self, img: Image.Image, geom: BaseGeometry, color: Rgb, big: int) -> None:
        """Fill a (Multi)Polygon, holes left as they were, at the drawing scale."""
        for part in shapely.get_parts(geom):
            if part.geom_type != "Polygon" or part.is_empty:
                continue
            ext = self.proj.pixels(np.asarray(part.exterior.coords), big)
            lo = np.floor(ext.min(axis=0)).astype(int)
            hi = np.ceil(ext.max(axis=0)).astype(int) + 1
            lo = np.maximum(lo, 0)
            hi = np.minimum(hi, img.size)
            if (hi <= lo).any():
                continue
            mask = Image.new("L", tuple((hi - lo).tolist()), 0)
            draw = ImageDraw.Draw(mask)
            draw.polygon([tuple(p) for p in (ext - lo).tolist()], fill=255)
            for hole in part.interiors:
                pts = self.proj.pixels(np.asarray(hole.coords), big) - lo
                draw.polygon([tuple(p) for p in pts.tolist()], fill=0)
            img.paste(color, tuple(lo.tolist()), mask)

    def picture(self, day: dt.date) -> Image.Image:
        """The map on ``day`` as an RGB image of the prepared size."""
        big = SUPERSAMPLE
        atlas = self.atlas
        state, _ = atlas.timeline.state(day)
        control = atlas.tessellation.control(atlas.tessellation.cell_holders(state))
        img = self.background.copy()
        for f, poly in sorted(control.polygons.items()):
            self._fill(img, poly, self.fills[f], big)
        draw = ImageDraw.Draw(img)
        for dash in self.outline:
            draw.line([tuple(p) for p in dash.tolist()], fill=style.rgb(style.STUDY_AREA_LINE),
                      width=max(1, round(style.STUDY_AREA_WIDTH * self.unit * big)))
        front = style.rgb(style.FRONTLINE_COLOR)
        width = max(1, round(style.FRONTLINE_WIDTH * self.unit * big))
        for line in control.frontlines.values():
            for part in shapely.get_parts(line):
                pts = self.proj.pixels(shapely.get_coordinates(part), big)
                if len(pts) >= 2:
                    draw.line([tuple(p) for p in pts.tolist()], fill=front, width=width,
                              joint="curve")
        r = self.town_r
        unknown = style.rgb(style.UNKNOWN_COLOR)
        stroke = style.rgb(style.TOWN_STROKE)
        outline = max(1, round(1.5 * self.unit * big)) if r > 3 * big else 0
        for (x, y), f in zip(self.town_xy.tolist(), state.tolist(), strict=True):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=self.colors[f] if f >= 0 else unknown,
                         outline=stroke if outline else None, width=outline)
        img = img.reduce(big)
        draw = ImageDraw.Draw(img)
        halo = max(1, round(2 * self.unit))
        for label in self.labels:
            draw.text(label.at, label.text, fill=(34, 34, 34), font=self.label_font,
                      stroke_width=halo, stroke_fill=(255, 255, 255))
        self._caption(draw, day)
        img.paste(self.legend, (0, self.height - self.legend.height))
        return img

    def _caption(self, draw: ImageDraw.ImageDraw, day: dt.date) -> None:
        """The header: the date, large, and the dataset's name."""
        header = round(self.map_box[1])
        draw.rectangle((0, 0, self.width, header), fill=(255, 255, 255))
        pad = round(8 * self.unit)
        draw.text((pad, header // 2), f"{day.day} {day:%B %Y}", fill=(17, 17, 17),
                  font=self.caption_font, anchor="lm")
        name = self.atlas.dataset.meta.name
        room = self.width - 2 * pad - self.caption_font.getlength("30 September 2018") - pad
        while name and self.small_font.getlength(name) > room:
            name = name[:-2] + "…" if len(name) > 2 else ""
        if name:
            draw.text((self.width - pad, header // 2), name, fill=(85, 85, 85),
                      font=self.small_font, anchor="rm")
        draw.line((0, header, self.width, header), fill=(200, 200, 200), width=1)


Box = tuple[int, int, int, int]


class _Boxes:
    """Placed label boxes, bucketed in a grid so that a new box is checked against its
    neighbours only (label placement stays linear in the number of places)."""

    def __init__(self, cell: int) -> None:
        self.cell = max(1, cell)
        self.grid: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        c = self.cell
        return [(i, j) for i in range(box[0] // c, box[2] // c + 1)
                for j in range(box[1] // c, box[3] // c + 1)]

    def hits(self, box: Box) -> bool:
        """Whether ``box`` overlaps a placed box."""
        return any(_overlap(box, b) for k in self._cells(box) for b in self.grid.get(k, ()))

    def add(self, box: Box) -> None:
        """Place ``box``."""
        for k in self._cells(box):
            self.grid.setdefault(k, []).append(box)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def png(atlas: Atlas, day: dt.date, width: int = 1200, height: int = 900) -> bytes:
    """The map on ``day`` as PNG bytes (see :class:`Painter`).

    Parameters
    ----------
    atlas : Atlas
        The built dataset.
    day : datetime.date
        A date within the dataset's period (else :class:`geo.errors.DateOutOfRange`).
    width, height : int
        Size in pixels, ``MIN_SIDE`` to ``MAX_SIDE`` each (else :class:`SizeError`).
    """
    atlas.timeline.check_date(day)
    buf = io.BytesIO()
    Painter(atlas, width, height).picture(day).save(buf, format="PNG", optimize=False)
    return buf.getvalue()
