"""Starting loads from catalogue events, after the saving transaction commits.

A `DistributionSaved` for a loadable distribution whose URL is new inserts a queued job row in
the same transaction, so a rolled-back save leaves no job; the queue message is sent only on
commit, to the site's queue. A site opened without a queue (a script) still gets the job
rows, and a worker's sweep picks them up. `torget.site` subscribes these handlers.

A harvest saves its distributions inside `torget.events.gathered`, so they come here together,
read in one query per 500 (a job per CSV address, each read alone, cost a first harvest a
tenth of its time). A distribution harvested from a source that does not load the datastore
(`load_datastore` off, the default) gets no job: a regional aggregate would otherwise queue a
download of every municipality's files, which the harvest then removed again
(`torget.harvest.origins.hold_datastore_loads`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from torget.catalog.model import DistributionIn
from torget.datastore import dictionary, jobs, tables
from torget.datastore.load import loadable_source
from torget.db.engine import after_commit
from torget.db.schema import distributions, harvest_origins, harvest_sources
from torget.events import Bulk, DistributionDeleted, DistributionSaved, Handler
from torget.site_lookup import site_of

__all__ = ["SUBSCRIPTIONS"]


_CHUNK = 500


def _saved(conn: sa.Connection, ids: list[str]) -> list[sa.Row[tuple[str, str, bool | None]]]:
    """Each distribution still there, with whether its harvest source loads the datastore
    (None: not harvested)."""
    return list(
        conn.execute(
            sa.select(distributions.c.id, distributions.c.data, harvest_sources.c.load_datastore)
            .outerjoin(harvest_origins, harvest_origins.c.dataset_id == distributions.c.dataset_id)
            .outerjoin(harvest_sources, harvest_sources.c.id == harvest_origins.c.source_id)
            .where(distributions.c.id.in_(ids))
        )
    )


def _on_saved(conn: sa.Connection, events: Sequence[DistributionSaved]) -> None:
    ids = list(dict.fromkeys(e.distribution_id for e in events))
    for i in range(0, len(ids), _CHUNK):
        for row in _saved(conn, ids[i : i + _CHUNK]):
            if row.load_datastore is not False:
                _queue_load(conn, row.id, DistributionIn.model_validate_json(row.data))


def _queue_load(conn: sa.Connection, distribution_id: str, data: DistributionIn) -> None:
    source = loadable_source(data)
    if source is None:
        return
    last = jobs.latest_job(conn, distribution_id)
    if last is not None and last.source == source[0] and last.state != "failed":
        return
    job_id = jobs.create_job(conn, distribution_id, *source)
    queue = site_of(conn, "queueing a datastore load").queue
    if queue is not None:
        after_commit(conn, lambda: queue.enqueue(job_id))


def _on_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    tables.drop_table(conn, event.distribution_id)
    dictionary.remove_descriptions(conn, event.distribution_id)
    root = site_of(conn, "removing a deleted table's files").settings.datastore_path
    after_commit(conn, lambda: tables.remove_stale(root, event.distribution_id, None))


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DistributionSaved, Bulk(_on_saved)),  # a harvest's distributions together
    (DistributionDeleted, _on_deleted),
)
