"""Opening the catalogue database: SQLite by default, PostgreSQL for scale.

On SQLite, WAL lets readers go on while one writer writes, and a write transaction starts with
`BEGIN IMMEDIATE` so that two writers queue on the lock instead of failing half-way
(Datasette's `database.py` serialises writes the same way). Foreign keys are switched on.

A writer waits for the others at most `write_wait` seconds (`database_write_wait_ms`): SQLite's
busy handler retries the lock with its own back-off for that long, and `write()` retries a
`BEGIN IMMEDIATE` refused at once (as SQLite may while another connection recovers the WAL)
until the same deadline; on PostgreSQL the wait for a row lock is the transaction's
`lock_timeout`. A writer still waiting then gets `WriteBusy`, which the web answers with 503
and Retry-After, never a 500. A transaction PostgreSQL cancels to break a deadlock or a
serialization conflict wrote nothing and can simply run again: that is `WriteConflict`, and
the web runs such a request again (`torget.web.retry`).

PostgreSQL's text cannot hold NUL, and psycopg refuses a parameter with one; here a NUL in a
text parameter becomes U+FFFD, so that a look-up of a name with a NUL finds nothing instead of
failing (a 500 on every route that looks a name up), as on SQLite.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

from torget.settings import SettingsError

__all__ = [
    "make_engine",
    "read",
    "write",
    "after_commit",
    "WriteBusy",
    "WriteConflict",
    "DEFAULT_WRITE_WAIT",
    "DEFAULT_CONNECTIONS",
    "POOL_WAIT",
    "PoolExhausted",
]

log = logging.getLogger(__name__)
_AFTER_COMMIT = "torget_after_commit"
_WRITE_WAIT = "torget_write_wait"
DEFAULT_WRITE_WAIT = 30.0
DEFAULT_CONNECTIONS = 16
POOL_WAIT = 5.0
PoolExhausted = sa.exc.TimeoutError  # every pooled connection lent out for POOL_WAIT seconds
# PostgreSQL's SQLSTATEs for a transaction cancelled to let another go on: serialization_failure,
# deadlock_detected; and lock_not_available, a row lock not granted within lock_timeout.
_PG_CONFLICT = {"40001", "40P01"}
_PG_BUSY = {"55P03"}


class WriteBusy(Exception):
    """Other writers held the database longer than a writer may wait: nothing was written,
    and the same request may succeed in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WriteConflict(WriteBusy):
    """PostgreSQL cancelled the transaction to resolve a deadlock or a serialization conflict
    with another: nothing was written, and running it again at once is safe."""


def make_engine(
    url: str, write_wait: float = DEFAULT_WRITE_WAIT, connections: int = DEFAULT_CONNECTIONS
) -> sa.Engine:
    """The engine for `url`; a writer waits at most `write_wait` seconds for the others.

    The pool keeps `connections` connections, one for each thread that may query at once
    (`server_threads`), and lends as many again for a thread that holds two (a read inside a
    write's request): a request then never waits for a connection. Should it still, it waits
    `POOL_WAIT` seconds, not SQLAlchemy's 30, and gets `PoolExhausted`, which the web answers
    with 503 and Retry-After."""
    pool = {"pool_size": connections, "max_overflow": connections, "pool_timeout": POOL_WAIT}
    if url.startswith("sqlite"):
        _check_sqlite_folder(url)
        connect_args = {"timeout": write_wait, "check_same_thread": False}
        engine = sa.create_engine(url, connect_args=connect_args, **pool)
        _configure_sqlite(engine, write_wait)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, **pool)
        _configure_postgresql(engine, write_wait)
    return engine.execution_options(**{_WRITE_WAIT: write_wait})


