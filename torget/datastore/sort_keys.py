"""Sort-key tables: pages deep in a large table's sort order without sorting the table again.

DuckDB has no ordered index (its ART index serves point look-ups, not ranges), so a keyset
page in the middle of 10 M rows sorted by one column costs a scan and a top-N over everything
after the cursor: 0.4-0.6 s, where SQLite walks a B-tree in milliseconds. So when a table is
loaded, each orderable column of a large table gets a narrow copy of itself and `_id`, stored
physically in page order (`ORDER BY col [DESC] NULLS LAST, _id`), in the schema `_sort`
beside the table. On such a copy the cursor's bound on the column skips, through the row
groups' zone maps, straight to the row group that holds the cursor, and a LIMIT without ORDER
BY stops after one page, because DuckDB returns a table's rows in insertion order
(`preserve_insertion_order`, on by default). The page's rows are then fetched by `_id` through
a unique ART index. A page in the middle of 10 M rows: ~6 ms instead of ~450 ms.

The copies cost load time (about a second per column and direction for 10 M rows) and disk
(two narrow columns each), so only tables of at least `MIN_ROWS` rows get them (a load's
`Limits.sort_keys_min_rows`), and only for the first `MAX_COLUMNS` numeric and date columns:
the orders people page through. Text columns are left out: their copies are as large as the
text itself. The SQL endpoint cannot
read `_sort`, since it accepts unqualified table names only (see `sql`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from torget.datastore.infer import quote_ident

__all__ = ["MIN_ROWS", "MAX_COLUMNS", "SCHEMA", "build", "key_table"]

SCHEMA = "_sort"
MIN_ROWS = 50_000
MAX_COLUMNS = 12
ORDERABLE = ("BIGINT", "DOUBLE", "DATE", "TIMESTAMP")

_lock = threading.Lock()
_known: dict[Path, frozenset[str]] = {}  # files never change once loaded (see `tables`)


def _name(table: str, column: str, desc: bool) -> str:
    return f"{table}/{column}/{'desc' if desc else 'asc'}"


def build(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[dict[str, Any]], min_rows: int
) -> int:
    """Index `_id` and write the sort-key copies of `table` if it has at least `min_rows` rows;
    return how many copies were written."""
    found = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()
    if not found or found[0] < min_rows:
        return 0
    con.execute(f"CREATE UNIQUE INDEX {quote_ident(table + '/_id')} ON {quote_ident(table)} (_id)")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    orderable = [c["name"] for c in columns if c["type"] in ORDERABLE][:MAX_COLUMNS]
    for column in orderable:
        col = quote_ident(column)
        for desc in (False, True):
            con.execute(
                f"CREATE TABLE {SCHEMA}.{quote_ident(_name(table, column, desc))} AS "
                f"SELECT {col}, _id FROM {quote_ident(table)} "
                f"ORDER BY {col} {'DESC' if desc else 'ASC'} NULLS LAST, _id"
            )
    return 2 * len(orderable)


def key_table(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, column: str, desc: bool
) -> str | None:
    """The quoted name of `table`'s sort-key copy for this order, if the file has one."""
    with _lock:
        known = _known.get(path)
    if known is None:
        rows = con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = ?",
            [SCHEMA],
        ).fetchall()
        known = frozenset(r[0] for r in rows)
        with _lock:
            if len(_known) > 256:
                _known.clear()
            _known[path] = known
    name = _name(table, column, desc)
    return f"{SCHEMA}.{quote_ident(name)}" if name in known else None
