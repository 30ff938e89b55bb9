"""Self-registration for the public, with e-mail verification.

A new account can log in at once but is unverified: suggesting, voting and commenting wait
until its owner follows the link mailed to the address (`Actor.require_verified`). The answer
to a registration never says whether the e-mail address already has an account (that would
let anyone test addresses): the owner of such an address is told by e-mail instead, with a way
to log in or choose a new password. User names are public, so a taken name is said plainly.

Registrations are rate-limited per client address and per e-mail address, and asking for the
link again per account and per client address (`torget.ratelimit`, limits in the settings).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from torget.accounts.account_mail import send_already_registered, send_verification
from torget.accounts.account_tokens import issue_link, redeem_link
from torget.accounts.password_hashes import hash_password
from torget.accounts.profiles import language_error, length_errors
from torget.accounts.users import User, account_field_errors, create_user, get_user
from torget.clock import now
from torget.db.schema import users
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.mail.language import mail_language
from torget.ratelimit import Limit, hit
from torget.settings import Settings

__all__ = [
    "Registration",
    "register",
    "resend_verification",
    "verify_email",
    "email_key",
    "HOUR",
]

HOUR = 3600


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    password: str
    fullname: str | None = None
    language: str = "sv"  # of the e-mails Torget sends


def email_key(email: str) -> str:
    """The rate-limit key of an e-mail address: hashed, so counters hold no addresses."""
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _check(reg: Registration) -> None:
    errors = length_errors(
        {"name": reg.name, "email": reg.email, "fullname": reg.fullname, "password": reg.password}
    )
    too_long = {e.field for e in errors}
    errors += [
        e
        for e in account_field_errors(
            reg.name.strip(), reg.email.strip(), reg.password, (reg.fullname or "").strip() or None
        )
        if e.field not in too_long
    ]
    wrong_language = language_error(reg.language)
    if wrong_language is not None:
        errors.append(wrong_language)
    if errors:
        raise ValidationFailed(errors)


def _owner_of(conn: sa.Connection, email: str) -> sa.Row[Any] | None:
    row: sa.Row[Any] | None = conn.execute(
        sa.select(users).where(sa.func.lower(users.c.email) == email.strip().lower())
    ).first()
    return row


def register(conn: sa.Connection, settings: Settings, reg: Registration, address: str) -> None:
    """Register an unverified account and mail it a verification link; or, when the address
    has an account already, mail its owner instead. The caller cannot tell which happened."""
    limit = Limit("register", settings.registration_limit_per_hour, HOUR)
    hit(conn, limit, f"ip:{address}")
    hit(conn, limit, email_key(reg.email))
    _check(reg)
    name, email = reg.name.strip(), reg.email.strip()
    taken = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
    if taken is not None:
        message = f"the user name {name!r} is taken"
        params = {"value": name}
        raise ValidationFailed([FieldError("name", message, code="user_name_taken", params=params)])
    owner = _owner_of(conn, email)
    if owner is not None:
        if not isinstance(owner.email, str) or not isinstance(owner.name, str):
            raise Conflict("the account of this address is damaged")
        language = mail_language(owner.language if isinstance(owner.language, str) else None)
        send_already_registered(conn, settings, owner.email, language, owner.name)
        hash_password(reg.password)  # take as long as a new account's hashing would
        return
    user = create_user(
        conn, name, email, reg.password, fullname=(reg.fullname or "").strip() or None,
        verified=False, language=reg.language,
    )  # fmt: skip
    _mail_link(conn, settings, user, reg.language)


def _mail_link(conn: sa.Connection, settings: Settings, user: User, language: str) -> None:
    lifetime = timedelta(hours=settings.verification_link_hours)
    secret = issue_link(conn, user.id, "verify_email", lifetime)
    send_verification(conn, settings, user.email, language, user.name, secret)


def resend_verification(
    conn: sa.Connection, settings: Settings, user_id: str, address: str
) -> None:
    """Mail the account a new verification link; earlier links stop working."""
    limit = Limit("verify-resend", settings.verification_resend_limit_per_hour, HOUR)
    hit(conn, limit, f"user:{user_id}")
    hit(conn, limit, f"ip:{address}")
    user = get_user(conn, user_id)
    if user.email_verified:
        raise Conflict("your e-mail address is already verified")
    stored = conn.execute(sa.select(users.c.language).where(users.c.id == user_id)).scalar()
    _mail_link(conn, settings, user, mail_language(stored if isinstance(stored, str) else None))


def verify_email(conn: sa.Connection, secret: str) -> User:
    """Confirm the address of the account whose verification link `secret` is."""
    user_id = redeem_link(conn, secret, "verify_email")
    conn.execute(
        users.update()
        .where(users.c.id == user_id, users.c.email_verified_at.is_(None))
        .values(email_verified_at=now(), updated_at=now())
    )
    return get_user(conn, user_id)
