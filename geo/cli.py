"""Command line: ``python -m geo snapshot | geocode | ingest | validate | store``, the exports."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from geo.errors import DataError, DateOutOfRange, GeoError, Problem, StoreError

if TYPE_CHECKING:
    from geo.store import Store

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """A user error on the command line: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise _UsageError(message)


def _date(text: str) -> dt.date:
    from geo.isodate import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:  # not YYYY-MM-DD, or a day that does not exist
        raise argparse.ArgumentTypeError(str(exc)) from None


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (0 or more)")
    return jobs


def _parser() -> _Parser:
    from geo.cli_exports import _output

    p = _Parser(prog="python -m geo", description="Time-aware conflict map: core commands.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--store", "--data", dest="data", default=str(DEFAULT_DATA),
                        metavar="DIR|URL",
                        help="the dataset: a directory (default: the shipped data/) or a "
                             "postgresql:// URL")

    s = sub.add_parser("snapshot", help="GeoJSON snapshot of one date")
    s.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    data_opt(s)
    s.add_argument("--seeds", type=Path, default=None,
                   help="reports folder for excerpt counts (default: seeds/ beside the data)")
    s.add_argument("-o", "--output", type=_output, default=None,
                   help="file (default: standard output; '-': standard output)")
    s.add_argument("--cache-dir", type=Path, default=None,
                   help="where built datasets are kept for a fast next start "
                        "(default: $XDG_CACHE_HOME/conflict-map or ~/.cache/conflict-map)")
    s.add_argument("--no-cache", action="store_true",
                   help="build the dataset from its files without reading or writing the cache")

    g = sub.add_parser("geocode", help="where a place is, and which source says so")
    g.add_argument("names", nargs="+", metavar="NAME")
    data_opt(g)
    g.add_argument("--online", action="store_true",
                   help="also ask OpenStreetMap Nominatim (sends the names over the internet)")

    i = sub.add_parser("ingest", help="places, factions and claims found in reports")
    i.add_argument("files", nargs="+", type=Path, metavar="FILE")
    data_opt(i)
    i.add_argument("--default-date", type=_date, default=None,
                   help="date for reports that carry none (YYYY-MM-DD)")
    i.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="ingest in N worker processes, each taking batches of 64 files "
                        "(default 1, with --dask local one per CPU; 0: one per CPU); the "
                        "output is the same as with 1")
    i.add_argument("--strict", action="store_true",
                   help="stop at the first broken report (default: list it on standard "
                        "error, skip it, ingest the others, exit with status 1)")
    i.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="ingest the batches on a Dask cluster: tcp://HOST:8786, or 'local' "
                        "(a LocalCluster of --jobs worker processes on 127.0.0.1)")

    v = sub.add_parser("validate", help="check a dataset; one file:line: message per problem")
    data_opt(v)
    from geo.cli_exports import add_commands

    add_commands(sub, data_opt)  # diff, animate, picture, gpkg
    _store_parser(sub)
    return p