def _check_sqlite_folder(url: str) -> None:
    """A SQLite file in a folder that does not exist fails on first use with sqlite's
    "unable to open database file", which does not say which file: name it now."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).parent
    if not folder.is_dir():
        raise SettingsError(
            f"database_url: the folder of the SQLite database {database} does not exist "
            f"({folder}); create it, or leave database_url empty to keep the database in "
            "the data folder"
        )


def _configure_postgresql(engine: sa.Engine, write_wait: float) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.adapters.register_dumper(str, _TextDumper)
        dbapi_connection.adapters.register_dumper(str, _TextBinaryDumper)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("torget_write", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(write_wait * 1000))}")


def _without_nul(text: str) -> str:
    return text.replace("\x00", "\ufffd")


class _TextDumper(StrDumperUnknown):
    """psycopg's text parameter, with NUL (which PostgreSQL's text cannot hold: psycopg
    refuses it, a 500) as U+FFFD, the replacement character. A look-up of a name or an
    address with a NUL then finds nothing, as on SQLite, and the catalogue's rules refuse
    control characters before any text is stored (`torget.text`)."""

    def dump(self, obj: str) -> Buffer | None:
        return super().dump(_without_nul(obj))


class _TextBinaryDumper(StrBinaryDumper):
    """The same for a text parameter sent in binary form."""

    def dump(self, obj: str) -> Buffer | None:
        return super().dump(_without_nul(obj))


def _configure_sqlite(engine: sa.Engine, write_wait: float) -> None:
    busy_ms = max(1, int(write_wait * 1000))

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        # Read through the OS page cache without a copy per query: searching a large
        # catalogue touches many index pages (bench/search.py).
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get("torget_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _as_busy(exc: sa.exc.DBAPIError) -> WriteBusy | None:
    """The database error as `WriteConflict` (a transaction cancelled to let another go on)
    or `WriteBusy` (a lock not granted in time); None when it is neither."""
    code = getattr(exc.orig, "sqlstate", None)
    if code in _PG_CONFLICT:
        return WriteConflict(f"cancelled for a concurrent write: {exc.orig}", retry_after=1)
    name = getattr(exc.orig, "sqlite_errorname", "")
    if code in _PG_BUSY or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return WriteBusy(f"other writers held the database too long: {exc.orig}")
    return None


def _begin(conn: sa.Connection, wait: float) -> sa.RootTransaction:
    """Begin the write transaction, waiting for other writers at most `wait` seconds."""
    deadline, pause = time.monotonic() + wait, 0.005
    while True:
        try:
            return conn.begin()
        except sa.exc.OperationalError as exc:
            busy = _as_busy(exc)
            if busy is None:
                raise
            if time.monotonic() + pause > deadline:
                raise busy from exc
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


@contextmanager
def write(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed when the block ends, rolled back on any error.

    Raises `WriteBusy` when other writers held the database too long, and `WriteConflict`
    when PostgreSQL cancelled the transaction to let another go on; either way nothing was
    written. Callbacks registered with `after_commit` run after the commit, outside the
    transaction."""
    wait = engine.get_execution_options().get(_WRITE_WAIT, DEFAULT_WRITE_WAIT)
    with engine.connect() as conn:
        conn = conn.execution_options(torget_write=True)
        conn.info.pop(_AFTER_COMMIT, None)  # `info` lives with the pooled DBAPI connection
        try:
            with _begin(conn, wait):
                yield conn
        except sa.exc.DBAPIError as exc:
            busy = _as_busy(exc)
            if busy is None:
                raise
            raise busy from exc
        finally:
            callbacks = conn.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:  # only reached when the transaction committed
        try:
            callback()
        except Exception:  # the change is committed; whatever follows it must not undo that
            log.exception("after-commit callback %r failed", callback)


def after_commit(conn: sa.Connection, callback: Callable[[], None]) -> None:
    """Run `callback()` once the write transaction of `conn` has committed; never on rollback.

    For side effects outside the database (sending queued e-mail, waking a worker) that must
    not happen for a change that is rolled back. Registered once per callback object."""
    callbacks: list[Callable[[], None]] = conn.info.setdefault(_AFTER_COMMIT, [])
    if callback not in callbacks:
        callbacks.append(callback)


@contextmanager
def read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One consistent read transaction."""
    with engine.connect() as conn, conn.begin():
        yield conn
