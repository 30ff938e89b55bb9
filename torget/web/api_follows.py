"""JSON API for what the caller follows (datasets, organisations, suggestions)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.participation import follows as store
from torget.web.auth import current_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["follows"])

SubjectType = Literal["dataset", "organisation", "suggestion"]


class FollowIn(BaseModel):
    subject_type: SubjectType
    subject: str = Field(description="The id, or a dataset's or organisation's name.")


@router.get("/follows", summary="What you follow")
def list_follows(request: Request, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    base = request_site(request).settings.public_base
    with read(request_site(request).engine) as conn:
        found = store.list_follows(conn, actor)
    items = [
        {"subject_type": f.subject_type, "subject_id": f.subject_id,
         "title": f.title.model_dump(mode="json"), "url": base + f.path,
         "since": f.since.isoformat()}
        for f in found
    ]  # fmt: skip
    return {"count": len(items), "items": items}


@router.post("/follows", status_code=201, summary="Follow something (idempotent)")
def follow(request: Request, body: FollowIn, actor: Actor = Depends(current_actor)) -> Any:
    with write(request_site(request).engine) as conn:
        subject = store.follow(conn, actor, body.subject_type, body.subject)
    return {"subject_type": subject.type, "subject_id": subject.id, "following": True}


@router.delete(
    "/follows/{subject_type}/{subject}", status_code=204, summary="Stop following (idempotent)"
)
def unfollow(
    request: Request, subject_type: SubjectType, subject: str, actor: Actor = Depends(current_actor)
) -> Response:
    with write(request_site(request).engine) as conn:
        store.unfollow(conn, actor, subject_type, subject)
    return Response(status_code=204)
