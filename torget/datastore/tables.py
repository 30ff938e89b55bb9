"""Which DuckDB file holds the current version of each distribution's table.

Every load writes a new file, `<datastore_dir>/<distribution id>/<job id>.duckdb`, that no
other process has open; only when it is complete does one catalogue transaction point
`datastore_tables` at it. So several workers can load at once (each into its own file, no
DuckDB write lock shared between processes), readers open files read-only, and a failed or
interrupted load leaves the previous version in place. Superseded files are removed after
the swap; a reader that still has one open keeps reading it (POSIX unlink semantics).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.db.schema import datastore_tables

__all__ = ["Table", "current_table", "swap_table", "drop_table", "table_file", "remove_stale"]


@dataclass(frozen=True)
class Table:
    distribution_id: str
    job_id: str
    path: Path
    row_count: int
    columns: list[dict[str, Any]]
    loaded_at: dt.datetime

    @property
    def column_types(self) -> dict[str, str]:
        return {c["name"]: c["type"] for c in self.columns}


def table_file(root: Path, distribution_id: str, job_id: str) -> Path:
    return root / distribution_id / f"{job_id}.duckdb"


def current_table(conn: sa.Connection, root: Path, distribution_id: str) -> Table | None:
    row = conn.execute(
        sa.select(datastore_tables).where(datastore_tables.c.distribution_id == distribution_id)
    ).first()
    if row is None:
        return None
    m = row._mapping
    return Table(
        m["distribution_id"],
        m["job_id"],
        root / m["file"],
        m["row_count"],
        json.loads(m["columns"]),
        as_utc(m["loaded_at"]),
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
