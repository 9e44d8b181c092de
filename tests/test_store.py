"""The PostgreSQL + PostGIS store, against a real throwaway cluster: round trips to identical
files, the same checks as the files, append-only tables, one transaction per accept."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy

from geo.accept import accept_claim, add_alias, add_locality
from geo.atlas_cache import load_atlas_cached
from geo.claims import Claim
from geo.cli import main
from geo.dataset import FILES, load_dataset, validate_dir
from geo.errors import ClaimError, StoreError, WriteError
from geo.reports import Report, parse_report
from geo.store import open_store
from geo.store.database import DatabaseStore, pos_between
from geo.store.schema import metadata
from geo.store.transfer import dataset_files, export_dir, import_dir
from minidata import make_dataset
from tests.pgcluster import PgCluster

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = "Government forces entered the town on Monday."


def report(name: str = "r1", day: str = "2020-01-06") -> Report:
    return parse_report(f"date: {day} source: https://example.org/{name}\n{EVIDENCE}",
                        path=f"reports/{name}.txt")


def control(locality: str, day: dt.date, holder: str = "gov") -> Claim:
    return Claim("control", (locality,), (holder,), day, "weekday", 0.8, EVIDENCE, 0,
                 {"holder": holder, "verb": "entered"})


def imported(data: Path, url: str) -> DatabaseStore:
    store = DatabaseStore(url)
    import_dir(data, store, who="tester")
    return store


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A small dataset of 90 days (room for many distinct control claims)."""
    return make_dataset(tmp_path / "mini", end="2020-03-31")


# -- round trip ---------------------------------------------------------------------------


def test_the_shipped_dataset_round_trips_to_identical_files(tmp_path: Path,
                                                            empty_db: str) -> None:
    assert main(["store", "import", str(ROOT / "data"), empty_db, "--who", "ci"],
                out=io.StringIO()) == 0
    assert main(["store", "export", empty_db, str(tmp_path / "out")], out=io.StringIO()) == 0
    original, exported = dataset_files(ROOT / "data"), dataset_files(tmp_path / "out")
    assert sorted(exported) == sorted(original)  # README.md and the JSON files included
    for name, data in original.items():
        assert exported[name] == data, name


def test_a_dataset_without_optional_files_round_trips_without_them(tmp_path: Path,
                                                                   store_url: str) -> None:
    data = make_dataset(tmp_path / "mini")
    for name in ("events.csv", "routes.csv"):
        (data / name).unlink()
    store = imported(data, store_url)
    export_dir(store, tmp_path / "out")
    assert dataset_files(tmp_path / "out") == dataset_files(data)


def test_a_dataset_lexicon_round_trips_and_is_read_from_the_store(tmp_path: Path,
                                                                  store_url: str) -> None:
    data = make_dataset(tmp_path / "mini")
    (data / "lexicon.csv").write_text("category,phrase,value,note\n"
                                      "event,(mop|mops|mopped) up,captured,local wording\n",
                                      encoding="utf-8")
    store = imported(data, store_url)
    dataset, problems = store.validate()
    assert problems == [] and dataset is not None
    assert [(e.category, e.phrase) for e in dataset.lexicon] == [
        ("event", "(mop|mops|mopped) up")]
    export_dir(store, tmp_path / "out")
    assert dataset_files(tmp_path / "out") == dataset_files(data)


def test_the_tables_hold_points_and_the_study_area_for_gis(store_url: str,
                                                           pg_cluster: PgCluster) -> None:
    imported(ROOT / "data", store_url)
    db = store_url
    [(x, y)] = pg_cluster.sql("SELECT ST_X(geom), ST_Y(geom) FROM localities_current "
                              "WHERE id = 'douma'", db)
    douma = load_dataset(ROOT / "data").locality("douma")
    assert (x, y) == (douma.lon, douma.lat)
    [(inside,)] = pg_cluster.sql("SELECT ST_Covers(s.geom, l.geom) FROM study_area_current s, "
                                 "localities_current l WHERE l.id = 'douma'", db)
    assert inside is True
    [(srid, kind)] = pg_cluster.sql("SELECT ST_SRID(geom), GeometryType(geom) "
                                    "FROM localities LIMIT 1", db)
    assert (srid, kind) == (4326, "POINT")


