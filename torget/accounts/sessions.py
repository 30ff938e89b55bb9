"""Which log-in sessions of an account are still good: a version number per user.

A session lives in a signed cookie (`torget.web.sessions`), which the server cannot take back;
on its own it would stay good for its whole lifetime, through a log-out (a copied cookie can
be replayed) and a password reset. So the cookie carries the account's `session_version` from
when it was made, every page request compares it with the stored one, and a log-out or a new
password (`users.set_password`, used by reset) raises the stored one: every session made
before ends, on every device (OWASP Session Management cheat sheet, "Session expiration").
API tokens are not sessions and stay good until revoked.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.db.schema import users

__all__ = ["session_version", "end_sessions"]


def session_version(conn: sa.Connection, user_id: str) -> int | None:
    """The version a new session of the user carries; None when there is no such user."""
    version = conn.execute(sa.select(users.c.session_version).where(users.c.id == user_id)).scalar()
    return None if version is None else int(version)


def end_sessions(conn: sa.Connection, user_id: str) -> None:
    """End every session of the user made so far."""
    conn.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(session_version=users.c.session_version + 1)
    )
