"""Logging in and out of the pages (a signed session cookie; see `torget.web.sessions`).

Failed log-ins are limited per account and per address (`torget.accounts.login`); past a limit
the form answers 429 with `Retry-After` and says how long to wait, and that a reset link works.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.login import Attempt, check_log_in
from torget.accounts.users import User
from torget.db.engine import read
from torget.db.schema import memberships
from torget.errors import NotAuthenticated, RateLimited
from torget.web.abuse import client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.routing import page_router, redirect, safe_next
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import known_device, log_in, log_out, posted_form, remember_device

__all__ = ["router"]

router = page_router()
LOGIN_FIELDS = (
    Field("username", N_("User name or e-mail address")),
    Field("password", N_("Password")),
    Field("next"),
)


def _login_page(
    request: Request, form: Form, status: int = 200, refused: RateLimited | None = None
) -> Response:
    """The form; `refused` says how long a locked account or address has to wait."""
    wait = timedelta(seconds=refused.retry_after) if refused is not None else None
    headers = {"Retry-After": str(refused.retry_after)} if refused is not None else None
    return render(
        request, "login.html", title=N_("Log in"), status=status, form=form,
        labels=labels(LOGIN_FIELDS), wait=wait, headers=headers,
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
    password = form.value("password")
    form.values["password"] = []  # never sent back to the browser
    attempt = Attempt(
        form.value("username").strip(), password, client_address(request), known_device(request)
    )
    try:
        user = check_log_in(request_site(request).engine, request_site(request).settings, attempt)
    except NotAuthenticated:
        form.ours("username", N_("The user name or password is wrong."))
        return _login_page(request, form, 422)
    except RateLimited as exc:
        return _login_page(request, form, 429, exc)
    with read(request_site(request).engine) as conn:
        landing = _landing(conn, user)
    log_in(request, user)
    flash(request, N_("You are logged in as %(name)s."), name=user.fullname or user.name)
    asked = form.value("next")
    response = redirect(asked if asked and safe_next(asked) == asked else landing)
    remember_device(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    log_out(request)
    flash(request, N_("You are logged out."))
    return redirect("/")
