"""A throwaway PostgreSQL + PostGIS cluster for the tests: initdb in a temporary folder, a
Unix socket only, stopped and deleted at the end of the session.

Debian's ``postgresql`` and ``postgresql-NN-postgis-3`` packages provide the server
(``.ci/run`` installs them). The server refuses to run as root, so as root it runs as the
``postgres`` user. Tests that need it skip, with a message, only when PostgreSQL is not
installed at all.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from geo.store.database import DatabaseStore


def _bindir() -> Path | None:
    """The newest installed PostgreSQL server's ``bin`` folder (Debian layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PgCluster:
    """A PostgreSQL server on a Unix socket in its own folder, with trust authentication."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        self.data = self.root / "data"
        self._as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        if self._as_root:  # the server runs as postgres: it must own the folder
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> PgCluster:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        opts = (f"-k {self.root} -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        """The ``postgresql://`` URL of a database of this cluster (over the socket)."""
        return f"postgresql://postgres@/{dbname}?host={self.root}"

    def connect(self, dbname: str, *, autocommit: bool = False) -> Any:
        """A psycopg connection to a database of this cluster (its name or its URL)."""
        import psycopg

        if "://" in dbname:
            dbname = str(make_url(dbname).database)
        return psycopg.connect(host=str(self.root), user="postgres", dbname=dbname,
                               autocommit=autocommit)

    def sql(self, statement: str, dbname: str = "postgres") -> list[tuple]:
        """Run one statement (autocommit) in a database (a name or a URL); return its rows."""
        with self.connect(dbname, autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def wait_blocked_writing(self, dbname: str, application: str, table: str,
                             timeout_s: float = 60) -> bool:
        """Wait until the session named ``application`` has written rows into ``table`` in
        its open transaction and waits on a lock; False if it never does."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.sql(
                    "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = "
                    f"'{application}' AND a.wait_event_type = 'Lock' AND c.relname = "
                    f"'{table}' AND l.mode = 'RowExclusiveLock' AND l.granted", dbname):
                return True
            time.sleep(0.05)
        return False

    def wait_disconnected(self, dbname: str, application: str, timeout_s: float = 30) -> None:
        """Wait until no session named ``application`` is left (its transaction ended)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.sql(
                f"SELECT 1 FROM pg_stat_activity WHERE application_name = '{application}'",
                dbname):
            time.sleep(0.05)

    def new_database(self, template: str = "template0") -> str:
        """A new database copied from ``template``; its name."""
        name = f"t{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL cluster, with two templates: ``geo_empty`` (PostGIS only)
    and ``geo_store`` (the store's schema at head)."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql "
                    "postgresql-15-postgis-3; .ci/run does it)")
    cluster = PgCluster(bindir).start()
    try:
        cluster.sql("CREATE DATABASE geo_empty")
        cluster.sql("CREATE EXTENSION postgis", "geo_empty")
        cluster.sql("CREATE DATABASE geo_store TEMPLATE geo_empty")
        store = DatabaseStore(cluster.url("geo_store"))
        store.upgrade()
        store.close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def empty_db(pg_cluster: PgCluster) -> str:
    """The URL of a new database with PostGIS and no store schema."""
    return pg_cluster.url(pg_cluster.new_database("geo_empty"))


@pytest.fixture
def store_url(pg_cluster: PgCluster) -> str:
    """The URL of a new database with the store's schema and no dataset."""
    return pg_cluster.url(pg_cluster.new_database("geo_store"))
