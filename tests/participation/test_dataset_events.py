"""The catalogue announces what the public sees change: a dataset published, a public dataset
updated, and a public dataset withdrawn (unpublished or deleted)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from tests.participation.helpers import published_dataset
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import (
    add_distribution,
    delete_dataset,
    get_dataset,
    patch_dataset,
)
from torget.catalog.model import DistributionIn
from torget.db.engine import write
from torget.db.schema import datasets
from torget.events import DatasetPublished, DatasetUpdated, DatasetWithdrawn
from torget.site import Site

Seen = list[tuple[str, str, bool]]
Announcement = DatasetPublished | DatasetUpdated | DatasetWithdrawn


@pytest.fixture
def seen(world: object, site: Site) -> Iterator[Seen]:
    """Every announcement, with whether the dataset row was still there when it came: the
    site's subscriptions with a recorder added after them."""
    log: Seen = []

    def record(kind: str) -> Callable[[sa.Connection, Announcement], None]:
        def handler(conn: sa.Connection, event: Announcement) -> None:
            dataset_id = event.dataset_id
            row = conn.execute(sa.select(datasets.c.id).where(datasets.c.id == dataset_id))
            log.append((kind, dataset_id, row.first() is not None))

        return handler

    recorders = {
        DatasetPublished: record("published"),
        DatasetUpdated: record("updated"),
        DatasetWithdrawn: record("withdrawn"),
    }
    original = site.subscribers
    site.subscribers = {
        **original,
        **{kind: (*original.get(kind, ()), handler) for kind, handler in recorders.items()},
    }
    yield log
    site.subscribers = original


def test_each_public_change_is_announced_once(engine: sa.Engine, seen: Seen) -> None:
    draft = published_dataset(engine, state="draft")
    assert seen == []  # a draft is nobody's news
    with write(engine) as conn:
        patch_dataset(conn, SYSTEM, draft.id, {"state": "published"})
    assert seen == [("published", draft.id, True)]
    with write(engine) as conn:
        patch_dataset(conn, SYSTEM, draft.id, {"version": "2"})
        add_distribution(
            conn, SYSTEM, draft.id,
            DistributionIn.model_validate({"access_url": "https://x.example/a", "format": "CSV"}),
        )  # fmt: skip
    assert seen[1:] == [("updated", draft.id, True), ("updated", draft.id, True)]
    with write(engine) as conn:
        patch_dataset(conn, SYSTEM, draft.id, {"state": "draft"})
        patch_dataset(conn, SYSTEM, draft.id, {"version": "3"})  # a draft's edit: no news
    assert seen[3:] == [("withdrawn", draft.id, True)]


def test_deleting_a_public_dataset_withdraws_it_before_the_row_goes(
    engine: sa.Engine, seen: Seen
) -> None:
    dataset = published_dataset(engine)
    hidden = published_dataset(engine, state="draft", title={"sv": "Utkast"})
    assert seen == [("published", dataset.id, True)]
    with write(engine) as conn:
        delete_dataset(conn, SYSTEM, dataset.id)
        delete_dataset(conn, SYSTEM, hidden.id)
    assert seen[1:] == [("withdrawn", dataset.id, True)]
    with write(engine) as conn, pytest.raises(Exception, match="no dataset"):
        get_dataset(conn, SYSTEM, dataset.id)
