"""The newsroom exports panel: PNG of the shown date, GIF/MP4 of a range, GeoPackage timeline."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.atlas import Atlas
from geo.errors import GeoError
from geo.export import animation
from geo.export.picture import MAX_SIDE, MIN_SIDE


@st.cache_resource(max_entries=2, show_spinner="Writing the GeoPackage…")
def _gpkg(atlas_key: str, start: dt.date, end: dt.date, _atlas: Atlas) -> bytes:
    from geo.export.gpkg import timeline_gpkg

    return timeline_gpkg(_atlas, start, end)


def _png(atlas: Atlas, day: dt.date, width: int, height: int) -> bytes:
    from geo.export.picture import png

    return png(atlas, day, width, height)


@st.fragment
def exports_panel(atlas: Atlas, atlas_key: str, day: dt.date) -> None:
    """The exports expander; reruns alone (making an animation does not redraw the map)."""
    ds = atlas.dataset
    ss = st.session_state
    with st.expander("Exports for the newsroom: picture, animation, GeoPackage"):
        c1, c2, c3 = st.columns(3)
        width = c1.number_input("Width (px)", MIN_SIDE, MAX_SIDE, 800, 10, key="ex_w")
        height = c2.number_input("Height (px)", MIN_SIDE, MAX_SIDE, 600, 10, key="ex_h")
        fps = c3.number_input("Frames per second", animation.MIN_FPS, animation.MAX_FPS, 4,
                              key="ex_fps")
        st.download_button(f"Download PNG of {day.isoformat()}", on_click="ignore",
                           data=lambda: _png(atlas, day, int(width), int(height)),
                           file_name=f"map-{day.isoformat()}.png", mime="image/png",
                           key="dl_png")
        st.markdown("**Animation** of a date range, drawn with the map's colours (no tiles)")
        r1, r2, r3 = st.columns(3)
        first = r1.date_input("From", ds.meta.start, ds.meta.start, ds.meta.end,
                              key="ex_from", format="YYYY-MM-DD")
        last = r2.date_input("To", ds.meta.end, ds.meta.start, ds.meta.end, key="ex_to",
                             format="YYYY-MM-DD")
        mp4 = animation.mp4_available()
        fmt = r3.radio("Format", ["GIF", "MP4"] if mp4 else ["GIF"], horizontal=True,
                       key="ex_fmt", help=None if mp4 else
                       "MP4 needs the imageio-ffmpeg package, which is not installed")
        if not (isinstance(first, dt.date) and isinstance(last, dt.date)) or first > last:
            st.warning("Choose a start date on or before the end date.")
            return
        plan = animation.plan(first, last, int(width), int(height))
        st.caption(f"{plan.note} At most {animation.MAX_FRAMES} frames and "
                   f"{animation.MAX_PIXELS // 1_000_000} million pixels in all per animation.")
        request = (atlas_key, first, last, fmt, int(width), int(height), float(fps))
        if st.button(f"Make the {fmt}", key="ex_make"):
            bar = st.progress(0.0, text="Drawing the frames…")

            def progress(done: int, total: int) -> None:
                bar.progress(done / total, text=f"Drawing frame {done} of {total}")

            try:
                data = animation.animate(atlas, first, last, fmt=fmt.lower(), width=int(width),
                                         height=int(height), fps=float(fps), progress=progress)
            except GeoError as exc:
                bar.empty()
                st.error(str(exc))
                return
            bar.empty()
            ss.ex_result = (request, data)
        made = ss.get("ex_result")
        if made and made[0] == request:
            kind = fmt.lower()
            st.download_button(f"Download the {fmt} ({len(made[1]) / 1e6:.1f} MB)",
                               data=made[1], on_click="ignore",
                               file_name=f"map-{first.isoformat()}-{last.isoformat()}.{kind}",
                               mime="image/gif" if kind == "gif" else "video/mp4",
                               key="dl_anim")
        st.markdown("**GeoPackage** of the timeline for QGIS: one layer per kind, every "
                    "feature with `valid_from`/`valid_to` for the temporal controller")
        try:
            from geo.export.gpkg import MAX_PERIODS, periods

            n = len(periods(atlas, first, last))
            if n > MAX_PERIODS:
                st.warning(f"{first} to {last} has {n} periods of unchanged control; one file "
                           f"holds at most {MAX_PERIODS}: choose a shorter range above.")
                return
            st.download_button(f"Download GeoPackage ({first} to {last})", on_click="ignore",
                               data=lambda: _gpkg(atlas_key, first, last, atlas),
                               file_name=f"timeline-{ds.meta.id}-{first}-{last}.gpkg",
                               mime="application/geopackage+sqlite3", key="dl_gpkg")
        except GeoError as exc:
            st.error(str(exc))
