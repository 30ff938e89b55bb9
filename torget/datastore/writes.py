"""Writing a distribution's datastore table: create it from records, insert, upsert, update or
delete rows, or remove it. CKAN's DataStore write actions are these functions.

Every write makes a new version of the table, as a load does (`tables`): a new DuckDB file that
nobody else has open, made current by one UPDATE of `datastore_tables`. `create_table` writes
an empty table of the given columns and inserts the records; the others copy the current
version's file byte for byte (its sheets, `_id` index and all), change the copy with SQL and
close it. Readers see the old version or the new one, never half a write, and a refused or
failed write leaves the old one in place and no trace in the load history. Like a load's, each
new version (or the table's removal) is checked against the specification the distribution
declares (`specifications.conformance.check_after_load`), which rebuilds its combined table.

Records arrive as JSON values and are cast by DuckDB to their column's type; one that does not
fit is refused, naming the record and the column. A created column's type is the declared one,
else the JSON type of its values (whole numbers BIGINT, other numbers DOUBLE, true/false
BOOLEAN, anything else TEXT). `_id` numbers new rows after the highest one, and a row keeps its
`_id` for good (deleting others does not renumber it), as in CKAN.

The primary key that upserts match rows by is kept in the catalogue database with the table
(`tables.set_primary_key`), set in the transaction that swaps in the new version. A Torget
before migration 0011 kept it in `<datastore_dir>/<id>/ckan.json`; the first write to such a
table moves it into the database and removes the file.

Writes to one table in one process run one at a time. Across processes, the swap checks that
the version a write was built on is still the current one; if another write or a load came
first, the write is built again on the newer version (a few times, then `TableChanged`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.datastore import deep_pages, jobs, sort_keys, tables
from torget.datastore.access import find_table, refusing_bad_values
from torget.datastore.infer import quote_ident
from torget.datastore.ingest import columns_by_table
from torget.datastore.query import RowQuery, where_clause
from torget.datastore.refusals import (
    BadParameter,
    NoRecord,
    NoTable,
    TableChanged,
    UnknownColumn,
    ValueDoesNotFit,
)
from torget.datastore.tables import Table
from torget.db.engine import write
from torget.db.schema import datasets, distributions
from torget.ids import new_id
from torget.publishing.guard import admit_table, refused_write
from torget.publishing.personal_data import scan_file
from torget.settings import Settings
from torget.specifications.conformance import check_after_load

__all__ = ["METHODS", "create_table", "write_records", "delete_rows", "remove_table"]

log = logging.getLogger(__name__)

METHODS = ("upsert", "insert", "update")
_TRIES = 3
_LOCKS = [threading.Lock() for _ in range(64)]  # by distribution: a fixed set, never growing
_LEGACY_KEY_FILE = "ckan.json"

Build = Callable[[duckdb.DuckDBPyConnection, Table | None], None]


# --- Who may write, and the primary key --------------------------------------------------------


def _require_editor(
    conn: sa.Connection, actor: Actor, settings: Settings, distribution_id: str
) -> None:
    """NotFound unless the actor may read the distribution; PermissionDenied unless an editor of
    its organisation."""
    find_table(conn, actor, settings.datastore_path, distribution_id)
    organisation = conn.execute(
        sa.select(datasets.c.organisation_id)
        .join(distributions, distributions.c.dataset_id == datasets.c.id)
        .where(distributions.c.id == distribution_id)
    ).scalar_one()
    actor.require(organisation, "editor", "change this distribution's table")


def _adopt_legacy_key(conn: sa.Connection, path: Path, distribution_id: str) -> None:
    if not path.is_file():
        return
    try:
        key = [str(k) for k in json.loads(path.read_text(encoding="utf-8"))["primary_key"]]
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable %s", path)
        return
    if key and not tables.primary_key(conn, distribution_id):
        tables.set_primary_key(conn, distribution_id, key)


def _start(engine: sa.Engine, actor: Actor, settings: Settings, distribution_id: str) -> list[str]:
    """Check that the actor may write; return the table's primary key, having moved one left
    in the side file of an older Torget into the catalogue database."""
    legacy = settings.datastore_path / distribution_id / _LEGACY_KEY_FILE
    with write(engine) as conn:
        _require_editor(conn, actor, settings, distribution_id)
        _adopt_legacy_key(conn, legacy, distribution_id)
        key = tables.primary_key(conn, distribution_id)
    legacy.unlink(missing_ok=True)  # only once the key is safely in the database
    return key


# --- Records ---------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A JSON value as the text DuckDB casts to the column's type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _guessed_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "BOOLEAN"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "BIGINT"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "DOUBLE"
    return "TEXT"


def _checked_records(records: list[Any]) -> list[dict[str, Any]]:
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise BadParameter(f"records.{i}", "each record must be an object of field values")
    return records


def _fields_of(records: list[dict[str, Any]], types: dict[str, str]) -> list[str]:
    """The fields the records name, in order; each must be one of the table's columns."""
    names = list(dict.fromkeys(k for r in records for k in r))
    unknown = [n for n in names if n not in types and n != "_id"]
    if unknown:
        raise UnknownColumn("records", unknown[0], list(types))
    return names