# -- the same checks on both stores ---------------------------------------------------------


def test_validate_reports_the_same_problems_in_both_stores(tmp_path: Path, store_url: str,
                                                           pg_cluster: PgCluster) -> None:
    store = imported(make_dataset(tmp_path / "mini"), store_url)
    db = store_url
    # what a person editing the tables by hand (psql, QGIS) might add
    [(change,)] = pg_cluster.sql("INSERT INTO changes (who, action) VALUES ('psql', 'edit') "
                                 "RETURNING id", db)
    pg_cluster.sql("INSERT INTO control (change_id, pos, date, locality, faction, kind, "
                   f"confidence, source) VALUES ({change}, '{{100}}', '2020-01-09', "
                   "'eastburg', 'nobody', 'capture', 'sure', 'hand edit')", db)
    out = io.StringIO()
    assert main(["validate", "--store", store_url], out=out) == 1
    in_db = out.getvalue().splitlines()
    export_dir(store, tmp_path / "out")
    _, problems = validate_dir(tmp_path / "out")
    in_files = [str(p) for p in problems]
    assert in_db and len(in_db) == len(in_files)
    for a, b in zip(in_db, in_files, strict=True):
        assert a.startswith(f"{store.location}#control.csv:8: ")
        assert b.endswith(a.split("#", 1)[1])  # same file, line and message
    assert any("unknown faction id 'nobody'" in line for line in in_db)
    assert any("confidence 'sure'" in line for line in in_db)


def test_every_table_refuses_updates_deletes_and_truncation(store_url: str,
                                                           pg_cluster: PgCluster) -> None:
    imported(ROOT / "data", store_url)
    db = store_url
    for statement in ("UPDATE control SET faction = 'hts'", "DELETE FROM localities",
                      "TRUNCATE events", "UPDATE changes SET who = 'someone else'",
                      "DELETE FROM accepted_claims", "UPDATE documents SET content = ''"):
        with pytest.raises(Exception, match="append-only"):
            pg_cluster.sql(statement, db)


# -- writes ---------------------------------------------------------------------------------


def test_accepts_in_the_database_export_as_the_file_store_writes_them(
        tmp_path: Path, mini: Path, store_url: str) -> None:
    files = tmp_path / "files"
    shutil.copytree(mini, files)
    store = imported(mini, store_url)
    dataset = load_dataset(mini)
    event = Claim("ceasefire", ("northam",), ("gov",), dt.date(2020, 1, 7), "report", 0.6,
                  "A daily ceasefire from 9:00 to 14:00 was declared in Northam.", 0,
                  {"hours": "09:00-14:00"})
    claims = [control("eastburg", dt.date(2020, 1, 3)), control("northam", dt.date(2020, 1, 3)),
              control("westville", dt.date(2020, 1, 3), "reb"), event,
              control("southby", dt.date(2020, 3, 1)), control("eastburg", dt.date(2020, 1, 2)),
              control("southby", dt.date(2020, 1, 3), "reb")]
    for target in (files, store):
        for claim in claims:
            accept_claim(target, claim, report(), dataset=dataset, who="Analyst A")
        add_locality(target, id="newtown", name="New Town", lat=33.6, lon=36.3,
                     source="a map", who="Analyst A")
        add_alias(target, "eastburg", "East Burg", who="Analyst B")
    export_dir(store, tmp_path / "out")
    ours, theirs = dataset_files(tmp_path / "out"), dataset_files(files)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        if name != FILES["accepted"]:
            assert ours[name] == theirs[name], name

    def without_time(data: bytes) -> list[str]:
        return [line.split(",", 1)[1] for line in data.decode().splitlines()]

    assert without_time(ours["accepted.csv"]) == without_time(theirs["accepted.csv"])
    assert len(ours["accepted.csv"].decode().splitlines()) == 1 + len(claims)
    assert open_store(store_url).validate()[1] == []


