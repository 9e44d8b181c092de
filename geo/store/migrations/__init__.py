"""Alembic migrations of the database store's schema (``python -m geo store upgrade``)."""
