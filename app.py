"""Streamlit app: the time-aware conflict map (widgets, session state and caching only)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import streamlit as st

from geo.snapshot import dumps
from layers.assets import vendor_assets
from layers.view import fit_view, routes_bounds
from views import layout, loaders, prefetch
from views.args import parse_args
from views.changes_view import changes_panel
from views.chart import area_chart
from views.compare import compare_controls, compare_summary, span
from views.panel import town_panel
from views.state import click_signature, clicked_town, parse_day, parse_town, play_next, step_change
from views.text import md_escape

ROOT = Path(__file__).resolve().parent
SPEEDS = {"slow (1 day/s)": 1.0, "normal (2 days/s)": 0.5, "fast (4 days/s)": 0.25}
SHOW_ZOOM = 13  # the zoom at which the map shows a place picked in "what changed"

layout.page_config()
hidden = layout.page_style()
st.cache_resource(vendor_assets)(ROOT / "static" / "vendor")
ARGS = parse_args(sys.argv[1:])
atlas, akey, error = loaders.atlas_or_last_good(ARGS.data, ARGS.cache)
if error is not None:
    st.error("The dataset has problems; " + ("showing the last good version." if atlas else
             "nothing to show.") + "\n\n" + "\n".join(f"- {md_escape(p)}" for p in error.problems))
if atlas is None:
    st.stop()
ds = atlas.dataset
start, end = ds.meta.start, ds.meta.end
changes = atlas.change_dates()
fnames = {f.id: f.name for f in ds.factions}
fcolors = {f.id: f.color for f in ds.factions}
places = {loc.id: loc.name for loc in ds.localities}
reports = loaders.report_index(ARGS.seeds, ds, ARGS.cache, akey)
reading = loaders.read_reports(reports, akey, ds)  # bounded work; the rest in the background
counts = loaders.excerpt_counts(reports)
ss = st.session_state

if ss.get("dataset") != akey:  # first run of this session (or the dataset changed)
    qp = st.query_params
    ss.dataset = akey
    ss.day = parse_day(qp.get("date"), start, end) or start
    ss.town = parse_town(qp.get("town"), ds.has_locality)
    ss.setdefault("playing", False)
    ss.setdefault("view", None)
    ss.setdefault("seen_click", "")
    ss.setdefault("map_drawn", False)
    ss.setdefault("stepping", 0)  # direction of the last step between change dates, else 0


def _map_drawn() -> None:
    ss.map_drawn = True


if not ss.map_drawn:  # the first run of a session: the map first (views/layout.py)
    layout.wait_for_map(hidden, _map_drawn)


def _step(direction: int) -> None:
    ss.day = step_change(ss.day, changes, direction) or ss.day
    ss.stepping = direction


def _day(direction: int) -> None:
    ss.day = min(max(ss.day + dt.timedelta(days=direction), start), end)
    ss.stepping = 0


def _slid() -> None:
    ss.stepping = 0


def _toggle_play() -> None:
    ss.playing = not ss.playing
    ss.stepping = 0
    ss.rerun_app = True  # the playback timer is set by the whole script, not the fragment
    if ss.playing and ss.day >= end:
        ss.day = start


def _fit(routes: bool) -> None:
    box = routes_bounds(ds.routes, ds.localities) if routes else None
    n = (ss.view or {}).get("n", 0) + 1  # nudge so that the same view can be asked twice
    if box is None:
        ss.view = {"center": ds.meta.center, "zoom": ds.meta.zoom, "n": n}
    else:  # the narrowest map the layout gives
        center, zoom = fit_view(box, width_px=layout.NARROW_MAP_PX,
                                height_px=layout.MAP_HEIGHT_PX)
        ss.view = {"center": center, "zoom": zoom, "n": n}


def _show(place: str) -> None:
    loc = ds.locality(place)
    n = (ss.view or {}).get("n", 0) + 1
    ss.view = {"center": (loc.lat, loc.lon), "zoom": max(ds.meta.zoom, SHOW_ZOOM), "n": n}
    ss.town = place


title, tools, pages = st.columns([6, 1, 1], vertical_alignment="center")
title.markdown(f"**{md_escape(ds.meta.name)}**")
with tools.popover("Layers", width="stretch"):
    show_front = st.checkbox("Frontlines", value=True, key="show_front")
    show_corr = st.checkbox("Humanitarian corridors", value=True, key="show_corr")
    show_routes = st.checkbox("Evacuation routes", value=True, key="show_routes")
    show_unc = st.checkbox("Uncertain control (hatched)", value=True, key="show_unc",
                           help="Ground held under a low-confidence report or a date that "
                                "sources disagree on")
    speed = st.selectbox("Playback speed", list(SPEEDS), index=1, key="speed")
    c1, c2 = st.columns(2)
    c1.button("Fit to routes", on_click=_fit, args=(True,), disabled=not ds.routes)
    c2.button("Reset view", on_click=_fit, args=(False,))
    compare_day = compare_controls(start, end)
    osm = st.checkbox("OpenStreetMap background", value=False, key="osm")
    st.caption("The OpenStreetMap background loads tiles from tile.openstreetmap.org, "
               "which sends the area you view to that provider. Off by default.")
pages.page_link("pages/reports.py", label="Reports", icon=":material/article:")
playing = ss.playing


@st.fragment(run_every=SPEEDS[speed] if playing else None)
def main_panel() -> None:
    """Date controls, map, side panel, chart and downloads: reruns alone during playback."""
    if ss.pop("rerun_app", False):
        st.rerun(scope="app")
    if ss.playing:
        ss.day, go_on = play_next(ss.day, end)
        if not go_on:
            ss.playing = False
            st.rerun(scope="app")
    bar = st.container(horizontal=True, vertical_alignment="center", wrap=False, key="datebar")
    bar.button("", icon=":material/skip_previous:", key="prev", shortcut="Shift+Left",
               help="previous date on which control changed", on_click=_step, args=(-1,),
               disabled=step_change(ss.day, changes, -1) is None)
    bar.button("", icon=":material/chevron_left:", key="back", shortcut="Left",
               help="one day earlier", on_click=_day, args=(-1,), disabled=ss.day <= start)
    day = bar.slider("Date", min_value=start, max_value=end, step=dt.timedelta(days=1),
                     key="day", format="YYYY-MM-DD", label_visibility="collapsed",
                     on_change=_slid)
    bar.button("", icon=":material/chevron_right:", key="fwd", shortcut="Right",
               help="one day later", on_click=_day, args=(1,), disabled=ss.day >= end)
    bar.button("", icon=":material/skip_next:", key="next", shortcut="Shift+Right",
               help="next date on which control changed", on_click=_step, args=(1,),
               disabled=step_change(ss.day, changes, 1) is None)
    bar.button("Pause" if ss.playing else "Play", key="play",
               icon=":material/pause:" if ss.playing else ":material/play_arrow:",
               shortcut="Space", help="play or pause", on_click=_toggle_play)
    ckey = hash(tuple(sorted(counts.items())))
    # folium (about half of the first run's imports) once the date bar is on its way: the
    # browser draws that meanwhile
    from views import mapcache
    from views.mapview import show_map

    toggles = mapcache.Toggles(show_front, show_corr, show_routes, show_unc)
    view = ss.view or {}
    pair = span(compare_day, day)  # the compared dates, earlier first
    map_col, side = st.columns(list(layout.MAP_COLUMNS))
    with map_col:
        result = show_map(
            mapcache.base(akey, osm, atlas),
            mapcache.layers(akey, day, toggles, ckey, atlas, counts, compare=pair),
            height=layout.MAP_HEIGHT_PX,
            returned_objects=["last_active_drawing", "last_object_clicked"],
            center=(view["center"][0] + view["n"] * 1e-9, view["center"][1])
            if view else None,
            zoom=view.get("zoom"),
        )
    sig = click_signature(result)
    if sig != ss.seen_click:
        ss.seen_click = sig
        ss.town = clicked_town(result) or ss.town
    with side, st.container(key=layout.PANEL_KEY):  # scrolls beside the map
        ids = sorted(places, key=lambda i: places[i].lower())
        st.selectbox("Find a town", ids, index=None, key="town", format_func=places.get,
                     placeholder="Click a town or type a name")
        if ss.town:
            loc = ds.locality(ss.town)
            holder, since = atlas.holder(ss.town, day) if loc.territory else (None, None)
            town_panel(loc, day=day, holder=holder, since=since, history=atlas.history(ss.town),
                       excerpts=reports, faction_names=fnames,
                       pending_reports=reading.pending,
                       in_force=atlas.timeline.current_row(ss.town, day)
                       if loc.territory else None)
    st.query_params.from_dict({"date": day.isoformat(), **({"town": ss.town} if ss.town else {})})
    if not ss.map_drawn:  # the rest once the browser has drawn the map (layout.MAP_DRAWN_JS)
        return
    # the dates a user is likely to open next are drawn in the background, into the cache
    prefetch.draw_ahead(lambda d: mapcache.layers(akey, d, toggles, ckey, atlas, counts,
                                                  compare=span(compare_day, d)),
                        prefetch.ahead(day, start, end, changes, stepping=ss.stepping))
    if pair is not None:
        compare_summary(loaders.diff(akey, *pair, atlas))
    chart_col, list_col = st.columns([3, 2])
    with list_col:
        changes_panel(loaders.change_log(akey, atlas), day, step_change(day, changes, -1),
                      on_pick=_show)
    show_range = chart_col.toggle(
        "Range where sources disagree on dates", key="show_range",
        help="Shade each faction's area between the earliest and the latest dates sources "
             "give for disputed changes")
    series = loaders.chart_series(akey, atlas, ranges=show_range)
    chart_col.vega_lite_chart(area_chart(series, {fnames[k]: c for k, c in fcolors.items()},
                                         day, show_range=show_range), width="stretch")
    d1, d2 = chart_col.columns(2)
    d1.download_button("Download snapshot GeoJSON", on_click="ignore",
                       data=lambda: dumps(loaders.snapshot(akey, day, ckey, atlas, counts)),
                       file_name=f"snapshot-{day.isoformat()}.geojson",
                       mime="application/geo+json", key="dl_snapshot")
    d2.download_button("Download whole timeline GeoJSON", on_click="ignore",
                       data=lambda: dumps(atlas.timeline_geojson(excerpt_counts=counts)),
                       file_name=f"timeline-{ds.meta.id}.geojson",
                       mime="application/geo+json", key="dl_timeline")
    from views.exports import exports_panel  # after the map: Pillow is not needed before

    exports_panel(atlas, akey, day)


main_panel()
