"""Small Streamlit rendering helpers and the pure view-state rules the app script uses."""
