"""Reminders: one digest a day per person about the datasets that fall due, and broken links.

The worker runs `send_reminders` every hour. A published dataset whose due date
(`freshness`) is at most `reminder_days_ahead` days away is "due soon", one past it "overdue";
a distribution link broken for `BROKEN_DAYS` days (`links`) is reported too. Each goes to the
dataset's contact point (its own, else its organisation's) and to the organisation's editors
and admins; a broken link to the contact point only, since editors see it on their dashboard.

A person (an e-mail address) gets everything new in one message, never one per dataset, and at
most one a day: what comes up after today's digest waits for tomorrow's. Each thing told is
kept (`reminders_sent`, keyed by the address and a topic naming the dataset and its due date,
or the link and since when it is broken), so the same reminder never comes twice, while a new
due date or a new breakage is news again. The message is in the person's language (an account
with that address: its language; otherwise Swedish) and ends with a link that stops them for
that address: signed with the site's key (HMAC-SHA256), so nobody can stop another's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

import sqlalchemy as sa
from babel.dates import format_date

from torget.catalog.organisations import all_organisations, contact_point_of
from torget.clock import as_utc, now
from torget.db.engine import read, write
from torget.db.schema import (
    dataset_due_dates,
    datasets,
    distributions,
    link_checks,
    memberships,
    reminder_unsubscribes,
    reminders_sent,
    users,
)
from torget.mail.language import mail_language, translator
from torget.mail.outbox import queue_mail
from torget.publishing.freshness import PHRASES, frequency_code
from torget.settings import Settings

__all__ = [
    "BROKEN_DAYS",
    "Item",
    "compose",
    "pending",
    "send_reminders",
    "unsubscribe",
    "unsubscribe_link",
    "unsubscribe_token",
    "valid_token",
]

BROKEN_DAYS = 7
Kind = Literal["due", "soon", "link"]


@dataclass(frozen=True)
class Item:
    """One thing to tell: a dataset overdue or due soon, or a link of it broken since `at`."""

    topic: str
    kind: Kind
    dataset_id: str
    title: dict[str, str]
    at: dt.datetime
    frequency: str | None = None
    url: str | None = None
    problem: str | None = None


def _address(email: str) -> str:
    return email.strip().removeprefix("mailto:").lower()


def unsubscribe_token(secret: str, address: str) -> str:
    key = hashlib.sha256(b"torget reminders " + secret.encode()).digest()
    return hmac.new(key, _address(address).encode(), hashlib.sha256).hexdigest()


def valid_token(secret: str, address: str, token: str) -> bool:
    return hmac.compare_digest(unsubscribe_token(secret, address), token)


def unsubscribe_link(settings: Settings, secret: str, address: str) -> str:
    query = urlencode({"address": _address(address), "token": unsubscribe_token(secret, address)})
    return f"{settings.public_base}/reminders/unsubscribe?{query}"


def unsubscribe(conn: sa.Connection, address: str) -> None:
    """No more reminders to `address` (already none: nothing changes)."""
    known = sa.select(reminder_unsubscribes).where(
        reminder_unsubscribes.c.recipient == _address(address)
    )
    if conn.execute(known).first() is None:
        conn.execute(reminder_unsubscribes.insert().values(recipient=_address(address),
                                                           created_at=now()))  # fmt: skip


# --- What to tell whom ----------------------------------------------------------------------


def _dataset_rows(conn: sa.Connection, ids: Iterable[str]) -> dict[str, sa.RowMapping]:
    query = sa.select(datasets.c.id, datasets.c.organisation_id, datasets.c.data).where(
        datasets.c.id.in_(list(ids)), datasets.c.state == "published"
    )
    return {row["id"]: row for row in conn.execute(query).mappings()}


def _due_items(conn: sa.Connection, at: dt.datetime, days_ahead: int) -> list[Item]:
    rows = conn.execute(
        sa.select(dataset_due_dates.c.dataset_id, dataset_due_dates.c.due_at).where(
            dataset_due_dates.c.due_at <= at + dt.timedelta(days=days_ahead)
        )
    ).all()
    found = _dataset_rows(conn, [r.dataset_id for r in rows])
    items = []
    for dataset_id, due_at in rows:
        if dataset_id not in found:
            continue
        due = as_utc(due_at)
        kind: Kind = "due" if due <= at else "soon"
        data = json.loads(found[dataset_id]["data"])
        items.append(Item(f"{kind}:{dataset_id}:{due:%Y%m%dT%H%M}", kind, dataset_id,
                          data["title"], due, frequency_code(data.get("frequency"))))  # fmt: skip
    return items


def _link_items(conn: sa.Connection, at: dt.datetime) -> list[Item]:
    rows = conn.execute(
        sa.select(link_checks, distributions.c.dataset_id)
        .join(distributions, distributions.c.id == link_checks.c.distribution_id)
        .where(link_checks.c.broken_since <= at - dt.timedelta(days=BROKEN_DAYS))
    ).all()
    found = _dataset_rows(conn, [r.dataset_id for r in rows])
    items = []
    for row in rows:
        if row.dataset_id not in found:
            continue
        since = as_utc(row.broken_since)
        digest = hashlib.sha256(row.url.encode()).hexdigest()[:16]
        topic = f"link:{row.distribution_id}:{digest}:{since:%Y%m%dT%H%M}"
        title = json.loads(found[row.dataset_id]["data"])["title"]
        items.append(Item(topic, "link", row.dataset_id, title, since, url=row.url,
                          problem=row.error))  # fmt: skip
    return items


def _editors(conn: sa.Connection, organisation_ids: Iterable[str]) -> dict[str, set[str]]:
    rows = conn.execute(
        sa.select(memberships.c.organisation_id, users.c.email)
        .join(users, users.c.id == memberships.c.user_id)
        .where(
            memberships.c.organisation_id.in_(list(organisation_ids)),
            memberships.c.role.in_(("editor", "admin")),
        )
    )
    found: dict[str, set[str]] = {}
    for org_id, email in rows:
        found.setdefault(org_id, set()).add(_address(email))
    return found


def _told(conn: sa.Connection, topics: list[str]) -> set[tuple[str, str]]:
    """Which of these topics were told to whom (only these: the table grows with every day)."""
    sent: set[tuple[str, str]] = set()
    for start in range(0, len(topics), 500):
        rows = conn.execute(
            sa.select(reminders_sent.c.recipient, reminders_sent.c.topic).where(
                reminders_sent.c.topic.in_(topics[start : start + 500])
            )
        )
        sent |= {(recipient, topic) for recipient, topic in rows}
    return sent


def pending(conn: sa.Connection, days_ahead: int, at: dt.datetime) -> dict[str, list[Item]]:
    """Per address (not unsubscribed): what it has not been told yet, in due-date order."""
    items = _due_items(conn, at, days_ahead) + _link_items(conn, at)
    rows = _dataset_rows(conn, {i.dataset_id for i in items})
    orgs = all_organisations(conn)
    editors = _editors(conn, {r["organisation_id"] for r in rows.values()})
    told: dict[str, list[Item]] = {}
    for item in sorted(items, key=lambda i: (i.at, i.topic)):
        row = rows[item.dataset_id]
        own = json.loads(row["data"]).get("contact_point")
        contact = own["email"] if own else getattr(
            contact_point_of(orgs, row["organisation_id"]), "email", None
        )  # fmt: skip
        to = {_address(contact)} if contact else set()
        if item.kind != "link":
            to |= editors.get(row["organisation_id"], set())
        for address in to:
            told.setdefault(address, []).append(item)
    stopped = set(conn.execute(sa.select(reminder_unsubscribes.c.recipient)).scalars())
    sent = _told(conn, sorted({i.topic for i in items}))
    return {
        address: new
        for address, listed in told.items()
        if address not in stopped and (new := [i for i in listed if (address, i.topic) not in sent])
    }


# --- The digest -----------------------------------------------------------------------------


def _languages(conn: sa.Connection, addresses: Iterable[str]) -> dict[str, str]:
    wanted = list(addresses)
    rows = conn.execute(
        sa.select(users.c.email, users.c.language).where(sa.func.lower(users.c.email).in_(wanted))
    )
    return {_address(email): mail_language(language) for email, language in rows}


def _line(item: Item, lang: str, base: str) -> str:
    _ = translator(lang).gettext
    title = (item.title.get("en") if lang == "en" else None) or item.title["sv"]
    day = format_date(item.at, "long", locale=lang)
    link = f"{base}/publish/dataset/{item.dataset_id}"
    if item.kind == "link":
        head = _("“{title}”: {url} ({problem}), broken since {date}").format(
            title=title, url=item.url, problem=item.problem or "?", date=day
        )
    else:
        how = _(PHRASES.get(item.frequency or "", "")) if item.frequency else ""
        head = _("“{title}” ({frequency}): due {date}").format(title=title, frequency=how, date=day)
    return f"- {head}\n  {link}"


def compose(items: list[Item], lang: str, address: str, base: str, stop: str) -> tuple[str, str]:
    """The digest's subject and body for one address."""
    _ = translator(lang).gettext
    sections = [
        ("due", _("Overdue: update these now")),
        ("soon", _("Due soon")),
        ("link", _("Links that have not worked for a week")),
    ]
    parts = [_("This is Torget's reminder about the datasets you look after.")]
    for kind, heading in sections:
        lines = [_line(i, lang, base) for i in items if i.kind == kind]
        if lines:
            parts.append(heading + ":\n" + "\n".join(lines))
    parts.append(
        _("You get at most one such message a day. To stop these reminders to {address}, open "
          "this link: {link}").format(address=address, link=stop)
    )  # fmt: skip
    return _("Torget: datasets that need your attention"), "\n\n".join(parts)


