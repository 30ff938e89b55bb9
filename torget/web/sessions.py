"""Log-ins for the web pages: signed session cookies, the page actor and CSRF tokens.

The session lives in a cookie signed with `secret_key` (Starlette's SessionMiddleware, using
itsdangerous): HttpOnly, SameSite=Lax, and Secure when `base_url` is https. It holds the user's
id, the account's session version (`torget.accounts.sessions`: a log-out or a new password
raises it, and a cookie with an older one is logged out, replayed copies too) and a random CSRF
token; every form carries the token and every POST to a page is refused with 403 unless the
token matches (the synchroniser-token pattern, OWASP CSRF cheat sheet).
The JSON API does not read this cookie at all: it authenticates with bearer tokens only, so a
cross-site request can never act through the API with a browser's log-in.

A second cookie, `torget_device` (signed, sent to `/login` only, kept for a year), marks a
browser that has logged in to an account, so that others' failed log-ins do not lock it out
(`torget.accounts.login`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.datastructures import FormData

from torget.accounts.login import KnownDevice
from torget.accounts.permissions import ANONYMOUS, Acting, Channel, actor_for
from torget.accounts.sessions import end_sessions, session_version
from torget.accounts.users import User, get_user
from torget.db.engine import read, write
from torget.errors import PermissionDenied, TooLarge
from torget.settings import Settings
from torget.web.request_site import request_site

__all__ = [
    "SESSION_COOKIE",
    "session_secret",
    "page_actor",
    "csrf_token",
    "check_csrf",
    "log_in",
    "log_out",
    "known_device",
    "remember_device",
    "CsrfFailed",
    "RequestTooLarge",
    "posted_form",
]

SESSION_COOKIE = "torget_session"
DEVICE_COOKIE = "torget_device"
_DEVICE_SECONDS = 365 * 24 * 3600
_FORM_OVERHEAD = 1 << 20  # multipart boundaries and the other fields of an upload form


class CsrfFailed(PermissionDenied):
    """A POST to a page without the form token of the current session."""


class RequestTooLarge(TooLarge):
    """A page POST larger than any upload allows; refused before its body is read."""


def session_secret(settings: Settings) -> str:
    """The configured key, or one generated once into the data folder and kept there."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / "secret_key"
    if not path.is_file():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="utf-8").strip()


def _session_user(request: Request) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, str):
        return None
    with read(request_site(request).engine) as conn:
        current = session_version(conn, user_id)
        ended = current is None or current != request.session.get("version")
        user = None if ended else get_user(conn, user_id)
    if user is None:  # logged out, a new password, or the account removed
        request.session.clear()
    return user


def page_actor(request: Request) -> Acting:
    """The signed-in user of a page request, with their roles; anonymous otherwise."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Acting):
        return cached
    user = _session_user(request)
    if user is None:
        actor = ANONYMOUS.via(Channel.PAGES)
    else:
        with read(request_site(request).engine) as conn:
            actor = actor_for(conn, user).via(Channel.PAGES)
    request.state.actor = actor
    return actor


def csrf_token(request: Request) -> str:
    """This session's form token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> AsyncIterator[None]:
    """Router dependency of every page: a POST needs the session's token in `csrf_token`.

    It reads the form (so a page reads it again for free) and closes it after the response,
    which removes the temporary files of an upload.
    """
    if request.method != "POST":
        yield
        return
    limit = request_site(request).settings.upload_max_bytes + _FORM_OVERHEAD
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise RequestTooLarge("the request is larger than the largest upload allowed")
    form = await request.form(max_part_size=1 << 20)
    try:
        sent = form.get("csrf_token")
        expected = request.session.get("csrf")
        if not (
            isinstance(sent, str)
            and isinstance(expected, str)
            and hmac.compare_digest(sent.encode(), expected.encode())
        ):
            raise CsrfFailed("the form has expired or did not come from this site")
        yield
    finally:
        await form.close()


async def posted_form(request: Request) -> FormData:
    """The POSTed form (already read and checked by `check_csrf`)."""
    return await request.form()


def log_in(request: Request, user: User) -> None:
    """Start a fresh session for the user: a new cookie and a new form token."""
    with read(request_site(request).engine) as conn:
        version = session_version(conn, user.id)
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["version"] = version
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    """End this session and every other one of the user, so that no copy of the cookie
    (on another device, or in an attacker's hands) stays logged in."""
    user = page_actor(request).user
    if user is not None:
        with write(request_site(request).engine) as conn:
            end_sessions(conn, user.id)
    request.session.clear()


def _device_signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        session_secret(request_site(request).settings), salt=DEVICE_COOKIE
    )


def known_device(request: Request) -> KnownDevice | None:
    """The account this browser has logged in to before, from its device cookie."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        user_id, nonce = _device_signer(request).loads(raw, max_age=_DEVICE_SECONDS)
    except (BadData, ValueError, TypeError):
        return None
    return KnownDevice(str(user_id), str(nonce))


def remember_device(request: Request, response: Response, user: User) -> None:
    """Mark this browser as one that has logged in to the user's account."""
    value = _device_signer(request).dumps([user.id, secrets.token_urlsafe(16)])
    response.set_cookie(
        DEVICE_COOKIE, value, max_age=_DEVICE_SECONDS, path="/login", httponly=True,
        samesite="lax", secure=request_site(request).settings.public_base.startswith("https://"),
    )  # fmt: skip
