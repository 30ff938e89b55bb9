"""A harvest hands its datasets to the search index, the due dates, followers and webhooks all
at once (the events gathered, `torget.events.gathered`): what it leaves must be what saving
each dataset alone leaves, so harvested datasets are found, faceted, counted and announced
like any other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import suite_settings
from tests.harvest.catalogues import catalogue, dataset, simple
from tests.harvest.conftest import Served, add, run
from tests.participation.helpers import add_user
from torget.accounts.permissions import SYSTEM, actor_for
from torget.accounts.users import get_user
from torget.db.engine import write
from torget.db.schema import (
    dataset_due_dates,
    dataset_facets,
    mail_queue,
    search_documents,
    search_facet_counts,
    search_facet_pairs,
    search_terms,
    webhook_deliveries,
)
from torget.events import DatasetSaved, publish
from torget.participation.follows import follow
from torget.participation.webhooks import create_webhook
from torget.search.documents import clear_index
from torget.search.query import search_datasets
from torget.search.request import SearchQuery
from torget.settings import Settings
from torget.site import Site

EU = "http://publications.europa.eu/resource/authority"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The harvest tests' settings, and a webhook receiver on loopback allowed."""
    return suite_settings(
        database_url, tmp_path, harvest_allow_private=True, harvest_timeout_seconds=2,
        allow_private_addresses=True,
    )  # fmt: skip


def _described(n: int, theme: str, frequency: str, word: str) -> str:
    extra = (
        f"dcat:theme <{EU}/data-theme/{theme}> ; "
        f"dcterms:accrualPeriodicity <{EU}/frequency/{frequency}> ; "
        f'dcat:keyword "{word}"@sv ; dcterms:title "Dataset {n}"@en ;'
    )
    return dataset(n, title=f"{word.capitalize()} i Sjöstad {n}", extra=extra)


BROKEN = """
<https://data.example/dataset/3/csv> a dcat:Distribution ;
    dcat:accessURL <https://data.example/files/3%zz.csv> ;
    dcterms:format "text/csv" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/deed.sv> .
"""

QUERIES = (
    SearchQuery(),
    SearchQuery(text="buss"),
    SearchQuery(text="nyckelord", sort="title"),
    SearchQuery(filters={"theme": ["TRAN"]}),
    SearchQuery(filters={"keyword": ["luft"], "theme": ["TRAN"], "format": ["CSV"]}),
)


def _rows(conn: sa.Connection, table: sa.Table) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in conn.execute(sa.select(table)))


def _index(site: Site) -> dict[str, Any]:
    """Everything search and the due dates keep, without the documents' own ids."""
    docs = search_documents.c
    with site.engine.connect() as conn:
        documents = {
            r.dataset_id: {k: v for k, v in r._mapping.items() if k != "id"}
            for r in conn.execute(sa.select(search_documents))
        }
        facets = sorted(
            tuple(r)
            for r in conn.execute(
                sa.select(docs.dataset_id, dataset_facets.c.facet, dataset_facets.c.value).join(
                    search_documents, docs.id == dataset_facets.c.doc_id
                )
            )
        )
        searches = []
        for query in QUERIES:
            found = search_datasets(conn, SYSTEM, query)
            searches.append((
                found.total,
                [d.name for d in found.items],
                {f: [(v.value, v.count) for v in values] for f, values in found.facets.items()},
            ))  # fmt: skip
        return {
            "documents": documents,
            "facets": facets,
            "counts": _rows(conn, search_facet_counts),
            "pairs": _rows(conn, search_facet_pairs),
            "terms": _rows(conn, search_terms),
            "due": _rows(conn, dataset_due_dates),
            "searches": searches,
        }


def test_a_harvested_batch_is_indexed_as_datasets_saved_one_by_one(
    site: Site, region: str, served: Served
) -> None:
    body = catalogue(
        _described(1, "ENVI", "DAILY", "luft"),
        _described(2, "TRAN", "MONTHLY", "buss"),
        dataset(3, distribution=BROKEN),  # refused by the guard: the run is written twice
        _described(4, "TRAN", "ANNUAL", "luft"),
        ids=[1, 2, 3, 4],
    )
    result = run(site, add(site, served.put("/dcat.ttl", body, "text/turtle")))
    assert (result.created, result.skipped) == (3, 1), result.as_json()
    harvested = _index(site)
    assert len(harvested["documents"]) == len(harvested["due"]) == 3
    assert [total for total, _, _ in harvested["searches"]] == [3, 1, 3, 2, 1]

    with write(site.engine) as conn:
        clear_index(conn)
        conn.execute(dataset_due_dates.delete())
        for dataset_id in sorted(harvested["documents"]):
            publish(conn, DatasetSaved(dataset_id))  # each alone, as an editor's save
    assert _index(site) == harvested


def test_followers_and_webhooks_hear_of_each_harvested_dataset(
    site: Site, region: str, served: Served
) -> None:
    add_user(site.engine, "fan")
    with write(site.engine) as conn:
        follow(conn, actor_for(conn, get_user(conn, "fan")), "organisation", "region")
        create_webhook(conn, SYSTEM, "region", served.base + "/hook", ["dataset.published"])
    result = run(site, add(site, served.put("/dcat.ttl", simple(1, 2, 3), "text/turtle")))
    assert result.created == 3, result.as_json()
    with site.engine.connect() as conn:
        mails = conn.execute(sa.select(mail_queue.c.recipient, mail_queue.c.subject)).all()
        calls = conn.execute(sa.select(webhook_deliveries.c.event, webhook_deliveries.c.payload))
        called = sorted((e, json.loads(p)["dataset"]["title"]["sv"]) for e, p in calls)
    published = [f"Datamängd {n}" for n in (1, 2, 3)]
    assert sorted(s for r, s in mails if r == "fan@example.se") == [
        f"Publicerad: {title}" for title in published
    ]
    assert called == [("dataset.published", title) for title in published]
