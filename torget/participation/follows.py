"""Following a dataset, an organisation or a suggestion, and the e-mails it brings.

A follower is mailed, in their own language, when a followed dataset is published or updated,
when a followed organisation (or one of its units) publishes a dataset, when a followed
suggestion changes status (that mail is `suggestion_letters.py`'s, which also tells its author
and voters, each person once), and when the publisher answers on a followed dataset or
suggestion. The mails come from subscribers to the domain events, in the same transaction as
the change, so a rolled-back change mails nobody.

"Updated" is debounced: a publisher who saves ten times in a row sends a follower one mail,
not ten. Each follower gets at most one "updated" mail per dataset per hour
(`UPDATE_MAIL_INTERVAL`); the claim is a conditional UPDATE of `follows.update_mailed_at`,
so two concurrent saves cannot both mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from torget.accounts.permissions import SYSTEM, Actor
from torget.catalog.model import LangText
from torget.clock import as_utc, now
from torget.db.schema import comments, follows
from torget.errors import NotFound
from torget.events import (
    Bulk,
    CommentPosted,
    DatasetDeleted,
    DatasetPublished,
    DatasetUpdated,
    Handler,
)
from torget.participation.letters import N_, recipients, send_letter, title_in
from torget.participation.subjects import (
    SUBJECT_TYPES,
    Subject,
    dataset_owners,
    get_subject,
    lineage,
)
from torget.site_lookup import settings_of

__all__ = [
    "Followed",
    "UPDATE_MAIL_INTERVAL",
    "followers",
    "follow",
    "unfollow",
    "is_following",
    "list_follows",
]

UPDATE_MAIL_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True)
class Followed:
    subject_type: str
    subject_id: str
    title: LangText
    path: str
    since: dt.datetime


def _where(user_id: str, subject: Subject) -> sa.ColumnElement[bool]:
    return (
        (follows.c.user_id == user_id)
        & (follows.c.subject_type == subject.type)
        & (follows.c.subject_id == subject.id)
    )


def follow(conn: sa.Connection, actor: Actor, subject_type: str, ref: str) -> Subject:
    """Follow a subject (idempotent: following twice is following once)."""
    actor.require_verified("follow")
    assert actor.user is not None
    subject = get_subject(conn, actor, subject_type, ref, SUBJECT_TYPES)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(follows)
        .values(user_id=actor.user.id, subject_type=subject.type, subject_id=subject.id,
                created_at=now())
        .on_conflict_do_nothing()
    )  # fmt: skip
    return subject


def unfollow(conn: sa.Connection, actor: Actor, subject_type: str, ref: str) -> Subject:
    """Stop following (idempotent)."""
    actor.require_verified("unfollow")
    assert actor.user is not None
    subject = get_subject(conn, actor, subject_type, ref, SUBJECT_TYPES)
    conn.execute(follows.delete().where(_where(actor.user.id, subject)))
    return subject


def is_following(conn: sa.Connection, actor: Actor, subject: Subject) -> bool:
    if actor.user is None:
        return False
    found = conn.execute(sa.select(follows.c.user_id).where(_where(actor.user.id, subject)))
    return found.first() is not None


def list_follows(conn: sa.Connection, actor: Actor) -> list[Followed]:
    """What the actor follows, newest first (subjects gone or no longer public left out)."""
    actor.require_verified("see what you follow")
    assert actor.user is not None
    rows = conn.execute(
        sa.select(follows)
        .where(follows.c.user_id == actor.user.id)
        .order_by(follows.c.created_at.desc())
    )
    out = []
    for row in rows:
        try:
            s = get_subject(conn, actor, row.subject_type, row.subject_id, SUBJECT_TYPES)
        except NotFound:
            continue
        out.append(Followed(s.type, s.id, s.title, s.path, as_utc(row.created_at)))
    return out


# --- The mails -------------------------------------------------------------------------------


def followers(conn: sa.Connection, subject_type: str, subject_ids: list[str]) -> list[str]:
    rows = conn.execute(
        sa.select(follows.c.user_id).where(
            (follows.c.subject_type == subject_type) & follows.c.subject_id.in_(subject_ids)
        )
    )
    return [r.user_id for r in rows]


def _mail(
    conn: sa.Connection, user_ids: list[str], subject: Subject, title: str, body: str
) -> None:
    url = settings_of(conn).public_base + subject.path
    for to in recipients(conn, user_ids):
        name = title_in(subject.title, to.language)
        send_letter(conn, to, title, body, title=name, url=url)


def _followed(
    conn: sa.Connection, dataset_ids: Sequence[str], *, by_organisation: bool
) -> list[str]:
    """Those of the datasets that someone follows (or, `by_organisation`, whose organisation
    or one above it someone follows), in order: a harvest's thousands in a few queries."""
    owners = dataset_owners(conn, dataset_ids)
    ids = list(owners)
    followed = {
        str(i)
        for start in range(0, len(ids), 500)
        for i in conn.execute(
            sa.select(follows.c.subject_id).where(
                (follows.c.subject_type == "dataset")
                & follows.c.subject_id.in_(ids[start : start + 500])
            )
        ).scalars()
    }
    if by_organisation:
        orgs = set(owners.values())
        followed_orgs = {o for o in orgs if followers(conn, "organisation", lineage(conn, o))}
        followed.update(i for i in ids if owners[i] in followed_orgs)
    return [i for i in ids if i in followed]


