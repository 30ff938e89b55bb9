"""The index follows the catalogue (domain events, same transaction) and can be rebuilt."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.search.conftest import _dist
from torget.accounts.permissions import ANONYMOUS, SYSTEM
from torget.catalog.datasets import add_distribution, delete_dataset, patch_dataset
from torget.catalog.model import DistributionIn, OrganisationIn
from torget.catalog.organisations import get_organisation, update_organisation
from torget.db.engine import read, write
from torget.db.schema import dataset_facets, search_documents
from torget.errors import NotFound
from torget.search import (
    SearchQuery,
    popularity_of,
    record_download,
    record_view,
    reindex,
    search_datasets,
)


def _names(engine: sa.Engine, **query: object) -> set[str]:
    with read(engine) as conn:
        found = search_datasets(conn, ANONYMOUS, SearchQuery(page_size=50, **query))  # type: ignore[arg-type]
    return {d.name for d in found.items}


def _facet(engine: sa.Engine, facet: str) -> dict[str, tuple[int, str]]:
    with read(engine) as conn:
        found = search_datasets(conn, ANONYMOUS, SearchQuery())
    return {v.value: (v.count, v.label_sv) for v in found.facets[facet]}


def test_changes_are_indexed_in_their_transaction(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    with write(engine) as conn:
        changes = {"title": {"sv": "Övergångsställen"}, "description": {"sv": "Var de är."}}
        patch_dataset(conn, SYSTEM, "zebra", changes)
    assert _names(engine, text="zebralinjer") == set()
    assert _names(engine, text="övergångsställe") == {"zebra"}

    with write(engine) as conn:
        add_distribution(conn, SYSTEM, catalogue["zebra"], DistributionIn(**_dist("JSON")))
    assert _names(engine, filters={"format": ["JSON"]}) == {"zebra", "vattenkvalitet"}

    with write(engine) as conn:
        patch_dataset(conn, SYSTEM, "bibliotek", {"state": "published"})
    assert "bibliotek" in _names(engine, text="bibliotek")

    with write(engine) as conn:
        delete_dataset(conn, SYSTEM, "badplatser")
    assert _names(engine, text="badplatser") == {"vattenkvalitet"}


def test_a_rolled_back_change_leaves_the_index_alone(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    with pytest.raises(RuntimeError), write(engine) as conn:
        patch_dataset(conn, SYSTEM, "zebra", {"title": {"sv": "Övergångsställen"}})
        raise RuntimeError("the publication guard refused it")
    assert _names(engine, text="zebralinjer") == {"zebra"}
    assert _names(engine, text="övergångsställe") == set()


def test_organisation_titles_label_the_facet_at_once(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    assert _facet(engine, "organisation")["trafik"] == (2, "Trafikkontoret")
    with write(engine) as conn:
        org = get_organisation(conn, "trafik")
        renamed = org.data.model_dump() | {"title": {"sv": "Gatukontoret"}}
        update_organisation(conn, SYSTEM, "trafik", OrganisationIn.model_validate(renamed))
    assert _facet(engine, "organisation")["trafik"] == (2, "Gatukontoret")


def _index_rows(engine: sa.Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    docs = search_documents
    columns = [c for c in docs.c if c.name != "id"]
    with read(engine) as conn:
        rows = conn.execute(sa.select(*columns).order_by(docs.c.dataset_id)).all()
        facets = conn.execute(
            sa.select(docs.c.dataset_id, dataset_facets.c.facet, dataset_facets.c.value)
            .join(docs, docs.c.id == dataset_facets.c.doc_id)
            .order_by(docs.c.dataset_id, dataset_facets.c.facet, dataset_facets.c.value)
        ).all()
    return [tuple(r) for r in rows], [tuple(r) for r in facets]


def test_reindex_rebuilds_the_same_index_and_keeps_popularity(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    before = _index_rows(engine)
    with write(engine) as conn:
        record_view(conn, catalogue["zebra"])
        record_download(conn, catalogue["zebra"])
        conn.execute(dataset_facets.delete())
        conn.execute(search_documents.delete())
    assert _names(engine) == set()
    with write(engine) as conn:
        assert reindex(conn) == 8
    assert _index_rows(engine) == before
    assert _names(engine, text="badplats") == {"badplatser", "vattenkvalitet"}
    with read(engine) as conn:
        assert popularity_of(conn, catalogue["zebra"]) == 4


def test_popularity_orders_and_needs_a_dataset(
    engine: sa.Engine, catalogue: dict[str, str]
) -> None:
    with write(engine) as conn:
        for _ in range(3):
            record_view(conn, catalogue["angar"])
        record_download(conn, catalogue["forskolor"])  # 3 points: ties with angar, name first
        record_view(conn, catalogue["zebra"])
    with read(engine) as conn:
        found = search_datasets(conn, ANONYMOUS, SearchQuery(sort="popularity", page_size=3))
        assert [d.name for d in found.items] == ["angar", "forskolor", "zebra"]
    with pytest.raises(NotFound), write(engine) as conn:
        record_view(conn, "no-such-dataset")
