"""Exports for the newsroom: the map as pictures and animations, the timeline as a GeoPackage."""
