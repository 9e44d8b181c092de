"""Load a dataset directory into validated, immutable records; report every problem as file:line."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from geo.csvio import read_text, separator_hint, shown
from geo.csvio import reader as csv_reader
from geo.errors import DataError, Problem
from geo.isodate import parse_date
from geo.model import (
    CONFIDENCE_LEVELS,
    CONTROL_KINDS,
    PLACEMENTS,
    ControlChange,
    Corridor,
    Dataset,
    DatasetMeta,
    Event,
    Faction,
    LexiconEntry,
    Locality,
    Route,
)

FILES = {
    "meta": "dataset.json",
    "localities": "localities.csv",
    "factions": "factions.csv",
    "control": "control.csv",
    "events": "events.csv",
    "corridors": "corridors.csv",
    "routes": "routes.csv",
    "study_area": "study_area.geojson",
    "accepted": "accepted.csv",
    "lexicon": "lexicon.csv",
}

COLUMNS: dict[str, tuple[str, ...]] = {
    "localities": (
        "id", "name", "alt_names", "kind", "lat", "lon", "precision_m", "placement",
        "territory", "source", "note",
    ),
    "factions": ("id", "name", "side", "color", "aliases", "source"),
    "control": ("date", "locality", "faction", "kind", "confidence", "alt_dates", "detail",
                "source"),
    "events": ("date", "end", "type", "localities", "factions", "confidence", "detail", "source"),
    "corridors": ("id", "name", "path", "opened", "closed", "hours", "suspended", "precision",
                  "detail", "source"),
    "routes": ("id", "origin", "destination", "path", "start", "end", "group", "people",
               "people_low", "people_high", "buses", "precision", "detail", "source"),
    "accepted": ("accepted_at", "who", "report", "report_date", "report_source", "rule",
                 "date", "localities", "factions", "sentence"),
    "lexicon": ("category", "phrase", "value", "note"),
}

#: Columns a file may have besides ``COLUMNS`` (empty cells where they are missing).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"localities": ("label_rank",)}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
SIDES = ("government", "opposition", "unknown")
#: Territory reaches at most this far from a place (metres): beyond it the metric buffer
#: of the study area stops making sense (1e20 made GEOS fail).
MAX_DISTANCE_M = 1_000_000
MAX_ZOOM = 20
OPTIONAL_FILES = ("events", "corridors", "routes", "accepted", "lexicon")


class _Rows:
    """Collects problems while a file's rows are converted; one instance per file."""

    def __init__(self, path: Path | FileContent, label: str, problems: list[Problem]) -> None:
        self.path = path
        self.label = label
        self.problems = problems

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.label, line, message))

    def read(self, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, row) for each well-formed data row of a CSV file."""
        try:
            text = read_text(self.path)
        except UnicodeDecodeError as exc:
            self.error(0, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
            return
        except OSError as exc:
            self.error(0, f"cannot read the file: {exc.strerror}")
            return
        reader = csv_reader(text)
        try:
            header = next(reader)
        except StopIteration:
            self.error(1, "the file is empty: a header row is expected")
            return
        except csv.Error as exc:
            self.error(1, f"malformed CSV: {exc}")
            return
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        if missing:
            self.error(1, separator_hint(header, columns) or
                       f"missing column(s) {', '.join(missing)}; expected {','.join(columns)}")
            return
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.error(reader.line_num, f"malformed CSV: {exc}")
                return
            line_start = line + 1
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                self.error(line_start, f"expected {len(header)} cells, found {len(cells)}")
                continue
            yield line_start, {h: c.strip() for h, c in zip(header, cells, strict=True)}

    # -- cell converters: each returns None (and records a problem) when the cell is bad --

    def date(self, line: int, row: dict[str, str], col: str, *, required: bool = True
             ) -> dt.date | None:
        value = row[col]
        if not value:
            if required:
                self.error(line, f"{col} is empty: a date YYYY-MM-DD is required")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.error(line, f"{col} {exc}")
            return None

    def dates(self, line: int, row: dict[str, str], col: str) -> tuple[dt.date, ...]:
        out = []
        for part in _split(row[col]):
            try:
                out.append(parse_date(part))
            except ValueError as exc:
                self.error(line, f"{col}: {exc}")
        return tuple(out)

    def number(self, line: int, row: dict[str, str], col: str, *, required: bool = True
               ) -> float | None:
        value = row[col]
        if not value:
            if required:
                self.error(line, f"{col} is empty: a number is required")
            return None
        try:
            number = float(value)
        except ValueError:
            self.error(line, f"{col} {shown(value)} is not a number")
            return None
        if not math.isfinite(number):
            self.error(line, f"{col} {shown(value)} is not a finite number")
            return None
        return number

    def integer(self, line: int, row: dict[str, str], col: str) -> int | None:
        value = row[col].replace(",", "").replace("_", "")
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(line, f"{col} {shown(row[col])} is not a whole number")
            return None
        if number < 0:
            self.error(line, f"{col} {number} is negative")
            return None
        return number

    def choice(self, line: int, row: dict[str, str], col: str, allowed: tuple[str, ...]) -> str:
        value = row[col]
        if value not in allowed:
            self.error(line, f"{col} {shown(value)} is not one of {', '.join(allowed)}")
        return value

    def sourced(self, line: int, row: dict[str, str]) -> str:
        if not row["source"]:
            self.error(line, "source is empty: every row cites where its facts come from")
        return row["source"]


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _is_number(value: object) -> bool:
    """True for a finite JSON number (not NaN or Infinity, which Python's json accepts)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _read_meta(path: Path | FileContent, label: str, problems: list[Problem]
               ) -> DatasetMeta | None:
    try:
        raw = json.loads(read_text(path))
    except OSError as exc:
        problems.append(Problem(label, 0, f"cannot read the file: {exc.strerror}"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, 0, f"not valid UTF-8 ({exc.reason})"))
        return None
    except json.JSONDecodeError as exc:
        problems.append(Problem(label, exc.lineno, f"invalid JSON: {exc.msg}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(label, 1, "expected a JSON object"))
        return None

    def line_of(key: str) -> int:
        text = read_text(path)
        for i, ln in enumerate(text.splitlines(), 1):
            if f'"{key}"' in ln:
                return i
        return 1

    def get(key: str, conv: Callable[[Any], Any], what: str) -> Any:
        if key not in raw:
            problems.append(Problem(label, 1, f"missing key {shown(key)} ({what})"))
            return None
        try:
            return conv(raw[key])
        except (TypeError, ValueError):
            problems.append(Problem(label, line_of(key), f"{key} {shown(raw[key])} is not {what}"))
            return None

    start = get("start", dt.date.fromisoformat, "a date YYYY-MM-DD")
    end = get("end", dt.date.fromisoformat, "a date YYYY-MM-DD")
    if start and end and end < start:
        problems.append(Problem(label, line_of("end"), f"end {end} is before start {start}"))
    crs = get("metric_crs", str, "a CRS such as EPSG:32637")
    if crs:
        try:
            from pyproj import CRS

            if not CRS.from_user_input(crs).is_projected:
                problems.append(Problem(label, line_of("metric_crs"),
                                        f"metric_crs {crs} is not a projected (metric) CRS"))
        except Exception:
            problems.append(Problem(label, line_of("metric_crs"), f"unknown CRS {shown(crs)}"))
    max_d = get("max_distance_m", float, "a distance in metres")
    if max_d is not None and not 0 < max_d <= MAX_DISTANCE_M:  # False for NaN too
        problems.append(Problem(label, line_of("max_distance_m"),
                                f"max_distance_m {shown(raw['max_distance_m'])} must be a "
                                f"distance in metres above 0 and at most {MAX_DISTANCE_M:,}"))
        max_d = None
    map_opts = raw.get("map", {}) if isinstance(raw.get("map", {}), dict) else {}
    center = map_opts.get("center")
    if not (isinstance(center, list) and len(center) == 2
            and all(_is_number(c) for c in center)
            and -90 <= center[0] <= 90 and -180 <= center[1] <= 180):
        problems.append(Problem(label, line_of("map"), f"map.center {shown(center)} must be "
                                "[lat, lon] in degrees (latitude -90..90, longitude -180..180)"))
        center = [0.0, 0.0]
    zoom = map_opts.get("zoom", 11)
    if not (isinstance(zoom, int) and not isinstance(zoom, bool) and 0 <= zoom <= MAX_ZOOM):
        problems.append(Problem(label, line_of("map"),
                                f"map.zoom {shown(zoom)} must be a whole number 0..{MAX_ZOOM}"))
        zoom = 11
    ident = raw.get("id")
    if not isinstance(ident, str) or not SLUG.match(ident):
        problems.append(Problem(label, line_of("id"), "id must be a lower-case slug"))
    if None in (start, end, crs, max_d) or problems:
        return None
    return DatasetMeta(
        id=str(ident), name=str(raw.get("name", ident)), start=start, end=end,
        metric_crs=crs, max_distance_m=float(max_d),
        center=(float(center[0]), float(center[1])), zoom=zoom,
        description=str(raw.get("description", "")),
    )


def _read_study_area(path: Path | FileContent, label: str, problems: list[Problem]
                     ) -> tuple[shapely.Geometry | None, str]:
    try:
        raw = json.loads(read_text(path))
    except OSError as exc:
        problems.append(Problem(label, 0, f"cannot read the file: {exc.strerror}"))
        return None, ""
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 0)
        problems.append(Problem(label, line, f"invalid JSON: {exc}"))
        return None, ""
    features = raw.get("features") if isinstance(raw, dict) else None
    if not features:
        problems.append(Problem(label, 1, "expected a FeatureCollection with one Polygon"))
        return None, ""
    try:
        geoms = [shape(f["geometry"]) for f in features]
    except Exception as exc:
        problems.append(Problem(label, 1, f"invalid geometry: {exc}"))
        return None, ""
    area = shapely.union_all(geoms)
    if area.geom_type not in ("Polygon", "MultiPolygon") or area.is_empty:
        problems.append(Problem(label, 1, f"expected a Polygon, found {area.geom_type}"))
        return None, ""
    if not area.is_valid:
        problems.append(Problem(label, 1, f"invalid polygon: {shapely.is_valid_reason(area)}"))
        return None, ""
    minx, miny, maxx, maxy = area.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        problems.append(Problem(label, 1, "coordinates out of range: expected lon/lat degrees"))
        return None, ""
    props = features[0].get("properties") or {}
    if not isinstance(props, dict):
        problems.append(Problem(label, 1, f"the feature's properties {shown(props)} must be a "
                                "JSON object (with its method or source)"))
        return None, ""
    note = str(props.get("method", ""))
    if not props.get("source") and not note:
        problems.append(Problem(label, 1, "the study area says neither its method nor source"))
    return area, note


def _localities(r: _Rows, meta: DatasetMeta | None, area: Any,
                known: dict[str, bool]) -> list[Locality]:
    """Read localities; ``known`` receives every well-formed id (and its territory flag)."""
    out: list[Locality] = []
    seen: dict[str, int] = {}
    for line, row in r.read(COLUMNS["localities"]):
        ident = row["id"]
        if not SLUG.match(ident):
            r.error(line, f"id {shown(ident)} is not a lower-case ASCII slug (e.g. ayn-tarma)")
            continue
        if ident in seen:
            r.error(line, f"duplicate id {shown(ident)} (first on line {seen[ident]})")
            continue
        seen[ident] = line
        known[ident] = row["territory"] == "1"
        lat = r.number(line, row, "lat")
        lon = r.number(line, row, "lon")
        prec = r.number(line, row, "precision_m")
        placement = r.choice(line, row, "placement", PLACEMENTS)
        territory = row["territory"]
        if territory not in ("0", "1"):
            r.error(line, f"territory {shown(territory)} must be 0 or 1")
        source = r.sourced(line, row)
        if not row["name"]:
            r.error(line, "name is empty")
        if placement == "estimated" and not row["note"]:
            r.error(line, "an estimated point needs a note saying how it was placed")
        if lat is None or lon is None or prec is None:
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            r.error(line, f"coordinates lat={lat}, lon={lon} out of range")
            continue
        if territory == "1" and area is not None:
            pt = shapely.Point(lon, lat)
            if not area.covers(pt):
                swapped = area.covers(shapely.Point(lat, lon))
                hint = " (lat and lon look swapped)" if swapped else ""
                r.error(line, f"territory locality {ident} at lat={lat}, lon={lon} lies "
                              f"outside the study area{hint}")
                continue
        rank = _label_rank(r, line, row.get(OPTIONAL_COLUMNS["localities"][0], ""))
        out.append(Locality(
            id=ident, name=row["name"], alt_names=tuple(_split(row["alt_names"])),
            kind=row["kind"], lat=lat, lon=lon, precision_m=prec, placement=placement,
            territory=territory == "1", source=source, note=row["note"], line=line,
            label_rank=rank,
        ))
    return out


def _label_rank(r: _Rows, line: int, text: str) -> int | None:
    """The optional ``label_rank`` cell: a whole number from 1 (shown first), or None."""
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        r.error(line, f"label_rank {text[:20]!r} must be a whole number from 1 (shown first)")
        return None
    return int(text)


def _factions(r: _Rows) -> list[Faction]:
    out: list[Faction] = []
    seen: dict[str, int] = {}
    for line, row in r.read(COLUMNS["factions"]):
        ident = row["id"]
        if not SLUG.match(ident):
            r.error(line, f"id {shown(ident)} is not a lower-case ASCII slug")
            continue
        if ident in seen:
            r.error(line, f"duplicate id {shown(ident)} (first on line {seen[ident]})")
            continue
        seen[ident] = line
        color = row["color"].lower()
        if not COLOR.match(color):
            r.error(line, f"color {shown(row['color'])} is not #rrggbb")
            color = "#808080"  # keep the id known so that other files are checked against it
        side = r.choice(line, row, "side", SIDES)
        out.append(Faction(ident, row["name"] or ident, side, color,
                           tuple(_split(row["aliases"])), row["source"], line))
    return out


def _lexicon(r: _Rows) -> list[LexiconEntry]:
    """The dataset's additions to the claim grammar's lexicon (see geo.claims.lexicon)."""
    from geo.claims.lexicon import parse_rows  # the grammar's module checks its own rows

    entries, problems = parse_rows(r.read(COLUMNS["lexicon"]), r.label)
    r.problems.extend(problems)
    return entries


def _control(r: _Rows, locs: dict[str, bool], facs: set[str],
             meta: DatasetMeta | None) -> list[ControlChange]:
    out: list[ControlChange] = []
    seen: dict[tuple[dt.date, str], int] = {}
    for line, row in r.read(COLUMNS["control"]):
        day = r.date(line, row, "date")
        loc, fac = row["locality"], row["faction"]
        ok = day is not None
        if loc not in locs:
            r.error(line, f"unknown locality id {shown(loc)}")
            ok = False
        elif not locs[loc]:
            r.error(line, f"locality {shown(loc)} has territory=0: it cannot be held")
            ok = False
        if fac not in facs:
            r.error(line, f"unknown faction id {shown(fac)}")
            ok = False
        kind = r.choice(line, row, "kind", CONTROL_KINDS)
        conf = r.choice(line, row, "confidence", CONFIDENCE_LEVELS)
        alt = r.dates(line, row, "alt_dates")
        source = r.sourced(line, row)
        if not ok or day is None:
            continue
        if meta and not (meta.start <= day <= meta.end):
            r.error(line, f"date {day} is outside the dataset period {meta.start}..{meta.end}")
            continue
        key = (day, loc)
        if key in seen:
            r.error(line, f"{loc} already changes hands on {day} (line {seen[key]}): "
                          "two control rows for one place and day contradict each other")
            continue
        seen[key] = line
        out.append(ControlChange(day, loc, fac, kind, conf, alt, row["detail"], source, line))
    if meta:
        first: dict[str, ControlChange] = {}
        for ch in sorted(out, key=lambda c: c.date):
            first.setdefault(ch.locality, ch)
        for loc_id, territory in locs.items():
            if not territory:
                continue
            ch0 = first.get(loc_id)
            if ch0 is None:
                r.error(0, f"territory locality {loc_id} has no control row")
            elif ch0.date != meta.start:
                r.error(ch0.line, f"{loc_id}'s first control row is {ch0.date}, not the "
                                  f"dataset start {meta.start}: who held it at the start?")
    return out


def _events(r: _Rows, locs: dict[str, bool], facs: set[str]) -> list[Event]:
    out: list[Event] = []
    for line, row in r.read(COLUMNS["events"]):
        day = r.date(line, row, "date")
        end = r.date(line, row, "end", required=False) or day
        ids = tuple(_split(row["localities"]))
        fids = tuple(_split(row["factions"]))
        bad = [i for i in ids if i not in locs] + [f for f in fids if f not in facs]
        if bad:
            r.error(line, f"unknown id(s) {', '.join(bad)}")
        conf = r.choice(line, row, "confidence", CONFIDENCE_LEVELS)
        source = r.sourced(line, row)
        if day is None or end is None or bad:
            continue
        if end < day:
            r.error(line, f"end {end} is before date {day}")
            continue
        out.append(Event(day, end, row["type"], ids, fids, conf, row["detail"], source, line))
    return out


def _path(r: _Rows, line: int, row: dict[str, str], locs: dict[str, bool]
          ) -> tuple[str, ...] | None:
    path = tuple(_split(row["path"]))
    unknown = [p for p in path if p not in locs]
    if unknown:
        r.error(line, f"path has unknown locality id(s) {', '.join(unknown)}")
        return None
    if len(path) < 2:
        r.error(line, "path needs at least two locality ids")
        return None
    return path


def _corridors(r: _Rows, locs: dict[str, bool]) -> list[Corridor]:
    out: list[Corridor] = []
    seen: set[str] = set()
    for line, row in r.read(COLUMNS["corridors"]):
        ident = row["id"]
        if ident in seen or not SLUG.match(ident):
            r.error(line, f"corridor id {shown(ident)} is duplicate or not a slug")
            continue
        seen.add(ident)
        path = _path(r, line, row, locs)
        opened = r.date(line, row, "opened")
        closed = r.date(line, row, "closed", required=False)
        hours = row["hours"] or None
        if hours and not HOURS.match(hours):
            r.error(line, f"hours {shown(hours)} is not HH:MM-HH:MM")
        suspended = r.dates(line, row, "suspended")
        source = r.sourced(line, row)
        if path is None or opened is None:
            continue
        if closed and closed < opened:
            r.error(line, f"closed {closed} is before opened {opened}")
            continue
        out.append(Corridor(ident, row["name"] or ident, path, opened, closed, hours,
                            suspended, row["precision"], row["detail"], source, line))
    return out


def _routes(r: _Rows, locs: dict[str, bool]) -> list[Route]:
    out: list[Route] = []
    seen: set[str] = set()
    for line, row in r.read(COLUMNS["routes"]):
        ident = row["id"]
        if ident in seen or not SLUG.match(ident):
            r.error(line, f"route id {shown(ident)} is duplicate or not a slug")
            continue
        seen.add(ident)
        path = _path(r, line, row, locs)
        start = r.date(line, row, "start")
        end = r.date(line, row, "end", required=False) or start
        people = r.integer(line, row, "people")
        low = r.integer(line, row, "people_low")
        high = r.integer(line, row, "people_high")
        buses = r.integer(line, row, "buses")
        source = r.sourced(line, row)
        for col in ("origin", "destination"):
            if row[col] not in locs:
                r.error(line, f"{col} {shown(row[col])} is not a locality id")
                path = None
        if low is not None and high is not None and high < low:
            r.error(line, f"people_high {high} is below people_low {low}")
        if path is None or start is None or end is None:
            continue
        if end < start:
            r.error(line, f"end {end} is before start {start}")
            continue
        if path[0] != row["origin"] or path[-1] != row["destination"]:
            r.error(line, "path must run from the origin to the destination")
            continue
        out.append(Route(ident, row["origin"], row["destination"], path, start, end,
                         row["group"], people, low, high, buses, row["precision"],
                         row["detail"], source, line))
    return out


def _accepted(r: _Rows) -> None:
    """Check the log of accepted claims: when it was accepted, the claim's date."""
    for line, row in r.read(COLUMNS["accepted"]):
        try:
            dt.datetime.fromisoformat(row["accepted_at"])
        except ValueError:
            r.error(line, f"accepted_at {row['accepted_at']!r} is not a time YYYY-MM-DDTHH:MM:SSZ")
        r.date(line, row, "date")


def _check_ids_across(r: _Rows, items: list[Any], meta: DatasetMeta | None,
                      first: str, last: str) -> None:
    if meta is None:
        return
    for item in items:
        d0, d1 = getattr(item, first), getattr(item, last)
        if (d0 and d0 > meta.end) or (d1 and d1 < meta.start):
            r.error(item.line, f"{item.id}: period {d0}..{d1} lies outside the dataset period")


class FileContent:
    """A dataset file held in memory: what a store that is not a directory gives the validator.

    It answers ``read_bytes`` and ``is_file`` as a ``pathlib.Path`` of the same bytes would,
    so every check reads a database's tables exactly as it reads the files they export to.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        return self._data

    def is_file(self) -> bool:
        """Always true: the file exists."""
        return True


def validate_dir(root: Path) -> tuple[Dataset | None, list[Problem]]:
    """Read and check a dataset directory.

    Parameters
    ----------
    root : Path
        The dataset directory (files as in ``docs/data-model.md``).

    Returns
    -------
    tuple of (Dataset or None, list of Problem)
        The dataset when no problem was found (else None) and every problem found, each
        naming its file (relative to the current directory when possible) and line.
    """
    root = Path(root)
    if not root.is_dir():
        return None, [Problem(str(root), 0, "no such dataset directory")]

    def label(key: str) -> str:
        path = root / FILES[key]
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    files = {key: root / name for key, name in FILES.items() if (root / name).is_file()}
    return validate_files(files, label, root=root)


def validate_contents(contents: Mapping[str, bytes], *, location: str
                      ) -> tuple[Dataset | None, list[Problem]]:
    """Check a dataset given as the bytes of its files (a database store, rendered).

    Parameters
    ----------
    contents : mapping of str to bytes
        File name (``control.csv``, ``dataset.json``...) to its bytes; absent files are
        missing files.
    location : str
        Where the dataset lives (a URL without its password): problems are labelled
        ``location#file:line``, the line being that of the exported file.

    Returns
    -------
    tuple of (Dataset or None, list of Problem)
        As ``validate_dir``, with the same checks.
    """
    files = {key: FileContent(contents[name]) for key, name in FILES.items()
             if name in contents}
    return validate_files(files, lambda key: f"{location}#{FILES[key]}", root=location)


def validate_files(files: Mapping[str, Any], label: Callable[[str], str], *,
                   root: Path | str) -> tuple[Dataset | None, list[Problem]]:
    """The checks of ``validate_dir`` on files given by key (``Path`` or ``FileContent``).

    Parameters
    ----------
    files : mapping of str to Path or FileContent
        The present files by key of ``FILES`` (``"control"``, ``"meta"``...).
    label : callable
        Key -> how problems name the file.
    root : Path or str
        Where the dataset comes from (``Dataset.root``).
    """
    problems: list[Problem] = []
    for key in FILES:
        if key not in files and key not in OPTIONAL_FILES:
            problems.append(Problem(label(key), 0, "missing file"))
    if problems:
        return None, problems

    meta = _read_meta(files["meta"], label("meta"), problems)
    area, area_note = _read_study_area(files["study_area"], label("study_area"), problems)

    def rows(key: str) -> _Rows:
        return _Rows(files[key], label(key), problems)

    locs: dict[str, bool] = {}
    localities = _localities(rows("localities"), meta, area, locs)
    factions = _factions(rows("factions"))
    facs = {f.id for f in factions}
    control = _control(rows("control"), locs, facs, meta)
    optional = {key: key in files for key in OPTIONAL_FILES}
    events = _events(rows("events"), locs, facs) if optional["events"] else []
    corridors = _corridors(rows("corridors"), locs) if optional["corridors"] else []
    routes = _routes(rows("routes"), locs) if optional["routes"] else []
    lexicon = _lexicon(rows("lexicon")) if optional["lexicon"] else []
    if optional["corridors"]:
        _check_ids_across(rows("corridors"), corridors, meta, "opened", "closed")
    if optional["routes"]:
        _check_ids_across(rows("routes"), routes, meta, "start", "end")
    if optional["accepted"]:
        _accepted(rows("accepted"))
    if not any(loc.territory for loc in localities):
        problems.append(Problem(label("localities"), 0, "no territory locality"))
    if problems or meta is None or area is None:
        return None, problems
    dataset = Dataset(
        root=root, meta=meta, localities=tuple(localities), factions=tuple(factions),
        control=tuple(sorted(control, key=lambda c: (c.date, c.locality))),
        events=tuple(sorted(events, key=lambda e: (e.date, e.end))),
        corridors=tuple(corridors), routes=tuple(routes),
        study_area=area, study_area_note=area_note, lexicon=tuple(lexicon),
    )
    return dataset, []


def load_dataset(root: Path | str) -> Dataset:
    """Load and validate a dataset directory.

    Parameters
    ----------
    root : Path or str
        The dataset directory.

    Returns
    -------
    Dataset
        The validated dataset (coordinates in WGS 84 degrees).

    Raises
    ------
    DataError
        With every problem found, each ``file:line: message``.
    """
    return checked(validate_dir(Path(root)))


def checked(result: tuple[Dataset | None, list[Problem]]) -> Dataset:
    """The dataset of a ``validate_*`` result, or ``DataError`` with its problems."""
    dataset, problems = result
    if dataset is None:
        raise DataError(problems)
    return dataset
