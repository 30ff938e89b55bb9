"""What the maturity of every organisation is measured from, read for the whole catalogue at
once (or for one organisation with its units): a few set-based queries and one pass of the
quality report, never a query per dataset (10,000 datasets in `bench/maturity.py`).

Only published datasets count: maturity is public, the same for every reader, and what the
public cannot see has not been opened yet. Each dataset's facts come from the modules that own
them: its MQA points from `torget.quality.report`, its API from `torget.quality.hvd`, its due
date from the kept due dates of `torget.publishing.freshness`, its national specifications from
the conformance checks of `torget.specifications`, its use from `torget.usage`; suggestions and
the inventory are read from their tables.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS
from torget.catalog.organisations import Organisation, all_organisations, units_of
from torget.catalog.vocabularies import HVD_LEGISLATION
from torget.clock import as_utc
from torget.db.schema import (
    dataset_due_dates,
    datasets,
    distributions,
    inventory_candidates,
    inventory_settings,
    specification_conformance,
    suggestions,
)
from torget.quality.hvd import datasets_with_api
from torget.quality.report import DatasetQuality, quality_report
from torget.settings import Settings
from torget.specifications.registry import all_specifications, by_iri
from torget.usage.statistics import uses_by_dataset

__all__ = ["Entry", "Suggestion", "Candidate", "Known", "Evidence", "gather", "YEAR"]

YEAR = dt.timedelta(days=365)


@dataclass(frozen=True)
class Entry:
    """One published dataset as maturity sees it."""

    id: str
    name: str
    title: dict[str, str]  # sv, en (en may be missing)
    organisation_id: str
    new: bool  # first issued (else created) within the last 12 months
    high_value: bool
    api: bool
    quality: DatasetQuality
    due_at: dt.datetime | None
    overdue: bool
    # "conforms": a distribution passed its national specification's check (warnings allowed);
    # "fails": checked and failed; "declared": names a national specification, not checked yet
    specification: str | None
    uses: int  # people's, in the last 12 months


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: str
    organisation_id: str
    created_at: dt.datetime
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    organisation_id: str
    published: bool
    public: bool  # the organisation's inventory is public, so its titles may be named


@dataclass(frozen=True)
class Known:
    """A national specification of the registry, to name in a step."""

    name: str
    version: str
    title: dict[str, str]


@dataclass
class Evidence:
    at: dt.datetime
    specifications: list[Known] = field(default_factory=list)
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # by own organisation id
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)


def _records(
    conn: sa.Connection, org_ids: set[str] | None
) -> dict[str, tuple[str, dict[str, Any], dt.datetime]]:
    where = [datasets.c.state == "published"]
    if org_ids is not None:
        where.append(datasets.c.organisation_id.in_(sorted(org_ids)))
    rows = conn.execute(
        sa.select(datasets.c.id, datasets.c.organisation_id, datasets.c.data,
                  datasets.c.created_at).where(*where)
    )  # fmt: skip
    return {r.id: (r.organisation_id, json.loads(r.data), as_utc(r.created_at)) for r in rows}


def _due_dates(conn: sa.Connection) -> dict[str, dt.datetime]:
    d = dataset_due_dates
    rows = conn.execute(sa.select(d.c.dataset_id, d.c.due_at).where(d.c.due_at.is_not(None)))
    return {dataset_id: as_utc(due) for dataset_id, due in rows}


def _specifications(conn: sa.Connection) -> dict[str, str]:
    """Per dataset: "conforms" when a distribution passed its national specification's check
    (warnings allowed), else "fails" when one was checked and failed."""
    c, d = specification_conformance, distributions
    rows = conn.execute(sa.select(d.c.dataset_id, c.c.state).join(d, d.c.id == c.c.distribution_id))
    found: dict[str, str] = {}
    for dataset_id, state in rows:
        if state in ("conforms", "warnings"):
            found[dataset_id] = "conforms"
        else:
            found.setdefault(dataset_id, "fails")
    return found


def _issued(record: dict[str, Any], created: dt.datetime) -> dt.datetime:
    issued = record.get("issued")
    if isinstance(issued, str) and issued:
        return dt.datetime.combine(dt.date.fromisoformat(issued[:10]), dt.time(), tzinfo=dt.UTC)
    return created


def _high_value(record: dict[str, Any]) -> bool:
    return HVD_LEGISLATION in (record.get("applicable_legislation") or ()) or bool(
        record.get("hvd_categories")
    )


class _Declared:
    """Whether a dataset's `conformsTo` names a national specification of the registry; each
    address is looked up once (a catalogue names a few dozen)."""

    def __init__(self, conn: sa.Connection):
        self._conn = conn
        self._seen: dict[str, bool] = {}

    def __call__(self, record: dict[str, Any]) -> bool:
        urls = [c.get("url") for c in record.get("conforms_to") or () if isinstance(c, dict)]
        return any(self._known(u) for u in urls if isinstance(u, str))

    def _known(self, url: str) -> bool:
        if url not in self._seen:
            self._seen[url] = by_iri(self._conn, url) is not None
        return self._seen[url]


def _entries(
    conn: sa.Connection, settings: Settings, at: dt.datetime, organisation: Organisation | None
) -> list[Entry]:
    report = quality_report(conn, settings, ANONYMOUS, organisation)
    org_ids = units_of(all_organisations(conn), organisation.id) if organisation else None
    records = _records(conn, org_ids)
    ids = [q.dataset_id for q in report.datasets if q.dataset_id in records]
    api = datasets_with_api(conn, ids)
    due, specs, declared = _due_dates(conn), _specifications(conn), _Declared(conn)
    # Whole days only, up to yesterday: today's counts are still being flushed in, and a figure
    # that moved between two views of the same page would tell an organisation nothing.
    yesterday = at.date() - dt.timedelta(days=1)
    uses = uses_by_dataset(conn, yesterday - YEAR + dt.timedelta(days=1), yesterday)
    found = []
    for q in report.datasets:
        if q.dataset_id not in records:
            continue  # published after the report's read
        org_id, record, created = records[q.dataset_id]
        title = {k: v for k, v in (record.get("title") or {}).items() if v}
        due_at = due.get(q.dataset_id)
        spec = specs.get(q.dataset_id) or ("declared" if declared(record) else None)
        found.append(
            Entry(q.dataset_id, q.name, title,
                  org_id, _issued(record, created) > at - YEAR, _high_value(record),
                  q.dataset_id in api, q, due_at, due_at is not None and due_at <= at,
                  spec, uses.get(q.dataset_id, 0))
        )  # fmt: skip
    return found


def _suggestions(conn: sa.Connection) -> list[Suggestion]:
    s = suggestions
    rows = conn.execute(
        sa.select(s.c.id, s.c.title, s.c.organisation_id, s.c.created_at, s.c.answered_at)
    )
    return [
        Suggestion(r.id, r.title, r.organisation_id, as_utc(r.created_at),
                   as_utc(r.answered_at) if r.answered_at else None)
        for r in rows
    ]  # fmt: skip


def _candidates(conn: sa.Connection) -> list[Candidate]:
    c, p = inventory_candidates, inventory_settings
    rows = conn.execute(
        sa.select(c.c.id, c.c.title_sv, c.c.organisation_id, c.c.promoted_at, p.c.public)
        .outerjoin(p, p.c.organisation_id == c.c.organisation_id)
        .order_by(c.c.title_sv)
    )
    return [
        Candidate(r.id, r.title_sv, r.organisation_id, r.promoted_at is not None, bool(r.public))
        for r in rows
    ]


def gather(
    conn: sa.Connection,
    settings: Settings,
    at: dt.datetime,
    organisation: Organisation | None = None,
) -> Evidence:
    """Everything maturity reads, grouped by each row's own organisation: of every
    organisation, or of `organisation` and its units only (their datasets; suggestions and
    candidates are few, so all are read)."""
    found = Evidence(at, [
        Known(k.name, k.version, {"sv": k.title_sv, "en": k.title_en})
        for k in all_specifications(conn)
    ])  # fmt: skip
    for entry in _entries(conn, settings, at, organisation):
        found.entries.setdefault(entry.organisation_id, []).append(entry)
    for suggestion in _suggestions(conn):
        found.suggestions.setdefault(suggestion.organisation_id, []).append(suggestion)
    for candidate in _candidates(conn):
        found.candidates.setdefault(candidate.organisation_id, []).append(candidate)
    return found
