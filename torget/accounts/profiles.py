"""What a person sees and changes about their own account, and the name others see.

Public pages show a person by their display name: the full name they chose, or else their
user name. Never the e-mail address, which only its owner (and Torget's mail) ever sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.users import User, get_user
from torget.clock import as_utc, now
from torget.db.schema import memberships, organisations, users
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.mail.language import MAIL_LANGUAGES
from torget.text import text_error

__all__ = [
    "Profile",
    "Membership",
    "FIELD_LIMITS",
    "display_name",
    "length_errors",
    "get_profile",
    "update_profile",
]

# The longest value each account field takes, in characters; longer ones are refused with a
# message naming the field and the limit (`length_errors`).
FIELD_LIMITS = {"name": 100, "email": 320, "fullname": 200, "password": 1000}


@dataclass(frozen=True)
class Membership:
    organisation: str  # the organisation's short name
    role: str


@dataclass(frozen=True)
class Profile:
    user: User
    language: str  # of the e-mails Torget sends this person
    created_at: dt.datetime
    email_verified_at: dt.datetime | None
    memberships: tuple[Membership, ...]

    @property
    def display_name(self) -> str:
        return display_name(self.user.fullname, self.user.name)


def display_name(fullname: str | None, name: str | None) -> str:
    """How a person is shown to others: their full name, else their user name."""
    return (fullname or "").strip() or name or ""


def length_errors(values: dict[str, str | None]) -> list[FieldError]:
    """A FieldError for each value longer than its field's limit in FIELD_LIMITS."""
    return [
        FieldError(
            field,
            f"is {len(value)} characters long; the limit is {FIELD_LIMITS[field]}",
            code="too_long",
            params={"length": str(len(value)), "limit": str(FIELD_LIMITS[field])},
        )
        for field, value in values.items()
        if value is not None and len(value) > FIELD_LIMITS[field]
    ]


def language_error(language: str) -> FieldError | None:
    if language in MAIL_LANGUAGES:
        return None
    message = f"{language!r} is not an allowed value"
    return FieldError(
        "language", message, list(MAIL_LANGUAGES), code="not_allowed", params={"value": language}
    )


def get_profile(conn: sa.Connection, user_id: str) -> Profile:
    row = conn.execute(
        sa.select(users.c.language, users.c.created_at, users.c.email_verified_at).where(
            users.c.id == user_id
        )
    ).first()
    if row is None:
        raise NotFound(f"no user {user_id!r}")
    held = conn.execute(
        sa.select(organisations.c.name, memberships.c.role)
        .join(organisations, organisations.c.id == memberships.c.organisation_id)
        .where(memberships.c.user_id == user_id)
        .order_by(organisations.c.name)
    )
    verified = row.email_verified_at
    return Profile(
        get_user(conn, user_id),
        row.language if row.language in MAIL_LANGUAGES else "sv",
        as_utc(row.created_at),
        as_utc(verified) if verified is not None else None,
        tuple(Membership(m.name, m.role) for m in held),
    )


def update_profile(
    conn: sa.Connection, user_id: str, *, fullname: str | None, language: str
) -> Profile:
    """Change the display name (empty: show the user name) and the language of e-mails."""
    fullname = (fullname or "").strip() or None
    errors = length_errors({"fullname": fullname})
    wrong_text = text_error("fullname", fullname)  # one line: it is the feed's author name
    if wrong_text is not None:
        errors.append(wrong_text)
    wrong_language = language_error(language)
    if wrong_language is not None:
        errors.append(wrong_language)
    if errors:
        raise ValidationFailed(errors)
    conn.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(fullname=fullname, language=language, updated_at=now())
    )
    return get_profile(conn, user_id)