def _store_parser(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser("store", help="a dataset in PostgreSQL + PostGIS: import, export, log")
    ops = st.add_subparsers(dest="store_command", required=True, parser_class=_Parser)
    imp = ops.add_parser("import", help="copy a dataset directory into an empty database")
    imp.add_argument("source", type=Path, metavar="DIR")
    imp.add_argument("url", metavar="URL")
    imp.add_argument("--who", default="", help="who imports it (kept in the audit log)")
    exp = ops.add_parser("export", help="write a database's dataset as files (a new directory)")
    exp.add_argument("url", metavar="URL")
    exp.add_argument("target", type=Path, metavar="DIR")
    up = ops.add_parser("upgrade", help="bring a database's tables to this version's schema")
    up.add_argument("url", metavar="URL")
    log = ops.add_parser("log", help="the audit log: who changed what, when (newest first)")
    log.add_argument("url", metavar="URL")
    log.add_argument("--limit", type=int, default=None, metavar="N", help="the last N changes")


def default_seeds(location: Path | str) -> Path:
    """The reports folder that goes with a dataset: ``seeds/`` beside its directory (for a
    database, the project's ``seeds/``)."""
    from geo.store import is_database_url

    data = DEFAULT_DATA if is_database_url(location) else Path(location)
    return data.resolve().parent / "seeds"


def _load(location: str | Path, cache_dir: Path | None = None):
    """The built dataset of ``--store``, through the disk cache when ``cache_dir`` is given."""
    from geo.atlas_cache import load_atlas_cached

    with _opened(str(location)) as store:
        return load_atlas_cached(store, cache_dir)


@contextlib.contextmanager
def _opened(location: str) -> Iterator[Store]:
    """The store at ``--store``: a usage error for a missing directory or a foreign URL."""
    from geo.store import open_store

    try:
        store = open_store(location)
    except StoreError as exc:
        raise _UsageError(str(exc)) from None
    if not store.shared and not Path(location).is_dir():
        raise _UsageError(f"no such dataset directory: {location}")
    try:
        yield store
    finally:
        store.close()


def _cmd_snapshot(args: argparse.Namespace, out: TextIO) -> int:
    from geo.atlas_cache import default_cache_dir
    from geo.cli_exports import _check_output, _write
    from geo.excerpts import excerpt_counts
    from geo.snapshot import dumps

    if args.output is not None:
        _check_output(args.output)  # before any work
    cache = None if args.no_cache else args.cache_dir or default_cache_dir()
    atlas = _load(args.data, cache)
    seeds = args.seeds if args.seeds is not None else default_seeds(args.data)
    if args.seeds is not None and not seeds.is_dir():
        raise _UsageError(f"no such reports folder: {seeds}")
    counts = excerpt_counts(seeds, atlas.dataset, cache_dir=cache) if seeds.is_dir() else {}
    text = dumps(atlas.snapshot(args.date, excerpt_counts=counts))
    _write(args.output, text.encode("utf-8"), out)
    return EXIT_OK


def _cmd_geocode(args: argparse.Namespace, out: TextIO) -> int:
    from geo.atlas_cache import default_cache_dir
    from geo.gazetteer import default_gazetteer

    with _opened(args.data) as store:
        gaz = default_gazetteer(store.load(), online=args.online,
                                cache_dir=default_cache_dir())
    missing = []
    for name in args.names:
        match = gaz.geocode(name)
        if match is None:
            missing.append(name)
            rec = {"query": name, "id": None, "name": None, "lat": None, "lon": None,
                   "source": None, "match": None, "score": None}
        else:  # "match" says how the name matched (exact, key, fuzzy with its score...)
            rec = {"query": name, "id": match.id, "name": match.name, "lat": match.lat,
                   "lon": match.lon, "source": match.source, "match": match.how,
                   "score": round(match.score, 3)}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if missing:
        raise _UsageError(f"no place found for: {', '.join(missing)}")
    return EXIT_OK


def _cmd_ingest(args: argparse.Namespace, out: TextIO) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from geo.ingest import cpu_count, ingest_paths
    from geo.mentions import MentionIndex

    missing = [str(f) for f in args.files if not f.is_file()]
    with _opened(args.data) as store:
        if missing:
            raise _UsageError(f"no such report file: {', '.join(missing)}")
        dataset = store.load()
    if args.dask is not None and not (args.dask == "local" or "://" in args.dask):
        raise _UsageError(f"--dask takes tcp://HOST:PORT or local, not {args.dask!r}")
    index = MentionIndex.for_dataset(dataset)
    total = len(args.files)
    jobs = args.jobs if args.jobs is not None else (0 if args.dask == "local" else 1)
    problems: list[Problem] | None = None if args.strict else []
    try:
        with _progress(total) as progress:
            doc = ingest_paths(list(args.files), dataset=dataset, index=index,
                               progress=progress, default_date=args.default_date,
                               jobs=jobs or cpu_count(), problems=problems, dask=args.dask)
    except BrokenProcessPool as exc:  # a worker was killed (out of memory?), no traceback
        print(f"geo: error: an ingest worker process died: {exc} (try --jobs 1)",
              file=sys.stderr)
        return EXIT_INVALID
    out.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    for problem in problems or ():
        print(f"geo: skipped {problem}", file=sys.stderr)
    if problems:
        print(f"geo: error: {len(problems)} of {total} report(s) could not be read and were "
              "skipped (--strict stops at the first)", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int, Path], None]]:
    """Ingestion progress on standard error, for several files: a bar on a terminal (tqdm),
    else one ``[done/total] path`` line per file (for logs)."""
    if total > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True) as bar:
            yield lambda done, count, path: bar.update(done - bar.n)
        return

    def line(done: int, count: int, path: Path) -> None:
        if total > 1:
            print(f"[{done}/{count}] {path}", file=sys.stderr)

    yield line


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    with _opened(args.data) as store:
        _, problems = store.validate()
    for problem in problems:
        out.write(f"{problem}\n")
    return EXIT_INVALID if problems else EXIT_OK