def _typed(i: int, kind: str) -> str:
    """Staged value `v{i}` cast to `kind`: NULL where absent; an empty text is NULL too, except
    in a text column (as a CSV file would have it)."""
    if kind == "TEXT":
        return f"v{i}"
    return f"TRY_CAST(NULLIF(v{i}, '') AS {kind})"


def _stage(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]],
           types: dict[str, str]) -> list[str]:  # fmt: skip
    """Put the records in the temporary table `given`, typed: `_n` (the record's number, from
    1), then for each named column `v{i}` its value and `h{i}` whether the record gave it.
    Return the named columns in that order; a value that does not fit is refused."""
    names = _fields_of(records, types)
    select = ["unnest(range(1, ?::BIGINT + 1)) AS _n"]
    params: list[Any] = [len(records)]
    for i, name in enumerate(names):
        select += [f"unnest(?::VARCHAR[]) AS v{i}", f"unnest(?::BOOLEAN[]) AS h{i}"]
        params += [[_text(r.get(name)) for r in records], [name in r for r in records]]
    con.execute(f"CREATE TEMP TABLE raw AS SELECT {', '.join(select)}", params)
    for i, name in enumerate(names):
        kind = types[name]
        found = con.execute(
            f"SELECT _n, v{i} FROM raw WHERE h{i} AND {_typed(i, kind)} IS NULL "
            f"AND NULLIF(v{i}, '') IS NOT NULL ORDER BY _n LIMIT 1"
        ).fetchone()
        if found is not None:
            raise ValueDoesNotFit(f"records.{found[0] - 1}", name, kind, found[1])
    typed = ", ".join(f"{_typed(i, types[n])} AS v{i}, h{i}" for i, n in enumerate(names))
    con.execute(f"CREATE TEMP TABLE given AS SELECT _n, {typed} FROM raw")
    return names


def _matching(names: list[str], key: list[str], row: str) -> str:
    return " AND ".join(
        f"{row}.{quote_ident(k)} IS NOT DISTINCT FROM given.v{names.index(k)}" for k in key
    )


def _insert(con: duckdb.DuckDBPyConnection, names: list[str], only_new: str | None) -> None:
    """Append the given records as new rows, numbered after the highest `_id`; with
    `only_new` (a match condition), those that match no row."""
    columns = [(i, n) for i, n in enumerate(names) if n != "_id"]
    target = ", ".join(["_id", *(quote_ident(n) for _, n in columns)])
    values = ", ".join(f"given.v{i}" for i, _ in columns)
    where = f" WHERE NOT EXISTS (SELECT 1 FROM data AS d WHERE {only_new})" if only_new else ""
    con.execute(
        f"INSERT INTO data ({target}) SELECT "
        "(SELECT coalesce(max(_id), 0) FROM data) + row_number() OVER (ORDER BY given._n)"
        f"{', ' if values else ''}{values} FROM given{where}"
    )


