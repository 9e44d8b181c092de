"""The database store: a dataset in PostgreSQL + PostGIS, each write one transaction."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, func, insert, select, text
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError, SQLAlchemyError

from geo import csvio
from geo.dataset import COLUMNS, FILES, checked, validate_contents
from geo.errors import Problem, StoreError, WriteError
from geo.model import Dataset
from geo.storage import insert_rows, render_csv
from geo.store import Append, Row
from geo.store import schema as s

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: ``pg_advisory_xact_lock`` key taken by every write: one writer at a time per database,
#: so each check (a duplicate claim, a taken id) sees every write committed before it.
WRITE_LOCK = 0x636D6170  # "cmap"
CSV_FILES = {FILES[key]: key for key in s.TABLE_NAMES}
Pos = tuple[int, ...]


class DatabaseStore:
    """A dataset held in PostgreSQL + PostGIS tables that mirror its files.

    Every table is append-only (triggers refuse UPDATE, DELETE and TRUNCATE): an edit is a
    new version of a row, and every write adds one row to the ``changes`` audit log (who,
    when, what), inside the same transaction as its rows. Writers take one advisory lock,
    so concurrent accepts from several app servers are serialised and all kept.

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/dbname`` (libpq parameters such as
        ``?host=/var/run/postgresql`` for a local socket are passed to psycopg).
    """

    shared = True

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(f"not a database URL: {exc}") from None
        self._location = parsed.render_as_string(hide_password=True)
        self._engine: Engine = create_engine(parsed.set(drivername="postgresql+psycopg"),
                                             pool_pre_ping=True, pool_size=2, max_overflow=4)

    @property
    def location(self) -> str:
        """The URL without its password."""
        return self._location

    # -- reading ---------------------------------------------------------------------------

    def files(self) -> dict[str, bytes]:
        """Every file of the dataset as ``store export`` writes it: name -> bytes."""
        with self._connect() as conn:
            self._check_schema(conn)
            return _files(conn)

    def validate(self) -> tuple[Dataset | None, list[Problem]]:
        """The checks of ``python -m geo validate`` on the tables, rendered as their files.

        Problems are labelled ``URL#file:line``, the line of the exported file.
        """
        return validate_contents(self.files(), location=self.location)

    def load(self) -> Dataset:
        """The validated dataset (``DataError`` with every problem when it is invalid)."""
        return checked(self.validate())

    def revision(self) -> str:
        """Names the content: the database, its first change and the last row of each table."""
        parts = ", ".join(f"(SELECT max(row_id) FROM {name})" for name in s.ALL_TABLES[1:])
        query = text("SELECT current_database(), current_schema(), "
                     "(SELECT min(at) FROM changes), (SELECT max(id) FROM changes), "
                     f"{parts}")
        with self._connect() as conn:
            try:
                row = conn.execute(query).one()
            except ProgrammingError:  # no such table: say what the database lacks
                conn.rollback()
                self._check_schema(conn)
                raise
        return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()

    def stamp(self) -> str:
        """The revision (one indexed query)."""
        return self.revision()

    def log(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The audit log, newest first: ``{"id", "at", "who", "action", "note", "rows"}``.

        ``rows`` counts the rows each change added, per table.
        """
        counts = " UNION ALL ".join(
            f"SELECT change_id, '{name}' AS t, count(*) AS n FROM {name} GROUP BY change_id"
            for name in s.ALL_TABLES[1:])
        query = text(f"WITH c AS ({counts}) SELECT ch.id, ch.at, ch.who, ch.action, ch.note, "
                     "coalesce(json_object_agg(c.t, c.n) FILTER (WHERE c.t IS NOT NULL), "
                     "'{}') FROM changes ch LEFT JOIN c ON c.change_id = ch.id "
                     "GROUP BY ch.id ORDER BY ch.id DESC"
                     + (" LIMIT :limit" if limit else ""))
        with self._connect() as conn:
            self._check_schema(conn)
            rows = conn.execute(query, {"limit": limit} if limit else {}).all()
        return [{"id": r[0], "at": r[1], "who": r[2], "action": r[3], "note": r[4],
                 "rows": dict(r[5])} for r in rows]

    # -- writing ---------------------------------------------------------------------------

    def append(self, *appends: Append, who: str = "", action: str = "append",
               note: str = "") -> None:
        """Add the rows of every ``Append`` in one transaction, with one audit log row.

        Each ``check`` sees the table as committed by every earlier write (the writers'
        lock is taken first); if one raises, or the connection drops, nothing is kept.
        """
        with self._write(who, action, note) as (conn, change):
            for ap in appends:
                table = s.CSV_TABLES[ap.table]
                current = _current(conn, table) if ap.check or ap.sort_key else []
                if ap.check is not None:
                    ap.check([row for _pos, row in current])
                if not ap.sort_key:
                    current = [(_last_pos(conn, table), {})] if not current else current[-1:]
                placed = _place(current, list(ap.rows), ap.sort_key)
                _ensure_layout(conn, ap.table, change)
                _insert_rows(conn, ap.table, change, placed)

    def revise(self, table: str, change: Callable[[list[Row]], list[Row]], *, who: str = "",
               action: str = "revise", note: str = "") -> None:
        """Write a new version of each row ``change`` edits (rows are never updated).

        Raises ``StoreError`` when ``change`` adds or removes rows.
        """
        with self._write(who, action, note) as (conn, change_id):
            current = _current(conn, s.CSV_TABLES[table])
            old = [row for _pos, row in current]
            new = change([dict(row) for row in old])
            if len(new) != len(old):
                raise StoreError(f"{FILES[table]}: an edit may change rows, not add or remove "
                                 f"them ({len(old)} rows before, {len(new)} after)")
            edited = [(pos, row) for (pos, before), row in zip(current, new, strict=True)
                      if row != before]
            _insert_rows(conn, table, change_id, edited)

    def import_files(self, files: Mapping[str, bytes], dataset: Dataset, *,
                     who: str = "") -> None:
        """Fill an empty store with a dataset's files (one transaction).

        Parameters
        ----------
        files : mapping of str to bytes
            Every file of the dataset directory (relative name -> bytes).
        dataset : Dataset
            The same files, validated (their dataset row and study area geometry).

        Raises
        ------
        StoreError
            When the store already holds a dataset.
        """
        with self._connect() as conn:
            self._check_schema(conn)
            if conn.execute(select(func.count()).select_from(s.changes)).scalar_one():
                raise StoreError(f"{self.location} already holds a dataset: import into an "
                                 "empty database (or export, then import elsewhere)")
        with self._write(who, "import", f"dataset {dataset.meta.id}") as (conn, change):
            for name, data in sorted(files.items()):
                key = CSV_FILES.get(name)
                if key is None:
                    conn.execute(insert(s.documents).values(change_id=change, name=name,
                                                            content=data))
                    continue
                header, rows = parse_csv(data.decode("utf-8-sig"))
                conn.execute(insert(s.layouts).values(change_id=change, file=name,
                                                      header=header))
                _insert_rows(conn, key, change, [((i,), row) for i, row in
                                                 enumerate(rows, start=1)])
            _insert_meta(conn, change, dataset, files.get(FILES["study_area"], b""))

    def upgrade(self) -> str:
        """Create the tables, or bring them to this code's schema (Alembic ``upgrade head``).

        Returns the schema revision now in the database.
        """
        from alembic import command

        with self._connect() as conn, conn.begin():
            cfg = _alembic_config(conn)
            command.upgrade(cfg, "head")
        return _head()

    def close(self) -> None:
        """Close the connections of this store's pool."""
        self._engine.dispose()

    # -- plumbing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_connection_error(exc):
                raise StoreError(f"cannot use {self.location}: {_first_line(exc)}") from None
            raise

    @contextlib.contextmanager
    def _write(self, who: str, action: str, note: str) -> Iterator[tuple[Connection, int]]:
        """One transaction holding the writers' lock, with its audit log row."""
        try:
            with self._connect() as conn, conn.begin():
                self._check_schema(conn)
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
                change = conn.execute(insert(s.changes).values(
                    who=who, action=action, note=note).returning(s.changes.c.id)).scalar_one()
                yield conn, change
        except StoreError as exc:
            raise WriteError(f"not written: {exc}") from exc
        except DBAPIError as exc:
            raise WriteError(f"{self.location}: not written ({_first_line(exc)})") from exc

    def _check_schema(self, conn: Connection) -> None:
        from alembic.runtime.migration import MigrationContext

        current = MigrationContext.configure(conn).get_current_revision()
        head = _head()
        if current == head:
            return
        if current is None:
            raise StoreError(f"{self.location} holds no dataset: `python -m geo store import "
                             "DIR URL` creates one")
        raise StoreError(f"{self.location} has schema revision {current}, this code needs "
                         f"{head}: run `python -m geo store upgrade URL`")