def test_a_refused_accept_writes_nothing(mini: Path, store_url: str) -> None:
    store = imported(mini, store_url)
    dataset = load_dataset(mini)
    accept_claim(store, control("eastburg", dt.date(2020, 1, 3)), report(), dataset=dataset)
    before = store.revision()
    with pytest.raises(ClaimError, match="already change"):
        accept_claim(store, control("eastburg", dt.date(2020, 1, 3)), report(), dataset=dataset)
    assert store.revision() == before
    assert [c["action"] for c in store.log()] == ["accept", "import"]


def _accept_many(url: str, data: str, claims: list[tuple[str, str]], go: object,
                 results: object) -> None:
    """In a process of its own: wait for the start signal, then accept each claim."""
    dataset = load_dataset(data)
    store = DatabaseStore(url)
    go.wait()  # type: ignore[attr-defined]
    done = refused = 0
    for locality, day in claims:
        try:
            accept_claim(store, control(locality, dt.date.fromisoformat(day)), report(),
                         dataset=dataset, who=f"process {os.getpid()}")
            done += 1
        except ClaimError:
            refused += 1
    results.put((done, refused))  # type: ignore[attr-defined]


def test_two_processes_accepting_50_claims_each_keep_every_row_once(
        mini: Path, store_url: str) -> None:
    store = imported(mini, store_url)
    places = ("westville", "eastburg", "northam", "southby")
    days = [dt.date(2020, 1, 11) + dt.timedelta(days=i) for i in range(40)]
    pairs = [(loc, day.isoformat()) for day in days for loc in places]
    mine, theirs, contested = pairs[:50], pairs[50:100], pairs[100:105]
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_accept_many, args=(store_url, str(mini), part + contested,
                                                    go, results))
             for part in (mine, theirs)]
    for proc in procs:
        proc.start()
    time.sleep(1.0)  # both have loaded the dataset and wait at the line
    go.set()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert sum(o[0] for o in outcomes) == 105
    assert sum(o[1] for o in outcomes) == 5  # each contested claim kept once, refused once
    dataset, problems = store.validate()
    assert problems == [] and dataset is not None
    claimed = [(c.locality, c.date.isoformat()) for c in dataset.control if c.kind == "claim"]
    assert sorted(claimed) == sorted(mine + theirs + contested)
    assert len(set(claimed)) == 105
    log = store.log()
    assert sum(c["action"] == "accept" for c in log) == 105
    assert {c["who"] for c in log if c["action"] == "accept"} == {
        f"process {p.pid}" for p in procs}


KILLED_ACCEPT = """
import datetime as dt
from geo.accept import accept_claim
from geo.claims import Claim
from geo.dataset import load_dataset
from geo.reports import parse_report
report = parse_report("date: 2020-01-06 source: https://example.org/r1\\n{evidence}",
                      path="reports/r1.txt")
claim = Claim("control", ("eastburg", "northam"), ("gov",), dt.date(2020, 2, 2), "weekday",
              0.8, {evidence!r}, 0, {{"holder": "gov"}})
accept_claim({url!r}, claim, report, dataset=load_dataset({data!r}), who="doomed")
"""


