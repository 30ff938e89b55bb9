"""The search index follows the catalogue through its domain events (torget.events).

Handlers run inside the transaction that changed the dataset, so the index is committed or
rolled back with it: a refused publication leaves no trace in search either. Importing this
module registers them; `torget.search` imports it, and `torget.app` and `torget.cli` import
`torget.search`.

Organisations need no handler: facet labels are looked up at query time (see `documents`) and
an organisation's short name, the facet value, never changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from torget.events import Bulk, DatasetDeleted, DatasetSaved, Handler
from torget.search.documents import reindex_datasets, unindex_dataset

__all__: list[str] = []


def _on_datasets_saved(conn: sa.Connection, events: Sequence[DatasetSaved]) -> None:
    """The datasets indexed as their saves wrote them, where every save of one in the block
    handed it over (a harvest's new datasets); the others read back."""
    written = {e.dataset_id: e.written for e in events if e.written is not None}
    for e in events:
        if e.written is None:
            written.pop(e.dataset_id, None)
    reindex_datasets(conn, [e.dataset_id for e in events], written)


def _on_dataset_deleted(conn: sa.Connection, event: DatasetDeleted) -> None:
    unindex_dataset(conn, event.dataset_id)


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DatasetSaved, Bulk(_on_datasets_saved)),  # a harvest's datasets in one pass
    (DatasetDeleted, _on_dataset_deleted),
)
