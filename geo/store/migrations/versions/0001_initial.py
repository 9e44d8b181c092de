"""The first schema: tables that mirror a dataset's files, an audit log, append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

# WGS 84 geometries; their GiST indexes are made by the migration.
POINT = Geometry("POINT", srid=4326, spatial_index=False)
ANY_GEOMETRY = Geometry("GEOMETRY", srid=4326, spatial_index=False)
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The columns of each CSV file as this revision knows them (frozen here: a later change to
# the files is a later migration).
CSV_COLUMNS = {
    "localities": ("id", "name", "alt_names", "kind", "lat", "lon", "precision_m", "placement",
                   "territory", "source", "note"),
    "factions": ("id", "name", "side", "color", "aliases", "source"),
    "control": ("date", "locality", "faction", "kind", "confidence", "alt_dates", "detail",
                "source"),
    "events": ("date", "end", "type", "localities", "factions", "confidence", "detail",
               "source"),
    "corridors": ("id", "name", "path", "opened", "closed", "hours", "suspended", "precision",
                  "detail", "source"),
    "routes": ("id", "origin", "destination", "path", "start", "end", "group", "people",
               "people_low", "people_high", "buses", "precision", "detail", "source"),
    "accepted_claims": ("accepted_at", "who", "report", "report_date", "report_source",
                        "rule", "date", "localities", "factions", "sentence"),
}
# Table -> the column whose value names one row among its versions (for the _current views).
VERSIONED = {**{name: "pos" for name in CSV_COLUMNS}, "layouts": "file",
             "documents": "name", "dataset": None, "study_area": None}

APPEND_ONLY = """
CREATE FUNCTION geo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused (add a new version of the row instead)',
    TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _keys() -> list[sa.Column]:
    return [sa.Column("row_id", sa.BigInteger, sa.Identity(), primary_key=True),
            sa.Column("change_id", sa.BigInteger, sa.ForeignKey("changes.id"), nullable=False)]


def upgrade() -> None:
    """Create the tables, their ``_current`` views, indexes and append-only triggers."""
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.clock_timestamp()),
        sa.Column("who", sa.Text, nullable=False, server_default=""),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    for name, columns in CSV_COLUMNS.items():
        geom = [sa.Column("geom", POINT)] if name == "localities" else []
        op.create_table(
            name, *_keys(),
            sa.Column("pos", ARRAY(sa.BigInteger), nullable=False),
            *[sa.Column(c, sa.Text, nullable=False, server_default="") for c in columns],
            sa.Column("extra", JSONB, nullable=False, server_default="{}"),
            *geom,
        )
    op.create_table("layouts", *_keys(), sa.Column("file", sa.Text, nullable=False),
                    sa.Column("header", ARRAY(sa.Text), nullable=False))
    op.create_table("documents", *_keys(), sa.Column("name", sa.Text, nullable=False),
                    sa.Column("content", sa.LargeBinary, nullable=False))
    op.create_table(
        "dataset", *_keys(),
        sa.Column("id", sa.Text, nullable=False), sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("start", sa.Date, nullable=False), sa.Column("end", sa.Date, nullable=False),
        sa.Column("metric_crs", sa.Text, nullable=False),
        sa.Column("max_distance_m", sa.Float, nullable=False),
        sa.Column("center", POINT, nullable=False),
        sa.Column("zoom", sa.Integer, nullable=False),
    )
    op.create_table(
        "study_area", *_keys(),
        sa.Column("geom", ANY_GEOMETRY, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    for name, column in (("localities", "geom"), ("study_area", "geom"), ("dataset", "center")):
        op.create_index(f"{name}_{column}_gist", name, [column], postgresql_using="gist")
    op.execute(APPEND_ONLY)
    for name, key in VERSIONED.items():
        if key is not None:
            op.create_index(f"{name}_{key}_version", name, [key, "change_id"])
            view = (f"SELECT DISTINCT ON ({key}) * FROM {name} "
                    f"ORDER BY {key}, change_id DESC, row_id DESC")
        else:  # one current row: the last one written
            view = f"SELECT * FROM {name} ORDER BY change_id DESC, row_id DESC LIMIT 1"
        op.execute(f"CREATE VIEW {name}_current AS {view}")
    for name in ("changes", *VERSIONED):
        op.execute(f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION geo_append_only()")


def downgrade() -> None:
    """Drop everything ``upgrade`` created (and every dataset in it)."""
    for name in VERSIONED:
        op.execute(f"DROP VIEW {name}_current")
        op.drop_table(name)
    op.drop_table("changes")
    op.execute("DROP FUNCTION geo_append_only()")