def test_a_writer_killed_in_the_middle_of_an_accept_leaves_no_partial_row(
        mini: Path, store_url: str, pg_cluster: PgCluster) -> None:
    store = imported(mini, store_url)
    db = store_url
    url = store_url + "&application_name=doomed-accept"
    before = store.revision()
    with pg_cluster.connect(db) as blocker:
        blocker.execute("LOCK TABLE accepted_claims IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.Popen([sys.executable, "-c", KILLED_ACCEPT.format(
            evidence=EVIDENCE, url=url, data=str(mini))], cwd=ROOT)
        try:  # the accept has written its control rows and waits for the log's table
            assert pg_cluster.wait_blocked_writing(db, "doomed-accept", "control"), \
                "the accept never reached the middle of its transaction"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        blocker.rollback()
    pg_cluster.wait_disconnected(db, "doomed-accept")
    assert store.revision() == before  # not a row anywhere, not a line in the log
    dataset, problems = store.validate()
    assert problems == [] and dataset is not None
    assert not [c for c in dataset.control if c.kind == "claim"]
    accept_claim(store, control("eastburg", dt.date(2020, 2, 2)), report(),
                 dataset=dataset, who="next")  # nothing was left locked
    assert [c["who"] for c in store.log()] == ["next", "tester"]