def parse_csv(textdata: str) -> tuple[list[str], list[Row]]:
    """A CSV file's header and rows, cells exactly as written (for a byte-exact export),
    split into records as every dataset file is (``geo.csvio.reader``)."""
    rows = csvio.reader(textdata)
    header = next(rows, [])
    return header, [dict(zip(header, cells, strict=False)) for cells in rows if cells]


def _files(conn: Connection) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    docs = select(s.documents.c.name, s.documents.c.content).ext(distinct_on(s.documents.c.name)) \
        .order_by(s.documents.c.name, s.documents.c.change_id.desc(),
                  s.documents.c.row_id.desc())
    for name, content in conn.execute(docs):
        out[name] = bytes(content)
    lay = select(s.layouts.c.file, s.layouts.c.header).ext(distinct_on(s.layouts.c.file)) \
        .order_by(s.layouts.c.file, s.layouts.c.change_id.desc(), s.layouts.c.row_id.desc())
    headers = {file: header for file, header in conn.execute(lay)}
    for key, table in s.CSV_TABLES.items():
        rows = [row for _pos, row in _current(conn, table)]
        name = FILES[key]
        if name in headers or rows:
            header = list(headers.get(name) or COLUMNS[key])
            out[name] = render_csv(header, rows).encode("utf-8")
    return out


