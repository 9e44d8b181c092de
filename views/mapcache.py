"""Bounded caches of the map's JavaScript: the base map per dataset, the layers per date."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import streamlit as st

from geo.atlas import Atlas
from geo.uncertainty import uncertain_control, uncertain_features, uncertainty_note
from layers.base import base_map
from layers.dated import control_layer, corridor_layer, frontline_layer, route_layer
from layers.diff import diff_layer
from layers.legend import legend
from layers.towns import locality_layer, town_ids
from layers.uncertainty import uncertainty_layer
from views import loaders
from views.mapview import RenderedMap, render_base, render_layers


class Toggles(NamedTuple):
    """The layer switches of the sidebar (the control and locality layers are always on)."""

    frontlines: bool = True
    corridors: bool = True
    routes: bool = True
    uncertainty: bool = True


@st.cache_resource(max_entries=8, show_spinner=False)
def base(atlas_key: str, osm: bool, _atlas: Atlas) -> RenderedMap:
    """The rendered base map (outline, names, legend, optional OSM tiles) of a dataset."""
    ds = _atlas.dataset
    m = base_map(center=ds.meta.center, zoom=ds.meta.zoom, study_area=ds.study_area,
                 localities=ds.localities, osm=osm)
    legend(ds.factions).add_to(m)
    return render_base(m)


@st.cache_resource(max_entries=64, show_spinner=False)
def layers(atlas_key: str, day: dt.date, toggles: Toggles, counts_key: int, _atlas: Atlas,
           _counts: dict[str, int], compare: tuple[dt.date, dt.date] | None = None) -> str:
    """The JavaScript of the date-dependent layers of ``day`` with these switches.

    ``compare``: two dates (earlier first) whose changes of hands are drawn over the control
    polygons (``layers.diff.diff_layer``).

    64 entries hold every day of the shipped dataset (56 days). The towns are drawn by the
    base map and only recoloured here (a few numbers per place), so at country scale a day
    is about 250 KB of text (control polygons and frontlines, then 6,500 holder entries).
    """
    ds = _atlas.dataset
    snap = loaders.snapshot(atlas_key, day, counts_key, _atlas, _counts)
    fnames = {f.id: f.name for f in ds.factions}
    groups = [control_layer(snap)]
    notes = None
    if toggles.uncertainty:
        unc = uncertain_control(_atlas, day)
        groups.append(uncertainty_layer(uncertain_features(unc, _atlas), day.isoformat()))
        notes = {lid: uncertainty_note(row) for lid, row in unc.rows.items()}
    if compare is not None:
        groups.append(diff_layer(loaders.diff(atlas_key, *compare, _atlas)))
    if toggles.frontlines:
        groups.append(frontline_layer(snap, fnames))
    if toggles.corridors:
        groups.append(corridor_layer(snap))
    if toggles.routes:
        groups.append(route_layer(snap, {loc.id: loc.name for loc in ds.localities}))
    groups.append(locality_layer(snap, town_ids(ds.localities),
                                 {f.id: f.color for f in ds.factions}, fnames, notes))
    return render_layers(groups)
