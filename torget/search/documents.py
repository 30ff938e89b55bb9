"""Keeping the search index equal to the catalogue: one document per dataset.

A dataset's document holds its words (title; description and keywords; each per language),
its sort keys, what visibility needs (state, organisation) and its facet values. The domain
events keep it current within the transaction that changed the dataset (see `subscribers`);
`reindex` rebuilds all of it, in batches, for upgrades and after bulk loads. Facet labels are
not stored: they are looked up when a search answers, so a renamed organisation or a newer
vocabulary shows at once without reindexing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import Dataset, get_datasets
from torget.db.schema import (
    dataset_facets,
    datasets,
    datastore_tables,
    distributions,
    search_documents,
    specification_conformance,
)
from torget.search.backend import IndexedText, full_text_for
from torget.search.counts import add_counts, clear_counts, documents_of, remove_counts
from torget.search.facets import facet_rows, keys_text
from torget.search.text import sort_key, words

__all__ = ["index_dataset", "unindex_dataset", "index_datasets", "reindex"]

BATCH = 1000


def _modified(dataset: Dataset) -> dt.datetime:
    """DCAT `modified` when the publisher gave it, else the last change in Torget."""
    if dataset.data.modified is not None:
        return dt.datetime.combine(dataset.data.modified, dt.time(), tzinfo=dt.UTC)
    return dataset.updated_at


def _texts(dataset: Dataset) -> dict[str, list[str]]:
    data = dataset.data
    description_en = data.description.en or ""
    return {
        "title_sv": words(data.title.sv),
        "title_en": words(data.title.en),
        "body_sv": words(data.description.sv + " " + " ".join(data.keywords.sv)),
        "body_en": words(description_en + " " + " ".join(data.keywords.en)),
    }


def _row(dataset: Dataset, texts: dict[str, list[str]], pairs: list[tuple[str, str]]
         ) -> dict[str, Any]:  # fmt: skip
    title = dataset.data.title
    return {
        "facet_keys": keys_text(pairs),
        "dataset_id": dataset.id,
        "name": dataset.name,
        "organisation_id": dataset.organisation_id,
        "state": dataset.state,
        **{part: " ".join(found) for part, found in texts.items()},
        "title_key_sv": sort_key(title.sv),
        "title_key_en": sort_key(title.en or title.sv),
        "modified": _modified(dataset),
    }


def index_datasets(conn: sa.Connection, found: list[Dataset]) -> None:
    """Add documents for datasets that have none (callers remove old ones first)."""
    if not found:
        return
    texts = [_texts(d) for d in found]
    conforming = conforming_distributions(conn, [d.id for d in found])
    pairs = {d.id: facet_rows(d, conforming) for d in found}
    inserted = conn.execute(
        search_documents.insert().returning(
            search_documents.c.id, search_documents.c.dataset_id, sort_by_parameter_order=True
        ),
        [_row(d, t, pairs[d.id]) for d, t in zip(found, texts, strict=True)],
    ).all()
    doc_ids = {row.dataset_id: row.id for row in inserted}
    facets = [
        {"doc_id": doc_ids[d.id], "facet": facet, "value": value}
        for d in found
        for facet, value in pairs[d.id]
    ]
    if facets:
        conn.execute(dataset_facets.insert(), facets)
    add_counts(
        conn,
        Counter(
            (d.organisation_id, d.state, facet, value)
            for d in found
            for facet, value in pairs[d.id]
        ),
    )
    full_text_for(conn).write(
        conn, [IndexedText(doc_ids[d.id], **t) for d, t in zip(found, texts, strict=True)]
    )


def conforming_distributions(conn: sa.Connection, dataset_ids: list[str]) -> dict[str, str]:
    """Distribution id → specification IRI, for the datasets' distributions whose current table
    was checked and follows it (issue 16: the `conforms` facet counts only these)."""
    c, t, d = specification_conformance, datastore_tables, distributions
    rows = conn.execute(
        sa.select(c.c.distribution_id, c.c.specification_iri)
        .join(t, (t.c.distribution_id == c.c.distribution_id) & (t.c.job_id == c.c.job_id))
        .join(d, d.c.id == c.c.distribution_id)
        .where(d.c.dataset_id.in_(dataset_ids), c.c.state.in_(("conforms", "warnings")))
    )
    return {r.distribution_id: r.specification_iri for r in rows}


def unindex_dataset(conn: sa.Connection, dataset_id: str) -> None:
    for doc in documents_of(conn, dataset_id):
        remove_counts(conn, doc.id, doc.organisation_id, doc.state)
        conn.execute(dataset_facets.delete().where(dataset_facets.c.doc_id == doc.id))
    conn.execute(search_documents.delete().where(search_documents.c.dataset_id == dataset_id))


def index_dataset(conn: sa.Connection, dataset_id: str) -> None:
    """Make the dataset's document current (or remove it, when the dataset is gone)."""
    unindex_dataset(conn, dataset_id)
    index_datasets(conn, get_datasets(conn, SYSTEM, [dataset_id]))


def _dataset_id_batches(conn: sa.Connection) -> Iterator[list[str]]:
    last = ""
    while True:
        ids = list(
            conn.execute(
                sa.select(datasets.c.id)
                .where(datasets.c.id > last)
                .order_by(datasets.c.id)
                .limit(BATCH)
            ).scalars()
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def reindex(conn: sa.Connection) -> int:
    """Rebuild the whole index from the catalogue; returns the number of datasets indexed."""
    full_text_for(conn).clear(conn)
    clear_counts(conn)
    conn.execute(dataset_facets.delete())
    conn.execute(search_documents.delete())
    total = 0
    for ids in _dataset_id_batches(conn):
        batch = get_datasets(conn, SYSTEM, ids)
        index_datasets(conn, batch)
        total += len(batch)
    return total
