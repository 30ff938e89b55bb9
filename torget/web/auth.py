"""Who is calling: an API token (`Authorization: Bearer <token>`) or nobody.

Bad tokens and wrong Basic passwords are counted per client address (and account) and refused
with 429 past the limits of `torget.accounts.login`."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from torget.accounts.login import Attempt, check_log_in, refuse_token
from torget.accounts.permissions import ANONYMOUS, Acting, Actor, Channel, actor_for
from torget.accounts.tokens import find_token, record_use
from torget.accounts.users import User, get_user
from torget.db.engine import read, write
from torget.errors import NotAuthenticated
from torget.web.abuse import client_address
from torget.web.request_site import request_site

__all__ = ["current_actor", "request_actor", "password_user", "actor_for_token"]


async def current_actor(request: Request) -> Acting:
    """`request_actor` as a FastAPI dependency: an anonymous caller (most reads) is known on
    the event loop, without a thread of the pool (a plain `def` dependency runs in one, a
    hop that cost as much as a kept record's answer, issue 21); a token is looked up in one."""
    if not request.headers.get("authorization", ""):
        return ANONYMOUS.via(Channel.API)
    return await run_in_threadpool(request_actor, request)


def request_actor(request: Request) -> Acting:
    """The actor for a JSON API request: anonymous without credentials, 401 with bad ones."""
    header = request.headers.get("authorization", "")
    if not header:
        return ANONYMOUS.via(Channel.API)
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticated("send the API token as 'Authorization: Bearer <token>'")
    return actor_for_token(request, secret.strip()).via(Channel.API)


def actor_for_token(request: Request, secret: str) -> Actor:
    """The actor a live API token stands for; records its use at most once a minute."""
    engine: Engine = request_site(request).engine
    with read(engine) as conn:
        match = find_token(conn, secret)
        actor = actor_for(conn, get_user(conn, match.user_id)) if match is not None else None
    if match is None or actor is None:
        refuse_token(engine, request_site(request).settings, client_address(request))
    if match.stale:
        with write(engine) as conn:
            record_use(conn, match.token_id)
    return actor


def password_user(request: Request) -> User | None:
    """A user from HTTP Basic credentials: lets a script obtain its first token."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise NotAuthenticated("malformed Basic credentials") from None
    attempt = Attempt(name, password, client_address(request))
    return check_log_in(request_site(request).engine, request_site(request).settings, attempt)
