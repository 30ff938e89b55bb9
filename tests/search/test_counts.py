"""Facet counts are exact on every path a search can take, and the kept counts
(`search_facet_counts`, and the pairs' counts `search_facet_pairs` that answer one click on a
theme, organisation, format, licence or HVD category) stay equal to the documents through
changes, deletions, rollbacks and rebuilds.

The expected counts are worked out here from the datasets themselves (their facet values and
who may read them), independently of the SQL: a search without text or filters reads the kept
counts, one filter reads them for its own facet, more filters or text count the documents.
"""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest
import sqlalchemy as sa

from tests.search.conftest import HVD_GEO, _dist
from torget.accounts.permissions import ANONYMOUS, SYSTEM, Actor, actor_for
from torget.accounts.users import create_user
from torget.catalog.datasets import (
    Dataset,
    add_distribution,
    delete_dataset,
    get_datasets,
    patch_dataset,
)
from torget.catalog.model import DistributionIn
from torget.catalog.organisations import set_member
from torget.db.engine import read, write
from torget.db.schema import (
    dataset_facets,
    search_documents,
    search_facet_counts,
    search_facet_pairs,
)
from torget.db.schema import datasets as datasets_table
from torget.search import (
    FACETS,
    SearchQuery,
    popularity_of,
    record_download,
    record_view,
    reindex,
    search_datasets,
)
from torget.search.counts import PAIRED
from torget.search.facets import canonical_value, facet_rows, stored_facet

PUBLISHED = {"badplatser", "vattenkvalitet", "parkering", "forskolor", "angar", "zebra"}


def _kept(conn: sa.Connection) -> Counter[tuple[str, str, str, str]]:
    c = search_facet_counts.c
    rows = conn.execute(sa.select(c.organisation_id, c.state, c.facet, c.value, c.count))
    return Counter({(o, s, f, v): n for o, s, f, v, n in rows})


def _recounted(conn: sa.Connection) -> Counter[tuple[str, str, str, str]]:
    d, f = search_documents.c, dataset_facets.c
    rows = conn.execute(
        sa.select(d.organisation_id, d.state, f.facet, f.value, sa.func.count())
        .select_from(search_documents.join(dataset_facets, f.doc_id == d.id))
        .group_by(d.organisation_id, d.state, f.facet, f.value)
    )
    return Counter({(o, s, fa, v): n for o, s, fa, v, n in rows})


def _kept_pairs(conn: sa.Connection) -> Counter[tuple[str, ...]]:
    c = search_facet_pairs.c
    columns = (c.organisation_id, c.state, c.facet, c.value, c.other_facet, c.other_value)
    return Counter({tuple(row[:-1]): row[-1] for row in conn.execute(sa.select(*columns, c.count))})


def _recounted_pairs(conn: sa.Connection) -> Counter[tuple[str, ...]]:
    """The pairs worked out in Python from each document's facet rows."""
    d, f = search_documents.c, dataset_facets.c
    rows: dict[int, list[tuple[str, str]]] = {}
    for doc_id, facet, value in conn.execute(sa.select(f.doc_id, f.facet, f.value)):
        rows.setdefault(doc_id, []).append((facet, value))
    docs = conn.execute(sa.select(d.id, d.organisation_id, d.state))
    return Counter(
        (o, s, fa, v, other, ov)
        for doc_id, o, s in docs
        for fa, v in rows.get(doc_id, [])
        if fa in PAIRED
        for other, ov in rows.get(doc_id, [])
        if other != fa
    )


def _assert_kept_counts_current(engine: sa.Engine) -> None:
    with read(engine) as conn:
        kept, recounted = _kept(conn), _recounted(conn)
        pairs, recounted_pairs = _kept_pairs(conn), _recounted_pairs(conn)
    assert kept == recounted
    assert all(n > 0 for n in kept.values())  # no rows left at zero
    assert pairs == recounted_pairs and pairs
    assert all(n > 0 for n in pairs.values())


def _member(engine: sa.Engine) -> Actor:
    with write(engine) as conn:
        user = create_user(conn, "greta", "greta@grannby.example", "secret-password")
        set_member(conn, SYSTEM, "grannby", "greta", "member")
        return actor_for(conn, user)


def _expected(
    datasets: list[Dataset], actor: Actor, filters: dict[str, list[str]], lang: str
) -> dict[str, Counter[str]]:
    """Faceted-search counts by definition: a value counts the readable datasets that have it
    and pass every filter but its own facet's."""
    readable = [d for d in datasets if actor.can_read(d.organisation_id, d.state)]
    values = {d.id: set(facet_rows(d)) for d in readable}
    chosen = {
        stored_facet(f, lang): {canonical_value(f, v) for v in vs} for f, vs in filters.items()
    }

    def passes(d: Dataset, skip: str | None) -> bool:
        return all(
            any((name, v) in values[d.id] for v in wanted)
            for name, wanted in chosen.items()
            if name != skip
        )

    out = {}
    for facet in FACETS:
        name = stored_facet(facet, lang)
        out[facet] = Counter(
            v for d in readable if passes(d, name) for f, v in values[d.id] if f == name
        )
    return out


QUERIES: list[dict[str, list[str]]] = [
    {},
    {"theme": ["ENVI"]},
    {"theme": ["ENVI", "TRAN"]},
    {"format": ["CSV"]},
    {"license": ["CC-BY-4.0"]},
    {"organisation": ["trafik"]},
    {"keyword": ["bad"]},
    {"theme": ["nothing"]},
    {"theme": ["ENVI"], "format": ["CSV"]},
    {"theme": ["ENVI", "AGRI"], "format": ["CSV", "XLSX"], "license": ["CC-BY-4.0"]},
    {"hvd": [HVD_GEO], "organisation": ["trafik", "sjostad"]},
    {"format": ["JSON"], "license": ["CC0-1.0"], "theme": ["HEAL"], "keyword": ["bad"]},
]


