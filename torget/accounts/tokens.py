"""API tokens: shown once when created, stored only as a SHA-256 hash, listable, revocable.

A token is 256 random bits, so a fast unsalted hash cannot be brute-forced and lets a request
find its token with one indexed lookup. Sent as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from torget.clock import as_utc, now
from torget.db.schema import api_tokens, users
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.ids import new_id
from torget.text import text_error

__all__ = [
    "TokenInfo",
    "TokenMatch",
    "create_token",
    "list_tokens",
    "revoke_token",
    "find_token",
    "record_use",
]

_PREFIX = "tg_"


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(conn: sa.Connection, user_id: str, name: str) -> tuple[TokenInfo, str]:
    """A new token for the user: its description and the secret, which is never stored."""
    name = name.strip()
    if not name or len(name) > 200:
        message = "give the token a name of 1-200 characters"
        raise ValidationFailed([FieldError("name", message, code="bad_token_name")])
    wrong_text = text_error("name", name)
    if wrong_text is not None:
        raise ValidationFailed([wrong_text])
    secret = _PREFIX + secrets.token_urlsafe(32)
    info = TokenInfo(new_id(), name, secret[: len(_PREFIX) + 6], now(), None, None)
    conn.execute(
        api_tokens.insert().values(
            id=info.id,
            user_id=user_id,
            name=name,
            token_hash=_hash(secret),
            prefix=info.prefix,
            created_at=info.created_at,
        )
    )
    return info, secret


def _info(row: sa.Row[tuple[object, ...]]) -> TokenInfo:
    m = row._mapping

    def stamp(value: object) -> dt.datetime | None:
        return as_utc(value) if isinstance(value, dt.datetime) else None

    created = stamp(m["created_at"])
    assert created is not None
    return TokenInfo(
        m["id"], m["name"], m["prefix"], created, stamp(m["last_used_at"]), stamp(m["revoked_at"])
    )


def list_tokens(conn: sa.Connection, user_id: str) -> list[TokenInfo]:
    rows = conn.execute(
        sa.select(api_tokens)
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.created_at, api_tokens.c.id)
    )
    return [_info(r) for r in rows]


def revoke_token(conn: sa.Connection, user_id: str, token_id: str) -> None:
    result = conn.execute(
        api_tokens.update()
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
        .where(api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    if result.rowcount == 0:
        exists = conn.execute(
            sa.select(api_tokens.c.id).where(
                api_tokens.c.id == token_id, api_tokens.c.user_id == user_id
            )
        ).first()
        if exists is None:
            raise NotFound(f"no token {token_id!r} for this user")


@dataclass(frozen=True)
class TokenMatch:
    token_id: str
    user_id: str
    stale: bool  # last use recorded over a minute ago: worth a write to update


def find_token(conn: sa.Connection, secret: str) -> TokenMatch | None:
    """The live token with this secret. Read-only, so it fits in any read transaction."""
    if not secret.startswith(_PREFIX):
        return None
    row = conn.execute(
        sa.select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == _hash(secret), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    last = row.last_used_at
    stale = last is None or now() - as_utc(last) > dt.timedelta(minutes=1)
    return TokenMatch(str(row.id), str(row.user_id), stale)


def record_use(conn: sa.Connection, token_id: str) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now()))
