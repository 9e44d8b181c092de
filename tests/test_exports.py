"""Newsroom exports: the map as PNG, GIF and MP4, and the timeline as a GeoPackage."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from PIL import Image

from geo import style
from geo.atlas import Atlas
from geo.export import animation, gpkg
from geo.export.picture import Painter, SizeError, png

D = dt.date


@pytest.fixture(scope="module")
def atlas(dataset) -> Atlas:
    return Atlas.build(dataset)


def ground_pixel(painter: Painter, atlas: Atlas, locality: str) -> tuple[int, int]:
    """A pixel inside ``locality``'s cell, away from its town dot and from every cell edge."""
    tess = atlas.tessellation
    cell = tess.cells[tess.cell_of_point[atlas.timeline.locality_ids.index(locality)]]
    loc = atlas.dataset.locality(locality)
    inner = cell.buffer(-0.003).difference(shapely.Point(loc.lon, loc.lat).buffer(0.004))
    pt = inner.representative_point()
    x, y = painter.proj.pixels(np.array([[pt.x, pt.y]]))[0]
    return round(x), round(y)


def close(a, b, tol=12) -> bool:
    return all(abs(int(x) - int(y)) <= tol for x, y in zip(a, b, strict=True))


def test_picture_is_drawn_in_the_app_colours_of_the_holder(atlas: Atlas) -> None:
    painter = Painter(atlas, 900, 700)
    img = painter.picture(D(2018, 3, 22))
    assert img.size == (900, 700) and img.mode == "RGB"
    x, y = ground_pixel(painter, atlas, "douma")  # Jaysh al-Islam until April
    fill = painter.fills[atlas.timeline.faction_ids.index("jaysh-al-islam")]
    assert close(img.getpixel((x, y)), fill)
    x, y = ground_pixel(painter, atlas, "adra")
    assert close(img.getpixel((x, y)), painter.fills[atlas.timeline.faction_ids.index("saa")])
    # nothing is drawn outside the study area but the background
    assert close(img.getpixel((2, round(painter.map_box[1]) + 2)),
                 style.rgb(style.MAP_BACKGROUND))
    assert painter.labels, "town names are written"
    boxes = [label.box for label in painter.labels]
    assert all(not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_png_bytes_open_at_the_chosen_size(atlas: Atlas) -> None:
    img = Image.open(io.BytesIO(png(atlas, D(2018, 3, 1), 640, 480)))
    assert (img.format, img.size) == ("PNG", (640, 480))
    with pytest.raises(SizeError, match="width 100 px"):
        png(atlas, D(2018, 3, 1), 100, 480)


def frames(data: bytes) -> list[Image.Image]:
    img = Image.open(io.BytesIO(data))
    out = []
    for i in range(img.n_frames):
        img.seek(i)
        out.append(img.convert("RGB"))
    return out


def test_gif_has_a_frame_per_day_and_shows_the_change(atlas: Atlas) -> None:
    seen: list[tuple[int, int]] = []
    data = animation.animate(atlas, D(2018, 3, 20), D(2018, 4, 2), fmt="gif", width=480,
                             height=360, fps=5, progress=lambda d, n: seen.append((d, n)))
    img = Image.open(io.BytesIO(data))
    assert (img.format, img.size, img.n_frames) == ("GIF", (480, 360), 14)
    assert img.info["duration"] == 200 and img.info["loop"] == 0
    assert seen[-1] == (14, 14) and len(seen) == 14
    first, last = frames(data)[0], frames(data)[-1]
    painter = Painter(atlas, 480, 360)
    fills = {f: painter.fills[i] for i, f in enumerate(atlas.timeline.faction_ids)}
    # Harasta went to the government on 22-23 March; Adra stayed with it
    assert atlas.holder("harasta", D(2018, 3, 20))[0] != "saa"
    assert atlas.holder("harasta", D(2018, 4, 2))[0] == "saa"
    x, y = ground_pixel(painter, atlas, "harasta")
    assert close(first.getpixel((x, y)), fills[atlas.holder("harasta", D(2018, 3, 20))[0]])
    assert close(last.getpixel((x, y)), fills["saa"])
    x, y = ground_pixel(painter, atlas, "adra")
    assert close(first.getpixel((x, y)), last.getpixel((x, y)), tol=2)


def test_long_ranges_are_thinned_to_the_frame_limit() -> None:
    plan = animation.plan(D(2010, 1, 1), D(2020, 12, 31), 800, 600)
    assert len(plan.days) <= animation.MAX_FRAMES + 1
    assert plan.days[0] == D(2010, 1, 1) and plan.days[-1] == D(2020, 12, 31)
    assert plan.step > 1 and "one every" in plan.note
    big = animation.plan(D(2018, 1, 1), D(2018, 12, 31), 1920, 1920)
    assert len(big.days) * 1920 * 1920 <= animation.MAX_PIXELS + 1920 * 1920
    assert animation.plan(D(2018, 1, 1), D(2018, 1, 31), 800, 600).step == 1


def test_bad_animation_requests_are_refused(atlas: Atlas) -> None:
    with pytest.raises(SizeError, match="frame rate"):
        animation.animate(atlas, D(2018, 3, 1), D(2018, 3, 2), fps=0)
    with pytest.raises(SizeError, match="format"):
        animation.animate(atlas, D(2018, 3, 1), D(2018, 3, 2), fmt="avi")
    with pytest.raises(SizeError, match="before it starts"):
        animation.plan(D(2018, 3, 2), D(2018, 3, 1), 800, 600)


@pytest.mark.skipif(not animation.mp4_available(), reason="imageio-ffmpeg has no ffmpeg here")
def test_mp4_has_the_frames_and_size(atlas: Atlas, tmp_path: Path) -> None:
    import imageio_ffmpeg

    data = animation.animate(atlas, D(2018, 3, 1), D(2018, 3, 10), fmt="mp4", width=481,
                             height=360, fps=5)
    assert data[4:8] == b"ftyp"
    path = tmp_path / "a.mp4"
    path.write_bytes(data)
    n, secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert n == 10 and secs == pytest.approx(2.0, abs=0.25)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    assert tuple(meta["size"]) == (480, 360)  # even sizes, as H.264 requires
    reader.close()


@pytest.fixture(scope="module")
def package(atlas: Atlas, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gpkg") / "timeline.gpkg"
    path.write_bytes(gpkg.timeline_gpkg(atlas))
    return path


def test_geopackage_has_one_layer_per_kind_with_dates(package: Path) -> None:
    layers = {name: geom for name, geom in pyogrio.list_layers(package)}
    assert list(layers) == list(gpkg.LAYERS)
    assert {"control", "frontline", "locality", "corridor", "route"} <= set(layers)
    assert layers["control"] == "MultiPolygon" and layers["locality"] == "Point"
    for name in gpkg.LAYERS:
        info = pyogrio.read_info(package, layer=name)
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        assert types["valid_from"] == types["valid_to"] == "OFTDate", name
        assert info["crs"] == "EPSG:4326" and info["features"] > 0, name


def valid_on(table, day: dt.date):
    ts = np.datetime64(day.isoformat())
    return table[(table["valid_from"] <= ts) & (table["valid_to"] >= ts)]


@pytest.mark.parametrize("day", [D(2018, 2, 18), D(2018, 2, 25), D(2018, 3, 22),
                                 D(2018, 4, 14)])
def test_geopackage_reads_back_as_the_snapshot_of_each_date(atlas: Atlas, package: Path,
                                                             day: dt.date) -> None:
    snap = atlas.snapshot(day)
    want = {f["properties"]["faction"]: f for f in snap["features"]
            if f["properties"]["kind"] == "control"}
    control = valid_on(pyogrio.read_dataframe(package, layer="control"), day)
    assert sorted(control["faction"]) == sorted(want)
    for _, row in control.iterrows():
        expect = want[row["faction"]]["properties"]
        assert row["area_km2"] == pytest.approx(expect["area_km2"])
        assert json.loads(row["localities"]) == expect["localities"]
        assert row.geometry.symmetric_difference(
            shapely.geometry.shape(want[row["faction"]]["geometry"])).area < 1e-9
    fronts = valid_on(pyogrio.read_dataframe(package, layer="frontline"), day)
    assert sorted(json.loads(x)[0] + "/" + json.loads(x)[1] for x in fronts["factions"]) == \
        sorted("/".join(f["properties"]["factions"]) for f in snap["features"]
               if f["properties"]["kind"] == "frontline")
    towns = valid_on(pyogrio.read_dataframe(package, layer="locality"), day)
    held = {f["properties"]["id"]: f["properties"] for f in snap["features"]
            if f["properties"]["kind"] == "locality"}
    assert sorted(towns["id"]) == sorted(held)
    for _, row in towns.iterrows():
        assert row["faction"] == held[row["id"]]["faction"]
        assert row["confidence"] == held[row["id"]]["confidence"]
    routes = valid_on(pyogrio.read_dataframe(package, layer="route"), day)
    assert sorted(routes["id"]) == sorted(f["properties"]["id"] for f in snap["features"]
                                          if f["properties"]["kind"] == "route")


def test_geopackage_range_and_bound(atlas: Atlas) -> None:
    layers = gpkg.timeline_layers(atlas, D(2018, 3, 1), D(2018, 3, 10))
    for layer in layers.values():
        assert all(D(2018, 3, 1) <= r["valid_from"] <= r["valid_to"] <= D(2018, 3, 10)
                   for r in layer.rows)
    with pytest.raises(gpkg.ExportTooLarge, match="choose a shorter range"):
        gpkg.timeline_layers(atlas, max_periods=3)
