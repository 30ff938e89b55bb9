"""Starting loads from catalogue events, after the saving transaction commits.

A `DistributionSaved` for a loadable distribution whose URL is new inserts a queued job row in
the same transaction, so a rolled-back save leaves no job; the queue message is sent only on
commit. An engine without a queue attached (a script, a test) still gets the job rows, and a
worker's sweep picks them up.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from torget.catalog.model import DistributionIn
from torget.datastore import dictionary, jobs, tables
from torget.datastore.load import loadable_source
from torget.datastore.queue import Queue
from torget.db.schema import distributions
from torget.events import DistributionDeleted, DistributionSaved, subscribe
from torget.settings import Settings

__all__ = ["attach", "install"]


@dataclass(frozen=True)
class _Context:
    settings: Settings
    queue: Queue | None


_contexts: weakref.WeakKeyDictionary[sa.Engine, _Context] = weakref.WeakKeyDictionary()


def attach(engine: sa.Engine, settings: Settings, queue: Queue | None) -> None:
    """Send this engine's new jobs to `queue` and clean files under these settings."""
    _contexts[engine] = _Context(settings, queue)


def _after_commit(conn: sa.Connection, action: Callable[[], None]) -> None:
    def run(_conn: sa.Connection) -> None:
        action()

    sa.event.listen(conn, "commit", run, once=True)


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
    context = _contexts.get(conn.engine)
    if context is not None and context.queue is not None:
        queue = context.queue
        _after_commit(conn, lambda: queue.enqueue(job_id))


def _on_deleted(conn: sa.Connection, event: DistributionDeleted) -> None:
    tables.drop_table(conn, event.distribution_id)
    dictionary.remove_descriptions(conn, event.distribution_id)
    context = _contexts.get(conn.engine)
    if context is not None:
        root = context.settings.datastore_path
        _after_commit(conn, lambda: tables.remove_stale(root, event.distribution_id, None))


def install() -> None:
    subscribe(DistributionSaved, _on_saved)
    subscribe(DistributionDeleted, _on_deleted)


install()
