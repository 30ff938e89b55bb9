"""Outgoing webhooks: an organisation's programs are called when its data changes.

An organisation administrator registers a URL, the events wanted (`WEBHOOK_EVENTS`) and gets
a secret, shown once, with which every call is signed (see `webhook_sender`). A webhook of an
organisation also hears about its units' datasets, as roles are inherited down the tree.

Each call is a row of `webhook_deliveries` written by an event subscriber in the same
transaction as the change (an outbox, like `torget.mail`): a rolled-back change calls nobody,
and a call that fails is retried. Sending happens after the commit in a background thread and
in the worker (`webhook_sender`), never inside a request.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM, Actor
from torget.catalog.datasets import get_dataset
from torget.catalog.organisations import get_organisation
from torget.clock import as_utc, now
from torget.db.schema import suggestions, webhook_deliveries, webhooks
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import (
    Bulk,
    DatasetPublished,
    DatasetUpdated,
    DatasetWithdrawn,
    Handler,
    SuggestionStatusChanged,
)
from torget.ids import new_id
from torget.participation.subjects import dataset_owners, lineage
from torget.participation.webhook_sender import TargetRefused, check_target, wake_sender
from torget.site_lookup import settings_of

__all__ = [
    "WEBHOOK_EVENTS",
    "Webhook",
    "Delivery",
    "create_webhook",
    "list_webhooks",
    "get_webhook",
    "delete_webhook",
    "list_deliveries",
]

WEBHOOK_EVENTS = (
    "dataset.published",
    "dataset.updated",
    "dataset.withdrawn",
    "suggestion.status_changed",
)


@dataclass(frozen=True)
class Webhook:
    id: str
    organisation_id: str
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "organisation_id": self.organisation_id,
            "url": self.url,
            "events": self.events,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Delivery:
    id: str
    webhook_id: str
    event: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "webhook_id": self.webhook_id,
            "event": self.event,
            "state": self.state,
            "attempts": self.attempts,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat()
            if self.state == "pending"
            else None,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
        }


def _webhook(row: sa.Row[Any]) -> Webhook:
    return Webhook(row.id, row.organisation_id, row.url, json.loads(row.events), bool(row.active),
                   as_utc(row.created_at))  # fmt: skip


def _check(conn: sa.Connection, url: str, events: list[str]) -> list[FieldError]:
    errors = []
    parts = urlsplit(url.strip())
    if len(url) > 2000:
        message = f"url is {len(url)} characters; at most 2000 are allowed"
        params = {"length": str(len(url)), "limit": "2000"}
        errors.append(FieldError("url", message, code="too_long", params=params))
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(FieldError("url", "give an http:// or https:// address", code="not_http_url"))
    else:
        try:
            check_target(url.strip(), settings_of(conn).allow_private_addresses)
        except TargetRefused as exc:
            errors.append(FieldError("url", str(exc)))
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if not events or unknown:
        message = f"unknown events {unknown}" if unknown else "choose at least one event"
        code = "unknown_events" if unknown else "events_required"
        errors.append(FieldError("events", message, list(WEBHOOK_EVENTS), code=code))
    return errors


def create_webhook(
    conn: sa.Connection, actor: Actor, organisation: str, url: str, events: list[str]
) -> tuple[Webhook, str]:
    """Register a webhook; returns it and its signing secret (shown to the caller only now)."""
    org = get_organisation(conn, organisation)
    actor.require(org.id, "admin", "register webhooks for this organisation")
    errors = _check(conn, url, events)
    if errors:
        raise ValidationFailed(errors)
    secret, stamp, hook_id = secrets.token_urlsafe(32), now(), new_id()
    chosen = [e for e in WEBHOOK_EVENTS if e in events]
    conn.execute(
        webhooks.insert().values(
            id=hook_id, organisation_id=org.id, url=url.strip(), secret=secret,
            events=json.dumps(chosen), active=True, created_at=stamp, updated_at=stamp,
        )
    )  # fmt: skip
    return get_webhook(conn, actor, hook_id), secret


def list_webhooks(conn: sa.Connection, actor: Actor, organisation: str) -> list[Webhook]:
    org = get_organisation(conn, organisation)
    actor.require(org.id, "admin", "see this organisation's webhooks")
    rows = conn.execute(
        sa.select(webhooks)
        .where(webhooks.c.organisation_id == org.id)
        .order_by(webhooks.c.created_at)
    )
    return [_webhook(r) for r in rows]


def get_webhook(conn: sa.Connection, actor: Actor, webhook_id: str) -> Webhook:
    row = conn.execute(sa.select(webhooks).where(webhooks.c.id == webhook_id)).first()
    if row is None or not actor.has_role(row.organisation_id, "admin"):
        raise NotFound(f"no webhook {webhook_id!r}")
    return _webhook(row)


def delete_webhook(conn: sa.Connection, actor: Actor, webhook_id: str) -> None:
    hook = get_webhook(conn, actor, webhook_id)
    conn.execute(webhooks.delete().where(webhooks.c.id == hook.id))


def list_deliveries(
    conn: sa.Connection, actor: Actor, webhook_id: str, limit: int = 100
) -> list[Delivery]:
    """The webhook's latest calls, newest first: the delivery log."""
    hook = get_webhook(conn, actor, webhook_id)
    d = webhook_deliveries.c
    rows = conn.execute(
        sa.select(webhook_deliveries)
        .where(d.webhook_id == hook.id)
        .order_by(d.created_at.desc(), d.id)
        .limit(limit)
    )
    return [
        Delivery(r.id, r.webhook_id, r.event, r.state, r.attempts, r.last_status, r.last_error,
                 as_utc(r.created_at), as_utc(r.next_attempt_at),
                 as_utc(r.delivered_at) if r.delivered_at else None)
        for r in rows
    ]  # fmt: skip


