"""Questions and comments on the pages: the section a dataset or suggestion page includes
(`_comments.html`, loaded by `comments_section`), and the forms it posts to."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.permissions import Actor
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.participation import comments as store
from torget.participation.subjects import Subject, get_subject
from torget.web.abuse import check_honeypot, client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect
from torget.web.participation_problems import add_problems
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import page_actor, posted_form

__all__ = ["router", "CommentsSection", "comments_section", "COMMENT_FIELDS"]

router = page_router()
COMMENT_FIELDS = (
    Field("body", N_("Your question or comment")),
    Field("reason", N_("Why is it hidden?")),
)


@dataclass(frozen=True)
class CommentsSection:
    """What `_comments.html` shows for one dataset or suggestion."""

    subject_type: str
    subject_id: str
    threads: list[store.Comment]
    signed_in: bool
    verified: bool
    moderator: bool


def comments_section(conn: sa.Connection, actor: Actor, subject: Subject) -> CommentsSection:
    """The comments section of the page of `subject` (which `actor` may read); pass it to
    the template as `comments_section`."""
    threads = store.threads_of(conn, subject)
    user = actor.user
    return CommentsSection(
        subject.type, subject.id, threads, user is not None,
        user is not None and user.email_verified, store.can_moderate(actor, subject),
    )  # fmt: skip


def _subject_path(request: Request, subject_type: str, subject_id: str) -> str:
    with read(request_site(request).engine) as conn:
        subject = get_subject(
            conn, page_actor(request), subject_type, subject_id, ("dataset", "suggestion")
        )
    return subject.path


def _form_page(request: Request, form: Form, data: FormData, path: str) -> Response:
    return render(
        request, "comment_form.html", title=N_("Your question or comment"), status=422,
        form=form, labels=labels(COMMENT_FIELDS), back=path,
        subject_type=str(data.get("subject_type", "")), subject_id=str(data.get("subject_id", "")),
        parent_id=str(data.get("parent_id", "")),
    )  # fmt: skip


@router.post("/comments")
def post(request: Request, data: FormData = Depends(posted_form)) -> Response:
    check_honeypot(data)
    actor = page_actor(request)
    subject_type, subject_id = str(data.get("subject_type", "")), str(data.get("subject_id", ""))
    path = _subject_path(request, subject_type, subject_id)
    form = Form.posted(data, COMMENT_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            comment = store.post_comment(
                conn, actor, subject_type, subject_id, form.value("body"),
                address=client_address(request), parent_id=str(data.get("parent_id") or "") or None,
            )  # fmt: skip
    except ValidationFailed as exc:
        add_problems(form, exc, COMMENT_FIELDS)
        return _form_page(request, form, data, path)
    flash(request, N_("Your comment is published."))
    return redirect(f"{path}#comment-{comment.id}")


def _moderate(request: Request, comment_id: str, data: FormData, hide: bool) -> Response:
    actor = page_actor(request)
    form = Form.posted(data, COMMENT_FIELDS)
    with read(request_site(request).engine) as conn:
        comment = store.get_comment(conn, comment_id)
    path = _subject_path(request, comment.subject_type, comment.subject_id)
    try:
        with write(request_site(request).engine) as conn:
            if hide:
                store.hide_comment(conn, actor, comment_id, form.value("reason"))
            else:
                store.restore_comment(conn, actor, comment_id, form.value("reason"))
    except ValidationFailed as exc:
        add_problems(form, exc, COMMENT_FIELDS)
        return render(
            request, "comment_hide.html", title=N_("Hide a comment"), status=422, form=form,
            labels=labels(COMMENT_FIELDS), comment=comment, back=path,
        )  # fmt: skip
    flash(request, N_("The comment is hidden.") if hide else N_("The comment is shown again."))
    return redirect(f"{path}#comment-{comment_id}")


@router.post("/comments/{comment_id}/hide")
def hide(request: Request, comment_id: str, data: FormData = Depends(posted_form)) -> Response:
    return _moderate(request, comment_id, data, hide=True)


@router.post("/comments/{comment_id}/restore")
def restore(request: Request, comment_id: str, data: FormData = Depends(posted_form)) -> Response:
    return _moderate(request, comment_id, data, hide=False)
