"""JSON API for the caller's own API tokens.

Creating a token accepts the user's password as HTTP Basic credentials, so a script can get
its first token without the CLI; everything else takes a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.accounts.tokens import TokenInfo, create_token, list_tokens, revoke_token
from torget.db.engine import read, write
from torget.errors import NotAuthenticated
from torget.web.auth import current_actor, password_user, request_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["tokens"])


class TokenIn(BaseModel):
    name: str = Field(description="What the token is for, e.g. 'nightly import'.")


def _json(info: TokenInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "prefix": info.prefix,
        "created_at": info.created_at.isoformat(),
        "last_used_at": info.last_used_at.isoformat() if info.last_used_at else None,
        "revoked_at": info.revoked_at.isoformat() if info.revoked_at else None,
    }


def _user_id(request: Request, actor: Actor) -> str:
    if actor.user is None:
        raise NotAuthenticated("send an API token (or, to create one, Basic credentials)")
    return actor.user.id


@router.get("/tokens", summary="List your API tokens")
def get_tokens(request: Request, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = list_tokens(conn, _user_id(request, actor))
    return {"count": len(found), "items": [_json(t) for t in found]}


@router.post("/tokens", status_code=201, summary="Create an API token (shown only once)")
def post_token(request: Request, body: TokenIn) -> dict[str, Any]:
    user = password_user(request)
    user_id = user.id if user is not None else _user_id(request, request_actor(request))
    with write(request_site(request).engine) as conn:
        info, secret = create_token(conn, user_id, body.name)
    return {**_json(info), "token": secret}


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of your tokens")
def delete_token(
    request: Request, token_id: str, actor: Actor = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        revoke_token(conn, _user_id(request, actor), token_id)
    return Response(status_code=204)
