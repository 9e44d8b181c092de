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
from geo.model import Locality
from layers.assets import VENDOR_URL, vendor_assets
from layers.base import MAX_PERMANENT_LABELS, base_map
from layers.dated import (
    CORRIDOR_CLOSED,
    CORRIDOR_OPEN,
    arrow_points,
    control_layer,
    corridor_layer,
    frontline_layer,
    route_layer,
)
from layers.html import script_json
from layers.legend import LAYER_ENTRIES, legend, legend_entries
from layers.towns import TownLayer, locality_layer, town_ids, town_payload
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


def all_links(m: folium.Map, kinds: tuple[str, ...] = ("default_js", "default_css")
              ) -> list[str]:
    """Every script/stylesheet URL a map and its children ask for (what st_folium loads)."""
    out: list[str] = []

    def walk(el) -> None:
        for kind in kinds:
            out.extend(u for _, u in getattr(el, kind, []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return out


def test_vendor_assets_copies_leaflet(tmp_path: Path) -> None:
    dest = vendor_assets(tmp_path / "vendor")
    for rel in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png"):
        assert (dest / rel).stat().st_size > 0
    assert "Leaflet 1.9.3" in (dest / "leaflet/leaflet.js").read_text(encoding="utf-8")[:300]


def full_map(atlas: Atlas) -> folium.Map:
    """The base map with the legend and every dated layer of a date."""
    ds = atlas.dataset
    s = snap(atlas, "2020-01-06")
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=ds.study_area,
                 localities=ds.localities)
    legend(ds.factions).add_to(m)
    for g in (control_layer(s), frontline_layer(s, {}),
              locality_layer(s, town_ids(ds.localities), {}, {}), corridor_layer(s),
              route_layer(s, {})):
        g.add_to(m)
    return m


def test_every_asset_of_the_full_map_is_local(atlas: Atlas, tmp_path: Path) -> None:
    m = full_map(atlas)
    links = all_links(m)
    assert links and all(u.startswith(VENDOR_URL + "/") for u in links), links
    dest = vendor_assets(tmp_path / "vendor")
    assert all((dest / u.removeprefix(VENDOR_URL + "/")).is_file() for u in links)
    html = m.get_root().render()
    assert not re.search(r'(src|href)="https?://', html)


def test_the_map_frame_loads_one_script_leaflet(atlas: Atlas) -> None:
    # the map frame loads its scripts one after the other; nothing the map runs uses jQuery
    m = full_map(atlas)
    assert set(all_links(m, ("default_js",))) == {f"{VENDOR_URL}/leaflet/leaflet.js"}
    assert not re.search(r"\bjQuery\b|\$\(", m.get_root().render())


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


def town_data(m: folium.Map) -> dict:
    """The static town table a base map draws (ids, names, escaped labels, positions)."""
    (towns,) = [c for c in m._children.values() if isinstance(c, TownLayer)]
    return json.loads(towns.data_json)


def payload(group: folium.FeatureGroup) -> dict:
    """The per-date town payload held by a locality layer."""
    (styles,) = group._children.values()
    return styles.payload


def test_localities_are_drawn_once_with_their_id_for_clicks(atlas: Atlas) -> None:
    ds = atlas.dataset
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=None,
                 localities=ds.localities)
    data = town_data(m)
    territory = [loc for loc in ds.localities if loc.territory]
    assert data["ids"] == [loc.id for loc in territory] == town_ids(ds.localities)
    assert "farplace" not in data["ids"]  # far places are named, not coloured by holder
    js = m.get_root().render()
    assert js.count("L.circleMarker(") == 1  # one loop over the town table
    assert 'kind: "locality"' in js and "window.__towns" in js