def _cmd_store(args: argparse.Namespace, out: TextIO) -> int:
    from geo.store import is_database_url
    from geo.store.database import DatabaseStore
    from geo.store.transfer import export_dir, import_dir

    if not is_database_url(args.url):
        raise _UsageError(f"not a postgresql:// URL: {args.url}")
    store = DatabaseStore(args.url)
    try:
        if args.store_command == "import":
            if not args.source.is_dir():
                raise _UsageError(f"no such dataset directory: {args.source}")
            for note in import_dir(args.source, store, who=args.who):
                print(f"geo: note: {note}", file=sys.stderr)
            out.write(f"imported {args.source} into {store.location}\n")
        elif args.store_command == "export":
            if args.target.exists() and (not args.target.is_dir() or any(args.target.iterdir())):
                raise _UsageError(f"{args.target} is not an empty directory: export into a "
                                  "new one")
            written = export_dir(store, args.target)
            out.write(f"exported {store.location} to {args.target} ({len(written)} files)\n")
        elif args.store_command == "upgrade":
            out.write(f"{store.location}: schema revision {store.upgrade()}\n")
        else:
            for change in store.log(args.limit):
                rows = ", ".join(f"{t} {n}" for t, n in sorted(change["rows"].items()))
                out.write(f"{change['id']}\t{change['at'].isoformat(timespec='seconds')}\t"
                          f"{change['who'] or '-'}\t{change['action']}\t{change['note']}\t"
                          f"{rows}\n")
    finally:
        store.close()
    return EXIT_OK


COMMANDS = {"snapshot": _cmd_snapshot, "geocode": _cmd_geocode, "ingest": _cmd_ingest,
            "validate": _cmd_validate, "store": _cmd_store}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid data, 2 user error).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).
    out : text stream, optional
        Where results go (default: standard output). Messages go to standard error.
    """
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = _parser()
        if not argv:  # "python -m geo" alone: what it can do, on standard error
            print(parser.format_help(), end="", file=sys.stderr)
            return EXIT_USAGE
        args = parser.parse_args(argv)
        status = (COMMANDS.get(args.command) or args.handler)(args, out)
        out.flush()
        return status
    except DataError as exc:  # broken data: one file:line: message per problem
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except (_UsageError, DateOutOfRange) as exc:  # the user asked for something impossible
        print(f"geo: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GeoError as exc:  # a broken report, a failed write, a geocoder error
        print(f"geo: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        _detach(out)
        return EXIT_OK
    except OSError as exc:
        if exc.filename is not None or exc.errno not in _OUTPUT_ERRNOS:
            raise
        # writing the results failed (standard output on a full disk, /dev/full...)
        print(f"geo: error: cannot write the output: {exc.strerror}", file=sys.stderr)
        _detach(out)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


#: errno of a failed write to an output stream (no file name in the error).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT, errno.EBADF,
                            errno.EINVAL})


def _detach(out: TextIO) -> None:
    """Point a failed standard output at the null device, so that the interpreter's last
    flush of what it still buffers does not fail again (with a traceback) at exit."""
    if out is sys.stdout:
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
