"""Following on the pages: the button a page includes (`_follow.html`, loaded by
`follow_button`), the forms it posts to, and `/follows`, the list of what you follow."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.participation import follows as store
from torget.participation.subjects import Subject
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, signed_in
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import posted_form

__all__ = ["router", "FollowButton", "follow_button"]

router = page_router()


@dataclass(frozen=True)
class FollowButton:
    """What `_follow.html` shows: a follow or unfollow button, or a log-in link."""

    subject_type: str
    subject_id: str
    following: bool
    signed_in: bool
    verified: bool


def follow_button(conn: sa.Connection, actor: Actor, subject: Subject) -> FollowButton:
    """The follow button of the page of `subject` (which `actor` may read); pass it to the
    template as `follow_button`."""
    user = actor.user
    return FollowButton(
        subject.type, subject.id, store.is_following(conn, actor, subject), user is not None,
        user is not None and user.email_verified,
    )  # fmt: skip


def _change(request: Request, data: FormData, on: bool) -> Response:
    actor = signed_in(request)
    kind, ref = str(data.get("subject_type", "")), str(data.get("subject_id", ""))
    with write(request_site(request).engine) as conn:
        if on:
            subject = store.follow(conn, actor, kind, ref)
        else:
            subject = store.unfollow(conn, actor, kind, ref)
    flash(request, N_("You follow this now: we e-mail you when it changes.") if on else
          N_("You no longer follow this."))  # fmt: skip
    return redirect(subject.path if "back" not in data else "/follows")


@router.post("/follows")
def follow(request: Request, data: FormData = Depends(posted_form)) -> Response:
    return _change(request, data, on=True)


@router.post("/follows/remove")
def unfollow(request: Request, data: FormData = Depends(posted_form)) -> Response:
    return _change(request, data, on=False)


@router.get("/follows")
def follows_page(request: Request) -> Response:
    actor = signed_in(request)
    with read(request_site(request).engine) as conn:
        found = store.list_follows(conn, actor)
    return render(request, "follows.html", title=N_("What you follow"), follows=found)
