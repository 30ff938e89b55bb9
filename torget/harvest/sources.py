"""Harvest sources and their runs: what is harvested, into which organisation, how often,
and what each run found.

A source belongs to an organisation; its administrators (and sysadmins) add, run and read it.
A run's row is written when it starts, in a transaction of its own, and finished in the same
transaction as the harvest it applies, so a run is either done with its changes or failed
without them; a run left `running` by a process that died is marked interrupted when the next
run of its source starts (Torget's runs end: ckanext-harvest#300).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.organisations import get_organisation, no_organisation
from torget.catalog.rules import is_http_iri
from torget.clock import as_utc, now
from torget.db.schema import harvest_origins, harvest_runs, harvest_sources, organisations
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.harvest.fetch import PageHash
from torget.harvest.problems import Problem
from torget.ids import new_id

__all__ = [
    "Source",
    "Run",
    "add_source",
    "get_source",
    "list_sources",
    "start_run",
    "finish_run",
    "fail_run",
    "runs_of",
    "failing_streak",
    "claim_due",
    "origins_of",
    "run_soon",
    "failing_sources",
    "set_validators",
    "delete_source",
    "VANISH_CHOICES",
]

VANISH_CHOICES = ("delete", "withdraw")


@dataclass(frozen=True)
class Source:
    id: str
    organisation_id: str
    organisation: str
    type: str
    url: str
    title: str
    contact_email: str | None
    interval_hours: int | None
    on_vanish: str
    publisher_organisations: bool
    load_datastore: bool
    etag: str | None
    last_modified: str | None
    next_run_at: dt.datetime | None
    created_at: dt.datetime
    page_hashes: list[PageHash] = field(default_factory=list)  # the last run's documents

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "organisation": self.organisation,
            "type": self.type,
            "url": self.url,
            "title": self.title,
            "contact_email": self.contact_email,
            "interval_hours": self.interval_hours,
            "on_vanish": self.on_vanish,
            "publisher_organisations": self.publisher_organisations,
            "load_datastore": self.load_datastore,
            "next_run_at": self.next_run_at.isoformat() if self.next_run_at else None,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Run:
    id: str
    source_id: str
    state: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    created: int
    updated: int
    unchanged: int
    removed: int
    skipped: int
    error: str | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_id": self.source_id,
            "state": self.state,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "counts": {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "removed": self.removed,
                "skipped": self.skipped,
            },
            "error": self.error,
            "problems": [p.as_dict() for p in self.problems],
        }


def _select() -> sa.Select[Any]:
    return sa.select(harvest_sources, organisations.c.name.label("organisation")).join(
        organisations, organisations.c.id == harvest_sources.c.organisation_id
    )


def _source(row: sa.Row[Any]) -> Source:
    m = row._mapping
    return Source(
        m["id"],
        m["organisation_id"],
        m["organisation"],
        m["type"],
        m["url"],
        m["title"],
        m["contact_email"],
        m["interval_hours"],
        m["on_vanish"],
        m["publisher_organisations"],
        m["load_datastore"],
        m["etag"],
        m["last_modified"],
        as_utc(m["next_run_at"]) if m["next_run_at"] else None,
        as_utc(m["created_at"]),
        [(url, digest) for url, digest in json.loads(m["page_hashes"] or "[]")],
    )


def add_source(
    conn: sa.Connection,
    actor: Actor,
    *,
    organisation: str,
    type: str,
    url: str,
    known_types: tuple[str, ...],
    title: str | None = None,
    contact_email: str | None = None,
    interval_hours: int | None = None,
    on_vanish: str = "delete",
    publisher_organisations: bool = False,
    load_datastore: bool = False,
) -> Source:
    """A new source of `organisation` (its administrators add sources)."""
    try:
        org = get_organisation(conn, organisation)
    except NotFound:
        raise no_organisation("organisation", organisation) from None
    actor.require(org.id, "admin", "add harvest sources to this organisation")
    errors = []
    if type not in known_types:
        errors.append(
            FieldError(
                "type",
                f"{type!r} is not a source type",
                list(known_types),
                code="not_allowed",
                params={"value": type},
            )
        )
    if not is_http_iri(url):
        errors.append(
            FieldError(
                "url",
                f"{url!r} is not an absolute http(s) URL",
                code="not_absolute_url",
                params={"value": url},
            )
        )
    if on_vanish not in VANISH_CHOICES:
        errors.append(
            FieldError(
                "on_vanish",
                "delete or withdraw",
                list(VANISH_CHOICES),
                code="not_allowed",
                params={"value": on_vanish},
            )
        )
    if interval_hours is not None and interval_hours < 0:
        errors.append(FieldError("interval_hours", "0 or more hours"))
    if contact_email is not None and "@" not in contact_email:
        errors.append(
            FieldError(
                "contact_email",
                f"{contact_email!r} is not an e-mail address",
                code="not_an_email",
                params={"value": contact_email},
            )
        )
    if errors:
        raise ValidationFailed(errors)
    stamp = now()
    every = interval_hours or None
    source_id = new_id()
    conn.execute(
        harvest_sources.insert().values(
            id=source_id,
            organisation_id=org.id,
            type=type,
            url=url,
            title=(title or url)[:200],
            contact_email=contact_email or org.data.email,
            interval_hours=every,
            on_vanish=on_vanish,
            publisher_organisations=publisher_organisations,
            load_datastore=load_datastore,
            next_run_at=stamp if every else None,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    return get_source(conn, actor, source_id)


def get_source(conn: sa.Connection, actor: Actor, source_id: str) -> Source:
    """A source its organisation's members (and sysadmins) may read; others get not found."""
    row = conn.execute(_select().where(harvest_sources.c.id == source_id)).first()
    if row is None or not actor.has_role(row.organisation_id, "member"):
        raise NotFound(f"no harvest source {source_id!r}")
    return _source(row)


