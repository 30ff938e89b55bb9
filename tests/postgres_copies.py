"""Each PostgreSQL test's database: a copy of the migrated template, made ready beside the tests
by a thread of the test process, and made equal to the template again after a test.

`CREATE DATABASE … TEMPLATE` writes the whole copy (~10 MB) through the WAL and syncs it, and
`DROP DATABASE` waits for a checkpoint: together 0.3 s on a quiet disk, 2-4 s on a busy one,
where most of the suite's PostgreSQL time went (CI, 2026-12-07). So a copy a test has used is
reset instead (`Reset`): what is still connected to it is ended, its schema is compared with
the template's (a fingerprint of the catalogue: schemas, tables, columns, constraints, indexes,
functions, triggers, views, types, sequences, settings); when equal, its rows are deleted, the
template's few rows (`alembic_version`, `search_index_version`) put back and its sequences set
back, some 0.1-0.3 s. A test that changed the schema (a migration test, say) leaves a copy that
is dropped and replaced by a new one. Each test so gets a database equal to the template, in
everything a connection can see but the planner's statistics and the dead rows a vacuum takes.
Its commits do not wait for the disk (`synchronous_commit = off` on the copy).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

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


_USER = (
    "{0}.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND NOT starts_with({0}.nspname, 'pg_toast') AND NOT starts_with({0}.nspname, 'pg_temp_')"
)

# Everything a test could have changed in a database's schema, as one line per object.
_FINGERPRINT = f"""
SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM (
  SELECT concat_ws(' ', 'schema', n.nspname, n.nspacl) AS item
    FROM pg_namespace n WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'relation', n.nspname, c.relname, c.relkind, c.relpersistence,
                   c.relrowsecurity, c.relacl, c.reloptions)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'column', n.nspname, c.relname, a.attnum, a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attisdropped,
                   a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'constraint', n.nspname, k.conname, k.conrelid::regclass,
                   pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'index', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'function', n.nspname, p.proname,
                   pg_get_function_identity_arguments(p.oid), md5(p.prosrc), p.proacl)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t WHERE NOT t.tgisinternal
  UNION ALL
  SELECT concat_ws(' ', 'view', n.nspname, c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'type', n.nspname, t.typname, t.typtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_USER.format("n")}
  UNION ALL
  SELECT concat_ws(' ', 'enum', e.enumtypid::regtype, e.enumlabel, e.enumsortorder)
    FROM pg_enum e
  UNION ALL
  SELECT concat_ws(' ', 'policy', p.polrelid::regclass, p.polname,
                   pg_get_expr(p.polqual, p.polrelid))
    FROM pg_policy p
  UNION ALL
  SELECT concat_ws(' ', 'extension', x.extname, x.extversion) FROM pg_extension x
  UNION ALL
  SELECT concat_ws(' ', 'sequence', s.schemaname, s.sequencename, s.data_type, s.start_value,
                   s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size)
    FROM pg_sequences s
  UNION ALL
  SELECT concat_ws(' ', 'setting', s.setrole::regrole, s.setconfig)
    FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
    WHERE d.datname = current_database()
  UNION ALL
  SELECT concat_ws(' ', 'large objects', count(*)) FROM pg_largeobject_metadata
) AS items
"""

_TABLES = f"""
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       array(SELECT DISTINCT quote_ident(fn.nspname) || '.' || quote_ident(f.relname)
             FROM pg_constraint k JOIN pg_class f ON f.oid = k.confrelid
             JOIN pg_namespace fn ON fn.oid = f.relnamespace
             WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid <> c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND {_USER.format("n")}
"""

_SEQUENCES = """
SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences
"""


# The triggers a reset turns off while it deletes and puts rows back (the audit log's refuse
# a DELETE): it restores rows, it does not change them.
_TRIGGERS = f"""
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(t.tgname)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgenabled = 'O' AND {_USER.format("n")}
ORDER BY 1, 2
"""

_COLUMNS = """
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
WHERE attrelid = %(table)s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
"""


@dataclass(frozen=True)
class Reset:
    """What a copy must be to equal the template, read from the template's first copy."""

    fingerprint: str
    order: list[str]  # the tables, each before the tables it refers to
    rows: dict[str, tuple[str, str]]  # the tables with rows: their columns, their rows as JSON
    sequences: dict[str, int | None]  # each sequence's last value (None: never used)
    triggers: list[tuple[str, str]]  # each table's triggers, on in the template

    @classmethod
    def read(cls, conn: sa.Connection) -> Reset | None:
        """None when the tables' references go round (no order to empty them in)."""
        refers = {str(t): set(refs) for t, refs in conn.exec_driver_sql(_TABLES)}
        rows = {}
        for table in refers:
            found = conn.exec_driver_sql(f"SELECT json_agg(t)::text FROM {table} AS t").scalar()
            if found is not None:
                columns = conn.exec_driver_sql(_COLUMNS, {"table": table}).scalar()
                rows[table] = (str(columns), str(found))
        order: list[str] = []
        while refers:
            free = sorted(t for t in refers if not any(t in r for u, r in refers.items() if u != t))
            if not free:
                return None
            order += free
            for table in free:
                del refers[table]
        return cls(
            fingerprint=str(conn.exec_driver_sql(_FINGERPRINT).scalar()),
            order=order,
            rows=rows,
            sequences={str(s): v for s, v in conn.exec_driver_sql(_SEQUENCES)},
            triggers=[(str(t), str(n)) for t, n in conn.exec_driver_sql(_TRIGGERS)],
        )

    def apply(self, conn: sa.Connection) -> bool:
        """Make the copy on `conn` (in a transaction) equal the template again: every row
        deleted and the template's rows put back (the triggers off meanwhile), the sequences
        set back. False, with nothing
        done, when its schema differs."""
        if conn.exec_driver_sql(_FINGERPRINT).scalar() != self.fingerprint:
            return False
        for table, trigger in self.triggers:
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        for table in self.order:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        for table in reversed(self.order):
            if table in self.rows:
                columns, found = self.rows[table]
                conn.exec_driver_sql(
                    f"INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE "
                    f"SELECT {columns} FROM json_populate_recordset(NULL::{table}, %(rows)s)",
                    {"rows": found},
                )
        for table, trigger in self.triggers:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        for sequence, last in self.sequences.items():
            if last is None:
                conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} RESTART")
            else:
                conn.exec_driver_sql(f"SELECT setval('{sequence}', {int(last)}, true)")
        return True


