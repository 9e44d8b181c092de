"""Export commands: ``python -m geo diff | animate | picture | gpkg`` (registered by geo.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from geo.cli import EXIT_OK, _date, _load, _UsageError

Handler = Callable[[argparse.Namespace, TextIO], int]


def _size(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of pixels") from None


def _output(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("the output file name is empty")
    return Path(text)


def _fps(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a frame rate") from None


def add_commands(sub: argparse._SubParsersAction, data_opt: Callable[[argparse.ArgumentParser],
                                                                       None]) -> None:
    """Add the export commands to the ``python -m geo`` subparsers; each sets ``handler``."""

    def cache_opts(p: argparse.ArgumentParser) -> None:
        data_opt(p)
        p.add_argument("--cache-dir", type=Path, default=None,
                       help="where built datasets are kept (as for snapshot)")
        p.add_argument("--no-cache", action="store_true",
                       help="build the dataset from its files, no cache")

    def range_opts(p: argparse.ArgumentParser, required: bool) -> None:
        p.add_argument("--from", dest="start", type=_date, required=required,
                       metavar="YYYY-MM-DD", help="first date" + ("" if required else
                                                                  " (default: the start)"))
        p.add_argument("--to", dest="end", type=_date, required=required,
                       metavar="YYYY-MM-DD", help="last date" + ("" if required else
                                                                 " (default: the end)"))

    d = sub.add_parser("diff", help="territory gained and lost between two dates (GeoJSON)")
    range_opts(d, True)
    cache_opts(d)
    d.add_argument("-o", "--output", type=_output, default=None,
                   help="file (default: standard output; '-': standard output)")
    d.set_defaults(handler=_cmd_diff)

    a = sub.add_parser("animate", help="the map over a date range as an animated GIF or MP4")
    range_opts(a, True)
    a.add_argument("-o", "--output", type=_output, required=True,
                   help="file ending in .gif or .mp4 ('-': standard output, with --format)")
    a.add_argument("--format", choices=("gif", "mp4"), default=None,
                   help="default: from the output file's suffix")
    a.add_argument("--width", type=_size, default=800, help="pixels (default 800)")
    a.add_argument("--height", type=_size, default=600, help="pixels (default 600)")
    a.add_argument("--fps", type=_fps, default=4.0, help="frames per second (default 4)")
    a.add_argument("--quiet", action="store_true", help="no progress bar on standard error")
    cache_opts(a)
    a.set_defaults(handler=_cmd_animate)

    p = sub.add_parser("picture", help="the map on one date as a PNG picture")
    p.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("-o", "--output", type=_output, required=True,
                   help="PNG file ('-': standard output)")
    p.add_argument("--width", type=_size, default=1200, help="pixels (default 1200)")
    p.add_argument("--height", type=_size, default=900, help="pixels (default 900)")
    cache_opts(p)
    p.set_defaults(handler=_cmd_picture)

    g = sub.add_parser("gpkg", help="the timeline as a GeoPackage (one layer per kind, "
                                    "valid_from/valid_to) for QGIS")
    range_opts(g, False)
    g.add_argument("-o", "--output", type=_output, required=True,
                   help="GeoPackage file ('-': standard output)")
    cache_opts(g)
    g.set_defaults(handler=_cmd_gpkg)


def _atlas(args: argparse.Namespace):
    from geo.atlas_cache import default_cache_dir

    return _load(args.data, None if args.no_cache else args.cache_dir or default_cache_dir())


def _check_output(path: Path) -> None:
    """Refuse, before any work, an output the command could not write (exit status 2)."""
    if str(path) == "-":
        return
    if path.is_dir():
        raise _UsageError(f"the output is a directory: {path}")
    if not path.parent.is_dir():
        raise _UsageError(f"no such directory for the output: {path.parent}")


def _write(path: Path | None, data: bytes, out: TextIO) -> None:
    """Write ``data`` atomically to ``path``, or to standard output (``None`` or ``-``)."""
    if path is None or str(path) == "-":
        buffer = getattr(out, "buffer", None)
        if buffer is None:  # a text-only stream (tests): text outputs only
            try:
                out.write(data.decode("utf-8"))
            except UnicodeDecodeError:
                raise _UsageError("this output stream takes text only: give -o FILE") from None
        else:
            out.flush()
            buffer.write(data)
            buffer.flush()
        return
    from geo.storage import atomic_write_bytes

    atomic_write_bytes(path, data)


def _binary_target(path: Path, out: TextIO) -> None:
    _check_output(path)
    if str(path) == "-" and getattr(out, "isatty", lambda: False)():
        raise _UsageError("not writing binary data to a terminal: give -o FILE or redirect")


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise _UsageError(f"--from {start.isoformat()} is after --to {end.isoformat()}")


def _cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    from geo.diff import territory_diff
    from geo.snapshot import dumps

    _check_range(args.start, args.end)
    if args.output is not None:
        _check_output(args.output)
    atlas = _atlas(args)
    text = dumps(territory_diff(atlas, args.start, args.end))
    _write(args.output, text.encode("utf-8"), out)
    return EXIT_OK


class _Bar:
    """A progress bar on standard error: redrawn in place on a terminal, else every 10 %."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label, self.stream = label, stream
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if self.tty:
            bar = "#" * (done * 30 // max(total, 1))
            self.stream.write(f"\r{self.label} [{bar:<30}] {done}/{total}")
            if done == total:
                self.stream.write("\n")
        elif tenth != self.shown:
            self.stream.write(f"{self.label}: {done}/{total} frames\n")
        self.shown = tenth
        self.stream.flush()


def _cmd_animate(args: argparse.Namespace, out: TextIO) -> int:
    from geo.export.animation import animate, check_fps, plan
    from geo.export.picture import SizeError

    _check_range(args.start, args.end)
    _binary_target(args.output, out)
    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in ("gif", "mp4"):
        raise _UsageError(f"cannot tell the format of {args.output}: name it .gif or .mp4, "
                          "or give --format")
    try:
        check_fps(args.fps)
        frames = plan(args.start, args.end, args.width, args.height)
    except SizeError as exc:
        raise _UsageError(str(exc)) from None
    atlas = _atlas(args)
    atlas.timeline.check_date(args.start)
    atlas.timeline.check_date(args.end)
    if not args.quiet:
        print(f"{fmt.upper()}: {frames.note}", file=sys.stderr)
    data = animate(atlas, args.start, args.end, fmt=fmt, width=args.width, height=args.height,
                   fps=args.fps, progress=None if args.quiet else _Bar("drawing"))
    _write(args.output, data, out)
    return EXIT_OK


def _cmd_picture(args: argparse.Namespace, out: TextIO) -> int:
    from geo.export.picture import SizeError, check_size, png

    _binary_target(args.output, out)
    try:
        check_size(args.width, args.height)
    except SizeError as exc:
        raise _UsageError(str(exc)) from None
    atlas = _atlas(args)
    _write(args.output, png(atlas, args.date, args.width, args.height), out)
    return EXIT_OK


def _cmd_gpkg(args: argparse.Namespace, out: TextIO) -> int:
    from geo.export.gpkg import ExportTooLarge, timeline_gpkg

    if args.start and args.end:
        _check_range(args.start, args.end)
    _binary_target(args.output, out)
    atlas = _atlas(args)
    try:
        data = timeline_gpkg(atlas, args.start, args.end)
    except ExportTooLarge as exc:
        raise _UsageError(str(exc)) from None
    _write(args.output, data, out)
    return EXIT_OK