def _update(con: duckdb.DuckDBPyConnection, names: list[str], key: list[str]) -> None:
    """Change the rows the given records match by `key`, in the fields each record gives."""
    changed = [
        f"{quote_ident(n)} = CASE WHEN given.h{i} THEN given.v{i} ELSE data.{quote_ident(n)} END"
        for i, n in enumerate(names)
        if n != "_id" and n not in key
    ]
    if changed:
        con.execute(
            f"UPDATE data SET {', '.join(changed)} FROM given WHERE {_matching(names, key, 'data')}"
        )


def _last_per_key(con: duckdb.DuckDBPyConnection, names: list[str], key: list[str]) -> None:
    """Of records with the same key, the last one wins (one UPDATE may not match a row twice)."""
    parts = ", ".join(f"v{names.index(k)}" for k in key)
    con.execute(
        "CREATE TEMP TABLE last AS SELECT * FROM given "
        f"QUALIFY row_number() OVER (PARTITION BY {parts} ORDER BY _n DESC) = 1"
    )
    con.execute("DROP TABLE given")
    con.execute("ALTER TABLE last RENAME TO given")


def _require_existing(con: duckdb.DuckDBPyConnection, names: list[str], key: list[str]) -> None:
    found = con.execute(
        f"SELECT _n FROM given WHERE NOT EXISTS (SELECT 1 FROM data AS d "
        f"WHERE {_matching(names, key, 'd')}) ORDER BY _n LIMIT 1"
    ).fetchone()
    if found is not None:
        raise NoRecord(found[0] - 1, key)


def _apply(
    con: duckdb.DuckDBPyConnection,
    records: list[dict[str, Any]],
    types: dict[str, str],
    method: str,
    key: list[str],
) -> None:
    names = _stage(con, records, {"_id": "BIGINT", **types})
    if method == "insert":
        _insert(con, names, None)
        return
    _last_per_key(con, names, key)
    if method == "update":
        _require_existing(con, names, key)
    _update(con, names, key)
    if method == "upsert":
        _insert(con, names, _matching(names, key, "d"))


def _key_for(method: str, given: list[str], kept: list[str], records: list[dict[str, Any]],
             types: dict[str, str]) -> list[str]:  # fmt: skip
    """The key that an update or upsert matches rows by: the given one, else the table's,
    else `_id` when every record has one."""
    if method == "insert":
        return []
    key = given or kept or (["_id"] if records and all("_id" in r for r in records) else [])
    if not key:
        raise BadParameter("primary_key", f"{method} needs a primary key or _id in every record")
    for name in key:
        if name != "_id" and name not in types:
            raise UnknownColumn("primary_key", name, list(types))
    for i, record in enumerate(records):
        missing = [k for k in key if k not in record]
        if missing:
            raise BadParameter(f"records.{i}", f"lacks a value of the key field {missing[0]!r}")
    return key


# --- New versions ------------------------------------------------------------------------------


def _lock(distribution_id: str) -> threading.Lock:
    return _LOCKS[zlib.crc32(distribution_id.encode()) % len(_LOCKS)]


def _index_ids(con: duckdb.DuckDBPyConnection, min_rows: int) -> None:
    found = con.execute(
        "SELECT count(*) FROM duckdb_indexes() WHERE database_name = current_database() "
        "AND table_name = 'data'"
    ).fetchone()
    if found == (0,):
        sort_keys.index_ids(con, "data", min_rows)


def _build(settings: Settings, target: Path, base: Table | None, build: Build) -> int:
    """Write the new version at `target`: `base`'s file changed by `build`; its row count."""
    if base is not None:
        shutil.copyfile(base.path, target)
    con = duckdb.connect(str(target))
    try:
        con.execute(f"SET memory_limit = '{settings.datastore_memory_limit}'")
        build(con, base)
        _index_ids(con, settings.datastore_sort_key_min_rows)
        found = con.execute("SELECT count(*) FROM data").fetchone()
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return int(found[0]) if found else 0