class Copies:
    """Copies of `template` on the server of `admin` (an AUTOCOMMIT engine), `spare` of them
    kept ready ahead of the tests; a used copy is reset for the next test, or dropped."""

    def __init__(self, admin: sa.Engine, template: str, spare: int = 2):
        self._admin = admin
        self._template = template
        self._spare = spare
        self._reset: Reset | None = None
        self._ready: list[str] = []
        self._used: list[str] = []
        self._failure: BaseException | None = None
        self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="postgres-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        """A copy's database name, equal to the template, waiting for one if none is ready."""
        with self._changed:
            while not self._ready and self._failure is None:
                self._changed.wait()
            if self._failure is not None:
                raise AssertionError("could not copy the template database") from self._failure
            name = self._ready.pop(0)
            self._changed.notify_all()
            return name

    def give_back(self, name: str) -> None:
        """The test is done with the copy `name`: it is reset (or dropped) in the background."""
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
        """What to do next, by priority: reset what was used (a test may be waiting, and a
        reset is quicker than a copy), then copy up to `spare`. None when closing."""
        with self._changed:
            while True:
                if self._closing or self._failure is not None:
                    return None
                if self._used:
                    return "reset", self._used.pop(0)
                if len(self._ready) < self._spare:
                    return "create", "t_" + uuid.uuid4().hex[:16]
                self._changed.wait()

    def _work(self) -> None:
        while (step := self._next_step()) is not None:
            action, name = step
            try:
                if action == "reset":
                    if not self._reset_copy(name):
                        drop_database(self._admin, name)
                        continue
                else:
                    self._create(name)
            except BaseException as error:
                with self._changed:
                    self._failure = error
                    self._changed.notify_all()
                return
            with self._changed:
                self._ready.append(name)
                self._changed.notify_all()

    def _reset_copy(self, name: str) -> bool:
        """End what is still connected to `name` (a connection a test left open), then make it
        equal the template again; False when it cannot be (the copy is dropped instead)."""
        if self._reset is None:
            return False
        engine = self._on(name)
        try:
            with self._admin.connect() as conn:
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    "WHERE datname = %(name)s AND pid <> pg_backend_pid()",
                    {"name": name},
                )
            with engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                return self._reset.apply(conn)
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def _on(self, name: str) -> sa.Engine:
        url = self._admin.url.set(database=name)
        return sa.create_engine(url, poolclass=sa.pool.NullPool)

    def _create(self, name: str) -> None:
        """Copy the template as `name`. PostgreSQL refuses while anything is connected to the
        template (an autovacuum worker may be), so a refusal gets a few more tries. A test's
        commits need not wait for the disk (`synchronous_commit`): a crash of the server
        loses the copy anyway. The first copy tells what a reset must make of a used one."""
        for attempt in range(20):
            try:
                with self._admin.connect() as conn:
                    conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {self._template}")
                    conn.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = off")
                break
            except sa.exc.DBAPIError:
                if attempt == 19:
                    raise
                drop_database(self._admin, name)
                time.sleep(0.1 * (attempt + 1))
        if self._reset is None:
            engine = self._on(name)
            try:
                with engine.connect() as conn:
                    self._reset = Reset.read(conn)
            finally:
                engine.dispose()
