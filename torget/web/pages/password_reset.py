"""A forgotten password: ask for a link by e-mail, then choose a new password
(`torget.accounts.passwords`). The answer to the request never says whether the address has
an account. Choosing the new password logs the owner in."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from torget.accounts.passwords import request_password_reset, reset_password
from torget.db.engine import write
from torget.errors import ValidationFailed
from torget.web.abuse import check_honeypot, client_address
from torget.web.forms import Field, Form, labels
from torget.web.i18n import N_
from torget.web.pages.account_forms import NEW_PASSWORD, add_problems
from torget.web.pages.routing import page_router, redirect
from torget.web.rendering import flash, render
from torget.web.request_site import request_site
from torget.web.sessions import log_in, posted_form

__all__ = ["router"]

router = page_router()
REQUEST_FIELDS = (Field("email", N_("E-mail address of your account")),)
RESET_FIELDS = (NEW_PASSWORD, Field("token"))
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _request_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "password_reset_request.html", title=N_("Forgot your password?"),
        status=status, form=form, labels=labels(REQUEST_FIELDS),
    )  # fmt: skip


@router.get("/password/forgot")
def forgot_page(request: Request) -> Response:
    return _request_page(request, Form())


@router.post("/password/forgot")
def forgot(request: Request, data: FormData = Depends(posted_form)) -> Response:
    check_honeypot(data)
    form = Form.posted(data, REQUEST_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            request_password_reset(
                conn, request_site(request).settings, form.value("email"), client_address(request)
            )
    except ValidationFailed as exc:
        add_problems(form, exc, REQUEST_FIELDS)
        return _request_page(request, form, 422)
    return redirect("/password/sent")


@router.get("/password/sent")
def sent(request: Request) -> Response:
    return render(
        request, "password_reset_sent.html", title=N_("Check your e-mail"),
        minutes=request_site(request).settings.password_reset_link_minutes,
    )  # fmt: skip


def _reset_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request, "password_reset.html", title=N_("Choose a new password"), status=status,
        form=form, labels=labels(RESET_FIELDS), headers=_PRIVATE,
    )  # fmt: skip


@router.get("/password/reset")
def reset_page(request: Request, token: str = "") -> Response:
    return _reset_page(request, Form({"token": [token]}))


@router.post("/password/reset")
def reset(request: Request, data: FormData = Depends(posted_form)) -> Response:
    form = Form.posted(data, RESET_FIELDS)
    try:
        with write(request_site(request).engine) as conn:
            user = reset_password(conn, form.value("token"), form.value("password"))
    except ValidationFailed as exc:
        form.values["password"] = []
        add_problems(form, exc, (NEW_PASSWORD,))
        return _reset_page(request, form, 422)
    log_in(request, user)
    flash(request, N_("Your new password is saved and you are logged in."))
    return redirect("/account")
