"""Questions and comments on datasets and suggestions, answered by the publisher, moderated.

Any verified account may post; a post by an editor of the organisation concerned is marked
`by_publisher` (the answer people look for). A reply hangs under a top-level post (one level,
like a question and its answers). Each new public question on a dataset is mailed to the
dataset's contact point (DCAT `dcat:contactPoint`, else its organisation's), so a publisher
does not have to watch the portal. Editors hide a post with a public reason and may restore
it; hiding keeps the row and every hide and restore is kept in `moderation_log`. Posting is
rate-limited per account and per address (`comments_per_hour`). A post and a reason may span
lines but hold no other control character (`torget.text`): a question is mailed as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import get_dataset
from torget.catalog.organisations import all_organisations, contact_point_of
from torget.clock import as_utc, now
from torget.db.schema import comments, moderation_log, users
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import CommentPosted, DatasetDeleted, Handler, publish
from torget.ids import new_id
from torget.participation.letters import N_, Recipient, send_letter, title_in
from torget.participation.subjects import Subject, get_subject
from torget.ratelimit import Limit, hit
from torget.site_lookup import settings_of
from torget.text import text_error, unify_newlines

__all__ = [
    "Comment",
    "Moderation",
    "COMMENT_SUBJECTS",
    "MAX_BODY",
    "MAX_REASON",
    "post_comment",
    "list_comments",
    "get_comment",
    "hide_comment",
    "restore_comment",
    "moderation_history",
    "can_moderate",
]

COMMENT_SUBJECTS = ("dataset", "suggestion")
MAX_BODY = 5000
MAX_REASON = 500


@dataclass(frozen=True)
class Comment:
    id: str
    subject_type: str
    subject_id: str
    parent_id: str | None
    author_name: str | None  # the display name; None once the account is erased
    body: str
    by_publisher: bool
    hidden_at: dt.datetime | None
    hidden_reason: str | None
    created_at: dt.datetime
    replies: tuple[Comment, ...] = ()

    def as_json(self, moderator: bool) -> dict[str, Any]:
        """The public shape: a hidden post's text only for those who may restore it."""
        hidden = self.hidden_at is not None
        return {
            "id": self.id,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "parent_id": self.parent_id,
            "author": self.author_name,
            "body": None if hidden and not moderator else self.body,
            "by_publisher": self.by_publisher,
            "hidden": hidden,
            "hidden_reason": self.hidden_reason,
            "created_at": self.created_at.isoformat(),
            "replies": [r.as_json(moderator) for r in self.replies],
        }


@dataclass(frozen=True)
class Moderation:
    action: str
    reason: str | None
    actor_name: str | None
    created_at: dt.datetime


def can_moderate(actor: Actor, subject: Subject) -> bool:
    return actor.user is not None and actor.has_role(subject.organisation_id, "editor")


def _select() -> sa.Select[Any]:
    name = sa.func.coalesce(users.c.fullname, users.c.name).label("author_name")
    return sa.select(comments, name).outerjoin(users, users.c.id == comments.c.author_id)


def _from_row(row: sa.Row[Any], replies: tuple[Comment, ...] = ()) -> Comment:
    m = row._mapping
    hidden = as_utc(m["hidden_at"]) if m["hidden_at"] is not None else None
    return Comment(
        m["id"], m["subject_type"], m["subject_id"], m["parent_id"], m["author_name"], m["body"],
        bool(m["by_publisher"]), hidden, m["hidden_reason"], as_utc(m["created_at"]), replies,
    )  # fmt: skip


def _check_text(field: str, value: str, limit: int, required: bool = True) -> str:
    text = unify_newlines(value.strip())
    if required and not text:
        raise ValidationFailed([FieldError(field, "write something", code="text_required")])
    if len(text) > limit:
        message = f"{field} is {len(text)} characters; at most {limit} are allowed"
        params = {"length": str(len(text)), "limit": str(limit)}
        raise ValidationFailed([FieldError(field, message, code="too_long", params=params)])
    refused = text_error(field, text, lines=True)
    if refused is not None:
        raise ValidationFailed([refused])
    return text


def get_comment(conn: sa.Connection, comment_id: str) -> Comment:
    row = conn.execute(_select().where(comments.c.id == comment_id)).first()
    if row is None:
        raise NotFound(f"no comment {comment_id!r}")
    return _from_row(row)


def _check_parent(conn: sa.Connection, subject: Subject, parent_id: str | None) -> None:
    if parent_id is None:
        return
    row = conn.execute(
        sa.select(comments.c.subject_type, comments.c.subject_id, comments.c.parent_id).where(
            comments.c.id == parent_id
        )
    ).first()
    if row is None or (row.subject_type, row.subject_id) != (subject.type, subject.id):
        raise ValidationFailed([FieldError("parent_id", "no such comment on this page")])
    if row.parent_id is not None:
        raise ValidationFailed([FieldError("parent_id", "answer the first post of a thread")])