def test_many_places_are_named_by_their_town_tooltips_not_by_extra_dots() -> None:
    def place(i: int, territory: bool) -> Locality:
        return Locality(id=f"p{i}", name=f"Place {i}", alt_names=(), kind="village",
                        lat=33 + i * 1e-3, lon=36.0, precision_m=100.0, placement="exact",
                        territory=territory, source="s")

    few = [place(i, True) for i in range(3)] + [place(99, False)]
    many = [place(i, True) for i in range(MAX_PERMANENT_LABELS + 1)] + [place(9999, False)]
    for locs, named in ((few, {"p0", "p1", "p2", "p99"}), (many, {"p9999"})):
        m = base_map(center=(33.0, 36.0), zoom=8, study_area=None, localities=locs)
        (names,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
        assert {f["properties"]["id"] for f in names.data["features"]} == named
        assert town_data(m)["ids"] == [loc.id for loc in locs if loc.territory]


def test_a_date_sends_holders_not_places(atlas: Atlas) -> None:
    """Per date only who holds each town (and since when) travels, never its name or place."""
    ds = atlas.dataset
    colors = {"gov": "#d7191c", "reb": "#1a9641"}
    order = town_ids(ds.localities)
    group = locality_layer(snap(atlas, "2020-01-05"), order, colors, {"gov": "Government"})
    p = payload(group)
    assert p["date"] == "2020-01-05"
    assert len(p["holder"]) == len(p["since"]) == len(order)
    holder = {lid: p["factions"][h] for lid, h in zip(order, p["holder"], strict=True)}
    assert holder["northam"]["id"] == "gov"  # captured on 2020-01-05
    assert holder["northam"]["fill"] == "#d7191c"
    assert holder["northam"]["html"] == "Government"
    assert p["days"][p["since"][order.index("northam")]] == "2020-01-05"
    js = rendered(group)
    assert "window.__towns.restyle(" in js
    for loc in ds.localities:
        assert loc.name not in js and f"{loc.lon}" not in js


def test_town_payload_follows_the_drawn_order_and_marks_missing_towns(atlas: Atlas) -> None:
    s = snap(atlas, "2020-01-08")
    p = town_payload(s, ["northam", "nowhere", "eastburg"], {}, {})
    assert p["holder"][1] == p["since"][1] == -1
    assert p["factions"][p["holder"][0]]["fill"] == "#999999"  # no colour given: grey
    feats = {f["properties"]["id"]: f["properties"] for f in s["features"]
             if f["properties"]["kind"] == "locality"}
    assert [p["factions"][p["holder"][i]]["id"] for i in (0, 2)] == [
        feats["northam"]["faction"], feats["eastburg"]["faction"]]


def test_excerpt_counts_travel_only_for_towns_that_have_some(atlas: Atlas) -> None:
    s = atlas.snapshot(dt.date(2020, 1, 5), excerpt_counts={"eastburg": 3})
    order = town_ids(atlas.dataset.localities)
    assert town_payload(s, order, {}, {})["excerpts"] == {str(order.index("eastburg")): 3}


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
        groups = [control_layer(s), frontline_layer(s, {}), corridor_layer(s),
                  route_layer(s, {})]
        feats = [f for g in groups if g._children for f in geojson_data(g)["features"]]
        dates = {f["properties"]["date"] for f in feats}
        kinds = {f["properties"]["kind"] for f in feats}
        assert dates == {day}
        assert kinds >= {"control", "corridor"}
        towns = locality_layer(s, town_ids(atlas.dataset.localities), {}, {})
        assert payload(towns)["date"] == day  # the browser stamps it on every town


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
    html = json.loads(legend(atlas.dataset.factions).html_json)
    assert "Rebels &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html


def test_every_data_string_is_escaped_in_tooltips(atlas: Atlas) -> None:
    s = snap(atlas, "2020-01-06")
    ds = atlas.dataset
    names = {loc.id: loc.name for loc in ds.localities}
    fnames = {f.id: f.name for f in ds.factions}
    groups = [control_layer(s), frontline_layer(s, fnames), corridor_layer(s),
              route_layer(s, names)]
    tips = [f["properties"]["tip"] for g in groups for f in geojson_data(g)["features"]]
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=None,
                 localities=ds.localities)
    tips += [f["properties"]["label"] for f in m._children[next(
        k for k, c in m._children.items() if isinstance(c, folium.GeoJson))].data["features"]]
    # town tooltips: escaped name from the base map, escaped holder and date from the date
    towns = payload(locality_layer(s, town_ids(ds.localities), {}, fnames))
    tips += town_data(m)["labels"] + [f["html"] for f in towns["factions"]] + towns["days"]
    groups.append(locality_layer(s, town_ids(ds.localities), {}, fnames))
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
    assert EVIL not in m.get_root().render()  # a raw name in the town table is JS text
    # with no "<" at all, so it can neither close the script element nor open a comment
    (towns_layer,) = [c for c in m._children.values() if isinstance(c, TownLayer)]
    assert "<" not in towns_layer.data_json and EVIL in json.loads(towns_layer.data_json)["names"]


def test_script_json_keeps_the_value_and_no_markup() -> None:
    value = {"name": "<!--<script>x</script>", "note": "A & B > C", "arabic": "دوما"}
    text = script_json(value)
    assert json.loads(text) == value
    assert not set("<>&") & set(text)


def test_fit_to_routes_zooms_out_to_the_far_destination(atlas: Atlas) -> None:
    ds = atlas.dataset
    box = routes_bounds(ds.routes, ds.localities)
    (s, w), (n, e) = box
    assert n == pytest.approx(34.70) and s <= 33.50
    center, zoom = fit_view(box)
    assert zoom < ds.meta.zoom
    assert s < center[0] < n and w < center[1] < e
