"""Logging in and out of the pages (a signed session cookie; see `torget.web.sessions`)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.users import User, authenticate
from torget.db.engine import read
from torget.db.schema import memberships
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, safe_next
from torget.web.rendering import flash, render
from torget.web.sessions import log_in, log_out, posted_form

__all__ = ["router"]

router = page_router()
LOGIN_FIELDS = (
    Field("username", N_("User name or e-mail address")),
    Field("password", N_("Password")),
    Field("next"),
)


def _login_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "login.html", title=N_("Log in"), status=status, form=form,
        labels=labels(LOGIN_FIELDS),
    )  # fmt: skip


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    return _login_page(request, Form({"next": [safe_next(next) if next else ""]}))


def _landing(conn: sa.Connection, user: User) -> str:
    """Where a log-in without a `next` lands: publishers on their dashboard, the public (no
    organisation) on their account page."""
    member = conn.execute(
        sa.select(memberships.c.user_id).where(memberships.c.user_id == user.id).limit(1)
    ).first()
    return "/publish" if user.sysadmin or member is not None else "/account"


@router.post("/login")
def login(request: Request, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, LOGIN_FIELDS)
    with read(request.app.state.engine) as conn:
        user = authenticate(conn, form.value("username").strip(), form.value("password"))
        landing = _landing(conn, user) if user is not None else "/"
    if user is None:
        form.values["password"] = []  # never sent back to the browser
        form.ours("username", N_("The user name or password is wrong."))
        return _login_page(request, form, 422)
    log_in(request, user)
    flash(request, N_("You are logged in as %(name)s."), name=user.fullname or user.name)
    asked = form.value("next")
    return redirect(asked if asked and safe_next(asked) == asked else landing)


@router.post("/logout")
def logout(request: Request) -> Response:
    log_out(request)
    flash(request, N_("You are logged out."))
    return redirect("/")
