"""Forgotten passwords: a reset link by e-mail, then a new password.

The answer to a request is the same whether or not the address has an account, so the form
cannot be used to find out who is registered (OWASP Forgot Password cheat sheet); only the
owner of a registered address gets a mail. Requests are rate-limited per e-mail address and
per client address. A reset link works once, for `password_reset_link_minutes`; using it
also proves the address, so an unverified account becomes verified.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from torget.accounts.account_mail import send_password_reset
from torget.accounts.account_tokens import drop_links, issue_link, redeem_link
from torget.accounts.profiles import length_errors
from torget.accounts.registration import HOUR, email_key
from torget.accounts.users import (
    MIN_PASSWORD_LENGTH,
    User,
    get_user,
    password_too_short,
    set_password,
)
from torget.clock import now
from torget.db.schema import users
from torget.errors import FieldError, ValidationFailed
from torget.mail.language import mail_language
from torget.ratelimit import Limit, hit
from torget.settings import Settings

__all__ = ["request_password_reset", "reset_password"]


def request_password_reset(
    conn: sa.Connection, settings: Settings, email: str, address: str
) -> None:
    """Mail a reset link to the account with this address, if there is one."""
    email = email.strip()
    limit = Limit("password-reset", settings.password_reset_limit_per_hour, HOUR)
    hit(conn, limit, f"ip:{address}")
    hit(conn, limit, email_key(email))
    errors = length_errors({"email": email})
    if not email:
        message = "give the e-mail address of your account"
        errors.append(FieldError("email", message, code="account_email_required"))
    if errors:
        raise ValidationFailed(errors)
    row = conn.execute(
        sa.select(users.c.id, users.c.name, users.c.email, users.c.language).where(
            sa.func.lower(users.c.email) == email.lower()
        )
    ).first()
    if row is None:
        return
    lifetime = timedelta(minutes=settings.password_reset_link_minutes)
    secret = issue_link(conn, str(row.id), "reset_password", lifetime)
    language = mail_language(row.language if isinstance(row.language, str) else None)
    send_password_reset(conn, settings, str(row.email), language, str(row.name), secret)


def _password_errors(password: str) -> list[FieldError]:
    errors = length_errors({"password": password})
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(password_too_short())
    return errors


def reset_password(conn: sa.Connection, secret: str, password: str) -> User:
    """Set a new password with the reset link `secret`; the link is used up."""
    errors = _password_errors(password)
    if errors:  # checked first, so that a too-short password does not use up the link
        raise ValidationFailed(errors)
    user_id = redeem_link(conn, secret, "reset_password")
    set_password(conn, user_id, password)
    drop_links(conn, user_id, "reset_password")
    conn.execute(
        users.update()
        .where(users.c.id == user_id, users.c.email_verified_at.is_(None))
        .values(email_verified_at=now())
    )
    return get_user(conn, user_id)
