"""The audit log: who created, changed, published, withdrew, deleted, classified or signed off
what in the catalogue, when, and through which path (pages, JSON API, CKAN API, command line,
harvest, worker).

One row per change, written by the use-case functions themselves (`changes.py`,
`settlements.py`, `guard.sign_off`, `changes.apply_harvest`) in the change's own transaction, so
a change that rolls back leaves no entry and no write path can skip one. The path is the
`Acting` those functions take (`torget.accounts.permissions.Channel`): every shell has to say
which it is, and the type checker refuses one that does not.

Why direct writes and not a subscriber of the domain events (`torget.events`): the events
carry only ids, are published by the stores beneath the use cases and several times per change
(a dataset saved with its distributions announces each of them, and a publication held for a
scan saves the dataset twice), and know neither the caller nor its path, nor what the record
looked like before. The use-case function is the one place that knows all of that exactly
once per change.

Append-only: nothing here (or anywhere in `torget/`) updates or deletes a row
(`tests/publishing/test_audit.py` checks the source), and migration 0019's triggers refuse it
in the database, except the erasure of an account, which leaves its entries without a name.
The organisation log is read by the organisation's admins (and those above it), a dataset's
history by its editors: they are the ones who answer for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Acting, Actor
from torget.catalog import datasets as dataset_store
from torget.catalog.organisations import all_organisations, get_organisation, units_of
from torget.clock import as_utc, now
from torget.datastore.export import inert
from torget.db.schema import audit_log, users

__all__ = [
    "Action",
    "Subject",
    "Entry",
    "record",
    "record_many",
    "organisation_log",
    "dataset_log",
    "as_csv",
    "CSV_COLUMNS",
]

# What the record's fields changed: {"title.sv": [before, after]} (None where absent).
Changes = dict[str, list[Any]]


class Action(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    DELETED = "deleted"
    CLASSIFIED = "classified"
    LICENCE_JUSTIFIED = "licence_justified"
    APPROVED = "approved"
    SIGNED_OFF = "signed_off"
    RULES_CHANGED = "rules_changed"
    MEMBER_SET = "member_set"
    MEMBER_REMOVED = "member_removed"


@dataclass(frozen=True)
class Subject:
    """What a change was made to: a dataset (its distributions, classification and
    sign-offs included), a data service or an organisation (its members included)."""

    type: str  # dataset | dataservice | organisation
    id: str
    name: str
    organisation_id: str


def _person(actor: Acting) -> str | None:
    """The account to keep; None for the command line's and the harvester's authority."""
    user = actor.user
    return None if user is None or user.id == "system" else user.id


def record(
    conn: sa.Connection, actor: Acting, action: Action, subject: Subject, changes: Changes
) -> None:
    """One entry, in the caller's transaction."""
    record_many(conn, actor, [(action, subject, changes)])


def record_many(
    conn: sa.Connection, actor: Acting, entries: Sequence[tuple[Action, Subject, Changes]]
) -> None:
    """One entry per change, written in one statement (a harvest's thousands of datasets)."""
    if not entries:
        return
    person, at = _person(actor), now()
    rows = [
        {
            "at": at,
            "actor_id": person,
            "actor_kind": "system" if person is None else "person",
            "channel": actor.channel.value,
            "action": action.value,
            "subject_type": subject.type,
            "subject_id": subject.id,
            "subject_name": subject.name[:200],
            "organisation_id": subject.organisation_id,
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        }
        for action, subject, changes in entries
    ]
    conn.execute(audit_log.insert(), rows)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    at: dt.datetime
    actor: str | None  # the account's name; None for the system or an erased account
    actor_kind: str
    channel: str
    action: str
    subject_type: str
    subject_id: str
    subject_name: str
    organisation: str  # short name; the id when the organisation is gone
    changes: Changes

    @property
    def who(self) -> str:
        """The actor as the log shows them: a name, "system", or "erased account"."""
        if self.actor is not None:
            return self.actor
        return "system" if self.actor_kind == "system" else "erased account"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_kind": self.actor_kind,
            "channel": self.channel,
            "action": self.action,
            "subject": {
                "type": self.subject_type,
                "id": self.subject_id,
                "name": self.subject_name,
            },
            "organisation": self.organisation,
            "changes": [
                {"field": f, "before": v[0], "after": v[1]} for f, v in self.changes.items()
            ],
        }


def _read(
    conn: sa.Connection, where: sa.ColumnElement[bool], before: int | None, limit: int | None
) -> list[Entry]:
    t = audit_log
    query = (
        sa.select(t, users.c.name.label("actor_name"))
        .outerjoin(users, users.c.id == t.c.actor_id)
        .where(where)
        .order_by(t.c.id.desc())
    )
    if before is not None:
        query = query.where(t.c.id < before)
    if limit is not None:
        query = query.limit(limit)
    names = {o.id: o.name for o in all_organisations(conn).values()}
    return [
        Entry(
            m["id"],
            as_utc(m["at"]),
            m["actor_name"],
            m["actor_kind"],
            m["channel"],
            m["action"],
            m["subject_type"],
            m["subject_id"],
            m["subject_name"],
            names.get(m["organisation_id"], m["organisation_id"]),
            json.loads(m["changes"]),
        )
        for m in (row._mapping for row in conn.execute(query))
    ]


def organisation_log(
    conn: sa.Connection,
    actor: Actor,
    organisation: str,
    *,
    before: int | None = None,
    limit: int | None = 100,
) -> list[Entry]:
    """The organisation's and its units' entries, newest first (its admins); `before` an
    entry's id for the next page, `limit` None for all (the CSV export)."""
    org = get_organisation(conn, organisation)
    actor.require(org.id, "admin", "read this organisation's audit log")
    covered = units_of(all_organisations(conn), org.id)
    return _read(conn, audit_log.c.organisation_id.in_(sorted(covered)), before, limit)


def dataset_log(
    conn: sa.Connection,
    actor: Actor,
    dataset: str,
    *,
    before: int | None = None,
    limit: int | None = 100,
) -> list[Entry]:
    """The dataset's entries, newest first, each with the fields it changed: the history of
    its metadata (its organisation's editors)."""
    found = dataset_store.get_dataset(conn, actor, dataset)
    actor.require(found.organisation_id, "editor", "read this dataset's history")
    where = sa.and_(audit_log.c.subject_type == "dataset", audit_log.c.subject_id == found.id)
    return _read(conn, where, before, limit)


CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "channel",
    "action",
    "subject_type",
    "subject_name",
    "subject_id",
    "organisation",
    "changes",
)


def as_csv(entries: list[Entry]) -> Iterator[str]:
    """The entries as CSV lines (a header first); the changes as JSON in one column. No cell
    can run as a spreadsheet formula (`torget.datastore.export.inert`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        writer.writerow([inert(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(list(CSV_COLUMNS))
    for e in entries:
        changes = json.dumps(e.changes, ensure_ascii=False) if e.changes else ""
        yield line(
            [
                str(e.id),
                e.at.isoformat(),
                e.who,
                e.channel,
                e.action,
                e.subject_type,
                e.subject_name,
                e.subject_id,
                e.organisation,
                changes,
            ]
        )
