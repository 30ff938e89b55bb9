"""How long the use statistics are kept by the day: `usage_daily_days`, then by the month.

Each night the worker sums the daily rows older than `usage_daily_days` into one row per
dataset, distribution, month, kind and bot (`period` "month", `day` the month's first) and
deletes them, in one transaction. Summed rather than deleted: the rows hold no one's data
(counts, never an address or a user agent), a month's row costs what a day's does, and a
publisher's or the maturity page's view of use over the years needs them; per-day detail
older than a year and a month is what nobody reads and what makes the table grow thirtyfold.
Adding to a month row is additive, so a month summed over several nights adds up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from huey import Huey, crontab

from torget.db.engine import write
from torget.db.schema import usage_counts
from torget.settings import Settings
from torget.usage.store import upsert_rows

__all__ = ["roll_up", "schedule_roll_up", "oldest_daily_day"]


def oldest_daily_day(settings: Settings, today: dt.date) -> dt.date:
    """The oldest day still kept by the day."""
    if settings.usage_daily_days == 0:
        return dt.date.min
    return today - dt.timedelta(days=settings.usage_daily_days)


def roll_up(engine: sa.Engine, before: dt.date) -> int:
    """Sum the daily rows before `before` into month rows; returns the daily rows summed."""
    u = usage_counts
    old = sa.and_(u.c.period == "day", u.c.day < before)
    with write(engine) as conn:
        rows = conn.execute(
            sa.select(u.c.dataset_id, u.c.day, u.c.distribution_id, u.c.kind, u.c.bot,
                      u.c["count"]).where(old)
        ).all()  # fmt: skip
        months: dict[tuple[str, dt.date, str, str, bool], int] = {}
        for r in rows:
            key = (r.dataset_id, r.day.replace(day=1), r.distribution_id, r.kind, r.bot)
            months[key] = months.get(key, 0) + int(r[5])
        if months:
            upsert_rows(conn, months, period="month")
            conn.execute(sa.delete(u).where(old))
    return len(rows)


def schedule_roll_up(huey: Huey, engine: sa.Engine, settings: Settings) -> Any:
    """Register the nightly roll-up on the worker's huey; returns the task."""

    def nightly() -> None:
        if settings.usage_daily_days:
            roll_up(engine, oldest_daily_day(settings, dt.datetime.now(dt.UTC).date()))

    return huey.periodic_task(crontab(hour="2", minute="41"), name="torget.usage.roll_up")(nightly)