def _send_one(
    conn: sa.Connection, address: str, items: list[Item], texts: tuple[str, str], at: dt.datetime
) -> bool:
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    today = sa.select(reminders_sent.c.topic).where(
        reminders_sent.c.recipient == address, reminders_sent.c.sent_at >= day
    )
    if conn.execute(today.limit(1)).first() is not None:
        return False  # today's digest is out; these wait for tomorrow's
    conn.execute(
        reminders_sent.insert(),
        [{"recipient": address, "topic": i.topic, "sent_at": at} for i in items],
    )
    queue_mail(conn, address, *texts)
    return True


def send_reminders(
    engine: sa.Engine, settings: Settings, secret: str, at: dt.datetime | None = None
) -> int:
    """Queue today's digest to every address with news; returns how many were queued. Each
    address in its own transaction, so two workers never send the same reminder (the kept
    topics' primary key refuses the second)."""
    moment = at or now()
    with read(engine) as conn:
        news = pending(conn, settings.reminder_days_ahead, moment)
        languages = _languages(conn, news)
    queued = 0
    for address, items in sorted(news.items()):
        lang = languages.get(address, "sv")
        stop = unsubscribe_link(settings, secret, address)
        texts = compose(items, lang, address, settings.public_base, stop)
        try:
            with write(engine) as conn:
                queued += _send_one(conn, address, items, texts, moment)
        except sa.exc.IntegrityError:
            continue  # another worker told them first
    return queued
