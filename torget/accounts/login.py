"""Log-ins by password and look-ups of API tokens, with limits on failures.

Failed log-ins (the log-in form and HTTP Basic) are counted per account and per client address
in `torget.ratelimit`'s fixed windows of an hour; past either limit an attempt is refused with
`RateLimited` before its password is checked, so guessing stops even when the password would
have been right (OWASP Authentication cheat sheet, "Protect against automated attacks"). Only
failures are counted. A name without an account is counted like one, so the 429 comes at the
same point whether or not the name or e-mail address has an account.

Locking an account lets anyone keep its owner out by failing on purpose. So a browser that has
logged in to the account before (it shows a signed device cookie, OWASP "Slow Down Online
Guessing Attacks with Device Cookies") is not held back by the account's count but has a count
of its own of the same size; the per-address limit still holds for it. An owner on a new
device can always get in through a password-reset link, which logs them in.

API tokens are 256 random bits and cannot be guessed, but every bad one costs a look-up and,
under the limit, a counted write: unknown or revoked tokens are counted per address, apart
from passwords (a script's stale token does not lock its colleagues out of the form), and a
valid token is never refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NoReturn

import sqlalchemy as sa

from torget.accounts.users import User, authenticate
from torget.db.engine import read, write
from torget.db.schema import users
from torget.errors import NotAuthenticated
from torget.ratelimit import Limit, check, hit
from torget.settings import Settings

__all__ = ["KnownDevice", "Attempt", "check_log_in", "refuse_token"]

_HOUR = 3600
_LOG_IN, _TOKEN = "log-in", "API token"  # in the 429's message: "too many log-in requests"


@dataclass(frozen=True)
class KnownDevice:
    """A browser's proof (a signed cookie) that it logged in to `user_id` before; `nonce`
    names that browser in its own failure count."""

    user_id: str
    nonce: str


@dataclass(frozen=True)
class Attempt:
    name: str  # the user name or e-mail address as typed
    password: str
    address: str  # the client's
    device: KnownDevice | None = None


def check_log_in(engine: sa.Engine, settings: Settings, attempt: Attempt) -> User:
    """The account whose password this is; `RateLimited` past a limit, `NotAuthenticated`
    for a wrong name or password (counted). The hash is checked outside any write, so a
    stream of attempts does not hold the write lock for Argon2's time."""
    per_account = Limit(_LOG_IN, settings.login_failures_per_account_per_hour, _HOUR)
    per_address = Limit(_LOG_IN, settings.login_failures_per_address_per_hour, _HOUR)
    with read(engine) as conn:
        account = _account_key(conn, attempt.name)
        device = _device_key(account, attempt.device)
        check(conn, per_address, f"ip:{attempt.address}")
        check(conn, per_account, device or account)
        user = authenticate(conn, attempt.name, attempt.password)
    if user is not None:
        return user
    with write(engine) as conn:
        hit(conn, per_address, f"ip:{attempt.address}")
        hit(conn, per_account, account)
        if device is not None:
            hit(conn, per_account, device)
    raise NotAuthenticated("wrong user name or password")


def refuse_token(engine: sa.Engine, settings: Settings, address: str) -> NoReturn:
    """Answer a token that `find_token` did not find: `NotAuthenticated`, counted for the
    address, or `RateLimited` once the address has sent too many (then nothing is written)."""
    per_address = Limit(_TOKEN, settings.login_failures_per_address_per_hour, _HOUR)
    with read(engine) as conn:
        check(conn, per_address, f"ip:{address}")
    with write(engine) as conn:
        hit(conn, per_address, f"ip:{address}")
    raise NotAuthenticated("the API token is unknown or revoked")


def _account_key(conn: sa.Connection, name: str) -> str:
    """The account's count, or, for a name without one, a count of that name (hashed, so
    the counters hold no e-mail addresses)."""
    user_id = conn.execute(
        sa.select(users.c.id).where(
            (users.c.name == name) | (sa.func.lower(users.c.email) == name.lower())
        )
    ).scalar()
    if user_id is not None:
        return f"user:{user_id}"
    return "name:" + hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


def _device_key(account: str, device: KnownDevice | None) -> str | None:
    if device is None or account != f"user:{device.user_id}":
        return None
    return f"device:{device.nonce}"
