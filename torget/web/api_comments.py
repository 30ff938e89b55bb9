"""JSON API for questions and comments on datasets and suggestions, and their moderation."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.participation import comments as store
from torget.web.abuse import client_address
from torget.web.auth import current_actor
from torget.web.request_site import request_site

router = APIRouter(prefix="/api", tags=["comments"])

SubjectType = Literal["dataset", "suggestion"]


class CommentIn(BaseModel):
    subject_type: SubjectType = Field(description="What the comment is on.")
    subject: str = Field(description="The dataset's id or name, or the suggestion's id.")
    body: str = Field(description=f"The text (at most {store.MAX_BODY} characters).")
    parent_id: str | None = Field(
        default=None, description="Answer this top-level comment instead of starting a thread."
    )


class ModerationIn(BaseModel):
    reason: str = Field(
        default="", description=f"Why (shown to the public; at most {store.MAX_REASON} chars)."
    )


@router.get("/comments", summary="List the comments on a dataset or a suggestion")
def list_comments(
    request: Request,
    subject_type: SubjectType = Query(description="`dataset` or `suggestion`."),
    subject: str = Query(description="The dataset's id or name, or the suggestion's id."),
    actor: Actor = Depends(current_actor),
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        found, threads = store.list_comments(conn, actor, subject_type, subject)
    moderator = store.can_moderate(actor, found)
    return {"count": len(threads), "items": [c.as_json(moderator) for c in threads]}


@router.post("/comments", status_code=201, summary="Ask a question, comment or answer")
def post_comment(
    request: Request, body: CommentIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with write(request_site(request).engine) as conn:
        comment = store.post_comment(
            conn, actor, body.subject_type, body.subject, body.body,
            address=client_address(request), parent_id=body.parent_id,
        )  # fmt: skip
    return comment.as_json(moderator=True)


def _moderated(request: Request, actor: Actor, comment_id: str, hide: bool, reason: str) -> Any:
    with write(request_site(request).engine) as conn:
        if hide:
            comment = store.hide_comment(conn, actor, comment_id, reason)
        else:
            comment = store.restore_comment(conn, actor, comment_id, reason)
    return comment.as_json(moderator=True)


@router.post("/comments/{comment_id}/hide", summary="Hide a comment (editors of the publisher)")
def hide_comment(
    request: Request, comment_id: str, body: ModerationIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    return dict(_moderated(request, actor, comment_id, True, body.reason))


@router.post("/comments/{comment_id}/restore", summary="Show a hidden comment again")
def restore_comment(
    request: Request, comment_id: str, body: ModerationIn, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    return dict(_moderated(request, actor, comment_id, False, body.reason))


@router.get("/comments/{comment_id}/moderation", summary="Who hid or restored a comment, why")
def moderation_log(
    request: Request, comment_id: str, actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    with read(request_site(request).engine) as conn:
        entries = store.moderation_history(conn, actor, comment_id)
    items = [
        {"action": e.action, "reason": e.reason, "by": e.actor_name,
         "at": e.created_at.isoformat()}
        for e in entries
    ]  # fmt: skip
    return {"count": len(items), "items": items}


__all__ = ["router"]
