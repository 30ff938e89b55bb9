"""The worker's periodic upkeep of published data (issue 20): every hour the kept due dates
are brought up to date (datastore loads publish no event) and the reminders' digests are
queued; every ten minutes the stalest external links are checked, at most `links.PER_RUN` for
at most `links.RUN_SECONDS`, so that the worker's thread is soon free for datastore loads."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from huey import Huey, crontab

from torget.clock import now
from torget.db.engine import write
from torget.publishing.freshness import refresh_due_dates
from torget.publishing.links import PER_RUN, RUN_SECONDS, Summary, run_checks
from torget.publishing.reminders import send_reminders
from torget.settings import Settings

__all__ = ["check_stale_links", "remind", "schedule_upkeep"]


def remind(engine: sa.Engine, settings: Settings, secret: str) -> int:
    """Bring the due dates up to date, then queue the digests; how many were queued."""
    with write(engine) as conn:
        refresh_due_dates(conn)
    return send_reminders(engine, settings, secret)


def check_stale_links(engine: sa.Engine, settings: Settings) -> Summary | None:
    """Check the links not checked for `link_check_interval_hours` (None: checks are off)."""
    hours = settings.link_check_interval_hours
    if hours <= 0:
        return None
    older = now() - dt.timedelta(hours=hours)
    return run_checks(engine, settings, older_than=older, limit=PER_RUN, seconds=RUN_SECONDS)


def schedule_upkeep(huey: Huey, engine: sa.Engine, settings: Settings, secret: str) -> None:
    """Register the two periodic tasks on the worker's huey."""

    def reminders() -> None:
        remind(engine, settings, secret)

    def links() -> None:
        check_stale_links(engine, settings)

    huey.periodic_task(crontab(minute="7"), name="torget.publishing.reminders")(reminders)
    huey.periodic_task(crontab(minute="*/10"), name="torget.publishing.links")(links)
