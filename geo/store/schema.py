"""The tables of a database store, as the code reads and writes them (Alembic's head)."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from geo.dataset import COLUMNS

# WGS 84 geometries; their GiST indexes are made by the migration.
POINT = Geometry("POINT", srid=4326, spatial_index=False)
ANY_GEOMETRY = Geometry("GEOMETRY", srid=4326, spatial_index=False)

metadata = MetaData()

#: The audit log: one row per change (an import, an accepted claim, a new alias...).
changes = Table(
    "changes", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
    Column("who", Text, nullable=False, server_default=""),
    Column("action", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)

#: Dataset table key (``geo.dataset.FILES``) -> the database table holding its rows.
TABLE_NAMES = {"localities": "localities", "factions": "factions", "control": "control",
               "events": "events", "corridors": "corridors", "routes": "routes",
               "accepted": "accepted_claims"}


def _versioned(name: str, *columns: Column) -> Table:
    """A table whose rows are never updated: a new version of a row is a new row."""
    return Table(
        name, metadata,
        Column("row_id", BigInteger, Identity(), primary_key=True),
        Column("change_id", BigInteger, ForeignKey("changes.id"), nullable=False),
        *columns,
    )


def _csv_table(key: str) -> Table:
    """The table of a CSV file: its cells as text, ``pos`` its place in the file.

    ``pos`` is an array of integers compared element by element (fractional indexing): a
    row inserted between ``{5}`` and ``{6}`` gets ``{5,1}``, so no row is ever renumbered.
    The current version of the row at ``pos`` is the one with the highest ``change_id``.
    """
    cells = [Column(c, Text, nullable=False, server_default="") for c in COLUMNS[key]]
    geom = [Column("geom", POINT)] if key == "localities" else []
    return _versioned(TABLE_NAMES[key],
                      Column("pos", ARRAY(BigInteger), nullable=False),
                      *cells,
                      Column("extra", JSONB, nullable=False, server_default="{}"),
                      *geom)


CSV_TABLES = {key: _csv_table(key) for key in TABLE_NAMES}

#: The header of each CSV file as the file has it (column order, extra columns).
layouts = _versioned("layouts", Column("file", Text, nullable=False),
                     Column("header", ARRAY(Text), nullable=False))

#: Every other file of the dataset directory, byte for byte (dataset.json, the study area's
#: GeoJSON, README.md...): what ``store export`` writes back.
documents = _versioned("documents", Column("name", Text, nullable=False),
                       Column("content", LargeBinary, nullable=False))

#: ``dataset.json`` as columns, for SQL and GIS users (the document stays the reference).
dataset_meta = _versioned(
    "dataset",
    Column("id", Text, nullable=False), Column("name", Text, nullable=False),
    Column("description", Text, nullable=False), Column("start", Date, nullable=False),
    Column("end", Date, nullable=False), Column("metric_crs", Text, nullable=False),
    Column("max_distance_m", Float, nullable=False),
    Column("center", POINT, nullable=False),
    Column("zoom", Integer, nullable=False))

#: ``study_area.geojson`` as a geometry, for SQL and GIS users.
study_area = _versioned(
    "study_area",
    Column("geom", ANY_GEOMETRY, nullable=False),
    Column("method", Text, nullable=False), Column("source", Text, nullable=False))

#: Every table of a store, in the order they are created.
ALL_TABLES = ("changes", *TABLE_NAMES.values(), "layouts", "documents", "dataset",
              "study_area")