def list_sources(conn: sa.Connection, actor: Actor) -> list[Source]:
    rows = conn.execute(_select().order_by(organisations.c.name, harvest_sources.c.title))
    return [_source(r) for r in rows if actor.has_role(r.organisation_id, "member")]


def set_validators(
    conn: sa.Connection,
    source_id: str,
    etag: str | None,
    last_modified: str | None,
    pages: list[PageHash],
) -> None:
    """Remember the first page's validators for the next conditional request, and the hash of
    each document read, to see the next time that nothing changed (`Fetcher.unchanged`)."""
    conn.execute(
        harvest_sources.update()
        .where(harvest_sources.c.id == source_id)
        .values(
            etag=etag,
            last_modified=last_modified,
            page_hashes=json.dumps(pages) if pages else None,
            updated_at=now(),
        )
    )


# --- Runs ----------------------------------------------------------------------------------


def start_run(conn: sa.Connection, source_id: str) -> str:
    """A new `running` run; one left running by a process that died is marked interrupted."""
    interrupted = Problem("interrupted", "", "", "the process running it ended", "error")
    conn.execute(
        harvest_runs.update()
        .where(harvest_runs.c.source_id == source_id, harvest_runs.c.state == "running")
        .values(
            state="failed",
            finished_at=now(),
            error="interrupted",
            problems=json.dumps([interrupted.as_dict()]),
        )
    )
    run_id = new_id()
    conn.execute(
        harvest_runs.insert().values(
            id=run_id,
            source_id=source_id,
            state="running",
            started_at=now(),
            created=0,
            updated=0,
            unchanged=0,
            removed=0,
            skipped=0,
            problems="[]",
        )
    )
    return run_id


def finish_run(
    conn: sa.Connection,
    run_id: str,
    *,
    created: int,
    updated: int,
    unchanged: int,
    removed: int,
    skipped: int,
    problems: list[Problem],
) -> None:
    conn.execute(
        harvest_runs.update()
        .where(harvest_runs.c.id == run_id)
        .values(
            state="done",
            finished_at=now(),
            created=created,
            updated=updated,
            unchanged=unchanged,
            removed=removed,
            skipped=skipped,
            problems=json.dumps([p.as_dict() for p in problems]),
        )
    )


