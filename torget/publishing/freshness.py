"""Due dates: when a published dataset should next have new data, from its update frequency.

A dataset's `frequency` (dcterms:accrualPeriodicity, the EU frequency vocabulary that
DCAT-AP-SE 3.0 uses) promises new data every period. Its last data change is the latest of
its last datastore load, its last distribution change (a new file address is new data) and its
`modified` date (an editor who replaced a file at the same external address says so there);
without any of these, its `issued` date, else its creation. The due date is the last change
plus one period; a published dataset past it is overdue. Frequencies that promise no period
(irregular, other, unknown, never) give no due date, and the dataset's status says why.

The periods: continuous and daily one day, twice a day twelve hours, n times a week or a month
the period divided by n and rounded up to whole days (three times a week: three days), months
and years by the calendar (a month after 31 January is 28 or 29 February).

Published datasets' due dates are kept in `dataset_due_dates` so that search can filter on
them: written when a dataset is saved (a subscriber) and by the worker's periodic pass, which
also catches datastore loads (they publish no event).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.catalog.datasets import Dataset
from torget.clock import as_utc, now
from torget.db.schema import dataset_due_dates, datasets, datastore_tables, distributions
from torget.events import Bulk, DatasetSaved, Handler

__all__ = [
    "Freshness",
    "PERIODS",
    "PHRASES",
    "UNSCHEDULED",
    "due_after",
    "freshness_of",
    "frequency_code",
    "overdue_of",
    "refresh_due_dates",
    "SUBSCRIPTIONS",
]

_EU = "http://publications.europa.eu/resource/authority/frequency/"


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0
    hours: int = 0


PERIODS: dict[str, Period] = {
    "CONT": Period(days=1), "UPDATE_CONT": Period(days=1),
    "DAILY_2": Period(hours=12), "DAILY": Period(days=1),
    "WEEKLY_3": Period(days=3), "WEEKLY_2": Period(days=4), "WEEKLY": Period(days=7),
    "BIWEEKLY": Period(days=14), "MONTHLY_3": Period(days=10), "MONTHLY_2": Period(days=16),
    "MONTHLY": Period(months=1), "BIMONTHLY": Period(months=2), "QUARTERLY": Period(months=3),
    "ANNUAL_3": Period(months=4), "ANNUAL_2": Period(months=6), "ANNUAL": Period(months=12),
    "BIENNIAL": Period(months=24), "TRIENNIAL": Period(months=36),
}  # fmt: skip
"""The period each frequency code promises."""

UNSCHEDULED = ("IRREG", "OTHER", "UNKNOWN", "NEVER")
"""Frequencies that promise no period, so give no due date."""


def N_(message: str) -> str:  # noqa: N802 - the name scripts/translations extracts
    """A message to translate where it is shown (pages, e-mails), in the reader's language."""
    return message


PHRASES: dict[str, str] = {
    "CONT": N_("Updated continuously"), "UPDATE_CONT": N_("Updated continuously"),
    "DAILY_2": N_("Updated twice a day"), "DAILY": N_("Updated daily"),
    "WEEKLY_3": N_("Updated three times a week"), "WEEKLY_2": N_("Updated twice a week"),
    "WEEKLY": N_("Updated weekly"), "BIWEEKLY": N_("Updated every two weeks"),
    "MONTHLY_3": N_("Updated three times a month"), "MONTHLY_2": N_("Updated twice a month"),
    "MONTHLY": N_("Updated monthly"), "BIMONTHLY": N_("Updated every two months"),
    "QUARTERLY": N_("Updated quarterly"), "ANNUAL_3": N_("Updated three times a year"),
    "ANNUAL_2": N_("Updated twice a year"), "ANNUAL": N_("Updated annually"),
    "BIENNIAL": N_("Updated every two years"), "TRIENNIAL": N_("Updated every three years"),
    "IRREG": N_("Updated irregularly"), "OTHER": N_("Updated on a schedule of its own"),
    "UNKNOWN": N_("Update frequency unknown"), "NEVER": N_("Never updated"),
}  # fmt: skip
"""How often, in words (msgids), per frequency code."""


def frequency_code(iri: str | None) -> str | None:
    """The EU code of a stored frequency IRI (`…/frequency/DAILY` → DAILY)."""
    if not iri:
        return None
    return iri.removeprefix(_EU)


def due_after(last_change: dt.datetime, code: str | None) -> dt.datetime | None:
    """The due date after a change at `last_change` under frequency `code`; None when the
    frequency promises no period."""
    period = PERIODS.get(code or "")
    if period is None:
        return None
    month = last_change.month - 1 + period.months
    year, month = last_change.year + month // 12, month % 12 + 1
    day = min(last_change.day, calendar.monthrange(year, month)[1])
    moved = last_change.replace(year=year, month=month, day=day)
    return moved + dt.timedelta(days=period.days, hours=period.hours)


