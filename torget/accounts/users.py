"""User accounts: names, e-mail addresses and Argon2id password hashes.

Passwords are stored as Argon2id hashes (`torget.accounts.password_hashes`), never in clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.password_hashes import hash_password, password_matches
from torget.accounts.sessions import end_sessions
from torget.clock import now
from torget.db.schema import users
from torget.errors import Conflict, FieldError, NotFound, ValidationFailed
from torget.ids import new_id
from torget.text import text_error

__all__ = [
    "User",
    "create_user",
    "get_user",
    "authenticate",
    "set_password",
    "account_field_errors",
    "password_too_short",
    "MIN_PASSWORD_LENGTH",
]

MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class User:
    id: str
    name: str
    email: str
    fullname: str | None
    sysadmin: bool
    # Self-registered accounts are unverified until the mailed link is followed; suggesting,
    # voting and commenting need a verified address (see Actor.require_verified).
    email_verified: bool = True


def _from_row(row: sa.Row[tuple[object, ...]]) -> User:
    m = row._mapping
    verified = m["email_verified_at"] is not None
    return User(m["id"], m["name"], m["email"], m["fullname"], bool(m["sysadmin"]), verified)


def account_field_errors(
    name: str, email: str, password: str, fullname: str | None = None
) -> list[FieldError]:
    """What is wrong with a new account's name, e-mail address, password and display name
    (the address goes into mail headers, the name into the Atom feed: one line each)."""
    errors = []
    if not _NAME.match(name):
        message = "use 2-100 characters a-z, 0-9, '.', '-' or '_'"
        errors.append(FieldError("name", message, code="bad_user_name"))
    wrong_text = text_error("email", email)
    if not _EMAIL.match(email) or wrong_text is not None:
        message = f"{email!r} is not an e-mail address"
        errors.append(FieldError("email", message, code="not_an_email", params={"value": email}))
    wrong_text = text_error("fullname", fullname)
    if wrong_text is not None:
        errors.append(wrong_text)
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(password_too_short())
    return errors


def password_too_short() -> FieldError:
    return FieldError(
        "password",
        f"must be at least {MIN_PASSWORD_LENGTH} characters long",
        code="password_too_short",
        params={"limit": str(MIN_PASSWORD_LENGTH)},
    )


def create_user(
    conn: sa.Connection,
    name: str,
    email: str,
    password: str,
    *,
    fullname: str | None = None,
    sysadmin: bool = False,
    verified: bool = True,
    language: str | None = None,
) -> User:
    """A new account. Accounts an administrator makes are `verified`; self-registration makes
    them unverified until the owner follows the link mailed to them."""
    errors = account_field_errors(name, email, password, fullname)
    if errors:
        raise ValidationFailed(errors)
    clash = conn.execute(
        sa.select(users.c.name).where(
            (users.c.name == name) | (sa.func.lower(users.c.email) == email.lower())
        )
    ).first()
    if clash is not None:
        raise Conflict(f"a user with the name {name!r} or e-mail {email!r} already exists")
    user = User(new_id(), name, email, fullname, sysadmin, verified)
    stamp = now()
    conn.execute(
        users.insert().values(
            id=user.id,
            name=name,
            email=email,
            fullname=fullname,
            password_hash=hash_password(password),
            sysadmin=sysadmin,
            email_verified_at=stamp if verified else None,
            language=language,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    return user


def get_user(conn: sa.Connection, name_or_id: str) -> User:
    row = conn.execute(
        sa.select(users).where((users.c.name == name_or_id) | (users.c.id == name_or_id))
    ).first()
    if row is None:
        raise NotFound(f"no user {name_or_id!r}")
    return _from_row(row)


def authenticate(conn: sa.Connection, name_or_email: str, password: str) -> User | None:
    """The user whose password this is, or None. Takes the same time for unknown users."""
    row = conn.execute(
        sa.select(users).where(
            (users.c.name == name_or_email)
            | (sa.func.lower(users.c.email) == name_or_email.lower())
        )
    ).first()
    stored = row._mapping["password_hash"] if row is not None else None
    return _from_row(row) if password_matches(stored, password) and row is not None else None


def set_password(conn: sa.Connection, user_id: str, password: str) -> None:
    """Replace the user's password (the caller has proved the right to, e.g. by a reset link);
    every session of the user ends, so one opened with the old password cannot stay."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed([password_too_short()])
    conn.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(password_hash=hash_password(password), updated_at=now())
    )
    end_sessions(conn, user_id)
