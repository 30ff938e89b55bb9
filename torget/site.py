"""One Torget site: its settings and every backend, built once, and what a change sets off.

The web app (`create_app`), the command line, the worker and the tests each open the site with
`Site.open(settings)` and pass it down; nothing finds a backend through a registry. The
site's engine carries the site (`torget.site_lookup`), so a domain function or an event
subscriber that holds only a connection still reaches the site's settings, queue, mailer and
webhook sender, and a connection of an engine that no site opened has none.

`SUBSCRIPTIONS` below is the one list of what runs when the catalogue or the participation
changes: each handler runs inside the change's transaction, in this order, and its side
effects outside the database (a queue message, a mail, a webhook call, a file removed) wait
for the commit (`torget.db.engine.after_commit`). A harvest gathers its events
(`torget.events.gathered`): the `Bulk` handlers then run once, at the end, with all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from torget.catalog import stored_files
from torget.datastore import loads_stamp
from torget.datastore import subscribers as datastore_jobs
from torget.datastore import version_store as datastore_versions
from torget.datastore.queue import Queue, make_queue
from torget.datastore.sandbox import SqlLimits, SqlSandbox
from torget.db.engine import make_engine
from torget.db.migrate import upgrade
from torget.dcat import feed_cache
from torget.events import Handler
from torget.files import FileStore, open_file_store
from torget.mail import Mailer, make_mailer
from torget.participation import comments, follows, suggestion_letters, webhooks
from torget.participation.webhook_sender import Sender
from torget.publishing import freshness
from torget.search import subscribers as search_index
from torget.settings import Settings
from torget.site_lookup import SITE_OPTION
from torget.specifications import subscribers as specifications
from torget.usage import UsageCounter, open_counter

__all__ = ["Site", "SUBSCRIPTIONS", "sql_limits"]

# What a change sets in motion, in order. Datasets: the search index first (so that what the
# later handlers read is current), then the participation's e-mails and webhooks. Distributions:
# a datastore load for a new file address; a deleted one's table and stored file go.
SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    *specifications.SUBSCRIPTIONS,  # a declaration gone → its check; sources → combined tables
    *search_index.SUBSCRIPTIONS,  # DatasetSaved, DatasetDeleted → the search index
    *datastore_jobs.SUBSCRIPTIONS,  # DistributionSaved → a load job; Deleted → drop the table
    *datastore_versions.SUBSCRIPTIONS,  # DistributionDeleted → its kept versions
    *stored_files.SUBSCRIPTIONS,  # DistributionDeleted → its uploaded file, after the commit
    *comments.SUBSCRIPTIONS,  # DatasetDeleted → its comments
    *follows.SUBSCRIPTIONS,  # published, updated, deleted, commented → followers' e-mails
    *suggestion_letters.SUBSCRIPTIONS,  # SuggestionStatusChanged → the author's and voters' mail
    *webhooks.SUBSCRIPTIONS,  # published, updated, withdrawn, status → organisations' webhooks
    *feed_cache.SUBSCRIPTIONS,  # public datasets, services, organisations → the feed out of date
    *freshness.SUBSCRIPTIONS,  # DatasetSaved → its kept due date (issue 20)
)


def _by_event(subscriptions: tuple[tuple[type, Handler], ...]) -> dict[type, tuple[Handler, ...]]:
    table: dict[type, list[Handler]] = {}
    for event_type, handler in subscriptions:
        table.setdefault(event_type, []).append(handler)
    return {event_type: tuple(handlers) for event_type, handlers in table.items()}


def sql_limits(settings: Settings) -> SqlLimits:
    """The SQL endpoint's limits from the settings."""
    return SqlLimits(
        timeout_ms=settings.datastore_sql_timeout_ms,
        max_rows=settings.datastore_sql_max_rows,
        max_bytes=settings.datastore_sql_max_bytes,
        memory_mb=settings.datastore_sql_memory_mb,
        processes=settings.datastore_sql_processes,
        anonymous_queries=settings.datastore_sql_anonymous_queries,
    )


@dataclass(eq=False)
class Site:
    """Settings, the catalogue database, the file store, the job queue, the outbox's mailer,
    the webhook sender, the SQL sandbox and the usage counter of one Torget, and its event
    subscriptions."""

    settings: Settings
    engine: sa.Engine
    files: FileStore
    queue: Queue | None
    mailer: Mailer
    webhooks: Sender
    sql: SqlSandbox
    usage: UsageCounter  # the use statistics' counts, written behind in batches
    subscribers: Mapping[type, tuple[Handler, ...]] = field(
        default_factory=lambda: _by_event(SUBSCRIPTIONS)
    )

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True, queue: bool = True) -> Site:
        """Build every backend from `settings`; `migrate` brings the database schema up to
        date first; `queue=False` opens no job queue (new jobs then wait for a worker's
        sweep)."""
        if settings.database_url == "":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        bare = make_engine(
            settings.resolved_database_url,
            settings.database_write_wait_ms / 1000,
            connections=settings.server_threads,
        )
        if migrate:
            upgrade(bare, settings)
        files = open_file_store(settings)
        engine = bare.execution_options()  # this site's own options over the shared pool
        loads_stamp.watch(engine, settings)  # what the web keeps of records (answers_kept)
        site = cls(
            settings=settings,
            engine=engine,
            files=files,
            queue=make_queue(settings, engine, files) if queue else None,
            mailer=make_mailer(engine, settings),
            webhooks=Sender(engine, settings),
            sql=SqlSandbox(sql_limits(settings)),
            usage=open_counter(settings, engine),
        )
        engine.update_execution_options(**{SITE_OPTION: site})
        return site

    def close(self) -> None:
        """Write the counts still in memory, stop the SQL sandbox's processes and close the
        database's connections."""
        self.usage.close()
        self.sql.close()
        self.engine.dispose()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
