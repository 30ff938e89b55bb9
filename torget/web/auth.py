"""Who is calling: an API token (`Authorization: Bearer <token>`) or nobody."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request
from sqlalchemy import Engine

from torget.accounts.permissions import ANONYMOUS, Actor, actor_for
from torget.accounts.tokens import find_token, record_use
from torget.accounts.users import User, authenticate, get_user
from torget.db.engine import read, write
from torget.errors import NotAuthenticated

__all__ = ["current_actor", "password_user", "actor_for_token"]


def current_actor(request: Request) -> Actor:
    """The actor for a request: anonymous without credentials, 401 with bad ones."""
    header = request.headers.get("authorization", "")
    if not header:
        return ANONYMOUS
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticated("send the API token as 'Authorization: Bearer <token>'")
    return actor_for_token(request.app.state.engine, secret.strip())


def actor_for_token(engine: Engine, secret: str) -> Actor:
    """The actor a live API token stands for; records its use at most once a minute."""
    with read(engine) as conn:
        match = find_token(conn, secret)
        if match is None:
            raise NotAuthenticated("the API token is unknown or revoked")
        actor = actor_for(conn, get_user(conn, match.user_id))
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
    with read(request.app.state.engine) as conn:
        user = authenticate(conn, name, password)
    if user is None:
        raise NotAuthenticated("wrong user name or password")
    return user