def _to_followed(mail: Callable[[sa.Connection, str], None], *, by_organisation: bool) -> Bulk:
    """A handler of many dataset events that mails about the followed datasets only."""

    def handler(conn: sa.Connection, events: Sequence[DatasetPublished | DatasetUpdated]) -> None:
        ids = [e.dataset_id for e in events]
        for dataset_id in _followed(conn, ids, by_organisation=by_organisation):
            mail(conn, dataset_id)

    return Bulk(handler)


def _published(conn: sa.Connection, dataset_id: str) -> None:
    subject = get_subject(conn, SYSTEM, "dataset", dataset_id, ("dataset",))
    users = followers(conn, "dataset", [subject.id])
    users += followers(conn, "organisation", lineage(conn, subject.organisation_id))
    _mail(
        conn, users, subject,
        N_("Published: %(title)s"),
        N_("The dataset %(title)s is now published as open data:\n%(url)s\n"),
    )  # fmt: skip


def _claim_update_mails(conn: sa.Connection, dataset_id: str) -> list[str]:
    """Followers not mailed about this dataset within the interval, each claimed at once."""
    stamp = now()
    due = (follows.c.update_mailed_at.is_(None)) | (
        follows.c.update_mailed_at < stamp - UPDATE_MAIL_INTERVAL
    )
    claimed = []
    for user_id in followers(conn, "dataset", [dataset_id]):
        taken = conn.execute(
            follows.update()
            .where((follows.c.user_id == user_id) & (follows.c.subject_type == "dataset"))
            .where((follows.c.subject_id == dataset_id) & due)
            .values(update_mailed_at=stamp)
        )
        if taken.rowcount == 1:
            claimed.append(user_id)
    return claimed


def _updated(conn: sa.Connection, dataset_id: str) -> None:
    subject = get_subject(conn, SYSTEM, "dataset", dataset_id, ("dataset",))
    _mail(
        conn, _claim_update_mails(conn, subject.id), subject,
        N_("Updated: %(title)s"),
        N_("The dataset %(title)s that you follow has been updated:\n%(url)s\n"),
    )  # fmt: skip


def _on_comment(conn: sa.Connection, event: CommentPosted) -> None:
    row = conn.execute(
        sa.select(comments.c.by_publisher, comments.c.author_id).where(
            comments.c.id == event.comment_id
        )
    ).one()
    if not row.by_publisher:
        return
    subject = get_subject(conn, SYSTEM, event.subject_type, event.subject_id, SUBJECT_TYPES)
    users = [u for u in followers(conn, subject.type, [subject.id]) if u != row.author_id]
    subject = Subject(subject.type, subject.id, subject.organisation_id, subject.title,
                      subject.path + "#comments", subject.public)  # fmt: skip
    _mail(
        conn, users, subject,
        N_("The publisher answered: %(title)s"),
        N_("The publisher has answered on %(title)s, which you follow:\n%(url)s\n"),
    )  # fmt: skip


def _on_deleted(conn: sa.Connection, event: DatasetDeleted) -> None:
    conn.execute(
        follows.delete().where(
            (follows.c.subject_type == "dataset") & (follows.c.subject_id == event.dataset_id)
        )
    )


SUBSCRIPTIONS: tuple[tuple[type, Handler], ...] = (
    (DatasetDeleted, _on_deleted),
    (DatasetPublished, _to_followed(_published, by_organisation=True)),
    (DatasetUpdated, _to_followed(_updated, by_organisation=False)),
    (CommentPosted, _on_comment),
)
