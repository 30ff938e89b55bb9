"""Each PostgreSQL test's database: a copy of the migrated template, made and dropped beside
the tests by a thread of the test process.

`CREATE DATABASE … TEMPLATE` writes the whole copy (~10 MB) through the WAL and syncs it, and
`DROP DATABASE` waits for a checkpoint: together 0.3 s on a quiet disk, 2-4 s on a busy one,
and a test used to wait for both. Now the next copies are made while a test runs and a used
copy is dropped after it, so a test waits only when tests come faster than copies. Each test
still gets a database of its own, never used before. Its commits do not wait for the disk
(`synchronous_commit = off` on the copy): what other connections see is the same.
"""

from __future__ import annotations

import threading
import time
import uuid

import sqlalchemy as sa

__all__ = ["Copies", "drop_database"]


def drop_database(admin: sa.Engine, name: str) -> None:
    """Drop a test's database; a connection that cannot be ended at once (an autovacuum
    worker, a server thread still closing) gets a few moments. What cannot be dropped stays
    for the next `.ci/run`, which starts from a fresh cluster."""
    for attempt in range(20):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except sa.exc.DBAPIError:
            time.sleep(0.1 * (attempt + 1))


class Copies:
    """Copies of `template` on the server of `admin` (an AUTOCOMMIT engine), `spare` of them
    kept ready ahead of the tests."""

    def __init__(self, admin: sa.Engine, template: str, spare: int = 2):
        self._admin = admin
        self._template = template
        self._spare = spare
        self._ready: list[str] = []
        self._used: list[str] = []
        self._failure: BaseException | None = None
        self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="postgres-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        """A new copy's database name, waiting for one if none is ready."""
        with self._changed:
            while not self._ready and self._failure is None:
                self._changed.wait()
            if self._failure is not None:
                raise AssertionError("could not copy the template database") from self._failure
            name = self._ready.pop(0)
            self._changed.notify_all()
            return name

    def give_back(self, name: str) -> None:
        """The test is done with the copy `name`: it is dropped in the background."""
        with self._changed:
            self._used.append(name)
            self._changed.notify_all()

    def close(self) -> None:
        """Stop making copies and drop every copy made, used or not."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        for name in self._ready + self._used:
            drop_database(self._admin, name)

    def _next_step(self) -> tuple[str, str] | None:
        """What to do next, by priority: copy when no copy is ready (a test may be waiting),
        then drop what was used, then copy up to `spare`. None when closing."""
        with self._changed:
            while True:
                if self._closing or self._failure is not None:
                    return None
                if not self._ready:
                    return "create", "t_" + uuid.uuid4().hex[:16]
                if self._used:
                    return "drop", self._used.pop(0)
                if len(self._ready) < self._spare:
                    return "create", "t_" + uuid.uuid4().hex[:16]
                self._changed.wait()

    def _work(self) -> None:
        while (step := self._next_step()) is not None:
            action, name = step
            if action == "drop":
                drop_database(self._admin, name)
                continue
            try:
                self._create(name)
            except BaseException as error:
                with self._changed:
                    self._failure = error
                    self._changed.notify_all()
                return
            with self._changed:
                self._ready.append(name)
                self._changed.notify_all()

    def _create(self, name: str) -> None:
        """Copy the template as `name`. PostgreSQL refuses while anything is connected to the
        template (an autovacuum worker may be), so a refusal gets a few more tries. A test's
        commits need not wait for the disk (`synchronous_commit`): a crash of the server
        loses the copy anyway."""
        for attempt in range(20):
            try:
                with self._admin.connect() as conn:
                    conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {self._template}")
                    conn.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = off")
                return
            except sa.exc.DBAPIError:
                if attempt == 19:
                    raise
                drop_database(self._admin, name)
                time.sleep(0.1 * (attempt + 1))
