"""Reading the use statistics: per day, for a dataset, an organisation or the whole catalogue.

Each day carries people's and bots' counts of the four kinds of use (page views, downloads,
API calls, datastore queries). Days from `start` on are all listed, the quiet ones with
zeros, back to the oldest day still kept by the day (`usage_daily_days`); older use comes as
month rows (`period` "month", on the month's first day), which count in a range that holds
that day. A dataset's statistics also give each distribution's totals, an organisation's and
the catalogue's the most used datasets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.db.schema import datasets, usage_counts
from torget.errors import FieldError, ValidationFailed
from torget.usage.counter import KINDS, Kind

__all__ = [
    "Counts",
    "Day",
    "Statistics",
    "Scope",
    "statistics",
    "period",
    "csv_rows",
    "as_json",
    "NAMES",
    "TOP_DATASETS",
    "DEFAULT_DAYS",
    "uses_by_dataset",
]

# The kinds as the API, the CSV and the tables name them.
NAMES: dict[Kind, str] = {
    "view": "page_views",
    "download": "downloads",
    "api": "api_calls",
    "query": "datastore_queries",
}
TOP_DATASETS = 20
DEFAULT_DAYS = 30  # the period shown when none is asked for: the last 30 days
_MOST_LISTED_DAYS = 3660  # quiet days filled in with zeros, at most (ten years)


@dataclass
class Counts:
    """People's and bots' counts of each kind of use."""

    people: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bots: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, kind: Kind, bot: bool, n: int) -> None:
        (self.bots if bot else self.people)[kind] += n

    @property
    def by_people(self) -> int:
        return sum(self.people.values())

    @property
    def by_bots(self) -> int:
        return sum(self.bots.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "people": {NAMES[k]: self.people[k] for k in KINDS},
            "bots": {NAMES[k]: self.bots[k] for k in KINDS},
        }


@dataclass
class Day:
    day: dt.date
    period: str  # "day", or "month" for days summed after `usage_daily_days`
    counts: Counts = field(default_factory=Counts)

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "period": self.period, **self.counts.as_json()}


@dataclass(frozen=True)
class Scope:
    """What the statistics are of: one dataset, one organisation's datasets, or (neither)
    the whole catalogue."""

    dataset_id: str | None = None
    organisation_id: str | None = None


@dataclass
class Statistics:
    scope: Scope
    start: dt.date
    end: dt.date
    days: list[Day]
    totals: Counts
    # a dataset's: distribution id → its counts ("" is the dataset's page and record)
    distributions: dict[str, Counts]
    # an organisation's or the catalogue's: (dataset id, name, Swedish title, counts), most
    # used by people first
    datasets: list[tuple[str, str, str, Counts]]


def _date(name: str, given: str) -> dt.date:
    try:
        return dt.date.fromisoformat(given.strip())
    except ValueError:
        message = f"{given!r} is not a date (YYYY-MM-DD)"
        raise ValidationFailed([FieldError(name, message, code="not_a_date")]) from None


def period(start: str | None, end: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days asked for (`from`, `to`, ISO dates, both included); by default the last
    `DEFAULT_DAYS` days up to `today`."""
    last = _date("to", end) if end else today
    first = _date("from", start) if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        message = f"from ({first}) is after to ({last})"
        raise ValidationFailed([FieldError("to", message, code="end_before_start")])
    return first, last


def _where(scope: Scope, start: dt.date, end: dt.date) -> list[sa.ColumnElement[bool]]:
    found = [usage_counts.c.day >= start, usage_counts.c.day <= end]
    if scope.dataset_id is not None:
        found.append(usage_counts.c.dataset_id == scope.dataset_id)
    if scope.organisation_id is not None:
        found.append(datasets.c.organisation_id == scope.organisation_id)
    return found


def _grouped(
    conn: sa.Connection, scope: Scope, start: dt.date, end: dt.date, *by: sa.ColumnElement[Any]
) -> Iterable[Any]:
    u = usage_counts
    query = sa.select(*by, u.c.kind, u.c.bot, sa.func.sum(u.c["count"]).label("n"))
    if scope.organisation_id is not None:
        query = query.join(datasets, datasets.c.id == u.c.dataset_id)
    query = query.where(*_where(scope, start, end)).group_by(*by, u.c.kind, u.c.bot)
    return conn.execute(query).all()


