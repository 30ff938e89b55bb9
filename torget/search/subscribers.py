"""The search index follows the catalogue through its domain events (torget.events).

Handlers run inside the transaction that changed the dataset, so the index is committed or
rolled back with it: a refused publication leaves no trace in search either. Importing this
module registers them; `torget.search` imports it, and `torget.app` and `torget.cli` import
`torget.search`.

Organisations need no handler: facet labels are looked up at query time (see `documents`) and
an organisation's short name, the facet value, never changes.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.events import DatasetDeleted, DatasetSaved, Handler
from torget.search.documents import index_dataset, unindex_dataset

__all__: list[str] = []


def _on_dataset_saved(conn: sa.Connection, event: DatasetSaved) -> None:
    index_dataset(conn, event.dataset_id)


def _on_dataset_deleted(conn: sa.Connection, event: DatasetDeleted) -> None:
    unindex_dataset(conn, event.dataset_id)


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DatasetSaved, _on_dataset_saved),
    (DatasetDeleted, _on_dataset_deleted),
)
