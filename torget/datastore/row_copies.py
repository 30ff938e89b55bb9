"""Row copies: a deep keyset page's rows read in a fraction of a millisecond.

A keyset page deep in a large table's sort order finds its 101 ids in a sort-key copy
(`sort_keys`) in about a millisecond, but those rows lie scattered over the table, and DuckDB
fetches a row by decompressing a vector of every column: 7-8.5 ms of CPU for 101 rows of 12
columns on 10 M rows, with or without its ART index (`SELECT … WHERE _id IN (…)` is an index
scan in DuckDB 2.0; an uncompressed copy still cost 6 ms). SQLite, a B-tree of whole rows,
reads them in 0.2 ms, which is why Datasette won that page.

So a large table also gets a copy of its rows in SQLite, `<job>.duckdb.rows` beside its file:
one table per DuckDB table, `_id INTEGER PRIMARY KEY` (SQLite's row id) and the row's other
values as one JSON array, formatted by DuckDB's `json_array` while it reads the table (doubles
in their shortest form, which reads back as the same float; timestamps written as Python's
`isoformat` writes them), so that the API's answer is the same value for value as from the
table itself. The file is written after the table went live, with the sort-key copies, as
`.part` and renamed; it never changes after, so readers open it immutable. It goes with its
table version (`tables.remove_stale` removes `<job>.duckdb*`). Tables whose keys file came
before this copy existed get it from the worker's sweep (`write_missing`), one a sweep.

Only tables of `datastore_sort_key_min_rows` rows or more, and only with the column types a
load gives (a type this module cannot write back exactly means no copy, and pages read the
table as before).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore.infer import quote_ident

__all__ = ["rows_file", "copyable", "write_beside", "fetch", "fetch_after_id"]

log = logging.getLogger(__name__)

# Torget's column types (`tables.Table.column_types`) as the JSON array holds them
_AS_JSON = {
    "TEXT": "{c}",
    "BIGINT": "{c}",
    "DOUBLE": "{c}",
    "BOOLEAN": "{c}",
    "MARK": "{c}",
    "DATE": "{c}",
    "TIMESTAMP": (
        "CASE WHEN microsecond({c}) % 1000000 = 0 THEN strftime({c}, '%Y-%m-%dT%H:%M:%S') "
        "ELSE strftime({c}, '%Y-%m-%dT%H:%M:%S.%f') END"
    ),
}
_META = "torget_columns"
_BATCH = 50_000
_MAX_OPEN = 8  # per thread


def rows_file(table_file: Path) -> Path:
    return table_file.with_name(table_file.name + ".rows")


def copyable(columns: list[dict[str, Any]]) -> bool:
    """Whether a table of these columns can have a row copy that reads back exactly."""
    return all(c["type"] in _AS_JSON for c in columns if c["name"] != "_id")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(found[0]) if found else 0


def _copy_table(
    source: duckdb.DuckDBPyConnection, target: sqlite3.Connection, table: str, columns: list[Any]
) -> None:
    names = [c["name"] for c in columns if c["name"] != "_id"]
    values = ", ".join(
        _AS_JSON[c["type"]].format(c=quote_ident(c["name"])) for c in columns if c["name"] != "_id"
    )
    name = quote_ident(table)
    target.execute(f"CREATE TABLE {name} (_id INTEGER PRIMARY KEY, r TEXT NOT NULL)")
    target.execute(f"INSERT INTO {_META} VALUES (?, ?)", [table, json.dumps(names)])
    result = source.execute(f"SELECT _id, CAST(json_array({values}) AS VARCHAR) FROM {name}")
    while batch := result.fetchmany(_BATCH):
        target.executemany(f"INSERT INTO {name} VALUES (?, ?)", batch)


def write_beside(
    table_file: Path, tables: dict[str, list[dict[str, Any]]], min_rows: int, memory_limit: str
) -> int:
    """Write the row copies of the large ones of `tables` (name → columns) into the rows file
    beside `table_file`; return how many tables were copied (0: no file)."""
    target = rows_file(table_file)
    handle, name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    os.close(handle)  # a name of its own: two workers' sweeps may copy the same table at once
    part = Path(name)
    copied = 0
    try:
        with duckdb.connect(str(table_file), read_only=True) as source:
            source.execute(f"SET memory_limit = '{memory_limit}'")
            db = sqlite3.connect(part)
            try:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                db.execute(f"CREATE TABLE {_META} (tbl TEXT PRIMARY KEY, names TEXT NOT NULL)")
                for table, columns in tables.items():
                    big = _count(source, quote_ident(table)) >= min_rows
                    if big and copyable(columns):
                        _copy_table(source, db, table, columns)
                        copied += 1
                db.commit()
            finally:
                db.close()
        if copied:
            os.chmod(part, 0o644)  # as the table's own file; mkstemp's is the owner's alone
            os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return copied


# --- Reading ------------------------------------------------------------------------------------

_local = threading.local()


def _open(table_file: Path) -> sqlite3.Connection | None:
    """This thread's connection to `table_file`'s rows file; None while there is none."""
    cache: OrderedDict[Path, sqlite3.Connection] | None = getattr(_local, "open", None)
    if cache is None:
        cache = _local.open = OrderedDict()
    db = cache.get(table_file)
    if db is not None:
        cache.move_to_end(table_file)
        return db
    target = rows_file(table_file)
    if not target.exists():
        return None
    try:  # immutable: the file never changes once renamed into place, so no locks are taken
        db = sqlite3.connect(f"file:{target}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        log.warning("row copies of %s could not be opened", table_file, exc_info=True)
        return None
    cache[table_file] = db
    while len(cache) > _MAX_OPEN:
        cache.popitem(last=False)[1].close()
    return db


def _stored_names(db: sqlite3.Connection, table: str) -> list[str] | None:
    found = db.execute(f"SELECT names FROM {_META} WHERE tbl = ?", [table]).fetchone()
    return None if found is None else list(json.loads(found[0]))


def _picker(stored: list[str], names: list[str]) -> list[int] | None:
    """Where each of `names` is in a row `[_id, *stored]`; None if one is missing."""
    where = {n: i + 1 for i, n in enumerate(stored)}
    where["_id"] = 0
    if any(n not in where for n in names):
        return None
    return [where[n] for n in names]


def _read(db: sqlite3.Connection, table: str, names: list[str], sql: str,
          params: list[Any]) -> list[tuple[Any, ...]] | None:  # fmt: skip
    stored = _stored_names(db, table)
    pick = None if stored is None else _picker(stored, names)
    if pick is None:
        return None
    found = db.execute(sql, params).fetchall()
    if not found:
        return []
    # one parse for the page (a hundred `json.loads` calls cost twice as much)
    values = json.loads("[" + ",".join(packed for _, packed in found) + "]")
    return [
        tuple(row_id if i == 0 else row[i - 1] for i in pick)
        for (row_id, _), row in zip(found, values, strict=True)
    ]


def fetch(
    table_file: Path, table: str, ids: list[int], names: list[str]
) -> list[tuple[Any, ...]] | None:
    """The rows with these ids, in this order, as tuples of `names`' values (JSON's kinds:
    dates as ISO text); None when the table has no row copy."""
    db = _open(table_file)
    if db is None:
        return None
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT _id, r FROM {quote_ident(table)} WHERE _id IN ({marks})"
    try:
        found = _read(db, table, ["_id", *names], sql, list(ids))
    except sqlite3.Error:
        log.warning("row copies of %s could not be read", table_file, exc_info=True)
        return None
    if found is None:
        return None
    by_id = {row[0]: row[1:] for row in found}
    if len(by_id) != len(set(ids)):
        return None
    return [by_id[i] for i in ids]


def fetch_after_id(
    table_file: Path, table: str, after: int | None, desc: bool, limit: int, names: list[str]
) -> list[tuple[Any, ...]] | None:
    """`limit` rows in `_id` order (descending if `desc`) after the row `after` (from the
    first when None), as tuples of `names`' values; None when the table has no row copy."""
    db = _open(table_file)
    if db is None:
        return None
    where = "" if after is None else f" WHERE _id {'<' if desc else '>'} ?"
    sql = (
        f"SELECT _id, r FROM {quote_ident(table)}{where} "
        f"ORDER BY _id {'DESC' if desc else 'ASC'} LIMIT {int(limit)}"
    )
    try:
        return _read(db, table, names, sql, [] if after is None else [after])
    except sqlite3.Error:
        log.warning("row copies of %s could not be read", table_file, exc_info=True)
        return None