def _passes_filter(d: Dataset, facet: str, values: list[str], lang: str) -> bool:
    """The dataset has one of the chosen values of the facet."""
    name = stored_facet(facet, lang)
    wanted = {canonical_value(facet, v) for v in values}
    return any(f == name and v in wanted for f, v in facet_rows(d))


def _check_every_path(engine: sa.Engine, actors: list[Actor]) -> None:
    with read(engine) as conn:
        ids = list(conn.execute(sa.select(datasets_table.c.id)).scalars())
        datasets = get_datasets(conn, SYSTEM, ids)
    for actor, filters, lang in product(actors, QUERIES, ("sv", "en")):
        query = SearchQuery(filters=filters, lang=lang, page_size=50)  # type: ignore[arg-type]
        with read(engine) as conn:
            found = search_datasets(conn, actor, query)
        expected = _expected(datasets, actor, filters, lang)
        got = {
            f: Counter({v.value: v.count for v in vs if v.count}) for f, vs in found.facets.items()
        }
        assert got == expected, (filters, lang, actor.roles)
        passing = [
            d.name
            for d in datasets
            if actor.can_read(d.organisation_id, d.state)
            and all(_passes_filter(d, f, vs, lang) for f, vs in filters.items())
        ]
        assert found.total == len(passing), (filters, lang)
        assert {d.name for d in found.items} == set(passing), (filters, lang)


def test_counts_without_text_are_exact_for_every_reader(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    _assert_kept_counts_current(engine)
    _check_every_path(engine, [ANONYMOUS, _member(engine), SYSTEM])


def test_kept_counts_follow_changes_rollbacks_and_rebuilds(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    member = _member(engine)
    with write(engine) as conn:
        patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
        patch_dataset(conn, SYSTEM, "zebra", {"organisation": "grannby", "themes": ["ENVI"]})
        add_distribution(conn, SYSTEM, catalogue["forskolor"], DistributionIn(**_dist("JSON")))
    _assert_kept_counts_current(engine)
    _check_every_path(engine, [ANONYMOUS, member])

    with write(engine) as conn:
        delete_dataset(conn, SYSTEM, "badplatser")
        patch_dataset(conn, SYSTEM, "avfall", {"state": "published"})
    _assert_kept_counts_current(engine)
    _check_every_path(engine, [ANONYMOUS, member])

    with pytest.raises(RuntimeError), write(engine) as conn:
        delete_dataset(conn, SYSTEM, "vattenkvalitet")
        raise RuntimeError("rolled back")
    _assert_kept_counts_current(engine)

    with read(engine) as conn:
        before = _kept(conn)
    with write(engine) as conn:
        conn.execute(sa.delete(search_facet_counts))  # lost or stale: a rebuild restores them
        conn.execute(sa.delete(search_facet_pairs))
        reindex(conn)
    with read(engine) as conn:
        assert _kept(conn) == before
    _assert_kept_counts_current(engine)
    _check_every_path(engine, [ANONYMOUS, member, SYSTEM])


def test_the_popularity_order_pages_through_used_and_unused_datasets(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    """Without text or filters the popularity order is read in two walks (used datasets by
    score, then the rest by name); every page must be the slice of the one full order."""
    uses = {"zebra": (1, 0), "angar": (0, 1), "parkering": (3, 0), "forskolor": (2, 1)}
    with write(engine) as conn:
        for name, (views, downloads) in uses.items():
            for _ in range(views):
                record_view(conn, catalogue[name])
            for _ in range(downloads):
                record_download(conn, catalogue[name])
        record_view(conn, catalogue["bibliotek"])  # a draft: used, but not for anonymous
    for actor, names in ((ANONYMOUS, PUBLISHED), (SYSTEM, set(catalogue))):
        with read(engine) as conn:
            score = {n: popularity_of(conn, catalogue[n]) for n in names}
        expected = sorted(names, key=lambda n: (-score[n], n))
        for size in (1, 2, 3, 4, 5, 7):
            pages = []
            for number in range(1, len(names) // size + 3):
                query = SearchQuery(sort="popularity", page=number, page_size=size)
                with read(engine) as conn:
                    found = search_datasets(conn, actor, query)
                assert found.total == len(names)
                pages += [d.name for d in found.items]
            assert pages == expected, (size, actor.roles)


@pytest.mark.parametrize("sort", ["relevance", "title", "modified", "name", "popularity"])
def test_one_click_pages_through_the_same_order_however_it_is_walked(
    engine: sa.Engine, catalogue: dict[str, str], sort: str
) -> None:
    """One facet value without text is paged either along the sort's index, testing each
    document (when the value is common compared with the page's end), or by sorting the
    documents that have it; page by page it must be the slice of the one full order."""
    member = _member(engine)
    for actor, filters in product(
        (ANONYMOUS, member), ({"theme": ["ENVI"]}, {"format": ["CSV"]}, {"license": ["CC0-1.0"]})
    ):
        whole = SearchQuery(filters=filters, sort=sort, page_size=50)  # type: ignore[arg-type]
        with read(engine) as conn:
            expected = [d.name for d in search_datasets(conn, actor, whole).items]
        for size in (1, 2, 3):
            pages = []
            for number in range(1, len(expected) // size + 2):
                query = SearchQuery(
                    filters=filters,
                    sort=sort,
                    page=number,
                    page_size=size,  # type: ignore[arg-type]
                )
                with read(engine) as conn:
                    found = search_datasets(conn, actor, query)
                assert found.total == len(expected)
                pages += [d.name for d in found.items]
            assert pages == expected, (filters, size, actor.roles)
        assert expected, filters
