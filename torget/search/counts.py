"""Facet counts kept current beside the index, for searches with neither text nor filters.

The search page before anything is typed (and `/api/search` without parameters) lists every
facet with exact counts over everything the reader may see. Counting them from the documents
means reading about ten facet rows per dataset: ~0.5 s at 100,000 datasets (bench/search.py).
`search_facet_counts` holds the same numbers per (organisation, state, facet, value), updated
by the index's own writes (`documents.index_datasets` and `unindex_dataset`, which run in the
transaction of the change that caused them), so the page sums at most a few thousand rows,
filtered by the same visibility rule as the documents (`readable_by`).

`search_facet_pairs` does the same for one click on a value of a facet with a bounded list
of values (`PAIRED`: a theme on the home page, an organisation, a format): per (organisation,
state, value) the counts of every other facet's values among the documents that have it, so
that the search page after the click sums rows instead of counting a quarter of the catalogue
(270 ms of CPU at 100,000 datasets on SQLite before; bench/search.py). Keywords and
specifications are left out as clicked facets: their values are unbounded, and the table
would grow with their square.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.accounts.permissions import Actor
from torget.catalog.visibility import readable_by
from torget.db.schema import (
    dataset_facets,
    search_documents,
    search_facet_counts,
    search_facet_pairs,
)

__all__ = [
    "PAIRED",
    "add_counts",
    "remove_counts",
    "clear_counts",
    "visible_counts",
    "visible_pair_counts",
]

_counts = search_facet_counts
_pairs = search_facet_pairs
PAIRED = ("theme", "organisation", "format", "license", "hvd")
Key = tuple[str, str, str, str]  # organisation id, state, facet, value
# A document to count: organisation id, state and its (facet, value) rows.
Counted = tuple[str, str, list[tuple[str, str]]]


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Add `rows` (their "count" included) to the table's counts. Rows are written in key
    order, so that concurrent writers on PostgreSQL lock them in the same order."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(table.primary_key.columns),
        set_={"count": table.c.count + stmt.excluded.count},
    )
    keys = [c.name for c in table.primary_key.columns]
    conn.execute(stmt, sorted(rows, key=lambda row: [row[k] for k in keys]))


def add_counts(conn: sa.Connection, documents: list[Counted]) -> None:
    """Add documents' facet rows to the counts and to the pairs' counts."""
    found = Counter((o, s, f, v) for o, s, rows in documents for f, v in rows)
    paired = Counter(
        (o, s, f, v, other, value)
        for o, s, rows in documents
        for f, v in rows
        if f in PAIRED
        for other, value in rows
        if other != f
    )
    _upsert(
        conn,
        _counts,
        [
            {"organisation_id": o, "state": s, "facet": f, "value": v, "count": n}
            for (o, s, f, v), n in found.items()
        ],
    )
    _upsert(
        conn,
        _pairs,
        [
            {
                "organisation_id": o,
                "state": s,
                "facet": f,
                "value": v,
                "other_facet": of,
                "other_value": ov,
                "count": n,
            }
            for (o, s, f, v, of, ov), n in paired.items()
        ],  # fmt: skip
    )


def remove_counts(conn: sa.Connection, doc_id: int, organisation_id: str, state: str) -> None:
    """Take one document's facet rows (still in `dataset_facets`) off the counts."""
    mine = sa.and_(_counts.c.organisation_id == organisation_id, _counts.c.state == state)
    rows = sa.select(dataset_facets.c.facet, dataset_facets.c.value).where(
        dataset_facets.c.doc_id == doc_id
    )
    in_doc = sa.tuple_(_counts.c.facet, _counts.c.value).in_(rows)
    conn.execute(sa.update(_counts).where(mine, in_doc).values(count=_counts.c.count - 1))
    conn.execute(sa.delete(_counts).where(mine, _counts.c.count <= 0))
    mine = sa.and_(_pairs.c.organisation_id == organisation_id, _pairs.c.state == state)
    one, other = dataset_facets.alias("one"), dataset_facets.alias("other")
    pairs = (
        sa.select(one.c.facet, one.c.value, other.c.facet, other.c.value)
        .join(other, other.c.doc_id == one.c.doc_id)
        .where(one.c.doc_id == doc_id, one.c.facet.in_(PAIRED), other.c.facet != one.c.facet)
    )
    p = _pairs.c
    in_doc = sa.tuple_(p.facet, p.value, p.other_facet, p.other_value).in_(pairs)
    conn.execute(sa.update(_pairs).where(mine, in_doc).values(count=p.count - 1))
    conn.execute(sa.delete(_pairs).where(mine, p.count <= 0))


def clear_counts(conn: sa.Connection) -> None:
    conn.execute(sa.delete(_counts))
    conn.execute(sa.delete(_pairs))


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


def visible_pair_counts(
    conn: sa.Connection, actor: Actor, facet: str, value: str, stored: list[str]
) -> dict[str, dict[str, int]]:
    """Counts per stored facet name over every document the actor may read that has `value`
    of `facet` (one of `PAIRED`); `facet` itself is not among them (see `visible_counts`)."""
    p = _pairs.c
    rows = conn.execute(
        sa.select(p.other_facet, p.other_value, sa.func.sum(p.count))
        .where(p.facet == facet, p.value == value, readable_by(actor, _pairs))
        .where(p.other_facet.in_(stored))
        .group_by(p.other_facet, p.other_value)
    )
    out: dict[str, dict[str, int]] = {name: {} for name in stored}
    for other, other_value, count in rows:
        if count:
            out[other][other_value] = int(count)
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