def _report(conn: sa.Connection, base: Table | None, rows: int,
            columns: list[dict[str, Any]], method: str) -> dict[str, Any]:  # fmt: skip
    """The write's report, like a load's: the base version's sheets and source, the new rows."""
    job = jobs.get_job(conn, base.job_id) if base is not None else None
    before = (job.report if job is not None else None) or {}
    return {**before, "format": "records", "rows": rows, "columns": columns, "method": method,
            "tables": before.get("tables", ["data"]), "sheets": before.get("sheets", []),
            "warnings": []}  # fmt: skip


def _swap(
    engine: sa.Engine,
    settings: Settings,
    distribution_id: str,
    base: Table | None,
    target: Path,
    rows: int,
    columns: list[dict[str, Any]],
    key: list[str] | None,
    method: str,
) -> Table | None:
    """Make `target` current, unless the table is no longer `base`; None then."""
    root = settings.datastore_path
    findings = scan_file(target)  # issue 13 B: the personal-data guard, as for every load
    with write(engine) as conn:
        current = tables.current_table(conn, root, distribution_id)
        if _version(current) != _version(base):
            return None
        report = _report(conn, base, rows, columns, method)
        job_id = jobs.create_job(conn, distribution_id, f"{method} of records", "records")
        refusal = admit_table(conn, distribution_id, job_id, f"{method} of records", findings)
        if refusal is not None:  # kept: the checklist shows the findings for a sign-off
            jobs.fail_job(conn, job_id, refusal)
            refused = refused_write(conn, distribution_id, findings)
        else:
            jobs.finish_job(conn, job_id, report)
            relative = str(target.relative_to(root))
            tables.swap_table(conn, distribution_id, job_id, relative, rows, columns)
            if key is not None:
                tables.set_primary_key(conn, distribution_id, key)
            table = tables.current_table(conn, root, distribution_id)
    if refusal is not None:
        raise refused
    tables.remove_stale(root, distribution_id, keep=target)
    _write_copies(settings, target, report)
    check_after_load(engine, settings, distribution_id)  # issue 16: as after a file's load
    return table


def _version(table: Table | None) -> str | None:
    return table.job_id if table is not None else None


def _write_copies(settings: Settings, target: Path, report: dict[str, Any]) -> None:
    """The deep-page copies of a large new version (`deep_pages`), after the swap. They cost
    more than the write itself (1.5 s of an upsert's 2.5 s into a million rows), but a thread
    that outlived its request could be cut off inside DuckDB when the server stops."""
    if report["rows"] >= settings.datastore_sort_key_min_rows or report["sheets"]:
        deep_pages.write_copies(settings, target, columns_by_table(report))


def _new_version(
    engine: sa.Engine,
    settings: Settings,
    distribution_id: str,
    build: Build,
    *,
    method: str,
    columns: list[dict[str, Any]] | None = None,
    key: list[str] | None = None,
) -> Table:
    """Build and swap in a new version of the table (on the current one, unless `columns`
    gives a new table's columns)."""
    root = settings.datastore_path
    with _lock(distribution_id):
        for _ in range(_TRIES):
            with write(engine) as conn:
                base = tables.current_table(conn, root, distribution_id)
            if base is None and columns is None:
                raise NoTable(distribution_id)
            target = tables.table_file(root, distribution_id, new_id())
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                rows = _build(settings, target, base if columns is None else None, build)
                kept = columns if columns is not None else base.columns if base else []
                table = _swap(engine, settings, distribution_id, base, target, rows, kept, key,
                              method)  # fmt: skip
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            if table is not None:
                return table
            target.unlink(missing_ok=True)
    raise TableChanged(distribution_id)


# --- The writes --------------------------------------------------------------------------------


