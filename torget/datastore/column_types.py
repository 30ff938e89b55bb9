"""The types an editor chose for a table's columns, kept by column name across loads.

Typing by rule (`infer`) is right for most columns, but only the publisher knows that a column
of `1`/`2`/`3` is a school class and not a count, or that a column that broke its type in one
row is still a date. A chosen type is used on every later load of the file instead of the
rule's; a value that does not fit it is left empty rather than failing the load, and the
report marks the column as chosen. Choosing "automatic" forgets the choice.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.clock import now
from torget.db.schema import datastore_column_types

__all__ = ["CHOOSABLE", "chosen_types", "replace_chosen_types"]

CHOOSABLE = ("TEXT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP", "BOOLEAN")


def chosen_types(conn: sa.Connection, distribution_id: str) -> dict[str, str]:
    rows = conn.execute(
        sa.select(datastore_column_types.c.name, datastore_column_types.c.type).where(
            datastore_column_types.c.distribution_id == distribution_id
        )
    )
    return {str(name): str(kind) for name, kind in rows}


def replace_chosen_types(conn: sa.Connection, distribution_id: str, chosen: dict[str, str]) -> None:
    """Keep exactly these choices (`CHOOSABLE` types, checked by the caller)."""
    table = datastore_column_types
    conn.execute(table.delete().where(table.c.distribution_id == distribution_id))
    stamp = now()
    for name, kind in chosen.items():
        conn.execute(table.insert().values(
            distribution_id=distribution_id, name=name, type=kind, updated_at=stamp
        ))  # fmt: skip
