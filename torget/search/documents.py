"""Keeping the search index equal to the catalogue: one document per dataset.

A dataset's document holds its terms per weighted field (see `_texts`),
its sort keys, what visibility needs (state, organisation) and its facet values. The domain
events keep it current within the transaction that changed the dataset (see `subscribers`);
`reindex` rebuilds all of it, in batches, for upgrades and after bulk loads. Facet labels are
not stored: they are looked up when a search answers, so a renamed organisation or a newer
vocabulary shows at once without reindexing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import Dataset, get_datasets
from torget.catalog.vocabularies import vocabulary
from torget.db.schema import (
    dataset_facets,
    datasets,
    datastore_tables,
    distributions,
    organisations,
    search_documents,
    specification_conformance,
)
from torget.search.backend import IndexedText, full_text_for
from torget.search.bitmaps import changed
from torget.search.counts import add_counts, clear_counts, documents_of, remove_counts
from torget.search.facets import canonical_value, facet_rows, keys_text
from torget.search.terms import add_terms, clear_terms
from torget.search.text import plain_words, roots, sort_key, terms, words

__all__ = [
    "index_dataset",
    "unindex_dataset",
    "index_datasets",
    "reindex_datasets",
    "clear_index",
    "reindex",
]

BATCH = 1000
TEXT_FIELDS = ("title_sv", "title_en", "keywords", "body", "extra")  # what is matched


def _modified(dataset: Dataset) -> dt.datetime:
    """DCAT `modified` when the publisher gave it, else the last change in Torget."""
    if dataset.data.modified is not None:
        return dt.datetime.combine(dataset.data.modified, dt.time(), tzinfo=dt.UTC)
    return dataset.updated_at


def _labels(vocabulary_name: str, values: list[str]) -> tuple[list[str], list[str]]:
    found = [vocabulary(vocabulary_name).lookup(v) for v in values]
    return [c.label_sv for c in found if c], [c.label_en for c in found if c]


def _texts(dataset: Dataset, extra: Extra) -> dict[str, str]:
    """The terms of each weighted field (torget.search.text): the title; keywords, themes and
    high-value categories (with "HVD" itself); the description; and the rest, which a
    person may still search by: the organisation's title, the distributions' titles and
    formats, and the column names of their loaded tables."""
    data = dataset.data
    themes = _labels("theme", data.themes)
    hvd = _labels("hvd_category", data.hvd_categories)
    dists = dataset.distributions
    sv = [
        *data.keywords.sv, *themes[0], *hvd[0], "hvd" if data.hvd_categories else "",
    ]  # fmt: skip
    extra_sv = [extra.organisations.get(dataset.organisation_id, "")]
    extra_sv += [d.data.title.sv for d in dists if d.data.title]
    formats = (canonical_value("format", d.data.format) for d in dists)
    extra_sv += [f for f in formats if "/" not in f]
    extra_sv += [name for d in dists for name in extra.columns.get(d.id, [])]
    extra_en = [d.data.title.en or "" for d in dists if d.data.title]

    def both(sv_text: list[str], en_text: list[str]) -> str:
        found = terms("sv", words(" ".join(sv_text))) + terms("en", words(" ".join(en_text)))
        return " ".join(found)

    title_sv, title_en = words(data.title.sv), words(data.title.en)
    return {
        "roots_sv": " ".join(roots("sv", title_sv)),
        "roots_en": " ".join(roots("en", title_en)),
        "title_words": " ".join(plain_words("sv", title_sv) + plain_words("en", title_en)),
        "title_sv": both([data.title.sv], []),
        "title_en": both([], [data.title.en or ""]),
        "keywords": both(sv, [*data.keywords.en, *themes[1], *hvd[1]]),
        "body": both([data.description.sv], [data.description.en or ""]),
        "extra": both(extra_sv, extra_en),
    }


@dataclass(frozen=True)
class Extra:
    """What a batch of documents needs from beyond the datasets themselves."""

    organisations: dict[str, str]  # id → Swedish title
    columns: dict[str, list[str]]  # distribution id → its loaded table's column names

    @classmethod
    def read(cls, conn: sa.Connection, found: list[Dataset]) -> Extra:
        orgs = {d.organisation_id for d in found}
        rows = conn.execute(
            sa.select(organisations.c.id, organisations.c.data).where(organisations.c.id.in_(orgs))
        )
        titles = {r.id: str(json.loads(r.data).get("title", {}).get("sv", "")) for r in rows}
        dist_ids = [dist.id for d in found for dist in d.distributions]
        t = datastore_tables
        tables = conn.execute(
            sa.select(t.c.distribution_id, t.c.columns).where(t.c.distribution_id.in_(dist_ids))
        )
        columns = {r.distribution_id: [str(c.get("name", "")) for c in json.loads(r.columns)]
                   for r in tables}  # fmt: skip
        return cls(titles, columns)


def _row(dataset: Dataset, texts: dict[str, str], pairs: list[tuple[str, str]]
         ) -> dict[str, Any]:  # fmt: skip
    title = dataset.data.title
    return {
        "facet_keys": keys_text(pairs),
        "dataset_id": dataset.id,
        "name": dataset.name,
        "organisation_id": dataset.organisation_id,
        "state": dataset.state,
        **texts,
        "title_key_sv": sort_key(title.sv),
        "title_key_en": sort_key(title.en or title.sv),
        "modified": _modified(dataset),
    }


def index_datasets(conn: sa.Connection, found: list[Dataset]) -> None:
    """Add documents for datasets that have none (callers remove old ones first)."""
    if not found:
        return
    extra = Extra.read(conn, found)
    texts = [_texts(d, extra) for d in found]
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
    add_counts(conn, [(d.organisation_id, d.state, pairs[d.id]) for d in found])
    full_text_for(conn).write(
        conn,
        [IndexedText(doc_ids[d.id], **{f: t[f] for f in TEXT_FIELDS})
         for d, t in zip(found, texts, strict=True)],
    )  # fmt: skip
    add_terms(conn, (term for t in texts for f in TEXT_FIELDS for term in t[f].split()))
    changed(conn, doc_ids.values())


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
        changed(conn, [doc.id])
    conn.execute(search_documents.delete().where(search_documents.c.dataset_id == dataset_id))


def index_dataset(conn: sa.Connection, dataset_id: str) -> None:
    """Make the dataset's document current (or remove it, when the dataset is gone)."""
    reindex_datasets(conn, [dataset_id])