def create_table(
    engine: sa.Engine,
    settings: Settings,
    actor: Actor,
    distribution_id: str,
    columns: dict[str, str | None],
    records: list[Any],
    primary_key: list[str],
) -> Table:
    """A new table for the distribution, replacing its current one: `columns` (name → DuckDB
    type, or None to take it from the records' values), then any further field the records
    have, holding `records`. `primary_key` is kept for later upserts (none when empty)."""
    _start(engine, actor, settings, distribution_id)
    records = _checked_records(records)
    names = list(columns) + [k for k in dict.fromkeys(k for r in records for k in r)
                             if k not in columns and k != "_id"]  # fmt: skip
    for name in names:
        if not name.strip() or name.startswith("_"):
            raise BadParameter("fields", f"{name!r}: a field's name may not be empty or start "
                                         "with an underscore")  # fmt: skip
    if not names:
        raise BadParameter("fields", "a table needs at least one field")
    types = {n: columns.get(n) or _guessed_type([r.get(n) for r in records]) for n in names}
    for name in primary_key:
        if name not in types:
            raise UnknownColumn("primary_key", name, names)

    def build(con: duckdb.DuckDBPyConnection, _base: Table | None) -> None:
        defined = ", ".join(f"{quote_ident(n)} {'VARCHAR' if t == 'TEXT' else t}"
                            for n, t in types.items())  # fmt: skip
        con.execute(f"CREATE TABLE data (_id BIGINT, {defined})")
        if records:
            _apply(con, records, types, "insert", [])

    columns_out = [{"name": n, "type": t} for n, t in types.items()]
    return _new_version(engine, settings, distribution_id, build, method="create",
                        columns=columns_out, key=primary_key)  # fmt: skip


def write_records(
    engine: sa.Engine,
    settings: Settings,
    actor: Actor,
    distribution_id: str,
    records: list[Any],
    method: str = "upsert",
    primary_key: list[str] | None = None,
) -> Table:
    """Add or change rows: `insert` appends every record; `update` changes the rows the records
    match by the key (NoRecord if one matches none); `upsert` does either, record by record.
    The key is `primary_key`, else the table's, else `_id` where every record gives one."""
    if method not in METHODS:
        raise BadParameter("method", f"{method!r}: use {', '.join(METHODS)}")
    kept = _start(engine, actor, settings, distribution_id)
    records = _checked_records(records)
    if not records:
        with write(engine) as conn:
            current = tables.current_table(conn, settings.datastore_path, distribution_id)
        if current is None:
            raise NoTable(distribution_id)
        return current

    def build(con: duckdb.DuckDBPyConnection, base: Table | None) -> None:
        assert base is not None
        _fields_of(records, base.column_types)
        key = _key_for(method, primary_key or [], kept, records, base.column_types)
        _apply(con, records, base.column_types, method, key)

    return _new_version(engine, settings, distribution_id, build, method=method)


def delete_rows(
    engine: sa.Engine, settings: Settings, actor: Actor, distribution_id: str, query: RowQuery
) -> Table:
    """A new version without the rows the query's filters (and free text) select."""
    _start(engine, actor, settings, distribution_id)

    def build(con: duckdb.DuckDBPyConnection, base: Table | None) -> None:
        assert base is not None
        where, params = where_clause(query, base.column_types)
        condition = where.removeprefix(" WHERE ") or "true"
        with refusing_bad_values(con, base, query):
            con.execute(f"DELETE FROM data WHERE coalesce(({condition}), false)", params)

    return _new_version(engine, settings, distribution_id, build, method="delete")


def remove_table(engine: sa.Engine, settings: Settings, actor: Actor, distribution_id: str) -> None:
    """Remove the distribution's table (and its primary key) altogether."""
    _start(engine, actor, settings, distribution_id)
    root = settings.datastore_path
    with _lock(distribution_id), write(engine) as conn:
        if tables.current_table(conn, root, distribution_id) is None:
            raise NoTable(distribution_id)
        tables.drop_table(conn, distribution_id)
    tables.remove_stale(root, distribution_id, keep=None)
    check_after_load(engine, settings, distribution_id)  # its check and combined rows go
