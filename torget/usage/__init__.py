"""Use statistics (issue 14): per dataset and distribution per day, page views, downloads, API
calls and datastore queries, with bots counted apart; no address or person stored.

Requests are counted in memory (`counter.UsageCounter`, one per site, so one per server
process) and written behind in batches (`store.add_counts`); `statistics.statistics` reads
them for the pages, the JSON API and the CSV export; `retention` sums old days into months.
See the README's "Use statistics".
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.settings import Settings
from torget.usage.counter import KINDS, Hit, Kind, UsageCounter
from torget.usage.statistics import NAMES, Counts, Day, Scope, Statistics, statistics
from torget.usage.store import add_counts

__all__ = [
    "KINDS",
    "NAMES",
    "Counts",
    "Day",
    "Hit",
    "Kind",
    "Scope",
    "Statistics",
    "UsageCounter",
    "open_counter",
    "statistics",
]


def open_counter(settings: Settings, engine: sa.Engine) -> UsageCounter:
    """The site's counter: its batches written to `engine`, as the settings say."""
    return UsageCounter(
        lambda batch: add_counts(engine, batch),
        every_seconds=settings.usage_flush_seconds,
        most_events=settings.usage_flush_events,
        enabled=settings.usage_counting,
    )
