"""The job queue between the web process and the workers: huey, on SQLite or Redis.

The `datastore_jobs` row is the truth; a queue message only says "job X is waiting", so a
lost or doubled message does no harm: a worker claims a job with a conditional UPDATE, and the
periodic sweep re-sends jobs left queued and requeues jobs whose worker died.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from huey import Huey, RedisHuey, SqliteHuey, crontab

from torget.datastore import jobs
from torget.datastore.leftovers import remove_leftovers
from torget.datastore.load import run_job, write_missing_row_copies, write_sort_keys
from torget.db.engine import read, write
from torget.files import FileStore
from torget.settings import Settings

__all__ = ["Queue", "make_queue", "sweep_now"]

log = logging.getLogger(__name__)


def make_huey(settings: Settings) -> Huey:
    if settings.queue_url.startswith(("redis://", "rediss://")):
        return RedisHuey("torget", url=settings.queue_url)
    if settings.queue_url:
        raise ValueError(f"queue_url must be empty or redis://…, got {settings.queue_url!r}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("torget", filename=str(settings.data_dir / "queue.db"))


def sweep_now(settings: Settings, engine: sa.Engine) -> list[str]:
    """Requeue or fail dead jobs and remove what interrupted loads left on disk (`leftovers`);
    return every job id that should be (re)sent to a worker. A worker runs it when it starts
    (so `torget serve`, which starts one, does too) and once a minute."""
    with write(engine) as conn:
        again = jobs.sweep(conn, settings.datastore_stale_seconds, settings.datastore_max_attempts)
        waiting = jobs.queued_jobs(conn)
    with read(engine) as conn:
        remove_leftovers(conn, settings.datastore_path, settings.datastore_stale_seconds)
    return sorted(set(again) | set(waiting))


@dataclass
class Queue:
    huey: Huey
    task: Any

    def enqueue(self, job_id: str) -> None:
        try:
            self.task(job_id)
        except Exception:  # the sweep re-sends it; the save that queued it must not fail
            log.exception("could not enqueue datastore job %s", job_id)


def make_queue(settings: Settings, engine: sa.Engine, files: FileStore | None = None) -> Queue:
    huey = make_huey(settings)

    def load(job_id: str) -> None:
        run_job(settings, engine, job_id, files)
        write_sort_keys(settings, engine, job_id)  # the table is live already (`sort_keys`)

    task: Any = huey.task(name="torget.datastore.load")(load)

    def sweep() -> None:
        for job_id in sweep_now(settings, engine):
            task(job_id)
        write_missing_row_copies(settings, engine)  # tables loaded before row copies existed

    huey.periodic_task(crontab(minute="*"), name="torget.datastore.sweep")(sweep)
    return Queue(huey, task)
