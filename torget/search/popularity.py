"""How often a dataset is looked at and downloaded: the "popularity" sort order.

Popularity is views + 3 × downloads: a download is a stronger sign of use than a visit. People's
page views and downloads (every route, bots left out) are counted by the use statistics
(`torget.usage`), whose batches add them here (`add_use`) in the same transaction as their
daily rows. The counts live in `dataset_popularity`, one row per dataset created on its first
use, and are not part of the rebuilt index, so `torget search reindex` keeps them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.db.schema import dataset_popularity, datasets
from torget.errors import NotFound

__all__ = [
    "record_view",
    "record_download",
    "add_use",
    "popularity_of",
    "popularities",
    "DOWNLOAD_WEIGHT",
]

DOWNLOAD_WEIGHT = 3


def _bump(conn: sa.Connection, dataset_id: str, column: str) -> None:
    exists = conn.execute(sa.select(datasets.c.id).where(datasets.c.id == dataset_id)).first()
    if exists is None:
        raise NotFound(f"no dataset {dataset_id!r}")
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    first = {"dataset_id": dataset_id, "views": 0, "downloads": 0, column: 1}
    stmt = dialect.insert(dataset_popularity).values(**first)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[dataset_popularity.c.dataset_id],
            set_={column: dataset_popularity.c[column] + 1},
        )
    )


def record_view(conn: sa.Connection, dataset_id: str) -> None:
    """Count one view of a dataset's page (call it in a write transaction)."""
    _bump(conn, dataset_id, "views")


def record_download(conn: sa.Connection, dataset_id: str) -> None:
    """Count one download of one of a dataset's files."""
    _bump(conn, dataset_id, "downloads")


def add_use(conn: sa.Connection, used: dict[str, tuple[int, int]]) -> None:
    """Add (views, downloads) to each of these existing datasets, in one upsert: additive, so
    server processes adding their own batches never overwrite each other's."""
    if not used:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(dataset_popularity)
    stmt = stmt.on_conflict_do_update(
        index_elements=[dataset_popularity.c.dataset_id],
        set_={
            "views": dataset_popularity.c.views + stmt.excluded.views,
            "downloads": dataset_popularity.c.downloads + stmt.excluded.downloads,
        },
    )
    rows = [{"dataset_id": d, "views": v, "downloads": n} for d, (v, n) in sorted(used.items())]
    conn.execute(stmt, rows)


def popularity_of(conn: sa.Connection, dataset_id: str) -> int:
    row = conn.execute(
        sa.select(dataset_popularity.c.views, dataset_popularity.c.downloads).where(
            dataset_popularity.c.dataset_id == dataset_id
        )
    ).first()
    return 0 if row is None else int(row.views + DOWNLOAD_WEIGHT * row.downloads)


def popularities(conn: sa.Connection, dataset_ids: list[str]) -> dict[str, int]:
    """`popularity_of` for several datasets in one query; 0 for those never used."""
    table = dataset_popularity
    rows = conn.execute(
        sa.select(table.c.dataset_id, table.c.views, table.c.downloads).where(
            table.c.dataset_id.in_(dataset_ids)
        )
    )
    found = {r.dataset_id: int(r.views + DOWNLOAD_WEIGHT * r.downloads) for r in rows}
    return {dataset_id: found.get(dataset_id, 0) for dataset_id in dataset_ids}