# --- Queueing calls from the domain events ---------------------------------------------------


def _queue(conn: sa.Connection, organisation_id: str, event: str, subject: dict[str, Any]) -> None:
    owners = lineage(conn, organisation_id)
    rows = conn.execute(
        sa.select(webhooks.c.id, webhooks.c.events).where(
            webhooks.c.organisation_id.in_(owners) & webhooks.c.active
        )
    ).all()
    stamp = now()
    queued = False
    for row in rows:
        if event not in json.loads(row.events):
            continue
        delivery_id = new_id()
        body = {"event": event, "time": stamp.isoformat(), "delivery": delivery_id, **subject}
        conn.execute(
            webhook_deliveries.insert().values(
                id=delivery_id, webhook_id=row.id, event=event, payload=json.dumps(body),
                state="pending", attempts=0, next_attempt_at=stamp, created_at=stamp,
            )
        )  # fmt: skip
        queued = True
    if queued:
        wake_sender(conn)


def _dataset_body(conn: sa.Connection, dataset_id: str) -> tuple[str, dict[str, Any]]:
    dataset = get_dataset(conn, SYSTEM, dataset_id)
    base = settings_of(conn).public_base
    title = dataset.data.title.model_dump(mode="json")
    return dataset.organisation_id, {
        "dataset": {
            "id": dataset.id,
            "iri": f"{base}/dataset/{dataset.id}",
            "name": dataset.name,
            "title": title,
            "organisation": dataset.data.organisation,
            "url": f"{base}/dataset/{dataset.name}",
            "api_url": f"{base}/api/datasets/{dataset.id}",
            "dcat_url": f"{base}/dataset/{dataset.name}.ttl",
        }
    }


def _hooked(conn: sa.Connection, organisation_id: str, event: str) -> bool:
    """Whether an active webhook of the organisation or one above it asks for `event`."""
    rows = conn.execute(
        sa.select(webhooks.c.events).where(
            webhooks.c.organisation_id.in_(lineage(conn, organisation_id)) & webhooks.c.active
        )
    ).scalars()
    return any(event in json.loads(events) for events in rows)


def _on_dataset(event: str) -> Bulk:
    """Each dataset's call queued; a harvest's thousands of datasets cost a query per
    organisation, not a dataset read, when no webhook asks for `event`."""

    def handler(
        conn: sa.Connection, events: Sequence[DatasetPublished | DatasetUpdated | DatasetWithdrawn]
    ) -> None:
        owners = dataset_owners(conn, [e.dataset_id for e in events])
        hooked = {o for o in set(owners.values()) if _hooked(conn, o, event)}
        for dataset_id, organisation_id in owners.items():
            if organisation_id in hooked:
                _queue(conn, organisation_id, event, _dataset_body(conn, dataset_id)[1])

    return Bulk(handler)


def _on_status(conn: sa.Connection, event: SuggestionStatusChanged) -> None:
    row = conn.execute(sa.select(suggestions).where(suggestions.c.id == event.suggestion_id)).one()
    base = settings_of(conn).public_base
    body = {
        "suggestion": {
            "id": row.id,
            "title": row.title,
            "status": event.to_status,
            "from_status": event.from_status,
            "dataset_id": row.dataset_id,
            "url": f"{base}/suggestions/{row.id}",
            "api_url": f"{base}/api/suggestions/{row.id}",
        }
    }
    _queue(conn, row.organisation_id, "suggestion.status_changed", body)


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DatasetPublished, _on_dataset("dataset.published")),
    (DatasetUpdated, _on_dataset("dataset.updated")),
    (DatasetWithdrawn, _on_dataset("dataset.withdrawn")),
    (SuggestionStatusChanged, _on_status),
)