@dataclass(frozen=True)
class Freshness:
    """A dataset's update status: its frequency's code (None when not given), its last data
    change, its due date (None: no schedule) and whether it is overdue (published only)."""

    frequency: str | None
    last_change: dt.datetime
    due_at: dt.datetime | None
    overdue: bool

    @property
    def scheduled(self) -> bool:
        return self.due_at is not None

    @property
    def phrase(self) -> str:
        """How often, in words (a msgid): "Updated daily"."""
        return PHRASES.get(self.frequency or "", N_("No update frequency given"))

    def as_json(self) -> dict[str, object]:
        return {
            "frequency": self.frequency,
            "last_change": self.last_change.isoformat(),
            "due_date": self.due_at.isoformat() if self.due_at else None,
            "overdue": self.overdue,
        }


def _midnight(day: str | None) -> dt.datetime | None:
    if not day:
        return None
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=dt.UTC)


def _freshness_query() -> sa.Select[Any]:
    """Each dataset's state, record and creation with its last datastore load and its last
    distribution change, in one statement (a record's JSON answer asks for its dataset's
    status on every read: three round trips were a quarter of it, issue 21)."""
    d, t = distributions, datastore_tables
    mine = d.c.dataset_id == datasets.c.id
    loaded = sa.select(sa.func.max(t.c.loaded_at)).join(d, t.c.distribution_id == d.c.id)
    changed = sa.select(sa.func.max(d.c.updated_at))
    return sa.select(
        datasets.c.id, datasets.c.state, datasets.c.data, datasets.c.created_at,
        loaded.where(mine).scalar_subquery().label("loaded"),
        changed.where(mine).scalar_subquery().label("changed"),
    )  # fmt: skip


_FRESHNESS = _freshness_query()


def freshness_of(
    conn: sa.Connection, dataset_ids: Iterable[str], at: dt.datetime | None = None
) -> dict[str, Freshness]:
    """The update status of each dataset (by id) as of `at` (now)."""
    ids = list(dict.fromkeys(dataset_ids))
    found: dict[str, Freshness] = {}
    moment = at or now()
    for start in range(0, len(ids), 500):
        rows = conn.execute(_FRESHNESS.where(datasets.c.id.in_(ids[start : start + 500])))
        for dataset_id, state, data, created_at, loaded, changed in rows:
            record = json.loads(data)
            stated = _midnight(record.get("modified"))
            known = [as_utc(x) for x in (loaded, changed) if x] + ([stated] if stated else [])
            last = max(known) if known else _midnight(record.get("issued")) or as_utc(created_at)
            code = frequency_code(record.get("frequency"))
            due = due_after(last, code)
            overdue = state == "published" and due is not None and due <= moment
            found[dataset_id] = Freshness(code, last, due, overdue)
    return found


def overdue_of(found: Sequence[Dataset], status: Mapping[str, Freshness]) -> list[Dataset]:
    """The overdue datasets among `found`, the longest overdue first."""
    late = [d for d in found if status[d.id].overdue]
    return sorted(late, key=lambda d: (status[d.id].due_at or now(), d.name))


def refresh_due_dates(conn: sa.Connection, dataset_ids: Iterable[str] | None = None) -> int:
    """Write the kept due dates of these datasets (every dataset when None): a row for each
    published one, none for drafts. Returns how many rows changed."""
    if dataset_ids is None:
        dataset_ids = conn.execute(sa.select(datasets.c.id)).scalars().all()
    ids = list(dataset_ids)
    return sum(_refresh(conn, ids[i : i + 500]) for i in range(0, len(ids), 500))


def _refresh(conn: sa.Connection, ids: list[str]) -> int:
    published = sa.select(datasets.c.id).where(
        datasets.c.id.in_(ids), datasets.c.state == "published"
    )
    wanted = freshness_of(conn, conn.execute(published).scalars())
    kept = {
        row.dataset_id: (as_utc(row.last_change_at), row.due_at and as_utc(row.due_at))
        for row in conn.execute(
            sa.select(dataset_due_dates).where(dataset_due_dates.c.dataset_id.in_(ids))
        )
    }
    changed = [
        i for i in ids
        if kept.get(i) != ((wanted[i].last_change, wanted[i].due_at) if i in wanted else None)
    ]  # fmt: skip
    if changed:
        rows = dataset_due_dates.c.dataset_id
        conn.execute(dataset_due_dates.delete().where(rows.in_(changed)))
        inserts = [
            {"dataset_id": i, "last_change_at": wanted[i].last_change, "due_at": wanted[i].due_at}
            for i in changed
            if i in wanted
        ]
        if inserts:
            conn.execute(dataset_due_dates.insert(), inserts)
    return len(changed)


def _on_datasets_saved(conn: sa.Connection, events: Sequence[DatasetSaved]) -> None:
    refresh_due_dates(conn, [e.dataset_id for e in events])


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = ((DatasetSaved, Bulk(_on_datasets_saved)),)
