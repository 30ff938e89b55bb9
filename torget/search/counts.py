"""Facet counts kept current beside the index, for searches with neither text nor filters.

The search page before anything is typed (and `/api/search` without parameters) lists every
facet with exact counts over everything the reader may see. Counting them from the documents
means reading about ten facet rows per dataset: ~0.5 s at 100,000 datasets (bench/search.py).
`search_facet_counts` holds the same numbers per (organisation, state, facet, value), updated
by the index's own writes (`documents.index_datasets` and `unindex_dataset`, which run in the
transaction of the change that caused them), so the page sums at most a few thousand rows,
filtered by the same visibility rule as the documents (`readable_by`).
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.accounts.permissions import Actor
from torget.catalog.visibility import readable_by
from torget.db.schema import dataset_facets, search_documents, search_facet_counts

__all__ = ["add_counts", "remove_counts", "clear_counts", "visible_counts"]

_counts = search_facet_counts
Key = tuple[str, str, str, str]  # organisation id, state, facet, value


def add_counts(conn: sa.Connection, found: Counter[Key]) -> None:
    """Add documents' facet rows to the counts: `found` counts them by organisation, state,
    facet and value. Rows are written in key order, so that concurrent writers on PostgreSQL
    lock them in the same order."""
    if not found:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=[
            _counts.c.organisation_id,
            _counts.c.state,
            _counts.c.facet,
            _counts.c.value,
        ],
        set_={"count": _counts.c.count + stmt.excluded.count},
    )
    rows = [
        {"organisation_id": o, "state": s, "facet": f, "value": v, "count": n}
        for (o, s, f, v), n in sorted(found.items())
    ]
    conn.execute(stmt, rows)


def remove_counts(conn: sa.Connection, doc_id: int, organisation_id: str, state: str) -> None:
    """Take one document's facet rows (still in `dataset_facets`) off the counts."""
    mine = sa.and_(_counts.c.organisation_id == organisation_id, _counts.c.state == state)
    rows = sa.select(dataset_facets.c.facet, dataset_facets.c.value).where(
        dataset_facets.c.doc_id == doc_id
    )
    in_doc = sa.tuple_(_counts.c.facet, _counts.c.value).in_(rows)
    conn.execute(sa.update(_counts).where(mine, in_doc).values(count=_counts.c.count - 1))
    conn.execute(sa.delete(_counts).where(mine, _counts.c.count <= 0))


def clear_counts(conn: sa.Connection) -> None:
    conn.execute(sa.delete(_counts))


def visible_counts(
    conn: sa.Connection, actor: Actor, stored: list[str]
) -> dict[str, dict[str, int]]:
    """Counts per stored facet name over every document the actor may read."""
    total = sa.func.sum(_counts.c.count)
    rows = conn.execute(
        sa.select(_counts.c.facet, _counts.c.value, total)
        .where(readable_by(actor, _counts), _counts.c.facet.in_(stored))
        .group_by(_counts.c.facet, _counts.c.value)
    )
    out: dict[str, dict[str, int]] = {name: {} for name in stored}
    for facet, value, count in rows:
        if count:
            out[facet][value] = int(count)
    return out


def documents_of(conn: sa.Connection, dataset_id: str) -> list[sa.Row[tuple[int, str, str]]]:
    """The dataset's documents (id, organisation, state): none or one."""
    docs = search_documents
    return list(
        conn.execute(
            sa.select(docs.c.id, docs.c.organisation_id, docs.c.state).where(
                docs.c.dataset_id == dataset_id
            )
        )
    )