def post_comment(
    conn: sa.Connection,
    actor: Actor,
    subject_type: str,
    subject_ref: str,
    body: str,
    *,
    address: str,
    parent_id: str | None = None,
) -> Comment:
    """Post a question (top level) or a reply; rate-limited per account and per `address`."""
    actor.require_verified("post comments")
    assert actor.user is not None
    subject = get_subject(conn, actor, subject_type, subject_ref, COMMENT_SUBJECTS)
    text = _check_text("body", body, MAX_BODY)
    _check_parent(conn, subject, parent_id)
    limit = Limit("comment", settings_of(conn).comments_per_hour, 3600)
    hit(conn, limit, f"user:{actor.user.id}")
    hit(conn, limit, f"ip:{address}")
    comment_id, stamp = new_id(), now()
    by_publisher = actor.has_role(subject.organisation_id, "editor")
    conn.execute(
        comments.insert().values(
            id=comment_id, subject_type=subject.type, subject_id=subject.id, parent_id=parent_id,
            author_id=actor.user.id, body=text, by_publisher=by_publisher, created_at=stamp,
            updated_at=stamp,
        )
    )  # fmt: skip
    if subject.type == "dataset" and parent_id is None and not by_publisher:
        _tell_contact_point(conn, actor, subject, text)
    publish(conn, CommentPosted(comment_id, subject.type, subject.id))
    return get_comment(conn, comment_id)


def _tell_contact_point(conn: sa.Connection, actor: Actor, subject: Subject, text: str) -> None:
    dataset = get_dataset(conn, actor, subject.id)
    contact = dataset.data.contact_point or contact_point_of(
        all_organisations(conn), dataset.organisation_id
    )
    if contact is None:
        return
    base = settings_of(conn).public_base
    send_letter(
        conn,
        Recipient(None, contact.email, "sv"),
        N_("New question about %(title)s"),
        N_(
            "Someone asked a question about the dataset %(title)s:\n\n%(text)s\n\n"
            "Answer it on the dataset's page (log in as an editor first):\n%(url)s#comments\n"
        ),
        title=title_in(subject.title, "sv"),
        text=text,
        url=base + subject.path,
    )


def list_comments(
    conn: sa.Connection, actor: Actor, subject_type: str, subject_ref: str
) -> tuple[Subject, list[Comment]]:
    """The threads on a subject, oldest first, each with its replies."""
    subject = get_subject(conn, actor, subject_type, subject_ref, COMMENT_SUBJECTS)
    return subject, threads_of(conn, subject)


def threads_of(conn: sa.Connection, subject: Subject) -> list[Comment]:
    """The threads on a subject the caller may read, oldest first, each with its replies."""
    rows = conn.execute(
        _select()
        .where((comments.c.subject_type == subject.type) & (comments.c.subject_id == subject.id))
        .order_by(comments.c.created_at, comments.c.id)
    ).all()
    replies: dict[str, list[Comment]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(_from_row(row))
    return [_from_row(row, tuple(replies.get(row.id, ()))) for row in rows if row.parent_id is None]


def _moderate(
    conn: sa.Connection, actor: Actor, comment_id: str, action: str, reason: str | None
) -> Comment:
    comment = get_comment(conn, comment_id)
    subject = get_subject(conn, actor, comment.subject_type, comment.subject_id, COMMENT_SUBJECTS)
    actor.require(subject.organisation_id, "editor", f"{action} comments here")
    assert actor.user is not None
    stamp = now()
    hidden = {"hidden_at": stamp, "hidden_reason": reason} if action == "hide" else {
        "hidden_at": None, "hidden_reason": None}  # fmt: skip
    conn.execute(comments.update().where(comments.c.id == comment.id).values(**hidden))
    conn.execute(
        moderation_log.insert().values(
            id=new_id(), comment_id=comment.id, actor_id=actor.user.id, action=action,
            reason=reason, created_at=stamp,
        )
    )  # fmt: skip
    return get_comment(conn, comment.id)


def hide_comment(conn: sa.Connection, actor: Actor, comment_id: str, reason: str) -> Comment:
    """Hide a post from the public; `reason` is shown in its place."""
    return _moderate(conn, actor, comment_id, "hide", _check_text("reason", reason, MAX_REASON))


def restore_comment(
    conn: sa.Connection, actor: Actor, comment_id: str, reason: str | None = None
) -> Comment:
    text = _check_text("reason", reason or "", MAX_REASON, required=False) or None
    return _moderate(conn, actor, comment_id, "restore", text)


def moderation_history(conn: sa.Connection, actor: Actor, comment_id: str) -> list[Moderation]:
    """Who hid or restored a post and why, oldest first (editors of the subject only)."""
    comment = get_comment(conn, comment_id)
    subject = get_subject(conn, actor, comment.subject_type, comment.subject_id, COMMENT_SUBJECTS)
    actor.require(subject.organisation_id, "editor", "read the moderation log")
    name = sa.func.coalesce(users.c.fullname, users.c.name)
    rows = conn.execute(
        sa.select(moderation_log.c.action, moderation_log.c.reason, name.label("actor_name"),
                  moderation_log.c.created_at)
        .outerjoin(users, users.c.id == moderation_log.c.actor_id)
        .where(moderation_log.c.comment_id == comment.id)
        .order_by(moderation_log.c.created_at)
    )  # fmt: skip
    return [Moderation(r.action, r.reason, r.actor_name, as_utc(r.created_at)) for r in rows]


def _on_dataset_deleted(conn: sa.Connection, event: DatasetDeleted) -> None:
    """A deleted dataset's threads go with it (they have no foreign key to it)."""
    where = (comments.c.subject_type == "dataset") & (comments.c.subject_id == event.dataset_id)
    conn.execute(comments.delete().where(where & comments.c.parent_id.is_not(None)))
    conn.execute(comments.delete().where(where))


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = ((DatasetDeleted, _on_dataset_deleted),)
