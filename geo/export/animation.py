"""A date range of the map as an animated GIF or an MP4 video, with bounded work per request."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from geo.atlas import Atlas
from geo.errors import GeoError
from geo.export.picture import Painter, SizeError, check_size

#: At most this many frames in one animation (longer ranges take every k-th day).
MAX_FRAMES = 300
#: At most this many pixels in all frames together (a GIF is assembled in memory).
MAX_PIXELS = 150_000_000
#: Frame rates allowed, frames per second.
MIN_FPS, MAX_FPS = 1, 30
FORMATS = ("gif", "mp4")

Progress = Callable[[int, int], None]


class ExportUnavailable(GeoError, RuntimeError):
    """An export format needs a part that is not installed (MP4 without imageio-ffmpeg)."""


@dataclass(frozen=True)
class Plan:
    """The frames of an animation: which days, how many, and why some were left out.

    Attributes
    ----------
    days : tuple of datetime.date
        One per frame, in order; the first and the last day of the range are always in.
    step : int
        Days between frames (1: every day).
    limit : int
        The most frames allowed at this picture size (``MAX_FRAMES``, or fewer for large
        pictures so that all frames stay within ``MAX_PIXELS``).
    """

    days: tuple[dt.date, ...]
    step: int
    limit: int

    @property
    def note(self) -> str:
        """One sentence for the user: how many frames, and the step if days were skipped."""
        n = len(self.days)
        if self.step == 1:
            return f"{n} frame{'s' if n != 1 else ''}, one per day."
        return (f"{n} frames, one every {self.step} days: at most {self.limit} frames at this "
                "size (shorten the range or the size for one frame per day).")


def frame_limit(width: int, height: int) -> int:
    """The most frames allowed for pictures of ``width`` x ``height`` pixels."""
    return max(1, min(MAX_FRAMES, MAX_PIXELS // (width * height)))


def plan(start: dt.date, end: dt.date, width: int, height: int) -> Plan:
    """Which days to draw for ``start..end`` (inclusive) at this size.

    Every day when the range fits in ``frame_limit(width, height)`` frames, else every k-th
    day with the smallest k that fits (the last day is always added).
    """
    check_size(width, height)
    if end < start:
        raise SizeError(f"the range ends ({end.isoformat()}) before it starts "
                        f"({start.isoformat()})")
    limit = frame_limit(width, height)
    n_days = (end - start).days + 1
    step = 1 if n_days <= limit else math.ceil((n_days - 1) / (limit - 1)) if limit > 1 \
        else n_days
    days = [start + dt.timedelta(days=i) for i in range(0, n_days, step)]
    if days[-1] != end:
        days.append(end)
    return Plan(tuple(days), step, limit)


def check_fps(fps: float) -> None:
    """Raise :class:`SizeError` unless ``MIN_FPS <= fps <= MAX_FPS``."""
    if not MIN_FPS <= fps <= MAX_FPS:
        raise SizeError(f"frame rate {fps:g} is outside {MIN_FPS}-{MAX_FPS} frames per second")


def mp4_available() -> bool:
    """Whether MP4 can be written: the ``imageio-ffmpeg`` wheel provides its ffmpeg binary."""
    try:
        import imageio_ffmpeg

        return Path(imageio_ffmpeg.get_ffmpeg_exe()).is_file()
    except (ImportError, RuntimeError, OSError):
        return False


def animate(atlas: Atlas, start: dt.date, end: dt.date, *, fmt: str = "gif",
            width: int = 800, height: int = 600, fps: float = 4,
            progress: Progress | None = None) -> bytes:
    """The map from ``start`` to ``end`` as an animation, one frame per day (see :func:`plan`).

    Frames are drawn by :class:`geo.export.picture.Painter`: study area, control, frontlines,
    town names, the date caption and the legend, with the app's colours and no tiles.

    Parameters
    ----------
    atlas : Atlas
        The built dataset.
    start, end : datetime.date
        First and last day, within the dataset's period (:class:`geo.errors.DateOutOfRange`).
    fmt : {"gif", "mp4"}
        GIF (looping) or H.264 MP4 (needs ``imageio-ffmpeg``; sizes are rounded down to
        even numbers of pixels, as the codec requires).
    width, height : int
        Frame size in pixels (``MIN_SIDE`` to ``MAX_SIDE``).
    fps : float
        Frames per second, ``MIN_FPS`` to ``MAX_FPS``.
    progress : callable, optional
        Called as ``progress(done, total)`` after each frame.

    Returns
    -------
    bytes
        The file's content.
    """
    if fmt not in FORMATS:
        raise SizeError(f"unknown animation format {fmt!r} (choose {' or '.join(FORMATS)})")
    atlas.timeline.check_date(start)
    atlas.timeline.check_date(end)
    check_fps(fps)
    if fmt == "mp4":
        width, height = width - width % 2, height - height % 2
        if not mp4_available():
            raise ExportUnavailable("MP4 needs the imageio-ffmpeg package (pip install "
                                    "imageio-ffmpeg); GIF works without it")
    days = plan(start, end, width, height).days
    painter = Painter(atlas, width, height)

    def frames():  # one at a time: a video never holds more than one
        for i, day in enumerate(days, 1):
            yield painter.picture(day)
            if progress is not None:
                progress(i, len(days))

    if fmt == "gif":
        return _gif(frames(), fps)
    return _mp4(frames(), width, height, fps)


def _gif(frames, fps: float) -> bytes:
    """A looping GIF; frames are reduced to 256 colours one by one as they come."""
    paletted = [f.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
                for f in frames]
    buf = io.BytesIO()
    paletted[0].save(buf, format="GIF", save_all=True, append_images=paletted[1:],
                     duration=round(1000 / fps), loop=0, disposal=1, optimize=False)
    return buf.getvalue()


def _mp4(frames, width: int, height: int, fps: float) -> bytes:
    """An H.264 MP4 (yuv420p, plays in browsers and newsroom tools) through ffmpeg."""
    import imageio_ffmpeg

    fd, name = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        writer = imageio_ffmpeg.write_frames(
            name, (width, height), fps=fps, codec="libx264", pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p", macro_block_size=1, quality=7,
            output_params=["-movflags", "+faststart"], ffmpeg_log_level="error")
        writer.send(None)
        try:
            for frame in frames:
                writer.send(frame.tobytes())
        finally:
            writer.close()
        return Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)
