"""Folium layers built from the core's results: pure functions, data in, folium objects out."""