def _days(rows: Iterable[Any], start: dt.date, end: dt.date, daily_from: dt.date) -> list[Day]:
    by_day: dict[tuple[dt.date, str], Day] = {}
    first = max(start, daily_from, end - dt.timedelta(days=_MOST_LISTED_DAYS))
    for offset in range((end - first).days + 1):
        day = first + dt.timedelta(days=offset)
        by_day[(day, "day")] = Day(day, "day")
    for row in rows:
        found = by_day.setdefault((row.day, row.period), Day(row.day, row.period))
        found.counts.add(row.kind, row.bot, int(row.n))
    return sorted(by_day.values(), key=lambda d: (d.day, d.period))


def _top_datasets(
    conn: sa.Connection, scope: Scope, start: dt.date, end: dt.date
) -> list[tuple[str, str, str, Counts]]:
    per: dict[str, Counts] = {}
    for row in _grouped(conn, scope, start, end, usage_counts.c.dataset_id):
        per.setdefault(row.dataset_id, Counts()).add(row.kind, row.bot, int(row.n))
    top = sorted(per.items(), key=lambda item: (-item[1].by_people, -item[1].by_bots, item[0]))
    top = top[:TOP_DATASETS]
    names: dict[str, tuple[str, str]] = {}
    if top:
        query = sa.select(datasets.c.id, datasets.c.name, datasets.c.title_sv)
        for row in conn.execute(query.where(datasets.c.id.in_([d for d, _ in top]))):
            names[row.id] = (row.name, row.title_sv)
    return [(d, *names.get(d, (d, d)), counts) for d, counts in top]


def statistics(
    conn: sa.Connection, scope: Scope, start: dt.date, end: dt.date, daily_from: dt.date
) -> Statistics:
    """The use of `scope` from `start` to `end` (both included); `daily_from` is the oldest
    day kept by the day."""
    u = usage_counts
    days = _days(_grouped(conn, scope, start, end, u.c.day, u.c.period), start, end, daily_from)
    totals = Counts()
    for day in days:
        for kind in KINDS:
            totals.people[kind] += day.counts.people[kind]
            totals.bots[kind] += day.counts.bots[kind]
    distributions: dict[str, Counts] = {}
    top: list[tuple[str, str, str, Counts]] = []
    if scope.dataset_id is not None:
        for row in _grouped(conn, scope, start, end, u.c.distribution_id):
            distributions.setdefault(row.distribution_id, Counts()).add(row.kind, row.bot,
                                                                        int(row.n))  # fmt: skip
    else:
        top = _top_datasets(conn, scope, start, end)
    return Statistics(scope, start, end, days, totals, distributions, top)


def csv_rows(found: Statistics) -> list[list[str]]:
    """The days as CSV rows, a header first: people's counts of each kind, then bots'."""
    header = ["day", "period", *(NAMES[k] for k in KINDS), *(f"bot_{NAMES[k]}" for k in KINDS)]
    rows = [header]
    for day in found.days:
        people = [str(day.counts.people[k]) for k in KINDS]
        bots = [str(day.counts.bots[k]) for k in KINDS]
        rows.append([day.day.isoformat(), day.period, *people, *bots])
    return rows


def as_json(found: Statistics) -> dict[str, Any]:
    """The statistics as the JSON API gives them."""
    body: dict[str, Any] = {
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "totals": found.totals.as_json(),
        "days": [d.as_json() for d in found.days],
    }
    if found.scope.dataset_id is not None:
        body["distributions"] = [
            {"distribution_id": d or None, **c.as_json()}
            for d, c in sorted(found.distributions.items())
        ]
    else:
        body["datasets"] = [
            {"id": d, "name": name, "title": title, **c.as_json()}
            for d, name, title, c in found.datasets
        ]
    return body


def uses_by_dataset(conn: sa.Connection, start: dt.date, end: dt.date) -> dict[str, int]:
    """People's uses of every kind per dataset from `start` to `end` (both included), in one
    query over the whole catalogue (the organisations' maturity, `torget.maturity`)."""
    u = usage_counts
    rows = conn.execute(
        sa.select(u.c.dataset_id, sa.func.sum(u.c["count"]))
        .where(u.c.day >= start, u.c.day <= end, u.c.bot == sa.false())
        .group_by(u.c.dataset_id)
    )
    return {dataset_id: int(n) for dataset_id, n in rows}