def test_an_app_role_that_may_only_read_and_insert_can_accept(
        mini: Path, store_url: str, pg_cluster: PgCluster) -> None:
    """The README's advice for app servers: SELECT and INSERT only, nothing else."""
    import re

    imported(mini, store_url)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    grants = re.search(r"\(`(GRANT SELECT, INSERT .*?)`\)", readme, re.S)
    assert grants, "README.md no longer says which grants the app servers need"
    pg_cluster.sql("DO $$ BEGIN CREATE ROLE mapapp LOGIN; EXCEPTION WHEN duplicate_object "
                   "THEN NULL; END $$")
    for statement in " ".join(grants.group(1).split()).split(";"):
        if statement.strip():
            pg_cluster.sql(statement, store_url)
    app = DatabaseStore(store_url.replace("postgres@", "mapapp@"))
    dataset = app.load()
    accept_claim(app, control("eastburg", dt.date(2020, 1, 3)), report(), dataset=dataset,
                 who="app role")
    add_alias(app, "eastburg", "Eastburgh", who="app role")
    assert app.log()[0]["who"] == "app role"
    import psycopg

    with pg_cluster.connect(store_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SET ROLE mapapp")
        conn.execute("DROP TRIGGER control_append_only ON control")


# -- revisions and the atlas cache --------------------------------------------------------


def test_the_atlas_cache_follows_the_store_revision(tmp_path: Path, mini: Path,
                                                    store_url: str, pg_cluster: PgCluster
                                                    ) -> None:
    store = imported(mini, store_url)
    other = imported(mini, pg_cluster.url(pg_cluster.new_database("geo_store")))
    assert store.revision() != other.revision()  # same content, another database
    day = dt.date(2020, 1, 3)
    cache = tmp_path / "cache"
    assert load_atlas_cached(store, cache).holder("eastburg", day)[0] == "reb"
    server_b = DatabaseStore(store_url)  # a second server accepts a claim
    accept_claim(server_b, control("eastburg", day), report(), dataset=load_dataset(mini))
    assert load_atlas_cached(store, cache).holder("eastburg", day)[0] == "gov"
    assert load_atlas_cached(other, cache).holder("eastburg", day)[0] == "reb"
    assert len(list(cache.glob("atlas-*.pickle"))) == 3


def test_snapshot_from_the_database_is_the_snapshot_from_the_files(tmp_path: Path,
                                                                   empty_db: str) -> None:
    import_dir(ROOT / "data", DatabaseStore(empty_db))
    ours, theirs = io.StringIO(), io.StringIO()
    assert main(["snapshot", "--date", "2018-03-22", "--store", empty_db, "--no-cache"],
                out=ours) == 0
    assert main(["snapshot", "--date", "2018-03-22", "--no-cache"], out=theirs) == 0
    assert ours.getvalue() == theirs.getvalue()


# -- schema and errors ---------------------------------------------------------------------


def test_the_migrations_create_the_tables_the_code_uses(store_url: str) -> None:
    engine = sqlalchemy.create_engine(store_url.replace("postgresql://",
                                                        "postgresql+psycopg://"))
    inspector = sqlalchemy.inspect(engine)
    for table in metadata.sorted_tables:
        in_db = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(in_db) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert in_db[column.name]["nullable"] == column.nullable, (table.name, column.name)
    engine.dispose()


def test_the_migrations_go_down_and_up_again(empty_db: str, pg_cluster: PgCluster) -> None:
    from alembic import command

    from geo.store.database import _alembic_config

    store = DatabaseStore(empty_db)
    store.upgrade()
    engine = sqlalchemy.create_engine(empty_db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn, conn.begin():
        command.downgrade(_alembic_config(conn), "base")
    engine.dispose()
    left = pg_cluster.sql("SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
                          "AND table_name <> 'spatial_ref_sys'",
                          empty_db)
    assert left == [("alembic_version",)]
    assert store.upgrade() == "0001"
    store.close()


def test_clear_errors_for_a_missing_database_an_empty_one_and_a_second_import(
        tmp_path: Path, empty_db: str, pg_cluster: PgCluster) -> None:
    with pytest.raises(StoreError, match='database "nosuch" does not exist'):
        DatabaseStore(pg_cluster.url("nosuch")).load()
    for read in (DatabaseStore(empty_db).load, DatabaseStore(empty_db).revision):
        with pytest.raises(StoreError, match="holds no dataset: `python -m geo store import"):
            read()
    store = imported(make_dataset(tmp_path / "mini"), empty_db)
    with pytest.raises(StoreError, match="already holds a dataset"):
        import_dir(make_dataset(tmp_path / "mini2"), store)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an empty directory"):
        export_dir(store, tmp_path / "full")
    with pytest.raises(WriteError, match="not written"):
        accept_claim(pg_cluster.url("nosuch"), control("eastburg", dt.date(2020, 1, 3)),
                     report(), dataset=load_dataset(tmp_path / "mini"))


def test_command_line_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture,
                                          pg_cluster: PgCluster) -> None:
    assert main(["validate", "--store", "mysql://x/y"]) == 2
    assert "mysql:// stores are not supported" in capsys.readouterr().err
    assert main(["validate", "--store", pg_cluster.url("nosuch")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("geo: error: cannot use postgresql://postgres@/nosuch")
    assert len(err.splitlines()) == 1
    assert main(["store", "export", str(tmp_path), str(tmp_path / "x")]) == 2
    assert "not a postgresql:// URL" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep")
    assert main(["store", "export", pg_cluster.url("nosuch"), str(tmp_path / "full")]) == 2
    assert "is not an empty directory" in capsys.readouterr().err


def test_the_log_says_who_did_what(mini: Path, store_url: str) -> None:
    store = imported(mini, store_url)
    accept_claim(store, control("eastburg", dt.date(2020, 1, 3)), report("r7"),
                 dataset=load_dataset(mini), who="Rania")
    out = io.StringIO()
    assert main(["store", "log", store_url], out=out) == 0
    newest, oldest = out.getvalue().splitlines()
    assert newest.split("\t")[2:5] == ["Rania", "accept", "control claim of report r7"]
    assert newest.split("\t")[5] == "accepted_claims 1, control 1, layouts 1"  # a new file
    assert oldest.split("\t")[2:4] == ["tester", "import"]


@pytest.mark.parametrize(("a", "b"), [(None, None), ((5,), (6,)), ((5, 1), (6,)),
                                      ((5,), (5, 1)), ((5,), (5, 0, 3)), (None, (1,)),
                                      ((7, 2), None), ((5, 9), (5, 10))])
def test_a_new_position_lies_between_its_neighbours(a: tuple | None, b: tuple | None) -> None:
    pos = pos_between(a, b)
    assert (a is None or a < pos) and (b is None or pos < b)


def test_positions_stay_short_when_rows_pile_up_in_one_place() -> None:
    pos, longest = (5,), 1
    for _ in range(1000):
        pos = pos_between(pos, (6,))
        longest = max(longest, len(pos))
    assert longest == 2 and pos == (5, 1000)