def fail_run(conn: sa.Connection, run_id: str, error: str, problems: list[Problem]) -> None:
    conn.execute(
        harvest_runs.update()
        .where(harvest_runs.c.id == run_id)
        .values(
            state="failed",
            finished_at=now(),
            error=error,
            problems=json.dumps([p.as_dict() for p in problems]),
        )
    )


def _run(row: sa.Row[Any]) -> Run:
    m = row._mapping
    return Run(
        m["id"],
        m["source_id"],
        m["state"],
        as_utc(m["started_at"]),
        as_utc(m["finished_at"]) if m["finished_at"] else None,
        m["created"],
        m["updated"],
        m["unchanged"],
        m["removed"],
        m["skipped"],
        m["error"],
        [Problem.from_dict(p) for p in json.loads(m["problems"])],
    )


def runs_of(conn: sa.Connection, source_id: str, limit: int = 20) -> list[Run]:
    rows = conn.execute(
        sa.select(harvest_runs)
        .where(harvest_runs.c.source_id == source_id)
        .order_by(harvest_runs.c.started_at.desc(), harvest_runs.c.id)
        .limit(limit)
    )
    return [_run(r) for r in rows]


def failing_streak(conn: sa.Connection, source_id: str) -> int:
    """How many of the latest finished runs failed in a row (the dashboard flags ≥ 2)."""
    streak = 0
    for run in runs_of(conn, source_id, 10):
        if run.state == "running":
            continue
        if run.state != "failed":
            break
        streak += 1
    return streak


def claim_due(conn: sa.Connection) -> list[str]:
    """The sources whose time has come, each claimed by moving its next run forward (so two
    workers never run one source at once)."""
    stamp = now()
    due = conn.execute(
        sa.select(
            harvest_sources.c.id, harvest_sources.c.interval_hours, harvest_sources.c.next_run_at
        )
        .where(harvest_sources.c.next_run_at <= stamp)
        .order_by(harvest_sources.c.next_run_at)
    ).all()
    claimed = []
    for row in due:
        hours = row.interval_hours or 24
        result = conn.execute(
            harvest_sources.update()
            .where(harvest_sources.c.id == row.id, harvest_sources.c.next_run_at == row.next_run_at)
            .values(next_run_at=stamp + dt.timedelta(hours=hours))
        )
        if result.rowcount == 1:
            claimed.append(row.id)
    return claimed


def origins_of(conn: sa.Connection, source_id: str) -> dict[str, tuple[str, str, bool]]:
    """original IRI → (dataset id, content hash, withdrawn) of the source's datasets."""
    rows = conn.execute(
        sa.select(
            harvest_origins.c.original_iri,
            harvest_origins.c.dataset_id,
            harvest_origins.c.content_hash,
            harvest_origins.c.withdrawn,
        ).where(harvest_origins.c.source_id == source_id)
    )
    return {r.original_iri: (r.dataset_id, r.content_hash, r.withdrawn) for r in rows}


def run_soon(conn: sa.Connection, actor: Actor, source_id: str) -> Source:
    """Ask the worker to run the source at its next look (within a minute)."""
    source = get_source(conn, actor, source_id)
    actor.require(source.organisation_id, "admin", "run this harvest source")
    conn.execute(
        harvest_sources.update()
        .where(harvest_sources.c.id == source.id)
        .values(next_run_at=now(), updated_at=now())
    )
    return get_source(conn, actor, source.id)


def failing_sources(
    conn: sa.Connection, actor: Actor, at_least: int = 2
) -> list[tuple[Source, int]]:
    """The sources the actor may read whose last `at_least` or more runs failed in a row."""
    found = []
    for source in list_sources(conn, actor):
        streak = failing_streak(conn, source.id)
        if streak >= at_least:
            found.append((source, streak))
    return found


def delete_source(conn: sa.Connection, source_id: str) -> None:
    """The source's row with its runs and origins (`changes.remove_harvest_source` first
    deletes or releases its datasets)."""
    conn.execute(harvest_origins.delete().where(harvest_origins.c.source_id == source_id))
    conn.execute(harvest_runs.delete().where(harvest_runs.c.source_id == source_id))
    conn.execute(harvest_sources.delete().where(harvest_sources.c.id == source_id))
