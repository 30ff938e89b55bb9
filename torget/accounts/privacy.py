"""A person's rights over their data (GDPR articles 15, 17 and 20): export it, erase it.

The export is one JSON document with every row that points at the account: the tables are
found through their foreign keys to `users`, so a table added later is exported without a
change here. Secrets are left out (password and token hashes, webhook secrets), and of the
mail sent to the person only the subject and times (a body may hold a live one-time link).

Erasing an account deletes the `users` row in one transaction; the schema's foreign keys do
the rest: tokens, memberships and follows go with it (ON DELETE CASCADE), suggestions, votes,
comments, showcases and history stay, anonymised (ON DELETE SET NULL), so public demand and
discussion are not lost. The address also leaves the outbox, the rate-limit counters and any
accessibility report. The password is asked again, and the last administrator of an
organisation cannot leave it without one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from torget.accounts.users import authenticate, get_user
from torget.clock import as_utc, now
from torget.db.schema import (
    accessibility_reports,
    mail_queue,
    memberships,
    metadata,
    organisations,
    rate_limit_hits,
    showcase_datasets,
    showcases,
    users,
)
from torget.errors import Conflict, FieldError, ValidationFailed

__all__ = [
    "EXPORT_FORMAT",
    "LastAdministrator",
    "export_account",
    "delete_account",
    "sole_admin_of",
]

EXPORT_FORMAT = "torget-account-export/1"
_SECRET_COLUMNS = {"password_hash", "token_hash", "secret"}


class LastAdministrator(Conflict):
    """The account is the only administrator left of these organisations (short names)."""

    def __init__(self, organisations: list[str]):
        self.organisations = organisations
        super().__init__(
            f"you are the last administrator of {', '.join(organisations)}: make someone "
            "else an administrator first"
        )


def _value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(conn: sa.Connection, query: sa.Select[Any]) -> list[dict[str, object]]:
    return [
        {k: _value(v) for k, v in row._mapping.items() if k not in _SECRET_COLUMNS}
        for row in conn.execute(query)
    ]


def _user_tables() -> list[tuple[sa.Table, list[sa.Column[Any]]]]:
    """Every table with columns that refer to a user, and those columns."""
    found = []
    for table in metadata.sorted_tables:
        columns = [
            c for c in table.columns if any(fk.column is users.c.id for fk in c.foreign_keys)
        ]
        if columns:
            found.append((table, columns))
    return found


def export_account(conn: sa.Connection, user_id: str) -> dict[str, object]:
    """Everything Torget holds about the account, as one JSON-ready document."""
    user = get_user(conn, user_id)
    [account] = _rows(conn, sa.select(users).where(users.c.id == user_id))
    document: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "exported_at": now().isoformat(),
        "account": account,
    }
    for table, columns in _user_tables():
        where = sa.or_(*(c == user_id for c in columns))
        query = sa.select(table).where(where).order_by(*table.primary_key.columns)
        document[table.name] = _rows(conn, query)
    mine = sa.select(showcases.c.id).where(showcases.c.author_id == user_id)
    document["showcase_datasets"] = _rows(
        conn,
        sa.select(showcase_datasets).where(showcase_datasets.c.showcase_id.in_(mine)),
    )
    document["memberships"] = _rows(
        conn,
        sa.select(memberships, organisations.c.name.label("organisation_name"))
        .join(organisations, organisations.c.id == memberships.c.organisation_id)
        .where(memberships.c.user_id == user_id)
        .order_by(organisations.c.name),
    )
    document.update(_by_address(conn, user.email, user_id))
    return document


def _by_address(conn: sa.Connection, email: str, user_id: str) -> dict[str, object]:
    address = sa.func.lower(mail_queue.c.recipient) == email.lower()
    return {
        "mail": _rows(
            conn,
            sa.select(mail_queue.c.subject, mail_queue.c.created_at, mail_queue.c.sent_at)
            .where(address)
            .order_by(mail_queue.c.created_at),
        ),
        "rate_limit_hits": _rows(
            conn,
            sa.select(rate_limit_hits).where(rate_limit_hits.c.bucket.like(f"%:user:{user_id}")),
        ),
        "accessibility_reports": _rows(
            conn,
            sa.select(accessibility_reports).where(
                sa.func.lower(accessibility_reports.c.email) == email.lower()
            ),
        ),
    }


def sole_admin_of(conn: sa.Connection, user_id: str) -> list[str]:
    """Names of the organisations that would have no administrator without this user.

    An administrator of an organisation administers its units too, so a unit is left without
    one only when nobody else is an administrator of it or of an organisation above it."""
    parents = dict(conn.execute(sa.select(organisations.c.id, organisations.c.parent_id)).all())
    names = dict(conn.execute(sa.select(organisations.c.id, organisations.c.name)).all())
    admins: dict[str, set[str]] = {}
    for org_id, member in conn.execute(
        sa.select(memberships.c.organisation_id, memberships.c.user_id).where(
            memberships.c.role == "admin"
        )
    ):
        admins.setdefault(org_id, set()).add(member)
    alone = []
    for org_id in parents:
        holders: set[str] = set()
        node, seen = org_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            holders |= admins.get(node, set())
            node = parents.get(node)
        if holders == {user_id}:
            alone.append(str(names[org_id]))
    return sorted(alone)


def delete_account(conn: sa.Connection, user_id: str, password: str) -> None:
    """Erase the account after checking its password again (see the module's docstring)."""
    user = get_user(conn, user_id)
    if authenticate(conn, user.name, password) is None:
        refused = FieldError("password", "the password is wrong", code="wrong_password")
        raise ValidationFailed([refused])
    alone = sole_admin_of(conn, user_id)
    if alone:
        raise LastAdministrator(alone)
    email = user.email.lower()
    conn.execute(mail_queue.delete().where(sa.func.lower(mail_queue.c.recipient) == email))
    conn.execute(rate_limit_hits.delete().where(rate_limit_hits.c.bucket.like(f"%:{user_id}")))
    conn.execute(
        accessibility_reports.update()
        .where(sa.func.lower(accessibility_reports.c.email) == email)
        .values(email=None)
    )
    conn.execute(users.delete().where(users.c.id == user_id))
