"""Where the SQL endpoint's queries run: separate processes with a hard memory bound.

A query inside the web server's own process cannot be bounded: DuckDB's `memory_limit` governs
its buffer manager, but list functions build their values outside it, and its interrupt is only
checked between vectors. A hostile test showed both: `SELECT count(*) FROM unnest(range(1e8))`
ran for 39 s and reached 7 GB despite a 256 MB `memory_limit` and a 2 s interrupt. So every
query runs in a sandbox process whose private memory is capped with `RLIMIT_DATA` (heap and
anonymous mappings, which is where DuckDB's allocations go; an allocation past the cap fails
inside DuckDB as an out-of-memory error, or at worst kills only that process),
that runs DuckDB on one thread, and that the server kills outright when the time limit plus a
short grace has passed. Its answer is cut at `max_rows` rows and `max_bytes` bytes of JSON.

The processes are kept in a small pool (`datastore_sql_processes`), started on first use with
the `spawn` method (forking a threaded server is unsafe) and replaced when one is killed. A
query that finds every process busy waits up to its own time limit, then is refused with
`Retry-After`; anonymous callers also share a smaller number of slots
(`datastore_sql_anonymous_queries`), so a crowd without accounts cannot take every process.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.connection
import queue
import resource
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from torget.errors import RateLimited, TorgetError

__all__ = ["SqlLimits", "SqlRefused", "SqlSandbox"]

# Seconds a process gets past the query's own time limit (DuckDB's interrupt comes first;
# this is for operators that do not check it) before it is killed.
_GRACE_S = 1.0
# How long a new sandbox process may take to import DuckDB before its first query. The query's
# own time limit starts only after: on a busy machine a new process's imports alone took longer
# than the 2 s a query may run, and a first `SELECT 1` was refused as "ran longer than 2000 ms".
_START_S = 60.0


class SqlRefused(TorgetError):
    """The SQL text is not a single SELECT over datastore tables, or it broke a limit."""


@dataclass(frozen=True)
class SqlLimits:
    """The limits of one query of the SQL endpoint (see the settings of the same names)."""

    timeout_ms: int = 5000
    max_rows: int = 10_000
    max_bytes: int = 10_000_000
    memory_mb: int = 1024
    processes: int = 2
    anonymous_queries: int = 1


@dataclass(frozen=True)
class _Request:
    sql: str
    views: dict[str, tuple[str, str]]  # view name → (file, table in it)
    limits: SqlLimits


class _Worker:
    """One sandbox process and the parent's end of its pipe."""

    def __init__(self, limits: SqlLimits) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, limits.memory_mb), daemon=True, name="torget-sql"
        )
        self.process.start()
        child.close()
        self._ready = False

    def ask(self, request: _Request) -> dict[str, Any]:
        """The process's answer, or SqlRefused when it overran its time or died."""
        self._wait_until_started()
        self.conn.send(request)
        if not self.conn.poll(request.limits.timeout_ms / 1000 + _GRACE_S):
            self.kill()
            raise SqlRefused(
                f"the query ran longer than {request.limits.timeout_ms} ms and was stopped"
            )
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise SqlRefused(
                f"the query needed more than {request.limits.memory_mb} MB of memory and was "
                "stopped"
            ) from None
        if kind == "refused":
            raise SqlRefused(str(payload))
        assert isinstance(payload, dict)
        return payload

    def _wait_until_started(self) -> None:
        if self._ready:
            return
        try:
            started = self.conn.poll(_START_S) and self.conn.recv() == ("ready", None)
        except (EOFError, OSError):
            started = False
        if not started:
            self.kill()
            raise RateLimited("SQL", 5)  # too busy to start a sandbox: try again shortly
        self._ready = True

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class SqlSandbox:
    """A pool of sandbox processes shared by the requests of one server process."""

    def __init__(self, limits: SqlLimits) -> None:
        self.limits = limits
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._anonymous = threading.BoundedSemaphore(max(1, limits.anonymous_queries))
        self._closed = False

    def run(
        self, sql: str, views: dict[str, tuple[Path, str]], *, anonymous: bool
    ) -> dict[str, Any]:
        """`{"columns", "rows", "truncated"}` of `sql` over `views` (view name → the DuckDB
        file and the table in it), each file attached read-only."""
        request = _Request(sql, {n: (str(p), t) for n, (p, t) in views.items()}, self.limits)
        if not anonymous:
            return self._run(request)
        if not self._anonymous.acquire(blocking=False):
            raise RateLimited("anonymous SQL", 1)
        try:
            return self._run(request)
        finally:
            self._anonymous.release()

    def close(self) -> None:
        """Stop every idle process; busy ones are stopped when they are given back."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def _run(self, request: _Request) -> dict[str, Any]:
        worker = self._take()
        try:
            answer = worker.ask(request)
        except BaseException:
            if not worker.alive or worker.conn.closed:
                self._forget(worker)
            else:
                self._give_back(worker)
            raise
        self._give_back(worker)
        return answer

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle.empty() and self._started < self.limits.processes:
                self._started += 1
                try:
                    return _Worker(self.limits)
                except BaseException:
                    self._started -= 1
                    raise
        try:
            worker = self._idle.get(timeout=self.limits.timeout_ms / 1000)
        except queue.Empty:
            raise RateLimited("SQL", max(1, self.limits.timeout_ms // 1000)) from None
        if worker.alive:
            return worker
        self._forget(worker)
        return self._take()

    def _give_back(self, worker: _Worker) -> None:
        if self._closed:
            self._forget(worker)
        else:
            self._idle.put(worker)

    def _forget(self, worker: _Worker) -> None:
        if worker.alive:
            worker.kill()
        with self._lock:
            self._started -= 1


# In the sandbox process -------------------------------------------------------------------


def _serve(conn: multiprocessing.connection.Connection, memory_mb: int) -> None:
    """The sandbox process: cap its private memory, then answer requests until the pipe ends."""
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    watchdog = _Watchdog()
    import duckdb  # noqa: F401  (imported before "ready", so no query's time pays for it)

    import torget.datastore.query  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            conn.send(("ok", _answer(request, watchdog)))
        except SqlRefused as exc:
            conn.send(("refused", str(exc)))
        except MemoryError:
            conn.send(("refused", f"the query needed more than {memory_mb} MB of memory"))


class _Watchdog:
    """Interrupts the running query when its time is up. One thread for the process's life,
    started before any query: a thread's stack is memory under the cap, and a process that a
    query has just brought near the cap could not start a new thread per query (a hostile
    test's next `SELECT 1 + 1` then failed)."""

    def __init__(self) -> None:
        self._armed = threading.Condition()
        self._deadline: float | None = None
        self._interrupt: Any = None
        threading.Thread(target=self._watch, daemon=True, name="torget-sql-watchdog").start()

    def arm(self, seconds: float, interrupt: Any) -> None:
        with self._armed:
            self._deadline, self._interrupt = time.monotonic() + seconds, interrupt
            self._armed.notify()

    def disarm(self) -> None:
        with self._armed:
            self._deadline = self._interrupt = None

    def _watch(self) -> None:
        with self._armed:
            while True:
                if self._deadline is None:
                    self._armed.wait()
                elif (left := self._deadline - time.monotonic()) > 0:
                    self._armed.wait(left)
                else:
                    interrupt, self._deadline, self._interrupt = self._interrupt, None, None
                    with contextlib.suppress(Exception):  # the watch must outlive one query
                        interrupt()


def _answer(request: _Request, watchdog: _Watchdog) -> dict[str, Any]:
    import duckdb

    from torget.datastore.query import _jsonable

    limits = request.limits
    con = _connect(request, duckdb)
    watchdog.arm(limits.timeout_ms / 1000, con.interrupt)
    try:
        result = con.execute(request.sql)
        names = [d[0] for d in result.description or []]
        rows, truncated = _collect(result, limits, _jsonable)
    except duckdb.InterruptException:
        raise SqlRefused(
            f"the query ran longer than {limits.timeout_ms} ms and was stopped"
        ) from None
    except duckdb.OutOfMemoryException:
        raise SqlRefused(
            f"the query needed more than {limits.memory_mb} MB of memory and was stopped"
        ) from None
    except duckdb.Error as exc:
        raise SqlRefused(str(exc).splitlines()[0]) from None
    finally:
        watchdog.disarm()
        con.close()
    return {"columns": names, "rows": rows, "truncated": truncated}


def _connect(request: _Request, duckdb: Any) -> Any:
    """An in-memory database, bounded, with one view per name over the attached files; then
    external access off and the configuration locked, so the query cannot undo either."""
    limits = request.limits
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")
    con.execute(f"SET memory_limit = '{max(64, limits.memory_mb // 2)}MB'")
    con.execute("SET max_temp_directory_size = '0KiB'")
    con.execute("SET preserve_insertion_order = true")
    aliases: dict[str, str] = {}
    for path in sorted({p for p, _ in request.views.values()}):
        aliases[path] = f"t{len(aliases)}"
        con.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {aliases[path]} (READ_ONLY)")
    for name, (path, table) in sorted(request.views.items()):
        present = _tables_in(con, aliases[path])
        if table not in present:
            con.close()
            distribution = name.rpartition("/")[0] or name
            raise SqlRefused(
                f"distribution {distribution!r} has no table {table!r}; its tables: "
                + ", ".join(f'"{distribution}/{t}"' for t in present)
            )
        con.execute(f"CREATE VIEW {_quote(name)} AS SELECT * FROM {aliases[path]}.{_quote(table)}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _collect(result: Any, limits: SqlLimits, jsonable: Any) -> tuple[list[list[Any]], bool]:
    """Rows until `max_rows` rows or `max_bytes` bytes of JSON, and whether any were left."""
    rows: list[list[Any]] = []
    size = 0
    while True:
        batch = result.fetchmany(1000)
        if not batch:
            return rows, False
        for raw in batch:
            row = [jsonable(v) for v in raw]
            size += len(json.dumps(row, ensure_ascii=False, default=str)) + 1
            if len(rows) >= limits.max_rows or size > limits.max_bytes:
                return rows, True
            rows.append(row)


def _tables_in(con: Any, alias: str) -> list[str]:
    found = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "ORDER BY length(table_name), table_name",
        [alias],
    ).fetchall()
    return [t for (t,) in found]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
