"""Opening the catalogue database: SQLite by default, PostgreSQL for scale.

On SQLite, WAL lets readers go on while one writer writes, and a write transaction starts with
`BEGIN IMMEDIATE` so that two writers queue on the lock instead of failing half-way
(Datasette's `database.py` serialises writes the same way). Foreign keys are switched on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

__all__ = ["make_engine", "read", "write", "after_commit"]

log = logging.getLogger(__name__)
_AFTER_COMMIT = "torget_after_commit"


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Read through the OS page cache without a copy per query: searching a large
        # catalogue touches many index pages (bench/search.py).
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get("torget_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed when the block ends, rolled back on any error.

    Callbacks registered with `after_commit` run after the commit, outside the transaction."""
    with engine.connect() as conn:
        conn = conn.execution_options(torget_write=True)
        conn.info.pop(_AFTER_COMMIT, None)  # `info` lives with the pooled DBAPI connection
        try:
            with conn.begin():
                yield conn
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