def _current(conn: Connection, table: Table) -> list[tuple[Pos, Row]]:
    """The current version of every row of a CSV table, in file order: (pos, cells)."""
    cells = [c for c in table.columns if c.name not in ("row_id", "change_id", "pos", "extra",
                                                        "geom")]
    query = select(table.c.pos, table.c.extra, *cells).ext(distinct_on(table.c.pos)) \
        .order_by(table.c.pos, table.c.change_id.desc(), table.c.row_id.desc())
    out = []
    for pos, extra, *values in conn.execute(query):
        row = {c.name: v for c, v in zip(cells, values, strict=True)}
        row.update(extra or {})
        out.append((tuple(pos), row))
    return out


def _last_pos(conn: Connection, table: Table) -> Pos:
    last = conn.execute(select(func.max(table.c.pos))).scalar_one()
    return tuple(last) if last else (0,)


def _place(current: list[tuple[Pos, Row]], new: list[Row],
           sort_key: Callable[[Mapping[str, str]], Any] | None) -> list[tuple[Pos, Row]]:
    """Positions for ``new`` rows by the rule of ``geo.storage.insert_rows``."""
    items: list[tuple[Pos | None, Row]] = list(current)
    merged = insert_rows(items, [(None, row) for row in new],
                         (lambda item: sort_key(item[1])) if sort_key else None)
    placed = []
    before: Pos | None = None
    for i, (pos, row) in enumerate(merged):
        if pos is not None:
            before = pos
            continue
        after = next((p for p, _r in merged[i + 1:] if p is not None), None)
        before = pos_between(before, after)
        placed.append((before, row))
    return placed


def pos_between(a: Pos | None, b: Pos | None) -> Pos:
    """A position after ``a`` and before ``b`` (None: no bound), short where possible.

    Positions compare as tuples (PostgreSQL arrays compare the same way). Rows appended at
    the same place get ``{5,1}``, ``{5,2}``...: the arrays grow in value, not in length.
    """
    if a is None and b is None:
        return (1,)
    if a is None:
        assert b is not None
        return (b[0] - 1,)
    step = (*a[:-1], a[-1] + 1)
    if b is None or step < b:
        return step
    if b[:len(a)] == a:  # b extends a: go just below b's next element
        return (*a, b[len(a)] - 1)
    return (*a, 1)


def _insert_rows(conn: Connection, key: str, change: int, rows: Sequence[tuple[Pos, Row]]
                 ) -> None:
    if not rows:
        return
    table = s.CSV_TABLES[key]
    known = COLUMNS[key]
    values = []
    for pos, row in rows:
        value: dict[str, Any] = {c: row.get(c, "") or "" for c in known}
        value.update(change_id=change, pos=list(pos),
                     extra={k: v for k, v in row.items() if k not in known and k is not None})
        if key == "localities":
            value["geom"] = _point(row.get("lat", ""), row.get("lon", ""))
        values.append(value)
    conn.execute(insert(table), values)


def _ensure_layout(conn: Connection, key: str, change: int) -> None:
    """A table written for the first time gets its file's standard header."""
    name = FILES[key]
    if conn.execute(select(s.layouts.c.row_id).where(s.layouts.c.file == name).limit(1)
                    ).first() is None:
        conn.execute(insert(s.layouts).values(change_id=change, file=name,
                                              header=list(COLUMNS[key])))


def _point(lat: str, lon: str) -> str | None:
    """EWKT of a locality's point, or None when its cells are not coordinates."""
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        return None
    if not (-90 <= y <= 90 and -180 <= x <= 180):
        return None
    return f"SRID=4326;POINT({x!r} {y!r})"


def _insert_meta(conn: Connection, change: int, dataset: Dataset, area_file: bytes) -> None:
    """The dataset's metadata and study area as rows with geometries (for SQL and GIS)."""
    meta = dataset.meta
    lat, lon = meta.center
    conn.execute(insert(s.dataset_meta).values(
        change_id=change, id=meta.id, name=meta.name, description=meta.description,
        start=meta.start, end=meta.end, metric_crs=meta.metric_crs,
        max_distance_m=meta.max_distance_m, center=f"SRID=4326;POINT({lon!r} {lat!r})",
        zoom=meta.zoom))
    source = ""
    with contextlib.suppress(ValueError, LookupError, TypeError, AttributeError):
        props = json.loads(area_file.decode("utf-8-sig"))["features"][0]["properties"]
        source = str(props.get("source", ""))
    conn.execute(insert(s.study_area).values(
        change_id=change, geom=f"SRID=4326;{dataset.study_area.wkt}",
        method=dataset.study_area_note, source=source))


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def _is_connection_error(exc: DBAPIError) -> bool:
    import psycopg

    return isinstance(exc.orig, psycopg.OperationalError)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]

