"""One-time links sent by e-mail: verify an address, reset a password.

The secret (256 random bits) travels only in the mailed link; the table keeps its SHA-256, as
for API tokens, so a leaked database cannot be turned into working links. A link works once
(a conditional UPDATE claims it, so two clicks at once cannot both succeed), until it expires,
and only while it is the newest of its kind: issuing a link deletes the account's earlier
unused ones for the same purpose (OWASP Forgot Password cheat sheet).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Literal

import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.db.schema import account_tokens
from torget.errors import FieldError, ValidationFailed
from torget.ids import new_id

__all__ = ["Purpose", "issue_link", "redeem_link", "drop_links"]

Purpose = Literal["verify_email", "reset_password"]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(conn: sa.Connection, user_id: str, purpose: Purpose, lifetime: timedelta) -> str:
    """A new one-time secret for `purpose`; the account's earlier unused ones stop working."""
    drop_links(conn, user_id, purpose)
    secret = secrets.token_urlsafe(32)
    stamp = now()
    conn.execute(
        account_tokens.insert().values(
            id=new_id(),
            user_id=user_id,
            purpose=purpose,
            token_hash=_hash(secret),
            created_at=stamp,
            expires_at=stamp + lifetime,
        )
    )
    return secret


def drop_links(conn: sa.Connection, user_id: str, purpose: Purpose) -> None:
    """Forget the account's unused links for `purpose` (used ones stay as a record)."""
    conn.execute(
        account_tokens.delete().where(
            account_tokens.c.user_id == user_id,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
        )
    )


def _refuse(message: str, *, code: str) -> ValidationFailed:
    return ValidationFailed([FieldError("token", message, code=code)])


def redeem_link(conn: sa.Connection, secret: str, purpose: Purpose) -> str:
    """Use the link `secret` once; the id of its account. Refused when unknown, replaced by
    a newer link, already used or expired, each with its own reason."""
    row = conn.execute(
        sa.select(account_tokens).where(
            account_tokens.c.token_hash == _hash(secret.strip()),
            account_tokens.c.purpose == purpose,
        )
    ).first()
    if row is None:
        raise _refuse(
            "this link is not valid: it may be mistyped or replaced by a newer one",
            code="link_not_valid",
        )
    if row.used_at is not None:
        raise _refuse("this link has already been used", code="link_used")
    if as_utc(row.expires_at) <= now():
        raise _refuse("this link has expired: ask for a new one", code="link_expired")
    claimed = conn.execute(
        account_tokens.update()
        .where(account_tokens.c.id == row.id, account_tokens.c.used_at.is_(None))
        .values(used_at=now())
    )
    if claimed.rowcount != 1:
        raise _refuse("this link has already been used", code="link_used")
    return str(row.user_id)
