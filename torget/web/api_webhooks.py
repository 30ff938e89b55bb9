"""JSON API for an organisation's outgoing webhooks and their delivery log (admins only)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.participation import webhooks as store
from torget.web.auth import current_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["webhooks"])

EventName = Literal[
    "dataset.published", "dataset.updated", "dataset.withdrawn", "suggestion.status_changed"
]


class WebhookIn(BaseModel):
    url: str = Field(description="The receiver: an http(s) URL on a public address.")
    events: list[EventName] = Field(description="The events to send.")


@router.get("/organisations/{organisation}/webhooks", summary="List an organisation's webhooks")
def list_webhooks(
    request: Request, organisation: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = store.list_webhooks(conn, actor, organisation)
    return {"count": len(found), "items": [w.as_json() for w in found]}


@router.post(
    "/organisations/{organisation}/webhooks",
    status_code=201,
    summary="Register a webhook (its signing secret is shown only in this answer)",
)
def create_webhook(
    request: Request, organisation: str, body: WebhookIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        hook, secret = store.create_webhook(conn, actor, organisation, body.url, list(body.events))
    return {**hook.as_json(), "secret": secret}


@router.delete("/webhooks/{webhook_id}", status_code=204, summary="Remove a webhook")
def delete_webhook(
    request: Request, webhook_id: str, actor: Actor = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        store.delete_webhook(conn, actor, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", summary="A webhook's delivery log")
def list_deliveries(
    request: Request, webhook_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found = store.list_deliveries(conn, actor, webhook_id)
    return {"count": len(found), "items": [d.as_json() for d in found]}
