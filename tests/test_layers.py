"""Layer builders tested by their output: GeoJSON, properties, styles, rendered JS, legend."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import folium
import pytest

from geo.atlas import Atlas, load_atlas
from layers.assets import VENDOR_URL, vendor_assets
from layers.base import base_map
from layers.dated import (
    CORRIDOR_CLOSED,
    CORRIDOR_OPEN,
    arrow_points,
    control_layer,
    corridor_layer,
    frontline_layer,
    locality_layer,
    route_layer,
)
from layers.legend import LAYER_ENTRIES, legend, legend_entries
from layers.view import fit_view, routes_bounds
from tests.minidata import CONTROL, LOCALITIES, SRC, make_dataset

EVIL = "<script>alert(1)</script>"
EVIL_ALT = "<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    root = make_dataset(
        tmp_path_factory.mktemp("layers") / "data",
        localities=[*LOCALITIES, ("evil", EVIL, EVIL_ALT, 33.52, 36.36, 1)],
        control=[*CONTROL, ("2020-01-01", "evil", "reb", "initial")],
        factions=[("gov", "Government", "government", "#d7191c", "troops"),
                  ("reb", "Rebels <b>bold</b>", "opposition", "#1a9641", "rebels")],
        corridors=[{"id": "c1", "name": "Corridor <i>one</i>", "path": "eastburg;westville",
                    "opened": "2020-01-03", "closed": "2020-01-08", "hours": "09:00-14:00",
                    "suspended": "2020-01-04", "precision": "approx", "detail": "d",
                    "source": SRC}],
        routes=[{"id": "r1", "origin": "eastburg", "destination": "farplace",
                 "path": "eastburg;northam;farplace", "start": "2020-01-06", "end": "2020-01-07",
                 "group": "fighters & <families>", "people": "1200", "precision": "approx",
                 "detail": "d", "source": SRC}],
    )
    return load_atlas(root)


def snap(atlas: Atlas, day: str) -> dict:
    return atlas.snapshot(dt.date.fromisoformat(day))


def geojson_data(group: folium.FeatureGroup) -> dict:
    """The FeatureCollection held by the (single) GeoJson child of a layer group."""
    (gj,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    return gj.data


def rendered(*groups: folium.FeatureGroup) -> str:
    m = folium.Map(tiles=None)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def all_links(m: folium.Map) -> list[str]:
    """Every script/stylesheet URL a map and its children ask for (what st_folium loads)."""
    out: list[str] = []

    def walk(el) -> None:
        out.extend(u for _, u in getattr(el, "default_js", []))
        out.extend(u for _, u in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return out


def test_vendor_assets_copies_leaflet_and_jquery(tmp_path: Path) -> None:
    dest = vendor_assets(tmp_path / "vendor")
    for rel in ("leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js",
                "leaflet/images/layers.png"):
        assert (dest / rel).stat().st_size > 0
    assert "Leaflet 1.9.3" in (dest / "leaflet/leaflet.js").read_text(encoding="utf-8")[:300]


def test_every_asset_of_the_full_map_is_local(atlas: Atlas, tmp_path: Path) -> None:
    ds = atlas.dataset
    s = snap(atlas, "2020-01-06")
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=ds.study_area,
                 localities=ds.localities)
    legend(ds.factions).add_to(m)
    for g in (control_layer(s), frontline_layer(s, {}), locality_layer(s, {}, {}),
              corridor_layer(s), route_layer(s, {})):
        g.add_to(m)
    links = all_links(m)
    assert links and all(u.startswith(VENDOR_URL + "/") for u in links), links
    dest = vendor_assets(tmp_path / "vendor")
    assert all((dest / u.removeprefix(VENDOR_URL + "/")).is_file() for u in links)
    html = m.get_root().render()
    assert not re.search(r'(src|href)="https?://', html)


def test_osm_tiles_only_when_asked(atlas: Atlas) -> None:
    ds = atlas.dataset
    kw = dict(center=ds.meta.center, zoom=ds.meta.zoom, study_area=ds.study_area,
              localities=ds.localities)
    assert "openstreetmap" not in base_map(**kw).get_root().render()
    assert "tile.openstreetmap.org" in base_map(**kw, osm=True).get_root().render()


def test_control_polygons_take_the_faction_colours(atlas: Atlas) -> None:
    before = control_layer(snap(atlas, "2020-01-01"))
    after = control_layer(snap(atlas, "2020-01-08"))
    areas = {f["properties"]["faction"]: f["properties"]["area_km2"]
             for f in geojson_data(before)["features"]}
    areas_after = {f["properties"]["faction"]: f["properties"]["area_km2"]
                   for f in geojson_data(after)["features"]}
    assert areas_after["gov"] > areas["gov"]
    js = rendered(before)
    assert '"fillColor": "#d7191c"' in js and '"fillColor": "#1a9641"' in js


def test_localities_carry_their_id_for_clicks_and_holder_colour(atlas: Atlas) -> None:
    colors = {"gov": "#d7191c", "reb": "#1a9641"}
    group = locality_layer(snap(atlas, "2020-01-05"), colors, {})
    feats = {f["properties"]["id"]: f for f in geojson_data(group)["features"]}
    assert feats["northam"]["properties"]["kind"] == "locality"
    assert feats["northam"]["properties"]["faction"] == "gov"  # captured on 2020-01-05
    js = rendered(group)
    assert "circleMarker" in js.replace("CircleMarker", "circleMarker")


def test_corridor_open_closed_and_hours(atlas: Atlas) -> None:
    (feature,) = geojson_data(corridor_layer(snap(atlas, "2020-01-05")))["features"]
    tip = feature["properties"]["tip"]
    assert "open" in tip and "09:00-14:00" in tip
    assert CORRIDOR_OPEN in rendered(corridor_layer(snap(atlas, "2020-01-05")))
    assert CORRIDOR_CLOSED in rendered(corridor_layer(snap(atlas, "2020-01-04")))  # suspended
    assert not corridor_layer(snap(atlas, "2020-01-02"))._children  # before it opened


def test_routes_have_direction_arrows_and_details(atlas: Atlas) -> None:
    group = route_layer(snap(atlas, "2020-01-06"), {"eastburg": "Eastburg", "farplace": "Farplace"})
    (route,) = geojson_data(group)["features"]
    assert "Eastburg → Farplace" in route["properties"]["tip"]
    assert "1,200 people" in route["properties"]["tip"]
    arrows = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    assert len(arrows) == len(route["geometry"]["coordinates"]) - 1
    assert not list(route_layer(snap(atlas, "2020-01-02"), {})._children)


def test_every_dated_feature_says_its_date(atlas: Atlas) -> None:
    """What the browser draws names its date: a session can tell its map from another's."""
    for day in ("2020-01-04", "2020-01-06"):
        s = snap(atlas, day)
        groups = [control_layer(s), frontline_layer(s, {}), locality_layer(s, {}, {}),
                  corridor_layer(s), route_layer(s, {})]
        feats = [f for g in groups if g._children for f in geojson_data(g)["features"]]
        dates = {f["properties"]["date"] for f in feats}
        kinds = {f["properties"]["kind"] for f in feats}
        assert dates == {day}
        assert kinds >= {"control", "locality", "corridor"}