def reindex_datasets(
    conn: sa.Connection, dataset_ids: Sequence[str], written: Mapping[str, Dataset] | None = None
) -> None:
    """`index_dataset` for many datasets: the documents that exist taken out one by one (their
    counts), then all written again in one pass per `BATCH` (a harvest's new datasets have
    none to take out). Those in `written` (as their save just wrote them) are not read back,
    only asked whether they still exist."""
    for start in range(0, len(dataset_ids), BATCH):
        ids = list(dict.fromkeys(dataset_ids[start : start + BATCH]))
        docs = search_documents.c
        indexed = conn.execute(sa.select(docs.dataset_id).where(docs.dataset_id.in_(ids)))
        for dataset_id in indexed.scalars().all():
            unindex_dataset(conn, dataset_id)
        index_datasets(conn, _current(conn, ids, written or {}))


def _current(conn: sa.Connection, ids: list[str], written: Mapping[str, Dataset]) -> list[Dataset]:
    kept = [i for i in ids if i in written]
    there = set(conn.execute(sa.select(datasets.c.id).where(datasets.c.id.in_(kept))).scalars())
    read = {d.id: d for d in get_datasets(conn, SYSTEM, [i for i in ids if i not in written])}
    found = [written[i] if i in there else read.get(i) for i in ids]
    return [d for d in found if d is not None]


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


def clear_index(conn: sa.Connection) -> None:
    """Every document, facet row, kept count and term gone."""
    changed(conn, sa.select(search_documents.c.id))
    full_text_for(conn).clear(conn)
    clear_counts(conn)
    clear_terms(conn)
    conn.execute(dataset_facets.delete())
    conn.execute(search_documents.delete())


def reindex(conn: sa.Connection) -> int:
    """Rebuild the whole index from the catalogue; returns the number of datasets indexed."""
    clear_index(conn)
    total = 0
    for ids in _dataset_id_batches(conn):
        batch = get_datasets(conn, SYSTEM, ids)
        index_datasets(conn, batch)
        total += len(batch)
    return total
