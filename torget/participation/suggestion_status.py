"""A suggestion's way through its statuses, moved by the organisation concerned.

Only an editor of the suggestion's organisation (or of an organisation above it: roles are
inherited down the tree, see `accounts/permissions.py`) changes a status; anyone else gets
`PermissionDenied` (403). The allowed moves (`TRANSITIONS`):

    new          → under_review, planned, published, declined
    under_review → planned, published, declined
    planned      → under_review, published, declined
    declined     → under_review   (reopened: a decision can be reconsidered, e.g. when the
                                   data becomes available; votes open again)
    published    → (none: the answer is a public dataset; to answer differently, make a new
                    suggestion)

Declining needs a public reason; publishing needs a published dataset, which is linked. Any
other move may carry a public note (what is planned, when), which replaces the previous one.
`answered_at` is set at the first move to planned, published or declined and never moved, so
the demand figures measure the first answer. Every move is kept in `suggestion_history` and
announced as `SuggestionStatusChanged` (the e-mails and webhooks subscribe to it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM, Actor
from torget.catalog.model import DatasetIn
from torget.catalog.organisations import all_organisations, units_of
from torget.clock import as_utc, now
from torget.db.schema import datasets, suggestions, users
from torget.db.schema import suggestion_history as history_table
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.events import SuggestionStatusChanged, publish
from torget.ids import new_id
from torget.participation.suggestions import (
    ANSWERED_STATUSES,
    STATUSES,
    LinkedDataset,
    Suggestion,
    check_text,
    find_dataset,
    get_suggestion,
)

__all__ = [
    "TRANSITIONS",
    "StatusChange",
    "HistoryEntry",
    "next_statuses",
    "can_change_status",
    "change_status",
    "suggestion_history",
    "answer_candidates",
]

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("under_review", "planned", "published", "declined"),
    "under_review": ("planned", "published", "declined"),
    "planned": ("under_review", "published", "declined"),
    "declined": ("under_review",),
    "published": (),
}


@dataclass(frozen=True)
class StatusChange:
    status: str
    reason: str | None = None  # public; required when declining
    dataset: str | None = None  # id or name of a published dataset; required when publishing


@dataclass(frozen=True)
class HistoryEntry:
    from_status: str | None  # None for the suggestion's creation
    to_status: str
    reason: str | None
    dataset_id: str | None
    actor_name: str | None  # None once that account is erased: show a neutral label
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "from_status": self.from_status,
            "to_status": self.to_status,
            "reason": self.reason,
            "dataset_id": self.dataset_id,
            "by": self.actor_name,
            "at": self.created_at.isoformat(),
        }


def next_statuses(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def can_change_status(actor: Actor, suggestion: Suggestion) -> bool:
    return actor.user is not None and actor.has_role(suggestion.organisation_id, "editor")


def _check(
    conn: sa.Connection, current: str, change: StatusChange
) -> tuple[str | None, str | None]:
    """The public note and the linked dataset's id, or every reason the move is refused."""
    if change.status not in STATUSES:
        raise ValidationFailed(
            [FieldError("status", "unknown status", list(STATUSES), code="unknown_status")]
        )
    if change.status not in next_statuses(current):
        allowed = list(next_statuses(current))
        raise Conflict(
            f"a suggestion that is {current} can be moved to: {', '.join(allowed) or 'nothing'}"
        )
    errors: list[FieldError] = []
    note = check_text(errors, "status_reason", change.reason or "", required=False) or None
    if change.status == "declined" and note is None:
        errors.append(
            FieldError(
                "status_reason",
                "say publicly why the suggestion is declined",
                code="decline_reason_required",
            )
        )
    linked: LinkedDataset | None = None
    if change.status == "published":
        linked = find_dataset(conn, change.dataset) if change.dataset else None
        if linked is None:
            errors.append(
                FieldError(
                    "dataset",
                    "choose the published dataset that answers it",
                    code="answer_dataset_required",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return note, linked.id if linked else None


def _account_id(actor: Actor) -> str | None:
    """The account to record; the command line's SYSTEM actor has no row in `users`."""
    return None if actor is SYSTEM or actor.user is None else actor.user.id


def change_status(
    conn: sa.Connection, actor: Actor, suggestion_id: str, change: StatusChange
) -> Suggestion:
    """Move a suggestion to `change.status` (editors of its organisation only)."""
    found = get_suggestion(conn, suggestion_id)
    actor.require(found.organisation_id, "editor", "change the status of this suggestion")
    assert actor.user is not None
    note, dataset_id = _check(conn, found.status, change)
    stamp = now()
    values: dict[str, Any] = {"status": change.status, "status_reason": note, "updated_at": stamp}
    if dataset_id is not None:
        values["dataset_id"] = dataset_id
    if found.answered_at is None and change.status in ANSWERED_STATUSES:
        values["answered_at"] = stamp
    # The status in the WHERE makes two editors' simultaneous moves from the same state
    # conflict instead of both being recorded from it.
    moved = conn.execute(
        suggestions.update()
        .where((suggestions.c.id == found.id) & (suggestions.c.status == found.status))
        .values(**values)
    )
    if moved.rowcount != 1:
        raise Conflict("the suggestion was changed meanwhile; reload it and try again")
    conn.execute(
        history_table.insert().values(
            id=new_id(), suggestion_id=found.id, actor_id=_account_id(actor),
            from_status=found.status, to_status=change.status, reason=note,
            dataset_id=dataset_id, created_at=stamp,
        )
    )  # fmt: skip
    publish(conn, SuggestionStatusChanged(found.id, found.status, change.status))
    return get_suggestion(conn, found.id)


def suggestion_history(conn: sa.Connection, suggestion_id: str) -> list[HistoryEntry]:
    """Every status the suggestion has had, oldest first, starting with its creation."""
    name = sa.func.coalesce(users.c.fullname, users.c.name).label("actor_name")
    rows = conn.execute(
        sa.select(history_table, name)
        .outerjoin(users, users.c.id == history_table.c.actor_id)
        .where(history_table.c.suggestion_id == suggestion_id)
        .order_by(history_table.c.created_at, history_table.c.id)
    )
    return [
        HistoryEntry(r.from_status, r.to_status, r.reason, r.dataset_id, r.actor_name,
                     as_utc(r.created_at))
        for r in rows
    ]  # fmt: skip


def answer_candidates(conn: sa.Connection, suggestion: Suggestion) -> list[LinkedDataset]:
    """The published datasets of the suggestion's organisation and its units, by title: the
    choices for "published" (any published dataset may be linked through the API)."""
    owners = units_of(all_organisations(conn), suggestion.organisation_id)
    rows = conn.execute(
        sa.select(datasets.c.id, datasets.c.name, datasets.c.data)
        .where(datasets.c.organisation_id.in_(owners) & (datasets.c.state == "published"))
        .order_by(datasets.c.title_sv, datasets.c.name)
    )
    return [LinkedDataset(r.id, r.name, DatasetIn.model_validate_json(r.data).title) for r in rows]