@pytest.mark.parametrize(("end", "angle"), [((1, 0), 0), ((0, 1), -90), ((-1, 0), 180),
                                             ((0, -1), 90)])
def test_arrow_angles_follow_the_segment(end: tuple[int, int], angle: float) -> None:
    ((_, _, a),) = arrow_points([(36.0, 33.0), (36.0 + end[0] * 0.1, 33.0 + end[1] * 0.1)])
    assert math.cos(math.radians(a - angle)) == pytest.approx(1.0, abs=1e-4)


def test_legend_has_every_faction_and_layer(atlas: Atlas) -> None:
    entries = legend_entries(atlas.dataset.factions)
    labels = [e.label for e in entries]
    assert [f.name for f in atlas.dataset.factions] == labels[: len(atlas.dataset.factions)]
    assert labels[len(atlas.dataset.factions):] == [label for label, _, _ in LAYER_ENTRIES]
    html = json.loads(legend(atlas.dataset.factions).html_json.replace("<\\/", "</"))
    assert "Rebels &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html


def test_every_data_string_is_escaped_in_tooltips(atlas: Atlas) -> None:
    s = snap(atlas, "2020-01-06")
    ds = atlas.dataset
    names = {loc.id: loc.name for loc in ds.localities}
    fnames = {f.id: f.name for f in ds.factions}
    groups = [control_layer(s), frontline_layer(s, fnames), locality_layer(s, {}, fnames),
              corridor_layer(s), route_layer(s, names)]
    tips = [f["properties"]["tip"] for g in groups for f in geojson_data(g)["features"]]
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=None,
                 localities=ds.localities)
    tips += [f["properties"]["label"] for f in m._children[next(
        k for k, c in m._children.items() if isinstance(c, folium.GeoJson))].data["features"]]
    joined = "\n".join(tips)
    for raw, escaped in [(EVIL, "&lt;script&gt;alert(1)&lt;/script&gt;"),
                         ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
                         ("<i>one</i>", "&lt;i&gt;one&lt;/i&gt;"),
                         ("& <families>", "&amp; &lt;families&gt;")]:
        assert raw not in joined
        assert escaped in joined
    # no tag in any tooltip but the ones the builders write themselves
    assert set(re.findall(r"<(/?\w+)", joined)) <= {"b", "/b", "br"}
    assert "<script>alert(1)" not in rendered(*groups)


def test_fit_to_routes_zooms_out_to_the_far_destination(atlas: Atlas) -> None:
    ds = atlas.dataset
    box = routes_bounds(ds.routes, ds.localities)
    (s, w), (n, e) = box
    assert n == pytest.approx(34.70) and s <= 33.50
    center, zoom = fit_view(box)
    assert zoom < ds.meta.zoom
    assert s < center[0] < n and w < center[1] < e
