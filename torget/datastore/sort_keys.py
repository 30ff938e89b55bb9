"""Sort-key copies: pages deep in a large table's sort order without sorting the table again.

DuckDB has no ordered index (its ART index serves point look-ups, not ranges), so a keyset
page in the middle of 10 M rows sorted by one column costs a scan and a top-N over everything
after the cursor: 0.2-0.5 s, where SQLite walks a B-tree in milliseconds. So each number and
date column of a large table gets a narrow copy of itself and `_id`, stored physically in page
order (`ORDER BY col [DESC] NULLS LAST, _id`). On such a copy the cursor's bound on the column
skips, through the row groups' zone maps, straight to the row group that holds the cursor, and
a LIMIT without ORDER BY stops after one page, because DuckDB returns a table's rows in
insertion order (`preserve_insertion_order`, on by default). The page's rows are then fetched
by `_id` (the load also creates a unique ART index on it, `index_ids`; DuckDB 2.0 answers the
page's `_id IN (…)` with a scan its zone maps prune instead: ~7 ms of CPU for 101 rows
scattered over 10 M, each row costing a decompressed vector of every column).

The copies live in a file of their own beside the table's, `<job>.duckdb.keys`, written after
the table has been swapped in (`write_beside`): the table is queryable as soon as it has
loaded, and the copies, which cost about half a load's CPU again for a table with four such
columns, follow. Until they exist, or for filtered pages and text orders, pages are sorted as
before. Readers attach the file read-only when it appears (`key_table`). It goes with its
table version (`tables.remove_stale` removes `<job>.duckdb*`), and the SQL endpoint never
attaches it. The readers' connection to a table attaches its keys file once it exists
(`attach_keys`, from `readers`), so no request pays for an ATTACH.

Only tables of at least `datastore_sort_key_min_rows` rows get copies, and only for their first
`MAX_COLUMNS` number and date columns, both directions: the orders people page through. Text
columns are left out: their copies would be as large as the text itself.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore.infer import quote_ident

__all__ = ["MAX_COLUMNS", "index_ids", "keys_file", "write_beside", "attach_keys", "key_table"]

log = logging.getLogger(__name__)

MAX_COLUMNS = 12
ORDERABLE = ("BIGINT", "DOUBLE", "DATE", "TIMESTAMP")
_ALIAS = "sort_keys"

_lock = threading.Lock()
_known: dict[Path, frozenset[str]] = {}  # key files never change once renamed into place


def keys_file(table_file: Path) -> Path:
    return table_file.with_name(table_file.name + ".keys")


def _name(table: str, column: str, desc: bool) -> str:
    return f"{table}/{column}/{'desc' if desc else 'asc'}"


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(found[0]) if found else 0


def index_ids(con: duckdb.DuckDBPyConnection, table: str, min_rows: int) -> bool:
    """Give a large table a unique index on `_id` (the page's rows are fetched by it)."""
    if _rows(con, quote_ident(table)) < min_rows:
        return False
    con.execute(f"CREATE UNIQUE INDEX {quote_ident(table + '/_id')} ON {quote_ident(table)} (_id)")
    return True


def write_beside(table_file: Path, tables: dict[str, list[dict[str, Any]]], min_rows: int) -> int:
    """Write the sort-key copies of the large ones of `tables` (name → columns) into the keys
    file beside `table_file`; return how many copies were written (0: no file)."""
    target = keys_file(table_file)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    written = 0
    with duckdb.connect(str(part)) as con:
        path = str(table_file).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS source (READ_ONLY)")
        for table, columns in tables.items():
            source = f"source.{quote_ident(table)}"
            if _rows(con, source) < min_rows:
                continue
            orderable = [c["name"] for c in columns if c["type"] in ORDERABLE][:MAX_COLUMNS]
            for column in orderable:
                col = quote_ident(column)
                for desc in (False, True):
                    con.execute(
                        f"CREATE TABLE {quote_ident(_name(table, column, desc))} AS "
                        f"SELECT {col}, _id FROM {source} "
                        f"ORDER BY {col} {'DESC' if desc else 'ASC'} NULLS LAST, _id"
                    )
                    written += 1
        con.execute("DETACH source")
        con.execute("CHECKPOINT")
    if written:
        os.replace(part, target)
    else:
        part.unlink(missing_ok=True)
    return written


def attach_keys(con: duckdb.DuckDBPyConnection, table_file: Path) -> bool:
    """Attach `table_file`'s keys file to `con` (a reader's connection to the table) if it
    exists; whether it is attached. A file that cannot be attached (removed meanwhile) is
    tried again on the next call."""
    target = keys_file(table_file)
    if not target.exists():
        return False
    try:
        path = str(target).replace("'", "''")
        con.execute(f"ATTACH IF NOT EXISTS '{path}' AS {_ALIAS} (READ_ONLY)")
    except duckdb.Error:
        log.warning("sort keys of %s could not be attached", table_file, exc_info=True)
        return False
    return True


def _attached(con: duckdb.DuckDBPyConnection, table_file: Path) -> frozenset[str] | None:
    """The copies in `table_file`'s keys file attached to `con` (by `attach_keys`); None while
    there are none."""
    known = _known.get(table_file)
    if known is not None:
        return known
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [_ALIAS]
    ).fetchall()
    if not rows:  # not attached yet: the keys file came after this cursor's connection looked
        return None
    with _lock:
        if len(_known) > 256:
            _known.clear()
        _known[table_file] = known = frozenset(r[0] for r in rows)
    return known


def key_table(
    con: duckdb.DuckDBPyConnection, table_file: Path, table: str, column: str, desc: bool
) -> str | None:
    """The qualified name of `table`'s sort-key copy for this order, if there is one yet."""
    try:
        known = _attached(con, table_file)
    except duckdb.Error:  # superseded and removed meanwhile, or not readable: sort instead
        log.warning("sort keys of %s could not be attached", table_file, exc_info=True)
        return None
    name = _name(table, column, desc)
    return f"{_ALIAS}.{quote_ident(name)}" if known and name in known else None
