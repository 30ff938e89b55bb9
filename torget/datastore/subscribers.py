"""Starting loads from catalogue events, after the saving transaction commits.

A `DistributionSaved` for a loadable distribution whose URL is new inserts a queued job row in
the same transaction, so a rolled-back save leaves no job; the queue message is sent only on
commit, to the site's queue. A site opened without a queue (a script) still gets the job
rows, and a worker's sweep picks them up. `torget.site` subscribes these handlers.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.catalog.model import DistributionIn
from torget.datastore import dictionary, jobs, tables
from torget.datastore.load import loadable_source
from torget.db.engine import after_commit
from torget.db.schema import distributions
from torget.events import DistributionDeleted, DistributionSaved, Handler
from torget.site_lookup import site_of

__all__ = ["SUBSCRIPTIONS"]


def _on_saved(conn: sa.Connection, event: DistributionSaved) -> None:
    data = conn.execute(
        sa.select(distributions.c.data).where(distributions.c.id == event.distribution_id)
    ).scalar_one()
    source = loadable_source(DistributionIn.model_validate_json(data))
    if source is None:
        return
    last = jobs.latest_job(conn, event.distribution_id)
    if last is not None and last.source == source[0] and last.state != "failed":
        return
    job_id = jobs.create_job(conn, event.distribution_id, *source)
    queue = site_of(conn, "queueing a datastore load").queue
    if queue is not None:
        after_commit(conn, lambda: queue.enqueue(job_id))


def _on_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    tables.drop_table(conn, event.distribution_id)
    dictionary.remove_descriptions(conn, event.distribution_id)
    root = site_of(conn, "removing a deleted table's files").settings.datastore_path
    after_commit(conn, lambda: tables.remove_stale(root, event.distribution_id, None))


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DistributionSaved, _on_saved),
    (DistributionDeleted, _on_deleted),
)
