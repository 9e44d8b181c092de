"""The migrations, oldest first (Alembic revision files)."""
