"""Which DuckDB file holds the current version of each distribution's table.

Every load writes a new file, `<datastore_dir>/<distribution id>/<job id>.duckdb`, that no
other process has open; only when it is complete does one catalogue transaction point
`datastore_tables` at it. So several workers can load at once (each into its own file, no
DuckDB write lock shared between processes), readers open files read-only, and a failed or
interrupted load leaves the previous version in place. Superseded files are removed after
the swap; a reader that still has one open keeps reading it (POSIX unlink semantics).

A spreadsheet's first sheet is the table `data`; every further sheet is a table `sheet_<n>` in
the same file, with the sheet's name as its DuckDB comment (`sheets`, `sheet_table`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.db.schema import datastore_tables

__all__ = [
    "Table",
    "current_table",
    "table_of",
    "loaded",
    "primary_key",
    "set_primary_key",
    "sheets",
    "sheet_table",
    "swap_table",
    "drop_table",
    "table_file",
    "remove_stale",
]

_TYPES = {"VARCHAR": "TEXT"}


@dataclass(frozen=True)
class Table:
    distribution_id: str
    job_id: str
    path: Path
    row_count: int
    columns: list[dict[str, Any]]
    loaded_at: dt.datetime
    name: str = "data"  # the table in the file: "data", or "sheet_2", … for further sheets

    @property
    def column_types(self) -> dict[str, str]:
        return {c["name"]: c["type"] for c in self.columns}


def table_file(root: Path, distribution_id: str, job_id: str) -> Path:
    return root / distribution_id / f"{job_id}.duckdb"


def current_table(conn: sa.Connection, root: Path, distribution_id: str) -> Table | None:
    row = conn.execute(
        sa.select(datastore_tables).where(datastore_tables.c.distribution_id == distribution_id)
    ).first()
    return None if row is None else table_of(row, root)


def table_of(row: sa.Row[Any], root: Path) -> Table:
    """The Table of a `datastore_tables` row."""
    m = row._mapping
    return Table(
        m["distribution_id"],
        m["job_id"],
        root / m["file"],
        m["row_count"],
        json.loads(m["columns"]),
        as_utc(m["loaded_at"]),
    )


def sheets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The further sheets of a spreadsheet in a loaded file: table name, sheet name, rows."""
    found = con.execute(
        "SELECT table_name, comment, estimated_size FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name LIKE 'sheet\\_%' ESCAPE '\\' "
        "ORDER BY length(table_name), table_name"
    ).fetchall()
    return [{"table": t, "sheet": c, "rows": n} for t, c, n in found]


def sheet_table(con: duckdb.DuckDBPyConnection, table: Table, name: str) -> Table | None:
    """`table` (the distribution's current file) narrowed to its table `name`, if it has one."""
    if name == table.name:
        return table
    if not any(s["table"] == name for s in sheets(con)):
        return None
    found = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? "
        "AND column_name <> '_id' "
        "ORDER BY column_index",
        [name],
    ).fetchall()
    rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
    columns = [{"name": c, "type": _TYPES.get(t, t)} for c, t in found]
    return dataclasses.replace(table, name=name, columns=columns, row_count=rows[0] if rows else 0)


def loaded(conn: sa.Connection, distribution_ids: list[str]) -> set[str]:
    """Those of the distributions that have a table."""
    if not distribution_ids:
        return set()
    found = conn.execute(
        sa.select(datastore_tables.c.distribution_id).where(
            datastore_tables.c.distribution_id.in_(distribution_ids)
        )
    )
    return set(found.scalars())


def primary_key(conn: sa.Connection, distribution_id: str) -> list[str]:
    """The columns that identify a row of the distribution's table for upserts ([] if none)."""
    found = conn.execute(
        sa.select(datastore_tables.c.primary_key).where(
            datastore_tables.c.distribution_id == distribution_id
        )
    ).scalar()
    return [str(k) for k in json.loads(found)] if found else []


def set_primary_key(conn: sa.Connection, distribution_id: str, key: list[str]) -> None:
    """Keep `key` (none when empty) with the table, in the caller's transaction: a swap keeps
    it, and it goes when the table is dropped."""
    conn.execute(
        datastore_tables.update()
        .where(datastore_tables.c.distribution_id == distribution_id)
        .values(primary_key=json.dumps(key, ensure_ascii=False) if key else None)
    )


def swap_table(
    conn: sa.Connection,
    distribution_id: str,
    job_id: str,
    file: str,
    row_count: int,
    columns: list[dict[str, Any]],
) -> None:
    """Point the distribution at a freshly loaded file, inside the caller's transaction."""
    values = {
        "job_id": job_id,
        "file": file,
        "row_count": row_count,
        "columns": json.dumps(columns, ensure_ascii=False),
        "loaded_at": now(),
    }
    updated = conn.execute(
        datastore_tables.update()
        .where(datastore_tables.c.distribution_id == distribution_id)
        .values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(datastore_tables.insert().values(distribution_id=distribution_id, **values))


def drop_table(conn: sa.Connection, distribution_id: str) -> None:
    conn.execute(
        datastore_tables.delete().where(datastore_tables.c.distribution_id == distribution_id)
    )


def remove_stale(root: Path, distribution_id: str, keep: Path | None) -> None:
    """Delete a distribution's files other than `keep` (all of them when None)."""
    folder = root / distribution_id
    if not folder.is_dir():
        return
    for path in folder.glob("*.duckdb*"):
        if keep is None or not path.name.startswith(keep.name):
            path.unlink(missing_ok=True)
