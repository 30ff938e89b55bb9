"""CKAN's API-token actions over `torget.accounts.tokens`: a user manages their own tokens,
a sysadmin anyone's. `api_token_create` returns `{"token": …}`, shown this once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from torget.accounts import tokens as store
from torget.accounts.users import User, get_user
from torget.ckan.call import Call, Params, as_text, required
from torget.ckan.mapping import timestamp
from torget.db.engine import read, write
from torget.errors import NotAuthenticated, NotFound, PermissionDenied

__all__ = ["api_token_create", "api_token_list", "api_token_revoke"]


def _owner(conn: sa.Connection, call: Call, ref: str | None) -> User:
    if call.user is None:
        raise NotAuthenticated("send an API token to manage tokens")
    user = get_user(conn, ref) if ref else call.user
    if user.id != call.user.id and not call.actor.sysadmin:
        raise PermissionDenied("only a sysadmin may manage another user's tokens")
    return user


def api_token_create(call: Call, params: Params) -> dict[str, str]:
    with write(call.engine) as conn:
        user = _owner(conn, call, required(params, "user"))
        _, secret = store.create_token(conn, user.id, required(params, "name"))
    return {"token": secret}


def api_token_list(call: Call, params: Params) -> list[dict[str, Any]]:
    with read(call.engine) as conn:
        user = _owner(conn, call, as_text(params, "user_id") or as_text(params, "user"))
        found = store.list_tokens(conn, user.id)
    return [
        {
            "id": t.id, "name": t.name, "user_id": user.id,
            "created_at": timestamp(t.created_at),
            "last_access": timestamp(t.last_used_at) if t.last_used_at else None,
        }
        for t in found
        if t.revoked_at is None
    ]  # fmt: skip


def api_token_revoke(call: Call, params: Params) -> None:
    """Revoke by `jti` (the token's id) or by `token` (the secret itself)."""
    with write(call.engine) as conn:
        if params.get("token"):
            match = store.find_token(conn, str(params["token"]))
            if match is None:
                raise NotFound("no such token")
            user_id, token_id = match.user_id, match.token_id
        else:
            token_id = required(params, "jti")
            user_id = call.user.id if call.user else ""
        user = _owner(conn, call, user_id)
        store.revoke_token(conn, user.id, token_id)
